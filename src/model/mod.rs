//! The resolved site: the one model that templates, feeds and calendars read.
//!
//! Relations are typed indexes into the site's lists (a session's
//! `facilitators` are [`PersonId`]s into `Site::people`), so the model is cheap
//! to build, to walk and to share between threads, and an index of one kind
//! cannot look up another. Nothing here does I/O.

pub mod calendar;
pub mod formats;
pub mod ids;
pub mod knowledge;
pub mod recurrence;
pub mod slug;

use std::path::PathBuf;

use jiff::Timestamp;
use jiff::ZonedDateTime;
use jiff::civil::Date;

use crate::config::Config;
use crate::load::CopiedFile;
use crate::parse::markdown::TocEntry;
use crate::parse::meta::{Color, Maturity, Status, TimeRange};
pub use ids::{
    AgendaId, CommunityId, FormatId, PageId, PatternId, PersonId, SeriesId, SessionId, TagId, TiVec,
};

/// A reference to any item of the site, for backlinks and wikilinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemRef {
    Session(SessionId),
    Pattern(PatternId),
    Community(CommunityId),
    Person(PersonId),
    Page(PageId),
    Agenda(AgendaId),
}

/// A rendered Markdown body with its links resolved.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub html: BodyHtml,
    pub toc: Vec<TocEntry>,
    /// Shared with the parsed document's (`Rendered::plain_text`).
    pub plain_text: std::sync::Arc<str>,
    pub first_paragraph: String,
    /// Whether the body has a ` ```mermaid ` block: only such pages load the
    /// theme's diagram script.
    pub has_diagram: bool,
}

/// A body's HTML with its links resolved, plain or packed.
///
/// A one-shot build packs it (lz4, about half the size on the generated
/// sites) as resolve makes it, and the one page that shows it unpacks it
/// when it is rendered: the site holds every body until the last page is
/// made, and the bodies are its largest part. A builder that builds again
/// (the preview) keeps it plain, as it compares and shares every body on
/// each rebuild ([`crate::views::Views::with_previous`]).
#[derive(Debug, Clone, Default)]
pub struct BodyHtml(HtmlRepr);

#[derive(Debug, Clone)]
enum HtmlRepr {
    Plain(String),
    /// lz4 block of the HTML, its length first. Never blank (a blank body
    /// stays plain, so [`BodyHtml::is_blank`] needs no unpacking).
    Packed(Box<[u8]>),
}

impl Default for HtmlRepr {
    fn default() -> Self {
        HtmlRepr::Plain(String::new())
    }
}

impl From<String> for BodyHtml {
    fn from(html: String) -> Self {
        BodyHtml(HtmlRepr::Plain(html))
    }
}

impl BodyHtml {
    /// `html`, packed unless it is blank.
    pub fn packed(html: String) -> Self {
        if html.trim().is_empty() {
            return html.into();
        }
        let packed = lz4_flex::block::compress_prepend_size(html.as_bytes());
        BodyHtml(HtmlRepr::Packed(packed.into_boxed_slice()))
    }

    /// The HTML: borrowed when plain, unpacked into a new string when packed.
    pub fn get(&self) -> std::borrow::Cow<'_, str> {
        match &self.0 {
            HtmlRepr::Plain(html) => html.as_str().into(),
            HtmlRepr::Packed(packed) => {
                // Packed from a `str` by `packed`, in this process.
                let bytes = lz4_flex::block::decompress_size_prepended(packed)
                    .expect("a packed body unpacks");
                String::from_utf8(bytes)
                    .expect("a packed body is UTF-8")
                    .into()
            }
        }
    }

    /// The HTML's length in bytes, without unpacking it.
    pub fn len(&self) -> usize {
        match &self.0 {
            HtmlRepr::Plain(html) => html.len(),
            HtmlRepr::Packed(packed) => {
                lz4_flex::block::uncompressed_size(packed).map_or(0, |(len, _)| len)
            }
        }
    }

    /// No HTML at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Empty or only white space.
    pub fn is_blank(&self) -> bool {
        match &self.0 {
            HtmlRepr::Plain(html) => html.trim().is_empty(),
            HtmlRepr::Packed(_) => false,
        }
    }
}

