//! Checks every internal link and `#anchor` in the generated HTML: links
//! written by templates and site-absolute links from Markdown, which the
//! resolve stage cannot see. Relative Markdown links were already checked,
//! with their file and line, when the site was resolved.
//!
//! Pages are scanned as they are rendered (a cheap pass over attribute text,
//! not a full HTML parse), so checking adds no second read of the output.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// The ids and outgoing links of one rendered page.
#[derive(Debug, Clone, Default)]
pub struct PageLinks {
    /// Output path: `sessions/x/index.html`.
    pub page: String,
    /// The template that rendered it and the Markdown file it came from.
    pub template: &'static str,
    pub source: Option<PathBuf>,
    pub ids: Vec<String>,
    /// (1-based line in the output, href as written).
    pub links: Vec<(usize, String)>,
}

/// Collects `id`, `href` and `src` attribute values from HTML.
pub fn scan(page: &str, template: &'static str, source: Option<PathBuf>, html: &str) -> PageLinks {
    let mut out = PageLinks {
        page: page.to_string(),
        template,
        source,
        ..PageLinks::default()
    };
    // (offset, is_id, value) for every attribute, in document order.
    let mut found: Vec<(usize, bool, &str)> = Vec::new();
    for attr in [" id=\"", " href=\"", " src=\""] {
        let mut from = 0;
        while let Some(i) = html[from..].find(attr) {
            let start = from + i + attr.len();
            let Some(len) = html[start..].find('"') else {
                break;
            };
            found.push((start, attr == " id=\"", &html[start..start + len]));
            from = start + len;
        }
    }
    found.sort_by_key(|f| f.0);
    let (mut line, mut counted) = (1, 0);
    for (offset, is_id, value) in found {
        if is_id {
            out.ids.push(unescape(value));
        } else {
            line += html.as_bytes()[counted..offset]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = offset;
            out.links.push((line, unescape(value)));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
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
    pub fn add(&mut self, file: PathBuf, links: Vec<WrittenLink>) {
        if !links.is_empty() {
            self.by_file.insert(file, links);
        }
    }

    /// The first place `file` writes a link to `href`.
    fn find(&self, file: &Path, href: &str) -> Option<&WrittenLink> {
        self.by_file.get(file)?.iter().find(|l| l.href == href)
    }
}

/// A page's ids, ready for lookups, and its links.
#[derive(Debug, Clone)]
pub struct IndexedPage {
    ids: HashSet<String>,
    links: PageLinks,
}

impl IndexedPage {
    pub fn new(links: PageLinks) -> IndexedPage {
        IndexedPage {
            ids: links.ids.iter().cloned().collect(),
            links,
        }
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
        let ids = |page: &str| -> Option<&HashSet<String>> {
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
        let mut errors = Vec::new();
        for page in pages {
            check_page(&page.links, &ids, files, base_path, written, &mut errors);
        }
        errors
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

fn check_page<'a>(
    page: &PageLinks,
    ids: &dyn Fn(&str) -> Option<&'a HashSet<String>>,
    files: &HashSet<String>,
    base_path: &str,
    written: &WrittenLinks,
    errors: &mut Vec<Diagnostic>,
) {
    for (line, href) in &page.links {
        if href.is_empty() || is_external(href) {
            continue;
        }
        let (path, fragment) = match href.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (href.as_str(), None),
        };
        let path = path.split('?').next().unwrap_or("");
        let target = if path.is_empty() {
            page.page.clone()
        } else if let Some(rest) = path.strip_prefix(base_path) {
            if rest.is_empty() || rest.ends_with('/') {
                format!("{rest}index.html")
            } else {
                rest.to_string()
            }
        } else {
            errors.push(broken(
                written,
                page,
                *line,
                href,
                &format!("it is outside the site's base path `{base_path}`"),
            ));
            continue;
        };
        let target_ids = ids(&target);
        if target_ids.is_none() && !files.contains(&target) {
            let slashed = format!("{target}/index.html");
            let hint = if files.contains(&slashed) || ids(&slashed).is_some() {
                format!("there is a page at `{href}/`: add the trailing slash")
            } else {
                "no page or file has that address".to_string()
            };
            errors.push(broken(written, page, *line, href, &hint));
            continue;
        }
        if let Some(f) = fragment
            && !f.is_empty()
            && let Some(target_ids) = target_ids
            && !target_ids.contains(f)
        {
            errors.push(broken(
                written,
                page,
                *line,
                href,
                &format!("`{target}` has no element with id `{f}`"),
            ));
        }
    }
}

fn broken(
    written: &WrittenLinks,
    page: &PageLinks,
    line: usize,
    href: &str,
    why: &str,
) -> Diagnostic {
    let hint = format!("{why}; fix the link where it is written");
    if let Some(src) = &page.source
        && let Some(link) = written.find(src, href)
    {
        // The column of the destination itself, where the line has it.
        let column = link
            .source_line
            .find(&format!("({href}"))
            .map_or(link.column, |c| c + 2);
        return Diagnostic::error(format!("broken link `{href}`"))
            .in_file(src.clone())
            .at(&link.source_line, 1, column)
            .at_line_only(link.line, column)
            .underline(href.chars().count())
            .hint(hint);
    }
    let file = PathBuf::from("templates").join(page.template);
    Diagnostic::error(format!(
        "broken link `{href}` in the page {} (line {line}), written by template `{}`",
        page.page, page.template
    ))
    .in_file(file)
    .hint(hint)
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
        for (_, href) in &page.links {
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
            let file = page
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from("templates").join(page.template));
            Diagnostic::error(format!(
                "dead external link `{url}`: {why} (in {})",
                page.page
            ))
            .in_file(file)
            .hint("update or remove the link; external links are only checked with --external")
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

    fn files(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn scans_ids_and_links_with_lines() {
        let p = scan(
            "a/index.html",
            "page.html",
            None,
            "<h1 id=\"top\">x</h1>\n<a href=\"/b/?x=1&amp;y=2#s\">b</a>\n<img src=\"/i.png\">",
        );
        assert_eq!(p.ids, ["top"]);
        assert_eq!(
            p.links,
            [(2, "/b/?x=1&y=2#s".to_string()), (3, "/i.png".to_string())]
        );
    }

    #[test]
    fn finds_missing_pages_files_and_anchors() {
        let a = scan(
            "index.html",
            "index.html",
            None,
            "<a href=\"/b/#s\"></a><a href=\"/b/#nope\"></a><a href=\"/missing/\"></a><a href=\"/b\"></a><a href=\"https://x.org/\"></a><a href=\"#top\"></a><p id=\"top\"></p><img src=\"/i.png\"><img src=\"/gone.png\">",
        );
        let b = scan(
            "b/index.html",
            "page.html",
            Some(PathBuf::from("content/b.md")),
            "<h2 id=\"s\">S</h2>",
        );
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
    }

    #[test]
    fn links_must_stay_under_the_base_path() {
        let a = scan(
            "index.html",
            "index.html",
            None,
            "<a href=\"/other/\"></a><a href=\"/cop/\"></a>",
        );
        let errors = check(&[a], &files(&[]), "/cop/", &WrittenLinks::default());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("`/other/`"));
    }
}
