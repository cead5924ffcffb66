//! A `base_url` without a host (`/`, `/kb/`: what a new site had before it
//! was set) still gives valid machine-read output (issue 15): Atom ids are
//! `tag:` URIs, feeds carry no link that could only be relative, there is no
//! sitemap and robots.txt names none; the build says so once, at site.yaml's
//! `base_url` line. With a host, links inside feed entries are absolute
//! against the entry's page. And `fireside init` writes a real `base_url`
//! or a marked placeholder.

use crate::binary::{NOW, assert_success, fireside, stderr};
use crate::harness::*;

/// A write-up whose body links to one of its own headings, a page of the
/// site by path, a sibling by a relative path, and the outside world.
const WRITEUP: &str = "---\ntitle: Bowling kata\ndate: 2026-03-10\ncommunity: Dev CoP\nfacilitator: Ana\nformat: Code kata\ntags: [tdd]\n---\nSee [the agenda](#agenda), [TDD](../../patterns/tdd.md), ![a diagram](kata.png), [the pattern](/patterns/tdd/) and [elsewhere](https://example.net/x).\n\n## Agenda\n\nBowl.\n";

fn site(site_yaml: &str) -> SiteTest {
    SiteTest::new()
        .file("site.yaml", site_yaml)
        .file("content/sessions/dev/kata.md", WRITEUP)
        .file_bytes("content/sessions/dev/kata.png", b"\x89PNG\r\n\x1a\n")
}

fn base_url_warnings(
    warnings: &[fireside::diagnostic::Diagnostic],
) -> Vec<&fireside::diagnostic::Diagnostic> {
    warnings
        .iter()
        .filter(|d| d.message.contains("a path without a host"))
        .collect()
}

/// Every feed of the output: (path, parsed-by-roxmltree text).
fn feeds(site: &SiteTest) -> Vec<(String, String)> {
    snapshot(&site.out())
        .into_iter()
        .filter(|(f, _)| f.ends_with("feed.xml"))
        .map(|(f, b)| (f, String::from_utf8(b).expect("feeds are UTF-8")))
        .collect()
}

