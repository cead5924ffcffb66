//! The view model: the site as the values templates read.
//!
//! Each item becomes a typed card ([`cards`]) serialised once per build into
//! a shared template value, and each page family has a module with the typed
//! context of its pages. Contexts carry the shared cards, not copies: tera
//! values are reference-counted and tera's serialiser passes a `Value` through
//! by cloning its pointer, so a tag page listing 500 sessions clones 500
//! pointers, not 500 sessions, and a fingerprint finds each card's hash by
//! address (`build/fingerprint.rs`).

mod agendas;
pub(crate) mod calendar;
pub(crate) mod cards;
mod communities;
mod feeds;
mod home;
pub mod insights;
mod knowledge;
mod page;
pub(crate) mod paging;
mod patterns;
mod people;
mod radar;
mod redirects;
mod related;
mod search;
pub(crate) mod sessions;
mod taxonomy;

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Serialize, Serializer};
use tera::Value;
use typed_index_collections::TiSlice;

use crate::model::*;
use crate::plan::{List, PageKind, PlannedPage};
use crate::render::PageInput;

use cards::*;

/// How many items a page of a split list shows (`paging.rs`).
pub use paging::PER_PAGE;

/// Precomputed template values for one site: each card serialised once.
pub struct Views {
    pub site: Value,
    pub sessions: TiVec<SessionId, Value>,
    pub patterns: TiVec<PatternId, Value>,
    pub communities: TiVec<CommunityId, Value>,
    pub people: TiVec<PersonId, Value>,
    pub pages: TiVec<PageId, Value>,
    pub tags: TiVec<TagId, Value>,
    pub formats: TiVec<FormatId, Value>,
    pub agendas: TiVec<AgendaId, Value>,
    /// Per session: is it still to come, by the build's clock.
    pub upcoming: TiVec<SessionId, bool>,
    /// Each session's iCalendar event, written once for all feeds.
    pub ics_events: crate::render::ics::EventTexts,
    /// Scheduled sessions by date, for the month grids: made once, when first asked.
    by_date: std::sync::OnceLock<BTreeMap<jiff::civil::Date, Vec<SessionId>>>,
    /// The site-wide lists in order, made once for all their pages.
    pub(crate) orders: paging::Orders,
    /// Per session: its write-up as an Atom entry's content (links made
    /// absolute), made once when a feed first asks: a session is an entry of
    /// the site's feed and of its community's, tags' and facilitators' feeds.
    pub(crate) feed_content: TiVec<SessionId, std::sync::OnceLock<std::sync::Arc<str>>>,
    /// Per session: the hash of its write-up's HTML, for the feeds'
    /// fingerprints when the body has no shared value (a one-shot build).
    pub(crate) feed_print:
        TiVec<SessionId, std::sync::OnceLock<crate::build::fingerprint::Fingerprint>>,
    /// The last build's entry contents, for [`feeds::entry_content`] to
    /// take where the write-up and its page are the same.
    kept_feed: FxHashMap<String, feeds::KeptEntry>,
    /// Every Markdown body as its shared template value, found by the
    /// body's address in the site.
    bodies: FxHashMap<usize, BodyValue>,
    /// Related content of session and pattern pages, worked out once per
    /// page and kept across builds while what it reads is the same.
    pub(crate) related: std::sync::Arc<related::RelatedContent>,
}

/// A body's HTML as a shared (safe) template value, and once known its
/// fingerprint. The page of a body is the one page that shows it, so sharing
/// saves nothing within a build; across the builds of one builder it saves
/// copying and hashing every body of the site again on every save of the
/// preview: a body whose HTML did not change keeps its value and fingerprint.
#[derive(Clone)]
pub struct BodyValue {
    value: Value,
    print: Option<crate::build::fingerprint::Fingerprint>,
}

