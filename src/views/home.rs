//! The home page: what is coming, what was written up, the communities and
//! the most practised patterns.

use serde::Serialize;

use super::{Cards, Content, Cx, View, content};
use crate::model::*;
use crate::parse::meta::Status;

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

/// How many write-ups the home page shows.
const RECENT: usize = 6;

/// "Recent write-ups": sessions that took place and were written up, newest
/// first. A proposal or a planned session may have text (its pitch), but it
/// is not a write-up: proposals belong to the backlog, planned sessions to
/// "Next sessions". Sorted here by date and time, not by the order of the
/// list it is given, so an undated session can never come first.
fn recent_writeups(site: &Site, past: Vec<SessionId>) -> Vec<SessionId> {
    let mut recent: Vec<SessionId> = past
        .into_iter()
        .filter(|&i| {
            let s = &site.sessions[i];
            s.status == Status::Held && s.date.is_some() && super::cards::has_writeup(s)
        })
        .collect();
    recent.sort_by(|&a, &b| {
        site.sessions[b]
            .sort_key()
            .cmp(&site.sessions[a].sort_key())
    });
    recent.truncate(RECENT);
    recent
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
        // What will happen: not a proposal, nor an occurrence called off
        // (the calendars still show it, struck through).
        .filter(|&i| {
            !matches!(
                site.sessions[i].status,
                Status::Proposed | Status::Cancelled
            )
        })
        .take(4)
        .collect();
    let recent = recent_writeups(site, past);
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
            intro: content(cx.views, intro.map(|p| &p.body)),
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
