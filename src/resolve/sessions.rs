//! The session draft: one session from an agenda entry overlaid by its
//! write-up, resolved by one builder.
//!
//! A session can come from an agenda entry, from a write-up (a file under
//! `content/sessions/`), or from both when they share a date and a title
//! slug. There used to be two builders, one per source, and they drifted (an
//! entry's patterns were not deduplicated, an entry's unknown community was
//! an error alone and ignored once written up, a written-up entry's patterns
//! were dropped). Now both sources become one [`SessionDraft`], whose fields
//! are chosen by [`Field::winner`] (the table docs/content-model.md quotes), and one
//! builder validates and resolves the draft, whatever its sources.

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::civil::Date;

use super::{EMPTY_NAME_HINT, Resolver, check_names, checked_entry_url, checked_url, dedup};
use crate::diagnostic::Diagnostic;
use crate::model::slug::slugify;
use crate::model::*;
use crate::parse::Doc;
use crate::parse::agenda::{AgendaDoc, AgendaEntry};
use crate::parse::meta::{self, SessionMeta, Status, TimeRange};

/// A field a session takes from its agenda entry or its write-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Time,
    Timezone,
    Facilitators,
    Community,
    Format,
    Channel,
    Tools,
    Objective,
    Tags,
    Patterns,
    Status,
    Resources,
    Aliases,
    Slug,
    Extra,
    Number,
}

/// Which source gives a field when an entry and a write-up are one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Winner {
    /// The write-up's value if it sets one, else the entry's.
    WriteUpElseEntry,
    /// Only write-ups have the field.
    WriteUp,
    /// Only entries have the field.
    Entry,
}

impl Field {
    pub const ALL: &[Field] = &[
        Field::Title,
        Field::Time,
        Field::Timezone,
        Field::Facilitators,
        Field::Community,
        Field::Format,
        Field::Channel,
        Field::Tools,
        Field::Objective,
        Field::Tags,
        Field::Patterns,
        Field::Status,
        Field::Resources,
        Field::Aliases,
        Field::Slug,
        Field::Extra,
        Field::Number,
    ];

    /// The precedence, written once: the draft is overlaid through this
    /// function, and the table in docs/content-model.md is checked against it.
    pub fn winner(self) -> Winner {
        use Field::*;
        match self {
            Title | Time | Timezone | Facilitators | Community | Format | Channel | Tools
            | Objective | Tags | Patterns | Status => Winner::WriteUpElseEntry,
            Resources | Aliases | Slug | Extra => Winner::WriteUp,
            Number => Winner::Entry,
        }
    }

    /// The key as a user writes it.
    pub fn key(self) -> &'static str {
        use Field::*;
        match self {
            Title => "title",
            Time => "time",
            Timezone => "timezone",
            Facilitators => "facilitators",
            Community => "community",
            Format => "format",
            Channel => "channel",
            Tools => "tools",
            Objective => "objective",
            Tags => "tags",
            Patterns => "patterns",
            Status => "status",
            Resources => "resources",
            Aliases => "aliases",
            Slug => "slug",
            Extra => "extra",
            Number => "number",
        }
    }

    /// What is used when neither source sets the field.
    pub fn otherwise(self) -> &'static str {
        use Field::*;
        match self {
            Timezone => "the agenda's, else the community's, else the site's",
            Community => "the agenda's, else the sessions sub-folder",
            Channel => "the community's",
            Status => "from the clock: `held` once over, else `planned` (`proposed` if undated)",
            Slug => "date and title (entry), or date and file name (write-up)",
            _ => "none",
        }
    }

    /// Overlays the write-up's value on the entry's.
    fn pick<T>(self, write_up: Option<T>, entry: Option<T>) -> Option<T> {
        match self.winner() {
            Winner::WriteUpElseEntry => write_up.or(entry),
            Winner::WriteUp => write_up,
            Winner::Entry => entry,
        }
    }
}

impl Winner {
    pub fn describe(self) -> &'static str {
        match self {
            Winner::WriteUpElseEntry => "write-up, else entry",
            Winner::WriteUp => "write-up only",
            Winner::Entry => "entry only",
        }
    }
}

/// The "Agenda entry and write-up: which wins" table, from
/// [`Field::winner`] (a test keeps docs/content-model.md equal to it).
pub fn precedence_table() -> String {
    let mut s = String::from("| key | taken from | when neither sets it |\n|---|---|---|\n");
    for f in Field::ALL {
        s.push_str(&format!(
            "| `{}` | {} | {} |\n",
            f.key(),
            f.winner().describe(),
            f.otherwise()
        ));
    }
    s
}

