//! `/communities/` and a community's own page.

use serde::Serialize;
use tera::Value;

use super::cards::distinct_by;
use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;

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
    community: &'a Value,
    content: Content<'a>,
    toc: &'a [TocEntry],
    upcoming: Cards<'a, SessionId>,
    past: Cards<'a, SessionId>,
    proposed: Cards<'a, SessionId>,
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

pub(crate) fn community<'a>(cx: &Cx<'a>, i: CommunityId) -> View<'a, CommunityPage<'a>> {
    let (site, views) = (cx.site, cx.views);
    let x = &site.communities[i];
    let (scheduled, proposed) = super::scheduled_and_proposed(site, &x.sessions);
    let (upcoming, past) = views.split_by_time(&scheduled);
    View::new(
        "community.html",
        x.title.as_str(),
        CommunityPage {
            community: &views.communities[i],
            content: content(Some(&x.body)),
            toc: toc(Some(&x.body)),
            upcoming: views.sessions(upcoming),
            past: views.sessions(past),
            proposed: views.sessions(proposed),
            facilitators: views.people(facilitators_of(site, &x.sessions)),
            patterns: views.patterns(patterns_of(site, &x.sessions)),
            referenced_by: referenced_by(site, &x.referenced_by),
            extra: &x.extra,
            description: x.purpose.as_deref().unwrap_or_default(),
        },
    )
}
