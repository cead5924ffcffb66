//! End-to-end: build real sites into temp dirs and check what came out.
//! Builds run in process; `SOURCE_DATE_EPOCH` and `init`/`new` are the
//! binary's and run it.

use crate::binary::{NOW, assert_success, fireside, stdout};
use crate::harness::*;

fn example() -> SiteTest {
    SiteTest::example()
}

#[test]
fn example_site_builds_every_kind_of_page() {
    let site = example();
    // Published at a host: a path-only base_url has no sitemap (base_url.rs).
    let report = site.build_for("https://cop.example.com/").ok();
    // The report counts the HTML pages the folder holds (the binary's
    // one-line summary prints it; `init_creates...` checks that line).
    let html = snapshot(&site.out())
        .keys()
        .filter(|p| p.ends_with(".html"))
        .count();
    assert_eq!(report.pages, html, "pages in the report");
    for page in [
        "index.html",
        "sessions/index.html",
        "sessions/2024-12-04-clean-code-principles/index.html",
        "patterns/index.html",
        "patterns/test-driven-development/index.html",
        "communities/software-development/index.html",
        "facilitators/index.html",
        "facilitators/sofia-carballo/index.html",
        "guidelines/index.html",
        "facilitating/how-to-run-a-lean-coffee/index.html",
        "tags/index.html",
        "formats/code-kata/index.html",
        "agendas/software-development-2024-25/index.html",
        "404.html",
        "sitemap.xml",
        "feed.xml",
        "robots.txt",
        "assets/fireside.css",
        "assets/highlight.css",
        ".fireside-output",
    ] {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = example();
    site.build().ok();
    let broken = broken_links(&site.out(), "/");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn a_sub_path_base_url_prefixes_every_link() {
    let site = example();
    site.build_for("https://example.org/cop/").ok();
    let broken = broken_links(&site.out(), "/cop/");
    assert!(
        broken.is_empty(),
        "broken links under /cop/:\n{}",
        broken.join("\n")
    );
    let sitemap = site.read_out("sitemap.xml");
    assert!(
        sitemap.contains(
            "<loc>https://example.org/cop/sessions/2024-12-04-clean-code-principles/</loc>"
        )
    );
    assert!(
        site.read_out("robots.txt")
            .contains("Sitemap: https://example.org/cop/sitemap.xml")
    );
}

#[test]
fn output_is_byte_identical_for_the_same_input_and_clock() {
    let site = example();
    site.build().ok();
    let first = snapshot(&site.out());
    // A warm cache must not change a byte either.
    site.build().ok();
    assert_eq!(first, snapshot(&site.out()));
    let other = example();
    other.build().ok();
    assert_eq!(
        first,
        snapshot(&other.out()),
        "a second copy of the site differs"
    );
}

#[test]
fn source_date_epoch_sets_the_clock() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2025-03-12\ntime: \"10:30-12:00\"\n---\n",
    );
    let run = |epoch: &str| {
        let out = assert_cmd::Command::cargo_bin("fireside")
            .unwrap()
            .args(["build", site.path().to_str().unwrap()])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_success(&out);
        text_of(&site.html("sessions/2025-03-12-kata/index.html"), ".badge")
    };
    assert_eq!(run("1735689600"), "Upcoming"); // 2025-01-01
    assert_eq!(run("1767225600"), "Held"); // 2026-01-01
}

#[test]
fn session_page_shows_the_card() {
    let site = example();
    site.build().ok();
    let doc = site.html("sessions/2024-12-04-clean-code-principles/index.html");
    assert_eq!(text_of(&doc, "h1"), "Clean Code Principles");
    let details = text_of(&doc, ".session-details");
    for fact in [
        "Wednesday 4 December 2024, 10:30–12:00 CET",
        "Sebastian Kulinski",
        "Lean Coffee",
        "Zoom",
        "Held",
    ] {
        assert!(details.contains(fact), "{fact} missing in: {details}");
    }
    let time = select(&doc, ".session-details time")[0]
        .value()
        .attr("datetime")
        .unwrap()
        .to_string();
    assert_eq!(time, "2024-12-04T10:30:00+01:00");
    // It is the merged agenda entry: one page, linked from its agenda.
    let agenda = site.html("agendas/software-development-2024-25/index.html");
    let rows = select(&agenda, "tbody tr");
    assert_eq!(rows.len(), 20, "the seed agenda has 20 sessions");
    assert!(text_of(&agenda, "tbody").contains("Clean Code Principles"));
}

