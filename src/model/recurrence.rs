//! Recurring sessions: `repeat:` rules, read and expanded.
//!
//! A rule is kept as an RFC 5545 `RRULE` value without `COUNT` and `UNTIL`
//! (those are the session's `count:` and `until:`, or are lifted out of a raw
//! rule), because it is written twice: expanded here for the pages, and
//! copied into the iCalendar feeds, where calendar apps expand it again.
//! Both must agree, so the expansion follows the RFC through the `rrule`
//! crate rather than a hand-written calendar walk.
//!
//! Expansion runs on wall-clock time: the rule is expanded on local dates
//! and times as if the zone were UTC (the `rrule` crate's own zones are
//! chrono-tz's, a second tz database that could disagree with the bundled
//! one every build uses), and each local occurrence is placed in its own zone
//! afterwards by jiff. That is what RFC 5545 asks for: a 16:00 Berlin session
//! stays 16:00 in Berlin across DST, so it is 15:00Z in winter and 14:00Z in
//! summer.

use chrono::{Datelike, TimeZone as _, Timelike};
use jiff::civil::{Date, DateTime};

/// A recurring session's rhythm, on its `Session`.
#[derive(Debug, Clone)]
pub struct Recurrence {
    pub rule: Rule,
    /// The rule as its file wrote it, to show on its page.
    pub written: String,
    /// Occurrences that do not happen (`except:`); shown as cancelled.
    pub except: Vec<Date>,
    /// Every occurrence the site shows, by date: plain ones and write-ups.
    pub occurrences: Vec<crate::model::SessionId>,
    /// Without `until` or `count`: shown up to `calendar.horizon`.
    pub open_ended: bool,
}

/// One occurrence of a recurring session.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The recurring session.
    pub of: crate::model::SessionId,
    /// When the rule puts it: its date, and its start unless all-day (the
    /// iCalendar `RECURRENCE-ID` of a write-up that moves or cancels it).
    pub planned_date: Date,
    pub planned_start: Option<jiff::ZonedDateTime>,
    /// A write-up of it (its own file and page), not one the rule made.
    pub written_up: bool,
}

/// The forms `repeat:` accepts, for error hints and the docs.
pub const FORMS: &str = "`daily`, `weekly`, `every 2 weeks`, `weekly on monday and thursday`, \
`monthly` (on the day of `date`), `monthly on the 2nd thursday`, `monthly on the last friday`, \
`monthly on day 15`, `every 3 months on the 1st monday`, `yearly`, \
or an RFC 5545 rule such as `RRULE:FREQ=WEEKLY;BYDAY=TU,TH`";

/// The most occurrences one recurring session may have in a build: beyond
/// this a rule is almost surely a mistake (`daily` until 2100), and each
/// occurrence is a page.
pub const MAX_OCCURRENCES: usize = 1000;

/// A `repeat:` rule, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The RFC 5545 `RRULE` value, without `COUNT` and `UNTIL`.
    pub rrule: String,
    /// `COUNT` lifted out of a raw rule.
    pub count: Option<u32>,
    /// `UNTIL` lifted out of a raw rule, as its (local) date.
    pub until: Option<Date>,
}

