//! The machine-read outputs: the Atom feed, the sitemap, robots.txt and the
//! iCalendar feeds (finished text from `render/ics.rs`, not a template).

use serde::Serialize;

use super::{Cx, View};
use crate::build::fingerprint::{of_bytes, serialize_derived};
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
    /// The entry's page: absent when `base_url` has no host (an Atom link
    /// should be absolute, and there is nothing to make it absolute with).
    url: Option<String>,
    id: String,
    updated: String,
    summary: String,
    /// The write-up's HTML with every relative link made absolute against
    /// the entry's page ([`absolute_links`]), made once for all feeds and
    /// only for a feed that renders ([`EntryContent`]).
    content: EntryContent<'a>,
    authors: Vec<&'a str>,
    categories: Vec<&'a str>,
}

#[derive(Serialize)]
pub(crate) struct Atom<'a> {
    entries: Vec<Entry<'a>>,
    updated: String,
    /// The feed's id: its permalink, or a `tag:` URI without a host
    /// (`Config::atom_id`).
    feed_id: String,
    feed_title: String,
    /// The feed's own address and the page it follows: absent when
    /// `base_url` has no host, as they could not be absolute.
    feed_url: Option<String>,
    alternate_url: Option<String>,
    /// `xml:base`: the site's absolute base URL, when it has one.
    xml_base: Option<String>,
}

/// The site's feed: every write-up.
pub(crate) fn atom<'a>(cx: &Cx<'a>) -> View<'a, Atom<'a>> {
    let c = &cx.site.config;
    atom_of(
        cx,
        |_| true,
        format!("{}: session write-ups", c.title),
        "feed.xml",
        "",
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
        &feed.path(site),
        page,
    )
}

fn atom_of<'a>(
    cx: &Cx<'a>,
    keep: impl Fn(&Session) -> bool,
    feed_title: String,
    feed_path: &str,
    page_path: &str,
) -> View<'a, Atom<'a>> {
    let (site, c) = (cx.site, &cx.site.config);
    let absolute = |path: &str| c.host().map(|_| c.permalink(path));
    let entries: Vec<Entry> = site
        .sessions
        .iter_enumerated()
        .rev()
        .filter(|(_, s)| s.status == Status::Held && super::cards::has_writeup(s) && keep(s))
        .take(FEED_ENTRIES)
        .map(|(i, s)| Entry {
            title: &s.title,
            url: absolute(&s.path),
            id: c.atom_id(&s.path),
            updated: s
                .source
                .as_deref()
                .and_then(|f| c.file_history(f))
                .map_or_else(
                    || feed_time(s),
                    |h| h.updated.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
                ),
            summary: super::cards::session_summary(s),
            content: EntryContent {
                site,
                views: cx.views,
                session: i,
            },
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
            feed_id: c.atom_id(feed_path),
            feed_title,
            feed_url: absolute(feed_path),
            alternate_url: absolute(page_path),
            xml_base: absolute(""),
        },
    )
}

/// A session's write-up as an entry's content, in a feed's context.
///
/// Rewriting an entry's links reads its whole write-up with an HTML parser,
/// and every build fingerprints every feed: in a warm build of 1,000 pages,
/// where no feed renders again, that was a sixth of the work. So a feed's
/// fingerprint reads what the content is made from, the write-up and the
/// page's URL, and only a feed that renders makes it
/// ([`serialize_derived`](crate::build::fingerprint::serialize_derived)).
struct EntryContent<'a> {
    site: &'a Site,
    views: &'a super::Views,
    session: SessionId,
}

impl Serialize for EntryContent<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (site, views, i) = (self.site, self.views, self.session);
        let s = &site.sessions[i];
        let base = page_base(&site.config, &s.path);
        // The write-up by its shared value, whose hash the fingerprint
        // knows, or else by the hash of its HTML, worked out once per build.
        let body = s.body.as_ref().map(|body| match views.body(body) {
            Some(value) => BodyInput::Shared(super::Shared(value)),
            None => BodyInput::Hash(
                *views.feed_print[i].get_or_init(|| of_bytes(body.html.get().as_bytes())),
            ),
        });
        serialize_derived(
            "atom entry content",
            &(base.as_str(), body),
            || entry_content(site, views, i, &base),
            serializer,
        )
    }
}

