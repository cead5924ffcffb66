//! The view model: the site as the values templates read.
//!
//! Each item is turned into a template value once (a "card" for lists, and the
//! full item for its own page) and shared by every page that shows it: tera
//! values are reference-counted, so a tag page listing 500 sessions clones
//! 500 pointers, not 500 sessions.

pub mod insights;

use jiff::ZonedDateTime;
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use tera::Value;

use crate::ics::Feed;
use crate::meta::{Maturity, Status};
use crate::site::*;
use typed_index_collections::TiSlice;

/// How many of a person's topics (tags of their sessions, by name) their
/// view holds: the facilitators page shows four, and an ellipsis when there
/// are more.
const TOPICS_PER_PERSON: usize = 5;

/// Precomputed template values for one site.
pub struct Views {
    pub site: Value,
    pub sessions: TiVec<SessionId, Value>,
    pub patterns: TiVec<PatternId, Value>,
    pub communities: TiVec<CommunityId, Value>,
    pub people: TiVec<PersonId, Value>,
    pub pages: TiVec<PageId, Value>,
    pub tags: TiVec<TagId, Value>,
    pub formats: TiVec<FormatId, Value>,
    pub agendas: TiVec<AgendaId, Value>,
    /// Per session: is it still to come, by the build's clock.
    pub upcoming: TiVec<SessionId, bool>,
    /// Each session's iCalendar event, written once for all feeds.
    pub ics_events: crate::ics::EventTexts,
    /// Scheduled sessions by date, for the month grids: made once, when first asked.
    by_date: std::sync::OnceLock<std::collections::BTreeMap<jiff::civil::Date, Vec<SessionId>>>,
}

fn v(json: Json) -> Value {
    Value::from_serializable(&json)
}

/// A template map from (key, value) pairs, in order.
fn map<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    let mut m = tera::Map::default();
    for (k, v) in fields {
        m.insert(tera::value::Key::Str(k), v);
    }
    Value::from(m)
}

fn link(title: &str, url: String) -> Json {
    json!({ "title": title, "url": url })
}

/// The links to a calendar feed: `download` (the .ics file) and `subscribe`
/// (`webcal://`, only with an absolute base_url). Null when the feed has no
/// events and so is not generated.
fn feed_links(site: &Site, feed: Feed) -> Json {
    match feed.path(site) {
        Some(path) => json!({
            "download": site.config.url(&path),
            "subscribe": site.config.webcal(&path),
        }),
        None => Json::Null,
    }
}

/// "Wednesday 4 December 2024".
pub fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%A %-d %B %Y").to_string()
}

/// "10:30–12:00 CET" (the zone's abbreviation at the session's date).
pub fn time_range_display(start: &ZonedDateTime, end: Option<&ZonedDateTime>) -> String {
    let s = start.strftime("%H:%M").to_string();
    match end {
        Some(e) => format!("{s}–{} {}", e.strftime("%H:%M"), e.strftime("%Z")),
        None => format!("{s} {}", start.strftime("%Z")),
    }
}

