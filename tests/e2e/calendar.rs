//! Sessions in time: calendar pages, month grids, the backlog and the
//! iCalendar feeds, checked on real builds in process. Every generated `.ics` is read
//! back with an independent parser (the `icalendar` crate's), and the
//! instants it describes are worked out from its own VTIMEZONE data.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::*;
use crate::ics::*;
use jiff::Timestamp;

const CLEAN_CODE: &str = "2024-12-04-clean-code-principles";
const INTEGRATION: &str = "2025-05-21-integration-testing";

fn example() -> SiteTest {
    SiteTest::example()
}

/// Every `.ics` file of an output folder: relative path -> text.
fn feeds(out: &Path) -> BTreeMap<String, String> {
    snapshot(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".ics"))
        .map(|(p, b)| (p, String::from_utf8(b).expect("feeds are UTF-8")))
        .collect()
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn every_feed_parses_and_describes_the_right_instants() {
    let site = example();
    site.build_for("https://example.org/cop/").ok();
    let all = feeds(&site.out());
    for (name, text) in &all {
        let components = parse(name, text);
        let evs = events(&components);
        assert!(!evs.is_empty(), "{name} has no event");
        for e in &evs {
            for key in [
                "UID",
                "DTSTAMP",
                "DTSTART",
                "SUMMARY",
                "DESCRIPTION",
                "STATUS",
            ] {
                assert!(e.find_prop(key).is_some(), "{name}: an event without {key}");
            }
            assert_eq!(prop(e, "DTSTAMP"), Some("20261124T120000Z"), "{name}");
            // Whatever the VTIMEZONE says must agree with the tz database.
            if param(e, "DTSTART", "TZID").is_some() {
                let zone = param(e, "DTSTART", "TZID").unwrap();
                let tz = jiff::tz::TimeZone::get(zone).unwrap();
                for key in ["DTSTART", "DTEND"] {
                    if let Some(v) = prop(e, key) {
                        let expected = parse_local(v).to_zoned_datetime(tz.clone()).unwrap();
                        assert_eq!(
                            instant(&components, e, key),
                            expected.timestamp(),
                            "{name}: {key} {v} in {zone}"
                        );
                    }
                }
            }
        }
        for tz in components.iter().filter(|c| c.name.as_str() == "VTIMEZONE") {
            assert!(
                !tz.components.is_empty(),
                "{name}: a VTIMEZONE without observances"
            );
        }
    }
    // One session.ics per scheduled session (a recurring one is one event
    // with its rule), and all of them in calendar.ics, which also holds the
    // overrides (RECURRENCE-ID) of occurrences that a write-up moved.
    let singles = all.keys().filter(|k| k.ends_with("/session.ics")).count();
    let everything = parse("calendar.ics", &all["calendar.ics"]);
    let uids: std::collections::BTreeSet<&str> = events(&everything)
        .iter()
        .filter_map(|e| prop(e, "UID"))
        .collect();
    assert_eq!(uids.len(), singles);
    assert!(
        singles >= 40,
        "the example site schedules about 40 sessions"
    );
    for feed in [
        "communities/software-development/calendar.ics",
        "communities/architecture-guild/calendar.ics",
        "communities/crafting-leadership/calendar.ics",
        "facilitators/sofia-carballo/calendar.ics",
        "facilitators/sebastian-kulinski/calendar.ics",
        "sessions/2024-12-04-clean-code-principles/session.ics",
    ] {
        assert!(all.contains_key(feed), "missing {feed}");
    }
}

