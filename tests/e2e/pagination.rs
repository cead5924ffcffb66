//! Big lists stay small (issue 11): a community's, a facilitator's, a tag's
//! and a format's page, and the pattern catalogue, are split into pages of
//! 100 like `/sessions/`: every item is on exactly one page, page 1 stays
//! at the old URL (with the page's own text), page N is at `<url>page/N/`,
//! the pages are linked by a labelled navigation that marks the current
//! page, every page is in the sitemap, and no page of a large site grows
//! past a budget set by the items a page shows.

use std::collections::BTreeMap;

use crate::harness::{SiteTest, broken_links, select};

/// Sessions of the one community, all with Ana Ruiz, format Workshop and
/// tag `kata`: 20 proposed, the rest past and upcoming around the build's
/// clock (2026-11-24).
const SESSIONS: usize = 230;
/// Patterns tagged `kata`, besides the fixture's own `tdd`.
const PATTERNS: usize = 150;

fn site() -> SiteTest {
    let mut site = SiteTest::new();
    for n in 0..SESSIONS {
        let date = if n < 20 {
            "status: proposed\n".to_string()
        } else {
            let (year, month, day) = (2020 + n % 8, 1 + n % 12, 1 + n % 28);
            format!("date: {year}-{month:02}-{day:02}\n")
        };
        site = site.file(
            &format!("content/sessions/dev/s{n:03}.md"),
            &format!(
                "---\ntitle: Session {n:03}\n{date}facilitators: [Ana Ruiz]\nformat: Workshop\ntags: [kata]\n---\nBody {n}.\n"
            ),
        );
    }
    for n in 0..PATTERNS {
        let maturity = ["adopt", "trial", "assess", "hold"][n % 4];
        site = site.file(
            &format!("content/patterns/p{n:03}.md"),
            &format!("---\ntitle: Pattern {n:03}\nsummary: Number {n}.\nmaturity: {maturity}\ntags: [kata]\n---\nText.\n"),
        );
    }
    site
}

/// The output file of a URL path (`/tags/kata/page/2/`).
fn file_of(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

/// Reads every page of the list whose first page is `first`, following the
/// navigation labelled `label` by its `rel="next"` links, and checks each
/// page's navigation on the way; returns each item link (selected by
/// `items`) with how many times it was seen.
fn walk(
    site: &SiteTest,
    first: &str,
    label: &str,
    items: &str,
) -> (Vec<String>, BTreeMap<String, usize>) {
    let nav_css = format!("nav[aria-label=\"{label}\"]");
    let mut urls = vec![first.to_string()];
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        let url = urls.last().expect("one page at least").clone();
        let n = urls.len();
        let expected = if n == 1 {
            first.to_string()
        } else {
            format!("{first}page/{n}/")
        };
        assert_eq!(url, expected, "page {n} of {first} is at <url>page/N/");
        let page = site.html(&file_of(&url));
        for a in select(&page, items) {
            *seen
                .entry(a.value().attr("href").expect("a link").to_string())
                .or_default() += 1;
        }
        let nav = select(&page, &nav_css);
        assert_eq!(nav.len(), 1, "{url}: one {nav_css}");
        let current = select(&page, &format!("{nav_css} [aria-current='page']"));
        assert_eq!(current.len(), 1, "{url}");
        assert_eq!(current[0].value().attr("href"), Some(url.as_str()));
        assert_eq!(current[0].text().collect::<String>(), n.to_string());
        let rel = |r: &str| {
            select(&page, &format!("{nav_css} a[rel='{r}']"))
                .first()
                .and_then(|a| a.value().attr("href").map(String::from))
        };
        assert_eq!(
            rel("prev").as_deref(),
            (n > 1).then(|| urls[n - 2].as_str()),
            "{url}"
        );
        // Every page number the navigation links to is a page of the output.
        for a in select(&page, &format!("{nav_css} a")) {
            let href = a.value().attr("href").expect("a link");
            assert!(
                site.out().join(file_of(href)).is_file(),
                "{url}: {href} is not a page"
            );
        }
        match rel("next") {
            Some(next) => urls.push(next),
            None => break,
        }
    }
    (urls, seen)
}

#[rstest::rstest]
#[case::community(
    "/communities/dev/",
    "Pages of this community's sessions",
    "ul.session-list > li > a.session-item-title",
    SESSIONS,
    "We meet often."
)]
#[case::facilitator(
    "/facilitators/ana-ruiz/",
    "Pages of these sessions",
    "ul.session-list > li > a.session-item-title",
    SESSIONS,
    "Ana likes katas."
)]
#[case::format(
    "/formats/workshop/",
    "Pages of this list",
    "ul.session-list > li > a.session-item-title",
    SESSIONS,
    "Workshop"
)]
#[case::tag_sessions(
    "/tags/kata/",
    "Pages of this list",
    "ul.session-list > li > a.session-item-title",
    SESSIONS,
    "kata"
)]
#[case::tag_patterns(
    "/tags/kata/",
    "Pages of this list",
    ".pattern-card .card-title a",
    PATTERNS,
    "kata"
)]
#[case::catalogue("/patterns/", "Catalogue pages", ".pattern-card .card-title a", PATTERNS + 1, "By tag")]
fn a_long_list_is_split_and_every_item_is_on_exactly_one_page(
    #[case] first: &str,
    #[case] label: &str,
    #[case] items: &str,
    #[case] count: usize,
    #[case] on_page_one: &str,
) {
    let site = site();
    site.build().ok();
    let (urls, seen) = walk(&site, first, label, items);
    assert!(urls.len() > 1, "{first} is split: {urls:?}");
    assert_eq!(seen.len(), count, "{first}: every item once: {seen:?}");
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{first}: items on more than one page: {twice:?}"
    );
    // Page 1 is the old page, with its own text; later pages are not.
    let text = |url: &str| {
        site.html(&file_of(url))
            .root_element()
            .text()
            .collect::<String>()
    };
    assert!(text(first).contains(on_page_one), "{first}");
    assert!(
        !text(&urls[1]).contains("We meet often.") && !text(&urls[1]).contains("Ana likes katas.")
    );
    // Later pages say which page they are, in the title too.
    let last = site.html(&file_of(urls.last().expect("pages")));
    let title = select(&last, "title")[0].text().collect::<String>();
    assert!(
        title.contains(&format!("page {} of {}", urls.len(), urls.len())),
        "{title}"
    );
    // Every page is in the sitemap.
    let sitemap = site.read_out("sitemap.xml");
    for url in &urls {
        assert!(
            sitemap.contains(&format!("{url}</loc>")),
            "{url} not in the sitemap"
        );
    }
    assert!(
        !site
            .out()
            .join(file_of(&format!("{first}page/{}/", urls.len() + 1)))
            .exists()
    );
}

