//! Agendas: planned series of sessions, written as YAML, as Markdown whose
//! front matter holds the agenda, or as CSV exported from a spreadsheet.
//!
//! Parsing only checks each entry on its own (dates, times, required
//! columns). Turning entries into sessions and merging them with write-ups
//! happens in the resolve stage, which sees the whole site.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::load::SourceFile;
use crate::parse::front_matter::{self, Split};
use crate::parse::markdown::{self, Rendered};
use crate::parse::meta::{self, Status, StringList, TimeRange, ZoneName};
use crate::parse::{ParseContext, file_stem};

/// A parsed agenda file.
#[derive(Debug, Clone)]
pub struct AgendaDoc {
    pub file: PathBuf,
    pub content_path: PathBuf,
    pub text: String,
    /// Title from the file, or `None` when it should come from the file name.
    pub title: Option<String>,
    pub slug: String,
    pub community: Option<String>,
    pub timezone: Option<String>,
    pub description: Option<String>,
    pub entries: Vec<AgendaEntry>,
    /// `sessions:` items that name an existing session file instead of
    /// describing one.
    pub refs: Vec<SessionRef>,
    pub body: Option<Rendered>,
    pub diagnostics: Vec<Diagnostic>,
    pub draft: bool,
    /// `redirect_from:` entries, each with where it is written, for the
    /// redirect checks at resolve (an agenda is not a `Doc`).
    pub redirect_from: Vec<WrittenValue>,
}

/// A front-matter value as written and where: 1-based line and column, and
/// its length in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenValue {
    pub value: String,
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// An agenda item that names a session file (`- sessions/dev/kata.md`,
/// relative to `content/`, or `- kata.md`, relative to the agenda).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRef {
    /// As written.
    pub path: String,
    /// Its place in the list, from 1: the session's number in the agenda.
    pub position: u32,
    /// Where it is written (1-based line and column).
    pub line: usize,
    pub column: usize,
}

/// One planned session of an agenda, checked but not yet resolved.
#[derive(Debug, Clone, Default)]
pub struct AgendaEntry {
    pub number: Option<u32>,
    pub date: Option<Date>,
    pub time: Option<TimeRange>,
    pub timezone: Option<String>,
    pub facilitators: Vec<String>,
    pub title: String,
    pub objective: Option<String>,
    pub format: Option<String>,
    pub channel: Option<String>,
    pub tools: Vec<String>,
    pub tags: Vec<String>,
    pub patterns: Vec<String>,
    pub status: Option<Status>,
    pub community: Option<String>,
    /// Where the entry is written (1-based line), for later messages.
    pub line: usize,
    /// Where its time is written (line, column), for errors found later,
    /// such as a time in a daylight-saving gap.
    pub time_at: (usize, usize),
    /// The entry in words, to start those messages: "session 3 of the
    /// agenda", or for CSV "row 3, column `Time`".
    pub label: String,
}

/// How to read all-numeric dates that are not ISO (`04/12/2024`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    /// Day first: `04/12/2024` is 4 December.
    Dmy,
    /// Month first: `04/12/2024` is 12 April.
    Mdy,
}

/// Agenda (`content/agendas/`): a planned series of sessions, as a YAML file or a Markdown file's front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgendaMeta {
    /// The agenda's title. Default: the community's title and the file name.
    title: Option<String>,
    /// The community of its sessions: slug, title or alias. Default: the agendas sub-folder.
    community: Option<String>,
    /// The IANA time zone of its sessions' times. Default: the community's, else the site's.
    timezone: Option<ZoneName>,
    /// What the series is about.
    description: Option<String>,
    /// How to read all-numeric dates like `04/12/2024`: `dmy` or `mdy`. Default: site.yaml's, else such dates are refused as ambiguous.
    date_order: Option<DateOrder>,
    /// Values every entry inherits unless it sets its own.
    #[serde(default)]
    defaults: EntryMeta,
    /// The planned sessions; every entry becomes a session.
    #[serde(default)]
    sessions: Vec<SessionItem>,
    /// Overrides the slug made from the file name.
    slug: Option<String>,
    /// Old paths that should keep working: each becomes a redirect to the agenda's page.
    #[serde(default)]
    redirect_from: StringList,
    /// `true` leaves the file out of the site unless the build runs with `--drafts`.
    #[serde(default)]
    draft: bool,
    /// Overrides the kind of content decided by the file's folder.
    #[allow(dead_code)]
    kind: Option<meta::Kind>,
    /// Free-form data for templates; any YAML.
    #[serde(default)]
    #[allow(dead_code)]
    extra: serde_json::Value,
}

