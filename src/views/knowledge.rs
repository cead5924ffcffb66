//! What a pattern or a plain page says about its own upkeep: who owns it,
//! when it is due for review (and whether that is past), and where to edit
//! it. One value per page, `freshness`, plus `edit_url`.

use serde::Serialize;

use super::cards::{Link, long_date, person_link};
use crate::site::knowledge::Freshness;
use crate::site::*;

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
