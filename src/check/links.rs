//! Checks every internal link and `#anchor` in the generated HTML: links
//! written by templates, site-absolute links from Markdown and links in raw
//! HTML, which the resolve stage cannot see. Relative Markdown links were
//! already checked, with their file and line, when the site was resolved.
//!
//! Pages are read with a real HTML tokenizer ([`html`]) as they are rendered, so text that only shows HTML (an
//! `<a href>` inside `<code>`, an escaped `&lt;a href=...&gt;`) is text, and
//! attribute values come out with their character references decoded. Every
//! URL is resolved against the page's own address as a browser resolves it
//! (the WHATWG URL rules of the `url` crate), so a relative `img.png` in raw
//! HTML is checked where a browser would fetch it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use rustc_hash::FxHashSet;

use rayon::prelude::*;

use crate::parse::html;

use crate::diagnostic::Diagnostic;
use crate::model::Site;

/// The ids and outgoing links of one rendered page.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Output path: `sessions/x/index.html`.
    pub page: String,
    /// The template that rendered it.
    pub template: &'static str,
    /// The template's file, when the site (or its theme folder) has one;
    /// `None` for the theme embedded in the binary, which is no file of the site.
    pub template_file: Option<PathBuf>,
    /// The Markdown file the page's body came from.
    pub source: Option<PathBuf>,
    /// Every fragment target: `id`s, and `name`s of `<a>` (old-style anchors
    /// still work in every browser, and much Markdown in the wild uses them).
    /// Shared strings (see [`shared`]), like the links' URLs.
    pub ids: Vec<Arc<str>>,
    pub links: Vec<FoundLink>,
}

/// One `href` or `src` found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    /// 1-based line in the output.
    pub line: usize,
    /// The URL, character references decoded: one copy shared by every
    /// page that has it (see [`shared`]).
    pub href: Arc<str>,
    /// Inside the page's Markdown body (written by the source file, not the template).
    pub in_body: bool,
}

/// What rendered a page, for the messages about its links.
pub struct Origin<'a> {
    pub template: &'static str,
    pub template_file: Option<PathBuf>,
    pub source: Option<PathBuf>,
    /// The page's Markdown body as the template received it: links inside
    /// it were written by `source`.
    pub body: Option<&'a str>,
}

/// Collects the ids and the `href`/`src` values of a page.
pub fn scan(page: &str, origin: Origin<'_>, html: &str) -> PageLinks {
    let html::LinkScan { ids, urls: links } = html::scan_links(html);
    // The body's lines in the page. A template writes the body once, as
    // one block; where it cannot be found, every link is the template's.
    let body_lines = origin
        .body
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .and_then(|b| {
            let at = find_block(html, b)?;
            let first = 1 + html[..at].matches('\n').count();
            Some(first..=first + b.matches('\n').count())
        });
    // Taken last and held only to share the strings: the pages of a build
    // are scanned in parallel.
    let mut strings = STRINGS.lock().expect("link strings");
    PageLinks {
        page: page.to_string(),
        template: origin.template,
        template_file: origin.template_file,
        source: origin.source,
        ids: ids.iter().map(|id| strings.get(id)).collect(),
        links: links
            .into_iter()
            .map(|(line, href)| FoundLink {
                in_body: body_lines.as_ref().is_some_and(|r| r.contains(&line)),
                line,
                href: strings.get(&href),
            })
            .collect(),
    }
}

/// Where `block` first occurs in `page`: `page.find(block)`, but for a block
/// of many kilobytes (a page's body) that `str::find` would preprocess as a
/// whole for every page. Each place the block's first characters occur is
/// compared with the whole block, in order, so the first full match wins.
fn find_block(page: &str, block: &str) -> Option<usize> {
    let head_len = (0..=block.len().min(64))
        .rev()
        .find(|&i| block.is_char_boundary(i))
        .unwrap_or(0);
    let head = &block[..head_len];
    let step = head.chars().next().map_or(1, char::len_utf8);
    let mut from = 0;
    while let Some(i) = page.get(from..)?.find(head) {
        let at = from + i;
        if page[at..].starts_with(block) {
            return Some(at);
        }
        // Occurrences may overlap: the next one can start one char later.
        from = at + step;
    }
    None
}