/// Where a value was written, to point its errors there.
#[derive(Clone, Copy)]
enum Origin<'a> {
    WriteUp(&'a Doc<SessionMeta>, &'static str),
    Entry(&'a AgendaDoc, &'a AgendaEntry),
}

impl Origin<'_> {
    /// An error about `value` (or the whole field when `None`).
    fn error(self, value: Option<&str>, message: impl Into<String>) -> Diagnostic {
        match self {
            Origin::WriteUp(doc, key) => match value {
                Some(v) => doc.error_at_value(key, v, message),
                None => doc.error_at_key(key, message),
            },
            Origin::Entry(a, e) => Diagnostic::error(message)
                .in_file(&a.file)
                .at(&a.text, e.line, 1),
        }
    }
}

type Sourced<'a, T> = Option<(T, Origin<'a>)>;

/// One session before its names are resolved: each field already chosen
/// from the entry or the write-up.
struct SessionDraft<'a> {
    write_up: Option<&'a Doc<SessionMeta>>,
    entry: Option<(&'a AgendaDoc, &'a AgendaEntry, AgendaId)>,
    title: String,
    date: Option<Date>,
    end_date: Option<Date>,
    time: Sourced<'a, TimeRange>,
    timezone: Option<String>,
    facilitators: Sourced<'a, Vec<String>>,
    community: Sourced<'a, String>,
    format: Sourced<'a, String>,
    channel: Sourced<'a, String>,
    tools: Vec<String>,
    objective: Option<String>,
    tags: Sourced<'a, Vec<String>>,
    patterns: Sourced<'a, Vec<String>>,
    status: Option<Status>,
}

/// `Some(list)` when it has items: an empty list sets nothing.
fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}

impl<'a> SessionDraft<'a> {
    fn new(
        write_up: Option<&'a Doc<SessionMeta>>,
        entry: Option<(&'a AgendaDoc, &'a AgendaEntry, AgendaId)>,
    ) -> Self {
        let m = write_up.map(|d| &d.meta);
        let w = |key: &'static str| write_up.map(|d| Origin::WriteUp(d, key));
        let e = entry.map(|(a, e, _)| (a, e));
        let eo = e.map(|(a, e)| Origin::Entry(a, e));
        fn both<'a, T>(
            f: Field,
            write_up: Sourced<'a, T>,
            entry: Option<T>,
            at_entry: Option<Origin<'a>>,
        ) -> Sourced<'a, T> {
            f.pick(write_up, entry.zip(at_entry))
        }
        let write_up_time = m.and_then(|m| match (m.time, m.start) {
            (Some(t), _) => Some(t),
            (None, Some(s)) => Some(TimeRange {
                start: s.0,
                end: m.end.map(|e| e.0),
            }),
            (None, None) => None,
        });
        let time_key = if m.is_some_and(|m| m.time.is_some()) {
            "time"
        } else {
            "start"
        };
        let mut facilitators = m.map(|m| m.facilitators.0.clone()).unwrap_or_default();
        if let Some(f) = m.and_then(|m| m.facilitator.as_ref()) {
            facilitators.extend(meta::split_list(f));
        }
        let facilitators_key =
            if m.is_some_and(|m| m.facilitator.is_some() && m.facilitators.0.is_empty()) {
                "facilitator"
            } else {
                "facilitators"
            };
        SessionDraft {
            write_up,
            entry,
            title: Field::Title
                .pick(m.map(|m| m.title.clone()), e.map(|(_, e)| e.title.clone()))
                .unwrap_or_default(),
            date: match m {
                Some(m) => m.date.map(|d| d.0),
                None => e.and_then(|(_, e)| e.date),
            },
            end_date: m.and_then(|m| m.end_date.map(|d| d.0)),
            time: both(
                Field::Time,
                write_up_time.zip(w(time_key)),
                e.and_then(|(_, e)| e.time),
                eo,
            ),
            timezone: Field::Timezone.pick(
                m.and_then(|m| m.timezone.as_ref().map(|z| z.0.clone())),
                e.and_then(|(a, e)| e.timezone.clone().or_else(|| a.timezone.clone())),
            ),
            facilitators: both(
                Field::Facilitators,
                non_empty(facilitators).zip(w(facilitators_key)),
                e.and_then(|(_, e)| non_empty(e.facilitators.clone())),
                eo,
            ),
            community: both(
                Field::Community,
                m.and_then(|m| m.community.clone()).zip(w("community")),
                e.and_then(|(_, e)| e.community.clone()),
                eo,
            ),
            format: both(
                Field::Format,
                m.and_then(|m| m.format.clone()).zip(w("format")),
                e.and_then(|(_, e)| e.format.clone()),
                eo,
            ),
            channel: both(
                Field::Channel,
                m.and_then(|m| m.channel.clone()).zip(w("channel")),
                e.and_then(|(_, e)| e.channel.clone()),
                eo,
            ),
            tools: Field::Tools
                .pick(
                    m.and_then(|m| non_empty(m.tools.0.clone())),
                    e.map(|(_, e)| e.tools.clone()),
                )
                .unwrap_or_default(),
            objective: Field::Objective.pick(
                m.and_then(|m| m.objective.clone()),
                e.and_then(|(_, e)| e.objective.clone()),
            ),
            tags: both(
                Field::Tags,
                m.and_then(|m| non_empty(m.tags.0.clone())).zip(w("tags")),
                e.and_then(|(_, e)| non_empty(e.tags.clone())),
                eo,
            ),
            patterns: both(
                Field::Patterns,
                m.and_then(|m| non_empty(m.patterns.0.clone()))
                    .zip(w("patterns")),
                e.and_then(|(_, e)| non_empty(e.patterns.clone())),
                eo,
            ),
            status: Field::Status.pick(m.and_then(|m| m.status), e.and_then(|(_, e)| e.status)),
        }
    }
}

