//! The feeds as calendar apps read them: Mozilla's ical.js (Thunderbird's
//! parser, from npm), Python's icalendar with recurring-ical-events (from
//! PyPI) and khal (Debian) each expand every feed of a site with recurring
//! sessions, moved and cancelled occurrences, exceptions, all-day, multi-day
//! and overnight sessions and a session in a DST fold; the instants they
//! find must be the ones the session pages show. `scripts/test` installs the
//! readers; elsewhere a missing one is a skip (see `tests/e2e/tools.rs`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::harness::*;
use crate::ics::*;

/// A site whose feeds exercise every calendar feature.
fn calendar_site() -> SiteTest {
    SiteTest::new()
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://example.org/cop/\ncalendar:\n  reminder: 15 minutes\n",
        )
        .file(
            "content/communities/ny.md",
            "---\ntitle: New York CoP\ntimezone: America/New_York\n---\nHi.\n",
        )
        .file(
            "content/sessions/dev/lean-coffee.md",
            "---\ntitle: Lean Coffee\ndate: 2026-10-08\ntime: \"16:00-17:00\"\ntimezone: Europe/Berlin\nrepeat: monthly on the 2nd thursday\nuntil: 2027-06-30\nexcept: [2027-01-14]\nfacilitator: Ana Ruiz\nformat: Lean Coffee\nchannel: https://meet.example.org/lean\n---\nWe talk.\n",
        )
        .file(
            "content/sessions/dev/2026-11-12-lean-coffee.md",
            "---\ntitle: Lean Coffee\ndate: 2026-11-12\ntime: \"17:00-18:00\"\n---\nMoved an hour.\n",
        )
        .file(
            "content/sessions/dev/2027-02-11-lean-coffee.md",
            "---\ntitle: Lean Coffee\ndate: 2027-02-11\nstatus: cancelled\n---\nSnow.\n",
        )
        .file(
            "content/sessions/ny/standup.md",
            "---\ntitle: NY Standup\ndate: 2027-03-02\ntime: \"09:00-09:15\"\nrepeat: \"RRULE:FREQ=WEEKLY;BYDAY=TU,TH\"\ncount: 8\n---\nQuick.\n",
        )
        .file(
            "content/sessions/dev/hackathon.md",
            "---\ntitle: Hackathon\ndate: 2027-03-04\nend_date: 2027-03-05\n---\nTwo days.\n",
        )
        .file(
            "content/sessions/dev/late.md",
            "---\ntitle: Late Kata\ndate: 2027-03-04\ntime: \"23:00-01:00\"\n---\nNight owls.\n",
        )
        .file(
            // 02:30 happens twice in Madrid that night: first in CEST.
            "content/sessions/dev/fold.md",
            "---\ntitle: Fold Kata\ndate: 2026-10-25\ntime: \"02:30-02:45\"\n---\nTwice.\n",
        )
}

/// What the pages say: every occurrence that takes place (not cancelled),
/// as "start-in-UTC summary", from each session page's `<time>`.
fn from_pages(site: &SiteTest) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, _) in snapshot(&site.out()) {
        let Some(rest) = path.strip_prefix("sessions/") else {
            continue;
        };
        if !rest.ends_with("/index.html") || rest == "index.html" {
            continue;
        }
        let page = site.html(&path);
        if !select(&page, ".session .occurrences").is_empty() {
            continue; // the recurring session's own page
        }
        if !select(&page, ".session-details .badge-cancelled").is_empty() {
            continue;
        }
        let title = text_of(&page, "h1.p-name");
        let t = select(&page, ".session-details time")[0].value();
        let when = t.attr("datetime").unwrap_or_default();
        let start = if when.len() > 10 {
            let ts: jiff::Timestamp = when.parse().unwrap();
            ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
        } else {
            when.to_string()
        };
        out.insert(format!("{start} {title}"));
    }
    out
}