/// The one shared copy of each URL and id that pages hold. A site's pages
/// are mostly the same navigation (a 10,000-page site has some 800,000
/// links, and a few tens of thousands of distinct URLs), and every page's
/// links are held until the link check, then recorded for the next build:
/// one copy of each string instead of one per link.
///
/// Strings no page holds any more are swept out whenever the set has
/// doubled since the last sweep, so a long preview session keeps only the
/// strings its current pages have (and at most as many again).
pub(crate) fn shared(s: &str) -> Arc<str> {
    STRINGS.lock().expect("link strings").get(s)
}

static STRINGS: LazyLock<Mutex<Strings>> = LazyLock::new(Mutex::default);

#[derive(Default)]
struct Strings {
    set: FxHashSet<Arc<str>>,
    /// How many strings were left by the last sweep.
    swept: usize,
}

impl Strings {
    fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(known) = self.set.get(s) {
            return known.clone();
        }
        if self.set.len() >= 2 * self.swept.max(1 << 14) {
            self.set.retain(|k| Arc::strong_count(k) > 1);
            self.swept = self.set.len();
        }
        let new: Arc<str> = Arc::from(s);
        self.set.insert(new.clone());
        new
    }
}

/// The resolved Markdown body of the page a source file renders to.
pub fn body_of(site: &Site, kind: crate::plan::PageKind) -> Option<&crate::model::BodyHtml> {
    use crate::plan::PageKind;
    let body = match kind {
        PageKind::Session(i) => site.sessions[i].body.as_ref()?,
        PageKind::Pattern(i) => &site.patterns[i].body,
        PageKind::Community(i) => &site.communities[i].body,
        PageKind::Person(i) => site.people[i].body.as_ref()?,
        PageKind::Page(i) => &site.pages[i].body,
        PageKind::Agenda(i) => site.agendas[i].body.as_ref()?,
        _ => return None,
    };
    Some(&body.html)
}

/// True for links that leave the site (`https:`, `mailto:`, `//host`).
pub fn is_external(href: &str) -> bool {
    href.starts_with("//")
        || href.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        })
}

/// Checks every internal link of `pages` against the pages themselves and
/// the other files of the output (`files`, output paths).
///
/// `written` says where the Markdown sources wrote their links: a broken
/// link that appears in a page's source is reported at that line of that
/// file; any other is a template's. (Builds check through a [`LinkIndex`],
/// which keeps the pages between builds.)
#[cfg(test)]
fn check(
    pages: &[PageLinks],
    files: &HashSet<String>,
    base_path: &str,
    written: &WrittenLinks,
) -> Vec<Diagnostic> {
    let changes = Changes {
        pages: pages
            .iter()
            .map(|p| (p.page.clone(), IndexedPage::new(p.clone())))
            .collect(),
        ..Changes::default()
    };
    LinkIndex::default().check(&changes, true, files, base_path, written)
}

/// Where each Markdown source wrote its links, taken from the parsed
/// documents: a broken link found in the HTML is reported at its line in
/// the source without reading the file again.
#[derive(Debug, Default)]
pub struct WrittenLinks {
    by_file: HashMap<PathBuf, Vec<WrittenLink>>,
}

/// One link as a source wrote it.
#[derive(Debug, Clone)]
pub struct WrittenLink {
    /// The destination as written: `/guidelines/`.
    pub href: String,
    /// 1-based line and column of the link in the file.
    pub line: usize,
    pub column: usize,
    /// The text of that line, to quote.
    pub source_line: String,
}

impl WrittenLinks {
    /// Records the links of `file`, in the order the file has them.
    pub fn add(&mut self, file: PathBuf, mut links: Vec<WrittenLink>) {
        // Markdown and raw-HTML links come from two lists: put them in the
        // file's order, which is the page's.
        links.sort_by_key(|l| (l.line, l.column));
        if !links.is_empty() {
            self.by_file.insert(file, links);
        }
    }

    /// The place `file` writes its `nth` (0-based) link to `href`, an URL
    /// as the page has it: the same as written, or a site-absolute path
    /// the resolve stage put under the base path.
    fn nth(&self, file: &Path, href: &str, nth: usize, base_path: &str) -> Option<&WrittenLink> {
        self.by_file
            .get(file)?
            .iter()
            .filter(|l| same_link(&l.href, href, base_path))
            .nth(nth)
    }
}

