//! Front matter, as typed data: one struct per kind of content file.
//!
//! Values that have a format (dates, times, zones, statuses) are validated
//! while deserializing, so that serde_yaml attaches the exact line and column
//! of the bad value to the error. Every struct denies unknown keys: a typo must
//! never drop data silently.

use std::fmt;

use indexmap::IndexMap;
use jiff::civil::{Date, Time};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// The keys a front-matter struct accepts, read from serde's derive: it passes
/// the struct's field names (after renames) to `deserialize_struct`, so a
/// deserializer that records them and stops gives the key list without a
/// second, hand-written one that can drift from the struct (as `SITE_KEYS`
/// did, lacking `formats`). Unknown-key suggestions, the key tables of docs/content-model.md
/// test and (later) JSON Schemas all read this one list.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    match T::deserialize(FieldNames) {
        Err(FieldNamesError(Some(fields))) => fields,
        // Only a struct (not a map, not a newtype) has a fixed key list.
        _ => &[],
    }
}

/// Keys accepted but not offered as suggestions: singular shorthands of a
/// list key (`facilitator` for `facilitators`), which is the one to learn.
pub const SHORTHAND_KEYS: &[&str] = &["facilitator"];

/// A deserializer with no data: it answers `deserialize_struct` with the
/// field list it is given, and everything else with an error.
struct FieldNames;

#[derive(Debug)]
struct FieldNamesError(Option<&'static [&'static str]>);

impl fmt::Display for FieldNamesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("only the field names of a struct are read")
    }
}

impl std::error::Error for FieldNamesError {}

impl de::Error for FieldNamesError {
    fn custom<T: fmt::Display>(_: T) -> Self {
        FieldNamesError(None)
    }
}

impl<'de> Deserializer<'de> for FieldNames {
    type Error = FieldNamesError;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(FieldNamesError(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        Err(FieldNamesError(Some(fields)))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

/// Gives a front-matter struct its `keys()`, from [`field_names`].
macro_rules! keys_from_fields {
    ($t:ty) => {
        impl $t {
            /// Every key this front matter accepts, in the struct's order.
            pub fn keys() -> &'static [&'static str] {
                field_names::<$t>()
            }
        }
    };
}

/// The kinds of content a site holds. The folder decides the kind of a file,
/// and `kind:` in its front matter overrides it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Session,
    Pattern,
    Community,
    Person,
    Page,
    Agenda,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Session,
        Kind::Pattern,
        Kind::Community,
        Kind::Person,
        Kind::Page,
        Kind::Agenda,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Pattern => "pattern",
            Kind::Community => "community",
            Kind::Person => "person",
            Kind::Page => "page",
            Kind::Agenda => "agenda",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// A session's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Announced, with a date; the default until it is over.
    Planned,
    /// It took place; the default once it is over.
    Held,
    /// Called off: kept in the calendar, marked cancelled.
    Cancelled,
    /// An idea looking for a date or a facilitator: listed on the backlog.
    Proposed,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Held => "held",
            Status::Cancelled => "cancelled",
            Status::Proposed => "proposed",
        }
    }
}

/// How far a community recommends a pattern (a technology-radar ring).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Maturity {
    /// Recommended: use it by default.
    Adopt,
    /// Worth using on a real project, with care.
    Trial,
    /// Worth exploring, not yet for real work.
    Assess,
    /// Not recommended for new work.
    Hold,
}

impl Maturity {
    pub const ALL: [Maturity; 4] = [
        Maturity::Adopt,
        Maturity::Trial,
        Maturity::Assess,
        Maturity::Hold,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Maturity::Adopt => "adopt",
            Maturity::Trial => "trial",
            Maturity::Assess => "assess",
            Maturity::Hold => "hold",
        }
    }
}

/// A calendar date written `YYYY-MM-DD`; impossible dates are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDate(pub Date);

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_iso_date(&s).map(IsoDate).map_err(de::Error::custom)
    }
}

pub fn parse_iso_date(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(format!(
            "invalid date `{s}`: expected YYYY-MM-DD, e.g. 2025-03-12"
        ));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7) as i8, num(8..10) as i8);
    let date = Date::new(y, m, d).map_err(|_| {
        if (1..=12).contains(&m) {
            let days = Date::new(y, m, 1).map(|f| f.days_in_month()).unwrap_or(31);
            format!("invalid date `{s}`: {} has only {days} days", month_name(m))
        } else {
            format!("invalid date `{s}`: there is no month {m}")
        }
    })?;
    check_date_window(date)
}