/// What an entry's content is made from, as its feed's fingerprint reads it.
#[derive(Serialize)]
enum BodyInput<'a> {
    Shared(super::Shared<'a>),
    Hash(crate::build::fingerprint::Fingerprint),
}

/// Session `i`'s write-up as an entry's content, its links resolved against
/// `base` (its page's URL), made once per build for all feeds, or taken from
/// the last build's ([`keep`]) when it was made from the same HTML for the
/// same page.
fn entry_content<'v>(
    site: &Site,
    views: &'v super::Views,
    i: SessionId,
    base: &url::Url,
) -> &'v str {
    views.feed_content[i].get_or_init(|| {
        let Some(body) = site.sessions[i].body.as_ref() else {
            return "".into();
        };
        match kept_entry(site, views, i, base) {
            Some(k) => k.content.clone(),
            None => absolute_links(&body.html.get(), base).into(),
        }
    })
}

/// The last build's entry content of session `i`, if it was made from the
/// same HTML for the same page: the kept body value is the same allocation
/// only when the HTML was compared equal (`Views::with_previous`), and the
/// kept entry holds it, so the address cannot be another's.
fn kept_entry<'v>(
    site: &Site,
    views: &'v super::Views,
    i: SessionId,
    base: &url::Url,
) -> Option<&'v KeptEntry> {
    let s = &site.sessions[i];
    let body = views.body(s.body.as_ref()?)?;
    views
        .kept_feed
        .get(&s.path)
        .filter(|k| k.base == base.as_str() && same_string(body, &k.body))
}

/// An entry's content as the next build of the same builder may take it:
/// the body value it was made from (kept alive, so that its address stays
/// its own), the page's URL it was resolved against, and the content.
#[derive(Clone)]
pub(crate) struct KeptEntry {
    body: tera::Value,
    base: String,
    content: std::sync::Arc<str>,
}

/// The entries this build made from shared body values, by session path,
/// and those the last build made that still fit: a feed that did not render
/// made none of its entries, and the next build to render it may want them.
pub(crate) fn keep(site: &Site, views: &super::Views) -> rustc_hash::FxHashMap<String, KeptEntry> {
    site.sessions
        .iter_enumerated()
        .filter_map(|(i, s)| {
            let content = match views.feed_content[i].get() {
                Some(content) => content,
                // Most sessions are no feed's entry: only a kept one needs its page's URL.
                None if !views.kept_feed.contains_key(&s.path) => return None,
                None => {
                    let base = page_base(&site.config, &s.path);
                    return kept_entry(site, views, i, &base).map(|k| (s.path.clone(), k.clone()));
                }
            };
            let body = views.body(s.body.as_ref()?)?;
            Some((
                s.path.clone(),
                KeptEntry {
                    body: body.clone(),
                    base: page_base(&site.config, &s.path).into(),
                    content: content.clone(),
                },
            ))
        })
        .collect()
}

/// True if both are the same shared string (one allocation), not just equal.
fn same_string(a: &tera::Value, b: &tera::Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => std::ptr::eq(a, b),
        _ => false,
    }
}

/// A host no site has (RFC 2606), standing in for the missing one of a
/// path-only `base_url` while links are resolved; it never reaches output.
const NO_HOST: &str = "https://fireside.invalid";

/// The URL a page's relative links resolve against: its permalink, or the
/// page's path on [`NO_HOST`] when `base_url` has no host.
fn page_base(c: &crate::config::Config, path: &str) -> url::Url {
    let full = match c.host() {
        Some(_) => c.permalink(path),
        None => format!("{NO_HOST}{}", c.url(path)),
    };
    url::Url::parse(&full)
        .or_else(|_| url::Url::parse(NO_HOST))
        .expect("the fallback base parses")
}