/// True if `written` (in a source) became `out` (in the page).
fn same_link(written: &str, out: &str, base_path: &str) -> bool {
    written == out
        || (written.starts_with('/')
            && out
                .strip_prefix(base_path)
                .is_some_and(|rest| rest == written.trim_start_matches('/')))
        || (written.contains('%') || out.contains('%'))
            && percent_decode(written) != written
            && same_link(&percent_decode(written), &percent_decode(out), base_path)
        || percent_decode(out) != out && same_link(written, &percent_decode(out), base_path)
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A page's ids, ready for lookups, and its links.
#[derive(Debug, Clone)]
pub struct IndexedPage {
    ids: Ids,
    links: PageLinks,
}

impl IndexedPage {
    pub fn new(links: PageLinks) -> IndexedPage {
        let mut ids: Vec<Arc<str>> = links.ids.clone();
        ids.sort_unstable();
        ids.dedup();
        IndexedPage {
            ids: Ids(ids.into_boxed_slice()),
            links,
        }
    }
}

/// A page's fragment targets, sorted and each once: a set in a sixth of a
/// hash set's room (the strings themselves are shared with the page's links).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ids(Box<[Arc<str>]>);

impl Ids {
    fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|k| (**k).cmp(id)).is_ok()
    }
}

/// Pages a build re-rendered or removed, against a [`LinkIndex`].
#[derive(Debug, Default)]
pub struct Changes {
    /// Re-rendered pages, by output path.
    pub pages: HashMap<String, IndexedPage>,
    pub removed: HashSet<String>,
}

/// The ids and links of every page of the last good build, kept by an
/// incremental build so that it checks only what a change can break.
#[derive(Debug, Default)]
pub struct LinkIndex {
    pages: HashMap<String, IndexedPage>,
}

impl LinkIndex {
    /// The index of these pages (as a later process reads them back).
    pub fn from_pages(pages: impl IntoIterator<Item = PageLinks>) -> LinkIndex {
        LinkIndex {
            pages: pages
                .into_iter()
                .map(|p| (p.page.clone(), IndexedPage::new(p)))
                .collect(),
        }
    }

    /// The links of the page at output path `page`, if the index has it.
    pub fn page(&self, page: &str) -> Option<&PageLinks> {
        self.pages.get(page).map(|p| &p.links)
    }

    /// True if `changes` can break a link of a page it did not re-render:
    /// a page went away, or a page's ids changed (a link's `#fragment`).
    /// Otherwise only the re-rendered pages' own links need checking.
    pub fn breaks_others(&self, changes: &Changes) -> bool {
        !changes.removed.is_empty()
            || changes
                .pages
                .iter()
                .any(|(path, new)| self.pages.get(path).is_some_and(|old| old.ids != new.ids))
    }

    /// Checks links as if `changes` were applied: the re-rendered pages'
    /// links, or with `all` every page's.
    pub fn check(
        &self,
        changes: &Changes,
        all: bool,
        files: &HashSet<String>,
        base_path: &str,
        written: &WrittenLinks,
    ) -> Vec<Diagnostic> {
        let ids = |page: &str| -> Option<&Ids> {
            match changes.pages.get(page) {
                Some(p) => Some(&p.ids),
                None if changes.removed.contains(page) => None,
                None => self.pages.get(page).map(|p| &p.ids),
            }
        };
        let unchanged = self
            .pages
            .iter()
            .filter(|(path, _)| {
                all && !changes.pages.contains_key(*path) && !changes.removed.contains(*path)
            })
            .map(|(_, p)| p);
        // In page order, so that messages come out the same every time.
        let mut pages: Vec<&IndexedPage> = changes.pages.values().chain(unchanged).collect();
        pages.sort_by(|a, b| a.links.page.cmp(&b.links.page));
        // Pages are checked on every core (a cold build checks every link
        // of the site), each into its own list, then joined in page order.
        pages
            .par_iter()
            .flat_map_iter(|page| {
                let mut errors = Vec::new();
                check_page(&page.links, &ids, files, base_path, written, &mut errors);
                errors
            })
            .collect()
    }

    /// Every page's links, as if `changes` were applied.
    pub fn pages_with<'a>(&'a self, changes: &'a Changes) -> impl Iterator<Item = &'a PageLinks> {
        let unchanged = self.pages.iter().filter(|(path, _)| {
            !changes.pages.contains_key(*path) && !changes.removed.contains(*path)
        });
        changes
            .pages
            .values()
            .chain(unchanged.map(|(_, p)| p))
            .map(|p| &p.links)
    }

    /// Makes `changes` part of the index (after a good build).
    pub fn apply(&mut self, changes: Changes) {
        for path in changes.removed {
            self.pages.remove(&path);
        }
        self.pages.extend(changes.pages);
    }
}

