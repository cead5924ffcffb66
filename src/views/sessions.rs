//! `/sessions/` (sessions by year) and a session's own page.

use serde::Serialize;
use tera::Value;

use super::paging::{self, Pagination};
use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;
use crate::plan::List;

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

/// The sessions `/sessions/` lists, newest first: a recurring session is
/// listed through its occurrences, not as itself.
pub(crate) fn listed_sessions(site: &Site) -> impl Iterator<Item = SessionId> + '_ {
    site.sessions
        .keys()
        .rev()
        .filter(|&i| !site.sessions[i].is_recurring())
}

/// Page `page` (from 1) of `/sessions/`: newest first, proposed sessions
/// last, grouped by year within the page.
pub(crate) fn sessions<'a>(cx: &Cx<'a>, page: usize) -> View<'a, Sessions<'a>> {
    let site = cx.site;
    let label_of = |i: SessionId| match site.sessions[i].date {
        Some(d) => d.year().to_string(),
        None => "Proposed".to_string(),
    };
    let pagination = Pagination::of(site, List::Sessions, page);
    let [order] = paging::window([cx.views.orders.sessions(site)], pagination.current());
    let mut years: Vec<(String, Vec<SessionId>)> = Vec::new();
    for i in order {
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
    View::new(
        "sessions.html",
        paging::title("Sessions", pagination.current(), pagination.total()),
        Sessions { groups, pagination },
    )
}

#[derive(Serialize)]
pub(crate) struct SessionPage<'a> {
    #[serde(serialize_with = "super::shared")]
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
            content: content(cx.views, s.body.as_ref()),
            toc: toc(s.body.as_ref()),
            referenced_by: referenced_by(cx.site, &s.referenced_by),
            extra: &s.extra,
            description: super::truncate(&super::cards::session_summary(s), 160),
            related_content: cx.views.related.for_session(cx.site, i),
        },
    )
}
