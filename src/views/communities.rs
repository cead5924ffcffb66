//! `/communities/` and a community's own page.

use serde::Serialize;
use tera::Value;

use super::cards::distinct_by;
use super::paging::{self, Pagination};
use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;
use crate::plan::List;

#[derive(Serialize)]
pub(crate) struct Communities<'a> {
    communities: Cards<'a, CommunityId>,
}

pub(crate) fn communities<'a>(cx: &Cx<'a>) -> View<'a, Communities<'a>> {
    View::new(
        "communities.html",
        "Communities",
        Communities {
            communities: Cards::all(&cx.views.communities),
        },
    )
}

#[derive(Serialize)]
pub(crate) struct CommunityPage<'a> {
    #[serde(serialize_with = "super::shared")]
    community: &'a Value,
    content: Content<'a>,
    toc: &'a [TocEntry],
    upcoming: Cards<'a, SessionId>,
    past: Cards<'a, SessionId>,
    proposed: Cards<'a, SessionId>,
    pagination: Pagination,
    facilitators: Cards<'a, PersonId>,
    patterns: Cards<'a, PatternId>,
    referenced_by: Vec<Backlink<'a>>,
    extra: &'a serde_json::Value,
    description: &'a str,
}

/// The distinct facilitators of these sessions, by name.
pub(crate) fn facilitators_of(site: &Site, sessions: &[SessionId]) -> Vec<PersonId> {
    distinct_by(
        sessions
            .iter()
            .flat_map(|&s| site.sessions[s].facilitators.iter().copied())
            .collect(),
        |&p| site.people[p].name.as_str(),
    )
}

/// The distinct patterns practised in these sessions, by title.
pub(crate) fn patterns_of(site: &Site, sessions: &[SessionId]) -> Vec<PatternId> {
    distinct_by(
        sessions
            .iter()
            .flat_map(|&s| site.sessions[s].patterns.iter().copied())
            .collect(),
        |&p| site.patterns[p].title.as_str(),
    )
}

/// Page `page` (from 1) of a community: its sessions (upcoming soonest
/// first, then past newest first, then proposed) 100 a page. Page 1 is the
/// community's own page, with its text, facilitators and patterns; later
/// pages carry only the rest of the list.
pub(crate) fn community<'a>(
    cx: &Cx<'a>,
    i: CommunityId,
    page: usize,
) -> View<'a, CommunityPage<'a>> {
    let (site, views) = (cx.site, cx.views);
    let x = &site.communities[i];
    let list = List::Community(i);
    let (pagination, [upcoming, past, proposed]) =
        paging::session_sections(site, views, list, &x.sessions, page);
    let first = pagination.current() == 1;
    let all_sessions: &[SessionId] = if first { &x.sessions } else { &[] };
    View::new(
        "community.html",
        paging::title(&x.title, pagination.current(), pagination.total()),
        CommunityPage {
            community: &views.communities[i],
            content: content(cx.views, Some(&x.body).filter(|_| first)),
            toc: toc(Some(&x.body).filter(|_| first)),
            upcoming: views.sessions(upcoming),
            past: views.sessions(past),
            proposed: views.sessions(proposed),
            pagination,
            facilitators: views.people(facilitators_of(site, all_sessions)),
            patterns: views.patterns(patterns_of(site, all_sessions)),
            referenced_by: if first {
                referenced_by(site, &x.referenced_by)
            } else {
                Vec::new()
            },
            extra: &x.extra,
            description: x.purpose.as_deref().unwrap_or_default(),
        },
    )
}