/// The first and last years a date in content may fall in.
///
/// A community's sessions happen in living memory: a date outside these years
/// is a typo (`0202-05-12`, `9999-12-31` as "some day"), and accepting it
/// costs real work, since the calendar has a page for every month between the
/// first session and the last (year 1 to 2025 is 24,000 empty pages) and date
/// arithmetic near jiff's limit of year 9999 overflows.
pub const DATE_WINDOW: std::ops::RangeInclusive<i16> = 1970..=2100;

/// Refuses a date outside [`DATE_WINDOW`], saying why (every place a date
/// enters the site calls this: front matter, agendas, the build clock).
pub fn check_date_window(date: Date) -> Result<Date, String> {
    if DATE_WINDOW.contains(&date.year()) {
        return Ok(date);
    }
    let side = if date.year() < *DATE_WINDOW.start() {
        "before"
    } else {
        "after"
    };
    Err(format!(
        "the date `{date}` is {side} the years Fireside accepts ({}-{}); is the year a typo?",
        DATE_WINDOW.start(),
        DATE_WINDOW.end()
    ))
}

pub fn month_name(m: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    NAMES[(m.clamp(1, 12) - 1) as usize]
}

/// A local wall-clock time `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClockTime(pub Time);

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_clock(&s).map(ClockTime).map_err(de::Error::custom)
    }
}

pub fn parse_clock(s: &str) -> Result<Time, String> {
    let t = s.trim();
    let (h, m) = t
        .split_once(':')
        .or_else(|| t.split_once('.'))
        .ok_or_else(|| format!("invalid time `{t}`: expected HH:MM, e.g. 10:30"))?;
    let h: i8 = h
        .trim()
        .parse()
        .map_err(|_| format!("invalid time `{t}`: expected HH:MM"))?;
    let m: i8 = m
        .trim()
        .parse()
        .map_err(|_| format!("invalid time `{t}`: expected HH:MM"))?;
    Time::new(h, m, 0, 0).map_err(|_| format!("invalid time `{t}`: hours go 0-23 and minutes 0-59"))
}

/// `"HH:MM-HH:MM"` or `"HH:MM"`: a start and an optional end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start: Time,
    pub end: Option<Time>,
}

impl<'de> Deserialize<'de> for TimeRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        parse_time_range(&s).map_err(de::Error::custom)
    }
}

pub fn parse_time_range(s: &str) -> Result<TimeRange, String> {
    let s = s.trim();
    let (start, end) = match s.split_once(['-', '–', '—']) {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let start = parse_clock(start)?;
    let end = end.map(parse_clock).transpose()?;
    let range = TimeRange { start, end };
    if end.is_some() && range.length().is_none() {
        return Err(format!(
            "invalid time range `{s}`: the end is not after the start \
             (a session may cross midnight, as `23:00-01:00` does, for at most {MAX_OVERNIGHT_HOURS} hours)"
        ));
    }
    Ok(range)
}

/// The longest a session that crosses midnight may last: `23:00-01:00` is
/// an evening session, but `12:00-10:30` is a typo, not 22 and a half hours.
pub const MAX_OVERNIGHT_HOURS: i64 = 12;

impl TimeRange {
    /// Whether the end is on the next day (`23:00-01:00`).
    pub fn crosses_midnight(&self) -> bool {
        self.end.is_some_and(|e| e < self.start)
    }

    /// How long the session lasts by the clock on the wall, or `None` when
    /// it has no end or the range is not a plausible one (see
    /// [`MAX_OVERNIGHT_HOURS`]).
    pub fn length(&self) -> Option<jiff::SignedDuration> {
        let end = self.end?;
        let same_day = end.duration_since(self.start);
        if same_day.is_positive() {
            return Some(same_day);
        }
        let overnight = same_day + jiff::SignedDuration::from_hours(24);
        (overnight.is_positive()
            && overnight <= jiff::SignedDuration::from_hours(MAX_OVERNIGHT_HOURS))
        .then_some(overnight)
    }
}

/// An IANA time zone name, checked against the bundled tz database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ZoneName(pub String);

impl<'de> Deserialize<'de> for ZoneName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        check_zone(&s).map(ZoneName).map_err(de::Error::custom)
    }
}

