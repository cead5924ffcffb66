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

/// What a page's Open Graph image tags say (`social_image` in every
/// context; null on pages without one, and when the site has no host to
/// make its URL absolute, which `og:image` needs).
#[derive(Serialize)]
pub(crate) struct SocialImageView {
    url: String,
    width: u32,
    height: u32,
    alt: String,
}

pub(crate) fn social_image(site: &Site, kind: crate::plan::PageKind) -> Option<SocialImageView> {
    let image = crate::plan::SocialImage::of(site, kind)?;
    let url = site.config.permalink(&image.path(site));
    let card = social_card(site, image);
    Some(SocialImageView {
        url,
        width: crate::render::social::WIDTH,
        height: crate::render::social::HEIGHT,
        alt: format!("{}: {}, {}", card.kind, card.title, card.subtitle),
    })
}

/// What a session's or pattern's preview image shows: its title; a
/// session's date (or that it is proposed) and community, in the
/// community's colour; a pattern's ring and tags.
pub(crate) fn social_card(
    site: &Site,
    image: crate::plan::SocialImage,
) -> crate::render::social::Card {
    use crate::plan::SocialImage;
    use crate::render::social::{Card, DEFAULT_ACCENT};
    let (title, subtitle, kind, accent) = match image {
        SocialImage::Session(i) => {
            let s = &site.sessions[i];
            let community = s.community.map(|c| &site.communities[c]);
            let when = match s.date {
                Some(d) => long_date(d),
                None => "Proposed session".to_string(),
            };
            (
                s.title.clone(),
                when,
                community.map_or_else(|| "Session".to_string(), |c| c.title.clone()),
                community
                    .and_then(|c| c.color.as_ref())
                    .map(|c| c.0.clone()),
            )
        }
        SocialImage::Pattern(i) => {
            let p = &site.patterns[i];
            let ring = p.maturity.map(|m| {
                let name = m.name();
                name[..1].to_uppercase() + &name[1..]
            });
            let tags = p
                .tags
                .iter()
                .map(|&t| site.tags[t].name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let subtitle = match (ring, tags.is_empty()) {
                (Some(r), false) => format!("{r} · {tags}"),
                (Some(r), true) => r,
                (None, false) => tags,
                (None, true) => "A practice of the catalogue".to_string(),
            };
            (p.title.clone(), subtitle, "Pattern".to_string(), None)
        }
    };
    Card {
        title,
        subtitle,
        kind,
        site: site.config.title.clone(),
        accent: accent.unwrap_or_else(|| DEFAULT_ACCENT.to_string()),
    }
}
