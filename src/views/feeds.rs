//! The machine-read outputs: the Atom feed, the sitemap, robots.txt and the
//! iCalendar feeds (finished text from `render/ics.rs`, not a template).

use serde::Serialize;

use super::{Cx, View};
use crate::model::*;
use crate::parse::meta::Status;
use crate::plan::{AtomFeed, PageKind};
use crate::render::ics::Feed;

/// How many write-ups the Atom feed carries, newest first.
const FEED_ENTRIES: usize = 30;

/// The text of one iCalendar feed.
pub(crate) fn ics(cx: &Cx<'_>, feed: Feed) -> String {
    feed.render_with(cx.site, &cx.views.ics_events)
}

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: String,
    id: String,
    updated: String,
    summary: String,
    content: &'a str,
    authors: Vec<&'a str>,
    categories: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct Atom<'a> {
    entries: Vec<Entry<'a>>,
    updated: String,
    feed_url: String,
    /// The feed's title and the page it follows (absolute URLs when the
    /// site has an absolute `base_url`).
    feed_title: String,
    alternate_url: String,
}

/// The site's feed: every write-up.
pub(crate) fn atom<'a>(cx: &Cx<'a>) -> View<'a, Atom<'a>> {
    let c = &cx.site.config;
    atom_of(
        cx,
        |_| true,
        format!("{}: session write-ups", c.title),
        c.permalink("feed.xml"),
        c.permalink(""),
    )
}

/// The feed of one community, tag or facilitator: their write-ups.
pub(crate) fn item_atom<'a>(cx: &Cx<'a>, feed: AtomFeed) -> View<'a, Atom<'a>> {
    let (site, c) = (cx.site, &cx.site.config);
    let (name, page): (&str, &str) = match feed {
        AtomFeed::Community(i) => (&site.communities[i].title, &site.communities[i].path),
        AtomFeed::Tag(i) => (&site.tags[i].name, &site.tags[i].path),
        AtomFeed::Person(i) => (&site.people[i].name, &site.people[i].path),
    };
    let title = match feed {
        AtomFeed::Community(_) => format!("{name}: session write-ups"),
        AtomFeed::Tag(_) => format!("Write-ups tagged {name} · {}", c.title),
        AtomFeed::Person(_) => format!("Write-ups of sessions with {name} · {}", c.title),
    };
    atom_of(
        cx,
        |s| match feed {
            AtomFeed::Community(i) => s.community == Some(i),
            AtomFeed::Tag(i) => s.tags.contains(&i),
            AtomFeed::Person(i) => s.facilitators.contains(&i),
        },
        title,
        c.permalink(&feed.path(site)),
        c.permalink(page),
    )
}

fn atom_of<'a>(
    cx: &Cx<'a>,
    keep: impl Fn(&Session) -> bool,
    feed_title: String,
    feed_url: String,
    alternate_url: String,
) -> View<'a, Atom<'a>> {
    let (site, c) = (cx.site, &cx.site.config);
    let entries: Vec<Entry> = site
        .sessions
        .iter()
        .rev()
        .filter(|s| s.status == Status::Held && super::cards::has_writeup(s) && keep(s))
        .take(FEED_ENTRIES)
        .map(|s| Entry {
            title: &s.title,
            url: c.permalink(&s.path),
            id: c.permalink(&s.path),
            updated: s
                .source
                .as_deref()
                .and_then(|f| c.file_history(f))
                .map_or_else(
                    || feed_time(s),
                    |h| h.updated.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                ),
            summary: super::cards::session_summary(s),
            content: s.body.as_ref().map_or("", |b| b.html.as_str()),
            authors: s
                .facilitators
                .iter()
                .map(|&p| site.people[p].name.as_str())
                .collect(),
            categories: s.tags.iter().map(|&t| site.tags[t].name.as_str()).collect(),
        })
        .collect();
    let updated = entries
        .first()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone());
    View::untitled(
        "atom.xml",
        Atom {
            entries,
            updated,
            feed_url,
            feed_title,
            alternate_url,
        },
    )
}

/// An RFC 3339 instant for a feed entry: the session's start, or its date at midnight UTC.
fn feed_time(s: &Session) -> String {
    match (&s.start, s.date) {
        (Some(z), _) => z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (None, Some(d)) => format!("{d}T00:00:00Z"),
        _ => "1970-01-01T00:00:00Z".into(),
    }
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    /// `YYYY-MM-DD` of the source file's last commit, when Git says.
    lastmod: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Sitemap {
    urls: Vec<SitemapUrl>,
}

pub(crate) fn sitemap<'a>(cx: &Cx<'a>) -> View<'a, Sitemap> {
    let urls = cx
        .all_pages
        .iter()
        .filter(|p| {
            p.output.ends_with("index.html")
                && !matches!(p.kind, PageKind::Search | PageKind::Redirect(_))
        })
        .map(|p| SitemapUrl {
            loc: cx.site.config.permalink(&p.path),
            lastmod: crate::plan::source_of(cx.site, p.kind).and_then(|f| {
                cx.site
                    .config
                    .file_history(&f)
                    .map(|h| h.updated.strftime("%Y-%m-%d").to_string())
            }),
        })
        .collect();
    View::untitled("sitemap.xml", Sitemap { urls })
}

#[derive(Serialize)]
pub(crate) struct Robots {
    sitemap_url: String,
}

pub(crate) fn robots<'a>(cx: &Cx<'a>) -> View<'a, Robots> {
    View::untitled(
        "robots.txt",
        Robots {
            sitemap_url: cx.site.config.permalink("sitemap.xml"),
        },
    )
}