/// The tz database every build uses: the one bundled in the binary, so output
/// does not change with the host's tzdata.
pub fn tzdb() -> &'static jiff::tz::TimeZoneDatabase {
    static DB: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    DB.get_or_init(jiff::tz::TimeZoneDatabase::bundled)
}

pub fn check_zone(name: &str) -> Result<String, String> {
    let name = name.trim();
    if tzdb().get(name).is_ok() {
        return Ok(name.to_string());
    }
    let names: Vec<String> = tzdb().available().map(|n| n.as_str().to_string()).collect();
    let suggestion = crate::diagnostic::did_you_mean(name, names.iter().map(String::as_str));
    Err(match suggestion {
        Some(s) => format!("unknown time zone `{name}`; did you mean `{s}`?"),
        None => {
            format!("unknown time zone `{name}`: use an IANA name such as `Europe/Madrid` or `UTC`")
        }
    })
}

/// A list that may also be written as one string, comma-separated
/// (`tools: Code editor, testing framework`), as spreadsheets do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct StringList(pub Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of text, or text separated by commas")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList(split_list(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<StringList, E> {
                Ok(StringList::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<StringList, E> {
                Ok(StringList::default())
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<ScalarText>()? {
                    let item = item.0.trim().to_string();
                    if !item.is_empty() {
                        items.push(item);
                    }
                }
                Ok(StringList(items))
            }
        }
        d.deserialize_any(ListVisitor)
    }
}