/// Reads a `repeat:` value: one of the plain forms of [`FORMS`], or a raw
/// `RRULE:`. The error says what was not understood and lists the forms.
pub fn parse_repeat(text: &str) -> Result<Rule, String> {
    let written = text.trim();
    let lower = written.to_lowercase();
    let unreadable = || format!("cannot read the rule `{}`", written.escape_default());
    if lower.starts_with("rrule:") || lower.starts_with("freq=") {
        let raw = written.split_once(':').map_or(written, |(k, v)| {
            if k.eq_ignore_ascii_case("rrule") {
                v
            } else {
                written
            }
        });
        return parse_raw(raw);
    }
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let (freq, interval, rest) = match words.as_slice() {
        ["daily", rest @ ..] => ("DAILY", 1, rest),
        ["weekly", rest @ ..] => ("WEEKLY", 1, rest),
        ["monthly", rest @ ..] => ("MONTHLY", 1, rest),
        ["yearly" | "annually", rest @ ..] => ("YEARLY", 1, rest),
        ["every", "other", unit, rest @ ..] => (unit_freq(unit).ok_or_else(unreadable)?, 2, rest),
        ["every", n, unit, rest @ ..] if n.parse::<u16>().is_ok() => {
            let n: u16 = n.parse().unwrap_or(1);
            if n == 0 {
                return Err(format!("{}: the interval must be at least 1", unreadable()));
            }
            (unit_freq(unit).ok_or_else(unreadable)?, n, rest)
        }
        ["every", unit, rest @ ..] => (unit_freq(unit).ok_or_else(unreadable)?, 1, rest),
        _ => return Err(unreadable()),
    };
    let mut rrule = format!("FREQ={freq}");
    if interval != 1 {
        rrule.push_str(&format!(";INTERVAL={interval}"));
    }
    match (freq, rest) {
        (_, []) => {}
        ("WEEKLY", ["on", days @ ..]) => {
            let days: Vec<&str> = days.iter().copied().filter(|w| *w != "and").collect();
            if days.is_empty() {
                return Err(unreadable());
            }
            let codes: Option<Vec<&str>> = days.iter().map(|d| weekday_code(d)).collect();
            rrule.push_str(&format!(
                ";BYDAY={}",
                codes.ok_or_else(unreadable)?.join(",")
            ));
        }
        ("MONTHLY", ["on", "day", n]) => {
            let day: i8 = n.parse().map_err(|_| unreadable())?;
            if !(1..=31).contains(&day) {
                return Err(format!("{}: days of the month go 1-31", unreadable()));
            }
            rrule.push_str(&format!(";BYMONTHDAY={day}"));
        }
        ("MONTHLY", ["on", "the", "last", "day"]) => rrule.push_str(";BYMONTHDAY=-1"),
        ("MONTHLY", ["on", "the", ord @ .., day]) => {
            let n = ordinal(&ord.join(" ")).ok_or_else(unreadable)?;
            let code = weekday_code(day).ok_or_else(unreadable)?;
            rrule.push_str(&format!(";BYDAY={n}{code}"));
        }
        _ => return Err(unreadable()),
    }
    parse_raw(&rrule)
}

/// A raw rule: `COUNT` and `UNTIL` lifted out, the rest checked by the
/// `rrule` crate (which knows every part of RFC 5545's grammar).
fn parse_raw(raw: &str) -> Result<Rule, String> {
    let mut count = None;
    let mut until = None;
    let mut parts = Vec::new();
    for part in raw.trim().split(';').filter(|p| !p.trim().is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        let (k, v) = (k.trim().to_ascii_uppercase(), v.trim());
        match k.as_str() {
            "COUNT" => {
                count = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("`COUNT={v}` is not a positive number"))?,
                )
            }
            "UNTIL" => {
                let digits = v.get(..8).unwrap_or(v);
                let iso = match (digits.get(..4), digits.get(4..6), digits.get(6..8)) {
                    (Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}"),
                    _ => String::new(),
                };
                until = Some(crate::parse::meta::parse_iso_date(&iso).map_err(|_| {
                    format!("`UNTIL={v}` is not a date such as 20250630 or 20250630T235959Z")
                })?)
            }
            _ => parts.push(format!("{k}={v}")),
        }
    }
    let rrule = parts.join(";");
    let parsed: rrule::RRule<rrule::Unvalidated> =
        rrule.parse().map_err(|e: rrule::RRuleError| {
            format!("cannot read the rule `RRULE:{rrule}`: {}", plain(&e))
        })?;
    // Validation needs a start; any will do for what does not depend on it.
    let probe = rrule::Tz::UTC
        .with_ymd_and_hms(2025, 1, 1, 12, 0, 0)
        .single()
        .ok_or("the rule cannot be checked")?;
    parsed
        .validate(probe)
        .map_err(|e| format!("the rule `RRULE:{rrule}` is not valid: {}", plain(&e)))?;
    Ok(Rule {
        rrule,
        count,
        until,
    })
}

/// The crate's message without its "RRule parsing error:" prefix.
fn plain(e: &rrule::RRuleError) -> String {
    match e {
        rrule::RRuleError::ParserError(p) => p.to_string(),
        rrule::RRuleError::ValidationError(v) => v.to_string(),
        other => other.to_string(),
    }
}

fn unit_freq(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "day" | "days" => "DAILY",
        "week" | "weeks" => "WEEKLY",
        "month" | "months" => "MONTHLY",
        "year" | "years" => "YEARLY",
        _ => return None,
    })
}