/// The host every page is resolved under: any would do, since only the
/// path and fragment of a same-site URL are compared.
const SITE_ORIGIN: &str = "http://fireside.invalid";

/// Where an internal link leads: an output path and a fragment, or why it
/// leads nowhere on this site.
enum Target {
    Page {
        path: String,
        fragment: Option<String>,
    },
    /// A URL to another host (`//host/x`, or a `<base>`-like trick).
    Elsewhere,
    Outside(&'static str),
    Invalid(String),
}

/// Resolves `href` against the page at output path `page`, published under
/// `base_path`, as a browser would (WHATWG URL: `..`, `\\` as `/`, percent
/// escapes), then maps it to the output file it names.
fn resolve(page: &str, href: &str, base_path: &str) -> Target {
    let base = url::Url::parse(SITE_ORIGIN).and_then(|o| o.join(&format!("{base_path}{page}")));
    let Ok(base) = base else {
        return Target::Invalid(format!("the page address `{base_path}{page}` is not a URL"));
    };
    let url = match base.join(href) {
        Ok(u) => u,
        Err(e) => return Target::Invalid(format!("it is not a valid URL ({e})")),
    };
    if url.origin() != base.origin() {
        return Target::Elsewhere;
    }
    let path = percent_decode(url.path());
    let Some(rest) = path.strip_prefix(base_path) else {
        return Target::Outside(if href.starts_with('/') {
            "it is outside the site's base path"
        } else {
            "it climbs out of the site with `..`"
        });
    };
    let path = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    Target::Page {
        path,
        fragment: url.fragment().map(percent_decode),
    }
}

fn check_page<'a>(
    page: &PageLinks,
    ids: &dyn Fn(&str) -> Option<&'a Ids>,
    files: &HashSet<String>,
    base_path: &str,
    written: &WrittenLinks,
    errors: &mut Vec<Diagnostic>,
) {
    // How many times each URL was seen in the body so far: the nth one in
    // the page is the nth one the source wrote, and is reported at its line.
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for link in &page.links {
        let href = link.href.trim();
        let nth = if link.in_body {
            let n = seen.entry(href).or_insert(0);
            *n += 1;
            *n - 1
        } else {
            0
        };
        if href.is_empty() || is_external(href) {
            continue;
        }
        let report = |why: &str| broken(written, page, link, nth, base_path, why);
        let (target, fragment) = match resolve(&page.page, href, base_path) {
            Target::Page { path, fragment } => (path, fragment),
            Target::Elsewhere => continue,
            Target::Outside(why) => {
                errors.push(report(&format!("{why} `{base_path}`")));
                continue;
            }
            Target::Invalid(why) => {
                errors.push(report(&why));
                continue;
            }
        };
        let target_ids = ids(&target);
        if target_ids.is_none() && !files.contains(&target) {
            let slashed = format!("{target}/index.html");
            let hint = if files.contains(&slashed) || ids(&slashed).is_some() {
                let cut = href.find(['?', '#']).unwrap_or(href.len());
                format!(
                    "there is a page at `{}/{}`: add the trailing slash",
                    &href[..cut],
                    &href[cut..]
                )
            } else {
                "no page or file has that address".to_string()
            };
            errors.push(report(&hint));
            continue;
        }
        if let Some(f) = fragment
            && !f.is_empty()
            && let Some(target_ids) = target_ids
            && !target_ids.contains(&f)
        {
            errors.push(report(&format!("`{target}` has no element with id `{f}`")));
        }
    }
}