#[test]
fn summer_sessions_show_summer_time() {
    let site = example();
    site.build().ok();
    let doc = site.html("sessions/2025-05-21-integration-testing/index.html");
    assert!(text_of(&doc, ".session-details").contains("10:30–12:00 CEST"));
    let time = select(&doc, ".session-details time")[0]
        .value()
        .attr("datetime")
        .unwrap()
        .to_string();
    assert_eq!(time, "2025-05-21T10:30:00+02:00");
}

#[test]
fn markdown_features_render() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2025-03-12\nfacilitators: [Ana]\npatterns: [tdd]\n---\n\
Intro with [[TDD]], [[Test-Driven Development|the TDD page]], [[tdd#pitfalls]] and [pitfalls](../../patterns/tdd.md#pitfalls).\n\n\
## Steps\n\n- [x] red\n- [ ] green\n\nA claim[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"\n\n\
```rust\nfn main() {}\n```\n\n<script>alert(1)</script>\n\n[^1]: The source.\n",
    );
    site.build().ok();
    let html = site.read_out("sessions/2025-03-12-kata/index.html");
    let doc = site.html("sessions/2025-03-12-kata/index.html");
    let hrefs: Vec<&str> = select(&doc, ".prose a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert!(hrefs.contains(&"/patterns/tdd/"));
    assert!(hrefs.contains(&"/patterns/tdd/#pitfalls"));
    assert_eq!(select(&doc, "h2#steps").len(), 1);
    assert_eq!(select(&doc, "input[type=checkbox][checked]").len(), 1);
    assert_eq!(select(&doc, "table").len(), 1);
    assert_eq!(select(&doc, "del").len(), 1);
    assert_eq!(select(&doc, ".footnotes li#fn-1").len(), 1);
    assert!(!select(&doc, "pre.code code.language-rust span").is_empty());
    assert!(html.contains("“quoted”"));
    assert!(!html.contains("<script>alert"), "raw HTML must be escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Facilitator named by alias resolves to the profile; backlinks appear on the pattern.
    assert!(text_of(&doc, ".session-details").contains("Ana Ruiz"));
    let pattern = site.html("patterns/tdd/index.html");
    assert!(text_of(&pattern, ".backlinks").contains("Kata"));
    assert!(text_of(&pattern, "#practised-title + ul").contains("Kata"));
}

#[test]
fn raw_html_passes_when_the_site_allows_it() {
    let site = SiteTest::new();
    site.write("site.yaml", "title: T\nmarkdown:\n  raw_html: true\n");
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nPress <kbd>Ctrl</kbd>.\n",
    );
    site.build().ok();
    assert!(
        site.read_out("about/index.html")
            .contains("<kbd>Ctrl</kbd>")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/wip.md",
        "---\ntitle: WIP\ndate: 2025-03-12\ndraft: true\n---\n",
    );
    site.build().ok();
    assert!(!site.out().join("sessions/2025-03-12-wip").exists());
    let site = site.drafts();
    site.build().ok();
    assert!(
        site.out()
            .join("sessions/2025-03-12-wip/index.html")
            .exists()
    );
}

#[test]
fn a_person_without_a_profile_gets_a_page() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2025-03-12\nfacilitator: José Núñez\n---\n",
    );
    site.build().ok();
    let doc = site.html("facilitators/jose-nunez/index.html");
    assert_eq!(text_of(&doc, "h1"), "José Núñez");
    assert!(text_of(&doc, "main").contains("Kata"));
}

#[test]
fn crlf_and_bom_files_build() {
    let site = SiteTest::new().file_bytes(
        "content/sessions/dev/crlf.md",
        b"\xEF\xBB\xBF---\r\ntitle: Windows kata\r\ndate: 2025-03-12\r\n---\r\nBody line\r\n",
    );
    site.build().ok();
    assert_eq!(
        text_of(&site.html("sessions/2025-03-12-crlf/index.html"), "h1"),
        "Windows kata"
    );
}

#[test]
fn assets_next_to_content_are_copied_and_linked() {
    let site = SiteTest::new();
    site.write_bytes("content/sessions/dev/board.png", b"\x89PNG fake");
    site.write(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2025-03-12\n---\n![The board](board.png)\n",
    );
    site.write("static/favicon.ico", "icon");
    site.build().ok();
    assert!(site.out().join("sessions/dev/board.png").is_file());
    assert!(site.out().join("favicon.ico").is_file());
    let doc = site.html("sessions/2025-03-12-kata/index.html");
    assert_eq!(
        select(&doc, "img[src='/sessions/dev/board.png'][alt='The board']").len(),
        1
    );
}

