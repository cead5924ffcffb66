//! `/facilitators/` and a person's own page.

use serde::Serialize;
use tera::Value;

use super::cards::{LabelledUrl, distinct_by};
use super::communities::patterns_of;
use super::paging::{self, Pagination};
use super::{Backlink, Cards, Content, Cx, View, content, referenced_by};
use crate::model::*;
use crate::plan::List;

/// People who ran sessions of one community or format.
#[derive(Serialize)]
struct Group<'a> {
    title: &'a str,
    url: String,
    people: Cards<'a, PersonId>,
}

#[derive(Serialize)]
pub(crate) struct Facilitators<'a> {
    people: Cards<'a, PersonId>,
    by_community: Vec<Group<'a>>,
    by_format: Vec<Group<'a>>,
}

pub(crate) fn facilitators<'a>(cx: &Cx<'a>) -> View<'a, Facilitators<'a>> {
    let (site, views) = (cx.site, cx.views);
    // Everyone who facilitates, or has a profile; by name.
    let mut ids: Vec<PersonId> = site
        .people
        .keys()
        .filter(|&i| !site.people[i].sessions.is_empty() || site.people[i].source.is_some())
        .collect();
    ids.sort_by_key(|&i| site.people[i].name.to_lowercase());
    // Plain grouped lists narrow the index without JavaScript.
    let members_of = |pred: &dyn Fn(&Session) -> bool| -> Vec<PersonId> {
        ids.iter()
            .copied()
            .filter(|&p| {
                site.people[p]
                    .sessions
                    .iter()
                    .any(|&s| pred(&site.sessions[s]))
            })
            .collect()
    };
    let group = |title: &'a str, path: &str, people: Vec<PersonId>| {
        (!people.is_empty()).then(|| Group {
            title,
            url: site.config.url(path),
            people: views.people(people),
        })
    };
    let by_community = site
        .communities
        .iter_enumerated()
        .filter_map(|(ci, x)| group(&x.title, &x.path, members_of(&|s| s.community == Some(ci))))
        .collect();
    let by_format = site
        .formats
        .iter_enumerated()
        .filter_map(|(fi, f)| group(&f.name, &f.path, members_of(&|s| s.format == Some(fi))))
        .collect();
    View::new(
        "facilitators.html",
        "Facilitators",
        Facilitators {
            people: views.people(ids),
            by_community,
            by_format,
        },
    )
}

#[derive(Serialize)]
pub(crate) struct PersonPage<'a> {
    #[serde(serialize_with = "super::shared")]
    person: &'a Value,
    content: Content<'a>,
    links: Vec<LabelledUrl<'a>>,
    upcoming: Cards<'a, SessionId>,
    past: Cards<'a, SessionId>,
    proposed: Cards<'a, SessionId>,
    pagination: Pagination,
    communities: Cards<'a, CommunityId>,
    patterns: Cards<'a, PatternId>,
    referenced_by: Vec<Backlink<'a>>,
    extra: &'a serde_json::Value,
    description: &'a str,
}

/// Page `page` (from 1) of a person: their sessions (upcoming, past,
/// volunteered for) 100 a page. Page 1 is the person's own page, with their
/// profile, communities and patterns; later pages carry only the list.
pub(crate) fn person<'a>(cx: &Cx<'a>, i: PersonId, page: usize) -> View<'a, PersonPage<'a>> {
    let (site, views) = (cx.site, cx.views);
    let p = &site.people[i];
    let list = List::Person(i);
    let (pagination, [upcoming, past, proposed]) =
        paging::session_sections(site, views, list, &p.sessions, page);
    let first = pagination.current() == 1;
    let all_sessions: &[SessionId] = if first { &p.sessions } else { &[] };
    // In site order, as the communities page lists them.
    let communities = distinct_by(
        all_sessions
            .iter()
            .filter_map(|&s| site.sessions[s].community)
            .collect(),
        |&c| c,
    );
    View::new(
        "person.html",
        paging::title(&p.name, pagination.current(), pagination.total()),
        PersonPage {
            person: &views.people[i],
            content: content(cx.views, p.body.as_ref().filter(|_| first)),
            links: p
                .links
                .iter()
                .map(|(label, url)| LabelledUrl { label, url })
                .collect(),
            upcoming: views.sessions(upcoming),
            past: views.sessions(past),
            proposed: views.sessions(proposed),
            pagination,
            communities: Cards::new(&views.communities, communities),
            patterns: views.patterns(patterns_of(site, all_sessions)),
            referenced_by: if first {
                referenced_by(site, &p.referenced_by)
            } else {
                Vec::new()
            },
            extra: &p.extra,
            description: p.role.as_deref().unwrap_or_default(),
        },
    )
}
