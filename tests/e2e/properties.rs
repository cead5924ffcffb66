//! Property tests (issue 9): arbitrary Markdown bodies and front matter
//! never panic, a build either succeeds or reports diagnostics, and every
//! page a build writes is well-formed HTML.
//!
//! Builds run in process through the library, with one `Builder` per test
//! kept across cases (as `fireside serve` keeps one): each case rewrites one
//! file of a tiny site and rebuilds only what it changed, so a few thousand
//! cases stay fast. A panic anywhere in the pipeline would surface as an
//! "internal error" diagnostic (the builder contains panics), which fails
//! the property just as a panic would.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;

use fireside::build::{BuildError, BuildOptions, Builder, Changed, Target};
use proptest::prelude::*;
use scraper::Html;

/// A tiny site and a builder kept across cases.
struct Harness {
    _dir: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    builder: Builder,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().expect("canonical temp dir");
        let write = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        write("site.yaml", "title: Props\ntimezone: Europe/Madrid\n");
        write(
            "content/communities/dev.md",
            "---\ntitle: Dev\npurpose: Build well.\n---\nWe meet.\n",
        );
        write(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\naliases: [TDD]\n---\n## When to use\n\nAlways.\n",
        );
        write("content/people/ana.md", "---\ntitle: Ana Ruiz\n---\nAna.\n");
        let out = root.join("out");
        std::fs::create_dir_all(&out).unwrap();
        let mut opts = BuildOptions::new(&root);
        opts.now = Some("2026-11-24T12:00:00Z".parse().unwrap());
        let mut h = Harness {
            _dir: dir,
            root,
            out,
            builder: Builder::new(opts),
        };
        h.builder
            .build(Target::Folder(&h.out), Changed::Unknown)
            .expect("the fixture builds");
        h
    }

    /// Writes `rel` and rebuilds; checks the properties of the outcome.
    fn check(&mut self, rel: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        let changed = [path.clone()];
        let result = self
            .builder
            .build(Target::Folder(&self.out), Changed::Only(&changed));
        // The next case overwrites the same file, so each case stands alone.
        self.judge(result)
    }

    /// A build succeeds with well-formed pages, or fails with errors that
    /// are about the content, never internal ones.
    fn judge(
        &self,
        result: Result<fireside::build::BuildReport, BuildError>,
    ) -> Result<(), TestCaseError> {
        match result {
            Ok(report) => {
                for file in report.written.iter().filter(|f| f.ends_with(".html")) {
                    let html = std::fs::read_to_string(self.out.join(file)).unwrap();
                    well_formed(file, &html)?;
                }
            }
            Err(BuildError::Content(diagnostics)) => {
                prop_assert!(diagnostics.iter().any(|d| d.is_error()));
                for d in &diagnostics {
                    prop_assert!(
                        !d.message.starts_with("internal error"),
                        "{}: {:?}",
                        d.message,
                        d.hint
                    );
                }
            }
            Err(BuildError::Usage(d)) => {
                return Err(TestCaseError::fail(format!("usage error: {}", d.message)));
            }
            Err(BuildError::Write(d)) => {
                return Err(TestCaseError::fail(format!("write error: {}", d.message)));
            }
        }
        Ok(())
    }
}

/// Parses a page with html5ever and fails on any parse error: our templates
/// produce none, so any error comes from content that escaped its context
/// (a control character from content is one: html5ever reports it).
fn well_formed(file: &str, html: &str) -> Result<(), TestCaseError> {
    let doc = Html::parse_document(html);
    prop_assert!(
        doc.errors.is_empty(),
        "{file}: {:?}\n{}",
        doc.errors,
        excerpt(html)
    );
    Ok(())
}

fn excerpt(html: &str) -> &str {
    let start = html.find("<main").unwrap_or(0);
    let end = html.len().min(start + 3000);
    html.get(start..end).unwrap_or(html)
}

