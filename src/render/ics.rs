//! iCalendar feeds (RFC 5545), written by code rather than a template.
//!
//! Why our own writer instead of the `icalendar` crate: sessions are
//! wall-clock times in a zone, and a calendar client should show them in that
//! zone (a 10:30 Madrid session stays 10:30 Madrid in the reader's calendar,
//! with the zone's name). That needs `DTSTART;TZID=...` plus a matching
//! `VTIMEZONE`, which the crate cannot write; it would also invent `DTSTAMP`
//! and `UID` when unset and pull in chrono. What a feed needs is small:
//! TEXT escaping (3.3.11), folding at 75 octets (3.1) and CRLF, all tested
//! below, and a `VTIMEZONE` built from jiff's bundled tz database.
//!
//! Determinism: `DTSTAMP` is the build's clock, `UID` is derived from the
//! session's slug and the site's address (never from content, so editing a
//! session keeps its identity), events come in site order and time zones in
//! name order. Same site and clock, same bytes.

use std::collections::BTreeMap;

use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::config::Config;
use crate::meta::{self, Status};
use crate::model::{CommunityId, PersonId, Session, SessionId, Site};

/// How often subscribed clients should fetch a feed again (RFC 7986).
const REFRESH: &str = "PT12H";

/// The calendars a site publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// `/calendar.ics`: every scheduled session.
    All,
    /// `/communities/<slug>/calendar.ics`.
    Community(CommunityId),
    /// `/facilitators/<slug>/calendar.ics`.
    Person(PersonId),
    /// `/sessions/<slug>/session.ics`: one event, to add to a calendar.
    Session(SessionId),
}

impl Feed {
    /// The sessions the feed may hold (`calendar` keeps the scheduled ones).
    fn sessions(self, site: &Site) -> std::borrow::Cow<'_, [SessionId]> {
        use std::borrow::Cow;
        match self {
            Feed::All => Cow::Owned(site.sessions.keys().collect()),
            Feed::Community(i) => Cow::Borrowed(&site.communities[i].sessions),
            Feed::Person(i) => Cow::Borrowed(&site.people[i].sessions),
            Feed::Session(i) => Cow::Owned(vec![i]),
        }
    }

    /// Output path of the feed, or `None` when it would hold no event (an
    /// iCalendar object needs at least one component, RFC 5545 3.6, and an
    /// empty feed helps nobody): then no page links to it either.
    pub fn path(self, site: &Site) -> Option<String> {
        let any = self
            .sessions(site)
            .iter()
            .any(|&i| site.sessions[i].is_scheduled());
        if !any {
            return None;
        }
        Some(match self {
            Feed::All => "calendar.ics".to_string(),
            Feed::Community(i) => format!("{}calendar.ics", site.communities[i].path),
            Feed::Person(i) => format!("{}calendar.ics", site.people[i].path),
            Feed::Session(i) => format!("{}session.ics", site.sessions[i].path),
        })
    }

    /// Writes the feed.
    pub fn render(self, site: &Site) -> String {
        self.render_with(site, &EventTexts::new(site))
    }

    /// Writes the feed, taking each event's text from `events`: a session
    /// is in up to four feeds (its own, the site's, its community's, each
    /// facilitator's), and the text of its event is the same in each.
    pub fn render_with(self, site: &Site, events: &EventTexts) -> String {
        let name = match self {
            Feed::All => site.config.title.clone(),
            Feed::Community(i) => site.communities[i].title.clone(),
            Feed::Person(i) => format!("Sessions with {}", site.people[i].name),
            Feed::Session(i) => site.sessions[i].title.clone(),
        };
        calendar(
            site,
            &name,
            &self.sessions(site),
            !matches!(self, Feed::Session(_)),
            events,
        )
    }
}

/// The text of each session's VEVENT, written once per build and shared by
/// every feed that lists the session.
pub struct EventTexts(Vec<std::sync::OnceLock<String>>);

impl EventTexts {
    pub fn new(site: &Site) -> EventTexts {
        EventTexts(
            (0..site.sessions.len())
                .map(|_| Default::default())
                .collect(),
        )
    }

    fn get(&self, site: &Site, session: SessionId, stamp: &str) -> &str {
        self.0[session.index()].get_or_init(|| {
            let mut w = Lines {
                out: String::with_capacity(700),
            };
            write_event(&mut w, site, &site.sessions[session], stamp, &site.config);
            w.out
        })
    }
}

/// Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and
/// newlines. Carriage returns are dropped so that CRLF becomes one `\n`.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            // Other control characters are not allowed in TEXT (3.3.11);
            // the one rule for every output says which.
            c if crate::escape::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line to `out`, folded so that no line is longer than