/// What one build's views leave for the next build of the same builder
/// ([`Views::with_previous`]): the bodies by item (kind and path), and the
/// related content with the fingerprint of what it was worked out from.
#[derive(Default)]
pub struct Kept {
    bodies: FxHashMap<(u8, String), BodyValue>,
    related: Option<std::sync::Arc<related::RelatedContent>>,
    /// Atom entries' contents, by session path.
    feed: FxHashMap<String, feeds::KeptEntry>,
}

/// Bodies shorter than this are copied and hashed with their page: finding
/// them is not worth it, and only longer strings are shared by pointer
/// (`build/fingerprint.rs`).
pub const SHARED_BODY_MIN: usize = 256;

/// A card as its shared template value.
fn value<T: Serialize>(card: T) -> Value {
    Value::from_serializable(&card)
}

impl Views {
    /// The views of `site`, for one build: each page copies its body.
    pub fn new(site: &Site) -> Views {
        Views::with_bodies(site, FxHashMap::default(), None, FxHashMap::default())
    }

    /// The views of `site` for a builder that builds again (the preview):
    /// every long body is made a shared value once, and those whose HTML is
    /// that of `previous` (the same item's, in the builder's last build)
    /// keep its value and fingerprint, so a rebuild neither copies nor
    /// hashes the bodies that did not change. Not for a one-shot build,
    /// which would hold a copy of every body at once for nothing. The
    /// related content of `previous` is kept too when what it read is the
    /// same ([`related::RelatedContent::of`]).
    pub fn with_previous(site: &Site, previous: &Kept) -> Views {
        Views::with_bodies(
            site,
            body_values(site, previous),
            previous.related.as_ref(),
            previous.feed.clone(),
        )
    }

    fn with_bodies(
        site: &Site,
        bodies: FxHashMap<usize, BodyValue>,
        related: Option<&std::sync::Arc<related::RelatedContent>>,
        kept_feed: FxHashMap<String, feeds::KeptEntry>,
    ) -> Views {
        let upcoming: TiVec<SessionId, bool> =
            site.sessions.iter().map(|s| site.is_upcoming(s)).collect();
        // Session cards are the bulk of the view model (one per session,
        // rebuilt on every build of `fireside serve`): made in parallel.
        let sessions = (0..site.sessions.len())
            .into_par_iter()
            .map(|i| {
                let i = SessionId::from(i);
                value(SessionCard::new(site, i, upcoming[i]))
            })
            .collect::<Vec<_>>()
            .into();
        let patterns = site
            .patterns
            .raw
            .par_iter()
            .map(|p| value(PatternCard::new(site, p)))
            .collect::<Vec<_>>()
            .into();
        let communities = site
            .communities
            .keys()
            .map(|ci| value(CommunityCard::new(site, ci, &upcoming)))
            .collect();
        let tags_by_name: TiVec<SessionId, Vec<TagId>> = site
            .sessions
            .raw
            .par_iter()
            .map(|s| first_tags_by_name(site, s))
            .collect::<Vec<_>>()
            .into();
        let people = (0..site.people.len())
            .into_par_iter()
            .map(|pi| value(PersonCard::new(site, pi.into(), &upcoming, &tags_by_name)))
            .collect::<Vec<_>>()
            .into();
        Views {
            site: value(SiteView::new(site)),
            sessions,
            patterns,
            communities,
            people,
            pages: site
                .pages
                .iter()
                .map(|p| value(PageCard::new(site, p)))
                .collect(),
            tags: site
                .tags
                .iter()
                .map(|t| value(TermCard::new(site, t, "tag")))
                .collect(),
            formats: site
                .formats
                .iter()
                .map(|t| value(TermCard::new(site, t, "format")))
                .collect(),
            agendas: site
                .agendas
                .iter()
                .map(|a| value(AgendaCard::new(site, a)))
                .collect(),
            upcoming,
            ics_events: crate::render::ics::EventTexts::new(site),
            by_date: std::sync::OnceLock::new(),
            orders: paging::Orders::default(),
            feed_content: site
                .sessions
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            feed_print: site
                .sessions
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            bodies,
            related: related::RelatedContent::of(site, related),
            kept_feed,
        }
    }

