//! The fixture harness: a site in a temp dir, built through the library in
//! this process, and its output read back parsed.
//!
//! In the spirit of mdBook's `BookTest`: a test starts from a named fixture
//! ([`SiteTest::example`]), the minimal valid site ([`SiteTest::new`]) or
//! nothing ([`SiteTest::empty`]), adds files, builds, and asserts over what
//! came out: HTML parsed with `scraper`, `.ics` with the `icalendar` crate,
//! XML with `roxmltree`, and diagnostics as data (file, line, column,
//! message), since a failed build returns them instead of printing them.
//!
//! This file is the only place the end-to-end tests call the library's
//! build API, so a change to that API is adapted here once. Tests of what
//! only the binary does (exit codes, the stderr format, `GITHUB_ACTIONS`,
//! `serve`) spawn it through [`SiteTest::run_build`] and `binary.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fireside::build::{self, BuildError, BuildOptions, BuildReport, Builder, Changed, Target};
use fireside::diagnostic::Diagnostic;
use jiff::Timestamp;
use scraper::{Html, Selector};

pub use crate::binary::NOW;

/// A site folder in a temp dir, and the options its builds use.
pub struct SiteTest {
    dir: tempfile::TempDir,
    now: Timestamp,
    drafts: bool,
    base_url: Option<String>,
}

impl SiteTest {
    /// The minimal valid site: site.yaml, one community, one pattern, one person.
    /// It is published at `https://cop.example.com/`: a site without a host
    /// builds with a warning (tests/e2e/base_url.rs), which the tests that
    /// count warnings should not see. `.base_url("/")` makes it path-only.
    pub fn new() -> SiteTest {
        SiteTest::empty()
            .file("site.yaml", "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://cop.example.com/\n")
            .file(
                "content/communities/dev.md",
                "---\ntitle: Dev CoP\npurpose: Build well.\ncoordinators: [Ana Ruiz]\ncolor: \"#225588\"\n---\nWe meet often.\n",
            )
            .file(
                "content/patterns/tdd.md",
                "---\ntitle: Test-Driven Development\nsummary: Test first.\naliases: [TDD]\nmaturity: adopt\n---\n## When to use\n\nAlways.\n\n## Pitfalls\n\nSome.\n",
            )
            .file(
                "content/people/ana-ruiz.md",
                "---\ntitle: Ana Ruiz\nrole: Engineer\naliases: [Ana]\n---\nAna likes katas.\n",
            )
    }

    /// No file at all.
    pub fn empty() -> SiteTest {
        SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
            now: NOW.parse().expect("NOW is a timestamp"),
            drafts: false,
            base_url: None,
        }
    }

    /// A copy of the demo knowledge base, `example-site/`.
    pub fn example() -> SiteTest {
        SiteTest::fixture("example-site")
    }

    /// A copy of a site folder of this repository (without its output).
    pub fn fixture(name: &str) -> SiteTest {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let site = SiteTest::empty();
        for entry in walkdir::WalkDir::new(&src) {
            let entry = entry.expect("fixture readable");
            let rel = entry.path().strip_prefix(&src).expect("under the fixture");
            if rel.starts_with("public") || rel.starts_with(".fireside-cache") {
                continue;
            }
            let target = site.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).expect("create folder");
            } else {
                std::fs::copy(entry.path(), &target).expect("copy file");
            }
        }
        site
    }

    /// Adds (or replaces) a file.
    pub fn file(self, rel: &str, text: &str) -> SiteTest {
        self.write(rel, text);
        self
    }

    /// Adds (or replaces) a file that need not be text.
    pub fn file_bytes(self, rel: &str, bytes: &[u8]) -> SiteTest {
        self.write_bytes(rel, bytes);
        self
    }

    /// The build's clock (RFC 3339); [`NOW`] unless set.
    pub fn now(mut self, rfc3339: &str) -> SiteTest {
        self.now = rfc3339.parse().expect("an RFC 3339 timestamp");
        self
    }

    /// Builds include drafts.
    pub fn drafts(mut self) -> SiteTest {
        self.drafts = true;
        self
    }

    /// Overrides site.yaml's `base_url`, as `--base-url` does.
    pub fn base_url(mut self, url: &str) -> SiteTest {
        self.base_url = Some(url.to_string());
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Changes a file between builds.
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("a file has a folder")).expect("create folder");
        std::fs::write(p, bytes).expect("write file");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    }

    /// A source file as it is now.
    pub fn source(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// The options every build of this site starts from.
    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            now: Some(self.now),
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            ..BuildOptions::new(self.path())
        }
    }

    /// `fireside build`, in process: into `<site>/public`, atomically.
    pub fn build(&self) -> Outcome {
        self.build_with(|_| {})
    }

    /// A build with options changed for this build only.
    pub fn build_with(&self, change: impl FnOnce(&mut BuildOptions)) -> Outcome {
        let mut opts = self.options();
        change(&mut opts);
        Outcome {
            result: build::build(&opts),
        }
    }

    /// A build published at `base_url`, as `--base-url` gives it.
    pub fn build_for(&self, base_url: &str) -> Outcome {
        self.build_with(|o| o.base_url = Some(base_url.to_string()))
    }

    /// `fireside check`, in process: everything but the write.
    pub fn check(&self) -> Outcome {
        self.build_with(|o| o.dry_run = true)
    }

    /// A builder that keeps what it can between builds, as `fireside serve`
    /// does; its output goes wherever its caller points it.
    pub fn builder(&self) -> Builder {
        Builder::new(self.options())
    }

    /// The default output folder.
    pub fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    /// An output file as text.
    pub fn read_out(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// An output page, parsed.
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read_out(rel))
    }

    /// An output feed, checked for RFC 5545's line shape and parsed: its
    /// components (events, time zones).
    pub fn ics(&self, rel: &str) -> Vec<crate::ics::Component<'static>> {
        crate::ics::parse(rel, &self.read_out(rel))
    }

    /// An output XML file (sitemap, Atom feed).
    pub fn xml(&self, rel: &str) -> Xml {
        Xml::parse(rel, self.read_out(rel))
    }

    /// `fireside build SITE --now NOW EXTRA...` with the real binary.
    pub fn run_build(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec![
            "build",
            self.path().to_str().expect("UTF-8 temp path"),
            "--now",
        ];
        let now = self.now.to_string();
        args.push(&now);
        args.extend_from_slice(extra);
        crate::binary::fireside(&args)
    }
}

