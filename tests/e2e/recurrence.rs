//! Recurring sessions (`repeat:`) on real builds: every rule form, DST in
//! two zones that change on different dates, exceptions, write-ups that
//! move or cancel an occurrence, the horizon, and the errors, all read back
//! from the generated HTML (and the feeds, in `ics_clients.rs`).

use crate::harness::*;
use jiff::Timestamp;
use jiff::civil::Date;
use rstest::rstest;

/// The build's clock in these tests is the harness's (2026-11-24T12:00Z).
fn site_with(files: &[(&str, &str)]) -> SiteTest {
    let mut site = SiteTest::new()
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://example.org/\n",
        )
        .file(
            "content/communities/ny.md",
            "---\ntitle: New York CoP\ntimezone: America/New_York\n---\nHi.\n",
        );
    for (path, text) in files {
        site = site.file(path, text);
    }
    site
}

fn session(front: &str) -> String {
    format!("---\n{front}---\nNotes.\n")
}

/// The occurrences a recurring session's page lists (upcoming, then past
/// newest first), as (page URL, instant or date, status).
fn listed(site: &SiteTest, slug: &str) -> Vec<(String, String, String)> {
    let page = site.html(&format!("sessions/{slug}/index.html"));
    select(&page, ".occurrences li.occurrence")
        .iter()
        .map(|li| {
            let a = select_in(li, "a")[0];
            let t = select_in(li, "time")[0];
            let status = li
                .value()
                .classes()
                .find_map(|c| c.strip_prefix("status-"))
                .unwrap_or_default()
                .to_string();
            (
                a.value().attr("href").unwrap_or_default().to_string(),
                t.value().attr("datetime").unwrap_or_default().to_string(),
                status,
            )
        })
        .collect()
}