#[test]
fn templates_can_be_overridden_by_name() {
    let site = SiteTest::new();
    site.write("templates/page.html", "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">{{ page_title }}</p>{% endblock content %}");
    site.write("content/about.md", "---\ntitle: About us\n---\nText.\n");
    site.build().ok();
    assert_eq!(
        text_of(&site.html("about/index.html"), "#custom"),
        "About us"
    );
}

#[test]
fn titles_are_escaped() {
    let site = SiteTest::new();
    site.write(
        "content/patterns/xss.md",
        "---\ntitle: \"<img src=x onerror=alert(1)> & co\"\n---\nx\n",
    );
    site.build().ok();
    let html = site.read_out("patterns/xss/index.html");
    assert!(!html.contains("<img src=x"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; co"));
}

#[test]
fn check_validates_and_writes_nothing() {
    let site = example();
    site.check().ok();
    assert!(!site.out().exists());
}

#[test]
fn init_creates_a_site_that_builds_and_new_adds_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("cop");
    let init = fireside(&["init", root.to_str().unwrap()]);
    assert_success(&init);
    let session = fireside(&[
        "new",
        "session",
        "Mob: legacy code",
        "--date",
        "2025-03-12",
        "--community",
        "software-development",
        "--site",
        root.to_str().unwrap(),
    ]);
    assert_success(&session);
    let path = stdout(&session).trim().to_string();
    assert!(
        path.ends_with("content/sessions/software-development/2025-03-12-mob-legacy-code.md"),
        "{path}"
    );
    let pattern = fireside(&[
        "new",
        "pattern",
        "Pair programming",
        "--site",
        root.to_str().unwrap(),
    ]);
    assert!(
        stdout(&pattern)
            .trim()
            .ends_with("content/patterns/pair-programming.md")
    );
    let build = fireside(&["build", root.to_str().unwrap(), "--now", NOW]);
    assert_success(&build);
    assert!(
        stdout(&build).starts_with("Built "),
        "one-line summary: {}",
        stdout(&build)
    );
    assert!(
        root.join("public/sessions/2025-03-12-mob-legacy-code/index.html")
            .is_file()
    );
    assert!(
        root.join("public/patterns/pair-programming/index.html")
            .is_file()
    );
    // init refuses a non-empty folder; new refuses to overwrite.
    assert_eq!(
        fireside(&["init", root.to_str().unwrap()]).status.code(),
        Some(2)
    );
    assert_eq!(
        fireside(&[
            "new",
            "pattern",
            "Pair programming",
            "--site",
            root.to_str().unwrap()
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn feed_lists_write_ups_newest_first() {
    let site = example();
    site.build().ok();
    let feed = site.xml("feed.xml");
    let titles = feed.texts("entry", "title");
    assert!(titles.len() >= 10, "{titles:?}");
    assert!(
        !site
            .read_out("feed.xml")
            .contains("Property-Based Testing Kata"),
        "planned sessions are not write-ups"
    );
    let updated = feed.texts("entry", "updated");
    assert_eq!(updated.len(), titles.len(), "every entry has a date");
    let mut sorted = updated.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(updated, sorted);
}

#[test]
fn content_index_introduces_the_home_page() {
    let site = SiteTest::new();
    site.write(
        "content/index.md",
        "---\ntitle: Welcome\n---\nWe are the **Test CoP**.\n",
    );
    site.build().ok();
    let home = site.html("index.html");
    assert_eq!(text_of(&home, ".intro strong"), "Test CoP");
    assert_eq!(
        text_of(&home, "h1"),
        "Test CoP",
        "the site title stays the page heading"
    );
}

#[test]
fn site_yaml_date_order_reads_numeric_dates_in_csv_agendas() {
    let site = SiteTest::new();
    let csv = "Session #,Day,Time,Title\n1,04/05/2025,10:00 - 11:00,Kata\n";
    site.write("content/agendas/dev/2025.csv", csv);
    site.build().failed().at(
        "ambiguous date `04/05/2025`",
        "content/agendas/dev/2025.csv",
    );
    for (order, slug) in [("dmy", "2025-05-04-kata"), ("mdy", "2025-04-05-kata")] {
        site.write(
            "site.yaml",
            &format!("title: Test CoP\ntimezone: Europe/Madrid\ndate_order: {order}\n"),
        );
        site.build().ok();
        assert!(
            site.out()
                .join(format!("sessions/{slug}/index.html"))
                .is_file(),
            "{order} should give {slug}"
        );
    }
    // An agenda's own `date_order` wins over the site's.
    site.remove("content/agendas/dev/2025.csv");
    site.write(
        "content/agendas/dev/2025.yaml",
        "title: Dev 2025\ndate_order: dmy\nsessions:\n  - title: Kata\n    date: 04/05/2025\n",
    );
    site.build().ok();
    assert!(
        site.out()
            .join("sessions/2025-05-04-kata/index.html")
            .is_file()
    );
}
