//! Cards: the typed view of each item, as lists and its own page show it.
//!
//! A card borrows the resolved site (`&'a str` for every name it repeats)
//! and is serialised once per build into a shared template value (see
//! [`super::Views`]), so the many pages that list an item share one value.

use jiff::ZonedDateTime;
use serde::Serialize;

use crate::model::*;
use crate::parse::meta::{Maturity, Status};
use crate::render::ics::Feed;

use super::truncate;

/// How many of a person's topics (tags of their sessions, by name) their
/// view holds: the facilitators page shows four, and an ellipsis when there
/// are more.
const TOPICS_PER_PERSON: usize = 5;

/// The one link object templates see: `title` and `url`.
#[derive(Serialize)]
pub(crate) struct Link<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: String,
}

impl<'a> Link<'a> {
    pub(crate) fn new(site: &Site, title: &'a str, path: &str) -> Link<'a> {
        Link {
            title,
            url: site.config.url(path),
        }
    }
}

/// A link with the slug of what it names, for CSS classes and filters.
#[derive(Serialize)]
struct SlugLink<'a> {
    title: &'a str,
    url: String,
    slug: &'a str,
}

/// A labelled URL: resources, a person's links, a meeting channel.
#[derive(Serialize)]
pub(crate) struct LabelledUrl<'a> {
    pub(crate) label: &'a str,
    pub(crate) url: &'a str,
}

/// The links to a calendar feed: `download` (the .ics file) and `subscribe`
/// (`webcal://`, only with an absolute base_url). `None` (null) when the
/// feed has no events and so is not generated.
#[derive(Serialize)]
pub(crate) struct FeedLinks {
    download: String,
    subscribe: Option<String>,
}

impl FeedLinks {
    pub(crate) fn of(site: &Site, feed: Feed) -> Option<FeedLinks> {
        feed.path(site).map(|path| FeedLinks {
            download: site.config.url(&path),
            subscribe: site.config.webcal(&path),
        })
    }
}

fn tag_links<'a>(site: &'a Site, ids: &[TagId]) -> Vec<Link<'a>> {
    ids.iter()
        .map(|&t| Link::new(site, &site.tags[t].name, &site.tags[t].path))
        .collect()
}

pub(crate) fn person_link(site: &Site, p: PersonId) -> Link<'_> {
    Link::new(site, &site.people[p].name, &site.people[p].path)
}

/// The site-wide values every page reads as `site`.
#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    language: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    /// Canonical links, feeds and subscriptions need absolute URLs.
    absolute_urls: bool,
    timezone: &'a str,
    nav: Vec<Link<'a>>,
    search_enabled: bool,
    now: String,
    year: i16,
    extra: &'a serde_json::Value,
    communities: Vec<Link<'a>>,
    feed_url: String,
    calendar: Option<FeedLinks>,
    generator: &'static str,
}

