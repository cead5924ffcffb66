//! "Related content" on session and pattern pages: the few sessions and
//! patterns that share the most with this one, with the reason shown.
//!
//! Scores are plain counts, weighted by how strong a tie is: a shared
//! pattern (3) says more than a shared tag (2), which says more than a
//! shared facilitator (1). Ties break by title, then by URL, so the list is
//! the same every build. Candidates come from the model's own inverted
//! lists (a pattern's, tag's and person's sessions), not from a scan of
//! every item, so a large site does not pay for every pair. What the page
//! already lists (a session's patterns, a pattern's sessions and related
//! patterns) is left out.

use std::collections::HashMap;

use serde::Serialize;

use crate::model::*;

/// How many related items a page shows.
const SHOWN: usize = 5;

const PATTERN_WEIGHT: usize = 3;
const TAG_WEIGHT: usize = 2;
const PERSON_WEIGHT: usize = 1;

#[derive(Serialize)]
pub(crate) struct Related<'a> {
    title: &'a str,
    url: String,
    /// `session` or `pattern`.
    kind: &'static str,
    /// "Shares the pattern Pair Programming and the tag testing".
    reason: String,
}

/// What a candidate shares with the page's item, as sets of names. A
/// session page weighs hundreds of candidates (every session of its tags
/// and facilitators) on every build of the preview, and shares one or two
/// names with most: small vectors, kept free of repeats, cost far less
/// than ordered sets; [`Shared::reason`] sorts the few it shows.
#[derive(Default)]
struct Shared<'a> {
    patterns: Names<'a>,
    tags: Names<'a>,
    people: Names<'a>,
    /// Sessions that practised both patterns.
    sessions: Names<'a>,
}

/// A set of names, in the order they were added.
#[derive(Default)]
struct Names<'a>(Vec<&'a str>);

impl<'a> Names<'a> {
    fn insert(&mut self, name: &'a str) {
        if !self.0.contains(&name) {
            self.0.push(name);
        }
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn sorted(&self) -> Vec<&'a str> {
        let mut names = self.0.clone();
        names.sort_unstable();
        names
    }
}

impl Shared<'_> {
    fn score(&self) -> usize {
        (self.patterns.len() + self.sessions.len()) * PATTERN_WEIGHT
            + self.tags.len() * TAG_WEIGHT
            + self.people.len() * PERSON_WEIGHT
    }

    fn reason(&self) -> String {
        fn part(one: &str, many: &str, names: &Names<'_>) -> Option<String> {
            let list = names.sorted();
            match list.len() {
                0 => None,
                1 => Some(format!("{one} {}", list[0])),
                _ => Some(format!("{many} {}", list.join(", "))),
            }
        }
        let together = part(
            "practised with it in",
            "practised with it in",
            &self.sessions,
        );
        let parts: Vec<String> = [
            part("the pattern", "the patterns", &self.patterns),
            part("the tag", "the tags", &self.tags),
            part("the facilitator", "the facilitators", &self.people),
        ]
        .into_iter()
        .flatten()
        .collect();
        match (parts.is_empty(), together) {
            (true, Some(t)) => capitalise(&t),
            (false, Some(t)) => format!("Shares {}; {t}", parts.join(" and ")),
            (_, None) => format!("Shares {}", parts.join(" and ")),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The best-scored items, as the template shows them.
fn top<'a>(site: &'a Site, found: HashMap<ItemRef, Shared<'a>>) -> Vec<Related<'a>> {
    let mut found: Vec<(usize, ItemRef, Shared)> = found
        .into_iter()
        .map(|(item, shared)| (shared.score(), item, shared))
        .filter(|(score, ..)| *score > 0)
        .collect();
    // Only items scored at least the SHOWN-th best score can be shown: the
    // others need no title nor path (reading those of every candidate was
    // most of a large site's session pages, each candidate a cache miss).
    if found.len() > SHOWN {
        found.select_nth_unstable_by(SHOWN - 1, |a, b| b.0.cmp(&a.0));
        let least = found[SHOWN - 1].0;
        found.retain(|(score, ..)| *score >= least);
    }
    let mut scored: Vec<(usize, &str, &str, ItemRef, Shared)> = found
        .into_iter()
        .map(|(score, item, shared)| (score, site.title_of(item), site.path_of(item), item, shared))
        .collect();
    // Paths are unique, so the order is total: the first SHOWN of a
    // partial selection are those of a full sort.
    let order = |a: &(usize, &str, &str, ItemRef, Shared),
                 b: &(usize, &str, &str, ItemRef, Shared)| {
        b.0.cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2)))
    };
    if scored.len() > SHOWN {
        scored.select_nth_unstable_by(SHOWN - 1, order);
        scored.truncate(SHOWN);
    }
    scored.sort_by(order);
    scored
        .into_iter()
        .map(|(_, title, path, item, shared)| Related {
            title,
            url: site.config.url(path),
            kind: kind_name(item),
            reason: shared.reason(),
        })
        .collect()
}

/// Related sessions and patterns of session `i`.
pub(crate) fn for_session(site: &Site, i: SessionId) -> Vec<Related<'_>> {
    let s = &site.sessions[i];
    let mut found: HashMap<ItemRef, Shared> = HashMap::new();
    for &p in &s.patterns {
        for &o in &site.patterns[p].sessions {
            found
                .entry(ItemRef::Session(o))
                .or_default()
                .patterns
                .insert(&site.patterns[p].title);
        }
    }
    for &t in &s.tags {
        let tag = &site.tags[t];
        for &o in &tag.sessions {
            found
                .entry(ItemRef::Session(o))
                .or_default()
                .tags
                .insert(&tag.name);
        }
        for &p in &tag.patterns {
            if !s.patterns.contains(&p) {
                found
                    .entry(ItemRef::Pattern(p))
                    .or_default()
                    .tags
                    .insert(&tag.name);
            }
        }
    }
    for &f in &s.facilitators {
        for &o in &site.people[f].sessions {
            found
                .entry(ItemRef::Session(o))
                .or_default()
                .people
                .insert(&site.people[f].name);
        }
    }
    found.remove(&ItemRef::Session(i));
    top(site, found)
}

/// Related sessions and patterns of pattern `i`: ones sharing its tags, or
/// practised in the same sessions.
pub(crate) fn for_pattern(site: &Site, i: PatternId) -> Vec<Related<'_>> {
    let p = &site.patterns[i];
    let mut found: HashMap<ItemRef, Shared> = HashMap::new();
    for &t in &p.tags {
        let tag = &site.tags[t];
        for &o in &tag.patterns {
            found
                .entry(ItemRef::Pattern(o))
                .or_default()
                .tags
                .insert(&tag.name);
        }
        for &s in &tag.sessions {
            if !p.sessions.contains(&s) {
                found
                    .entry(ItemRef::Session(s))
                    .or_default()
                    .tags
                    .insert(&tag.name);
            }
        }
    }
    // Practised together: the sessions of this pattern name the other.
    for &s in &p.sessions {
        let session = &site.sessions[s];
        for &o in &session.patterns {
            found
                .entry(ItemRef::Pattern(o))
                .or_default()
                .sessions
                .insert(&session.title);
        }
    }
    found.remove(&ItemRef::Pattern(i));
    for r in &p.related {
        found.remove(&ItemRef::Pattern(*r));
    }
    top(site, found)
}