impl Views {
    pub fn new(site: &Site) -> Views {
        let c = &site.config;
        let upcoming: TiVec<SessionId, bool> =
            site.sessions.iter().map(|s| site.is_upcoming(s)).collect();
        let mut nav = vec![
            link("Sessions", c.url("sessions/")),
            link("Calendar", c.url("calendar/")),
            link("Patterns", c.url("patterns/")),
            link("Communities", c.url("communities/")),
            link("Facilitators", c.url("facilitators/")),
        ];
        let mut menu_pages: Vec<&Page> = site.pages.iter().filter(|p| p.menu).collect();
        menu_pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
        nav.extend(menu_pages.iter().map(|p| link(&p.title, c.url(&p.path))));
        let site_value = v(json!({
            "title": c.title,
            "description": c.description,
            "language": c.language,
            "base_url": c.base_url,
            "base_path": c.base_path,
            // Canonical links, feeds and subscriptions need absolute URLs.
            "absolute_urls": c.base_url.starts_with("http"),
            "timezone": c.timezone,
            "nav": nav,
            "search_enabled": c.search.enabled,
            "now": site.now.to_string(),
            "year": site.now.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(),
            "extra": c.extra,
            "communities": site.communities.iter().map(|x| link(&x.title, c.url(&x.path))).collect::<Vec<_>>(),
            "feed_url": c.url("feed.xml"),
            "calendar": feed_links(site, Feed::All),
            "generator": concat!("Fireside ", env!("CARGO_PKG_VERSION")),
        }));
        let person_link = |i: PersonId| link(&site.people[i].name, c.url(&site.people[i].path));
        // Session cards are the bulk of the view model (one per session,
        // rebuilt on every build of `fireside serve`), so they are made as
        // template values directly, without a detour through JSON.
        let link_value = |title: &str, url: String| {
            map([("title", Value::from(title)), ("url", Value::from(url))])
        };
        let person_value =
            |i: PersonId| link_value(&site.people[i].name, c.url(&site.people[i].path));
        let sessions = site
            .sessions
            .raw
            .par_iter()
            .enumerate()
            .map(|(i, s)| {
                let i = SessionId::from(i);
                let when = s
                    .start
                    .as_ref()
                    .map(|st| time_range_display(st, s.end.as_ref()));
                let community = s.community.map(|ci| {
                    let x = &site.communities[ci];
                    map([
                        ("title", Value::from(x.title.as_str())),
                        ("url", Value::from(c.url(&x.path))),
                        ("color", Value::from(x.color.as_ref().map(|c| c.0.as_str()))),
                        ("slug", Value::from(x.slug.as_str())),
                    ])
                });
                let channel = s.channel.as_ref().map(|ch| {
                    let is_url = ch.starts_with("https://") || ch.starts_with("http://");
                    map([
                        (
                            "label",
                            Value::from(if is_url {
                                channel_label(ch)
                            } else {
                                ch.clone()
                            }),
                        ),
                        ("url", Value::from(is_url.then_some(ch.as_str()))),
                    ])
                });
                let summary = s
                    .objective
                    .clone()
                    .or_else(|| s.body.as_ref().map(|b| truncate(&b.first_paragraph, 220)))
                    .unwrap_or_default();
                let iso = |z: &ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
                let terms = |ids: &[TagId], terms: &TiSlice<TagId, Term>| {
                    Value::from(
                        ids.iter()
                            .map(|&t| link_value(&terms[t].name, c.url(&terms[t].path)))
                            .collect::<Vec<_>>(),
                    )
                };
                map([
                    ("kind", Value::from("session")),
                    ("title", Value::from(s.title.as_str())),
                    ("slug", Value::from(s.slug.as_str())),
                    ("url", Value::from(c.url(&s.path))),
                    ("date", Value::from(s.date.map(|d| d.to_string()))),
                    ("date_display", Value::from(s.date.map(long_date))),
                    ("year", Value::from(s.date.map(|d| d.year()))),
                    ("time_display", Value::from(when)),
                    ("start_iso", Value::from(s.start.as_ref().map(iso))),
                    (
                        "start_time",
                        Value::from(s.start.as_ref().map(|z| z.strftime("%H:%M").to_string())),
                    ),
                    ("end_iso", Value::from(s.end.as_ref().map(iso))),
                    ("zone", Value::from(s.zone.as_str())),
                    (
                        "facilitators",
                        Value::from(
                            s.facilitators
                                .iter()
                                .map(|&p| person_value(p))
                                .collect::<Vec<_>>(),
                        ),
                    ),
                    ("community", Value::from(community)),
                    (
                        "format",
                        Value::from(s.format.map(|f| {
                            link_value(&site.formats[f].name, c.url(&site.formats[f].path))
                        })),
                    ),
                    ("channel", Value::from(channel)),
                    (
                        "tools",
                        Value::from(
                            s.tools
                                .iter()
                                .map(|t| Value::from(t.as_str()))
                                .collect::<Vec<_>>(),
                        ),
                    ),
                    ("objective", Value::from(s.objective.as_deref())),
                    ("summary", Value::from(summary)),
                    ("tags", terms(&s.tags, &site.tags)),
                    (
                        "patterns",
                        Value::from(
                            s.patterns
                                .iter()
                                .map(|&p| {
                                    link_value(
                                        &site.patterns[p].title,
                                        c.url(&site.patterns[p].path),
                                    )
                                })
                                .collect::<Vec<_>>(),
                        ),
                    ),
                    ("status", Value::from(s.status.name())),
                    (
                        "status_label",
                        Value::from(status_label(s.status, upcoming[i])),
                    ),
                    ("upcoming", Value::from(upcoming[i])),
                    (
                        "has_writeup",
                        Value::from(s.body.as_ref().is_some_and(|b| !b.html.trim().is_empty())),
                    ),
                    (
                        "resources",
                        Value::from(
                            s.resources
                                .iter()
                                .map(|(k, u)| {
                                    map([
                                        ("label", Value::from(k.as_str())),
                                        ("url", Value::from(u.as_str())),
                                    ])
                                })
                                .collect::<Vec<_>>(),
                        ),
                    ),
                    (
                        "ics_url",
                        Value::from(Feed::Session(i).path(site).map(|p| c.url(&p))),
                    ),
                    (
                        "agenda",
                        Value::from(s.agenda.map(|(a, n)| {
                            map([
                                ("title", Value::from(site.agendas[a].title.as_str())),
                                ("url", Value::from(c.url(&site.agendas[a].path))),
                                ("number", Value::from(n)),
                            ])
                        })),
                    ),
                ])
            })
            .collect::<Vec<_>>()
            .into();
        let patterns = site
            .patterns
            .raw
            .par_iter()
            .map(|p| {
                v(json!({
                    "kind": "pattern",
                    "title": p.title,
                    "slug": p.slug,
                    "url": c.url(&p.path),
                    "summary": p.summary.clone().unwrap_or_else(|| truncate(&p.body.first_paragraph, 220)),
                    "maturity": p.maturity.map(Maturity::name),
                    "tags": p.tags.iter().map(|&t| link(&site.tags[t].name, c.url(&site.tags[t].path))).collect::<Vec<_>>(),
                    "aliases": p.aliases,
                    "session_count": p.sessions.len(),
                }))
            })
            .collect::<Vec<_>>()
            .into();
        let communities = site
            .communities
            .iter_enumerated()
            .map(|(ci, x)| {
                let next = x.sessions.iter().copied().find(|&s| upcoming[s]);
                v(json!({
                    "kind": "community",
                    "title": x.title,
                    "slug": x.slug,
                    "url": c.url(&x.path),
                    "purpose": x.purpose,
                    "color": x.color.as_ref().map(|c| c.0.clone()),
                    "channel": x.channel,
                    "session_count": x.sessions.len(),
                    "coordinators": x.coordinators.iter().map(|&p| person_link(p)).collect::<Vec<_>>(),
                    "next": next.map(|s| link(&site.sessions[s].title, c.url(&site.sessions[s].path))),
                    "feed": feed_links(site, Feed::Community(ci)),
                }))
            })
            .collect();
        // Each session's tags by name: a person's first topics are merged
        // from the first few of each of their sessions, so the work is per
        // session they ran, not per tag of it (with many sessions that each
        // carry every tag, the full lists grew with tags x facilitators).
        let tag_key = |t: TagId| (site.tags[t].name.to_lowercase(), t);
        let tags_by_name: TiVec<SessionId, Vec<TagId>> = site
            .sessions
            .raw
            .par_iter()
            .map(|s| {
                let mut tags = s.tags.clone();
                tags.sort_by_cached_key(|&t| tag_key(t));
                tags.dedup();
                tags.truncate(TOPICS_PER_PERSON);
                tags
            })
            .collect::<Vec<_>>()
            .into();
        let people = site
            .people
            .raw
            .par_iter()
            .enumerate()
            .map(|(pi, p)| {
                let pi = PersonId::from(pi);
                let counts = |pred: &dyn Fn(SessionId) -> bool| p.sessions.iter().filter(|&&s| pred(s)).count();
                let held = counts(&|s| !upcoming[s] && site.sessions[s].status == Status::Held);
                let planned = counts(&|s| upcoming[s] && !matches!(site.sessions[s].status, Status::Cancelled | Status::Proposed));
                let formats = distinct_by_name(p.sessions.iter().filter_map(|&s| site.sessions[s].format).collect(), |f| &site.formats[f].name);
                let communities = distinct_by_name(p.sessions.iter().filter_map(|&s| site.sessions[s].community).collect(), |c| &site.communities[c].title);
                let mut topics: Vec<TagId> = p.sessions.iter().flat_map(|&s| tags_by_name[s].iter().copied()).collect();
                topics.sort_by_cached_key(|&t| tag_key(t));
                topics.dedup();
                topics.truncate(TOPICS_PER_PERSON);
                let dated: Vec<SessionId> = p.sessions.iter().copied().filter(|&s| site.sessions[s].date.is_some() && site.sessions[s].status != Status::Cancelled).collect();
                let past: Vec<SessionId> = dated.iter().copied().filter(|&s| !upcoming[s]).collect();
                let next = dated.iter().copied().filter(|&s| upcoming[s]).min();
                let session_link = |s: SessionId| json!({
                    "title": site.sessions[s].title,
                    "url": c.url(&site.sessions[s].path),
                    "date": site.sessions[s].date.map(|d| d.to_string()),
                });
                v(json!({
                    "kind": "person",
                    "title": p.name,
                    "name": p.name,
                    "slug": p.slug,
                    "url": c.url(&p.path),
                    "role": p.role,
                    "has_profile": p.source.is_some(),
                    "session_count": p.sessions.len(),
                    "held_count": held,
                    "planned_count": planned,
                    "activity": held + planned,
                    "formats": formats.iter().map(|&f| json!({"title": site.formats[f].name, "url": c.url(&site.formats[f].path), "slug": site.formats[f].slug})).collect::<Vec<_>>(),
                    "communities": communities.iter().map(|&x| json!({"title": site.communities[x].title, "url": c.url(&site.communities[x].path), "slug": site.communities[x].slug})).collect::<Vec<_>>(),
                    "topics": topics.iter().map(|&t| link(&site.tags[t].name, c.url(&site.tags[t].path))).collect::<Vec<_>>(),
                    "first": past.iter().copied().min().map(session_link),
                    "last": past.iter().copied().max().map(session_link),
                    "next": next.map(session_link),
                    "feed": feed_links(site, Feed::Person(pi)),
                }))
            })
            .collect::<Vec<_>>()
            .into();
        let pages = site
            .pages
            .iter()
            .map(|p| {
                v(json!({
                    "kind": "page",
                    "title": p.title,
                    "url": c.url(&p.path),
                    "description": p.description.clone().unwrap_or_else(|| truncate(&p.body.first_paragraph, 220)),
                }))
            })
            .collect();
        let term_value = |t: &Term, kind: &str| {
            let description = (kind == "format")
                .then(|| crate::formats::describe(&t.name, c))
                .flatten();
            v(json!({
                "description": description,
                "kind": kind,
                "name": t.name,
                "title": t.name,
                "slug": t.slug,
                "url": c.url(&t.path),
                "count": t.sessions.len() + t.patterns.len(),
            }))
        };
        let tags = site.tags.iter().map(|t| term_value(t, "tag")).collect();
        let formats = site
            .formats
            .iter()
            .map(|t| term_value(t, "format"))
            .collect();
        let agendas = site
            .agendas
            .iter()
            .map(|a| {
                v(json!({
                    "kind": "agenda",
                    "title": a.title,
                    "slug": a.slug,
                    "url": c.url(&a.path),
                    "session_count": a.sessions.len(),
                    "community": a.community.map(|ci| link(&site.communities[ci].title, c.url(&site.communities[ci].path))),
                }))
            })
            .collect();
        Views {
            site: site_value,
            sessions,
            patterns,
            communities,
            people,
            pages,
            tags,
            formats,
            agendas,
            upcoming,
            ics_events: crate::ics::EventTexts::new(site),
            by_date: std::sync::OnceLock::new(),
        }
    }

