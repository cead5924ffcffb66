//! Feeds people can follow and links that unfurl (issue 13): an Atom feed
//! per community, tag and facilitator, linked from its page, valid for a
//! real feed reader (Python's feedparser); Open Graph and Twitter meta tags
//! on every page.

use crate::harness::*;

fn site_with_writeups() -> SiteTest {
    SiteTest::new()
        .base_url("https://cop.example.org/kb/")
        .file("content/communities/ops.md", "---\ntitle: Ops CoP\n---\nRunning things.\n")
        .file(
            "content/sessions/dev/kata.md",
            "---\ntitle: Bowling kata\ndate: 2026-03-10\ncommunity: Dev CoP\nfacilitator: Ana\nformat: Code kata\ntags: [tdd]\n---\nWe bowled & tested.\n",
        )
        .file(
            "content/sessions/ops/postmortem.md",
            "---\ntitle: Postmortem practice\ndate: 2026-04-10\ncommunity: Ops CoP\nfacilitator: Olga Petrova\nformat: Debate\ntags: [incidents]\n---\nWhat went wrong.\n",
        )
}

/// Entry titles of a feed, and every `href` and `id` in it.
fn read_feed(site: &SiteTest, rel: &str) -> (Vec<String>, Vec<String>) {
    let xml = site.xml(rel);
    let doc = xml.document();
    let titles = doc
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect();
    let mut urls: Vec<String> = doc
        .descendants()
        .filter_map(|n| n.attribute("href").map(String::from))
        .collect();
    urls.extend(
        doc.descendants()
            .filter(|n| n.has_tag_name("id"))
            .map(|n| n.text().unwrap_or_default().to_string()),
    );
    (titles, urls)
}

#[test]
fn communities_tags_and_facilitators_each_have_a_feed_of_their_write_ups() {
    let site = site_with_writeups();
    site.build().ok();
    for (feed, expected) in [
        ("communities/dev/feed.xml", "Bowling kata"),
        ("communities/ops/feed.xml", "Postmortem practice"),
        ("tags/tdd/feed.xml", "Bowling kata"),
        ("tags/incidents/feed.xml", "Postmortem practice"),
        ("facilitators/ana-ruiz/feed.xml", "Bowling kata"),
        ("facilitators/olga-petrova/feed.xml", "Postmortem practice"),
    ] {
        let (titles, urls) = read_feed(&site, feed);
        assert_eq!(titles, [expected], "{feed}");
        assert!(
            urls.iter()
                .all(|u| u.starts_with("https://cop.example.org/kb/")),
            "{feed}: every link is absolute: {urls:?}"
        );
        assert!(
            urls.contains(&format!("https://cop.example.org/kb/{feed}")),
            "{feed}: self link"
        );
    }
    let (all, _) = read_feed(&site, "feed.xml");
    assert_eq!(all.len(), 2, "the site's feed still has everything");
}

#[test]
fn each_page_links_its_feed_in_the_head_and_visibly() {
    let site = site_with_writeups();
    site.build().ok();
    for (page, feed) in [
        ("communities/dev/index.html", "/kb/communities/dev/feed.xml"),
        ("tags/tdd/index.html", "/kb/tags/tdd/feed.xml"),
        (
            "facilitators/ana-ruiz/index.html",
            "/kb/facilitators/ana-ruiz/feed.xml",
        ),
    ] {
        let doc = site.html(page);
        let alternates: Vec<&str> =
            select(&doc, "link[rel=alternate][type='application/atom+xml']")
                .iter()
                .filter_map(|l| l.value().attr("href"))
                .collect();
        assert!(alternates.contains(&feed), "{page}: {alternates:?}");
        let visible = select(&doc, "main .feed-follow a");
        assert_eq!(visible[0].value().attr("href"), Some(feed), "{page}");
    }
    let format = site.html("formats/code-kata/index.html");
    assert!(
        select(&format, ".feed-follow").is_empty(),
        "formats have no feed"
    );
    assert!(broken_links(&site.out(), "/kb/").is_empty());
}

