//! `/sessions/` (sessions by year) and a session's own page.

use serde::Serialize;
use tera::Value;

use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::markdown::TocEntry;
use crate::site::*;

#[derive(Serialize)]
struct Year<'a> {
    label: String,
    slug: String,
    sessions: Cards<'a, SessionId>,
}

#[derive(Serialize)]
pub(crate) struct Sessions<'a> {
    groups: Vec<Year<'a>>,
}

pub(crate) fn sessions<'a>(cx: &Cx<'a>) -> View<'a, Sessions<'a>> {
    let site = cx.site;
    let mut years: Vec<(String, Vec<SessionId>)> = Vec::new();
    for i in site.sessions.keys().rev() {
        let label = match site.sessions[i].date {
            Some(d) => d.year().to_string(),
            None => "Proposed".to_string(),
        };
        match years.last_mut() {
            Some((y, list)) if *y == label => list.push(i),
            _ => years.push((label, vec![i])),
        }
    }
    // Proposed sessions come last in the model; show them last here too.
    years.sort_by_key(|(y, _)| y == "Proposed");
    let groups = years
        .into_iter()
        .map(|(label, ids)| Year {
            slug: crate::slug::slugify(&label),
            label,
            sessions: cx.views.sessions(ids),
        })
        .collect();
    View::new("sessions.html", "Sessions", Sessions { groups })
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
