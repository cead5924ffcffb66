//! Reading `.ics` feeds back with an independent parser (the `icalendar`
//! crate's), and working out the instants they describe from their own
//! VTIMEZONE data, not from Fireside's.

pub use icalendar::parser::Component;
use icalendar::parser::{read_calendar, unfold};
use jiff::Timestamp;
use jiff::civil::DateTime;

/// The raw shape RFC 5545 3.1 asks for: CRLF line ends only, no line over
/// 75 octets, continuation lines starting with one space.
#[track_caller]
pub fn assert_content_lines(name: &str, text: &str) {
    assert!(text.ends_with("\r\n"), "{name}: must end with CRLF");
    assert!(
        !text.replace("\r\n", "").contains(['\n', '\r']),
        "{name}: a bare LF or CR"
    );
    for (i, line) in text.split("\r\n").enumerate() {
        assert!(
            line.len() <= 75,
            "{name}: line {} has {} octets: {line:?}",
            i + 1,
            line.len()
        );
    }
}

pub fn prop<'a>(c: &'a Component<'_>, name: &str) -> Option<&'a str> {
    c.find_prop(name).map(|p| p.val.as_str())
}

pub fn param<'a>(c: &'a Component<'_>, prop_name: &str, key: &str) -> Option<&'a str> {
    c.find_prop(prop_name)?
        .params
        .iter()
        .find(|p| p.key.as_str() == key)
        .and_then(|p| p.val.as_ref().map(|v| v.as_str()))
}

pub fn text_value(c: &Component<'_>, name: &str) -> String {
    c.find_prop(name)
        .map(|p| p.val.clone().unescape_text().as_str().to_string())
        .unwrap_or_default()
}

pub fn parse_local(value: &str) -> DateTime {
    DateTime::strptime("%Y%m%dT%H%M%S", value).unwrap_or_else(|e| panic!("{value}: {e}"))
}

pub fn parse_offset(value: &str) -> i32 {
    let sign = if value.starts_with('-') { -1 } else { 1 };
    let digits = &value[1..];
    let n = |r: std::ops::Range<usize>| digits.get(r).map_or(0, |d| d.parse::<i32>().unwrap());
    sign * (n(0..2) * 3600 + n(2..4) * 60 + n(4..6))
}

/// The instant a `DTSTART`/`DTEND` stands for, using only what the file
/// says: a UTC value, or local time with a TZID resolved through the
/// file's own VTIMEZONE (the observance with the latest onset not after it).
pub fn instant(calendar: &[Component<'_>], event: &Component<'_>, name: &str) -> Timestamp {
    let value = prop(event, name).unwrap_or_else(|| panic!("no {name}"));
    if let Some(utc) = value.strip_suffix('Z') {
        return parse_local(utc)
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp();
    }
    let tzid = param(event, name, "TZID").unwrap_or_else(|| panic!("{name} has no TZID"));
    let vtimezone = calendar
        .iter()
        .find(|c| c.name.as_str() == "VTIMEZONE" && prop(c, "TZID") == Some(tzid))
        .unwrap_or_else(|| panic!("no VTIMEZONE for {tzid}"));
    let local = parse_local(value);
    let observance = vtimezone
        .components
        .iter()
        .filter(|o| parse_local(prop(o, "DTSTART").unwrap()) <= local)
        .max_by_key(|o| parse_local(prop(o, "DTSTART").unwrap()))
        .unwrap_or_else(|| panic!("VTIMEZONE {tzid} does not cover {value}"));
    let offset = parse_offset(prop(observance, "TZOFFSETTO").unwrap());
    let as_utc = local
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp();
    as_utc - jiff::SignedDuration::from_secs(offset as i64)
}

/// Parses a feed with the icalendar crate; returns the VCALENDAR's
/// properties checked and its components.
pub fn parse(name: &str, text: &str) -> Vec<Component<'static>> {
    assert_content_lines(name, text);
    let unfolded = unfold(text);
    let cal = read_calendar(&unfolded).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
    let get = |key: &str| {
        cal.properties
            .iter()
            .find(|p| p.name.as_str() == key)
            .map(|p| p.val.as_str().to_string())
    };
    assert_eq!(get("VERSION").as_deref(), Some("2.0"), "{name}");
    assert!(
        get("PRODID").is_some_and(|p| p.contains("Fireside")),
        "{name}"
    );
    assert_eq!(get("CALSCALE").as_deref(), Some("GREGORIAN"), "{name}");
    assert!(get("X-WR-CALNAME").is_some_and(|n| !n.is_empty()), "{name}");
    cal.components.into_iter().map(|c| owned(&c)).collect()
}

pub fn owned(c: &Component<'_>) -> Component<'static> {
    Component {
        name: c.name.to_owned(),
        properties: c
            .properties
            .iter()
            .map(|p| icalendar::parser::Property {
                name: p.name.to_owned(),
                val: p.val.to_owned(),
                params: p
                    .params
                    .iter()
                    .map(|x| icalendar::parser::Parameter {
                        key: x.key.to_owned(),
                        val: x.val.as_ref().map(|v| v.to_owned()),
                    })
                    .collect(),
            })
            .collect(),
        components: c.components.iter().map(owned).collect(),
    }
}

pub fn events<'a>(components: &'a [Component<'static>]) -> Vec<&'a Component<'static>> {
    components
        .iter()
        .filter(|c| c.name.as_str() == "VEVENT")
        .collect()
}

pub fn event_by_slug<'a>(
    components: &'a [Component<'static>],
    slug: &str,
) -> &'a Component<'static> {
    events(components)
        .into_iter()
        .find(|e| prop(e, "UID").is_some_and(|u| u.starts_with(&format!("{slug}@"))))
        .unwrap_or_else(|| panic!("no event for {slug}"))
}