#[test]
fn a_madrid_session_is_0930z_in_winter_and_0830z_in_summer() {
    let site = example();
    site.build_for("https://example.org/cop/").ok();
    let components = site.ics("calendar.ics");
    let winter = event_by_slug(&components, CLEAN_CODE);
    assert_eq!(param(winter, "DTSTART", "TZID"), Some("Europe/Madrid"));
    assert_eq!(prop(winter, "DTSTART"), Some("20241204T103000"));
    assert_eq!(
        instant(&components, winter, "DTSTART"),
        ts("2024-12-04T09:30:00Z")
    );
    assert_eq!(
        instant(&components, winter, "DTEND"),
        ts("2024-12-04T11:00:00Z")
    );
    let summer = event_by_slug(&components, INTEGRATION);
    assert_eq!(prop(summer, "DTSTART"), Some("20250521T103000"));
    assert_eq!(
        instant(&components, summer, "DTSTART"),
        ts("2025-05-21T08:30:00Z")
    );
    assert_eq!(
        instant(&components, summer, "DTEND"),
        ts("2025-05-21T10:00:00Z")
    );
    // The single-event file carries its own VTIMEZONE and says the same.
    let single = parse(
        "session.ics",
        &site.read_out(&format!("sessions/{INTEGRATION}/session.ics")),
    );
    let e = event_by_slug(&single, INTEGRATION);
    assert_eq!(instant(&single, e, "DTSTART"), ts("2025-05-21T08:30:00Z"));
    // What a reader's calendar shows besides the time.
    assert_eq!(text_value(e, "SUMMARY"), "Integration Testing");
    assert_eq!(text_value(e, "LOCATION"), "Zoom");
    assert_eq!(
        prop(e, "URL"),
        Some("https://example.org/cop/sessions/2025-05-21-integration-testing/")
    );
    assert_eq!(prop(e, "STATUS"), Some("CONFIRMED"));
    let description = text_value(e, "DESCRIPTION");
    for fact in [
        "Test the interaction between components.",
        "Format: Code kata",
        "Facilitator: Sofia Carballo",
        "Tools: Code editor, testing framework",
        "https://example.org/cop/sessions/2025-05-21-integration-testing/",
    ] {
        assert!(
            description.contains(fact),
            "{fact} missing in {description:?}"
        );
    }
    assert_eq!(
        text_value(e, "CATEGORIES"),
        "Software Development CoP,Code kata"
    );
}

#[test]
fn uids_stay_the_same_across_builds_and_edits() {
    let site = example();
    let uids = |site: &SiteTest| -> BTreeMap<String, String> {
        let components = site.ics("calendar.ics");
        events(&components)
            .iter()
            .map(|e| {
                (
                    text_value(e, "SUMMARY") + " " + prop(e, "DTSTART").unwrap(),
                    prop(e, "UID").unwrap().to_string(),
                )
            })
            .collect()
    };
    site.build_for("https://example.org/cop/").ok();
    let first = uids(&site);
    assert_eq!(
        first
            .values()
            .find(|u| u.starts_with(CLEAN_CODE))
            .map(String::as_str),
        Some("2024-12-04-clean-code-principles@example.org/cop")
    );
    // Another day's build: new DTSTAMPs, the same UIDs.
    site.build_with(|o| {
        o.now = Some("2027-01-01T00:00:00Z".parse().unwrap());
        o.base_url = Some("https://example.org/cop/".into());
    })
    .ok();
    assert!(
        site.read_out("calendar.ics")
            .contains("DTSTAMP:20270101T000000Z")
    );
    assert_eq!(first, uids(&site));
    // Edit the write-up: objective, time and body change, the UID does not.
    let file = "content/sessions/software-development/2024-12-04-clean-code-principles.md";
    let text = site.source(file);
    let objective = "objective: Understand the principles of clean code, and find out where we disagree about them.";
    let time = "time: \"10:30-12:00\"";
    // Both edits must find their line, or the test would edit only the body.
    assert!(text.contains(objective) && text.contains(time), "{text}");
    let edited = text
        .replacen(objective, "objective: A rewritten objective.", 1)
        .replacen(time, "time: \"11:00-12:30\"", 1)
        + "\n\nA paragraph added after the session.\n";
    site.write(file, &edited);
    site.build_for("https://example.org/cop/").ok();
    let components = site.ics("calendar.ics");
    let e = event_by_slug(&components, CLEAN_CODE);
    assert!(text_value(e, "DESCRIPTION").contains("A rewritten objective."));
    let mut after: Vec<String> = uids(&site).into_values().collect();
    let mut before: Vec<String> = first.into_values().collect();
    after.sort();
    before.sort();
    assert_eq!(before, after);
}