/// The (start, summary) lines a reader printed for `calendar.ics`, less the
/// cancelled ones.
fn confirmed(report: &str) -> BTreeSet<String> {
    report
        .lines()
        .filter(|l| l.starts_with("calendar.ics "))
        .filter(|l| !l.ends_with(" CANCELLED"))
        .map(|l| {
            let parts: Vec<&str> = l.splitn(3, ' ').collect();
            let rest = parts[2].rsplit_once(' ').map_or(parts[2], |(a, _)| a);
            format!("{} {}", parts[1], rest)
        })
        .collect()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check_reader(report: &str, site: &SiteTest, reader: &str) {
    let pages = from_pages(site);
    let feed = confirmed(report);
    assert_eq!(
        feed, pages,
        "{reader}'s expansion of calendar.ics differs from the session pages\nreport:\n{report}"
    );
    // Spot checks, so the comparison cannot pass on two empty sets.
    for line in [
        "2026-10-08T14:00:00Z Lean Coffee", // CEST
        "2026-12-10T15:00:00Z Lean Coffee", // CET
        "2026-11-12T16:00:00Z Lean Coffee", // moved an hour by its write-up
        "2027-03-11T14:00:00Z NY Standup",  // EDT from 14 March
        "2027-03-04T14:00:00Z NY Standup",  // EST
        "2026-10-25T00:30:00Z Fold Kata",   // the first 02:30, in CEST
        "2027-03-04T22:00:00Z Late Kata",
        "2027-03-04 Hackathon",
    ] {
        assert!(feed.contains(line), "{reader}: {line} missing in\n{report}");
    }
    for gone in [
        "2027-01-14T15:00:00Z Lean Coffee",
        "2027-02-11T15:00:00Z Lean Coffee",
    ] {
        assert!(
            !feed.contains(gone),
            "{reader}: {gone} takes place?\n{report}"
        );
    }
    // The cancelled write-up is an override clients still show as cancelled.
    assert!(
        report.contains("calendar.ics 2027-02-11T15:00:00Z Cancelled: Lean Coffee CANCELLED"),
        "{reader}: the cancelled occurrence\n{report}"
    );
}

const PYTHON: &str = r#"
import sys, pathlib, datetime, icalendar, recurring_ical_events
out = pathlib.Path(sys.argv[1])
for path in sorted(out.rglob("*.ics")):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    for ev in recurring_ical_events.of(cal).between(datetime.date(2026, 1, 1), datetime.date(2028, 1, 1)):
        start = ev.decoded("DTSTART")
        if isinstance(start, datetime.datetime):
            start = start.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        else:
            start = start.isoformat()
        print(path.relative_to(out).as_posix(), start, str(ev["SUMMARY"]), str(ev["STATUS"]))
"#;

#[test]
fn python_recurring_ical_events_expands_what_the_pages_show() {
    let probe = Command::new("python3")
        .args(["-c", "import icalendar, recurring_ical_events"])
        .output();
    let missing = (!probe.is_ok_and(|o| o.status.success())).then(|| {
        "it is not installed; run `pip install icalendar recurring-ical-events`".to_string()
    });
    if !crate::tools::available("Python's recurring-ical-events", missing) {
        return;
    }
    let site = calendar_site();
    site.build().ok();
    let report = run(
        Command::new("python3").args(["-c", PYTHON]).arg(site.out()),
        "python recurring-ical-events",
    );
    check_reader(&report, &site, "recurring-ical-events");
}

const ICALJS: &str = r#"
import ICAL from "ical.js";
import fs from "node:fs";
import path from "node:path";
const out = process.argv[1];
const walk = (d) => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith(".ics") ? [path.join(d, e.name)] : []);
const end = ICAL.Time.fromDateString("2028-01-01");
for (const file of walk(out).sort()) {
  const rel = path.relative(out, file).split(path.sep).join("/");
  const comp = new ICAL.Component(ICAL.parse(fs.readFileSync(file, "utf8")));
  for (const tz of comp.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  }
  const events = comp.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  const masters = new Map();
  for (const e of events) if (!e.isRecurrenceException()) masters.set(e.uid, e);
  for (const e of events) if (e.isRecurrenceException()) masters.get(e.uid).relateException(e);
  const show = (start, item) => {
    const when = start.isDate ? start.toString() : start.toJSDate().toISOString().replace(".000Z", "Z");
    console.log(`${rel} ${when} ${item.summary} ${item.component.getFirstPropertyValue("status")}`);
  };
  for (const e of masters.values()) {
    if (!e.isRecurring()) { show(e.startDate, e); continue; }
    const it = e.iterator();
    for (let next = it.next(), n = 0; next && next.compare(end) < 0 && n < 1000; next = it.next(), n++) {
      const d = e.getOccurrenceDetails(next);
      show(d.startDate, d.item);
    }
  }
}
"#;

#[test]
fn icaljs_expands_what_the_pages_show() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let missing = if Command::new("node").arg("--version").output().is_err() {
        Some("node is not installed".to_string())
    } else if !root.join("node_modules/ical.js").is_dir() {
        Some("ical.js is not installed; run `npm ci`".to_string())
    } else {
        None
    };
    if !crate::tools::available("ical.js", missing) {
        return;
    }
    let site = calendar_site();
    site.build().ok();
    let report = run(
        Command::new("node")
            .current_dir(root)
            .args(["--input-type=module", "-e", ICALJS])
            .arg(site.out()),
        "ical.js",
    );
    check_reader(&report, &site, "ical.js");
}

