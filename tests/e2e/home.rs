//! The home page's "Recent write-ups": held sessions with a write-up,
//! newest first; proposals, plans, cancellations and sessions nobody wrote
//! up are not listed (issue 17).

use crate::harness::{SiteTest, select};

/// A session file: `date` may be empty (a proposal), `body` may be empty.
fn session(site: SiteTest, slug: &str, front: &str, body: &str) -> SiteTest {
    site.file(
        &format!("content/sessions/dev/{slug}.md"),
        &format!("---\n{front}---\n{body}"),
    )
}

/// The titles the home page's "Recent write-ups" lists, in order.
fn recent(site: &SiteTest) -> Vec<String> {
    let home = site.html("index.html");
    select(
        &home,
        "section[aria-labelledby=recent-title] .session-item-title",
    )
    .iter()
    .map(|a| a.text().collect::<String>().trim().to_string())
    .collect()
}

#[test]
fn recent_write_ups_are_held_sessions_with_text_newest_first() {
    // The clock is 2026-11-24 (harness::NOW).
    let mut site = SiteTest::new();
    for (slug, front, body) in [
        (
            "2026-03-04-march",
            "title: March kata\ndate: 2026-03-04\n",
            "We paired.\n",
        ),
        (
            "2026-10-07-october-morning",
            "title: October morning\ndate: 2026-10-07\ntime: \"09:00-10:00\"\n",
            "Notes.\n",
        ),
        (
            "2026-10-07-october-evening",
            "title: October evening\ndate: 2026-10-07\ntime: \"18:00-19:00\"\n",
            "Notes.\n",
        ),
        (
            "2026-06-10-june",
            "title: June talk\ndate: 2026-06-10\nstatus: held\n",
            "Slides and notes.\n",
        ),
        // Held, but nobody wrote it up.
        (
            "2026-11-04-no-notes",
            "title: No notes\ndate: 2026-11-04\n",
            "",
        ),
        // A proposal with a pitch: it belongs to the backlog.
        (
            "idea",
            "title: An idea\nstatus: proposed\n",
            "Who would like to run this?\n",
        ),
        // Cancelled, with a note saying why.
        (
            "2026-09-02-cancelled",
            "title: Called off\ndate: 2026-09-02\nstatus: cancelled\n",
            "Moved to next year.\n",
        ),
        // Still to come, with its announcement.
        (
            "2026-12-09-next",
            "title: December session\ndate: 2026-12-09\n",
            "Bring a laptop.\n",
        ),
    ] {
        site = session(site, slug, front, body);
    }
    site.build().ok();
    assert_eq!(
        recent(&site),
        [
            "October evening",
            "October morning",
            "June talk",
            "March kata"
        ]
    );
}

#[test]
fn recent_write_ups_stop_at_six_and_the_section_goes_when_there_are_none() {
    let mut site = SiteTest::new();
    for month in 1..=8 {
        site = session(
            site,
            &format!("2026-{month:02}-01-s{month}"),
            &format!("title: Session {month}\ndate: 2026-{month:02}-01\n"),
            "Written up.\n",
        );
    }
    site.build().ok();
    let expected: Vec<String> = (3..=8).rev().map(|m| format!("Session {m}")).collect();
    assert_eq!(recent(&site), expected);

    // Only a proposal with text: no "Recent write-ups" at all.
    let site = session(
        SiteTest::new(),
        "idea",
        "title: An idea\nstatus: proposed\n",
        "Pitch.\n",
    );
    site.build().ok();
    let home = site.html("index.html");
    assert!(select(&home, "#recent-title").is_empty());
}
