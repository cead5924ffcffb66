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
//!
//! The lists are worked out from a [`Graph`], a copy of the few things they
//! read (each session's and pattern's title, path, tags, patterns and
//! facilitators; each tag's and facilitator's name and items), never from
//! the site itself. So a fingerprint of the graph is an exact key for every
//! list: a builder that builds again (the preview) keeps the last build's
//! lists while it is the same (a body edit leaves it so), and works them out
//! again, lazily, when anything they read changed (a tag, a title).

use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::build::fingerprint::{self, Fingerprint};
use crate::model::*;

mod scores;
use scores::{Members, Scores};

/// How many related items a page shows.
const SHOWN: usize = 5;

const PATTERN_WEIGHT: usize = 3;
const TAG_WEIGHT: usize = 2;
const PERSON_WEIGHT: usize = 1;

/// Everything related content reads of the site: the functions below see
/// only this, so its fingerprint covers all a list depends on (the base
/// path of URLs is applied when a list is shown, outside the memo).
#[derive(Hash)]
struct Graph {
    sessions: TiVec<SessionId, SessionTies>,
    patterns: TiVec<PatternId, PatternTies>,
    tags: TiVec<TagId, TermTies>,
    people: TiVec<PersonId, PersonTies>,
    /// Each session's and pattern's place in the order ties break by (title,
    /// then path), by slot ([`Graph::slot`]): worked out once, so that
    /// ranking a page's candidates compares numbers, not the titles of
    /// hundreds of them.
    rank: Vec<u32>,
    /// The sessions and patterns in that order.
    order: Vec<ItemRef>,
}

#[derive(Hash)]
struct SessionTies {
    title: Box<str>,
    path: Box<str>,
    patterns: Box<[PatternId]>,
    tags: Box<[TagId]>,
    facilitators: Box<[PersonId]>,
}

#[derive(Hash)]
struct PatternTies {
    title: Box<str>,
    path: Box<str>,
    tags: Box<[TagId]>,
    sessions: Box<[SessionId]>,
    related: Box<[PatternId]>,
}

#[derive(Hash)]
struct TermTies {
    name: Box<str>,
    sessions: Box<[SessionId]>,
    patterns: Box<[PatternId]>,
}

#[derive(Hash)]
struct PersonTies {
    name: Box<str>,
    sessions: Box<[SessionId]>,
}

impl Graph {
    fn of(site: &Site) -> Graph {
        Graph::ordered(Graph {
            sessions: site
                .sessions
                .iter()
                .map(|s| SessionTies {
                    title: s.title.as_str().into(),
                    path: s.path.as_str().into(),
                    patterns: s.patterns.as_slice().into(),
                    tags: s.tags.as_slice().into(),
                    facilitators: s.facilitators.as_slice().into(),
                })
                .collect(),
            patterns: site
                .patterns
                .iter()
                .map(|p| PatternTies {
                    title: p.title.as_str().into(),
                    path: p.path.as_str().into(),
                    tags: p.tags.as_slice().into(),
                    sessions: p.sessions.as_slice().into(),
                    related: p.related.as_slice().into(),
                })
                .collect(),
            tags: site
                .tags
                .iter()
                .map(|t| TermTies {
                    name: t.name.as_str().into(),
                    sessions: t.sessions.as_slice().into(),
                    patterns: t.patterns.as_slice().into(),
                })
                .collect(),
            people: site
                .people
                .iter()
                .map(|p| PersonTies {
                    name: p.name.as_str().into(),
                    sessions: p.sessions.as_slice().into(),
                })
                .collect(),
            rank: Vec::new(),
            order: Vec::new(),
        })
    }

    /// `graph` with its order (`rank`, `order`) worked out.
    fn ordered(mut graph: Graph) -> Graph {
        let mut order: Vec<ItemRef> = (graph.sessions.keys().map(ItemRef::Session))
            .chain(graph.patterns.keys().map(ItemRef::Pattern))
            .collect();
        order.sort_unstable_by(|&a, &b| {
            (graph.title_of(a), graph.path_of(a)).cmp(&(graph.title_of(b), graph.path_of(b)))
        });
        graph.rank = vec![0; order.len()];
        for (place, &item) in order.iter().enumerate() {
            let at = graph.slot(item);
            graph.rank[at] = place as u32;
        }
        graph.order = order;
        graph
    }