#[test]
fn every_feed_of_the_example_site_is_valid_atom_for_feedparser() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import feedparser"])
        .output();
    let missing = (!probe.is_ok_and(|o| o.status.success()))
        .then(|| "it is not installed; run `pip install feedparser`".to_string());
    if !crate::tools::available("Python's feedparser", missing) {
        return;
    }
    let site = SiteTest::example();
    site.build_for("https://example.org/cop/").ok();
    let script = r#"
import sys, pathlib, feedparser
out = pathlib.Path(sys.argv[1])
for path in sorted(out.rglob("feed.xml")):
    d = feedparser.parse(path.read_bytes())
    links = [e.link for e in d.entries]
    bad = [l for l in links if not l.startswith("https://example.org/cop/")]
    print(path.relative_to(out).as_posix(), int(bool(d.bozo)), d.version, len(d.entries), len(bad), repr(d.get("bozo_exception", "")))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(site.out())
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = report.lines().collect();
    assert!(
        lines.len() > 10,
        "the site's feed and one per community, tag, facilitator: {report}"
    );
    for line in &lines {
        let f: Vec<&str> = line.splitn(6, ' ').collect();
        assert_eq!(f[1], "0", "bozo: {line}");
        assert_eq!(f[2], "atom10", "{line}");
        assert_eq!(f[4], "0", "relative entry links: {line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("communities/") && !l.contains(" 0 0 ")),
        "some community feed has entries: {report}"
    );
}

#[test]
fn every_page_has_open_graph_and_twitter_tags() {
    let site = SiteTest::example();
    site.build_for("https://example.org/cop/").ok();
    let pages = snapshot(&site.out());
    let mut checked = 0;
    for (file, bytes) in &pages {
        if !file.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(bytes));
        // Redirect pages (`redirect_from`, on any kind of page) are not
        // pages to share.
        if !select(&doc, "meta[http-equiv=refresh]").is_empty() {
            continue;
        }
        let meta = |sel: &str| -> String {
            select(&doc, sel)
                .first()
                .and_then(|m| m.value().attr("content"))
                .unwrap_or_else(|| panic!("{file}: no {sel}"))
                .to_string()
        };
        assert_eq!(
            meta("meta[property='og:site_name']"),
            "Northwind Engineering Communities of Practice"
        );
        assert!(!meta("meta[property='og:title']").is_empty(), "{file}");
        assert!(
            !meta("meta[property='og:description']").is_empty(),
            "{file}"
        );
        assert!(!meta("meta[name='twitter:title']").is_empty(), "{file}");
        // Sessions and patterns have a preview image (social.rs): a large card.
        let image = !select(&doc, "meta[property='og:image']").is_empty();
        assert_eq!(
            meta("meta[name='twitter:card']"),
            if image {
                "summary_large_image"
            } else {
                "summary"
            },
            "{file}"
        );
        if [
            "index.html",
            "sessions/index.html",
            "patterns/index.html",
            "about/index.html",
        ]
        .contains(&file.as_str())
        {
            assert!(!image, "{file}: og:image on sessions and patterns only");
        }
        if file == "patterns/pair-programming/index.html" {
            assert!(image, "{file}: no og:image");
        }
        if file != "404.html" {
            let url = meta("meta[property='og:url']");
            let expected = format!(
                "https://example.org/cop/{}",
                file.trim_end_matches("index.html")
            );
            assert_eq!(url, expected, "{file}");
        }
        checked += 1;
    }
    assert!(checked > 50, "{checked} pages");
    let pattern = site.html("patterns/pair-programming/index.html");
    assert_eq!(
        select(&pattern, "meta[property='og:type']")[0]
            .value()
            .attr("content"),
        Some("article")
    );
    assert_eq!(
        select(&pattern, "meta[property='og:title']")[0]
            .value()
            .attr("content"),
        Some("Pair Programming")
    );
    assert!(
        select(&pattern, "meta[property='og:description']")[0]
            .value()
            .attr("content")
            .is_some_and(|d| d.starts_with("Two people, one problem"))
    );
}