    /// The shared value of `body`, a body of this build's site.
    fn body(&self, body: &Body) -> Option<&Value> {
        self.bodies
            .get(&(body as *const Body as usize))
            .map(|b| &b.value)
    }

    /// The bodies' values with their fingerprints when known, for the
    /// fingerprints of pages (the hasher finds them by address).
    pub fn body_values(
        &self,
    ) -> impl Iterator<Item = (&Value, Option<crate::build::fingerprint::Fingerprint>)> {
        self.bodies.values().map(|b| (&b.value, b.print))
    }

    /// What the next build reuses: this build's bodies, with the
    /// fingerprints `print_of` knows (those a page fingerprint needed), and
    /// its related content.
    pub fn keep(
        &self,
        site: &Site,
        print_of: impl Fn(&Value) -> Option<crate::build::fingerprint::Fingerprint>,
    ) -> Kept {
        let bodies = bodies_of(site)
            .filter_map(|(key, body)| {
                let b = self.bodies.get(&(body as *const Body as usize))?;
                let print = b.print.or_else(|| print_of(&b.value));
                Some((
                    key,
                    BodyValue {
                        value: b.value.clone(),
                        print,
                    },
                ))
            })
            .collect();
        Kept {
            bodies,
            related: Some(self.related.clone()),
            feed: feeds::keep(site, self),
        }
    }

    /// [`crate::model::calendar::sessions_by_date`], shared by every month page.
    pub fn sessions_by_date(&self, site: &Site) -> &BTreeMap<jiff::civil::Date, Vec<SessionId>> {
        self.by_date
            .get_or_init(|| crate::model::calendar::sessions_by_date(site))
    }

    /// Every value shared between pages, for fingerprinting.
    pub fn shared(&self) -> Vec<&Value> {
        let lists = [
            &self.sessions.raw,
            &self.patterns.raw,
            &self.communities.raw,
            &self.people.raw,
            &self.pages.raw,
            &self.tags.raw,
            &self.formats.raw,
            &self.agendas.raw,
        ];
        std::iter::once(&self.site)
            .chain(lists.into_iter().flatten())
            .collect()
    }

    /// Splits sessions into upcoming (soonest first) and past (newest first).
    pub fn split_by_time(&self, ids: &[SessionId]) -> (Vec<SessionId>, Vec<SessionId>) {
        let (mut up, mut past): (Vec<SessionId>, Vec<SessionId>) =
            ids.iter().partition(|&&i| self.upcoming[i]);
        up.sort();
        past.sort_by(|a, b| b.cmp(a));
        (up, past)
    }

    pub(crate) fn sessions<'v>(&'v self, ids: Vec<SessionId>) -> Cards<'v, SessionId> {
        Cards::new(&self.sessions, ids)
    }

    pub(crate) fn patterns<'v>(&'v self, ids: Vec<PatternId>) -> Cards<'v, PatternId> {
        Cards::new(&self.patterns, ids)
    }

    pub(crate) fn people<'v>(&'v self, ids: Vec<PersonId>) -> Cards<'v, PersonId> {
        Cards::new(&self.people, ids)
    }
}

/// A list of shared cards in a page context: serialises as a list of the
/// cards' values, each passed through by pointer, never copied.
pub(crate) struct Cards<'v, I> {
    all: &'v TiSlice<I, Value>,
    ids: Vec<I>,
}

impl<'v, I> Cards<'v, I> {
    pub(crate) fn new(all: &'v TiSlice<I, Value>, ids: Vec<I>) -> Cards<'v, I> {
        Cards { all, ids }
    }

    /// Every card of its kind, in site order.
    pub(crate) fn all(all: &'v TiVec<I, Value>) -> Cards<'v, I>
    where
        I: From<usize>,
    {
        Cards {
            all,
            ids: (0..all.len()).map(I::from).collect(),
        }
    }
}

impl<I: Copy> Serialize for Cards<'_, I>
where
    usize: From<I>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.ids.iter().map(|&i| Shared(&self.all[i])))
    }
}

