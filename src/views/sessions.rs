//! `/sessions/` (sessions by year) and a session's own page.

use serde::Serialize;
use tera::Value;

use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;

#[derive(Serialize)]
struct Year<'a> {
    label: String,
    slug: String,
    sessions: Cards<'a, SessionId>,
}

#[derive(Serialize)]
pub(crate) struct Sessions<'a> {
    groups: Vec<Year<'a>>,
    pagination: Pagination,
}

/// How many sessions one page of `/sessions/` lists: at 10,000 pages one
/// list of every session was 3.5 MB of HTML; a page of 100 is about 50 KB.
pub(crate) const SESSIONS_PER_PAGE: usize = 100;

/// The pages `/sessions/` is split into (at least one, even when empty).
pub(crate) fn sessions_page_count(site: &Site) -> usize {
    listed_sessions(site)
        .count()
        .div_ceil(SESSIONS_PER_PAGE)
        .max(1)
}

/// The sessions `/sessions/` lists, newest first: a recurring session is
/// listed through its occurrences, not as itself.
fn listed_sessions(site: &Site) -> impl Iterator<Item = SessionId> + '_ {
    site.sessions
        .keys()
        .rev()
        .filter(|&i| !site.sessions[i].is_recurring())
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

/// The links between the pages of a split list, for the template's page
/// navigation (`aria-current` on this page's link).
#[derive(Serialize)]
pub(crate) struct Pagination {
    /// This page's number, from 1.
    current: usize,
    total: usize,
    pages: Vec<PageLink>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
    current: bool,
}

impl Pagination {
    pub(crate) fn new(site: &Site, first: &str, current: usize, total: usize) -> Pagination {
        let url = |n: usize| site.config.url(&list_page_path(first, n));
        Pagination {
            current,
            total,
            pages: (1..=total)
                .map(|number| PageLink {
                    number,
                    url: url(number),
                    current: number == current,
                })
                .collect(),
            prev: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
        }
    }
}

/// Page `page` (from 1) of `/sessions/`: newest first, proposed sessions
/// last, grouped by year within the page.
pub(crate) fn sessions<'a>(cx: &Cx<'a>, page: usize) -> View<'a, Sessions<'a>> {
    let site = cx.site;
    let label_of = |i: SessionId| match site.sessions[i].date {
        Some(d) => d.year().to_string(),
        None => "Proposed".to_string(),
    };
    // Proposed sessions come last in the model; show them last here too.
    let mut order: Vec<SessionId> = listed_sessions(site).collect();
    order.sort_by_key(|&i| site.sessions[i].date.is_none());
    let total = sessions_page_count(site);
    let page = page.clamp(1, total);
    let mut years: Vec<(String, Vec<SessionId>)> = Vec::new();
    for i in order
        .into_iter()
        .skip((page - 1) * SESSIONS_PER_PAGE)
        .take(SESSIONS_PER_PAGE)
    {
        let label = label_of(i);
        match years.last_mut() {
            Some((y, list)) if *y == label => list.push(i),
            _ => years.push((label, vec![i])),
        }
    }
    let groups = years
        .into_iter()
        .map(|(label, ids)| Year {
            slug: crate::model::slug::slugify(&label),
            label,
            sessions: cx.views.sessions(ids),
        })
        .collect();
    let title = if page == 1 {
        "Sessions".to_string()
    } else {
        format!("Sessions, page {page} of {total}")
    };
    View::new(
        "sessions.html",
        title,
        Sessions {
            groups,
            pagination: Pagination::new(site, "sessions/", page, total),
        },
    )
}

#[derive(Serialize)]
pub(crate) struct SessionPage<'a> {
    session: &'a Value,
    content: Content<'a>,
    toc: &'a [TocEntry],
    referenced_by: Vec<Backlink<'a>>,
    extra: &'a serde_json::Value,
    description: String,
    /// Knowledge base (issue 13): related sessions and patterns, with why.
    related_content: Vec<super::related::Related<'a>>,
}

pub(crate) fn session<'a>(cx: &Cx<'a>, i: SessionId) -> View<'a, SessionPage<'a>> {
    let s = &cx.site.sessions[i];
    View::new(
        "session.html",
        s.title.as_str(),
        SessionPage {
            session: &cx.views.sessions[i],
            content: content(s.body.as_ref()),
            toc: toc(s.body.as_ref()),
            referenced_by: referenced_by(cx.site, &s.referenced_by),
            extra: &s.extra,
            description: super::truncate(&super::cards::session_summary(s), 160),
            related_content: super::related::for_session(cx.site, i),
        },
    )
}