    /// Where an item's rank is: sessions first, then patterns.
    fn slot(&self, item: ItemRef) -> usize {
        match item {
            ItemRef::Session(s) => usize::from(s),
            ItemRef::Pattern(p) => self.sessions.len() + usize::from(p),
            _ => unreachable!("a related item is a session or a pattern"),
        }
    }

    /// An item's place in the order ties break by.
    fn place(&self, item: ItemRef) -> u32 {
        self.rank[self.slot(item)]
    }

    fn title_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Session(i) => &self.sessions[i].title,
            ItemRef::Pattern(i) => &self.patterns[i].title,
            _ => unreachable!("a related item is a session or a pattern"),
        }
    }

    fn path_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Session(i) => &self.sessions[i].path,
            ItemRef::Pattern(i) => &self.patterns[i].path,
            _ => unreachable!("a related item is a session or a pattern"),
        }
    }

    /// The fingerprint of everything in the graph.
    fn fingerprint(&self) -> Fingerprint {
        let mut bytes = Bytes(Vec::with_capacity(1 << 20));
        self.hash(&mut bytes);
        fingerprint::of_bytes(&bytes.0)
    }
}

/// A [`Hasher`] that keeps the bytes, for a fingerprint of a derived
/// [`Hash`]: std's hashing prefixes slices with their length and ends
/// strings with a byte UTF-8 never has, so the bytes are unambiguous.
struct Bytes(Vec<u8>);

impl Hasher for Bytes {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// One item of a related list, as the memo keeps it.
struct Pick {
    item: ItemRef,
    /// "Shares the pattern Pair Programming and the tag testing".
    reason: String,
}

/// The related lists of one site, each worked out when a page first asks
/// and kept for as long as the graph they were worked out from is the same.
pub struct RelatedContent {
    key: Fingerprint,
    graph: Graph,
    reach: OnceLock<Reach>,
    sessions: TiVec<SessionId, OnceLock<Box<[Pick]>>>,
    patterns: TiVec<PatternId, OnceLock<Box<[Pick]>>>,
}

impl RelatedContent {
    /// The related lists of `site`: `previous`'s (the last build's of the
    /// same builder), with the lists it worked out, when their graph is
    /// the same, else new ones.
    pub fn of(site: &Site, previous: Option<&Arc<RelatedContent>>) -> Arc<RelatedContent> {
        let graph = Graph::of(site);
        let key = graph.fingerprint();
        if let Some(kept) = previous.filter(|p| p.key == key) {
            return kept.clone();
        }
        Arc::new(RelatedContent {
            key,
            sessions: graph.sessions.iter().map(|_| OnceLock::new()).collect(),
            patterns: graph.patterns.iter().map(|_| OnceLock::new()).collect(),
            reach: OnceLock::new(),
            graph,
        })
    }

    /// Related sessions and patterns of session `i`, as its page shows them.
    pub(crate) fn for_session<'a>(&'a self, site: &Site, i: SessionId) -> Vec<Related<'a>> {
        let picks = self.sessions[i].get_or_init(|| {
            let reach = self.reach.get_or_init(|| Reach::of(&self.graph));
            for_session(&self.graph, reach, i)
        });
        self.shown(site, picks)
    }

    /// Related sessions and patterns of pattern `i`, as its page shows them.
    pub(crate) fn for_pattern<'a>(&'a self, site: &Site, i: PatternId) -> Vec<Related<'a>> {
        let picks = self.patterns[i].get_or_init(|| for_pattern(&self.graph, i));
        self.shown(site, picks)
    }

    fn shown<'a>(&'a self, site: &Site, picks: &'a [Pick]) -> Vec<Related<'a>> {
        picks
            .iter()
            .map(|pick| Related {
                title: self.graph.title_of(pick.item),
                url: site.config.url(self.graph.path_of(pick.item)),
                kind: kind_name(pick.item),
                reason: &pick.reason,
            })
            .collect()
    }
}