impl<'d> Resolver<'d> {
    /// Pairs write-ups with agenda entries and builds every session.
    pub(super) fn add_sessions(&mut self, docs: &[&Doc<SessionMeta>], agendas: &[&AgendaDoc]) {
        // Agenda entries first, keyed by (date, title slug), so write-ups can merge.
        let mut planned: HashMap<(Date, String), (usize, usize)> = HashMap::new();
        let agenda_index: HashMap<PathBuf, AgendaId> = self
            .site
            .agendas
            .iter_enumerated()
            .map(|(i, a)| (a.source.clone(), i))
            .collect();
        for (agenda_pos, doc) in agendas.iter().enumerate() {
            if !agenda_index.contains_key(&doc.file) {
                continue;
            }
            for (entry_index, entry) in doc.entries.iter().enumerate() {
                let Some(date) = entry.date else { continue };
                let key = (date, slugify(&entry.title));
                if let Some(&(other_agenda, other_entry)) = planned.get(&key) {
                    let other = &agendas[other_agenda];
                    self.errors.push(
                        Diagnostic::error(format!(
                            "`{}` on {date} is planned twice (also in {} at line {})",
                            entry.title,
                            crate::diagnostic::display_path(&other.file),
                            other.entries[other_entry].line
                        ))
                        .in_file(&doc.file)
                        .at(&doc.text, entry.line, 1)
                        .hint("remove one of the two entries"),
                    );
                    continue;
                }
                planned.insert(key, (agenda_pos, entry_index));
            }
        }
        let mut merged = std::collections::HashSet::new();
        for doc in docs {
            let date = doc.meta.date.map(|d| d.0);
            let entry = date
                .and_then(|d| planned.get(&(d, slugify(&doc.meta.title))))
                .copied();
            if let Some(e) = entry {
                merged.insert(e);
            }
            let entry = entry.map(|(a, e)| {
                let agenda = agendas[a];
                (agenda, &agenda.entries[e], agenda_index[&agenda.file])
            });
            self.add_session(SessionDraft::new(Some(doc), entry));
        }
        for (a, doc) in agendas.iter().enumerate() {
            let Some(&agenda_id) = agenda_index.get(&doc.file) else {
                continue;
            };
            for (e, entry) in doc.entries.iter().enumerate() {
                if merged.contains(&(a, e)) {
                    continue;
                }
                // A dated entry that lost to an earlier duplicate was reported above.
                let is_canonical = entry
                    .date
                    .is_none_or(|d| planned.get(&(d, slugify(&entry.title))) == Some(&(a, e)));
                if is_canonical {
                    self.add_session(SessionDraft::new(None, Some((doc, entry, agenda_id))));
                }
            }
        }
        self.expand_recurring(docs);
        self.sort_sessions();
        self.link_occurrences();
    }