/// What a build returned: its report, or its diagnostics.
pub struct Outcome {
    pub result: Result<BuildReport, BuildError>,
}

impl Outcome {
    /// The report of a build that must have succeeded.
    #[track_caller]
    pub fn ok(self) -> BuildReport {
        match self.result {
            Ok(report) => report,
            Err(e) => panic!("the build failed:\n{}", render(&e.diagnostics())),
        }
    }

    /// The diagnostics of a build that must have failed on its content
    /// (what the binary exits with 1 for).
    #[track_caller]
    pub fn failed(self) -> Failure {
        match self.result {
            Err(BuildError::Content(diagnostics)) => Failure { diagnostics },
            Err(e) => panic!("not a content error:\n{}", render(&e.diagnostics())),
            Ok(r) => panic!("the build succeeded ({} pages)", r.pages),
        }
    }
}

/// Diagnostics rendered as the binary prints them on stderr without colour.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| d.render(false))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The diagnostics of a failed build: its errors, then its warnings.
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
}

impl Failure {
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error()).collect()
    }

    /// Everything as the binary would print it.
    pub fn rendered(&self) -> String {
        render(&self.diagnostics)
    }

    /// The diagnostic whose message or hint says `text`, reported at a
    /// location (`file:line:col` as printed) that contains `location`.
    #[track_caller]
    pub fn at(&self, text: &str, location: &str) -> &Diagnostic {
        self.diagnostics
            .iter()
            .find(|d| {
                (d.message.contains(text) || d.hint.as_deref().is_some_and(|h| h.contains(text)))
                    && d.location().contains(location)
            })
            .unwrap_or_else(|| {
                panic!(
                    "no diagnostic saying `{text}` at `{location}`; got:\n{}",
                    self.rendered()
                )
            })
    }
}

/// A parsed XML file; [`Xml::texts`] reads what the tests compare.
pub struct Xml {
    text: String,
}

impl Xml {
    #[track_caller]
    fn parse(name: &str, text: String) -> Xml {
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{name} is not well-formed XML: {e}");
        }
        Xml { text }
    }

    pub fn document(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.text).expect("parsed once already")
    }

    /// The text of every element named `tag` (local name) inside an
    /// element named `within`, in document order.
    pub fn texts(&self, within: &str, tag: &str) -> Vec<String> {
        self.document()
            .descendants()
            .filter(|n| n.has_tag_name(tag))
            .filter(|n| n.ancestors().skip(1).any(|a| a.has_tag_name(within)))
            .map(|n| n.text().unwrap_or_default().to_string())
            .collect()
    }
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
    doc.select(&sel).collect()
}

