//! Big lists stay small (issue 11): `/sessions/` and `/calendar/` are
//! split into pages of 100, linked both ways by a labelled page navigation
//! that marks the current page, and every session is on exactly one page.

use std::collections::BTreeSet;

use crate::harness::{SiteTest, broken_links, select};

const SESSIONS: usize = 250;

fn site() -> SiteTest {
    let mut site = SiteTest::new();
    for n in 0..SESSIONS {
        let (year, month, day) = (2019 + n % 7, 1 + n % 12, 1 + n % 28);
        site = site.file(
            &format!("content/sessions/dev/s{n:03}.md"),
            &format!(
                "---\ntitle: Session {n:03}\ndate: {year}-{month:02}-{day:02}\nfacilitators: [Ana Ruiz]\n---\nBody {n}.\n"
            ),
        );
    }
    site
}

#[rstest::rstest]
#[case::sessions("sessions", "Session list pages")]
#[case::calendar("calendar", "Calendar list pages")]
fn a_long_list_is_split_into_linked_accessible_pages(#[case] list: &str, #[case] label: &str) {
    let site = site();
    site.build().ok();
    let urls = [
        format!("/{list}/"),
        format!("/{list}/page/2/"),
        format!("/{list}/page/3/"),
    ];
    let urls: Vec<&str> = urls.iter().map(String::as_str).collect();
    assert!(
        !site
            .out()
            .join(format!("{list}/page/4/index.html"))
            .exists()
    );
    let nav_css = format!("nav[aria-label='{label}']");
    let mut seen = BTreeSet::new();
    for (i, url) in urls.iter().enumerate() {
        let rel = format!("{}index.html", url.trim_start_matches('/'));
        let page = site.html(&rel);
        let items = select(&page, "ul.session-list > li");
        let expected = if i < 2 { 100 } else { SESSIONS - 200 };
        assert_eq!(items.len(), expected, "{url}");
        for a in select(&page, "ul.session-list > li a[href^='/sessions/']") {
            seen.insert(a.value().attr("href").unwrap().to_string());
        }
        // Landmarks: every nav has a label, no two alike.
        let labels: Vec<String> = select(&page, "nav")
            .iter()
            .map(|n| n.value().attr("aria-label").unwrap_or("").to_string())
            .collect();
        let unique: BTreeSet<&String> = labels.iter().collect();
        assert_eq!(unique.len(), labels.len(), "{url}: nav labels {labels:?}");
        let nav = select(&page, &nav_css);
        assert_eq!(nav.len(), 1, "{url}");
        let current = select(&page, &format!("{nav_css} [aria-current='page']"));
        assert_eq!(current.len(), 1, "{url}");
        assert_eq!(current[0].value().attr("href"), Some(*url));
        let rel_link = |r: &str| {
            select(&page, &format!("{nav_css} a[rel='{r}']"))
                .first()
                .and_then(|a| a.value().attr("href").map(String::from))
        };
        assert_eq!(
            rel_link("prev").as_deref(),
            i.checked_sub(1).map(|p| urls[p]),
            "{url}"
        );
        assert_eq!(
            rel_link("next").as_deref(),
            urls.get(i + 1).copied(),
            "{url}"
        );
    }
    // Each session page is linked from the list pages.
    let session_pages = seen.iter().filter(|h| h.matches('/').count() == 3).count();
    assert_eq!(session_pages, SESSIONS, "{seen:?}");
    let broken = broken_links(&site.out(), "/");
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_small_list_has_one_page_and_no_page_navigation() {
    let site = SiteTest::new().file(
        "content/sessions/dev/a.md",
        "---\ntitle: A\ndate: 2026-01-05\nfacilitators: [Ana Ruiz]\n---\nBody.\n",
    );
    site.build().ok();
    for (list, label) in [
        ("sessions", "Session list pages"),
        ("calendar", "Calendar list pages"),
    ] {
        let page = site.html(&format!("{list}/index.html"));
        assert!(select(&page, &format!("nav[aria-label='{label}']")).is_empty());
        assert!(!site.out().join(format!("{list}/page")).exists());
    }
}
