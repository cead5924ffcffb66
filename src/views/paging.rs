//! Long lists split into pages (issue 11): at 10,000 pages a community's,
//! facilitator's or tag's page listing every session was up to 2 MB of
//! HTML. Every list that grows with the site is cut into pages of
//! [`PER_PAGE`] items; page 1 stays at the list's own URL (so existing links
//! keep working) and page N at `<url>page/N/`, linked by a labelled page
//! navigation ([`Pagination`]). The plan counts a list's pages with
//! [`page_count`] from the same item counts the views cut, so every page
//! the navigation links to is planned and in the sitemap.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use super::Cx;
use crate::model::*;
use crate::plan::List;
use crate::render::PageInput;

/// How many items one page of a split list shows: a page of 100 session
/// items is about 50 KB of HTML.
pub const PER_PAGE: usize = 100;

/// The input of page `page` (from 1) of `list`: each list's view knows
/// what its first page shows besides the items.
pub(crate) fn input<'a>(cx: &Cx<'a>, list: List, page: usize) -> PageInput<'a> {
    match list {
        List::Sessions => cx.input(super::sessions::sessions(cx, page)),
        List::Calendar => cx.input(super::calendar::calendar(cx, page)),
        List::Patterns => cx.input(super::patterns::patterns(cx, page)),
        List::Community(i) => cx.input(super::communities::community(cx, i, page)),
        List::Person(i) => cx.input(super::people::person(cx, i, page)),
        List::Tag(i) => cx.input(super::taxonomy::tag(cx, i, page)),
        List::Format(i) => cx.input(super::taxonomy::format(cx, i, page)),
    }
}

/// The site-wide split lists in their order, made when a page first asks,
/// once per build: each of the 950 pages of `/sessions/` at 100,000 pages
/// sorting every session again made the build quadratic.
#[derive(Default)]
pub(crate) struct Orders {
    sessions: OnceLock<Vec<SessionId>>,
    calendar: OnceLock<[Vec<SessionId>; 2]>,
    /// A community's or person's sessions as upcoming, past and proposed.
    sections: Mutex<HashMap<List, Arc<[Vec<SessionId>; 3]>>>,
}

impl Orders {
    /// The upcoming (soonest first), past (newest first) and proposed
    /// sessions among `ids`, the sections of `list`'s pages: split once
    /// for all its pages (a community of 38,000 sessions has 380).
    pub(crate) fn sections(
        &self,
        list: List,
        site: &Site,
        views: &super::Views,
        ids: &[SessionId],
    ) -> Arc<[Vec<SessionId>; 3]> {
        let known = self
            .sections
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&list)
            .cloned();
        known.unwrap_or_else(|| {
            let (scheduled, proposed) = super::scheduled_and_proposed(site, ids);
            let (upcoming, past) = views.split_by_time(&scheduled);
            let made = Arc::new([upcoming, past, proposed]);
            self.sections
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(list, made.clone());
            made
        })
    }

    /// `/sessions/`'s order: newest first, proposed sessions last.
    pub(crate) fn sessions(&self, site: &Site) -> &[SessionId] {
        self.sessions.get_or_init(|| {
            let mut order: Vec<SessionId> = super::sessions::listed_sessions(site).collect();
            // Proposed sessions come last in the model; show them last here too.
            order.sort_by_key(|&i| site.sessions[i].date.is_none());
            order
        })
    }

    /// `/calendar/`'s sections: upcoming soonest first, past newest first.
    pub(crate) fn calendar(&self, site: &Site, views: &super::Views) -> &[Vec<SessionId>; 2] {
        self.calendar.get_or_init(|| {
            let (upcoming, past) = views.split_by_time(&super::calendar::scheduled(site));
            [upcoming, past]
        })
    }
}

/// How many pages a list of `items` takes (at least one, even when empty).
pub(crate) fn page_count(items: usize) -> usize {
    items.div_ceil(PER_PAGE).max(1)
}

/// How many items a split list has, summed over its sections: what the plan
/// counts pages from and what its view cuts.
pub(crate) fn items_of(site: &Site, list: List) -> usize {
    match list {
        List::Sessions => super::sessions::listed_sessions(site).count(),
        List::Calendar => super::calendar::scheduled(site).len(),
        List::Patterns => site.patterns.len(),
        List::Community(i) => site.communities[i].sessions.len(),
        List::Person(i) => site.people[i].sessions.len(),
        List::Tag(i) => site.tags[i].sessions.len() + site.tags[i].patterns.len(),
        List::Format(i) => site.formats[i].sessions.len() + site.formats[i].patterns.len(),
    }
}

/// How many pages `list` is split into.
pub(crate) fn pages_of(site: &Site, list: List) -> usize {
    page_count(items_of(site, list))
}

/// The URL path of page `number` (1-based) of a list whose first page is
/// at `first` (`sessions/`): `sessions/`, `sessions/page/2/`, ...
pub(crate) fn list_page_path(first: &str, number: usize) -> String {
    if number <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{number}/")
    }
}