pub fn select_in<'a>(el: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
    el.select(&sel).collect()
}

pub fn text_of(doc: &Html, css: &str) -> String {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file of an output folder, relative path -> bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("under the folder")
                .to_string_lossy()
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("output readable"))
        })
        .collect()
}

/// Follows every internal link of every HTML page in `out` (a site published
/// at `base_path`) and returns the broken ones as "page -> href" lines.
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let pages = snapshot(out);
    let mut ids_cache: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> Option<Vec<String>> {
        if let Some(ids) = ids_cache.get(file) {
            return Some(ids.clone());
        }
        let html = String::from_utf8(pages.get(file)?.clone()).ok()?;
        let doc = Html::parse_document(&html);
        let ids: Vec<String> = select(&doc, "[id]")
            .iter()
            .filter_map(|e| e.value().attr("id").map(String::from))
            .collect();
        ids_cache.insert(file.to_string(), ids.clone());
        Some(ids)
    };
    let mut broken = Vec::new();
    for (file, bytes) in &pages {
        if !file.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
        for (css, attr) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("script[src]", "src"),
            ("img[src]", "src"),
        ] {
            for el in select(&doc, css) {
                let href = el.value().attr(attr).expect("selected by the attribute");
                let (path, fragment) = match href.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (href, None),
                };
                let target_file = if path.is_empty() {
                    file.clone()
                } else if let Some(rest) = path.strip_prefix(base_path) {
                    let rest = rest.split('?').next().unwrap_or_default();
                    if rest.is_empty() || rest.ends_with('/') {
                        format!("{rest}index.html")
                    } else {
                        rest.to_string()
                    }
                } else if path.starts_with("http://")
                    || path.starts_with("https://")
                    || path.starts_with("mailto:")
                    || path.starts_with("webcal://")
                {
                    continue;
                } else {
                    broken.push(format!(
                        "{file} -> {href} (not under base path {base_path})"
                    ));
                    continue;
                };
                if !pages.contains_key(&target_file) {
                    broken.push(format!("{file} -> {href} (no file {target_file})"));
                    continue;
                }
                if let Some(f) = fragment
                    && !f.is_empty()
                    && !ids_of(&target_file)
                        .unwrap_or_default()
                        .iter()
                        .any(|id| id == f)
                {
                    broken.push(format!("{file} -> {href} (no #{f} in {target_file})"));
                }
            }
        }
    }
    broken
}

/// A builder kept between saves, as `fireside serve` keeps one, writing
/// into its own folder.
pub struct Preview {
    pub builder: Builder,
    pub out: PathBuf,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Preview {
    pub fn start(site: &SiteTest) -> Preview {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().canonicalize().expect("canonical temp dir");
        let root = site.path().canonicalize().expect("canonical site");
        let mut builder = site.builder();
        builder
            .build(Target::Folder(&out), Changed::Unknown)
            .expect("the first build succeeds");
        Preview {
            builder,
            out,
            root,
            _dir: dir,
        }
    }

    /// Rebuilds after a save of `paths`, named as the watcher names them.
    pub fn saved(&mut self, paths: &[&str]) -> BuildReport {
        let changed: Vec<PathBuf> = paths.iter().map(|p| self.root.join(p)).collect();
        self.builder
            .build(Target::Folder(&self.out), Changed::Only(&changed))
            .unwrap_or_else(|e| panic!("rebuild failed: {e:?}"))
    }

    pub fn page(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&read_text(&self.out.join(rel)))
    }

    pub fn text(&self, rel: &str) -> String {
        read_text(&self.out.join(rel))
    }
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The preview folder must hold a clean build's files, file for file.
#[track_caller]
pub fn assert_preview_clean(site: &SiteTest, preview: &Preview, what: &str) {
    let clean_root = tempfile::tempdir().expect("temp dir");
    let clean = clean_root.path().join("clean");
    site.build_with(|o| o.output = Some(clean.clone())).ok();
    let mut clean = snapshot(&clean);
    clean.remove(".fireside-output");
    let mut preview = snapshot(&preview.out);
    preview.remove(".fireside-output");
    let differs: Vec<&String> = clean
        .keys()
        .chain(preview.keys())
        .filter(|k| clean.get(*k) != preview.get(*k))
        .collect();
    assert!(
        differs.is_empty(),
        "{what}: the preview differs from a clean build at {differs:?}"
    );
}