impl<'a> SiteView<'a> {
    pub(crate) fn new(site: &'a Site) -> SiteView<'a> {
        let c = &site.config;
        let mut nav: Vec<Link> = [
            ("Sessions", "sessions/"),
            ("Calendar", "calendar/"),
            ("Patterns", "patterns/"),
            ("Communities", "communities/"),
            ("Facilitators", "facilitators/"),
        ]
        .into_iter()
        .map(|(title, path)| Link::new(site, title, path))
        .collect();
        let mut menu_pages: Vec<&Page> = site.pages.iter().filter(|p| p.menu).collect();
        menu_pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
        nav.extend(
            menu_pages
                .iter()
                .map(|p| Link::new(site, &p.title, &p.path)),
        );
        SiteView {
            title: &c.title,
            description: &c.description,
            language: &c.language,
            base_url: &c.base_url,
            base_path: &c.base_path,
            absolute_urls: c.base_url.starts_with("http"),
            timezone: &c.timezone,
            nav,
            search_enabled: c.search.enabled,
            now: site.now.to_string(),
            year: site.now.to_zoned_datetime(jiff::tz::TimeZone::UTC).year(),
            extra: &c.extra,
            communities: site
                .communities
                .iter()
                .map(|x| Link::new(site, &x.title, &x.path))
                .collect(),
            feed_url: c.url("feed.xml"),
            calendar: FeedLinks::of(site, Feed::All),
            generator: concat!("Fireside ", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A session's community, as its card shows it (with its colour).
#[derive(Serialize)]
struct CommunityBadge<'a> {
    title: &'a str,
    url: String,
    color: Option<&'a str>,
    slug: &'a str,
}

/// Where a session meets: a URL shown by its host, or words ("Zoom: 123").
#[derive(Serialize)]
struct Channel<'a> {
    label: std::borrow::Cow<'a, str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct AgendaRef<'a> {
    title: &'a str,
    url: String,
    number: Option<u32>,
}

/// A session as every list and its own page show it: the bulk of the view
/// model, one per session.
#[derive(Serialize)]
pub(crate) struct SessionCard<'a> {
    kind: &'static str,
    title: &'a str,
    slug: &'a str,
    url: String,
    date: Option<String>,
    date_display: Option<String>,
    year: Option<i16>,
    time_display: Option<String>,
    start_iso: Option<String>,
    start_time: Option<String>,
    end_iso: Option<String>,
    zone: &'a str,
    facilitators: Vec<Link<'a>>,
    community: Option<CommunityBadge<'a>>,
    format: Option<Link<'a>>,
    channel: Option<Channel<'a>>,
    tools: &'a [String],
    objective: Option<&'a str>,
    summary: String,
    tags: Vec<Link<'a>>,
    patterns: Vec<Link<'a>>,
    status: &'static str,
    status_label: &'static str,
    upcoming: bool,
    has_writeup: bool,
    resources: Vec<LabelledUrl<'a>>,
    ics_url: Option<String>,
    agenda: Option<AgendaRef<'a>>,
    /// The last day of a multi-day session.
    end_date: Option<String>,
    /// A recurring session's rule and occurrences.
    recurrence: Option<super::calendar::Rhythm<'a>>,
    /// The recurring session an occurrence belongs to.
    occurrence_of: Option<Link<'a>>,
    add_to_calendar: Option<super::calendar::AddToCalendar>,
    /// Part N of M of a series, with its neighbours.
    series: Option<super::calendar::SeriesRef<'a>>,
    /// schema.org `Event` JSON-LD, already escaped for a `<script>` element.
    json_ld: Option<String>,
    /// When it is over (UTC, RFC 3339): the theme's script moves it from
    /// "upcoming" to "past" by the reader's clock.
    over_at: Option<String>,
}

/// A session's one-line summary: its objective, or the start of its write-up.
pub(crate) fn session_summary(s: &Session) -> String {
    s.objective
        .clone()
        .or_else(|| s.body.as_ref().map(|b| truncate(&b.first_paragraph, 220)))
        .unwrap_or_default()
}

/// Whether the session has a write-up with any text.
pub(crate) fn has_writeup(s: &Session) -> bool {
    s.body.as_ref().is_some_and(|b| !b.html.is_blank())
}

impl<'a> SessionCard<'a> {
    pub(crate) fn new(site: &'a Site, i: SessionId, upcoming: bool) -> SessionCard<'a> {
        let s = &site.sessions[i];
        let iso = |z: &ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
        SessionCard {
            kind: "session",
            title: &s.title,
            slug: &s.slug,
            url: site.config.url(&s.path),
            date: s.date.map(|d| d.to_string()),
            date_display: s.date.map(|d| match s.end_date {
                Some(e) if e != d => format!("{} – {}", long_date(d), long_date(e)),
                _ => long_date(d),
            }),
            year: s.date.map(|d| d.year()),
            time_display: s
                .start
                .as_ref()
                .map(|st| time_range_display(st, s.end.as_ref())),
            start_iso: s.start.as_ref().map(iso),
            start_time: s.start.as_ref().map(|z| z.strftime("%H:%M").to_string()),
            end_iso: s.end.as_ref().map(iso),
            zone: &s.zone,
            facilitators: s
                .facilitators
                .iter()
                .map(|&p| person_link(site, p))
                .collect(),
            community: s.community.map(|ci| {
                let x = &site.communities[ci];
                CommunityBadge {
                    title: &x.title,
                    url: site.config.url(&x.path),
                    color: x.color.as_ref().map(|c| c.0.as_str()),
                    slug: &x.slug,
                }
            }),
            format: s
                .format
                .map(|f| Link::new(site, &site.formats[f].name, &site.formats[f].path)),
            channel: s.channel.as_deref().map(|ch| {
                let is_url = ch.starts_with("https://") || ch.starts_with("http://");
                Channel {
                    label: if is_url {
                        channel_label(ch).into()
                    } else {
                        ch.into()
                    },
                    url: is_url.then_some(ch),
                }
            }),
            tools: &s.tools,
            objective: s.objective.as_deref(),
            summary: session_summary(s),
            tags: tag_links(site, &s.tags),
            patterns: s
                .patterns
                .iter()
                .map(|&p| Link::new(site, &site.patterns[p].title, &site.patterns[p].path))
                .collect(),
            status: s.status.name(),
            status_label: status_label(s.status, upcoming),
            upcoming,
            has_writeup: has_writeup(s),
            resources: s
                .resources
                .iter()
                .map(|(label, url)| LabelledUrl { label, url })
                .collect(),
            ics_url: Feed::of_session(site, i)
                .path(site)
                .map(|p| site.config.url(&p)),
            agenda: s.agenda.map(|(a, number)| AgendaRef {
                title: &site.agendas[a].title,
                url: site.config.url(&site.agendas[a].path),
                number,
            }),
            end_date: s.end_date.map(|d| d.to_string()),
            recurrence: super::calendar::Rhythm::of(site, s),
            occurrence_of: s.occurrence.as_ref().map(|o| {
                let p = &site.sessions[o.of];
                Link::new(site, &p.title, &p.path)
            }),
            add_to_calendar: super::calendar::AddToCalendar::of(site, i),
            series: super::calendar::SeriesRef::of(site, s),
            json_ld: super::calendar::event_json_ld(site, i),
            over_at: s.over_at().map(|t| t.to_string()),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PatternCard<'a> {
    kind: &'static str,
    title: &'a str,
    slug: &'a str,
    url: String,
    summary: String,
    maturity: Option<&'static str>,
    tags: Vec<Link<'a>>,
    aliases: &'a [String],
    session_count: usize,
}

impl<'a> PatternCard<'a> {
    pub(crate) fn new(site: &'a Site, p: &'a Pattern) -> PatternCard<'a> {
        PatternCard {
            kind: "pattern",
            title: &p.title,
            slug: &p.slug,
            url: site.config.url(&p.path),
            summary: p
                .summary
                .clone()
                .unwrap_or_else(|| truncate(&p.body.first_paragraph, 220)),
            maturity: p.maturity.map(Maturity::name),
            tags: tag_links(site, &p.tags),
            aliases: &p.aliases,
            session_count: p.sessions.len(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct CommunityCard<'a> {
    kind: &'static str,
    title: &'a str,
    slug: &'a str,
    url: String,
    purpose: Option<&'a str>,
    color: Option<&'a str>,
    channel: Option<&'a str>,
    session_count: usize,
    coordinators: Vec<Link<'a>>,
    next: Option<Link<'a>>,
    feed: Option<FeedLinks>,
}

impl<'a> CommunityCard<'a> {
    pub(crate) fn new(
        site: &'a Site,
        ci: CommunityId,
        upcoming: &TiVec<SessionId, bool>,
    ) -> CommunityCard<'a> {
        let x = &site.communities[ci];
        let next = x.sessions.iter().copied().find(|&s| upcoming[s]);
        CommunityCard {
            kind: "community",
            title: &x.title,
            slug: &x.slug,
            url: site.config.url(&x.path),
            purpose: x.purpose.as_deref(),
            color: x.color.as_ref().map(|c| c.0.as_str()),
            channel: x.channel.as_deref(),
            session_count: x.sessions.len(),
            coordinators: x
                .coordinators
                .iter()
                .map(|&p| person_link(site, p))
                .collect(),
            next: next.map(|s| Link::new(site, &site.sessions[s].title, &site.sessions[s].path)),
            feed: FeedLinks::of(site, Feed::Community(ci)),
        }
    }
}

/// A session a person ran, as their card dates it.
#[derive(Serialize)]
struct DatedLink<'a> {
    title: &'a str,
    url: String,
    date: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct PersonCard<'a> {
    kind: &'static str,
    title: &'a str,
    name: &'a str,
    slug: &'a str,
    url: String,
    role: Option<&'a str>,
    has_profile: bool,
    session_count: usize,
    held_count: usize,
    planned_count: usize,
    activity: usize,
    formats: Vec<SlugLink<'a>>,
    communities: Vec<SlugLink<'a>>,
    topics: Vec<Link<'a>>,
    first: Option<DatedLink<'a>>,
    last: Option<DatedLink<'a>>,
    next: Option<DatedLink<'a>>,
    feed: Option<FeedLinks>,
}

/// Each session's first tags by name: a person's first topics are merged
/// from the first few of each of their sessions, so the work is per session
/// they ran, not per tag of it (with many sessions that each carry every
/// tag, the full lists grew with tags x facilitators).
pub(crate) fn first_tags_by_name(site: &Site, s: &Session) -> Vec<TagId> {
    let mut tags = distinct_by(s.tags.clone(), |&t| site.tags[t].name.to_lowercase());
    tags.truncate(TOPICS_PER_PERSON);
    tags
}

impl<'a> PersonCard<'a> {
    pub(crate) fn new(
        site: &'a Site,
        pi: PersonId,
        upcoming: &TiVec<SessionId, bool>,
        tags_by_name: &TiVec<SessionId, Vec<TagId>>,
    ) -> PersonCard<'a> {
        let p = &site.people[pi];
        let count = |pred: &dyn Fn(&Session, bool) -> bool| {
            p.sessions
                .iter()
                .filter(|&&s| pred(&site.sessions[s], upcoming[s]))
                .count()
        };
        let held = count(&|s, up| !up && s.status == Status::Held);
        let planned =
            count(&|s, up| up && !matches!(s.status, Status::Cancelled | Status::Proposed));
        let formats = distinct_by(
            p.sessions
                .iter()
                .filter_map(|&s| site.sessions[s].format)
                .collect(),
            |&f| site.formats[f].name.to_lowercase(),
        );
        let communities = distinct_by(
            p.sessions
                .iter()
                .filter_map(|&s| site.sessions[s].community)
                .collect(),
            |&c| site.communities[c].title.to_lowercase(),
        );
        let mut topics = distinct_by(
            p.sessions
                .iter()
                .flat_map(|&s| tags_by_name[s].iter().copied())
                .collect(),
            |&t| site.tags[t].name.to_lowercase(),
        );
        topics.truncate(TOPICS_PER_PERSON);
        let dated: Vec<SessionId> = p
            .sessions
            .iter()
            .copied()
            .filter(|&s| {
                site.sessions[s].date.is_some() && site.sessions[s].status != Status::Cancelled
            })
            .collect();
        let past = || dated.iter().copied().filter(|&s| !upcoming[s]);
        let dated_link = |s: SessionId| {
            let s = &site.sessions[s];
            DatedLink {
                title: &s.title,
                url: site.config.url(&s.path),
                date: s.date.map(|d| d.to_string()),
            }
        };
        PersonCard {
            kind: "person",
            title: &p.name,
            name: &p.name,
            slug: &p.slug,
            url: site.config.url(&p.path),
            role: p.role.as_deref(),
            has_profile: p.source.is_some(),
            session_count: p.sessions.len(),
            held_count: held,
            planned_count: planned,
            activity: held + planned,
            formats: formats
                .iter()
                .map(|&f| {
                    let f = &site.formats[f];
                    SlugLink {
                        title: &f.name,
                        url: site.config.url(&f.path),
                        slug: &f.slug,
                    }
                })
                .collect(),
            communities: communities
                .iter()
                .map(|&x| {
                    let x = &site.communities[x];
                    SlugLink {
                        title: &x.title,
                        url: site.config.url(&x.path),
                        slug: &x.slug,
                    }
                })
                .collect(),
            topics: tag_links(site, &topics),
            first: past().min().map(dated_link),
            last: past().max().map(dated_link),
            next: dated
                .iter()
                .copied()
                .filter(|&s| upcoming[s])
                .min()
                .map(dated_link),
            feed: FeedLinks::of(site, Feed::Person(pi)),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct PageCard<'a> {
    kind: &'static str,
    title: &'a str,
    url: String,
    description: String,
}

impl<'a> PageCard<'a> {
    pub(crate) fn new(site: &'a Site, p: &'a Page) -> PageCard<'a> {
        PageCard {
            kind: "page",
            title: &p.title,
            url: site.config.url(&p.path),
            description: p
                .description
                .clone()
                .unwrap_or_else(|| truncate(&p.body.first_paragraph, 220)),
        }
    }
}

/// A tag or a format.
#[derive(Serialize)]
pub(crate) struct TermCard<'a> {
    description: Option<String>,
    kind: &'static str,
    name: &'a str,
    title: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
}

impl<'a> TermCard<'a> {
    pub(crate) fn new(site: &'a Site, t: &'a Term, kind: &'static str) -> TermCard<'a> {
        TermCard {
            description: (kind == "format")
                .then(|| crate::model::formats::describe(&t.name, &site.config))
                .flatten(),
            kind,
            name: &t.name,
            title: &t.name,
            slug: &t.slug,
            url: site.config.url(&t.path),
            count: t.sessions.len() + t.patterns.len(),
        }
    }
}

#[derive(Serialize)]
pub(crate) struct AgendaCard<'a> {
    kind: &'static str,
    title: &'a str,
    slug: &'a str,
    url: String,
    session_count: usize,
    community: Option<Link<'a>>,
}

impl<'a> AgendaCard<'a> {
    pub(crate) fn new(site: &'a Site, a: &'a Agenda) -> AgendaCard<'a> {
        AgendaCard {
            kind: "agenda",
            title: &a.title,
            slug: &a.slug,
            url: site.config.url(&a.path),
            session_count: a.sessions.len(),
            community: a.community.map(|ci| {
                Link::new(
                    site,
                    &site.communities[ci].title,
                    &site.communities[ci].path,
                )
            }),
        }
    }
}

/// Distinct ids, sorted by `key`; ids with equal keys stay in id order.
///
/// The one way a view makes "the distinct X of these sessions": ids are
/// deduplicated by identity first, so two items that share a name are both
/// kept, and a repeated item is dropped wherever it sorts.
pub(crate) fn distinct_by<I: Ord + Copy, K: Ord>(mut ids: Vec<I>, key: impl Fn(&I) -> K) -> Vec<I> {
    ids.sort_unstable();
    ids.dedup();
    ids.sort_by_cached_key(key);
    ids
}

/// "Wednesday 4 December 2024".
pub(crate) fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%A %-d %B %Y").to_string()
}

/// "10:30–12:00 CET": the abbreviation of the offset each end actually
/// uses, so a session in the repeated hour of a DST change reads
/// "02:30 CEST–03:30 CET", and one that ends the next day says so.
pub(crate) fn time_range_display(start: &ZonedDateTime, end: Option<&ZonedDateTime>) -> String {
    let s = start.strftime("%H:%M").to_string();
    let (sa, next_day) = (
        start.strftime("%Z").to_string(),
        end.is_some_and(|e| e.date() != start.date()),
    );
    match end {
        Some(e) => {
            let ea = e.strftime("%Z").to_string();
            let zone = if sa == ea {
                format!("{s}–{} {ea}", e.strftime("%H:%M"))
            } else {
                format!("{s} {sa}–{} {ea}", e.strftime("%H:%M"))
            };
            if next_day {
                let days = (e.date() - start.date()).get_days();
                if days == 1 {
                    format!("{zone} (next day)")
                } else {
                    zone
                }
            } else {
                zone
            }
        }
        None => format!("{s} {sa}"),
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
fn channel_label(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or(url)
}