/// A broken link's diagnostic, at the place that wrote it: the line of the
/// Markdown (or raw HTML) source for links in the body, else the template.
fn broken(
    written: &WrittenLinks,
    page: &PageLinks,
    link: &FoundLink,
    nth: usize,
    base_path: &str,
    why: &str,
) -> Diagnostic {
    let href = link.href.trim();
    let hint = format!("{why}; fix the link where it is written");
    if link.in_body
        && let Some(src) = &page.source
    {
        if let Some(w) = written.nth(src, href, nth, base_path) {
            // The column of the destination itself, where the line has it.
            let column = w
                .source_line
                .find(&format!("({})", w.href))
                .or_else(|| w.source_line.find(&format!("({} ", w.href)))
                .or_else(|| w.source_line.find(&format!("\"{}\"", w.href)))
                .or_else(|| w.source_line.find(&format!("'{}'", w.href)))
                .map(|c| w.source_line[..c].chars().count() + 2)
                .unwrap_or(w.column);
            return Diagnostic::error(format!("broken link `{href}`"))
                .in_file(src.clone())
                .at(&w.source_line, 1, column)
                .at_line_only(w.line, column)
                .underline(w.href.chars().count())
                .hint(hint);
        }
        return Diagnostic::error(format!(
            "broken link `{href}` in the page {} (line {})",
            page.page, link.line
        ))
        .in_file(src.clone())
        .hint(hint);
    }
    match &page.template_file {
        Some(file) => Diagnostic::error(format!(
            "broken link `{href}` in the page {} (line {}), written by template `{}`",
            page.page,
            link.line,
            file.display()
        ))
        .in_file(file.clone())
        .hint(hint),
        // The embedded theme is no file of the site: name the page and,
        // when there is one, the source it was made from.
        None => {
            let d = Diagnostic::error(format!(
                "broken link `{href}` in the page {} (line {}), written by the theme's template `{}`",
                page.page, link.line, page.template
            ))
            .hint(format!(
                "{why}; the link comes from this file's values (front matter) or the theme"
            ));
            match &page.source {
                Some(src) => d.in_file(src.clone()),
                None => d,
            }
        }
    }
}

/// Checks every distinct external `http(s)` link of the site, on `workers`
/// threads, each request bounded by `timeout`. A link is dead when the
/// server answers 400 or above (after redirects) or cannot be reached.
#[cfg(feature = "external-links")]
pub fn check_external(
    pages: &[PageLinks],
    timeout: std::time::Duration,
    workers: usize,
) -> Vec<Diagnostic> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut urls: std::collections::BTreeMap<String, &PageLinks> =
        std::collections::BTreeMap::new();
    for page in pages {
        for FoundLink { href, .. } in &page.links {
            let href: &str = href;
            if href.starts_with("http://") || href.starts_with("https://") {
                let url = href.split('#').next().unwrap_or(href).to_string();
                urls.entry(url).or_insert(page);
            }
        }
    }
    let urls: Vec<(String, &PageLinks)> = urls.into_iter().collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent(concat!("fireside-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let next = AtomicUsize::new(0);
    let dead = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, 32) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((url, page)) = urls.get(i) else {
                        break;
                    };
                    if let Some(why) = probe(&agent, url) {
                        dead.lock()
                            .expect("dead links")
                            .push((i, url.clone(), *page, why));
                    }
                }
            });
        }
    });
    let mut dead = dead.into_inner().expect("dead links");
    dead.sort_by_key(|d| d.0);
    dead.into_iter()
        .map(|(_, url, page, why)| {
            let d = Diagnostic::error(format!(
                "dead external link `{url}`: {why} (in {})",
                page.page
            ));
            let d = match page.source.clone().or_else(|| page.template_file.clone()) {
                Some(file) => d.in_file(file),
                None => d,
            };
            d.hint("update or remove the link; external links are only checked with --external")
        })
        .collect()
}

/// Without the `external-links` feature the binary has no HTTP client: say
/// so instead of passing a check that never ran.
#[cfg(not(feature = "external-links"))]
pub fn check_external(
    _pages: &[PageLinks],
    _timeout: std::time::Duration,
    _workers: usize,
) -> Vec<Diagnostic> {
    vec![
        Diagnostic::error(
            "`check --external` is not available: this fireside binary was built without the `external-links` feature",
        )
        .hint("rebuild with the default features (`cargo install --locked --path .`, without `--no-default-features`), or run `check` without `--external`"),
    ]
}