    /// [`crate::calendar::sessions_by_date`], shared by every month page.
    pub fn sessions_by_date(
        &self,
        site: &Site,
    ) -> &std::collections::BTreeMap<jiff::civil::Date, Vec<SessionId>> {
        self.by_date
            .get_or_init(|| crate::calendar::sessions_by_date(site))
    }

    /// Every value shared between pages, for fingerprinting.
    pub fn shared(&self) -> Vec<&Value> {
        let lists = [
            &self.sessions.raw,
            &self.patterns.raw,
            &self.communities.raw,
            &self.people.raw,
            &self.pages.raw,
            &self.tags.raw,
            &self.formats.raw,
            &self.agendas.raw,
        ];
        std::iter::once(&self.site)
            .chain(lists.into_iter().flatten())
            .collect()
    }

    /// Cards of the given sessions.
    pub fn session_list(&self, ids: &[SessionId]) -> Value {
        Value::from(
            ids.iter()
                .map(|&i| self.sessions[i].clone())
                .collect::<Vec<_>>(),
        )
    }

    pub fn list<I: Copy>(values: &TiSlice<I, Value>, ids: &[I]) -> Value
    where
        usize: From<I>,
    {
        Value::from(ids.iter().map(|&i| values[i].clone()).collect::<Vec<_>>())
    }