/// Page `page` of a list of sessions kept in three sections (upcoming,
/// past, proposed), as a community's and a person's pages show it: the
/// page navigation and this page's part of each section.
pub(crate) fn session_sections(
    site: &Site,
    views: &super::Views,
    list: List,
    ids: &[SessionId],
    page: usize,
) -> (Pagination, [Vec<SessionId>; 3]) {
    let sections = views.orders.sections(list, site, views, ids);
    let [upcoming, past, proposed] = &*sections;
    let pagination = Pagination::of(site, list, page);
    let parts = window(
        [upcoming.as_slice(), past.as_slice(), proposed.as_slice()],
        pagination.current(),
    );
    (pagination, parts)
}

/// The items of page `page` (from 1) of a list made of `sections` read one
/// after another (upcoming, then past, then proposed): each section's part
/// of the page, in order. A section wholly on other pages gives an empty
/// list, so the template leaves its heading out.
pub(crate) fn window<T: Copy, const N: usize>(sections: [&[T]; N], page: usize) -> [Vec<T>; N] {
    let mut parts = ranges(sections.map(<[T]>::len), page).into_iter();
    sections.map(|ids| parts.next().map_or_else(Vec::new, |r| ids[r].to_vec()))
}

/// [`window`] for sections of different item types: the range of each
/// section (of these lengths) that is on page `page`.
pub(crate) fn ranges<const N: usize>(lens: [usize; N], page: usize) -> [Range<usize>; N] {
    let start = (page.max(1) - 1) * PER_PAGE;
    let end = start + PER_PAGE;
    let mut offset = 0;
    lens.map(|len| {
        let from = start.saturating_sub(offset).min(len);
        let to = end.saturating_sub(offset).min(len);
        offset += len;
        from..to
    })
}

/// A page's title: the list's own on page 1, "…, page 2 of 7" after.
pub(crate) fn title(base: &str, page: usize, total: usize) -> String {
    if page <= 1 {
        base.to_string()
    } else {
        format!("{base}, page {page} of {total}")
    }
}

/// How many page numbers the navigation shows on each side of the current
/// one, besides the first and the last: a list of 1,000 pages links to at
/// most 9 of them from each page, not 1,000 (which would make the lists'
/// total size grow with the square of their length).
const NEIGHBOURS: usize = 3;

/// The links between the pages of a split list, for the template's page
/// navigation (`aria-current` on this page's link).
#[derive(Serialize)]
pub(crate) struct Pagination {
    /// This page's number, from 1.
    current: usize,
    total: usize,
    /// The first page, the last, and the [`NEIGHBOURS`] either side of this
    /// one, in order; `gap_before` marks numbers left out before a link.
    pages: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
    gap_before: bool,
}

impl Pagination {
    pub(crate) fn new(site: &Site, first: &str, current: usize, total: usize) -> Pagination {
        let url = |n: usize| site.config.url(&list_page_path(first, n));
        let near = current.saturating_sub(NEIGHBOURS).max(1)..=(current + NEIGHBOURS).min(total);
        let mut pages: Vec<PageLink> = Vec::new();
        for number in (1..=total).filter(|&n| n == 1 || n == total || near.contains(&n)) {
            let gap_before = pages.last().is_some_and(|p| p.number + 1 < number);
            pages.push(PageLink {
                number,
                url: url(number),
                current: number == current,
                gap_before,
            });
        }
        Pagination {
            current,
            total,
            pages,
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
        }
    }

    /// The navigation of page `page` of `list` (clamped to its pages).
    pub(crate) fn of(site: &Site, list: List, page: usize) -> Pagination {
        let total = pages_of(site, list);
        Pagination::new(site, &list.path(site), page.clamp(1, total), total)
    }

    /// This page's number, from 1.
    pub(crate) fn current(&self) -> usize {
        self.current
    }

    pub(crate) fn total(&self) -> usize {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_takes_each_sections_part_of_the_page() {
        let (a, b, c): (Vec<u32>, Vec<u32>, Vec<u32>) = (
            (0..150).collect(),
            (150..160).collect(),
            (160..300).collect(),
        );
        let [p1a, p1b, p1c] = window([&a, &b, &c], 1);
        assert_eq!((p1a.len(), p1b.len(), p1c.len()), (100, 0, 0));
        let [p2a, p2b, p2c] = window([&a, &b, &c], 2);
        assert_eq!((p2a.len(), p2b.len(), p2c.len()), (50, 10, 40));
        assert_eq!((p2a[0], p2c[0]), (100, 160));
        let [p3a, p3b, p3c] = window([&a, &b, &c], 3);
        assert_eq!((p3a.len(), p3b.len(), p3c.len()), (0, 0, 100));
        let [p4a, p4b, p4c] = window([&a, &b, &c], 4);
        assert!(p4a.is_empty() && p4b.is_empty() && p4c.is_empty());
    }

    #[test]
    fn page_counts_round_up_and_never_reach_zero() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(100), 1);
        assert_eq!(page_count(101), 2);
    }
}