fn weekday_code(day: &str) -> Option<&'static str> {
    let day = day.trim_end_matches('s');
    Some(match day {
        "monday" | "mon" => "MO",
        "tuesday" | "tue" => "TU",
        "wednesday" | "wed" => "WE",
        "thursday" | "thu" => "TH",
        "friday" | "fri" => "FR",
        "saturday" | "sat" => "SA",
        "sunday" | "sun" => "SU",
        _ => return None,
    })
}

fn ordinal(words: &str) -> Option<i8> {
    Some(match words {
        "1st" | "first" => 1,
        "2nd" | "second" => 2,
        "3rd" | "third" => 3,
        "4th" | "fourth" => 4,
        "5th" | "fifth" => 5,
        "last" => -1,
        "second to last" | "second-to-last" | "second last" => -2,
        _ => return None,
    })
}

/// The local start of every occurrence of `rule` from `first` on, through
/// `through` (inclusive, a local date), bounded by the rule's `count` and
/// `until`. Errors when there would be more than [`MAX_OCCURRENCES`].
pub fn expand(rule: &Rule, first: DateTime, through: Date) -> Result<Vec<DateTime>, String> {
    let to_chrono = |dt: DateTime| {
        rrule::Tz::UTC
            .with_ymd_and_hms(
                i32::from(dt.year()),
                dt.month() as u32,
                dt.day() as u32,
                dt.hour() as u32,
                dt.minute() as u32,
                dt.second() as u32,
            )
            .single()
            .ok_or_else(|| format!("{dt} cannot be expanded"))
    };
    let mut r: rrule::RRule<rrule::Unvalidated> = rule
        .rrule
        .parse()
        .map_err(|e: rrule::RRuleError| plain(&e))?;
    if let Some(n) = rule.count {
        r = r.count(n);
    }
    if let Some(until) = rule.until {
        r = r.until(to_chrono(until.at(23, 59, 59, 0))?);
    }
    let set = r
        .build(to_chrono(first)?)
        .map_err(|e| plain(&e))?
        .before(to_chrono(through.at(23, 59, 59, 0))?);
    let found = set.all((MAX_OCCURRENCES + 1) as u16);
    if found.dates.len() > MAX_OCCURRENCES {
        return Err(format!(
            "the rule gives more than {MAX_OCCURRENCES} occurrences"
        ));
    }
    found
        .dates
        .iter()
        .map(|d| {
            jiff::civil::date(d.year() as i16, d.month() as i8, d.day() as i8).at(
                d.hour() as i8,
                d.minute() as i8,
                d.second() as i8,
                0,
            )
        })
        .map(Ok)
        .collect()
}

/// `6 months`, `2 weeks`, `90 days`, `1 year`: a span of whole calendar
/// units (for `calendar.horizon`).
pub fn parse_calendar_span(text: &str) -> Result<jiff::Span, String> {
    let bad = || {
        format!(
            "cannot read `{}`: write a number and a unit, e.g. `6 months`, `8 weeks`, `90 days`, `1 year`",
            text.escape_default()
        )
    };
    let mut words = text.split_whitespace();
    let (Some(n), Some(unit), None) = (words.next(), words.next(), words.next()) else {
        return Err(bad());
    };
    let n: i64 = n.parse().map_err(|_| bad())?;
    if !(1..=100_000).contains(&n) {
        return Err(bad());
    }
    let span = match unit.trim_end_matches('s') {
        "day" => jiff::Span::new().try_days(n),
        "week" => jiff::Span::new().try_weeks(n),
        "month" => jiff::Span::new().try_months(n),
        "year" => jiff::Span::new().try_years(n),
        _ => return Err(bad()),
    };
    span.map_err(|_| bad())
}