#[test]
fn long_descriptions_with_accents_fold_and_unfold_to_the_original() {
    let site = SiteTest::new().base_url("/");
    let objective = "Diseñar pruebas de integración que fallen por la razón correcta: \
        contratos, dobles de prueba, bases de datos efímeras y señales de observabilidad; \
        ¿cuándo un test de extremo a extremo compensa su coste? Café ☕ y 🔥 incluidos.";
    site.write(
        "content/sessions/dev/2025-05-21-pruebas.md",
        &format!(
            "---\ntitle: Pruebas de integración, sin dolor\ndate: 2025-05-21\ntime: \"10:30-12:00\"\nfacilitator: Ana Ruiz\nchannel: Sala Ñandú\nobjective: \"{objective}\"\n---\n"
        ),
    );
    site.build().ok();
    let text = site.read_out("sessions/2025-05-21-pruebas/session.ics");
    let description_lines = text
        .split("\r\n")
        .skip_while(|l| !l.starts_with("DESCRIPTION:"))
        .take_while(|l| l.starts_with("DESCRIPTION:") || l.starts_with(' '))
        .count();
    assert!(
        description_lines >= 3,
        "the description should fold:\n{text}"
    );
    let components = parse("session.ics", &text);
    let e = event_by_slug(&components, "2025-05-21-pruebas");
    let description = text_value(e, "DESCRIPTION");
    assert!(
        description.starts_with(objective),
        "unfolded and unescaped: {description:?}"
    );
    assert_eq!(
        text_value(e, "SUMMARY"),
        "Pruebas de integración, sin dolor"
    );
    assert_eq!(text_value(e, "LOCATION"), "Sala Ñandú");
    // A path-only base_url: no URL property, no link in the description.
    assert!(e.find_prop("URL").is_none());
}

#[test]
fn cancelled_all_day_and_proposed_sessions() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/2025-06-11-retro.md",
        "---\ntitle: Retro\ndate: 2025-06-11\ntime: \"16:00-17:00\"\nstatus: cancelled\n---\n",
    );
    site.write(
        "content/sessions/dev/2025-06-20-hack-day.md",
        "---\ntitle: Hack day\ndate: 2025-06-20\n---\n",
    );
    site.write(
        "content/sessions/dev/mob-review.md",
        "---\ntitle: Mob review\nstatus: proposed\nfacilitator: Ana Ruiz\nobjective: Review a pull request together.\n---\n",
    );
    site.build_for("https://cop.example.org/").ok();
    let components = site.ics("calendar.ics");
    assert_eq!(
        events(&components).len(),
        2,
        "the proposed session has no event"
    );

    let retro = event_by_slug(&components, "2025-06-11-retro");
    assert_eq!(prop(retro, "STATUS"), Some("CANCELLED"));
    assert!(text_value(retro, "DESCRIPTION").starts_with("Cancelled."));

    let hack = event_by_slug(&components, "2025-06-20-hack-day");
    assert_eq!(param(hack, "DTSTART", "VALUE"), Some("DATE"));
    assert_eq!(prop(hack, "DTSTART"), Some("20250620"));
    assert_eq!(prop(hack, "DTEND"), Some("20250621"));

    assert!(!site.out().join("sessions/mob-review/session.ics").exists());
    let session = site.html("sessions/mob-review/index.html");
    assert!(select(&session, "a.add-to-calendar").is_empty());
    let backlog = site.html("backlog/index.html");
    let card = text_of(&backlog, ".backlog-card");
    assert!(card.contains("Mob review"), "{card}");
    assert!(card.contains("Volunteered: Ana Ruiz"), "{card}");
    assert!(card.contains("Review a pull request together."), "{card}");

    // Community and person pages keep ideas apart from past sessions.
    for page in [
        "communities/dev/index.html",
        "facilitators/ana-ruiz/index.html",
    ] {
        let doc = site.html(page);
        assert!(
            text_of(&doc, "section[aria-labelledby=proposed-title]").contains("Mob review"),
            "{page}"
        );
        assert!(
            !text_of(&doc, "section[aria-labelledby=past-title]").contains("Mob review"),
            "{page}"
        );
    }

    let month = site.html("calendar/2025/06/index.html");
    let cancelled = text_of(&month, "td .status-cancelled");
    assert!(
        cancelled.contains("Retro") && cancelled.contains("Cancelled"),
        "{cancelled}"
    );
}