/// 75 octets (RFC 5545 3.1): continuation lines start with a space, which
/// counts towards their 75, and a fold never splits a UTF-8 character.
/// Every line ends in CRLF.
pub fn push_folded(out: &mut String, line: &str) {
    const MAX: usize = 75;
    let mut rest = line;
    let mut limit = MAX;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = MAX - 1;
    }
}

/// A component being written: content lines in order.
struct Lines {
    out: String,
}

impl Lines {
    /// A property whose value is already in its iCalendar form.
    fn raw(&mut self, name: &str, value: &str) {
        push_folded(&mut self.out, &format!("{name}:{value}"));
    }

    /// A TEXT property, escaped.
    fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &escape_text(value));
    }
}

/// `20241204T093000Z`.
fn utc_stamp(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// `+0100`, or `-001444` when the offset has seconds (RFC 5545 3.3.14).
fn utc_offset(o: Offset) -> String {
    let total = o.seconds();
    let sign = if total < 0 { '-' } else { '+' };
    let s = total.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// Zones written as UTC (`...Z`) rather than with a `TZID`: they never change.
fn is_utc(zone: &str) -> bool {
    matches!(
        zone,
        "UTC" | "Etc/UTC" | "Etc/UCT" | "UCT" | "Etc/Universal" | "Universal" | "Etc/Zulu" | "Zulu"
    )
}

/// The domain part of every UID: the site's host and base path
/// (`northwind.github.io/cop`). A site built with a path-only `base_url` has
/// no host; its UIDs fall back to its title (`northwind-cop.invalid`), which
/// is stable as long as the title is: set an absolute `base_url` for feeds.
pub fn uid_domain(config: &Config) -> String {
    let path = config.base_path.trim_end_matches('/');
    match config.host() {
        Some(host) => format!("{}{path}", host.to_ascii_lowercase()),
        None => format!("{}.invalid{path}", crate::slug::slugify(&config.title)),
    }
}

/// A session's UID: its slug at the site's domain. The slug comes from the
/// file name (or the agenda's date and title), so edits to a session's body,
/// time or facilitators keep the same event in subscribers' calendars.
pub fn uid(session: &Session, config: &Config) -> String {
    format!("{}@{}", session.slug, uid_domain(config))
}

/// Writes a calendar of the given sessions (indexes into `site.sessions`).
/// Sessions without a date and proposed sessions have no event and are
/// skipped. `name` becomes `X-WR-CALNAME`; `subscription` adds refresh hints
/// for feeds that clients subscribe to.
pub fn calendar(
    site: &Site,
    name: &str,
    sessions: &[SessionId],
    subscription: bool,
    texts: &EventTexts,
) -> String {
    let scheduled: Vec<SessionId> = sessions
        .iter()
        .copied()
        .filter(|&i| site.sessions[i].is_scheduled())
        .collect();
    let events: Vec<&Session> = scheduled.iter().map(|&i| &site.sessions[i]).collect();
    let mut w = Lines {
        out: String::with_capacity(1024 + events.len() * 700),
    };
    w.raw("BEGIN", "VCALENDAR");
    w.raw("VERSION", "2.0");
    w.raw(
        "PRODID",
        concat!("-//Fireside//Fireside ", env!("CARGO_PKG_VERSION"), "//EN"),
    );
    w.raw("CALSCALE", "GREGORIAN");
    w.raw("METHOD", "PUBLISH");
    w.text("X-WR-CALNAME", name);
    if subscription {
        w.raw("REFRESH-INTERVAL;VALUE=DURATION", REFRESH);
        w.raw("X-PUBLISHED-TTL", REFRESH);
    }
    // One VTIMEZONE per zone used, covering the span of that zone's events.
    let mut spans: BTreeMap<&str, (Timestamp, Timestamp)> = BTreeMap::new();
    for s in &events {
        let (Some(start), false) = (&s.start, is_utc(&s.zone)) else {
            continue;
        };
        let first = start.timestamp();
        let last = s.end.as_ref().map_or(first, |e| e.timestamp());
        let span = spans.entry(s.zone.as_str()).or_insert((first, last));
        span.0 = span.0.min(first);
        span.1 = span.1.max(last);
    }
    for (zone, (first, last)) in &spans {
        if let Ok(tz) = meta::tzdb().get(zone) {
            write_vtimezone(&mut w, zone, &tz, *first, *last);
        }
    }
    let stamp = utc_stamp(site.now);
    for i in scheduled {
        w.out.push_str(texts.get(site, i, &stamp));
    }
    w.raw("END", "VCALENDAR");
    w.out
}

fn write_event(w: &mut Lines, site: &Site, s: &Session, stamp: &str, c: &Config) {
    w.raw("BEGIN", "VEVENT");
    w.text("UID", &uid(s, c));
    w.raw("DTSTAMP", stamp);
    match (&s.start, s.date) {
        (Some(start), _) => {
            let at = |z: &jiff::ZonedDateTime| {
                if is_utc(&s.zone) {
                    (String::new(), utc_stamp(z.timestamp()))
                } else {
                    (
                        format!(";TZID={}", s.zone),
                        z.strftime("%Y%m%dT%H%M%S").to_string(),
                    )
                }
            };
            let (param, value) = at(start);
            w.raw(&format!("DTSTART{param}"), &value);
            if let Some(end) = &s.end {
                let (param, value) = at(end);
                w.raw(&format!("DTEND{param}"), &value);
            }
        }
        (None, Some(date)) => {
            // An all-day session: DATE values, the end exclusive (3.6.1).
            w.raw("DTSTART;VALUE=DATE", &date.strftime("%Y%m%d").to_string());
            if let Ok(next) = date.tomorrow() {
                w.raw("DTEND;VALUE=DATE", &next.strftime("%Y%m%d").to_string());
            }
        }
        (None, None) => {}
    }
    w.text("SUMMARY", &s.title);
    w.text("DESCRIPTION", &description(site, s));
    if let Some(channel) = &s.channel {
        w.text("LOCATION", channel);
    }
    if c.host().is_some() {
        w.raw("URL", &c.permalink(&s.path));
    }
    let mut categories: Vec<String> = Vec::new();
    categories.extend(s.community.map(|i| site.communities[i].title.clone()));
    categories.extend(s.format.map(|i| site.formats[i].name.clone()));
    // Capped, like the names in the description: see [`MAX_NAMES_IN_EVENT`].
    categories.extend(
        s.tags
            .iter()
            .take(MAX_NAMES_IN_EVENT)
            .map(|&i| site.tags[i].name.clone()),
    );
    if !categories.is_empty() {
        let list: Vec<String> = categories.iter().map(|x| escape_text(x)).collect();
        w.raw("CATEGORIES", &list.join(","));
    }
    let status = if s.status == Status::Cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    w.raw("STATUS", status);
    w.raw("END", "VEVENT");
}

/// How many facilitators (and tags, as categories) an event names. A
/// session is in the feed of each of its facilitators, so an event naming
/// all of them would make the feeds grow with the square of their number;
/// the session's page names everyone.
const MAX_NAMES_IN_EVENT: usize = 10;

/// What a reader needs in their calendar: the objective, format, who runs
/// it, what to bring, and the page.
fn description(site: &Site, s: &Session) -> String {
    let mut parts: Vec<String> = Vec::new();
    if s.status == Status::Cancelled {
        parts.push("Cancelled.".into());
    }
    if let Some(o) = &s.objective {
        parts.push(o.trim().to_string());
    }
    let mut facts: Vec<String> = Vec::new();
    if let Some(f) = s.format {
        facts.push(format!("Format: {}", site.formats[f].name));
    }
    if !s.facilitators.is_empty() {
        let names: Vec<&str> = s
            .facilitators
            .iter()
            .take(MAX_NAMES_IN_EVENT)
            .map(|&p| site.people[p].name.as_str())
            .collect();
        let label = if s.facilitators.len() == 1 {
            "Facilitator"
        } else {
            "Facilitators"
        };
        let more = match s.facilitators.len() - names.len() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        facts.push(format!("{label}: {}{more}", names.join(", ")));
    }
    facts.push(format!(
        "Tools: {}",
        if s.tools.is_empty() {
            "none needed".to_string()
        } else {
            s.tools.join(", ")
        }
    ));
    if let Some(ch) = &s.channel {
        facts.push(format!("Channel: {ch}"));
    }
    parts.push(facts.join("\n"));
    // A path alone means nothing inside a calendar app: link only when the
    // site has an absolute base_url.
    if site.config.host().is_some() {
        parts.push(site.config.permalink(&s.path));
    }
    parts.join("\n\n")
}

/// A `VTIMEZONE` for `zone` that is right for every instant in
/// `[first, last]`: the observance in force at `first`, then every transition
/// up to `last`, each as its own `STANDARD` or `DAYLIGHT` with the local
/// onset time, the offsets on both sides and the abbreviation (RFC 5545
/// 3.6.5). Explicit onsets rather than `RRULE`s: exact for past rule changes
/// and trivially checked against the tz database.
fn write_vtimezone(w: &mut Lines, zone: &str, tz: &TimeZone, first: Timestamp, last: Timestamp) {
    let mut transitions: Vec<(Timestamp, Offset, bool, String)> = Vec::new();
    let mut record = |t: jiff::tz::TimeZoneTransition<'_>| {
        transitions.push((
            t.timestamp(),
            t.offset(),
            t.dst().is_dst(),
            t.abbreviation().to_string(),
        ));
    };
    if let Some(t) = tz.preceding(first).next() {
        record(t);
    }
    let from = first
        .checked_sub(SignedDuration::from_secs(1))
        .unwrap_or(first);
    for t in tz.following(from) {
        if t.timestamp() > last {
            break;
        }
        record(t);
    }
    w.raw("BEGIN", "VTIMEZONE");
    w.text("TZID", zone);
    if transitions.is_empty() {
        // A zone that never changed: one observance from the epoch.
        let info = tz.to_offset_info(first);
        let off = utc_offset(info.offset());
        w.raw("BEGIN", "STANDARD");
        w.raw("DTSTART", "19700101T000000");
        w.raw("TZOFFSETFROM", &off);
        w.raw("TZOFFSETTO", &off);
        w.text("TZNAME", info.abbreviation());
        w.raw("END", "STANDARD");
    }
    for (at, to, dst, abbreviation) in transitions {
        let before = tz.to_offset(at.checked_sub(SignedDuration::from_secs(1)).unwrap_or(at));
        let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
        w.raw("BEGIN", kind);
        // The onset is local time as it was just before the change.
        w.raw(
            "DTSTART",
            &before.to_datetime(at).strftime("%Y%m%dT%H%M%S").to_string(),
        );
        w.raw("TZOFFSETFROM", &utc_offset(before));
        w.raw("TZOFFSETTO", &utc_offset(to));
        w.text("TZNAME", &abbreviation);
        w.raw("END", kind);
    }
    w.raw("END", "VTIMEZONE");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        push_folded(&mut out, line);
        out
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text("a;b,c\\d\r\ne\nf"), "a\\;b\\,c\\\\d\\ne\\nf");
        assert_eq!(
            escape_text("Zoom: https://x.org/j/1"),
            "Zoom: https://x.org/j/1"
        );
        assert_eq!(escape_text("bell\u{7}"), "bell");
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(folded("SUMMARY:Clean Code"), "SUMMARY:Clean Code\r\n");
        let exactly = format!("X:{}", "a".repeat(73));
        assert_eq!(folded(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        // Two-byte (é), three-byte (€) and four-byte (🔥) characters at every
        // possible position relative to the fold.
        for prefix in 0..4 {
            let line = format!(
                "DESCRIPTION:{}{}",
                "x".repeat(prefix),
                "Sesión práctica: café, €uros y 🔥 ".repeat(12)
            );
            let out = folded(&line);
            assert!(out.ends_with("\r\n"));
            let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
            assert!(lines.len() > 5);
            for (i, l) in lines.iter().enumerate() {
                assert!(l.len() <= 75, "line {i} has {} octets: {l:?}", l.len());
                assert_eq!(i > 0, l.starts_with(' '), "continuation marker on line {i}");
            }
            // Unfolding (remove CRLF + one space) gives the line back.
            assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), line);
        }
    }

    #[test]
    fn offsets_keep_their_seconds() {
        assert_eq!(utc_offset(Offset::from_seconds(3600).unwrap()), "+0100");
        assert_eq!(utc_offset(Offset::from_seconds(-16200).unwrap()), "-0430");
        assert_eq!(utc_offset(Offset::from_seconds(-884).unwrap()), "-001444");
        assert_eq!(utc_offset(Offset::UTC), "+0000");
    }

    #[test]
    fn vtimezone_covers_the_span_of_the_events() {
        let tz = meta::tzdb().get("Europe/Madrid").unwrap();
        let first: Timestamp = "2024-12-04T09:30:00Z".parse().unwrap();
        let last: Timestamp = "2025-05-21T10:00:00Z".parse().unwrap();
        let mut w = Lines { out: String::new() };
        write_vtimezone(&mut w, "Europe/Madrid", &tz, first, last);
        let text = w.out;
        // In force on 4 December: the switch to CET on 27 October 2024.
        assert!(text.contains(
            "BEGIN:STANDARD\r\nDTSTART:20241027T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\n"
        ), "{text}");
        // Then summer time from 30 March 2025, 02:00 local.
        assert!(text.contains(
            "BEGIN:DAYLIGHT\r\nDTSTART:20250330T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nEND:DAYLIGHT\r\n"
        ), "{text}");
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert_eq!(text.matches("BEGIN:DAYLIGHT").count(), 1);
    }

    #[test]
    fn a_zone_without_transitions_gets_one_observance() {
        let tz = meta::tzdb().get("Etc/GMT-3").unwrap();
        let t: Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
        let mut w = Lines { out: String::new() };
        write_vtimezone(&mut w, "Etc/GMT-3", &tz, t, t);
        assert!(
            w.out.contains("TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\n"),
            "{}",
            w.out
        );
    }
}
