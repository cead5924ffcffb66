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
use crate::model::{CommunityId, PersonId, Session, SessionId, Site};
use crate::parse::meta::{self, Status};

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
    /// `/sessions/<slug>/session.ics`: one event, to add to a calendar
    /// (for a recurring session, its whole rhythm: one event with a rule).
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
            Feed::Session(i) => match &site.sessions[i].recurrence {
                Some(r) => Cow::Borrowed(&r.occurrences),
                None => Cow::Owned(vec![i]),
            },
        }
    }

    /// The feed a session's page offers: its own, or for an occurrence of a
    /// recurring session the recurring session's (one event with a rule:
    /// calendar apps keep it as a series, and follow its changes).
    pub fn of_session(site: &Site, i: SessionId) -> Feed {
        match &site.sessions[i].occurrence {
            Some(o) => Feed::Session(o.of),
            None => Feed::Session(i),
        }
    }

    /// Output path of the feed, or `None` when it would hold no event (an
    /// iCalendar object needs at least one component, RFC 5545 3.6, and an
    /// empty feed helps nobody): then no page links to it either.
    pub fn path(self, site: &Site) -> Option<String> {
        // An occurrence is in its recurring session's event, not one of its own.
        if let Feed::Session(i) = self
            && site.sessions[i].occurrence.is_some()
        {
            return None;
        }
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
            write_event(&mut w, site, session, stamp, &site.config);
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
        None => format!(
            "{}.invalid{path}",
            crate::model::slug::slugify(&config.title)
        ),
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
    let scheduled = events_of(site, sessions);
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
        let mut last = s.end.as_ref().map_or(first, |e| e.timestamp());
        // A rule goes on past the occurrences the site shows: the zone's
        // changes must be there for the instances clients expand.
        if let Some(r) = &s.recurrence {
            for o in &r.occurrences {
                let o = &site.sessions[*o];
                if let Some(e) = o.end.as_ref().or(o.start.as_ref()) {
                    last = last.max(e.timestamp());
                }
            }
            if r.open_ended {
                last = last
                    .checked_add(SignedDuration::from_hours(24 * 366 * 2))
                    .unwrap_or(last);
            }
        }
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

/// The events of a feed holding `sessions`, in their order: a session is its
/// own event, and an occurrence of a recurring session stands for the
/// recurring session's one event (written once, where its first occurrence
/// is), plus an override for an occurrence that a write-up moved or cancelled.
fn events_of(site: &Site, sessions: &[SessionId]) -> Vec<SessionId> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &i in sessions {
        let s = &site.sessions[i];
        if !s.is_scheduled() {
            continue;
        }
        match &s.occurrence {
            None => out.push(i),
            Some(o) => {
                if seen.insert(o.of) {
                    out.push(o.of);
                }
                if is_override(site, i) {
                    out.push(i);
                }
            }
        }
    }
    out
}

/// A write-up that moved or cancelled its occurrence: an override event
/// (`RECURRENCE-ID`) in the recurring session's feeds.
fn is_override(site: &Site, i: SessionId) -> bool {
    let s = &site.sessions[i];
    let Some(o) = &s.occurrence else {
        return false;
    };
    let parent = &site.sessions[o.of];
    let excepted = parent
        .recurrence
        .as_ref()
        .is_some_and(|r| r.except.contains(&o.planned_date));
    let moved = s.date != Some(o.planned_date)
        || s.start.as_ref().map(|z| z.timestamp())
            != o.planned_start.as_ref().map(|z| z.timestamp());
    o.written_up && !excepted && (moved || s.status == Status::Cancelled)
}

/// `DTSTART`-style parameter and value for an instant of a session: local
/// time with its `TZID`, or UTC for UTC sessions and for a local time the
/// clocks repeat (a DST fold): clients read an ambiguous local time
/// differently (RFC 5545 says the first, ical.js and khal take the second),
/// an instant in UTC they all read alike.
fn when(zone: &str, z: &jiff::ZonedDateTime) -> (String, String) {
    let ambiguous = meta::tzdb()
        .get(zone)
        .is_ok_and(|tz| tz.to_ambiguous_zoned_datetime(z.datetime()).is_ambiguous());
    if is_utc(zone) || ambiguous {
        (String::new(), utc_stamp(z.timestamp()))
    } else {
        (
            format!(";TZID={zone}"),
            z.strftime("%Y%m%dT%H%M%S").to_string(),
        )
    }
}

/// A local wall-clock time of a recurring session as its rule's values are
/// written (`RECURRENCE-ID`, `EXDATE`): in its `TZID`, like `DTSTART`.
fn local_when(zone: &str, dt: jiff::civil::DateTime) -> (String, String) {
    if is_utc(zone) {
        let utc = dt
            .to_zoned_datetime(TimeZone::UTC)
            .map(|z| utc_stamp(z.timestamp()))
            .unwrap_or_default();
        (String::new(), utc)
    } else {
        (
            format!(";TZID={zone}"),
            dt.strftime("%Y%m%dT%H%M%S").to_string(),
        )
    }
}