/// Splits a spreadsheet-style list; `None`, `-` and empty mean no items.
pub fn split_list(v: &str) -> Vec<String> {
    let v = v.trim();
    if v.is_empty() || v.eq_ignore_ascii_case("none") || v == "-" {
        return Vec::new();
    }
    v.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Text that YAML may have typed as a number or boolean (`- 2024`), kept as written.
struct ScalarText(String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ScalarText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ScalarText, E> {
                Ok(ScalarText(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// Session front matter (`content/sessions/`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionMeta {
    /// The session's title; required.
    pub title: String,
    /// The day it happens, `YYYY-MM-DD`; required unless `status: proposed`.
    pub date: Option<IsoDate>,
    /// Local start and optional end, `"HH:MM-HH:MM"` or `"HH:MM"` (quote it in YAML).
    pub time: Option<TimeRange>,
    /// Local start time, `"HH:MM"`: an alternative to `time`.
    pub start: Option<ClockTime>,
    /// Local end time, `"HH:MM"`: an alternative to `time`.
    pub end: Option<ClockTime>,
    /// IANA time zone of `time`, e.g. `Europe/Madrid`. Default: the agenda's, the community's, then the site's.
    pub timezone: Option<ZoneName>,
    /// Who runs it: names matching a person's file name, title or aliases.
    #[serde(default)]
    pub facilitators: StringList,
    /// One facilitator's name: shorthand for `facilitators: [name]`.
    pub facilitator: Option<String>,
    /// The community's slug, title or alias. Default: the agenda's, else the sessions sub-folder.
    pub community: Option<String>,
    /// Free text that becomes a format page: Code kata, Lean Coffee, Debate, Workshop...
    pub format: Option<String>,
    /// Where it happens: `Zoom`, `#channel`, or a meeting URL. Default: the community's.
    pub channel: Option<String>,
    /// Tools participants need.
    #[serde(default)]
    pub tools: StringList,
    /// One line: what participants get out of it (also the summary in lists).
    pub objective: Option<String>,
    /// Topics; each becomes a tag page.
    #[serde(default)]
    pub tags: StringList,
    /// Patterns this session teaches or discusses, by slug, title or alias.
    #[serde(default)]
    pub patterns: StringList,
    /// Where the session is in its life. Default: from the build's clock (`held` once over, else `planned`; `proposed` if undated).
    pub status: Option<Status>,
    /// Links by label: slides, recording, kata repository (label: URL).
    #[serde(default)]
    pub resources: IndexMap<String, String>,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug made from the file name (the last part of the URL).
    pub slug: Option<String>,
    /// Other names wikilinks (and references by name) may use for this item.
    #[serde(default)]
    pub aliases: StringList,
    /// Old paths that should keep working: each becomes a redirect here.
    #[serde(default)]
    pub redirect_from: StringList,
    /// Overrides the kind of content decided by the file's folder.
    pub kind: Option<Kind>,
    /// Free-form data for your own templates; any YAML.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// A recurring session's rule (`weekly`, `monthly on the 2nd thursday`,
    /// `RRULE:...`); `date` is then its first occurrence.
    pub repeat: Option<String>,
    /// The last day a recurring session may occur on.
    pub until: Option<IsoDate>,
    /// How many times a recurring session occurs.
    pub count: Option<u32>,
    /// Occurrences of a recurring session that do not happen.
    #[serde(default)]
    pub except: DateList,
    /// The last day of a multi-day session.
    pub end_date: Option<IsoDate>,
    /// The series this session is a part of.
    pub series: Option<String>,
}

keys_from_fields!(SessionMeta);

/// One date or a list of them (`except: 2025-04-10` or `except: [...]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateList(pub Vec<IsoDate>);

impl<'de> Deserialize<'de> for DateList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Not `#[serde(untagged)]`: it would hide the date's own message.
        let value = serde_yaml::Value::deserialize(d)?;
        match value {
            serde_yaml::Value::Null => Ok(DateList::default()),
            serde_yaml::Value::Sequence(items) => items
                .into_iter()
                .map(|v| IsoDate::deserialize(v).map_err(de::Error::custom))
                .collect::<Result<Vec<_>, D::Error>>()
                .map(DateList),
            other => IsoDate::deserialize(other)
                .map(|d| DateList(vec![d]))
                .map_err(de::Error::custom),
        }
    }
}

/// Pattern front matter (`content/patterns/`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PatternMeta {
    /// The pattern's name; required.
    pub title: String,
    /// One line for lists and cards. Default: the first paragraph.
    pub summary: Option<String>,
    /// Topics, shared with sessions' tags.
    #[serde(default)]
    pub tags: StringList,
    /// How far the community recommends it (a technology-radar ring). Unset means unrated.
    pub maturity: Option<Maturity>,
    /// Other names wikilinks (and references by name) may use for this item.
    #[serde(default)]
    pub aliases: StringList,
    /// Other patterns, by slug, title or alias; linked in both directions.
    #[serde(default)]
    pub related: StringList,
    /// Who keeps it current (a person, linked like a facilitator).
    pub owner: Option<String>,
    /// When it is due for a review; past it, the page says it may be out of date.
    pub review_by: Option<IsoDate>,
    /// Old paths that should keep working: each becomes a redirect here.
    #[serde(default)]
    pub redirect_from: StringList,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug made from the file name (the last part of the URL).
    pub slug: Option<String>,
    /// Overrides the kind of content decided by the file's folder.
    pub kind: Option<Kind>,
    /// Free-form data for your own templates; any YAML.
    #[serde(default)]
    pub extra: serde_json::Value,
}

keys_from_fields!(PatternMeta);

/// Community front matter (`content/communities/`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommunityMeta {
    /// The community's name; required.
    pub title: String,
    /// The shared domain, in one line.
    pub purpose: Option<String>,
    /// Who coordinates it: names, linked to people like facilitators.
    #[serde(default)]
    pub coordinators: StringList,
    /// The default channel of its sessions.
    pub channel: Option<String>,
    /// The default IANA time zone of its sessions.
    pub timezone: Option<ZoneName>,
    /// Accent colour, `"#rrggbb"` or `"#rgb"` (quoted: `#` starts a YAML comment).
    pub color: Option<Color>,
    /// Other names wikilinks (and references by name) may use for this item.
    #[serde(default)]
    pub aliases: StringList,
    /// Old paths that should keep working: each becomes a redirect here.
    #[serde(default)]
    pub redirect_from: StringList,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug made from the file name (the last part of the URL).
    pub slug: Option<String>,
    /// Overrides the kind of content decided by the file's folder.
    pub kind: Option<Kind>,
    /// Free-form data for your own templates; any YAML.
    #[serde(default)]
    pub extra: serde_json::Value,
}

keys_from_fields!(CommunityMeta);