/// An entry's HTML with its relative `href`s and `src`s resolved against
/// the entry's page, as a browser showing the page would resolve them.
/// A feed reader resolves them against the feed instead, so `#agenda` would
/// go to the home page and `../x/` nowhere. Without a host they become
/// site-absolute paths (`/kb/sessions/x/#agenda`), right wherever the feed
/// is read from the site's own host. Only those attributes change (lol_html
/// rewrites in place); absolute URLs (`https:`, `mailto:`) stay as written.
fn absolute_links(html: &str, base: &url::Url) -> String {
    if !html.contains("href") && !html.contains("src") {
        return html.to_string();
    }
    let rewrite = |el: &mut lol_html::html_content::Element<'_, '_>| {
        for name in ["href", "src"] {
            let Some(raw) = el.get_attribute(name) else {
                continue;
            };
            // lol_html gives attribute values as written: decoded as a
            // browser decodes them, like the link checker's scan.
            let written = htmlize::unescape_attribute(raw.as_str());
            if url::Url::parse(&written).is_ok() {
                continue;
            }
            let Ok(joined) = base.join(&written) else {
                continue;
            };
            let resolved = if base.as_str().starts_with(NO_HOST) {
                if joined.origin() != base.origin() {
                    continue;
                }
                joined[url::Position::BeforePath..].to_string()
            } else {
                joined.to_string()
            };
            // lol_html escapes `"` itself and leaves `&` alone.
            let _ = el.set_attribute(name, &resolved.replace('&', "&amp;"));
        }
        Ok(())
    };
    let settings = lol_html::RewriteStrSettings::new()
        .append_element_content_handler(lol_html::element!("[href], [src]", rewrite));
    // The HTML is Fireside's own rendering; should the rewriter still
    // refuse it, the entry keeps its links as written.
    lol_html::rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
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

#[derive(Serialize)]
pub(crate) struct SitemapIndex {
    /// The absolute URL of each `sitemap-N.xml`, in order.
    sitemaps: Vec<String>,
}

/// `sitemap.xml`, or the first of the sitemap files: the urlset of every
/// URL when they fit in one file, else the index of the parts.
pub(crate) enum SitemapFile<'a> {
    Urls(View<'a, Sitemap>),
    Index(View<'a, SitemapIndex>),
}

/// `sitemap.xml`: every URL, or, past [`crate::plan::SITEMAP_MAX_URLS`],
/// the index of the parts the plan split them into.
pub(crate) fn sitemap<'a>(cx: &Cx<'a>) -> SitemapFile<'a> {
    let parts = cx
        .all_pages
        .iter()
        .filter_map(|p| match p.kind {
            PageKind::SitemapPart(_) => Some(cx.site.config.permalink(&p.path)),
            _ => None,
        })
        .collect::<Vec<_>>();
    if parts.is_empty() {
        SitemapFile::Urls(sitemap_urls(cx, 0..usize::MAX))
    } else {
        SitemapFile::Index(View::untitled(
            "sitemap_index.xml",
            SitemapIndex { sitemaps: parts },
        ))
    }
}

/// `sitemap-N.xml`: the Nth run of [`crate::plan::SITEMAP_MAX_URLS`] URLs.
pub(crate) fn sitemap_part<'a>(cx: &Cx<'a>, n: u32) -> View<'a, Sitemap> {
    let max = crate::plan::SITEMAP_MAX_URLS;
    let first = (n as usize).saturating_sub(1) * max;
    sitemap_urls(cx, first..first + max)
}

/// The sitemap lists absolute URLs (sitemaps.org requires them), so a site
/// without a host has none: `plan` leaves it out and the build warns once
/// (`Config::base_url_warning`). `range` picks the URLs of one file, by
/// their place among all of them.
fn sitemap_urls<'a>(cx: &Cx<'a>, range: std::ops::Range<usize>) -> View<'a, Sitemap> {
    let urls = cx
        .all_pages
        .iter()
        .filter(|p| crate::plan::in_sitemap(p))
        .skip(range.start)
        .take(range.len())
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
    /// Absent without a host: robots.txt's `Sitemap:` must be absolute,
    /// and there is no sitemap then.
    sitemap_url: Option<String>,
}

pub(crate) fn robots<'a>(cx: &Cx<'a>) -> View<'a, Robots> {
    View::untitled(
        "robots.txt",
        Robots {
            sitemap_url: cx
                .site
                .config
                .host()
                .map(|_| cx.site.config.permalink("sitemap.xml")),
        },
    )
}