/// A template value in a typed context, serialised as [`shared`] does.
pub(crate) struct Shared<'v>(pub(crate) &'v Value);

impl Serialize for Shared<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        shared(&self.0, serializer)
    }
}

/// How a context serialises each template value it holds (a view shared by
/// many pages, a body): by pointer into template values, by its hash into a
/// fingerprint (`build/fingerprint.rs`, which also says why every template
/// value in a context must come through here).
pub(crate) fn shared<S: Serializer>(value: &&Value, serializer: S) -> Result<S::Ok, S::Error> {
    crate::build::fingerprint::serialize_shared(value, serializer)
}

/// [`shared`] for an optional value.
pub(crate) fn shared_option<S: Serializer>(
    value: &Option<&Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serializer.serialize_some(&Shared(v)),
        None => serializer.serialize_none(),
    }
}

/// [`shared`] for each value of a slice.
pub(crate) fn shared_slice<S: Serializer>(
    values: &&[Value],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(values.iter().map(Shared))
}

/// What every page reads besides its own values: `site`, `page_title`,
/// `current_path` and `permalink` (docs/templates.md).
#[derive(Serialize)]
struct Common<'a, C> {
    #[serde(serialize_with = "shared")]
    site: &'a Value,
    current_path: String,
    permalink: String,
    /// Absent on feeds, the sitemap and robots.txt, which have no title.
    #[serde(skip_serializing_if = "Option::is_none")]
    page_title: Option<Cow<'a, str>>,
    /// The Atom feed that follows this page (a community's, tag's or
    /// facilitator's write-ups), for `<link rel="alternate">` and a visible link.
    atom_feed: Option<String>,
    /// Whether this page's Markdown body draws a diagram: `base.html` loads
    /// the Mermaid script only then.
    has_diagram: bool,
    /// This page's preview image for link previews (`og:image`), if it has
    /// one: sessions and patterns, on a site with a host.
    social_image: Option<knowledge::SocialImageView>,
    #[serde(flatten)]
    page: C,
}

/// What a page family's module gives back: its template, title and values.
pub(crate) struct View<'a, C> {
    template: &'static str,
    title: Option<Cow<'a, str>>,
    context: C,
}

impl<'a, C> View<'a, C> {
    pub(crate) fn new(template: &'static str, title: impl Into<Cow<'a, str>>, context: C) -> Self {
        View {
            template,
            title: Some(title.into()),
            context,
        }
    }

    /// A page without a title: a feed, the sitemap, robots.txt.
    pub(crate) fn untitled(template: &'static str, context: C) -> Self {
        View {
            template,
            title: None,
            context,
        }
    }
}

/// What a family's module reads: the site, its views, the page.
pub(crate) struct Cx<'a> {
    pub(crate) site: &'a Site,
    pub(crate) views: &'a Views,
    pub(crate) page: &'a PlannedPage,
    pub(crate) all_pages: &'a [PlannedPage],
}

impl<'a> Cx<'a> {
    fn input<C: Serialize + 'a>(&self, view: View<'a, C>) -> PageInput<'a> {
        let c = &self.site.config;
        let context = Common {
            site: &self.views.site,
            current_path: c.url(&self.page.path),
            permalink: c.permalink(&self.page.path),
            page_title: view.title,
            atom_feed: crate::plan::AtomFeed::of(self.page.kind).map(|f| c.url(&f.path(self.site))),
            has_diagram: body_of(self.site, self.page.kind).is_some_and(|b| b.has_diagram),
            social_image: knowledge::social_image(self.site, self.page.kind),
            page: view.context,
        };
        PageInput::Template {
            template: view.template,
            context: crate::render::TypedContext::new(context),
        }
    }
}