/// `(href attributes, ids, entry contents)` of a feed.
fn feed_parts(text: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let doc = roxmltree::Document::parse(text).expect("well-formed XML");
    let hrefs = doc
        .descendants()
        .filter_map(|n| n.attribute("href").map(String::from))
        .collect();
    let ids = doc
        .descendants()
        .filter(|n| n.has_tag_name("id"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let contents = doc
        .descendants()
        .filter(|n| n.has_tag_name("content"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    (hrefs, ids, contents)
}

/// The `href`s and `src`s of an entry's HTML, in order, but the
/// heading's own anchor link.
fn content_links(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(html);
    select(&doc, "p a[href], p img[src]")
        .iter()
        .filter_map(|e| {
            e.value()
                .attr("href")
                .or(e.value().attr("src"))
                .map(String::from)
        })
        .collect()
}

#[test]
fn a_bare_path_base_url_warns_once_at_its_line_and_writes_only_absolute_feed_urls() {
    let site = site("title: Test CoP\ntimezone: Europe/Madrid\nbase_url: /kb/\n");
    let report = site.build().ok();
    let warnings = base_url_warnings(&report.warnings);
    assert_eq!(warnings.len(), 1, "{}", render(&report.warnings));
    let w = warnings[0];
    assert!(!w.is_error());
    assert_eq!(
        w.location(),
        "site.yaml:3:1",
        "{}",
        render(&report.warnings)
    );
    let text = w.render(false);
    assert!(text.contains("no sitemap.xml"), "{text}");
    assert!(
        w.hint
            .as_deref()
            .is_some_and(|h| h.contains("https://cop.example.com/kb/")),
        "says what to set: {text}"
    );

    let all = feeds(&site);
    assert!(
        all.len() > 3,
        "the site's feed and the community's, tag's and person's: {all:?}"
    );
    for (path, text) in &all {
        let (hrefs, ids, contents) = feed_parts(text);
        assert!(
            hrefs.is_empty(),
            "{path}: no link that could only be relative: {hrefs:?}"
        );
        assert!(!text.contains("xml:base"), "{path}");
        for id in &ids {
            let url = url::Url::parse(id).unwrap_or_else(|e| panic!("{path}: id {id}: {e}"));
            assert_eq!(url.scheme(), "tag", "{path}: {id}");
            assert!(
                id.starts_with("tag:test-cop.invalid,2025:/kb/"),
                "{path}: {id}"
            );
        }
        for html in contents {
            assert_eq!(
                content_links(&html),
                [
                    "/kb/sessions/2026-03-10-kata/#agenda",
                    "/kb/patterns/tdd/",
                    "/kb/sessions/dev/kata.png",
                    "/kb/patterns/tdd/",
                    "https://example.net/x"
                ],
                "{path}: links resolved against the entry's page"
            );
        }
    }
    let ids: Vec<String> = all.iter().flat_map(|(_, t)| feed_parts(t).1).collect();
    assert!(
        ids.contains(&"tag:test-cop.invalid,2025:/kb/sessions/2026-03-10-kata/".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"tag:test-cop.invalid,2025:/kb/feed.xml".to_string()),
        "{ids:?}"
    );

    assert!(
        !site.out().join("sitemap.xml").exists(),
        "a sitemap needs absolute <loc>s"
    );
    let robots = site.read_out("robots.txt");
    assert!(!robots.contains("Sitemap"), "{robots}");
    assert_eq!(robots, "User-agent: *\nAllow: /\n");
    assert!(broken_links(&site.out(), "/kb/").is_empty());
}

#[test]
fn a_missing_base_url_and_a_bare_base_url_flag_warn_once_each() {
    // No `base_url` at all is `/`: the warning has no line to point at.
    let site = site("title: Test CoP\ntimezone: Europe/Madrid\n");
    let report = site.build().ok();
    let warnings = base_url_warnings(&report.warnings);
    assert_eq!(warnings.len(), 1, "{}", render(&report.warnings));
    assert_eq!(warnings[0].location(), "site.yaml");
    // `--base-url /x/` is named as the flag, over a site.yaml with a host.
    let site = site_with_host().base_url("/x/");
    let report = site.build().ok();
    let warnings = base_url_warnings(&report.warnings);
    assert_eq!(warnings.len(), 1, "{}", render(&report.warnings));
    assert!(
        warnings[0].message.starts_with("--base-url is `/x/`"),
        "{}",
        warnings[0].message
    );
    assert_eq!(
        warnings[0].location(),
        "",
        "not site.yaml's line: the flag set it"
    );
    // A failed build lists it once too, after the errors.
    site.write(
        "content/patterns/bad.md",
        "---\ntitle: Bad\nmaturty: adopt\n---\n",
    );
    let failure = site.build().failed();
    let count = failure
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("a path without a host"))
        .count();
    assert_eq!(count, 1, "{}", failure.rendered());
}

fn site_with_host() -> SiteTest {
    site("title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://cop.example.org/kb/\n")
}

#[test]
fn with_a_host_entry_links_are_absolute_against_the_entry_page() {
    let site = site_with_host();
    let report = site.build().ok();
    assert!(
        base_url_warnings(&report.warnings).is_empty(),
        "{}",
        render(&report.warnings)
    );
    let text = site.read_out("feed.xml");
    let (hrefs, ids, contents) = feed_parts(&text);
    assert!(
        hrefs
            .iter()
            .all(|h| h.starts_with("https://cop.example.org/kb/")),
        "{hrefs:?}"
    );
    assert!(
        ids.contains(&"https://cop.example.org/kb/sessions/2026-03-10-kata/".to_string()),
        "{ids:?}"
    );
    assert_eq!(contents.len(), 1);
    assert_eq!(
        content_links(&contents[0]),
        [
            "https://cop.example.org/kb/sessions/2026-03-10-kata/#agenda",
            "https://cop.example.org/kb/patterns/tdd/",
            "https://cop.example.org/kb/sessions/dev/kata.png",
            "https://cop.example.org/kb/patterns/tdd/",
            "https://example.net/x"
        ]
    );
    let sitemap = site.xml("sitemap.xml");
    let locs = sitemap.texts("url", "loc");
    assert!(!locs.is_empty());
    assert!(
        locs.iter()
            .all(|l| l.starts_with("https://cop.example.org/kb/")),
        "{locs:?}"
    );
    assert!(
        site.read_out("robots.txt")
            .contains("\nSitemap: https://cop.example.org/kb/sitemap.xml\n")
    );
}

#[test]
fn bare_path_feeds_parse_in_feedparser_without_bozo() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import feedparser"])
        .output();
    let missing = (!probe.is_ok_and(|o| o.status.success()))
        .then(|| "it is not installed; run `pip install feedparser`".to_string());
    if !crate::tools::available("Python's feedparser", missing) {
        return;
    }
    let site = site("title: Test CoP\ntimezone: Europe/Madrid\nbase_url: /kb/\n");
    site.build().ok();
    let script = r#"
import sys, pathlib, feedparser
out = pathlib.Path(sys.argv[1])
for path in sorted(out.rglob("feed.xml")):
    d = feedparser.parse(path.read_bytes())
    ids = [e.id for e in d.entries] + [d.feed.id]
    print(path.relative_to(out).as_posix(), int(bool(d.bozo)), d.version, len(d.entries), all(i.startswith("tag:") for i in ids), repr(d.get("bozo_exception", "")))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(site.out())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = report.lines().collect();
    assert!(lines.len() > 3, "{report}");
    for line in &lines {
        let f: Vec<&str> = line.splitn(6, ' ').collect();
        assert_eq!(f[1], "0", "bozo: {line}");
        assert_eq!(f[2], "atom10", "{line}");
        assert_eq!(f[4], "True", "tag: ids: {line}");
    }
    assert!(
        lines.iter().any(|l| l.starts_with("feed.xml 0 atom10 1 ")),
        "{report}"
    );
}

#[test]
fn init_writes_the_base_url_it_is_given_or_a_marked_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let given = dir.path().join("given");
    assert_success(&fireside(&[
        "init",
        given.to_str().unwrap(),
        "--base-url",
        "https://org.github.io/cop",
    ]));
    let yaml = std::fs::read_to_string(given.join("site.yaml")).unwrap();
    assert!(
        yaml.contains("\nbase_url: https://org.github.io/cop/\n"),
        "{yaml}"
    );
    let build = fireside(&["build", given.to_str().unwrap(), "--now", NOW]);
    assert_success(&build);
    assert!(!stderr(&build).contains("base_url"), "{}", stderr(&build));
    assert!(given.join("public/sitemap.xml").is_file());

    // Not a terminal and no flag: the placeholder, which builds with the warning.
    let later = dir.path().join("later");
    let init = fireside(&["init", later.to_str().unwrap()]);
    assert_success(&init);
    assert!(crate::binary::stdout(&init).contains("Set base_url in site.yaml"));
    let yaml = std::fs::read_to_string(later.join("site.yaml")).unwrap();
    assert!(yaml.contains("\nbase_url: /  # PLACEHOLDER\n"), "{yaml}");
    assert!(yaml.contains("e.g. https://cop.example.com/"), "{yaml}");
    let build = fireside(&["build", later.to_str().unwrap(), "--now", NOW]);
    assert_success(&build);
    let err = stderr(&build);
    assert_eq!(
        err.matches("warning: site.yaml's `base_url` is `/`")
            .count(),
        1,
        "{err}"
    );
    let line = yaml
        .lines()
        .position(|l| l.starts_with("base_url:"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("site.yaml:{line}:1")), "{err}");
    assert!(!later.join("public/sitemap.xml").exists());

    // A value that is not a base URL is a usage error, and writes nothing.
    let bad = dir.path().join("bad");
    let init = fireside(&[
        "init",
        bad.to_str().unwrap(),
        "--base-url",
        "cop.example.com",
    ]);
    assert_eq!(init.status.code(), Some(2), "{}", stderr(&init));
    assert!(
        stderr(&init).contains("https://cop.example.com/"),
        "{}",
        stderr(&init)
    );
    assert!(!bad.join("site.yaml").exists());
}
