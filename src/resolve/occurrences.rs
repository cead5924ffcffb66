//! Recurring sessions into occurrences: the resolve pass after every session
//! is built and before they are sorted.
//!
//! A session file with `repeat:` stays one session (its page, its rule, its
//! iCalendar event) and gains one session per occurrence, so that every list,
//! month grid, community and facilitator page and the home page show each
//! occurrence without knowing about rules. An occurrence is placed in its own
//! zone on its own day (DST per occurrence). A write-up with the recurring
//! session's title on one of its dates *is* that occurrence: it keeps its own
//! page and fields, takes the recurring session's for the rest, and can move
//! it (another `time`) or cancel it (`status: cancelled`).

use std::collections::HashMap;

use jiff::civil::Date;
use jiff::{Span, ZonedDateTime};

use super::{Resolver, local_instant};
use crate::diagnostic::display_path;
use crate::model::recurrence::{self, Occurrence, Recurrence};
use crate::model::slug::slugify;
use crate::model::*;
use crate::parse::Doc;
use crate::parse::meta::{self, SessionMeta, Status};

/// One occurrence where the rule puts it.
#[derive(Debug, Clone)]
struct Planned {
    date: Date,
    start: Option<ZonedDateTime>,
    end: Option<ZonedDateTime>,
    end_date: Option<Date>,
    /// Listed in `except:`: shown, but cancelled.
    excepted: bool,
}

/// A recurring session and where its rule puts its occurrences.
struct Rhythm<'a> {
    id: SessionId,
    doc: &'a Doc<SessionMeta>,
    planned: Vec<Planned>,
    /// Dates taken by a write-up.
    written_up: Vec<Date>,
}

impl<'d> Resolver<'d> {
    /// Expands every recurring session and merges the write-ups of its
    /// occurrences. Ids are those before sorting (`sort_sessions` maps them).
    pub(super) fn expand_recurring(&mut self, docs: &[&Doc<SessionMeta>]) {
        let session_of =
            |r: &Self, doc: &Doc<SessionMeta>| match r.by_content_path.get(&doc.content_path) {
                Some(ItemRef::Session(i)) => Some(*i),
                _ => None,
            };
        let mut rhythms: HashMap<String, Rhythm> = HashMap::new();
        for doc in docs.iter().filter(|d| d.meta.repeat.is_some()) {
            let Some(id) = session_of(self, doc) else {
                continue;
            };
            let Some(planned) = self.plan(doc, id) else {
                // Still a recurring session (not a one-off event on its
                // first date), with no occurrences: the errors explain.
                self.site.sessions[id].recurrence = Some(Box::new(Recurrence {
                    rule: recurrence::Rule {
                        rrule: String::new(),
                        count: None,
                        until: None,
                    },
                    written: doc.meta.repeat.clone().unwrap_or_default(),
                    except: Vec::new(),
                    occurrences: Vec::new(),
                    open_ended: false,
                }));
                continue;
            };
            rhythms.insert(
                slugify(&doc.meta.title),
                Rhythm {
                    id,
                    doc,
                    planned,
                    written_up: Vec::new(),
                },
            );
        }
        if rhythms.is_empty() {
            return;
        }
        for doc in docs.iter().filter(|d| d.meta.repeat.is_none()) {
            let (Some(rhythm), Some(date)) = (
                rhythms.get_mut(&slugify(&doc.meta.title)),
                doc.meta.date.map(|d| d.0),
            ) else {
                continue;
            };
            let Some(id) = session_of(self, doc) else {
                continue;
            };
            let Some(planned) = rhythm.planned.iter().find(|p| p.date == date).cloned() else {
                let near = nearest_dates(&rhythm.planned, date);
                self.errors.push(
                    doc.error_at_key(
                        "date",
                        format!(
                            "`{}` repeats ({}), but {date} is not one of its occurrences",
                            doc.meta.title,
                            display_path(&rhythm.doc.file)
                        ),
                    )
                    .hint(if near.is_empty() {
                        "give this session another title, or change the rule".to_string()
                    } else {
                        format!(
                            "occurrences near that date: {}; set `date` to one of them, or give this session another title",
                            near.join(", ")
                        )
                    }),
                );
                continue;
            };
            rhythm.written_up.push(date);
            self.merge_write_up(doc, id, rhythm.id, &planned);
        }
        let mut rhythms: Vec<Rhythm> = rhythms.into_values().collect();
        rhythms.sort_by_key(|r| r.id);
        for r in rhythms {
            self.add_occurrences(&r);
        }
    }