    /// Stable order: by date and time, undated (proposed) last, then slug.
    fn sort_sessions(&mut self) {
        let mut order: Vec<SessionId> = self.site.sessions.keys().collect();
        order.sort_by(|&a, &b| {
            let (sa, sb) = (&self.site.sessions[a], &self.site.sessions[b]);
            (sa.date.is_none(), sa.sort_key()).cmp(&(sb.date.is_none(), sb.sort_key()))
        });
        let mut sessions: TiVec<SessionId, Option<Session>> =
            std::mem::take(&mut self.site.sessions)
                .into_iter()
                .map(Some)
                .collect();
        self.site.sessions = order
            .iter()
            .map(|&i| sessions[i].take().expect("each once"))
            .collect();
        let new_index: HashMap<SessionId, SessionId> = order
            .iter()
            .enumerate()
            .map(|(new, &old)| (old, SessionId::from(new)))
            .collect();
        for r in self.by_content_path.values_mut() {
            if let ItemRef::Session(i) = r {
                *i = new_index[i];
            }
        }
        for s in &mut self.site.sessions {
            if let Some(o) = s.occurrence.as_mut() {
                o.of = new_index[&o.of];
            }
        }
    }

    /// The slug of a draft (and where it came from, for duplicate reports);
    /// `None`, with an error, when there is nothing to make one from.
    fn draft_slug(&mut self, d: &SessionDraft<'_>) -> Option<(String, String)> {
        match (d.write_up, d.entry) {
            (Some(doc), _) => {
                // A recurring session spans many dates: no date in its slug.
                let date = d.date.filter(|_| doc.meta.repeat.is_none());
                let slug = self.session_slug(doc, date)?;
                Some((slug, crate::diagnostic::display_path(&doc.file)))
            }
            (None, Some((a, e, _))) => {
                let title_slug = slugify(&e.title);
                if title_slug.is_empty() {
                    self.errors.push(
                        Diagnostic::error(format!(
                            "cannot make a URL slug from the session title `{}`",
                            e.title.escape_default()
                        ))
                        .in_file(&a.file)
                        .at(&a.text, e.line, 1)
                        .hint(EMPTY_NAME_HINT),
                    );
                    return None;
                }
                let slug = match e.date {
                    Some(date) => format!("{date}-{title_slug}"),
                    None => title_slug,
                };
                let source = format!(
                    "{} (line {})",
                    crate::diagnostic::display_path(&a.file),
                    e.line
                );
                Some((slug, source))
            }
            (None, None) => None,
        }
    }