#[derive(Serialize)]
pub(crate) struct Related<'a> {
    title: &'a str,
    url: String,
    /// `session` or `pattern`.
    kind: &'static str,
    /// "Shares the pattern Pair Programming and the tag testing".
    reason: &'a str,
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

/// The best-scored items, with what they share.
fn top(graph: &Graph, mut found: FxHashMap<ItemRef, Shared<'_>>) -> Box<[Pick]> {
    let scores = found
        .iter()
        .map(|(item, shared)| (shared.score(), *item))
        .collect();
    best(graph, scores)
        .into_iter()
        .filter_map(|item| found.remove(&item).map(|shared| (item, shared)))
        .map(|(item, shared)| Pick {
            item,
            reason: shared.reason(),
        })
        .collect()
}

/// The at most [`SHOWN`] items of the best scores, best first; ties break
/// by title, then by path (paths are unique, so the order is total and the
/// first of a partial selection are those of a full sort).
fn best(graph: &Graph, scored: Vec<(usize, ItemRef)>) -> Vec<ItemRef> {
    // Each candidate as one number, best first when sorted: the score
    // (inverted) above the graph's rank (title, then path), so that
    // selecting among hundreds of candidates tied at one shared tag
    // compares plain integers and looks up no title.
    let mut keys: Vec<u64> = scored
        .into_iter()
        .filter(|&(score, _)| score > 0)
        .map(|(score, item)| {
            let score = u32::try_from(score).unwrap_or(u32::MAX);
            (u64::from(u32::MAX - score) << 32) | u64::from(graph.rank[graph.slot(item)])
        })
        .collect();
    if keys.len() > SHOWN {
        keys.select_nth_unstable(SHOWN - 1);
        keys.truncate(SHOWN);
    }
    keys.sort_unstable();
    keys.into_iter()
        .map(|key| graph.order[(key & u64::from(u32::MAX)) as usize])
        .collect()
}

/// Each tie's members as places in the graph's order, for [`Scores`]:
/// worked out once per graph, when a session's list is first asked for.
struct Reach {
    /// The sessions of each pattern.
    pattern_sessions: TiVec<PatternId, Members>,
    /// The sessions and patterns of each tag.
    tag_items: TiVec<TagId, Members>,
    /// The sessions of each facilitator.
    person_sessions: TiVec<PersonId, Members>,
}

impl Reach {
    fn of(graph: &Graph) -> Reach {
        let len = graph.order.len();
        let members = |items: &mut dyn Iterator<Item = ItemRef>| {
            Members::new(items.map(|item| graph.place(item)).collect(), len)
        };
        Reach {
            pattern_sessions: graph
                .patterns
                .iter()
                .map(|p| members(&mut p.sessions.iter().map(|&s| ItemRef::Session(s))))
                .collect(),
            tag_items: graph
                .tags
                .iter()
                .map(|t| {
                    members(
                        &mut (t.sessions.iter().map(|&s| ItemRef::Session(s)))
                            .chain(t.patterns.iter().map(|&p| ItemRef::Pattern(p))),
                    )
                })
                .collect(),
            person_sessions: graph
                .people
                .iter()
                .map(|p| members(&mut p.sessions.iter().map(|&s| ItemRef::Session(s))))
                .collect(),
        }
    }
}

thread_local! {
    static SCORES: std::cell::RefCell<Scores> = std::cell::RefCell::default();
}