/// `None` if the URL answers, else why not. Servers that refuse HEAD get a GET.
#[cfg(feature = "external-links")]
fn probe(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(r) if matches!(r.status().as_u16(), 405 | 501) => {
            agent.get(url).call().map(|r| r.status())
        }
        other => other.map(|r| r.status()),
    };
    match status {
        Ok(s) if s.as_u16() < 400 => None,
        Ok(s) => Some(format!("the server answered {s}")),
        Err(e) => Some(format!("no answer ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Small alphabets make overlapping and near-miss occurrences common;
        /// blocks run past the 64 bytes the search starts with.
        #[test]
        fn a_block_is_found_where_str_find_finds_it(
            page in "[ab\n é]{0,300}",
            block in "[ab\n é]{1,90}",
            embed in proptest::option::of(0usize..300),
        ) {
            let page = match embed {
                Some(at) => {
                    let at = (0..=at.min(page.len())).rev().find(|&i| page.is_char_boundary(i)).unwrap();
                    format!("{}{block}{}", &page[..at], &page[at..])
                }
                None => page,
            };
            proptest::prop_assert_eq!(find_block(&page, &block), page.find(block.as_str()));
        }

        /// Periodic text, where the first occurrence of a block overlaps an
        /// earlier occurrence of its first 64 bytes.
        #[test]
        fn a_block_in_periodic_text_is_found_where_str_find_finds_it(
            unit in "[ab]{1,3}",
            reps in 0usize..120,
            block_reps in 1usize..60,
            tail in "[abé]{0,3}",
        ) {
            let page = format!("{}{tail}", unit.repeat(reps));
            let block = format!("{}{tail}", unit.repeat(block_reps));
            proptest::prop_assert_eq!(find_block(&page, &block), page.find(block.as_str()));
        }
    }

    fn files(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn page(path: &str, source: Option<&str>, html: &str) -> PageLinks {
        let origin = Origin {
            template: "page.html",
            template_file: None,
            source: source.map(PathBuf::from),
            body: None,
        };
        scan(path, origin, html)
    }

    fn ids(p: &PageLinks) -> Vec<&str> {
        p.ids.iter().map(|id| &**id).collect()
    }

    fn hrefs(p: &PageLinks) -> Vec<(usize, &str)> {
        p.links.iter().map(|l| (l.line, &*l.href)).collect()
    }

    /// Pages that link to the same URL, or have the same id, share one
    /// copy of it.
    #[test]
    fn pages_share_their_urls_and_ids() {
        let html = "<nav id=\"site-nav\"><a href=\"/sessions/\">S</a></nav>";
        let (a, b) = (page("a.html", None, html), page("b.html", None, html));
        assert!(Arc::ptr_eq(&a.links[0].href, &b.links[0].href));
        assert!(Arc::ptr_eq(&a.ids[0], &b.ids[0]));
        assert_eq!(&*a.links[0].href, "/sessions/");
    }

    #[test]
    fn scans_ids_and_links_with_lines() {
        let p = page(
            "a/index.html",
            None,
            "<h1 id=\"top\">x</h1>\n<a href=\"/b/?x=1&amp;y=2#s\">b</a>\n<img src=\"/i.png\">",
        );
        assert_eq!(ids(&p), ["top"]);
        assert_eq!(hrefs(&p), [(2, "/b/?x=1&y=2#s"), (3, "/i.png")]);
    }

    /// What the tokenizer must and must not take for a link: each row is
    /// HTML a page can hold, and the (line, URL) pairs and ids found in it.
    #[test]
    fn only_real_attributes_are_links() {
        type Row = (
            &'static str,
            &'static [(usize, &'static str)],
            &'static [&'static str],
        );
        let rows: &[Row] = &[
            // HTML shown as code is text.
            ("<code>&lt;a href=\"/x/\"&gt;</code>", &[], &[]),
            (
                "<pre><code>&lt;img src=\"/y.png\"&gt;\n</code></pre>",
                &[],
                &[],
            ),
            // Text that merely contains ` href="`.
            ("<p>write href=\"/x/\" here</p>", &[], &[]),
            // Entities in a value are decoded, single quotes and no quotes work.
            (
                "<a href='/a/?q=1&amp;r=2'>a</a>",
                &[(1, "/a/?q=1&r=2")],
                &[],
            ),
            ("<a href=/b/#s&#x20;t>b</a>", &[(1, "/b/#s t")], &[]),
            // A value that spans no lines does not run into the footer.
            (
                "<a href=\"/c/\">c</a>\n<footer>\n<a href=\"/d/\">d</a></footer>",
                &[(1, "/c/"), (3, "/d/")],
                &[],
            ),
            // Old-style anchors are targets; `name` elsewhere is not.
            (
                "<a name=\"install\"></a><input name=\"q\"><h2 id=\"use\">U</h2>",
                &[],
                &["install", "use"],
            ),
            // Scripts and styles are not markup.
            (
                "<script>let s = '<a href=\"/nope/\">';</script><style>a[href=\"/no/\"]{}</style>",
                &[],
                &[],
            ),
            // Comments are not markup.
            ("<!-- <a href=\"/gone/\"> -->", &[], &[]),
            // `<base href>` is not a link.
            (
                "<base href=\"/\"><link href=\"/s.css\" rel=stylesheet>",
                &[(1, "/s.css")],
                &[],
            ),
        ];
        for (html, links, ids) in rows {
            let p = page("index.html", None, html);
            assert_eq!(hrefs(&p), *links, "links of {html}");
            assert_eq!(super::tests::ids(&p), *ids, "ids of {html}");
        }
    }

    /// Where a browser would fetch each URL from the page `docs/guide/index.html`
    /// of a site published under `/cop/`.
    #[test]
    fn urls_resolve_as_a_browser_resolves_them() {
        type Row = (&'static str, Option<(&'static str, Option<&'static str>)>);
        let rows: &[Row] = &[
            ("img.png", Some(("docs/guide/img.png", None))),
            ("../other/", Some(("docs/other/index.html", None))),
            ("./", Some(("docs/guide/index.html", None))),
            ("#top", Some(("docs/guide/index.html", Some("top")))),
            ("/cop/my%20diagram.png", Some(("my diagram.png", None))),
            ("/cop/a/?q=1#x%20y", Some(("a/index.html", Some("x y")))),
            // A backslash is a slash in an http URL, in every browser.
            ("..\\x.png", Some(("docs/x.png", None))),
            ("/elsewhere/", None),
            ("../../../up/", None),
        ];
        for (href, want) in rows {
            let got = match resolve("docs/guide/index.html", href, "/cop/") {
                Target::Page { path, fragment } => Some((path, fragment)),
                _ => None,
            };
            let want = want.map(|(p, f)| (p.to_string(), f.map(str::to_string)));
            assert_eq!(got, want, "{href}");
        }
    }

    #[test]
    fn finds_missing_pages_files_and_anchors() {
        let a = page(
            "index.html",
            None,
            "<a href=\"/b/#s\"></a><a href=\"/b/#nope\"></a><a href=\"/missing/\"></a><a href=\"/b\"></a><a href=\"https://x.org/\"></a><a href=\"mailto:a@b.org\"></a><a href=\"#top\"></a><p id=\"top\"></p><img src=\"/i.png\"><img src=\"/gone.png\">",
        );
        let b = page("b/index.html", Some("content/b.md"), "<h2 id=\"s\">S</h2>");
        let errors = check(&[a, b], &files(&["i.png"]), "/", &WrittenLinks::default());
        let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages[0].contains("`/b/#nope`"));
        assert!(messages[1].contains("`/missing/`"));
        assert!(messages[2].contains("`/b`"));
        assert!(
            errors[2]
                .hint
                .as_deref()
                .unwrap()
                .contains("trailing slash")
        );
        assert!(messages[3].contains("`/gone.png`"));
        // The embedded theme is no file of the site.
        assert!(errors.iter().all(|e| e.file.is_none()), "{errors:#?}");
    }

    #[test]
    fn links_must_stay_under_the_base_path() {
        let a = page(
            "index.html",
            None,
            "<a href=\"/other/\"></a><a href=\"/cop/\"></a>",
        );
        let errors = check(&[a], &files(&[]), "/cop/", &WrittenLinks::default());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("`/other/`"));
    }

    #[test]
    fn each_occurrence_in_the_body_is_reported_at_its_own_line() {
        let body = "<p><a href=\"/x/\">one</a></p>\n<p><a href=\"/x/\">two</a></p>";
        let html = format!("<a href=\"/x/\">nav</a>\n<main>\n{body}\n</main>");
        let origin = Origin {
            template: "page.html",
            template_file: Some(PathBuf::from("templates/page.html")),
            source: Some(PathBuf::from("content/a.md")),
            body: Some(body),
        };
        let p = scan("a/index.html", origin, &html);
        let mut written = WrittenLinks::default();
        let at = |line: usize, text: &str| WrittenLink {
            href: "/x/".into(),
            line,
            column: 1,
            source_line: text.into(),
        };
        written.add(
            PathBuf::from("content/a.md"),
            vec![at(3, "See [one](/x/)."), at(7, "And [two](/x/).")],
        );
        let errors = check(&[p], &files(&[]), "/", &written);
        let places: Vec<String> = errors.iter().map(|e| e.location()).collect();
        assert_eq!(
            places,
            [
                "templates/page.html",
                "content/a.md:3:11",
                "content/a.md:7:11"
            ],
            "{errors:#?}"
        );
    }
}