#[test]
fn the_feed_has_rule_exceptions_overrides_alarms_and_a_changing_sequence() {
    let site = calendar_site();
    site.build().ok();
    let cal = site.ics("calendar.ics");
    let evs = events(&cal);
    let lean: Vec<_> = evs
        .iter()
        .filter(|e| prop(e, "UID") == Some("lean-coffee@example.org/cop"))
        .collect();
    // The rule, and two overrides: the moved and the cancelled occurrence.
    assert_eq!(lean.len(), 3);
    let master = lean
        .iter()
        .find(|e| e.find_prop("RRULE").is_some())
        .unwrap();
    assert_eq!(
        prop(master, "RRULE"),
        Some("FREQ=MONTHLY;BYDAY=2TH;UNTIL=20270630T215959Z")
    );
    assert_eq!(prop(master, "EXDATE"), Some("20270114T160000"));
    assert_eq!(param(master, "EXDATE", "TZID"), Some("Europe/Berlin"));
    assert_eq!(prop(master, "URL"), Some("https://meet.example.org/lean"));
    assert_eq!(
        prop(master, "LOCATION"),
        Some("https://meet.example.org/lean")
    );
    let ids: BTreeSet<&str> = lean
        .iter()
        .filter_map(|e| prop(e, "RECURRENCE-ID"))
        .collect();
    assert_eq!(ids, BTreeSet::from(["20261112T160000", "20270211T160000"]));
    let alarms: Vec<_> = master
        .components
        .iter()
        .filter(|c| c.name.as_str() == "VALARM")
        .collect();
    assert_eq!(alarms.len(), 1);
    assert_eq!(prop(alarms[0], "TRIGGER"), Some("-PT15M"));
    // All-day and multi-day: DATE values, the end exclusive.
    let hack = evs
        .iter()
        .find(|e| text_value(e, "SUMMARY") == "Hackathon")
        .unwrap();
    assert_eq!(prop(hack, "DTSTART"), Some("20270304"));
    assert_eq!(prop(hack, "DTEND"), Some("20270306"));
    // The ambiguous local time is written as the instant it means.
    let fold = evs
        .iter()
        .find(|e| text_value(e, "SUMMARY") == "Fold Kata")
        .unwrap();
    assert_eq!(prop(fold, "DTSTART"), Some("20261025T003000Z"));
    // The fold's page names the offset it uses: the first 02:30 is CEST.
    let page = site.html("sessions/2026-10-25-fold/index.html");
    assert!(text_of(&page, ".session-details").contains("02:30–02:45 CEST"));
    // Same input and clock: the same bytes; a later clock: a higher SEQUENCE.
    let first = site.read_out("calendar.ics");
    site.build().ok();
    assert_eq!(site.read_out("calendar.ics"), first);
    let seq = |text: &str| -> i64 {
        text.lines()
            .find_map(|l| l.strip_prefix("SEQUENCE:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap()
    };
    let later = calendar_site().now("2026-11-25T12:00:00Z");
    later.build().ok();
    assert!(seq(&later.read_out("calendar.ics")) > seq(&first));
}

/// A third reader, a command-line calendar: khal (Debian), in UTC.
#[test]
fn khal_lists_what_the_pages_show() {
    let missing = Command::new("khal")
        .arg("--version")
        .output()
        .is_err()
        .then(|| "it is not installed; run `apt-get install khal`".to_string());
    if !crate::tools::available("khal", missing) {
        return;
    }
    let site = calendar_site();
    site.build().ok();
    let dir = tempfile::tempdir().unwrap();
    let vdir = dir.path().join("cal");
    std::fs::create_dir_all(&vdir).unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[calendars]\n[[site]]\npath = {}\ntype = calendar\n[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\ndatetimeformat = %Y-%m-%dT%H:%M:%SZ\nlongdatetimeformat = %Y-%m-%dT%H:%M:%SZ\ndefault_timezone = UTC\nlocal_timezone = UTC\n",
            vdir.display()
        ),
    )
    .unwrap();
    let khal = || {
        let mut c = Command::new("khal");
        c.env("TZ", "UTC").arg("-c").arg(&config);
        c
    };
    run(
        khal()
            .args(["import", "--batch", "-a", "site"])
            .arg(site.out().join("calendar.ics")),
        "khal import",
    );
    let listed = run(
        khal().args([
            "list",
            "--format",
            "calendar.ics {start} {title} {status}",
            "2026-01-01",
            "800d",
        ]),
        "khal list",
    );
    // Lines are events (day headings are not); a multi-day event repeats.
    let report: BTreeSet<&str> = listed
        .lines()
        .map(str::trim_end)
        .filter(|l| l.starts_with("calendar.ics "))
        .collect();
    let report = report.into_iter().collect::<Vec<_>>().join("\n");
    // khal shows the whole open future of a rule; the pages stop at `until`.
    check_reader(&report, &site, "khal");
}