/// The Markdown body a page shows, if it shows one: what decides the page's
/// scripts (a diagram). The home page shows `content/index.md`'s.
fn body_of(site: &Site, kind: PageKind) -> Option<&Body> {
    match kind {
        PageKind::Session(i) => site.sessions[i].body.as_ref(),
        PageKind::Pattern(i) => Some(&site.patterns[i].body),
        PageKind::Community(i) => Some(&site.communities[i].body),
        PageKind::Person(i) => site.people[i].body.as_ref(),
        PageKind::Page(i) => Some(&site.pages[i].body),
        PageKind::Agenda(i) => site.agendas[i].body.as_ref(),
        PageKind::Home => site
            .pages
            .iter()
            .find(|p| p.path.is_empty())
            .map(|p| &p.body),
        _ => None,
    }
}

/// The input of one page: its template and typed context, or its finished
/// text. Cheap next to rendering: contexts are mostly shared cards.
pub fn page_input<'a>(
    site: &'a Site,
    views: &'a Views,
    page: &'a PlannedPage,
    all_pages: &'a [PlannedPage],
) -> PageInput<'a> {
    let cx = Cx {
        site,
        views,
        page,
        all_pages,
    };
    match page.kind {
        PageKind::Ics(feed) => PageInput::Text(feeds::ics(&cx, feed)),
        PageKind::SocialImage(image) => PageInput::Image(knowledge::social_card(site, image)),
        PageKind::Home => cx.input(home::home(&cx)),
        PageKind::ListPage(list, n) => paging::input(&cx, list, n as usize),
        PageKind::Sessions => paging::input(&cx, List::Sessions, 1),
        PageKind::Session(i) => cx.input(sessions::session(&cx, i)),
        PageKind::Patterns => paging::input(&cx, List::Patterns, 1),
        PageKind::Pattern(i) => cx.input(patterns::pattern(&cx, i)),
        PageKind::Communities => cx.input(communities::communities(&cx)),
        PageKind::Community(i) => paging::input(&cx, List::Community(i), 1),
        PageKind::Facilitators => cx.input(people::facilitators(&cx)),
        PageKind::Person(i) => paging::input(&cx, List::Person(i), 1),
        PageKind::Page(i) => cx.input(page::page(&cx, i)),
        PageKind::NotFound => cx.input(page::not_found()),
        PageKind::Tags => cx.input(taxonomy::taxonomy(&cx, taxonomy::Taxonomy::Tags)),
        PageKind::Formats => cx.input(taxonomy::taxonomy(&cx, taxonomy::Taxonomy::Formats)),
        PageKind::Tag(i) => paging::input(&cx, List::Tag(i), 1),
        PageKind::Format(i) => paging::input(&cx, List::Format(i), 1),
        PageKind::Agendas => cx.input(agendas::agendas(&cx)),
        PageKind::Agenda(i) => cx.input(agendas::agenda(&cx, i)),
        PageKind::Insights => cx.input(insights::page(&cx)),
        PageKind::Calendar => paging::input(&cx, List::Calendar, 1),
        PageKind::CalendarMonth(m) => cx.input(calendar::month(&cx, m)),
        PageKind::Backlog => cx.input(calendar::backlog(&cx)),
        PageKind::SeriesIndex => cx.input(calendar::series_index(&cx)),
        PageKind::Series(i) => cx.input(calendar::series(&cx, i)),
        PageKind::Search => cx.input(search::search(&cx)),
        PageKind::Feed => cx.input(feeds::atom(&cx)),
        PageKind::Sitemap => match feeds::sitemap(&cx) {
            feeds::SitemapFile::Urls(view) => cx.input(view),
            feeds::SitemapFile::Index(view) => cx.input(view),
        },
        PageKind::SitemapPart(n) => cx.input(feeds::sitemap_part(&cx, n)),
        PageKind::Robots => cx.input(feeds::robots(&cx)),
        PageKind::Redirect(i) => cx.input(redirects::redirect(&cx, i)),
        PageKind::Redirects => cx.input(redirects::redirects_file(&cx)),
        PageKind::Radar => cx.input(radar::radar(&cx)),
        PageKind::Atom(feed) => cx.input(feeds::item_atom(&cx, feed)),
    }
}