/// Equal HTML, however each is kept.
impl PartialEq for BodyHtml {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub slug: String,
    pub title: String,
    /// Output path relative to the site root, ending in `/`.
    pub path: String,
    /// The write-up, if the session has one.
    pub source: Option<PathBuf>,
    pub date: Option<Date>,
    /// The last day of a multi-day session (`end_date:`).
    pub end_date: Option<Date>,
    pub time: Option<TimeRange>,
    /// The IANA zone the session's wall-clock times are in.
    pub zone: String,
    pub start: Option<ZonedDateTime>,
    pub end: Option<ZonedDateTime>,
    pub facilitators: Vec<PersonId>,
    pub community: Option<CommunityId>,
    pub format: Option<FormatId>,
    pub channel: Option<String>,
    pub tools: Vec<String>,
    pub objective: Option<String>,
    pub tags: Vec<TagId>,
    pub patterns: Vec<PatternId>,
    pub status: Status,
    pub resources: Vec<(String, String)>,
    pub aliases: Vec<String>,
    pub extra: serde_json::Value,
    pub body: Option<Body>,
    /// The agenda that planned it, and its number there.
    pub agenda: Option<(AgendaId, Option<u32>)>,
    pub referenced_by: Vec<ItemRef>,
    /// Set on a recurring session (`repeat:`): its rule and occurrences.
    /// A recurring session is not itself in the calendars: its occurrences are.
    pub recurrence: Option<Box<recurrence::Recurrence>>,
    /// Set on one occurrence of a recurring session, written up or not.
    pub occurrence: Option<recurrence::Occurrence>,
    /// The series it is part of (`series:`), and its part number there.
    pub series: Option<(SeriesId, usize)>,
}

impl Session {
    /// The instant the session starts, or its day's start for all-day sessions.
    pub fn sort_key(&self) -> (Option<Date>, Option<jiff::civil::Time>, &str) {
        (self.date, self.time.map(|t| t.start), &self.slug)
    }

    /// Has a date and is not just an idea: it is in the calendars and feeds.
    /// Proposed sessions live on the backlog instead, and a recurring
    /// session is there through its occurrences.
    pub fn is_scheduled(&self) -> bool {
        self.date.is_some() && self.status != Status::Proposed && self.recurrence.is_none()
    }

    /// A recurring session (`repeat:`): a page for the rhythm, not an event.
    pub fn is_recurring(&self) -> bool {
        self.recurrence.is_some()
    }

    /// The last local day the session is on (its date unless multi-day).
    pub fn last_date(&self) -> Option<Date> {
        self.end_date.or(self.date)
    }
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub source: PathBuf,
    pub summary: Option<String>,
    pub tags: Vec<TagId>,
    pub maturity: Option<Maturity>,
    pub aliases: Vec<String>,
    /// Related patterns, both ways.
    pub related: Vec<PatternId>,
    /// Sessions that practised it.
    pub sessions: Vec<SessionId>,
    pub extra: serde_json::Value,
    pub body: Body,
    pub referenced_by: Vec<ItemRef>,
    pub freshness: knowledge::Freshness,
}

#[derive(Debug, Clone)]
pub struct Community {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub source: PathBuf,
    pub purpose: Option<String>,
    pub coordinators: Vec<PersonId>,
    pub channel: Option<String>,
    pub timezone: Option<String>,
    pub color: Option<Color>,
    pub aliases: Vec<String>,
    pub extra: serde_json::Value,
    pub body: Body,
    pub sessions: Vec<SessionId>,
    pub referenced_by: Vec<ItemRef>,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub slug: String,
    pub name: String,
    pub path: String,
    /// The profile file; `None` for people only named in sessions.
    pub source: Option<PathBuf>,
    pub role: Option<String>,
    pub aliases: Vec<String>,
    pub links: Vec<(String, String)>,
    pub extra: serde_json::Value,
    pub body: Option<Body>,
    /// Sessions they facilitate or facilitated.
    pub sessions: Vec<SessionId>,
    pub referenced_by: Vec<ItemRef>,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub source: PathBuf,
    pub description: Option<String>,
    pub menu: bool,
    pub weight: i64,
    pub aliases: Vec<String>,
    pub extra: serde_json::Value,
    pub body: Body,
    pub referenced_by: Vec<ItemRef>,
    pub freshness: knowledge::Freshness,
}

#[derive(Debug, Clone)]
pub struct Agenda {
    pub slug: String,
    pub title: String,
    pub path: String,
    pub source: PathBuf,
    pub community: Option<CommunityId>,
    pub description: Option<String>,
    pub body: Option<Body>,
    /// Its sessions, in agenda order.
    pub sessions: Vec<SessionId>,
}

