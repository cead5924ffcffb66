//! Keeping a knowledge base (issue 13): moved pages that keep working
//! (`redirect_from`), owners and review dates (`owner`, `review_by`), and
//! "Edit this page" (`edit_url`), on fixture sites read back.

use crate::binary::{assert_success, stdout};
use crate::harness::*;

fn moved_site() -> SiteTest {
    SiteTest::new()
        .base_url("https://cop.example.org/kb/")
        .file(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\nsummary: Test first.\nredirect_from: [practices/tdd/, /old-tdd, guides/tdd.html]\n---\nAlways.\n",
        )
}

#[test]
fn an_old_path_gets_a_page_that_redirects_and_a_redirects_line() {
    let site = moved_site();
    site.build().ok();
    for old in [
        "practices/tdd/index.html",
        "old-tdd/index.html",
        "guides/tdd.html",
    ] {
        let doc = site.html(old);
        let refresh = select(&doc, "meta[http-equiv=refresh]");
        assert_eq!(
            refresh[0].value().attr("content"),
            Some("0; url=/kb/patterns/tdd/"),
            "{old}"
        );
        let canonical = select(&doc, "link[rel=canonical]");
        assert_eq!(
            canonical[0].value().attr("href"),
            Some("https://cop.example.org/kb/patterns/tdd/")
        );
        let link = select(&doc, "main a");
        assert_eq!(link[0].value().attr("href"), Some("/kb/patterns/tdd/"));
        assert_eq!(
            link[0].text().collect::<String>(),
            "Test-Driven Development"
        );
        assert!(!select(&doc, "meta[name=robots][content=noindex]").is_empty());
    }
    let rules: Vec<Vec<String>> = site
        .read_out("_redirects")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect();
    assert!(
        rules.iter().all(|r| r.len() == 3 && r[2] == "301"),
        "{rules:?}"
    );
    let pairs: Vec<(&str, &str)> = rules
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    for from in [
        "/kb/practices/tdd/",
        "/kb/practices/tdd",
        "/kb/old-tdd/",
        "/kb/guides/tdd.html",
    ] {
        assert!(
            pairs.contains(&(from, "/kb/patterns/tdd/")),
            "{from} in {pairs:?}"
        );
    }
    let sitemap = site.xml("sitemap.xml").texts("url", "loc");
    assert!(
        sitemap.iter().all(|u| !u.contains("practices/tdd")),
        "redirects are not in the sitemap"
    );
    assert!(broken_links(&site.out(), "/kb/").is_empty());
}

#[test]
fn a_site_without_moves_has_no_redirects_file() {
    let site = SiteTest::new();
    site.build().ok();
    assert!(!site.out().join("_redirects").exists());
}

#[test]
fn a_redirect_over_a_real_page_a_loop_or_a_second_claim_is_an_error() {
    let site = SiteTest::new()
        .file(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\nredirect_from:\n  - patterns/\n  - patterns/tdd/\n  - old/\n---\nAlways.\n",
        )
        .file(
            "content/guide.md",
            "---\ntitle: Guide\nredirect_from: [old/, ../../etc/]\n---\nRead me.\n",
        );
    let failed = site.build().failed();
    failed.at(
        "`patterns/` is a page of this site",
        "content/patterns/tdd.md:4:5",
    );
    failed.at("redirects to itself, a loop", "content/patterns/tdd.md:5:5");
    failed.at("already redirects to", "content/guide.md:3:");
    failed.at(
        "is not a path this site can redirect",
        "content/guide.md:3:",
    );
}