fn ical_date(d: jiff::civil::Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

/// `SEQUENCE`: minutes of the build clock since 2020. A subscribed client
/// replaces its copy of an event only when the sequence grows, and a build
/// keeps no memory of earlier builds, so the clock is what grows: every
/// build's events supersede the last build's, and the same input and clock
/// give the same number.
fn sequence(now: Timestamp) -> i64 {
    const EPOCH_2020: i64 = 1_577_836_800;
    ((now.as_second() - EPOCH_2020) / 60).clamp(0, i64::from(i32::MAX))
}

fn write_event(w: &mut Lines, site: &Site, i: SessionId, stamp: &str, c: &Config) {
    let s = &site.sessions[i];
    let parent = s
        .occurrence
        .as_ref()
        .filter(|_| is_override(site, i))
        .map(|o| (o, &site.sessions[o.of]));
    w.raw("BEGIN", "VEVENT");
    match parent {
        Some((_, p)) => w.text("UID", &uid(p, c)),
        None => w.text("UID", &uid(s, c)),
    }
    w.raw("DTSTAMP", stamp);
    w.raw("LAST-MODIFIED", stamp);
    w.raw("SEQUENCE", &sequence(site.now).to_string());
    if let Some((o, p)) = parent {
        match (&o.planned_start, p.time) {
            (Some(planned), Some(_)) => {
                let (param, value) = when(&p.zone, planned);
                w.raw(&format!("RECURRENCE-ID{param}"), &value);
            }
            _ => w.raw("RECURRENCE-ID;VALUE=DATE", &ical_date(o.planned_date)),
        }
    }
    match (&s.start, s.date) {
        (Some(start), _) => {
            let (param, value) = when(&s.zone, start);
            w.raw(&format!("DTSTART{param}"), &value);
            if let Some(end) = &s.end {
                let (param, value) = when(&s.zone, end);
                w.raw(&format!("DTEND{param}"), &value);
            }
        }
        (None, Some(date)) => {
            // An all-day session: DATE values, the end exclusive (3.6.1).
            w.raw("DTSTART;VALUE=DATE", &ical_date(date));
            if let Ok(next) = s.last_date().unwrap_or(date).tomorrow() {
                w.raw("DTEND;VALUE=DATE", &ical_date(next));
            }
        }
        (None, None) => {}
    }
    if let Some(r) = &s.recurrence {
        write_rule(w, s, r);
    }
    // Clients that ignore STATUS (calcurse) still show that it is off.
    if s.status == Status::Cancelled {
        w.text("SUMMARY", &format!("Cancelled: {}", s.title));
    } else {
        w.text("SUMMARY", &s.title);
    }
    w.text("DESCRIPTION", &description(site, s));
    let meeting = s
        .channel
        .as_deref()
        .filter(|ch| ch.starts_with("https://") || ch.starts_with("http://"));
    if let Some(channel) = &s.channel {
        w.text("LOCATION", channel);
    }
    // The meeting link is where the event happens; else the session's page.
    match meeting {
        Some(url) => w.raw("URL", url),
        None if c.host().is_some() => w.raw("URL", &c.permalink(&s.path)),
        None => {}
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
    if let (Some(before), false) = (c.calendar.reminder.0, s.status == Status::Cancelled) {
        w.raw("BEGIN", "VALARM");
        w.raw("ACTION", "DISPLAY");
        w.text("DESCRIPTION", &s.title);
        w.raw("TRIGGER", &format!("-PT{}M", before.as_mins()));
        w.raw("END", "VALARM");
    }
    w.raw("END", "VEVENT");
}

/// `RRULE` and `EXDATE` of a recurring session. `UNTIL` is in UTC when the
/// start has a time (RFC 5545 3.3.10: with a `TZID` start it must be), the
/// last second of the `until` day in the session's zone.
fn write_rule(w: &mut Lines, s: &Session, r: &crate::model::recurrence::Recurrence) {
    if r.rule.rrule.is_empty() {
        return;
    }
    let mut rule = r.rule.rrule.clone();
    if let Some(n) = r.rule.count {
        rule.push_str(&format!(";COUNT={n}"));
    }
    if let Some(until) = r.rule.until {
        match s.time {
            Some(_) => {
                let end_of_day = until
                    .tomorrow()
                    .ok()
                    .and_then(|d| {
                        meta::tzdb()
                            .get(&s.zone)
                            .ok()
                            .and_then(|tz| d.to_zoned_datetime(tz).ok())
                    })
                    .and_then(|z| z.timestamp().checked_sub(SignedDuration::from_secs(1)).ok());
                if let Some(t) = end_of_day {
                    rule.push_str(&format!(";UNTIL={}", utc_stamp(t)));
                }
            }
            None => rule.push_str(&format!(";UNTIL={}", ical_date(until))),
        }
    }
    w.raw("RRULE", &rule);
    if r.except.is_empty() {
        return;
    }
    match s.time {
        Some(t) => {
            let values: Vec<(String, String)> = r
                .except
                .iter()
                .map(|d| local_when(&s.zone, d.to_datetime(t.start)))
                .collect();
            let param = values.first().map(|v| v.0.clone()).unwrap_or_default();
            let list: Vec<String> = values.into_iter().map(|v| v.1).collect();
            w.raw(&format!("EXDATE{param}"), &list.join(","));
        }
        None => {
            let list: Vec<String> = r.except.iter().map(|d| ical_date(*d)).collect();
            w.raw("EXDATE;VALUE=DATE", &list.join(","));
        }
    }
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