/// Every key an agenda accepts, read from [`AgendaMeta`] itself.
pub fn agenda_keys() -> &'static [&'static str] {
    crate::parse::meta::field_names::<AgendaMeta>()
}

/// One planned session of an agenda.
#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct EntryMeta {
    /// Its number in the series.
    number: Option<u32>,
    /// The session's title; required (here or in `defaults`).
    title: Option<String>,
    /// The day: ISO (`2024-12-04`) or with the month in words (`4 December 2024`); all-numeric dates need `date_order`.
    date: Option<DateText>,
    // Time and zone stay text until `entry_from_meta`, which knows the key
    // (or CSV column) to point an error at.
    /// Local start and optional end: `10:30-12:00`, `10:30 - 12:00` or a start only.
    #[schemars(with = "Option<TimeRange>")]
    time: Option<String>,
    /// IANA time zone of `time`.
    #[schemars(with = "Option<ZoneName>")]
    timezone: Option<String>,
    /// Who runs it: names matching a person's file name, title or aliases.
    #[serde(default)]
    facilitators: StringList,
    /// One facilitator's name: shorthand for `facilitators: [name]`.
    facilitator: Option<String>,
    /// One line: what participants get out of it.
    objective: Option<String>,
    /// Free text that becomes a format page: Code kata, Lean Coffee, Debate...
    format: Option<String>,
    /// Where it happens: `Zoom`, `#channel`, or a meeting URL.
    channel: Option<String>,
    /// Tools participants need.
    tools: Option<StringList>,
    /// Topics; each becomes a tag page.
    #[serde(default)]
    tags: StringList,
    /// Patterns it teaches or discusses, by slug, title or alias.
    #[serde(default)]
    patterns: StringList,
    /// Where the session is in its life. Default: from the build's clock.
    status: Option<Status>,
    /// The community's slug, title or alias. Default: the agenda's.
    community: Option<String>,
}

/// A `sessions:` item: a session described in place, or the path of a
/// session file. Not `#[serde(untagged)]`, which would replace an entry's
/// own error (an unknown key, at its line) with "did not match any variant".
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
enum SessionItem {
    /// A session described in place.
    Entry(Box<EntryMeta>),
    /// The path of a session file, relative to `content/` or to the agenda.
    File(String),
}