/// Pieces of Markdown that exercise every construct Fireside treats
/// specially: heading ids, links of every kind (with percent escapes),
/// wikilinks, footnotes, code fences, tables, raw HTML, entities (including
/// the link placeholder character), control characters and deep nesting.
fn markdown_piece() -> impl Strategy<Value = String> {
    let text = "[a-zA-Z0-9 éß漢\u{1F600}<>&\"'`*_~\\[\\]()#{}|!:%.\\-/\\\\]{0,12}";
    prop_oneof![
        text.prop_map(|t| t),
        text.prop_map(|t| format!("# {t}")),
        (text, text).prop_map(|(t, id)| format!("## {t} {{#{id}}}")),
        (text, text).prop_map(|(t, u)| format!("[{t}]({u})")),
        (text, text).prop_map(|(t, u)| format!("[{t}](#{u})")),
        text.prop_map(|u| format!("[x](%{u}%é%FF%a)")),
        text.prop_map(|t| format!("[[{t}]]")),
        text.prop_map(|t| format!("[[Test-Driven Development#{t}]]")),
        text.prop_map(|t| format!("[x][{t}]\n\n[{t}]: {t}")),
        text.prop_map(|t| format!("![{t}]({t}.png)")),
        text.prop_map(|t| format!("x[^{t}]\n\n[^{t}]: {t}")),
        (text, text).prop_map(|(l, c)| format!("```{l}\n{c}\n```")),
        text.prop_map(|t| format!("| a | {t} |\n|---|---|\n| {t} | b |")),
        text.prop_map(|t| format!("<div onclick=\"{t}\">{t}</div>")),
        text.prop_map(|t| format!("<script>{t}</script>")),
        Just("&#x1A;0&#26;&#x0;&#xD800;&amp;&#xFFFF;".to_string()),
        Just("\u{1A}0\u{1A}\u{0C}\u{0}\u{7F}\u{85}\u{2028}".to_string()),
        Just("[x](javascript:alert(1)) [y](JaVaScRiPt:x) [z](data:text/html,x)".to_string()),
        Just("- [ ] task\n- [x] done".to_string()),
        (1usize..40).prop_map(|n| format!("{} deep", ">".repeat(n))),
        (1usize..30).prop_map(|n| (0..n).map(|i| format!("{}- x\n", "  ".repeat(i))).collect()),
        (1usize..200).prop_map(|n| "*_[`".repeat(n)),
    ]
}

fn markdown_body() -> impl Strategy<Value = String> {
    prop::collection::vec((markdown_piece(), prop_oneof!["\n", "\n\n", " "]), 0..12).prop_map(
        |pieces| {
            pieces
                .into_iter()
                .map(|(p, sep)| p + sep.as_str())
                .collect()
        },
    )
}

/// A front-matter value: near-valid YAML with hostile content.
fn yaml_value() -> impl Strategy<Value = String> {
    let scalar = "[a-zA-Z0-9 éß漢<>&\"'`*_~\\[\\]{}()#|!:%.,\\-/\\\\@?]{0,16}";
    prop_oneof![
        scalar.prop_map(|s| s),
        scalar.prop_map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))),
        scalar.prop_map(|s| format!("'{}'", s.replace('\'', "''"))),
        prop::collection::vec(scalar, 0..4).prop_map(|v| format!("[{}]", v.join(", "))),
        (scalar, scalar).prop_map(|(k, v)| format!("{{ {k}: {v} }}")),
        (1969i32..1972, 1i32..14, 0i32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (2098i32..2102, 1i32..13, 1i32..32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        prop_oneof![
            Just("0001-01-01"),
            Just("9999-12-31"),
            Just("2025-02-29"),
            Just("\"24:00-25:61\""),
            Just("\"10:00-09:00\""),
            Just("Europe/Nowhere"),
            Just("javascript:alert(1)"),
            Just("\"https://example.com/%aé%\""),
            Just("&a [*a, *a]"),
            Just("!!binary aGk="),
            Just("~"),
            Just("-1e400"),
            Just("|\n  block\n  text"),
        ]
        .prop_map(str::to_string),
        (1usize..80).prop_map(|n| "[".repeat(n)),
    ]
}

const KEYS: &[&str] = &[
    "title",
    "date",
    "time",
    "start",
    "end",
    "timezone",
    "facilitators",
    "facilitator",
    "community",
    "format",
    "channel",
    "tools",
    "objective",
    "tags",
    "patterns",
    "status",
    "resources",
    "draft",
    "slug",
    "kind",
    "extra",
    "aliases",
    "series",
    "titel",
];

fn front_matter() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), yaml_value()), 0..8).prop_map(|pairs| {
        let mut yaml = String::from("---\n");
        for (k, v) in pairs {
            yaml.push_str(&format!("{k}: {v}\n"));
        }
        yaml.push_str("---\n");
        yaml
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // 4 properties x 500 cases in CI; `PROPTEST_CASES` for longer runs.
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

thread_local! {
    static HARNESS: std::cell::RefCell<Option<Harness>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with this thread's harness (one per test function).
fn with_harness(
    f: impl FnOnce(&mut Harness) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError> {
    HARNESS.with(|h| {
        let mut h = h.borrow_mut();
        f(h.get_or_insert_with(Harness::new))
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_markdown_bodies(body in markdown_body()) {
        let text = format!("---\ntitle: Page\n---\n{body}");
        with_harness(|h| h.check("content/about.md", text.as_bytes()))?;
    }

    #[test]
    fn arbitrary_session_front_matter(fm in front_matter(), body in markdown_body()) {
        let text = format!("{fm}{body}");
        with_harness(|h| h.check("content/sessions/dev/a.md", text.as_bytes()))?;
    }

    #[test]
    fn arbitrary_bytes_as_a_page(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        with_harness(|h| h.check("content/raw.md", &bytes))?;
    }

    #[test]
    fn arbitrary_text_after_a_fence(text in "(---\n)?\\PC{0,300}") {
        with_harness(|h| h.check("content/patterns/p.md", text.as_bytes()))?;
    }
}
