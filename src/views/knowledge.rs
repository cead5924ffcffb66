//! What a pattern or a plain page says about its own upkeep: who owns it,
//! when it is due for review (and whether that is past), and where to edit
//! it. One value per page, `freshness`, plus `edit_url`.

use serde::Serialize;

use super::cards::{Link, long_date, person_link};
use crate::model::knowledge::Freshness;
use crate::model::*;

#[derive(Serialize)]
pub(crate) struct FreshnessView<'a> {
    owner: Option<Link<'a>>,
    /// `YYYY-MM-DD`, for `<time datetime>`.
    review_by: Option<String>,
    /// "Monday 3 March 2025".
    review_by_long: Option<String>,
    /// Past its review date by the build's clock.
    overdue: bool,
}

/// `None` when the item says neither who owns it nor when to review it.
pub(crate) fn freshness<'a>(site: &'a Site, f: &Freshness) -> Option<FreshnessView<'a>> {
    if f.owner.is_none() && f.review_by.is_none() {
        return None;
    }
    Some(FreshnessView {
        owner: f.owner.map(|p| person_link(site, p)),
        review_by: f.review_by.map(|d| d.to_string()),
        review_by_long: f.review_by.map(long_date),
        overdue: f.is_overdue(site.today()),
    })
}

/// The "Edit this page" link of an item's source file, if `edit_url` is set.
pub(crate) fn edit_url(site: &Site, source: &std::path::Path) -> Option<String> {
    site.config.edit_link(source)
}

/// When a file last changed and who wrote it, from the Git history.
#[derive(Serialize)]
pub(crate) struct HistoryView<'a> {
    /// RFC 3339, for `<time datetime>`.
    updated: String,
    /// "Monday 3 March 2025", in the site's zone.
    updated_long: String,
    contributors: &'a [String],
}

pub(crate) fn history<'a>(site: &'a Site, source: &std::path::Path) -> Option<HistoryView<'a>> {
    let h = site.config.file_history(source)?;
    let zone = crate::parse::meta::tzdb()
        .get(&site.config.timezone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    Some(HistoryView {
        updated: h.updated.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        updated_long: long_date(h.updated.to_zoned_datetime(zone).date()),
        contributors: &h.contributors,
    })
}