    /// Validates and resolves one draft into a session. The checks are the
    /// same whichever source a value came from; errors point at that source.
    fn add_session(&mut self, mut d: SessionDraft<'_>) {
        if let Some(doc) = d.write_up
            && d.date.is_none()
            && doc.meta.status != Some(Status::Proposed)
        {
            self.errors.push(
                doc.error_at_key("title", "missing required key `date`")
                    .hint("add `date: YYYY-MM-DD`, or `status: proposed` for a session idea without a date"),
            );
            return;
        }
        let Some((slug, source)) = self.draft_slug(&d) else {
            return;
        };
        if let Some(first) = self.session_slugs.get(&slug) {
            let diag = Diagnostic::error(format!(
                "duplicate session slug `{slug}`: also used by {first}"
            ));
            self.errors.push(match (d.write_up, d.entry) {
                (Some(doc), _) => diag.in_file(&doc.file).hint(
                    "two sessions on one day need different titles or file names, or set `slug:`",
                ),
                (None, Some((a, e, _))) => diag
                    .in_file(&a.file)
                    .at(&a.text, e.line, 1)
                    .hint("give one of the two sessions a different title"),
                (None, None) => diag,
            });
            return;
        }
        self.session_slugs.insert(slug.clone(), source);

        let agenda_community = d
            .entry
            .and_then(|(_, _, id)| self.site.agendas[id].community);
        let community = match &d.community {
            Some((name, at)) => match self.community_named(name) {
                Some(c) => Some(c),
                None => {
                    let hint = self.unknown_community_hint(name);
                    self.unresolved_name(
                        at.error(Some(name), format!("unknown community `{name}`"))
                            .hint(hint),
                    );
                    None
                }
            },
            None => agenda_community.or_else(|| {
                d.write_up
                    .and_then(|doc| super::folder_community(&doc.content_path))
                    .and_then(|n| self.community_named(&n))
            }),
        };
        if let Some(doc) = d.write_up
            && doc.meta.time.is_none()
            && let (Some(s), Some(e)) = (doc.meta.start, doc.meta.end)
            && (TimeRange {
                start: s.0,
                end: Some(e.0),
            })
            .length()
            .is_none()
        {
            self.errors.push(
                doc.error_at_key("end", "the session ends before it starts")
                    .hint("check `start:` and `end:`"),
            );
        }
        let zone = self.zone_for(None, d.timezone.as_deref(), community);
        let time = d.time.map(|(t, _)| t);
        if let (Some(doc), Some(first), Some(last)) = (d.write_up, d.date, d.end_date)
            && last < first
        {
            self.errors.push(
                doc.error_at_key(
                    "end_date",
                    format!("`end_date` {last} is before the session's `date` {first}"),
                )
                .hint("`end_date` is the last day of a multi-day session: on or after `date`"),
            );
        }
        let end_date = d.end_date.filter(|&e| d.date.is_some_and(|s| e > s));
        let (start, end) = match self.instants(d.date, end_date, time, &zone) {
            Ok(v) => v,
            Err(msg) => {
                const HINT: &str =
                    "pick a time that exists on that day (clocks change for daylight saving)";
                self.errors.push(match d.time.map(|(_, at)| at) {
                    Some(Origin::Entry(a, e)) => Diagnostic::error(format!("{}: {msg}", e.label))
                        .in_file(&a.file)
                        .at(&a.text, e.time_at.0, e.time_at.1)
                        .hint(HINT),
                    Some(at) => at.error(None, msg).hint(HINT),
                    None => Diagnostic::error(msg).hint(HINT),
                });
                (None, None)
            }
        };
        let facilitators = match d.facilitators.take() {
            Some((list, at)) => {
                check_names(&mut self.errors, &list, "facilitator", |v, msg| {
                    at.error(Some(v), msg)
                });
                self.people_list(&list)
            }
            None => Vec::new(),
        };
        let mut patterns = Vec::new();
        if let Some((list, at)) = d.patterns.take() {
            for p in &list {
                match self.patterns_by_key.get(&slugify(p)) {
                    Some(id) => super::push_unique(&mut patterns, id),
                    None => {
                        let hint = self.unknown_pattern_hint(p);
                        self.unresolved_name(
                            at.error(Some(p), format!("unknown pattern `{p}`"))
                                .hint(hint),
                        );
                    }
                }
            }
        }
        let format = match &d.format {
            Some((name, at)) => {
                check_names(
                    &mut self.errors,
                    std::slice::from_ref(name),
                    "format",
                    |v, msg| at.error(Some(v), msg),
                );
                self.format(name)
            }
            None => None,
        };
        let tags = match d.tags.take() {
            Some((list, at)) => {
                check_names(&mut self.errors, &list, "tag", |v, msg| {
                    at.error(Some(v), msg)
                });
                dedup(list.iter().filter_map(|t| self.tag(t)).collect())
            }
            None => Vec::new(),
        };
        let channel = match &d.channel {
            Some((value, Origin::WriteUp(doc, key))) => {
                checked_url(&mut self.errors, *doc, key, Some(value))
            }
            Some((value, Origin::Entry(a, e))) => {
                checked_entry_url(&mut self.errors, a, e, Some(value))
            }
            None => None,
        }
        .or_else(|| community.and_then(|c| self.site.communities[c].channel.clone()));
        let status = d.status.unwrap_or_else(|| {
            self.default_status(end_date.or(d.date), start.as_ref(), end.as_ref(), &zone)
        });
        let id = self.site.sessions.next_key();
        let m = d.write_up.map(|doc| &doc.meta);
        if let Some(doc) = d.write_up {
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Session(id));
        }
        let resources = match d.write_up {
            Some(doc) => Field::Resources
                .pick(Some(&doc.meta.resources), None)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| {
                    Some((
                        k.clone(),
                        checked_url(&mut self.errors, doc, "resources", Some(v))?,
                    ))
                })
                .collect(),
            None => Vec::new(),
        };
        self.site.sessions.push(Session {
            path: format!("sessions/{slug}/"),
            slug,
            title: d.title,
            source: d.write_up.map(|doc| doc.file.clone()),
            date: d.date,
            end_date,
            time,
            zone,
            start,
            end,
            facilitators,
            community,
            format,
            channel,
            tools: d.tools,
            objective: d.objective,
            tags,
            patterns,
            status,
            resources,
            aliases: Field::Aliases
                .pick(m.map(|m| m.aliases.0.clone()), None)
                .unwrap_or_default(),
            extra: Field::Extra
                .pick(m.map(|m| m.extra.clone()), None)
                .unwrap_or(serde_json::Value::Null),
            body: d.write_up.map(|_| super::new_body()),
            agenda: Field::Number.pick(None, d.entry.map(|(_, e, id)| (id, e.number))),
            referenced_by: Vec::new(),
            recurrence: None,
            occurrence: None,
            series: None,
        });
    }
}