#[test]
fn a_page_past_its_review_date_says_so_and_is_listed_on_insights() {
    let site = SiteTest::new()
        .file(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\nowner: Ana\nreview_by: 2026-01-31\n---\nAlways.\n",
        )
        .file(
            "content/guide.md",
            "---\ntitle: Guide\nowner: Ana Ruiz\nreview_by: 2027-06-30\n---\nRead me.\n",
        );
    site.build().ok();
    let tdd = site.html("patterns/tdd/index.html");
    let notice = text_of(&tdd, ".stale-notice");
    assert!(notice.contains("may be out of date"), "{notice}");
    assert!(notice.contains("Saturday 31 January 2026"), "{notice}");
    assert_eq!(
        select(&tdd, ".stale-notice time")[0]
            .value()
            .attr("datetime"),
        Some("2026-01-31")
    );
    let owner = select(&tdd, ".page-upkeep a");
    assert_eq!(
        owner[0].value().attr("href"),
        Some("/facilitators/ana-ruiz/")
    );
    let guide = site.html("guide/index.html");
    assert!(select(&guide, ".stale-notice").is_empty(), "not due yet");
    assert!(text_of(&guide, ".page-upkeep").contains("Review by"));
    let insights = site.html("insights/index.html");
    let listed: Vec<String> = select(&insights, "#overdue ~ ul li > a:first-child")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(listed, ["Test-Driven Development"]);
}

#[test]
fn an_owner_who_is_nobody_and_a_review_date_that_is_not_a_date_are_errors() {
    let site = SiteTest::new().file(
        "content/patterns/tdd.md",
        "---\ntitle: Test-Driven Development\nowner: Ana Ruis\n---\nAlways.\n",
    );
    let failed = site.build().failed();
    let d = failed.at("no person named `Ana Ruis`", "content/patterns/tdd.md:3:8");
    assert!(
        d.hint
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `Ana Ruiz`")
    );
    let site = SiteTest::new().file(
        "content/guide.md",
        "---\ntitle: Guide\nreview_by: next spring\n---\nRead me.\n",
    );
    site.build()
        .failed()
        .at("YYYY-MM-DD", "content/guide.md:3:12");
}

#[test]
fn check_stale_lists_what_is_overdue_and_exits_zero() {
    let site = SiteTest::new()
        .file(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\nowner: Ana\nreview_by: 2020-01-31\n---\nAlways.\n",
        )
        .file(
            "content/guide.md",
            "---\ntitle: Guide\nreview_by: 2099-06-30\n---\nRead me.\n",
        );
    let out = crate::binary::fireside(&["check", site.path().to_str().expect("UTF-8"), "--stale"]);
    assert_success(&out);
    let text = stdout(&out);
    assert!(text.contains("1 page is past its review date"), "{text}");
    assert!(
        text.contains("content/patterns/tdd.md: Test-Driven Development (review by 2020-01-31, owner Ana Ruiz)"),
        "{text}"
    );
    assert!(!text.contains("Guide ("), "{text}");
}

#[test]
fn edit_links_follow_edit_url_and_only_http_urls_are_accepted() {
    let site = SiteTest::new()
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nedit_url: https://github.com/org/kb/edit/main/site\n",
        )
        .file("content/guide notes.md", "---\ntitle: Guide\n---\nRead me.\n");
    site.build().ok();
    let tdd = site.html("patterns/tdd/index.html");
    assert_eq!(
        select(&tdd, "a.edit-link")[0].value().attr("href"),
        Some("https://github.com/org/kb/edit/main/site/content/patterns/tdd.md")
    );
    let guide = site.html("guide-notes/index.html");
    assert_eq!(
        select(&guide, "a.edit-link")[0].value().attr("href"),
        Some("https://github.com/org/kb/edit/main/site/content/guide%20notes.md")
    );
    let plain = SiteTest::new();
    plain.build().ok();
    assert!(select(&plain.html("patterns/tdd/index.html"), "a.edit-link").is_empty());

    let bad = SiteTest::new().file(
        "site.yaml",
        "title: Test CoP\nedit_url: javascript:alert(1)\n",
    );
    let failed = bad.build().failed();
    failed.at("must be an http(s) web address", "site.yaml:2:1");
}