#[test]
fn calendar_pages_offer_subscribe_and_download_links() {
    let site = example();
    site.build_for("https://example.org/cop/").ok();
    let calendar = site.html("calendar/index.html");
    let subscribe = select(&calendar, "a.feed-subscribe");
    assert_eq!(
        subscribe[0].value().attr("href"),
        Some("webcal://example.org/cop/calendar.ics")
    );
    assert_eq!(
        select(&calendar, "a.feed-download")[0].value().attr("href"),
        Some("/cop/calendar.ics")
    );
    let community = site.html("communities/software-development/index.html");
    assert_eq!(
        select(&community, "a.feed-subscribe")[0]
            .value()
            .attr("href"),
        Some("webcal://example.org/cop/communities/software-development/calendar.ics")
    );
    let person = site.html("facilitators/sofia-carballo/index.html");
    assert_eq!(
        select(&person, "a.feed-download")[0].value().attr("href"),
        Some("/cop/facilitators/sofia-carballo/calendar.ics")
    );
    let session = site.html(&format!("sessions/{INTEGRATION}/index.html"));
    assert_eq!(
        select(&session, "a.add-to-calendar")[0]
            .value()
            .attr("href"),
        Some("/cop/sessions/2025-05-21-integration-testing/session.ics")
    );

    // A path-only base_url has no host to subscribe to: download only.
    site.build().ok();
    let calendar = site.html("calendar/index.html");
    assert!(select(&calendar, "a.feed-subscribe").is_empty());
    assert_eq!(
        select(&calendar, "a.feed-download")[0].value().attr("href"),
        Some("/calendar.ics")
    );
}

#[test]
fn the_calendar_lists_upcoming_by_month_then_past_newest_first() {
    let site = example();
    let site = site.now("2025-03-01T09:00:00Z");
    site.build().ok();
    let doc = site.html("calendar/index.html");
    let upcoming: Vec<String> = select(&doc, "section[aria-labelledby=upcoming-title] h3")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(upcoming[0], "March 2025");
    assert_eq!(upcoming[1], "April 2025");
    let past: Vec<String> = select(&doc, "section[aria-labelledby=past-title] h3")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert_eq!(past[0], "February 2025");
    assert_eq!(past.last().unwrap(), "November 2024");
    // Soonest first within a month, newest first among past ones.
    let first_upcoming = text_of(
        &doc,
        "#upcoming-2025-03 + ul li:first-child .session-item-title",
    );
    assert_eq!(first_upcoming, "Effective Leadership in Remote Teams");
    let first_past = text_of(
        &doc,
        "#past-2025-02 + ul li:first-child .session-item-title",
    );
    assert_eq!(first_past, "Logging Best Practices");
    // The home page shows the next few and links the calendar.
    let home = site.html("index.html");
    assert!(text_of(&home, ".card-title").contains("Effective Leadership in Remote Teams"));
    assert!(!select(&home, "a[href='/calendar/']").is_empty());
}