#[test]
fn sessions_keep_their_order_across_the_pages_of_a_community() {
    let site = site();
    site.build().ok();
    let (urls, _) = walk(
        &site,
        "/communities/dev/",
        "Pages of this community's sessions",
        "a.session-item-title",
    );
    // Upcoming (soonest first), then past (newest first), then proposed:
    // the sections follow each other across the pages.
    let mut order: Vec<&str> = Vec::new();
    let docs: Vec<_> = urls.iter().map(|u| site.html(&file_of(u))).collect();
    for doc in &docs {
        for id in ["upcoming-title", "past-title", "proposed-title"] {
            if !select(doc, &format!("#{id}")).is_empty() && order.last() != Some(&id) {
                order.push(id);
            }
        }
    }
    assert_eq!(order, ["upcoming-title", "past-title", "proposed-title"]);
    let last = docs.last().expect("pages");
    assert!(
        select(last, "#upcoming-title").is_empty(),
        "the last page has no empty upcoming section"
    );
}

#[test]
fn a_list_of_many_pages_links_the_first_the_last_and_the_near_ones() {
    // 1,000 sessions: /sessions/ has 10 pages; page 5 links 1, 2..8, 10.
    let mut site = SiteTest::new();
    for n in 0..1000 {
        site = site.file(
            &format!("content/sessions/dev/s{n:04}.md"),
            &format!(
                "---\ntitle: S {n}\ndate: {}-{:02}-{:02}\nfacilitators: [Ana Ruiz]\n---\n",
                2015 + n % 12,
                1 + n % 12,
                1 + n % 28
            ),
        );
    }
    site.build().ok();
    let page = site.html("sessions/page/5/index.html");
    let numbers: Vec<String> = select(&page, "nav[aria-label='Session list pages'] a:not([rel])")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8", "10"]);
    assert_eq!(
        select(
            &page,
            "nav[aria-label='Session list pages'] .pagination-gap"
        )
        .len(),
        1
    );
    let broken = broken_links(&site.out(), "/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// A page may hold this much per item it lists, besides a fixed frame.
const BYTES_PER_ITEM: usize = 800;
const FRAME_BYTES: usize = 64 * 1024;

#[test]
fn no_page_of_a_large_site_outgrows_its_items() {
    // 1,200 sessions over three communities, 12 facilitators, 6 tags and 4
    // formats, and 300 patterns: unsplit, the community and tag pages were
    // several hundred KB and grew with the site.
    let mut site = SiteTest::new();
    for c in ["a", "b", "c"] {
        site = site.file(
            &format!("content/communities/{c}.md"),
            &format!("---\ntitle: Community {c}\n---\nText.\n"),
        );
    }
    for n in 0..1200 {
        let c = ["a", "b", "c"][n % 3];
        let people = format!("[Person {}, Person {}]", n % 12, (n + 5) % 12);
        let tags = format!("[t{}, t{}]", n % 6, (n + 1) % 6);
        site = site.file(
            &format!("content/sessions/{c}/s{n:04}.md"),
            &format!(
                "---\ntitle: Session number {n} about something\ndate: {}-{:02}-{:02}\nfacilitators: {people}\nformat: F{}\ntags: {tags}\npatterns: [p{:03}]\n---\nBody {n}.\n",
                2018 + n % 10, 1 + n % 12, 1 + n % 28, n % 4, n % 300
            ),
        );
    }
    for n in 0..300 {
        site = site.file(
            &format!("content/patterns/p{n:03}.md"),
            &format!("---\ntitle: Pattern {n:03}\nsummary: A summary of pattern number {n}.\nmaturity: trial\ntags: [t{}]\n---\nText.\n", n % 6),
        );
    }
    site.build().ok();
    let budget = fireside::views::PER_PAGE * BYTES_PER_ITEM + FRAME_BYTES;
    let mut over: Vec<String> = Vec::new();
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.expect("output readable");
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "html") {
            let size = entry.metadata().expect("a file").len() as usize;
            if size > budget {
                over.push(format!("{} is {size} bytes", path.display()));
            }
        }
    }
    assert!(
        over.is_empty(),
        "pages over {budget} bytes:\n{}",
        over.join("\n")
    );
    assert!(site.out().join("communities/a/page/4/index.html").is_file());
}