    /// Splits sessions into upcoming (soonest first) and past (newest first).
    pub fn split_by_time(&self, ids: &[SessionId]) -> (Vec<SessionId>, Vec<SessionId>) {
        let (mut up, mut past): (Vec<SessionId>, Vec<SessionId>) =
            ids.iter().partition(|&&i| self.upcoming[i]);
        up.sort();
        past.sort_by(|a, b| b.cmp(a));
        (up, past)
    }
}

/// Distinct ids, sorted by name (case-insensitive), then by id for equal names.
fn distinct_by_name<'a, I: Ord + Copy>(mut ids: Vec<I>, name: impl Fn(I) -> &'a str) -> Vec<I> {
    ids.sort_unstable();
    ids.dedup();
    ids.sort_by_cached_key(|&i| name(i).to_lowercase());
    ids
}

/// Backlinks as template values.
pub fn referenced_by(site: &Site, refs: &[ItemRef]) -> Value {
    let mut items: Vec<Json> = refs
        .iter()
        .map(|&r| json!({ "title": site.title_of(r), "url": site.config.url(site.path_of(r)), "kind": kind_name(r) }))
        .collect();
    items.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
    v(Json::Array(items))
}

pub fn body_value(body: Option<&Body>) -> (Value, Value) {
    match body {
        Some(b) => (
            Value::safe_string(&b.html),
            Value::from_serializable(&b.toc),
        ),
        None => (Value::safe_string(""), Value::from(Vec::<Value>::new())),
    }
}

fn status_label(status: Status, upcoming: bool) -> &'static str {
    match status {
        Status::Planned if upcoming => "Upcoming",
        Status::Planned => "Planned",
        Status::Held => "Held",
        Status::Cancelled => "Cancelled",
        Status::Proposed => "Proposed",
    }
}

/// A meeting URL shown by its host ("meet.example.com").
fn channel_label(url: &str) -> String {
    url.split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or(url)
        .to_string()
}

pub fn truncate(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}