/// Related sessions and patterns of session `i`: every session that shares
/// a pattern, tag or facilitator with it, and every pattern that shares a
/// tag (but those it lists), scored by the weight of each tie.
///
/// A session page weighs every session and pattern of its tags and
/// facilitators (thousands on a large site), on every build (the page's
/// fingerprint needs its context): so all are scored at once, a tie at a
/// time ([`Scores`]), and what the shown few share is found afterwards by
/// looking each of them up in the page's ties.
fn for_session(graph: &Graph, reach: &Reach, i: SessionId) -> Box<[Pick]> {
    let s = &graph.sessions[i];
    // A session's own patterns are never candidates: no tie reaches them
    // but their tags', which the page already lists them under.
    let excluded: Vec<u32> = std::iter::once(ItemRef::Session(i))
        .chain(s.patterns.iter().map(|&p| ItemRef::Pattern(p)))
        .map(|item| graph.place(item))
        .collect();
    let chosen: Vec<u32> = SCORES.with_borrow_mut(|scores| {
        scores.reset(graph.order.len());
        for &p in &s.patterns {
            scores.add(&reach.pattern_sessions[p], PATTERN_WEIGHT);
        }
        for &t in &s.tags {
            scores.add(&reach.tag_items[t], TAG_WEIGHT);
        }
        for &f in &s.facilitators {
            scores.add(&reach.person_sessions[f], PERSON_WEIGHT);
        }
        scores.best(SHOWN, &excluded)
    });
    chosen
        .into_iter()
        .map(|place| {
            let mut shared = Shared::default();
            for &p in &s.patterns {
                if reach.pattern_sessions[p].contains(place) {
                    shared.patterns.insert(&graph.patterns[p].title);
                }
            }
            for &t in &s.tags {
                if reach.tag_items[t].contains(place) {
                    shared.tags.insert(&graph.tags[t].name);
                }
            }
            for &f in &s.facilitators {
                if reach.person_sessions[f].contains(place) {
                    shared.people.insert(&graph.people[f].name);
                }
            }
            Pick {
                item: graph.order[place as usize],
                reason: shared.reason(),
            }
        })
        .collect()
}