/// `15 minutes`, `1 hour`, `2 days`, or `none`: how long before a session
/// a reminder goes off (for `calendar.reminder`).
pub fn parse_reminder(text: &str) -> Result<Option<jiff::SignedDuration>, String> {
    let bad = || {
        format!(
            "cannot read `{}`: write e.g. `15 minutes`, `1 hour`, `1 day`, or `none`",
            text.escape_default()
        )
    };
    let t = text.trim();
    if t.eq_ignore_ascii_case("none") || t.is_empty() {
        return Ok(None);
    }
    let mut words = t.split_whitespace();
    let (Some(n), Some(unit), None) = (words.next(), words.next(), words.next()) else {
        return Err(bad());
    };
    let n: i64 = n.parse().map_err(|_| bad())?;
    if !(0..=10_000).contains(&n) {
        return Err(bad());
    }
    let minutes = match unit.to_lowercase().trim_end_matches('s') {
        "minute" | "min" => n,
        "hour" => n * 60,
        "day" => n * 60 * 24,
        "week" => n * 60 * 24 * 7,
        _ => return Err(bad()),
    };
    Ok(Some(jiff::SignedDuration::from_mins(minutes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rule(s: &str) -> String {
        parse_repeat(s).unwrap().rrule
    }

    #[test]
    fn plain_forms_read_as_rfc_5545_rules() {
        assert_eq!(rule("weekly"), "FREQ=WEEKLY");
        assert_eq!(rule("Every 2 weeks"), "FREQ=WEEKLY;INTERVAL=2");
        assert_eq!(rule("every other week"), "FREQ=WEEKLY;INTERVAL=2");
        assert_eq!(
            rule("monthly on the 2nd thursday"),
            "FREQ=MONTHLY;BYDAY=2TH"
        );
        assert_eq!(
            rule("monthly on the last friday"),
            "FREQ=MONTHLY;BYDAY=-1FR"
        );
        assert_eq!(rule("monthly on day 15"), "FREQ=MONTHLY;BYMONTHDAY=15");
        assert_eq!(
            rule("weekly on monday and thursday"),
            "FREQ=WEEKLY;BYDAY=MO,TH"
        );
        assert_eq!(
            rule("every 3 months on the first monday"),
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO"
        );
    }

    #[test]
    fn raw_rules_keep_their_parts_and_lift_count_and_until() {
        let r = parse_repeat("RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6").unwrap();
        assert_eq!(r.rrule, "FREQ=WEEKLY;BYDAY=TU,TH");
        assert_eq!(r.count, Some(6));
        let r = parse_repeat("RRULE:FREQ=DAILY;UNTIL=20250630T235959Z").unwrap();
        assert_eq!(r.until, Some(date(2025, 6, 30)));
    }

    #[test]
    fn unreadable_rules_say_so() {
        for bad in [
            "fortnightly",
            "monthly on the 7th thursday",
            "every 0 weeks",
            "RRULE:FREQ=SOMETIMES",
            "RRULE:FREQ=WEEKLY;BYDAY=XX",
            "weekly on funday",
        ] {
            assert!(parse_repeat(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn monthly_on_the_2nd_thursday_expands_on_local_dates() {
        let r = parse_repeat("monthly on the 2nd thursday").unwrap();
        let got = expand(&r, date(2025, 1, 9).at(16, 0, 0, 0), date(2025, 5, 31)).unwrap();
        let days: Vec<Date> = got.iter().map(|d| d.date()).collect();
        assert_eq!(
            days,
            [
                date(2025, 1, 9),
                date(2025, 2, 13),
                date(2025, 3, 13),
                date(2025, 4, 10),
                date(2025, 5, 8)
            ]
        );
        assert!(got.iter().all(|d| d.hour() == 16));
    }

    #[test]
    fn count_and_until_bound_the_expansion() {
        let mut r = parse_repeat("weekly").unwrap();
        r.count = Some(3);
        let far = date(2030, 1, 1);
        assert_eq!(
            expand(&r, date(2025, 1, 6).at(9, 0, 0, 0), far)
                .unwrap()
                .len(),
            3
        );
        r.count = None;
        r.until = Some(date(2025, 1, 20));
        let got = expand(&r, date(2025, 1, 6).at(9, 0, 0, 0), far).unwrap();
        assert_eq!(got.last().map(|d| d.date()), Some(date(2025, 1, 20)));
    }

    #[test]
    fn too_many_occurrences_are_refused() {
        let r = parse_repeat("daily").unwrap();
        assert!(expand(&r, date(2025, 1, 1).at(9, 0, 0, 0), date(2099, 1, 1)).is_err());
    }

    #[test]
    fn spans_and_reminders() {
        assert_eq!(parse_calendar_span("6 months").unwrap().get_months(), 6);
        assert!(parse_calendar_span("soon").is_err());
        assert_eq!(
            parse_reminder("1 hour").unwrap(),
            Some(jiff::SignedDuration::from_mins(60))
        );
        assert_eq!(parse_reminder("none").unwrap(), None);
        assert!(parse_reminder("an hour").is_err());
    }
}
