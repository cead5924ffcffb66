//! Related content (issue 13): on session and pattern pages, the sessions
//! and patterns that share the most, in a fixed order, with the reason.

use crate::harness::*;

fn site() -> SiteTest {
    SiteTest::new()
        .file("content/patterns/refactoring.md", "---\ntitle: Refactoring\ntags: [design, tdd]\n---\nSmall steps.\n")
        .file("content/patterns/mocks.md", "---\ntitle: Mocks\ntags: [tdd]\n---\nFakes.\n")
        .file("content/patterns/logging.md", "---\ntitle: Logging\ntags: [ops]\n---\nLogs.\n")
        .file("content/sessions/dev/a.md", "---\ntitle: Kata A\ndate: 2026-01-10\nfacilitator: Ana\ntags: [tdd]\npatterns: [tdd, refactoring]\n---\nA.\n")
        .file("content/sessions/dev/b.md", "---\ntitle: Kata B\ndate: 2026-02-10\nfacilitator: Olga Petrova\ntags: [tdd]\npatterns: [tdd]\n---\nB.\n")
        .file("content/sessions/dev/c.md", "---\ntitle: Chat C\ndate: 2026-03-10\nfacilitator: Ana\ntags: [ops]\n---\nC.\n")
        .file("content/sessions/dev/d.md", "---\ntitle: Talk D\ndate: 2026-04-10\nfacilitator: Olga Petrova\ntags: [ops]\n---\nD.\n")
}

/// A page's related content: (title, reason) of each item, in order.
pub(crate) fn related(doc: &scraper::Html) -> Vec<(String, String)> {
    select(doc, ".related-content li")
        .iter()
        .map(|li| {
            let title = select_in(li, "a")[0].text().collect::<String>();
            let reason = select_in(li, ".related-reason")[0]
                .text()
                .collect::<String>();
            (title, reason)
        })
        .collect()
}

#[test]
fn a_session_page_ranks_what_shares_the_most_and_says_why() {
    let site = site();
    site.build().ok();
    let a = related(&site.html("sessions/2026-01-10-a/index.html"));
    assert_eq!(
        a,
        [
            (
                "Kata B".to_string(),
                "Shares the pattern Test-Driven Development and the tag tdd".to_string()
            ),
            ("Mocks".to_string(), "Shares the tag tdd".to_string()),
            (
                "Chat C".to_string(),
                "Shares the facilitator Ana Ruiz".to_string()
            ),
        ],
        "Refactoring and TDD are already the session's own patterns; Talk D shares nothing"
    );
    let again = site_rebuilt_html(&site, "sessions/2026-01-10-a/index.html");
    assert_eq!(related(&again), a, "the same every build");
}

fn site_rebuilt_html(site: &SiteTest, rel: &str) -> scraper::Html {
    site.build().ok();
    site.html(rel)
}

#[test]
fn a_pattern_page_lists_patterns_and_sessions_it_is_close_to() {
    let site = site();
    site.build().ok();
    let mocks = related(&site.html("patterns/mocks/index.html"));
    let titles: Vec<&str> = mocks.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Kata A", "Kata B", "Refactoring"], "{mocks:?}");
    let refactoring = related(&site.html("patterns/refactoring/index.html"));
    let tdd = refactoring
        .iter()
        .find(|(t, _)| t == "Test-Driven Development")
        .unwrap_or_else(|| panic!("{refactoring:?}"));
    assert_eq!(tdd.1, "Practised with it in Kata A");
    assert!(
        select(
            &site.html("patterns/logging/index.html"),
            ".related-content a"
        )
        .iter()
        .all(|a| a.text().collect::<String>() != "Logging")
    );
}