impl<'de> Deserialize<'de> for SessionItem {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = SessionItem;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a session (title, date, ...) or the path of a session file")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SessionItem, E> {
                Ok(SessionItem::File(v.trim().to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SessionItem, A::Error> {
                EntryMeta::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|e| SessionItem::Entry(Box::new(e)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A date as written; YAML may also type it as a number in odd cases.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
struct DateText(String);

/// Parses a YAML or CSV agenda file.
pub fn parse_agenda_file(
    file: &SourceFile,
    text: &str,
    ext: &str,
    cx: &ParseContext<'_>,
) -> Result<AgendaDoc, Vec<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(vec![Diagnostic::error("agenda file is empty").in_file(&file.path).hint(
            "a CSV agenda needs a header row (Session #, Day, Time, Facilitator, Title, ...) and one row per session",
        )]);
    }
    if ext == "csv" {
        if text.len() > front_matter::MAX_AGENDA_BYTES {
            return Err(vec![
                Diagnostic::error(format!(
                    "the agenda is too large: {} KiB, and at most {} KiB are allowed",
                    text.len().div_ceil(1024),
                    front_matter::MAX_AGENDA_BYTES / 1024
                ))
                .in_file(&file.path)
                .at_line_only(1, 1)
                .hint("split it into one agenda per season or year"),
            ]);
        }
        parse_csv(file, text, cx.date_order)
    } else {
        front_matter::check_yaml_limits(text, 1, text, &file.path, front_matter::MAX_AGENDA_BYTES)
            .map_err(|d| vec![d])?;
        let meta: AgendaMeta = serde_yaml::from_str(text).map_err(|e| {
            vec![front_matter::yaml_error(
                &e,
                text,
                1,
                text,
                &file.path,
                agenda_keys(),
            )]
        })?;
        from_meta(file, text, text, meta, 1, None, cx.date_order)
    }
}

/// Parses a Markdown agenda: the front matter is the agenda, the body introduces it.
pub fn parse_agenda_markdown(
    file: &SourceFile,
    text: &str,
    split: &Split<'_>,
    cx: &ParseContext<'_>,
) -> Result<AgendaDoc, Vec<Diagnostic>> {
    let meta: AgendaMeta = front_matter::parse_yaml_within(
        split,
        text,
        &file.path,
        agenda_keys(),
        front_matter::MAX_AGENDA_BYTES,
    )?;
    let body = markdown::render(
        split.body,
        split.body_first_line,
        &file.path,
        cx.markdown,
        cx.highlighter,
    );
    from_meta(
        file,
        text,
        split.yaml.unwrap_or(""),
        meta,
        split.yaml_first_line,
        Some(body),
        cx.date_order,
    )
}

fn agenda_slug(content_path: &Path) -> String {
    let without_ext = content_path.with_extension("");
    let rel = without_ext.strip_prefix("agendas").unwrap_or(&without_ext);
    crate::model::slug::slugify(&rel.to_string_lossy())
}

fn folder_community(content_path: &Path) -> Option<String> {
    let parent = content_path.parent()?;
    let rel = parent.strip_prefix("agendas").ok()?;
    let first = rel.components().next()?;
    Some(first.as_os_str().to_string_lossy().into_owned())
}

fn from_meta(
    file: &SourceFile,
    text: &str,
    yaml: &str,
    meta: AgendaMeta,
    first_line: usize,
    body: Option<Rendered>,
    site_date_order: Option<DateOrder>,
) -> Result<AgendaDoc, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let item_lines = session_item_lines(text);
    let date_order = meta.date_order.or(site_date_order);
    let mut refs = Vec::new();
    for (i, item) in meta.sessions.iter().enumerate() {
        let line = item_lines.get(i).copied().unwrap_or(first_line);
        let next = item_lines.get(i + 1).copied();
        let e = match item {
            SessionItem::Entry(e) => e,
            SessionItem::File(path) => {
                let column = text
                    .lines()
                    .nth(line.saturating_sub(1))
                    .and_then(|l| l.find(path.as_str()))
                    .map_or(1, |c| c + 1);
                refs.push(SessionRef {
                    path: path.clone(),
                    position: i as u32 + 1,
                    line,
                    column,
                });
                continue;
            }
        };
        let merged = merge_defaults(&meta.defaults, e);
        match entry_from_meta(merged, date_order) {
            Ok(entry) => entries.push(AgendaEntry {
                line,
                time_at: locate_in_entry(text, line, next, "time").unwrap_or((line, 1)),
                label: format!("session {} of the agenda", i + 1),
                ..entry
            }),
            Err((key, msg, hint)) => {
                let item_col = text
                    .lines()
                    .nth(line - 1)
                    .map_or(1, |l| l.len() - l.trim_start_matches([' ', '-']).len() + 1);
                let (l, c) = locate_in_entry(text, line, next, key).unwrap_or((line, item_col));
                errors.push(
                    Diagnostic::error(format!("session {} of the agenda: {msg}", i + 1))
                        .in_file(&file.path)
                        .at(text, l, c)
                        .hint(hint),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let redirect_from = meta
        .redirect_from
        .0
        .iter()
        .map(|value| {
            let (line, column, len) =
                front_matter::locate_value(yaml, first_line, "redirect_from", value)
                    .unwrap_or((first_line, 1, 3));
            WrittenValue {
                value: value.clone(),
                line,
                column,
                len,
            }
        })
        .collect();
    Ok(AgendaDoc {
        file: file.path.clone(),
        content_path: file.content_path.clone(),
        text: text.to_string(),
        redirect_from,
        title: meta.title,
        slug: meta
            .slug
            .map(|s| crate::model::slug::slugify(&s))
            .unwrap_or_else(|| agenda_slug(&file.content_path)),
        community: meta
            .community
            .or_else(|| folder_community(&file.content_path)),
        timezone: meta.timezone.map(|z| z.0),
        description: meta.description,
        entries,
        refs,
        diagnostics: body
            .as_ref()
            .map(|b| b.diagnostics.clone())
            .unwrap_or_default(),
        body,
        draft: meta.draft,
    })
}

/// 1-based lines of the items of the top-level `sessions:` list.
fn session_item_lines(text: &str) -> Vec<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("sessions:")) else {
        return Vec::new();
    };
    let mut item_indent = None;
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = l.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed.starts_with('-') && *item_indent.get_or_insert(indent) == indent {
            out.push(i + 1);
        }
    }
    out
}

/// Where `key:` is written inside the entry that starts at `entry_line`
/// (and ends before `next_entry`, if any).
fn locate_in_entry(
    text: &str,
    entry_line: usize,
    next_entry: Option<usize>,
    key: &str,
) -> Option<(usize, usize)> {
    let len = next_entry.map_or(40, |n| n.saturating_sub(entry_line));
    text.lines()
        .enumerate()
        .skip(entry_line - 1)
        .take(len)
        .find_map(|(i, l)| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&format!("{key}:"))
                .then(|| (i + 1, l.len() - t.len() + 1))
        })
}

fn merge_defaults(d: &EntryMeta, e: &EntryMeta) -> EntryMeta {
    EntryMeta {
        number: e.number,
        title: e.title.clone(),
        date: e.date.clone().or_else(|| d.date.clone()),
        time: e.time.clone().or_else(|| d.time.clone()),
        timezone: e.timezone.clone().or_else(|| d.timezone.clone()),
        facilitators: if e.facilitators.0.is_empty() {
            d.facilitators.clone()
        } else {
            e.facilitators.clone()
        },
        facilitator: e.facilitator.clone().or_else(|| d.facilitator.clone()),
        objective: e.objective.clone().or_else(|| d.objective.clone()),
        format: e.format.clone().or_else(|| d.format.clone()),
        channel: e.channel.clone().or_else(|| d.channel.clone()),
        tools: e.tools.clone().or_else(|| d.tools.clone()),
        tags: if e.tags.0.is_empty() {
            d.tags.clone()
        } else {
            e.tags.clone()
        },
        patterns: if e.patterns.0.is_empty() {
            d.patterns.clone()
        } else {
            e.patterns.clone()
        },
        status: e.status.or(d.status),
        community: e.community.clone().or_else(|| d.community.clone()),
    }
}

type EntryError = (&'static str, String, String);

fn entry_from_meta(m: EntryMeta, order: Option<DateOrder>) -> Result<AgendaEntry, EntryError> {
    let title = m.title.unwrap_or_default().trim().to_string();
    if title.is_empty() {
        return Err((
            "title",
            "missing title".into(),
            "every session needs a `title:`".into(),
        ));
    }
    let date = match &m.date {
        Some(d) => Some(parse_flexible_date(&d.0, order).map_err(|e| ("date", e.0, e.1))?),
        None => None,
    };
    let time = match &m.time {
        Some(t) => Some(meta::parse_time_range(t).map_err(|e| {
            (
                "time",
                e,
                "write times as 10:30-12:00 (a start and an end) or 10:30".to_string(),
            )
        })?),
        None => None,
    };
    let timezone = match &m.timezone {
        Some(z) => Some(meta::check_zone(z).map_err(|e| {
            (
                "timezone",
                e,
                "use an IANA zone name such as Europe/Madrid or UTC".to_string(),
            )
        })?),
        None => None,
    };
    let status = m.status;
    if date.is_none() && status != Some(Status::Proposed) {
        return Err((
            "date",
            format!("`{title}` has no date"),
            "add `date: YYYY-MM-DD`, or `status: proposed` for an idea without a date".into(),
        ));
    }
    let mut facilitators = m.facilitators.0;
    if let Some(f) = m.facilitator {
        for name in meta::split_list(&f) {
            if !facilitators.contains(&name) {
                facilitators.push(name);
            }
        }
    }
    Ok(AgendaEntry {
        number: m.number,
        date,
        time,
        timezone,
        facilitators,
        title,
        objective: m.objective,
        format: m.format,
        channel: m.channel,
        tools: m.tools.map(|t| t.0).unwrap_or_default(),
        tags: m.tags.0,
        patterns: m.patterns.0,
        status,
        community: m.community,
        line: 0,
        time_at: (0, 0),
        label: String::new(),
    })
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Reads a date as people write it in spreadsheets: ISO (`2024-12-04`), or
/// with the month in words (`04, December 2024`, `4 Dec 2024`,
/// `December 4, 2024`, `Wednesday 4 December 2024`). All-numeric dates other
/// than ISO are ambiguous (`04/12/2024`) unless `order` says how to read them.
/// Errors are (message, hint).
pub fn parse_flexible_date(raw: &str, order: Option<DateOrder>) -> Result<Date, (String, String)> {
    let s = raw.trim();
    let bad = |why: String| {
        (
            why,
            "write dates as 2024-12-04 or 4 December 2024".to_string(),
        )
    };
    if s.len() == 10 && s.as_bytes()[4] == b'-' {
        return meta::parse_iso_date(s).map_err(|e| (e, "use a date that exists".into()));
    }
    let tokens: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let mut month = None;
    let mut numbers = Vec::new();
    for t in &tokens {
        if t.chars().all(|c| c.is_ascii_digit()) {
            numbers.push(*t);
        } else {
            let lower = t.to_lowercase();
            let trimmed = lower.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
            if let Some(m) = MONTHS
                .iter()
                .position(|m| *m == lower || (lower.len() >= 3 && m.starts_with(&lower)))
            {
                month = Some(m as i8 + 1);
            } else if !is_weekday(&lower)
                && (!trimmed.chars().all(|c| c.is_ascii_digit()) || trimmed.is_empty())
            {
                return Err(bad(format!(
                    "cannot read the date `{s}`: `{t}` is not a month"
                )));
            } else if !is_weekday(&lower) {
                numbers.push(t.trim_end_matches(|c: char| c.is_alphabetic()));
            }
        }
    }
    let (y, m, d) = match month {
        Some(m) => {
            let year = numbers.iter().find(|n| n.len() == 4);
            let day = numbers.iter().find(|n| n.len() <= 2);
            match (year, day) {
                (Some(y), Some(d)) => (
                    y.parse::<i16>().unwrap_or(0),
                    m,
                    d.parse::<i8>().unwrap_or(0),
                ),
                _ => {
                    return Err(bad(format!(
                        "cannot read the date `{s}`: it needs a day and a four-digit year"
                    )));
                }
            }
        }
        None => {
            if numbers.len() != 3 {
                return Err(bad(format!("cannot read the date `{s}`")));
            }
            if numbers[0].len() == 4 {
                (
                    numbers[0].parse().unwrap_or(0),
                    numbers[1].parse().unwrap_or(0),
                    numbers[2].parse().unwrap_or(0),
                )
            } else {
                let year = numbers[2].parse::<i16>().unwrap_or(0);
                let (a, b) = (
                    numbers[0].parse::<i8>().unwrap_or(0),
                    numbers[1].parse::<i8>().unwrap_or(0),
                );
                match order {
                    Some(DateOrder::Dmy) => (year, b, a),
                    Some(DateOrder::Mdy) => (year, a, b),
                    None => {
                        return Err((
                            format!("ambiguous date `{s}`: is it day/month or month/day?"),
                            "write it as 2024-12-04 or 4 December 2024, or set `date_order: dmy` (or `mdy`) in the agenda or, for every agenda including CSV ones, in site.yaml".into(),
                        ));
                    }
                }
            }
        }
    };
    let date = Date::new(y, m, d).map_err(|_| bad(format!("the date `{s}` does not exist")))?;
    meta::check_date_window(date).map_err(|e| (e, "write the year in full, e.g. 2025".into()))
}

fn is_weekday(w: &str) -> bool {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .iter()
    .any(|d| *d == w || (w.len() >= 3 && d.starts_with(w)))
}

/// What a CSV column means, matched without regard to case, spaces and punctuation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Number,
    Date,
    Time,
    Start,
    End,
    Timezone,
    Facilitator,
    Title,
    Objective,
    Format,
    Channel,
    Tools,
    Tags,
    Patterns,
    Status,
    Community,
}

fn column_of(header: &str) -> Option<Column> {
    let key: String = header
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    Some(match key.as_str() {
        "number" | "session" | "sessionno" | "sessionnumber" | "no" | "nr" | "" => Column::Number,
        "date" | "day" => Column::Date,
        "time" | "hours" => Column::Time,
        "start" | "starttime" | "from" => Column::Start,
        "end" | "endtime" | "to" | "until" => Column::End,
        "timezone" | "zone" | "tz" => Column::Timezone,
        "facilitator" | "facilitators" | "speaker" | "speakers" | "host" => Column::Facilitator,
        "title" | "topic" | "session title" => Column::Title,
        "objective" | "goal" | "objectives" => Column::Objective,
        "format" | "type" => Column::Format,
        "channel" | "where" | "location" => Column::Channel,
        "tools" | "requiredtools" | "tool" => Column::Tools,
        "tags" | "topics" => Column::Tags,
        "patterns" => Column::Patterns,
        "status" => Column::Status,
        "community" | "cop" => Column::Community,
        _ => return None,
    })
}

const KNOWN_COLUMNS: &[&str] = &[
    "Session #",
    "Date",
    "Day",
    "Time",
    "Start",
    "End",
    "Timezone",
    "Facilitator",
    "Title",
    "Objective",
    "Format",
    "Channel",
    "Required Tools",
    "Tags",
    "Patterns",
    "Status",
    "Community",
];

fn parse_csv(
    file: &SourceFile,
    text: &str,
    date_order: Option<DateOrder>,
) -> Result<AgendaDoc, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| vec![csv_error(file, text, &e)])?
        .clone();
    let mut warnings = Vec::new();
    let mut columns = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let col = column_of(h);
        if col.is_none() {
            let hint = match did_you_mean(h, KNOWN_COLUMNS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? The column is ignored"),
                None => format!(
                    "known columns: {}; the column is ignored",
                    KNOWN_COLUMNS.join(", ")
                ),
            };
            let mut d = Diagnostic::warning(format!("unknown column `{h}`")).in_file(&file.path);
            d = d.at(text, 1, field_column(text.lines().next().unwrap_or(""), i));
            warnings.push(d.hint(hint));
        }
        columns.push(col);
    }
    if !columns.contains(&Some(Column::Title)) || !columns.contains(&Some(Column::Date)) {
        return Err(vec![
            Diagnostic::error("the agenda has no `Title` or `Date` column")
                .in_file(&file.path)
                .at(text, 1, 1)
                .hint("the first row must name the columns, e.g. `Session #,Day,Time,Facilitator,Title,Objective,Format,Channel,Required Tools`"),
        ]);
    }
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (row_index, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_error(file, text, &e));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let line = record
            .position()
            .map_or(row_index + 2, |p| p.line() as usize);
        let line_text = text.lines().nth(line - 1).unwrap_or("");
        let mut m = EntryMeta::default();
        let mut start = None;
        let mut end = None;
        let mut failed = false;
        for (i, value) in record.iter().enumerate() {
            let Some(Some(col)) = columns.get(i) else {
                continue;
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let header = headers.get(i).unwrap_or("");
            let mut err = |msg: String, hint: &str| {
                errors.push(
                    Diagnostic::error(format!("row {}, column `{header}`: {msg}", row_index + 1))
                        .in_file(&file.path)
                        .at(text, line, field_column(line_text, i))
                        .underline(value.chars().count())
                        .hint(hint.to_string()),
                );
                failed = true;
            };
            match col {
                Column::Number => match value.trim_start_matches('#').parse() {
                    Ok(n) => m.number = Some(n),
                    Err(_) => err(
                        format!("`{value}` is not a session number"),
                        "use a whole number such as 3",
                    ),
                },
                Column::Date => m.date = Some(DateText(value.to_string())),
                Column::Time => m.time = Some(value.to_string()),
                Column::Start => start = Some(value.to_string()),
                Column::End => end = Some(value.to_string()),
                Column::Timezone => m.timezone = Some(value.to_string()),
                Column::Facilitator => m.facilitator = Some(value.to_string()),
                Column::Title => m.title = Some(value.to_string()),
                Column::Objective => m.objective = Some(value.to_string()),
                Column::Format => m.format = Some(value.to_string()),
                Column::Channel => m.channel = Some(value.to_string()),
                Column::Tools => m.tools = Some(StringList(meta::split_list(value))),
                Column::Tags => m.tags = StringList(meta::split_list(value)),
                Column::Patterns => m.patterns = StringList(meta::split_list(value)),
                Column::Status => match serde_yaml::from_str::<Status>(&value.to_lowercase()) {
                    Ok(s) => m.status = Some(s),
                    Err(_) => err(
                        format!("unknown status `{value}`"),
                        "use planned, held, cancelled or proposed",
                    ),
                },
                Column::Community => m.community = Some(value.to_string()),
            }
        }
        if let Some(s) = start {
            m.time = Some(match end {
                Some(e) => format!("{s}-{e}"),
                None => s,
            });
        }
        if failed {
            continue;
        }
        let column = |wanted: &[Column]| {
            columns
                .iter()
                .position(|c| c.is_some_and(|c| wanted.contains(&c)))
        };
        let time_col = column(&[Column::Time, Column::Start]);
        let (time_at, label) = match time_col {
            Some(i) => (
                (line, field_column(line_text, i)),
                format!(
                    "row {}, column `{}`",
                    row_index + 1,
                    headers.get(i).unwrap_or("")
                ),
            ),
            None => ((line, 1), format!("row {}", row_index + 1)),
        };
        match entry_from_meta(m, date_order) {
            Ok(entry) => entries.push(AgendaEntry {
                line,
                time_at,
                label,
                ..entry
            }),
            Err((key, msg, hint)) => {
                let col = match key {
                    "date" => column(&[Column::Date]),
                    "time" => time_col,
                    "timezone" => column(&[Column::Timezone]),
                    _ => column(&[Column::Title]),
                }
                .unwrap_or(0);
                errors.push(
                    Diagnostic::error(format!(
                        "row {}, column `{}`: {msg}",
                        row_index + 1,
                        headers.get(col).unwrap_or("")
                    ))
                    .in_file(&file.path)
                    .at(text, line, field_column(line_text, col))
                    .underline(
                        record
                            .get(col)
                            .map_or(1, |v| v.trim().chars().count().max(1)),
                    )
                    .hint(hint),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AgendaDoc {
        file: file.path.clone(),
        content_path: file.content_path.clone(),
        text: text.to_string(),
        title: None,
        slug: agenda_slug(&file.content_path),
        community: folder_community(&file.content_path),
        timezone: None,
        description: None,
        entries,
        refs: Vec::new(),
        body: None,
        diagnostics: warnings,
        draft: false,
        redirect_from: Vec::new(),
    })
}

/// The 1-based character column where field `index` starts in a CSV line.
fn field_column(line: &str, index: usize) -> usize {
    let mut field = 0;
    let mut in_quotes = false;
    for (col, ch) in line.chars().enumerate() {
        if field == index {
            return col + 1;
        }
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

fn csv_error(file: &SourceFile, text: &str, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(1, |p| p.line() as usize);
    Diagnostic::error(format!("cannot read CSV: {e}"))
        .in_file(&file.path)
        .at(text, line.max(1), 1)
        .hint("save the sheet as CSV (comma-separated, UTF-8), with one header row")
}

/// Stems like `2024-25` become titles; the resolve stage prefixes the community.
pub fn title_from_file(content_path: &Path) -> String {
    let stem = file_stem(content_path);
    let words: Vec<String> = stem
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if stem.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        stem
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spreadsheet_dates() {
        let d = |s| parse_flexible_date(s, None).unwrap();
        assert_eq!(d("04, December 2024"), jiff::civil::date(2024, 12, 4));
        assert_eq!(d("4 December 2024"), jiff::civil::date(2024, 12, 4));
        assert_eq!(d("December 4, 2024"), jiff::civil::date(2024, 12, 4));
        assert_eq!(d("Wed 4 Dec 2024"), jiff::civil::date(2024, 12, 4));
        assert_eq!(d("2024-12-04"), jiff::civil::date(2024, 12, 4));
        assert_eq!(d("2024/12/04"), jiff::civil::date(2024, 12, 4));
        assert!(
            parse_flexible_date("04/12/2024", None)
                .unwrap_err()
                .0
                .contains("ambiguous")
        );
        assert_eq!(
            parse_flexible_date("04/12/2024", Some(DateOrder::Dmy)).unwrap(),
            jiff::civil::date(2024, 12, 4)
        );
        assert_eq!(
            parse_flexible_date("04/12/2024", Some(DateOrder::Mdy)).unwrap(),
            jiff::civil::date(2024, 4, 12)
        );
        assert!(
            parse_flexible_date("30 February 2025", None)
                .unwrap_err()
                .0
                .contains("does not exist")
        );
        assert!(parse_flexible_date("2025-02-30", None).is_err());
    }

    #[test]
    fn matches_spreadsheet_headers() {
        assert_eq!(column_of("Session #"), Some(Column::Number));
        assert_eq!(column_of("Required Tools"), Some(Column::Tools));
        assert_eq!(column_of("DAY"), Some(Column::Date));
        assert_eq!(column_of("Notes"), None);
    }

    #[test]
    fn finds_csv_field_columns() {
        let line = r#"1,"04, December 2024",10:30 - 12:00,Seb"#;
        assert_eq!(field_column(line, 0), 1);
        assert_eq!(field_column(line, 1), 3);
        assert_eq!(field_column(line, 2), 23);
    }
}