/// The instants (UTC) of the listed occurrences, in date order.
fn instants(site: &SiteTest, slug: &str) -> Vec<(Date, Timestamp)> {
    let mut v: Vec<(Date, Timestamp)> = listed(site, slug)
        .into_iter()
        .map(|(_, dt, _)| {
            let z: jiff::Timestamp = dt.parse().unwrap_or_else(|e| panic!("{dt}: {e}"));
            (dt[..10].parse().unwrap(), z)
        })
        .collect();
    v.sort();
    v
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn each_occurrence_is_at_its_own_instant_across_dst_in_europe_and_the_americas() {
    // Europe moves its clocks on 28 March 2027, the US on 14 March.
    let site = site_with(&[
        (
            "content/sessions/dev/berlin-kata.md",
            &session(
                "title: Berlin Kata\ndate: 2027-03-04\ntime: \"16:00-17:00\"\ntimezone: Europe/Berlin\nrepeat: weekly\ncount: 5\n",
            ),
        ),
        (
            "content/sessions/ny/ny-kata.md",
            &session(
                "title: NY Kata\ndate: 2027-03-04\ntime: \"10:00-11:00\"\nrepeat: weekly\ncount: 5\n",
            ),
        ),
    ]);
    site.build().ok();
    assert_eq!(
        instants(&site, "berlin-kata"),
        vec![
            ("2027-03-04".parse().unwrap(), ts("2027-03-04T15:00:00Z")),
            ("2027-03-11".parse().unwrap(), ts("2027-03-11T15:00:00Z")),
            ("2027-03-18".parse().unwrap(), ts("2027-03-18T15:00:00Z")),
            ("2027-03-25".parse().unwrap(), ts("2027-03-25T15:00:00Z")),
            ("2027-04-01".parse().unwrap(), ts("2027-04-01T14:00:00Z")),
        ]
    );
    // The community's zone (America/New_York) is the session's.
    assert_eq!(
        instants(&site, "ny-kata"),
        vec![
            ("2027-03-04".parse().unwrap(), ts("2027-03-04T15:00:00Z")),
            ("2027-03-11".parse().unwrap(), ts("2027-03-11T15:00:00Z")),
            ("2027-03-18".parse().unwrap(), ts("2027-03-18T14:00:00Z")),
            ("2027-03-25".parse().unwrap(), ts("2027-03-25T14:00:00Z")),
            ("2027-04-01".parse().unwrap(), ts("2027-04-01T14:00:00Z")),
        ]
    );
    // Each occurrence page names the abbreviation in force that day.
    let page = site.html("sessions/berlin-kata/2027-03-25/index.html");
    assert!(text_of(&page, ".session-details").contains("16:00–17:00 CET"));
    let page = site.html("sessions/berlin-kata/2027-04-01/index.html");
    assert!(text_of(&page, ".session-details").contains("16:00–17:00 CEST"));
}

#[rstest]
#[case::weekly("weekly", "2027-01-05", &["2027-01-05", "2027-01-12", "2027-01-19", "2027-01-26"])]
#[case::every_2_weeks("every 2 weeks", "2027-01-05", &["2027-01-05", "2027-01-19", "2027-02-02", "2027-02-16"])]
#[case::second_thursday("monthly on the 2nd thursday", "2027-01-14", &["2027-01-14", "2027-02-11", "2027-03-11", "2027-04-08"])]
#[case::last_friday("monthly on the last friday", "2027-01-29", &["2027-01-29", "2027-02-26", "2027-03-26", "2027-04-30"])]
#[case::day_15("monthly on day 15", "2027-01-15", &["2027-01-15", "2027-02-15", "2027-03-15", "2027-04-15"])]
#[case::raw_rrule("RRULE:FREQ=WEEKLY;BYDAY=TU,TH", "2027-01-05", &["2027-01-05", "2027-01-07", "2027-01-12", "2027-01-14"])]
fn every_rule_form_gives_its_dates(
    #[case] rule: &str,
    #[case] first: &str,
    #[case] expected: &[&str],
) {
    let site = site_with(&[(
        "content/sessions/dev/rhythm.md",
        &session(&format!(
            "title: Rhythm\ndate: {first}\ntime: \"09:00-10:00\"\nrepeat: \"{rule}\"\ncount: 4\n"
        )),
    )]);
    site.build().ok();
    let dates: Vec<String> = instants(&site, "rhythm")
        .iter()
        .map(|(d, _)| d.to_string())
        .collect();
    assert_eq!(dates, expected, "{rule}");
    for d in expected {
        assert!(
            site.out()
                .join(format!("sessions/rhythm/{d}/index.html"))
                .is_file(),
            "no page for the occurrence on {d}"
        );
    }
}

/// A Lean Coffee with one exception, one write-up that moves an occurrence
/// and one that cancels another.
fn lean_coffee() -> SiteTest {
    site_with(&[
        (
            "content/sessions/dev/lean-coffee.md",
            &session(
                "title: Lean Coffee\ndate: 2026-10-08\ntime: \"16:00-17:00\"\ntimezone: Europe/Berlin\nrepeat: monthly on the 2nd thursday\nuntil: 2027-04-30\nexcept: [2027-01-14]\nfacilitator: Ana Ruiz\nformat: Lean Coffee\nchannel: https://meet.example.org/lean\n",
            ),
        ),
        (
            "content/sessions/dev/2026-11-12-lean-coffee.md",
            &session("title: Lean Coffee\ndate: 2026-11-12\ntime: \"17:00-18:00\"\n"),
        ),
        (
            "content/sessions/dev/2027-02-11-lean-coffee.md",
            &session("title: Lean Coffee\ndate: 2027-02-11\nstatus: cancelled\n"),
        ),
    ])
}

#[test]
fn exceptions_and_write_ups_cancel_or_move_occurrences() {
    let site = lean_coffee();
    site.build().ok();
    let got = listed(&site, "lean-coffee");
    let find = |date: &str| {
        got.iter()
            .find(|(_, dt, _)| dt.starts_with(date))
            .unwrap_or_else(|| panic!("no occurrence on {date}: {got:?}"))
            .clone()
    };
    // Until 30 April: October to April, seven occurrences.
    assert_eq!(got.len(), 7, "{got:?}");
    assert_eq!(find("2027-01-14").2, "cancelled");
    // The write-up is the occurrence: its own page, its own (moved) time.
    let moved = find("2026-11-12");
    assert_eq!(moved.0, "/sessions/2026-11-12-lean-coffee/");
    assert_eq!(moved.1, "2026-11-12T17:00:00+01:00");
    assert_eq!(moved.2, "held");
    let cancelled = find("2027-02-11");
    assert_eq!(cancelled.0, "/sessions/2027-02-11-lean-coffee/");
    assert_eq!(cancelled.2, "cancelled");
    // It keeps its own time from the recurring session, and links back.
    assert_eq!(cancelled.1, "2027-02-11T16:00:00+01:00");
    let page = site.html("sessions/2027-02-11-lean-coffee/index.html");
    assert_eq!(
        select(&page, ".occurrence-of a")[0].value().attr("href"),
        Some("/sessions/lean-coffee/")
    );
    // The write-up took the facilitator and channel it did not set.
    assert!(text_of(&page, ".session-details").contains("Ana Ruiz"));
    assert!(text_of(&page, ".session-details").contains("meet.example.org"));
    // No plain occurrence page for a written-up date.
    assert!(
        !site
            .out()
            .join("sessions/lean-coffee/2026-11-12/index.html")
            .exists()
    );
}

#[test]
fn occurrences_are_in_every_list_and_grid() {
    let site = lean_coffee();
    site.build().ok();
    // The month grid of December 2026 holds the occurrence of the 10th.
    let grid = site.html("calendar/2026/12/index.html");
    let links: Vec<&str> = select(&grid, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.contains("lean-coffee"))
        .collect();
    assert_eq!(
        links,
        ["/sessions/lean-coffee/2026-12-10/"],
        "December grid"
    );
    // The calendar, the home page, the community and the facilitator.
    for page in [
        "calendar/index.html",
        "index.html",
        "communities/dev/index.html",
        "facilitators/ana-ruiz/index.html",
        "sessions/index.html",
    ] {
        let html = site.html(page);
        let hrefs: Vec<&str> = select(&html, "a")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(
            hrefs.contains(&"/sessions/lean-coffee/2026-12-10/"),
            "{page} lacks the next occurrence"
        );
        // The recurring session itself is no event on its first date.
        assert!(
            !select(&html, ".session-item-title, .card-title a")
                .iter()
                .any(|a| a.value().attr("href") == Some("/sessions/lean-coffee/")),
            "{page} lists the recurring session as one event"
        );
    }
    // The home page's next session is the next occurrence.
    let home = site.html("index.html");
    let first_upcoming = select(&home, "a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .find(|h| h.starts_with("/sessions/") && h.len() > "/sessions/".len())
        .map(str::to_string);
    assert_eq!(
        first_upcoming.as_deref(),
        Some("/sessions/lean-coffee/2026-12-10/")
    );
}

#[rstest]
#[case::four_weeks("4 weeks", "2026-12-22")]
#[case::default_six_months("", "2027-05-18")]
fn open_ended_sessions_stop_at_the_horizon(#[case] horizon: &str, #[case] last: &str) {
    let yaml = if horizon.is_empty() {
        String::new()
    } else {
        format!("calendar:\n  horizon: {horizon}\n")
    };
    let site = site_with(&[
        (
            "site.yaml",
            &format!(
                "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://example.org/\n{yaml}"
            ),
        ),
        (
            "content/sessions/dev/standup.md",
            &session("title: Standup\ndate: 2026-11-03\ntime: \"09:00-09:15\"\nrepeat: weekly\n"),
        ),
    ]);
    site.build().ok();
    let got = instants(&site, "standup");
    assert_eq!(
        got.first().map(|d| d.0.to_string()).as_deref(),
        Some("2026-11-03")
    );
    assert_eq!(got.last().map(|d| d.0.to_string()).as_deref(), Some(last));
    let page = site.html("sessions/standup/index.html");
    assert!(text_of(&page, ".occurrences").contains("shown up to"));
}

#[test]
fn all_day_and_multi_day_sessions() {
    let site = site_with(&[
        (
            "content/sessions/dev/hackathon.md",
            &session("title: Hackathon\ndate: 2027-03-04\nend_date: 2027-03-05\n"),
        ),
        (
            "content/sessions/dev/late.md",
            &session("title: Late Kata\ndate: 2027-03-04\ntime: \"23:00-01:00\"\n"),
        ),
    ]);
    site.build().ok();
    let page = site.html("sessions/2027-03-04-hackathon/index.html");
    let when = text_of(&page, ".session-details");
    assert!(
        when.contains("Thursday 4 March 2027 – Friday 5 March 2027"),
        "{when}"
    );
    let page = site.html("sessions/2027-03-04-late/index.html");
    let t = select(&page, ".session-details time")[0].value();
    assert_eq!(t.attr("datetime"), Some("2027-03-04T23:00:00+01:00"));
    assert_eq!(t.attr("data-end"), Some("2027-03-05T01:00:00+01:00"));
    assert!(text_of(&page, ".session-details").contains("(next day)"));
    // Both days of the hackathon show it in the month grid.
    let grid = site.html("calendar/2027/03/index.html");
    let n = select(&grid, "a")
        .iter()
        .filter(|a| a.value().attr("href") == Some("/sessions/2027-03-04-hackathon/"))
        .count();
    assert_eq!(n, 2, "the hackathon on both of its days");
}

#[test]
fn every_error_is_reported_at_once_with_its_place() {
    let site = site_with(&[
        (
            "content/sessions/dev/a.md",
            &session("title: A\ndate: 2027-01-05\nrepeat: fortnightly-ish\n"),
        ),
        (
            "content/sessions/dev/b.md",
            &session("title: B\ndate: 2027-01-05\nrepeat: weekly\nuntil: 2027-03-01\ncount: 3\n"),
        ),
        (
            "content/sessions/dev/c.md",
            &session("title: C\ndate: 2027-01-05\nrepeat: weekly\nuntil: 2026-12-01\n"),
        ),
        (
            "content/sessions/dev/d.md",
            &session(
                "title: D\ndate: 2027-01-05\nrepeat: weekly\ncount: 4\nexcept: [2027-01-13]\n",
            ),
        ),
        (
            "content/sessions/dev/e.md",
            &session("title: E\ndate: 2027-01-05\nend_date: 2027-01-04\n"),
        ),
        (
            "content/sessions/dev/f.md",
            &session(
                "title: F\ndate: 2027-03-21\ntime: \"02:30-03:00\"\ntimezone: Europe/Berlin\nrepeat: weekly\ncount: 2\n",
            ),
        ),
        (
            "content/sessions/dev/g.md",
            &session("title: G\ndate: 2027-01-05\nrepeat: weekly\ncount: 3\n"),
        ),
        (
            "content/sessions/dev/2027-01-06-g.md",
            &session("title: G\ndate: 2027-01-06\n"),
        ),
        (
            "content/sessions/dev/h.md",
            &session("title: H\ndate: 2027-01-06\nrepeat: monthly on the 2nd tuesday\n"),
        ),
    ]);
    let failure = site.build().failed();
    failure.at(
        "cannot read the rule `fortnightly-ish`",
        "content/sessions/dev/a.md:4",
    );
    failure.at("monthly on the 2nd thursday", "content/sessions/dev/a.md:4");
    failure.at("both `until` and `count`", "content/sessions/dev/b.md:6");
    failure.at(
        "`until` 2026-12-01 is before",
        "content/sessions/dev/c.md:5",
    );
    failure.at(
        "2027-01-13 in `except` is not an occurrence",
        "content/sessions/dev/d.md:6",
    );
    failure.at("2027-01-12, 2027-01-19", "content/sessions/dev/d.md:6");
    failure.at(
        "`end_date` 2027-01-04 is before",
        "content/sessions/dev/e.md:4",
    );
    failure.at(
        "the occurrence on 2027-03-28: 02:30",
        "content/sessions/dev/f.md:4",
    );
    failure.at(
        "the nearest time that exists is 03:00",
        "content/sessions/dev/f.md:4",
    );
    failure.at(
        "2027-01-06 is not one of its occurrences",
        "content/sessions/dev/2027-01-06-g.md:3",
    );
    failure.at(
        "2027-01-05, 2027-01-12",
        "content/sessions/dev/2027-01-06-g.md:3",
    );
    failure.at(
        "`date` 2027-01-06 is not an occurrence",
        "content/sessions/dev/h.md:3",
    );
    assert!(
        !site.out().join("index.html").exists(),
        "nothing is written on failure"
    );
}

#[test]
fn session_pages_carry_event_json_ld_that_cannot_break_out_of_its_script() {
    let hostile = "Ends </script><script>alert(1)</script> <!-- & more";
    let site = site_with(&[(
        "content/sessions/dev/k.md",
        &session(&format!(
            "title: \"{hostile}\"\ndate: 2027-01-12\ntime: \"10:00-11:30\"\nfacilitator: Ana Ruiz\nchannel: https://meet.example.org/k\nobjective: \"Say </SCRIPT> and <!-- twice\"\n"
        )),
    )]);
    site.build().ok();
    let raw = site.read_out("sessions/2027-01-12-k/index.html");
    let page = scraper::Html::parse_document(&raw);
    let scripts = select(&page, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "one JSON-LD block");
    let text: String = scripts[0].text().collect();
    let lower = text.to_lowercase();
    assert!(
        !lower.contains("</script") && !text.contains("<!--"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(v["@type"], "Event");
    assert_eq!(v["name"], hostile);
    assert_eq!(v["description"], "Say </SCRIPT> and <!-- twice");
    assert_eq!(v["startDate"], "2027-01-12T10:00:00+01:00");
    assert_eq!(v["endDate"], "2027-01-12T11:30:00+01:00");
    assert_eq!(v["eventStatus"], "https://schema.org/EventScheduled");
    assert_eq!(
        v["eventAttendanceMode"],
        "https://schema.org/OnlineEventAttendanceMode"
    );
    assert_eq!(v["location"]["url"], "https://meet.example.org/k");
    assert_eq!(v["organizer"]["name"], "Dev CoP");
    assert_eq!(v["performer"][0]["name"], "Ana Ruiz");
    // The page's own script blocks are still the page's: nothing injected ran.
    assert!(!raw.contains("<script>alert(1)"));
}

#[test]
fn add_to_calendar_offers_google_and_outlook_in_utc_or_a_subscription_for_a_rhythm() {
    let site = lean_coffee().file(
        "content/sessions/dev/once.md",
        &session("title: Once\ndate: 2027-07-01\ntime: \"10:00-11:30\"\nchannel: Zoom\n"),
    );
    site.build().ok();
    let page = site.html("sessions/2027-07-01-once/index.html");
    let hrefs: Vec<String> = select(&page, ".add-to-calendar-links a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect();
    // 10:00 in Madrid in July is 08:00Z.
    let google = hrefs
        .iter()
        .find(|h| h.starts_with("https://calendar.google.com/"))
        .expect("a Google Calendar link");
    assert!(
        google.contains("&dates=20270701T080000Z/20270701T093000Z"),
        "{google}"
    );
    assert!(google.contains("&text=Once"), "{google}");
    let outlook = hrefs
        .iter()
        .find(|h| h.starts_with("https://outlook.live.com/"))
        .expect("an Outlook link");
    assert!(
        outlook.contains("startdt=2027%2D07%2D01T08%3A00%3A00Z&enddt=2027%2D07%2D01T09%3A30%3A00Z"),
        "{outlook}"
    );
    assert!(hrefs.contains(&"/sessions/2027-07-01-once/session.ics".to_string()));
    // A recurring session and its occurrences: subscribe to the rhythm.
    for path in [
        "sessions/lean-coffee/index.html",
        "sessions/lean-coffee/2026-12-10/index.html",
        "sessions/2026-11-12-lean-coffee/index.html",
    ] {
        let page = site.html(path);
        let hrefs: Vec<String> = select(&page, ".add-to-calendar-links a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        assert_eq!(
            hrefs,
            [
                "webcal://example.org/sessions/lean-coffee/session.ics",
                "/sessions/lean-coffee/session.ics"
            ],
            "{path}"
        );
    }
    // Occurrences have no feed of their own: the rhythm's is the one.
    assert!(
        !site
            .out()
            .join("sessions/lean-coffee/2026-12-10/session.ics")
            .exists()
    );
    assert!(
        !site
            .out()
            .join("sessions/2026-11-12-lean-coffee/session.ics")
            .exists()
    );
}