/// Person front matter (`content/people/`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonMeta {
    /// The person's name; required.
    pub title: String,
    /// One line, e.g. "Principal Engineer, Catalogue & Search".
    pub role: Option<String>,
    /// Other names wikilinks (and references by name) may use for this item.
    #[serde(default)]
    pub aliases: StringList,
    /// Links by label (label: URL).
    #[serde(default)]
    pub links: IndexMap<String, String>,
    /// Old paths that should keep working: each becomes a redirect here.
    #[serde(default)]
    pub redirect_from: StringList,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug made from the file name (the last part of the URL).
    pub slug: Option<String>,
    /// Overrides the kind of content decided by the file's folder.
    pub kind: Option<Kind>,
    /// Free-form data for your own templates; any YAML.
    #[serde(default)]
    pub extra: serde_json::Value,
}

keys_from_fields!(PersonMeta);

/// Plain page front matter (anything else under `content/`).
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageMeta {
    /// The page's title; required.
    pub title: String,
    /// Meta description, and the summary in lists (default: the first paragraph).
    pub description: Option<String>,
    /// Show the page in the site's main navigation.
    #[serde(default)]
    pub menu: bool,
    /// Order in the navigation and in lists; lower comes first.
    #[serde(default)]
    pub weight: i64,
    /// Other names wikilinks (and references by name) may use for this item.
    #[serde(default)]
    pub aliases: StringList,
    /// Who keeps it current (a person, linked like a facilitator).
    pub owner: Option<String>,
    /// When it is due for a review; past it, the page says it may be out of date.
    pub review_by: Option<IsoDate>,
    /// Old paths that should keep working: each becomes a redirect here.
    #[serde(default)]
    pub redirect_from: StringList,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Overrides the slug made from the file name (the last part of the URL).
    pub slug: Option<String>,
    /// Overrides the kind of content decided by the file's folder.
    pub kind: Option<Kind>,
    /// Free-form data for your own templates; any YAML.
    #[serde(default)]
    pub extra: serde_json::Value,
}

keys_from_fields!(PageMeta);

/// A CSS colour: `#rgb`/`#rrggbb`. Anything else would be a way to inject CSS.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Color(pub String);

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.strip_prefix('#').unwrap_or("");
        if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Color(s.to_ascii_lowercase()))
        } else {
            Err(de::Error::custom(format!(
                "invalid colour `{s}`: write it as `#rrggbb`, e.g. \"#b4451f\" (quoted, since # starts a YAML comment)"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_window_are_refused() {
        assert!(parse_iso_date("1970-01-01").is_ok());
        assert!(parse_iso_date("2100-12-31").is_ok());
        for (date, side) in [
            ("1969-12-31", "before"),
            ("0001-01-01", "before"),
            ("2101-01-01", "after"),
            ("9999-12-31", "after"),
        ] {
            let e = parse_iso_date(date).unwrap_err();
            assert!(e.contains(side) && e.contains("1970-2100"), "{e}");
        }
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_iso_date("2024-12-04").is_ok());
        assert_eq!(
            parse_iso_date("2025-02-30").unwrap_err(),
            "invalid date `2025-02-30`: February has only 28 days"
        );
        assert!(parse_iso_date("2024-02-29").is_ok());
        assert!(
            parse_iso_date("2024-13-01")
                .unwrap_err()
                .contains("no month 13")
        );
        assert!(
            parse_iso_date("04/12/2024")
                .unwrap_err()
                .contains("YYYY-MM-DD")
        );
    }

    #[test]
    fn time_ranges() {
        let r = parse_time_range("10:30 - 12:00").unwrap();
        assert_eq!((r.start.hour(), r.end.unwrap().hour()), (10, 12));
        assert!(
            parse_time_range("12:00-10:30")
                .unwrap_err()
                .contains("end is not after")
        );
        assert!(parse_time_range("25:00").is_err());
        assert_eq!(parse_time_range("9:05").unwrap().end, None);
    }

    #[test]
    fn zones_suggest_the_nearest_name() {
        assert!(check_zone("Europe/Madrid").is_ok());
        let e = check_zone("Europe/Madird").unwrap_err();
        assert!(e.contains("did you mean `Europe/Madrid`"), "{e}");
    }

    #[test]
    fn lists_accept_spreadsheet_text() {
        let m: SessionMeta = serde_yaml::from_str(
            "title: A\ntools: Code editor, testing framework\ntags: [2024, tdd]",
        )
        .unwrap();
        assert_eq!(m.tools.0, ["Code editor", "testing framework"]);
        assert_eq!(m.tags.0, ["2024", "tdd"]);
        assert!(split_list("None").is_empty());
    }
}