/// Every body of the site, keyed by its item's kind and path.
fn bodies_of(site: &Site) -> impl Iterator<Item = ((u8, String), &Body)> {
    let sessions = site
        .sessions
        .iter()
        .filter_map(|s| Some((b's', &s.path, s.body.as_ref()?)));
    let patterns = site.patterns.iter().map(|p| (b'p', &p.path, &p.body));
    let communities = site.communities.iter().map(|c| (b'c', &c.path, &c.body));
    let people = site
        .people
        .iter()
        .filter_map(|p| Some((b'h', &p.path, p.body.as_ref()?)));
    let pages = site.pages.iter().map(|p| (b'g', &p.path, &p.body));
    let agendas = site
        .agendas
        .iter()
        .filter_map(|a| Some((b'a', &a.path, a.body.as_ref()?)));
    sessions
        .chain(patterns)
        .chain(communities)
        .chain(people)
        .chain(pages)
        .chain(agendas)
        .map(|(kind, path, body)| ((kind, path.clone()), body))
}

/// The shared values of the site's long bodies: the previous build's where
/// the HTML is the same (compared, not trusted), new ones for the rest.
fn body_values(site: &Site, previous: &Kept) -> FxHashMap<usize, BodyValue> {
    let bodies: Vec<((u8, String), &Body)> = bodies_of(site)
        .filter(|(_, b)| b.html.len() >= SHARED_BODY_MIN)
        .collect();
    bodies
        .into_par_iter()
        .map(|(key, body)| {
            let kept = previous
                .bodies
                .get(&key)
                .filter(|b| b.value.as_str() == Some(&*body.html.get()));
            let value = kept.cloned().unwrap_or_else(|| BodyValue {
                value: Value::safe_string(&body.html.get()),
                print: None,
            });
            (body as *const Body as usize, value)
        })
        .collect()
}

/// A rendered body and its table of contents: `content` (safe HTML) and `toc`.
pub(crate) struct Content<'a>(Option<&'a Body>, &'a Views);

impl Serialize for Content<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Rendered Markdown is the one thing marked safe (ARCHITECTURE.md).
        match self.0.and_then(|b| self.1.body(b)) {
            Some(body) => shared(&body, serializer),
            None => {
                let html = self.0.map(|b| b.html.get());
                shared(
                    &&Value::safe_string(html.as_deref().unwrap_or("")),
                    serializer,
                )
            }
        }
    }
}

pub(crate) fn content<'a>(views: &'a Views, body: Option<&'a Body>) -> Content<'a> {
    Content(body, views)
}

pub(crate) fn toc(body: Option<&Body>) -> &[crate::parse::markdown::TocEntry] {
    body.map_or(&[], |b| b.toc.as_slice())
}

/// A backlink: an item whose text links here.
#[derive(Serialize)]
pub(crate) struct Backlink<'a> {
    title: &'a str,
    url: String,
    kind: &'static str,
}

/// Backlinks, by title.
pub(crate) fn referenced_by<'a>(site: &'a Site, refs: &[ItemRef]) -> Vec<Backlink<'a>> {
    let mut items: Vec<Backlink> = refs
        .iter()
        .map(|&r| Backlink {
            title: site.title_of(r),
            url: site.config.url(site.path_of(r)),
            kind: kind_name(r),
        })
        .collect();
    items.sort_by(|a, b| a.title.cmp(b.title));
    items
}

/// Splits sessions into those in the calendar and those on the backlog.
pub(crate) fn scheduled_and_proposed(
    site: &Site,
    ids: &[SessionId],
) -> (Vec<SessionId>, Vec<SessionId>) {
    ids.iter().partition(|&&s| site.sessions[s].is_scheduled())
}

/// Text cut to at most `max_chars` characters, at a word when one is near,
/// with an ellipsis.
pub fn truncate(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut,
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}