/// Sessions grouped by `series:`: parts in date order, at `/series/<slug>/`.
#[derive(Debug, Clone)]
pub struct Series {
    pub slug: String,
    pub title: String,
    pub path: String,
    /// Its parts, by date.
    pub sessions: Vec<SessionId>,
}

/// A tag or a format: a name, its page, and what carries it.
#[derive(Debug, Clone)]
pub struct Term {
    pub slug: String,
    pub name: String,
    pub path: String,
    pub sessions: Vec<SessionId>,
    pub patterns: Vec<PatternId>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    /// The build's clock: splits upcoming from past.
    pub now: Timestamp,
    /// Sorted by date and time; sessions without a date (proposed) last.
    pub sessions: TiVec<SessionId, Session>,
    pub patterns: TiVec<PatternId, Pattern>,
    pub communities: TiVec<CommunityId, Community>,
    pub people: TiVec<PersonId, Person>,
    pub pages: TiVec<PageId, Page>,
    pub agendas: TiVec<AgendaId, Agenda>,
    /// Series (`series:`), by slug.
    pub series: TiVec<SeriesId, Series>,
    pub tags: TiVec<TagId, Term>,
    pub formats: TiVec<FormatId, Term>,
    pub assets: Vec<CopiedFile>,
    pub static_files: Vec<CopiedFile>,
    /// Old paths of moved pages (`redirect_from`), sorted by path.
    pub redirects: Vec<knowledge::Redirect>,
}

impl Site {
    pub fn title_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Session(i) => &self.sessions[i].title,
            ItemRef::Pattern(i) => &self.patterns[i].title,
            ItemRef::Community(i) => &self.communities[i].title,
            ItemRef::Person(i) => &self.people[i].name,
            ItemRef::Page(i) => &self.pages[i].title,
            ItemRef::Agenda(i) => &self.agendas[i].title,
        }
    }

    pub fn path_of(&self, item: ItemRef) -> &str {
        match item {
            ItemRef::Session(i) => &self.sessions[i].path,
            ItemRef::Pattern(i) => &self.patterns[i].path,
            ItemRef::Community(i) => &self.communities[i].path,
            ItemRef::Person(i) => &self.people[i].path,
            ItemRef::Page(i) => &self.pages[i].path,
            ItemRef::Agenda(i) => &self.agendas[i].path,
        }
    }

    pub fn is_upcoming(&self, session: &Session) -> bool {
        session.over_at().is_some_and(|t| t > self.now)
    }
}

impl Session {
    /// The instant the session is over: its end, else its start, else (all
    /// day) the midnight after its last day in its zone. Pages split
    /// upcoming from past at the build's clock; the theme's script splits
    /// them again at the reader's, from this instant.
    pub fn over_at(&self) -> Option<Timestamp> {
        match (&self.end, &self.start, self.last_date()) {
            (Some(end), _, _) => Some(end.timestamp()),
            (None, Some(start), _) => Some(start.timestamp()),
            (None, None, Some(date)) => {
                let zone = crate::parse::meta::tzdb()
                    .get(&self.zone)
                    .unwrap_or(jiff::tz::TimeZone::UTC);
                date.tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned_datetime(zone).ok())
                    .map(|z| z.timestamp())
            }
            (None, None, None) => None,
        }
    }
}

pub fn kind_name(item: ItemRef) -> &'static str {
    match item {
        ItemRef::Session(_) => "session",
        ItemRef::Pattern(_) => "pattern",
        ItemRef::Community(_) => "community",
        ItemRef::Person(_) => "person",
        ItemRef::Page(_) => "page",
        ItemRef::Agenda(_) => "agenda",
    }
}

#[cfg(test)]
mod tests {
    use super::BodyHtml;

    #[test]
    fn a_packed_body_unpacks_to_its_html() {
        let html = "<p>Caf\u{e9} <a href=\"/x/\">x</a></p>\n".repeat(200);
        let packed = BodyHtml::packed(html.clone());
        assert!(matches!(packed.0, super::HtmlRepr::Packed(_)));
        assert_eq!(packed.get(), html);
        assert_eq!(packed.len(), html.len());
        assert!(!packed.is_blank());
        assert_eq!(packed, BodyHtml::from(html));
    }

    #[test]
    fn a_blank_body_stays_plain() {
        for html in ["", " \n\t"] {
            let packed = BodyHtml::packed(html.to_string());
            assert!(matches!(packed.0, super::HtmlRepr::Plain(_)));
            assert!(packed.is_blank());
            assert_eq!(packed.get(), html);
        }
    }
}
