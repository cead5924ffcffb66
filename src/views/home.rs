//! The home page: what is coming, what was written up, the communities and
//! the most practised patterns.

use serde::Serialize;

use super::{Cards, Content, Cx, View, content};
use crate::meta::Status;
use crate::site::*;

#[derive(Serialize)]
struct Stats {
    sessions: usize,
    patterns: usize,
    facilitators: usize,
    communities: usize,
}

#[derive(Serialize)]
pub(crate) struct Home<'a> {
    intro: Content<'a>,
    upcoming: Cards<'a, SessionId>,
    recent: Cards<'a, SessionId>,
    communities: Cards<'a, CommunityId>,
    patterns: Cards<'a, PatternId>,
    stats: Stats,
}

pub(crate) fn home<'a>(cx: &Cx<'a>) -> View<'a, Home<'a>> {
    let (site, views) = (cx.site, cx.views);
    // A recurring session is here through its occurrences.
    let all: Vec<SessionId> = site
        .sessions
        .keys()
        .filter(|&i| !site.sessions[i].is_recurring())
        .collect();
    let (upcoming, past) = views.split_by_time(&all);
    let upcoming = upcoming
        .into_iter()
        .filter(|&i| site.sessions[i].status != Status::Proposed)
        .take(4)
        .collect();
    let recent = past
        .into_iter()
        .filter(|&i| super::cards::has_writeup(&site.sessions[i]))
        .take(6)
        .collect();
    let mut featured: Vec<PatternId> = site.patterns.keys().collect();
    featured.sort_by_key(|&i| {
        (
            std::cmp::Reverse(site.patterns[i].sessions.len()),
            site.patterns[i].title.to_lowercase(),
        )
    });
    featured.truncate(6);
    // `content/index.md`, if any, introduces the home page.
    let intro = site.pages.iter().find(|p| p.path.is_empty());
    View::new(
        "index.html",
        site.config.title.as_str(),
        Home {
            intro: content(intro.map(|p| &p.body)),
            upcoming: views.sessions(upcoming),
            recent: views.sessions(recent),
            communities: Cards::all(&views.communities),
            patterns: views.patterns(featured),
            stats: Stats {
                sessions: site
                    .sessions
                    .iter()
                    .filter(|s| s.status == Status::Held)
                    .count(),
                patterns: site.patterns.len(),
                facilitators: site
                    .people
                    .iter()
                    .filter(|p| !p.sessions.is_empty())
                    .count(),
                communities: site.communities.len(),
            },
        },
    )
}