    /// Reads the rule of a recurring session and where it puts its
    /// occurrences; `None`, with errors, when it cannot.
    fn plan(&mut self, doc: &Doc<SessionMeta>, id: SessionId) -> Option<Vec<Planned>> {
        let m = &doc.meta;
        let written = m.repeat.clone().unwrap_or_default();
        let mut rule = match recurrence::parse_repeat(&written) {
            Ok(r) => r,
            Err(msg) => {
                self.errors.push(
                    doc.error_at_value("repeat", &written, msg)
                        .hint(format!("write one of: {}", recurrence::FORMS)),
                );
                return None;
            }
        };
        let until = m.until.map(|d| d.0).or(rule.until);
        let count = m.count.or(rule.count);
        let mut ok = true;
        if until.is_some() && count.is_some() {
            let key = if m.count.is_some() { "count" } else { "until" };
            self.errors.push(
                doc.error_at_key(key, "a recurring session has both `until` and `count`")
                    .hint("keep one: `until` (the last day) or `count` (how many times)"),
            );
            ok = false;
        }
        if m.count == Some(0) {
            self.errors.push(
                doc.error_at_key("count", "`count: 0` gives no occurrence")
                    .hint("write how many times it happens, or remove `count`"),
            );
            ok = false;
        }
        let s = &self.site.sessions[id];
        let first = s.date?;
        if let Some(u) = until
            && u < first
        {
            self.errors.push(
                doc.error_at_key(
                    if m.until.is_some() { "until" } else { "repeat" },
                    format!("`until` {u} is before the first occurrence, `date` {first}"),
                )
                .hint("`until` is the last day the session may occur on"),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        rule.until = until;
        rule.count = count;
        let zone = s.zone.clone();
        let time = s.time;
        let length_days = s.end_date.map(|e| (e - first).get_days()).unwrap_or(0);
        let tz = meta::tzdb().get(&zone).ok()?;
        let open_ended = until.is_none() && count.is_none();
        let through = match until {
            Some(u) => u,
            None if count.is_some() => Date::new(*meta::DATE_WINDOW.end(), 12, 31).ok()?,
            None => {
                let today = self.site.now.to_zoned_datetime(tz.clone()).date();
                today
                    .checked_add(self.site.config.calendar.horizon.0)
                    .unwrap_or(today)
                    .max(first)
            }
        };
        let start_time = time.map_or(jiff::civil::Time::midnight(), |t| t.start);
        let locals = match recurrence::expand(&rule, first.to_datetime(start_time), through) {
            Ok(v) => v,
            Err(msg) => {
                self.errors.push(
                    doc.error_at_value("repeat", &written, msg)
                        .hint("bound it with `until:` or `count:`, or repeat it less often"),
                );
                return None;
            }
        };
        match locals.first() {
            Some(f) if f.date() == first => {}
            found => {
                let after = found.map_or("none in the build's range".to_string(), |f| {
                    format!("the first one is {}", f.date())
                });
                self.errors.push(
                    doc.error_at_key(
                        "date",
                        format!("`date` {first} is not an occurrence of `{written}`: {after}"),
                    )
                    .hint("`date` is the first occurrence: set it to a day the rule gives"),
                );
                return None;
            }
        }
        let except: Vec<Date> = m.except.0.iter().map(|d| d.0).collect();
        let mut planned = Vec::with_capacity(locals.len());
        for local in &locals {
            let date = local.date();
            let excepted = except.contains(&date);
            let end_date = (length_days > 0)
                .then(|| date.checked_add(Span::new().days(length_days)).ok())
                .flatten();
            let (start, end) = match time {
                None => (None, None),
                Some(t) => {
                    let start = local_instant(&tz, &zone, date, local.time());
                    let end_day = match (end_date, t.crosses_midnight()) {
                        (Some(d), _) => Some(d),
                        (None, true) => date.tomorrow().ok(),
                        (None, false) => Some(date),
                    };
                    let end = match (t.end, end_day) {
                        (Some(e), Some(day)) => local_instant(&tz, &zone, day, e).map(Some),
                        _ => Ok(None),
                    };
                    match (start, end) {
                        (Ok(s), Ok(e)) => (Some(s), e),
                        (Err(msg), _) | (_, Err(msg)) => {
                            if !excepted {
                                self.errors.push(
                                    doc.error_at_key(
                                        if m.time.is_some() { "time" } else { "start" },
                                        format!("the occurrence on {date}: {msg}"),
                                    )
                                    .hint(format!(
                                        "pick a time that exists on every occurrence's day, or add `{date}` to `except:`"
                                    )),
                                );
                            }
                            (None, None)
                        }
                    }
                }
            };
            planned.push(Planned {
                date,
                start,
                end,
                end_date,
                excepted,
            });
        }
        for (d, written_date) in except.iter().zip(&m.except.0) {
            if !planned.iter().any(|p| p.date == *d) {
                let near = nearest_dates(&planned, *d);
                self.errors.push(
                    doc.error_at_value(
                        "except",
                        &written_date.0.to_string(),
                        format!("{d} in `except` is not an occurrence of `{written}`"),
                    )
                    .hint(if near.is_empty() {
                        "remove it from `except:`".to_string()
                    } else {
                        format!("occurrences near it: {}", near.join(", "))
                    }),
                );
            }
        }
        self.site.sessions[id].recurrence = Some(Box::new(Recurrence {
            rule,
            written,
            except,
            occurrences: Vec::new(),
            open_ended,
        }));
        Some(planned)
    }

    /// A write-up of one occurrence: it takes the recurring session's values
    /// for every key it does not set.
    fn merge_write_up(
        &mut self,
        doc: &Doc<SessionMeta>,
        id: SessionId,
        parent: SessionId,
        planned: &Planned,
    ) {
        let p = self.site.sessions[parent].clone();
        let m = &doc.meta;
        let own_time = m.time.is_some() || m.start.is_some();
        let own_zone = m.timezone.is_some();
        let s = &mut self.site.sessions[id];
        s.occurrence = Some(Occurrence {
            of: parent,
            planned_date: planned.date,
            planned_start: planned.start.clone(),
            written_up: true,
        });
        if s.facilitators.is_empty() {
            s.facilitators = p.facilitators.clone();
        }
        if m.community.is_none() && p.community.is_some() {
            s.community = p.community;
        }
        if s.format.is_none() {
            s.format = p.format;
        }
        if m.channel.is_none() && p.channel.is_some() {
            s.channel = p.channel.clone();
        }
        if s.tools.is_empty() {
            s.tools = p.tools.clone();
        }
        if s.objective.is_none() {
            s.objective = p.objective.clone();
        }
        if s.tags.is_empty() {
            s.tags = p.tags.clone();
        }
        if s.patterns.is_empty() {
            s.patterns = p.patterns.clone();
        }
        if s.end_date.is_none() {
            s.end_date = planned.end_date;
        }
        if !own_time || !own_zone {
            if !own_time {
                s.time = p.time;
            }
            if !own_zone {
                s.zone = p.zone.clone();
            }
            let (date, end_date, time, zone) = (s.date, s.end_date, s.time, s.zone.clone());
            match self.instants(date, end_date, time, &zone) {
                Ok((start, end)) => {
                    let s = &mut self.site.sessions[id];
                    s.start = start;
                    s.end = end;
                }
                Err(msg) => self.errors.push(
                    doc.error_at_key("title", msg)
                        .hint("set `time:` on this write-up to a time that exists that day"),
                ),
            }
        }
        if m.status.is_none() {
            let s = &self.site.sessions[id];
            let status = if planned.excepted {
                Status::Cancelled
            } else {
                self.default_status(s.last_date(), s.start.as_ref(), s.end.as_ref(), &s.zone)
            };
            self.site.sessions[id].status = status;
        }
    }

    /// One session per occurrence that no write-up took.
    fn add_occurrences(&mut self, r: &Rhythm<'_>) {
        let parent = self.site.sessions[r.id].clone();
        let explicit = r.doc.meta.status;
        for p in &r.planned {
            if r.written_up.contains(&p.date) {
                continue;
            }
            let status = if p.excepted || explicit == Some(Status::Cancelled) {
                Status::Cancelled
            } else {
                self.default_status(
                    p.end_date.or(Some(p.date)),
                    p.start.as_ref(),
                    p.end.as_ref(),
                    &parent.zone,
                )
            };
            let mut s = parent.clone();
            s.slug = format!("{}-{}", parent.slug, p.date);
            s.path = format!("{}{}/", parent.path, p.date);
            s.date = Some(p.date);
            s.end_date = p.end_date;
            s.start = p.start.clone();
            s.end = p.end.clone();
            s.status = status;
            s.aliases = Vec::new();
            s.body = None;
            s.referenced_by = Vec::new();
            s.agenda = None;
            s.recurrence = None;
            s.series = None;
            s.occurrence = Some(Occurrence {
                of: r.id,
                planned_date: p.date,
                planned_start: p.start.clone(),
                written_up: false,
            });
            self.site.sessions.push(s);
        }
        // The recurring session's own status sums up its occurrences.
        if explicit.is_none() {
            let now = self.site.now;
            let ahead = r.planned.iter().any(|p| {
                !p.excepted
                    && p.end.as_ref().or(p.start.as_ref()).map_or(
                        p.date >= now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
                        |z| z.timestamp() > now,
                    )
            });
            self.site.sessions[r.id].status = if ahead { Status::Planned } else { Status::Held };
        }
    }

    /// After sorting: each recurring session's occurrences, in site order.
    pub(super) fn link_occurrences(&mut self) {
        let pairs: Vec<(SessionId, SessionId)> = self
            .site
            .sessions
            .iter_enumerated()
            .filter_map(|(i, s)| s.occurrence.as_ref().map(|o| (o.of, i)))
            .collect();
        for (parent, occurrence) in pairs {
            if let Some(r) = self.site.sessions[parent].recurrence.as_mut() {
                r.occurrences.push(occurrence);
            }
        }
    }
}

/// The occurrence dates on either side of `date`, for hints.
fn nearest_dates(planned: &[Planned], date: Date) -> Vec<String> {
    let before = planned.iter().rev().find(|p| p.date < date);
    let after = planned.iter().find(|p| p.date > date);
    before
        .into_iter()
        .chain(after)
        .map(|p| p.date.to_string())
        .collect()
}