#[test]
fn month_pages_cover_every_month_with_prev_and_next() {
    let site = example();
    site.build().ok();
    // From the first session (November 2024) to the last (June 2027).
    let mut months = Vec::new();
    let (mut y, mut m) = (2024, 11);
    while (y, m) <= (2027, 6) {
        months.push(format!("calendar/{y:04}/{m:02}/index.html"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    for page in &months {
        assert!(site.out().join(page).is_file(), "missing {page}");
    }
    assert!(!site.out().join("calendar/2024/10/index.html").exists());
    assert!(!site.out().join("calendar/2027/07/index.html").exists());
    let first = site.html("calendar/2024/11/index.html");
    assert!(select(&first, "a[rel=prev]").is_empty());
    assert_eq!(
        select(&first, "a[rel=next]")[0].value().attr("href"),
        Some("/calendar/2024/12/")
    );
    // December 2024: a real table, Monday first, two sessions on the 4th.
    let dec = site.html("calendar/2024/12/index.html");
    assert_eq!(
        text_of(&dec, "caption"),
        "Sessions in December 2024: 2 sessions"
    );
    let heads = select(&dec, "thead th[scope=col]");
    assert_eq!(heads.len(), 7);
    assert_eq!(heads[0].text().collect::<String>(), "Mon");
    assert_eq!(
        select(&dec, "tbody tr").len(),
        6,
        "1 December 2024 is a Sunday"
    );
    let fourth = select(&dec, "td:has(time[datetime='2024-12-04']) li");
    assert_eq!(fourth.len(), 2);
    let titles = text_of(&dec, "td:has(time[datetime='2024-12-04']) li a");
    assert!(
        titles.contains("Clean Code Principles") && titles.contains("Unit testing with TDD"),
        "{titles}"
    );
    assert!(text_of(&dec, "td:has(time[datetime='2024-12-04'])").contains("10:30–12:00 CET"));
    // A month without sessions still has its page, so links never skip.
    let aug = site.html("calendar/2025/08/index.html");
    assert!(text_of(&aug, "caption").contains("Sessions in August 2025"));
}

#[test]
fn weeks_can_start_on_sunday() {
    let site = SiteTest::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\ncalendar:\n  first_weekday: sunday\n",
    );
    site.write(
        "content/sessions/dev/2025-06-01-kata.md",
        "---\ntitle: Kata\ndate: 2025-06-01\ntime: \"10:00\"\n---\n",
    );
    site.build().ok();
    let doc = site.html("calendar/2025/06/index.html");
    assert_eq!(text_of(&doc, "thead th:first-child"), "Sun");
    let first_cell = select(&doc, "tbody tr:first-child td:first-child time");
    assert_eq!(first_cell[0].value().attr("datetime"), Some("2025-06-01"));
}

/// The seed agenda, as the spreadsheet exported it: 20 sessions, alternating
/// facilitators, 10:30-12:00 in Madrid, winter and summer time.
#[test]
fn the_seed_csv_gives_20_sessions_with_their_facilitators_and_times() {
    let site = example();
    site.build().ok();
    let agenda = site.html("agendas/software-development-2024-25/index.html");
    let rows = select(&agenda, "tbody tr");
    assert_eq!(rows.len(), 20);
    let tz = jiff::tz::TimeZone::get("Europe/Madrid").unwrap();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .children()
            .filter_map(scraper::ElementRef::wrap)
            .map(|c| c.text().collect::<String>().trim().to_string())
            .collect();
        assert_eq!(cells[0], (i + 1).to_string());
        let expected_facilitator = if i % 2 == 0 {
            "Sebastian Kulinski"
        } else {
            "Sofia Carballo"
        };
        assert_eq!(cells[3], expected_facilitator, "row {}", i + 1);
        let date = select_in(row, "time")[0]
            .value()
            .attr("datetime")
            .unwrap()
            .to_string();
        let start = jiff::civil::Date::strptime("%Y-%m-%d", &date)
            .unwrap()
            .at(10, 30, 0, 0)
            .to_zoned_datetime(tz.clone())
            .unwrap();
        let expected_time = format!("10:30–12:00 {}", start.strftime("%Z"));
        assert_eq!(cells[2], expected_time, "row {}", i + 1);
    }
    // Each row is a session in the feeds, at the same times.
    let components = site.ics("calendar.ics");
    for (i, link) in select(&agenda, "tbody th a").iter().enumerate() {
        let slug = link
            .value()
            .attr("href")
            .unwrap()
            .trim_matches('/')
            .trim_start_matches("sessions/");
        let e = event_by_slug(&components, slug);
        assert_eq!(param(e, "DTSTART", "TZID"), Some("Europe/Madrid"));
        assert!(
            prop(e, "DTSTART").unwrap().ends_with("T103000"),
            "row {}",
            i + 1
        );
        assert!(
            prop(e, "DTEND").unwrap().ends_with("T120000"),
            "row {}",
            i + 1
        );
        let who = if i % 2 == 0 {
            "Sebastian Kulinski"
        } else {
            "Sofia Carballo"
        };
        assert!(text_value(e, "DESCRIPTION").contains(who), "row {}", i + 1);
    }
}

/// A second, independent reader: Python's `icalendar` (PyPI), which resolves
/// TZIDs with the host's zoneinfo. `scripts/test` installs it; elsewhere a
/// missing module is reported as a skip (see `tests/e2e/tools.rs`).
#[test]
fn python_icalendar_reads_the_same_instants() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import icalendar"])
        .output();
    let missing = (!probe.is_ok_and(|o| o.status.success()))
        .then(|| "it is not installed; run `pip install icalendar`".to_string());
    if !crate::tools::available("Python's icalendar", missing) {
        return;
    }
    let site = example();
    site.build_for("https://example.org/cop/").ok();
    let script = r#"
import sys, pathlib, datetime, icalendar
out = pathlib.Path(sys.argv[1])
for path in sorted(out.rglob("*.ics")):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        if isinstance(start, datetime.datetime):
            start = start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            start = start.isoformat()
        print(path.relative_to(out).as_posix(), str(ev["UID"]), start, str(ev["STATUS"]))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(site.out())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "python icalendar failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for expected in [
        "calendar.ics 2024-12-04-clean-code-principles@example.org/cop 2024-12-04T09:30:00Z CONFIRMED",
        "calendar.ics 2025-05-21-integration-testing@example.org/cop 2025-05-21T08:30:00Z CONFIRMED",
        "sessions/2026-06-15-feedback-across-cultures/session.ics 2026-06-15-feedback-across-cultures@example.org/cop 2026-06-15T13:00:00Z CANCELLED",
    ] {
        assert!(
            report.contains(expected),
            "{expected} missing in:\n{report}"
        );
    }
}