/// Related sessions and patterns of pattern `i`: ones sharing its tags, or
/// practised in the same sessions.
fn for_pattern(graph: &Graph, i: PatternId) -> Box<[Pick]> {
    let p = &graph.patterns[i];
    let mut found: FxHashMap<ItemRef, Shared> = FxHashMap::default();
    for &t in &p.tags {
        let tag = &graph.tags[t];
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
        let session = &graph.sessions[s];
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
    top(graph, found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // The walk that counted candidates one by one, as it shipped before
    // `Scores`: the reference the bitset scoring must agree with.
    /// A candidate's score while it is counted: `last` is the tie (a pattern,
    /// tag or facilitator of the page's item) that counted it last, so a name
    /// listed twice on one side counts once, as [`Names`] would.
    #[derive(Clone, Copy)]
    struct Tally {
        score: usize,
        last: usize,
    }

    const UNCOUNTED: Tally = Tally {
        score: 0,
        last: usize::MAX,
    };

    /// The tallies of one session page's candidates, indexed by item (sessions
    /// first, then patterns): a session weighs thousands of candidates on a
    /// large site, on every build of the preview, and a hash map per page spent
    /// most of that time hashing. Kept per thread and reset through the list of
    /// items it touched, so a page costs what its candidates cost, not the site.
    #[derive(Default)]
    struct Tallies {
        counts: Vec<Tally>,
        touched: Vec<usize>,
    }

    thread_local! {
        static TALLIES: std::cell::RefCell<Tallies> = std::cell::RefCell::default();
    }

    /// Related sessions and patterns of session `i`.
    ///
    /// A session page weighs every session and pattern of its tags and
    /// facilitators (thousands on a large site), on every build of the preview
    /// (the page's fingerprint needs its context). So candidates are first
    /// only counted, with no names and no allocation per candidate; what the
    /// shown few share is collected afterwards, by the same walk over the
    /// model's lists restricted to them.
    fn for_session_by_walk(graph: &Graph, i: SessionId) -> Box<[Pick]> {
        let sessions = graph.sessions.len();
        // Only sessions and patterns are candidates (`walk_session_ties`).
        let slot = |item: ItemRef| graph.slot(item);
        let item_of = |slot: usize| {
            if slot < sessions {
                ItemRef::Session(slot.into())
            } else {
                ItemRef::Pattern((slot - sessions).into())
            }
        };
        let scores: Vec<(usize, ItemRef)> = TALLIES.with_borrow_mut(|t| {
            t.counts.resize(sessions + graph.patterns.len(), UNCOUNTED);
            walk_session_ties(graph, i, |tie, item, weight, _| {
                let at = slot(item);
                let tally = &mut t.counts[at];
                if tally.last == usize::MAX {
                    t.touched.push(at);
                }
                if tally.last != tie {
                    tally.last = tie;
                    tally.score += weight;
                }
            });
            let own = slot(ItemRef::Session(i));
            let Tallies { counts, touched } = t;
            let mut scores = Vec::with_capacity(touched.len());
            scores.extend(touched.drain(..).filter_map(|at| {
                let tally = std::mem::replace(&mut counts[at], UNCOUNTED);
                (at != own).then(|| (tally.score, item_of(at)))
            }));
            scores
        });
        let chosen = best(graph, scores);
        let mut shared: Vec<Shared> = chosen.iter().map(|_| Shared::default()).collect();
        walk_session_ties(graph, i, |_, item, _, name| {
            if let Some(at) = chosen.iter().position(|c| *c == item) {
                match name {
                    Tie::Pattern(n) => shared[at].patterns.insert(n),
                    Tie::Tag(n) => shared[at].tags.insert(n),
                    Tie::Person(n) => shared[at].people.insert(n),
                }
            }
        });
        chosen
            .iter()
            .zip(&shared)
            .map(|(&item, shared)| Pick {
                item,
                reason: shared.reason(),
            })
            .collect()
    }

    /// What a candidate shares with a session, by name.
    enum Tie<'a> {
        Pattern(&'a str),
        Tag(&'a str),
        Person(&'a str),
    }

    /// Calls `visit(tie, candidate, weight, name)` for every item that shares a
    /// pattern, tag or facilitator with session `i` (the session itself
    /// included); `tie` numbers the shared pattern, tag or facilitator.
    fn walk_session_ties<'a>(
        graph: &'a Graph,
        i: SessionId,
        mut visit: impl FnMut(usize, ItemRef, usize, Tie<'a>),
    ) {
        let s = &graph.sessions[i];
        let mut tie = 0;
        for &p in &s.patterns {
            tie += 1;
            let pattern = &graph.patterns[p];
            for &o in &pattern.sessions {
                visit(
                    tie,
                    ItemRef::Session(o),
                    PATTERN_WEIGHT,
                    Tie::Pattern(&pattern.title),
                );
            }
        }
        for &t in &s.tags {
            tie += 1;
            let tag = &graph.tags[t];
            for &o in &tag.sessions {
                visit(tie, ItemRef::Session(o), TAG_WEIGHT, Tie::Tag(&tag.name));
            }
            for &p in &tag.patterns {
                if !s.patterns.contains(&p) {
                    visit(tie, ItemRef::Pattern(p), TAG_WEIGHT, Tie::Tag(&tag.name));
                }
            }
        }
        for &f in &s.facilitators {
            tie += 1;
            let person = &graph.people[f];
            for &o in &person.sessions {
                visit(
                    tie,
                    ItemRef::Session(o),
                    PERSON_WEIGHT,
                    Tie::Person(&person.name),
                );
            }
        }
    }

    /// A session's title (an index into a few titles, some equal), patterns,
    /// tags and facilitators.
    type SessionSpec = (usize, Vec<usize>, Vec<usize>, Vec<usize>);

    /// A site's ties: each session's patterns, tags and facilitators (with
    /// repeats, as hostile front matter may have them), and the model's
    /// lists of each pattern's, tag's and person's items built from them.
    fn graph(
        sessions: Vec<SessionSpec>,
        patterns: Vec<(usize, Vec<usize>)>,
        tags: usize,
        people: usize,
    ) -> Graph {
        const TITLES: [&str; 4] = ["Alpha", "Beta", "Beta", "Gamma"];
        let mut pattern_sessions = vec![Vec::new(); patterns.len()];
        let mut tag_sessions = vec![Vec::new(); tags];
        let mut tag_patterns = vec![Vec::new(); tags];
        let mut person_sessions = vec![Vec::new(); people];
        let sessions: TiVec<SessionId, SessionTies> = sessions
            .into_iter()
            .enumerate()
            .map(|(n, (title, ps, ts, fs))| {
                let ps: Vec<PatternId> = ps
                    .into_iter()
                    .filter(|&p| p < patterns.len())
                    .map(PatternId::from)
                    .collect();
                let ts: Vec<TagId> = ts
                    .into_iter()
                    .filter(|&t| t < tags)
                    .map(TagId::from)
                    .collect();
                let fs: Vec<PersonId> = fs
                    .into_iter()
                    .filter(|&f| f < people)
                    .map(PersonId::from)
                    .collect();
                for &p in &ps {
                    pattern_sessions[usize::from(p)].push(SessionId::from(n));
                }
                for &t in &ts {
                    tag_sessions[usize::from(t)].push(SessionId::from(n));
                }
                for &f in &fs {
                    person_sessions[usize::from(f)].push(SessionId::from(n));
                }
                SessionTies {
                    title: TITLES[title % TITLES.len()].into(),
                    path: format!("sessions/{n}/").into(),
                    patterns: ps.into(),
                    tags: ts.into(),
                    facilitators: fs.into(),
                }
            })
            .collect();
        let patterns: TiVec<PatternId, PatternTies> = patterns
            .into_iter()
            .enumerate()
            .map(|(n, (title, ts))| {
                let ts: Vec<TagId> = ts
                    .into_iter()
                    .filter(|&t| t < tags)
                    .map(TagId::from)
                    .collect();
                for &t in &ts {
                    tag_patterns[usize::from(t)].push(PatternId::from(n));
                }
                PatternTies {
                    title: TITLES[title % TITLES.len()].into(),
                    path: format!("patterns/{n}/").into(),
                    tags: ts.into(),
                    sessions: std::mem::take(&mut pattern_sessions[n]).into(),
                    related: Box::default(),
                }
            })
            .collect();
        Graph::ordered(Graph {
            sessions,
            patterns,
            tags: (0..tags)
                .map(|t| TermTies {
                    name: format!("tag{}", t % 3).into(),
                    sessions: std::mem::take(&mut tag_sessions[t]).into(),
                    patterns: std::mem::take(&mut tag_patterns[t]).into(),
                })
                .collect(),
            people: (0..people)
                .map(|f| PersonTies {
                    name: format!("person{f}").into(),
                    sessions: std::mem::take(&mut person_sessions[f]).into(),
                })
                .collect(),
            rank: Vec::new(),
            order: Vec::new(),
        })
    }

    fn shown(picks: &[Pick]) -> Vec<(ItemRef, &str)> {
        picks.iter().map(|p| (p.item, p.reason.as_str())).collect()
    }

    fn ids(most: usize, up_to: usize) -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(0..most, 0..up_to)
    }

    proptest! {
        #[test]
        fn scoring_all_candidates_at_once_picks_what_counting_each_did(
            sessions in prop::collection::vec((0usize..4, ids(12, 4), ids(8, 5), ids(5, 3)), 1..90),
            patterns in prop::collection::vec((0usize..4, ids(8, 4)), 0..12),
            tags in 0usize..8,
            people in 0usize..5,
        ) {
            let graph = graph(sessions, patterns, tags, people);
            let reach = Reach::of(&graph);
            for i in graph.sessions.keys() {
                let by_walk = for_session_by_walk(&graph, i);
                let by_scores = for_session(&graph, &reach, i);
                prop_assert_eq!(shown(&by_scores), shown(&by_walk), "session {:?}", i);
            }
        }
    }
}
