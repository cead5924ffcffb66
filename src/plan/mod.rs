//! The plan: every page the site will have, decided from the resolved site
//! alone, before any view or template runs.
//!
//! The plan is the one list of outputs: the build renders exactly these pages,
//! the sitemap lists the HTML ones, and an incremental build removes outputs
//! that are no longer in it. Feeds are planned here too, through
//! [`Feed::path`], so a feed link in a view never dangles.

use crate::model::calendar::{self, Month};
use crate::model::*;
use crate::render::ics::Feed;

/// Where the pattern radar is; a pattern may not take its slug.
pub const RADAR_PATH: &str = "patterns/radar/";

/// One page of output, before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Sessions,
    /// Page N (from 2) of a list split into pages, at `<list>page/N/`;
    /// page 1 is the list's own page (`PageKind::Sessions`, a community...).
    ListPage(List, u32),
    Session(SessionId),
    Patterns,
    Pattern(PatternId),
    Communities,
    Community(CommunityId),
    Facilitators,
    Person(PersonId),
    Page(PageId),
    Tags,
    Tag(TagId),
    Formats,
    Format(FormatId),
    Agendas,
    Agenda(AgendaId),
    Insights,
    /// `/calendar/`: upcoming sessions by month, then past ones.
    Calendar,
    /// `/calendar/YYYY/MM/`: a month grid.
    CalendarMonth(Month),
    /// `/backlog/`: proposed sessions and their volunteers.
    Backlog,
    /// `/series/`: every series, when there is one.
    SeriesIndex,
    /// `/series/<slug>/`: its parts in order.
    Series(SeriesId),
    /// An iCalendar feed, written by `ics.rs` rather than a template.
    Ics(Feed),
    /// `/search/`, when `search.enabled`.
    Search,
    NotFound,
    Feed,
    /// `sitemap.xml`: every URL of [`in_sitemap`] pages, or, when there are
    /// more than one file may list, the index of the [`PageKind::SitemapPart`]s.
    Sitemap,
    /// `sitemap-N.xml` (from 1): the Nth run of [`SITEMAP_MAX_URLS`] URLs,
    /// when the site has more than `sitemap.xml` may list.
    SitemapPart(u32),
    Robots,
    /// A moved page's old path (`Site::redirects[i]`): a page that sends
    /// the reader on.
    Redirect(usize),
    /// `_redirects`, the same moves for hosts that read one.
    Redirects,
    /// `/patterns/radar/`: the catalogue on adopt/trial/assess/hold rings.
    Radar,
    /// The Atom feed of one community's, tag's or facilitator's write-ups.
    Atom(AtomFeed),
    /// A session's or pattern's preview image (`og:image`), drawn by
    /// `render/social.rs`.
    SocialImage(SocialImage),
}

/// Whose preview image: sessions and patterns have one (`social_images:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocialImage {
    Session(SessionId),
    Pattern(PatternId),
}

impl SocialImage {
    /// Where the image is: `social.png` in the folder of its page
    /// (`sessions/<slug>/social.png`). The plan writes exactly these and
    /// the pages' `og:image` names exactly these.
    pub fn path(self, site: &Site) -> String {
        let page = match self {
            SocialImage::Session(i) => &site.sessions[i].path,
            SocialImage::Pattern(i) => &site.patterns[i].path,
        };
        format!("{page}social.png")
    }

    /// The image of a page, if the page has one: sessions and patterns, when
    /// the site draws them (`social_images:`) and its base URL has a host
    /// (`og:image` must be absolute, so without one nothing would show it).
    pub fn of(site: &Site, kind: PageKind) -> Option<SocialImage> {
        if !site.config.social_images || site.config.host().is_none() {
            return None;
        }
        match kind {
            PageKind::Session(i) => Some(SocialImage::Session(i)),
            PageKind::Pattern(i) => Some(SocialImage::Pattern(i)),
            _ => None,
        }
    }
}

/// A list that is split into pages (`views/paging.rs`): its first page is
/// its own [`PageKind`] at its own URL, the others are
/// [`PageKind::ListPage`] at `<url>page/N/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum List {
    /// `/sessions/`: every session, newest first.
    Sessions,
    /// `/calendar/`: scheduled sessions, upcoming then past.
    Calendar,
    /// `/patterns/`: the catalogue, by maturity.
    Patterns,
    /// A community's sessions: upcoming, past, proposed.
    Community(CommunityId),
    /// A facilitator's sessions: upcoming, past, volunteered for.
    Person(PersonId),
    /// A tag's sessions, then its patterns.
    Tag(TagId),
    /// A format's sessions, then its patterns.
    Format(FormatId),
}

impl List {
    /// Every list of the site that is split, in plan order.
    pub fn all(site: &Site) -> impl Iterator<Item = List> + '_ {
        [List::Sessions, List::Calendar, List::Patterns]
            .into_iter()
            .chain(site.communities.keys().map(List::Community))
            .chain(site.people.keys().map(List::Person))
            .chain(site.tags.keys().map(List::Tag))
            .chain(site.formats.keys().map(List::Format))
    }

    /// The URL path of its first page (`communities/dev/`).
    pub fn path(self, site: &Site) -> String {
        match self {
            List::Sessions => "sessions/".into(),
            List::Calendar => "calendar/".into(),
            List::Patterns => "patterns/".into(),
            List::Community(i) => site.communities[i].path.clone(),
            List::Person(i) => site.people[i].path.clone(),
            List::Tag(i) => site.tags[i].path.clone(),
            List::Format(i) => site.formats[i].path.clone(),
        }
    }

    /// The page kind of its first page.
    pub fn first_page(self) -> PageKind {
        match self {
            List::Sessions => PageKind::Sessions,
            List::Calendar => PageKind::Calendar,
            List::Patterns => PageKind::Patterns,
            List::Community(i) => PageKind::Community(i),
            List::Person(i) => PageKind::Person(i),
            List::Tag(i) => PageKind::Tag(i),
            List::Format(i) => PageKind::Format(i),
        }
    }

    /// A planned page as the first page it continues and its number (1 for
    /// any page that is not a [`PageKind::ListPage`]).
    pub fn page_of(kind: PageKind) -> (PageKind, usize) {
        match kind {
            PageKind::ListPage(list, n) => (list.first_page(), n as usize),
            kind => (kind, 1),
        }
    }
}

/// Which write-ups an Atom feed carries besides the site's own (`feed.xml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtomFeed {
    Community(CommunityId),
    Tag(TagId),
    Person(PersonId),
}

impl AtomFeed {
    /// Where the feed is: `feed.xml` in the folder of the page it follows
    /// (`communities/<slug>/feed.xml`). The plan writes exactly these and the
    /// pages link exactly these, so a feed link never dangles.
    pub fn path(self, site: &Site) -> String {
        let page = match self {
            AtomFeed::Community(i) => &site.communities[i].path,
            AtomFeed::Tag(i) => &site.tags[i].path,
            AtomFeed::Person(i) => &site.people[i].path,
        };
        format!("{page}feed.xml")
    }

    /// The feed of a page, if the page has one (every page of a split
    /// community, tag or facilitator list has its feed).
    pub fn of(kind: PageKind) -> Option<AtomFeed> {
        match List::page_of(kind).0 {
            PageKind::Community(i) => Some(AtomFeed::Community(i)),
            PageKind::Tag(i) => Some(AtomFeed::Tag(i)),
            PageKind::Person(i) => Some(AtomFeed::Person(i)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct PlannedPage {
    /// Output file path: `sessions/x/index.html`.
    pub output: String,
    /// The page's URL path relative to base (`sessions/x/`), for sitemaps.
    pub path: String,
    pub kind: PageKind,
}

fn html_page(path: &str, kind: PageKind) -> PlannedPage {
    PlannedPage {
        output: format!("{path}index.html"),
        path: path.to_string(),
        kind,
    }
}

/// Every page the site has. Pure: the same site gives the same plan.
pub fn plan(site: &Site) -> Vec<PlannedPage> {
    let mut pages = vec![
        html_page("", PageKind::Home),
        html_page("sessions/", PageKind::Sessions),
        html_page("patterns/", PageKind::Patterns),
        html_page(RADAR_PATH, PageKind::Radar),
        html_page("communities/", PageKind::Communities),
        html_page("facilitators/", PageKind::Facilitators),
        html_page("tags/", PageKind::Tags),
        html_page("formats/", PageKind::Formats),
        html_page("insights/", PageKind::Insights),
        html_page("calendar/", PageKind::Calendar),
        html_page("backlog/", PageKind::Backlog),
    ];
    // Pages 2.. of every split list; page 1 is the list's own page.
    for list in List::all(site) {
        let first = list.path(site);
        pages.extend((2..=crate::views::paging::pages_of(site, list)).map(|n| {
            html_page(
                &crate::views::paging::list_page_path(&first, n),
                PageKind::ListPage(list, n as u32),
            )
        }));
    }
    pages.extend(
        calendar::months_spanned(site)
            .into_iter()
            .map(|m| html_page(&m.path(), PageKind::CalendarMonth(m))),
    );
    if !site.agendas.is_empty() {
        pages.push(html_page("agendas/", PageKind::Agendas));
    }
    if !site.series.is_empty() {
        pages.push(html_page("series/", PageKind::SeriesIndex));
    }
    pages.extend(
        site.series
            .iter_enumerated()
            .map(|(i, x)| html_page(&x.path, PageKind::Series(i))),
    );
    if site.config.search.enabled {
        pages.push(html_page("search/", PageKind::Search));
    }
    pages.extend(
        site.sessions
            .iter_enumerated()
            .map(|(i, s)| html_page(&s.path, PageKind::Session(i))),
    );
    pages.extend(
        site.patterns
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Pattern(i))),
    );
    pages.extend(
        site.communities
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Community(i))),
    );
    pages.extend(
        site.people
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Person(i))),
    );
    pages.extend(
        site.pages
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Page(i))),
    );
    pages.extend(
        site.tags
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Tag(i))),
    );
    pages.extend(
        site.formats
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Format(i))),
    );
    pages.extend(
        site.agendas
            .iter_enumerated()
            .map(|(i, p)| html_page(&p.path, PageKind::Agenda(i))),
    );
    let feeds = std::iter::once(Feed::All)
        .chain(site.communities.keys().map(Feed::Community))
        .chain(site.people.keys().map(Feed::Person))
        .chain(site.sessions.keys().map(Feed::Session));
    for feed in feeds {
        if let Some(path) = feed.path(site) {
            pages.push(PlannedPage {
                output: path.clone(),
                path,
                kind: PageKind::Ics(feed),
            });
        }
    }
    for (output, kind) in [
        ("404.html", PageKind::NotFound),
        ("feed.xml", PageKind::Feed),
        ("robots.txt", PageKind::Robots),
    ] {
        pages.push(PlannedPage {
            output: output.into(),
            path: output.into(),
            kind,
        });
    }
    let atom_feeds = (site.communities.keys().map(AtomFeed::Community))
        .chain(site.tags.keys().map(AtomFeed::Tag))
        .chain(site.people.keys().map(AtomFeed::Person));
    pages.extend(atom_feeds.map(|feed| {
        let path = feed.path(site);
        PlannedPage {
            output: path.clone(),
            path,
            kind: PageKind::Atom(feed),
        }
    }));
    pages.extend(site.redirects.iter().enumerate().map(|(i, r)| PlannedPage {
        output: r.output(),
        path: r.from.clone(),
        kind: PageKind::Redirect(i),
    }));
    if !site.redirects.is_empty() {
        pages.push(PlannedPage {
            output: "_redirects".into(),
            path: "_redirects".into(),
            kind: PageKind::Redirects,
        });
    }
    let images: Vec<SocialImage> = pages
        .iter()
        .filter_map(|p| SocialImage::of(site, p.kind))
        .collect();
    pages.extend(images.into_iter().map(|image| {
        let path = image.path(site);
        PlannedPage {
            output: path.clone(),
            path,
            kind: PageKind::SocialImage(image),
        }
    }));
    // `content/index.md` introduces the home page instead of replacing it.
    pages.retain(|p| !(p.path.is_empty() && matches!(p.kind, PageKind::Page(_))));
    // sitemaps.org requires absolute `<loc>`s: no host, no sitemap (the
    // build warns, `Config::base_url_warning`). Planned last, when every
    // page it lists is known.
    if site.config.host().is_some() {
        let listed = pages.iter().filter(|p| in_sitemap(p)).count();
        let sitemap = |output: String, kind| PlannedPage {
            path: output.clone(),
            output,
            kind,
        };
        pages.push(sitemap("sitemap.xml".into(), PageKind::Sitemap));
        pages.extend(
            (1..=sitemap_parts(listed, SITEMAP_MAX_URLS))
                .map(|n| sitemap(sitemap_part_path(n), PageKind::SitemapPart(n))),
        );
    }
    pages
}

/// The most URLs one sitemap file may list (sitemaps.org; its other limit,
/// 50 MB, is far off at about a hundred bytes a URL). A site with more gets
/// a sitemap index at `sitemap.xml` and its URLs in `sitemap-N.xml` files.
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// Whether a planned page is one of the sitemap's URLs: the HTML pages a
/// reader may land on, not the search page nor a redirect's.
pub fn in_sitemap(page: &PlannedPage) -> bool {
    page.output.ends_with("index.html")
        && !matches!(page.kind, PageKind::Search | PageKind::Redirect(_))
}

/// How many `sitemap-N.xml` files `listed` URLs need, `max` to a file:
/// none when they all fit in `sitemap.xml` itself.
pub fn sitemap_parts(listed: usize, max: usize) -> u32 {
    if listed <= max {
        0
    } else {
        listed.div_ceil(max) as u32
    }
}

/// The output path of the Nth part of a split sitemap.
pub fn sitemap_part_path(n: u32) -> String {
    format!("sitemap-{n}.xml")
}

/// The Markdown file a page is rendered from, if any.
pub fn source_of(site: &Site, kind: PageKind) -> Option<std::path::PathBuf> {
    match kind {
        PageKind::Session(i) => site.sessions[i].source.clone(),
        PageKind::Pattern(i) => Some(site.patterns[i].source.clone()),
        PageKind::Community(i) => Some(site.communities[i].source.clone()),
        PageKind::Person(i) => site.people[i].source.clone(),
        PageKind::Page(i) => Some(site.pages[i].source.clone()),
        PageKind::Agenda(i) => Some(site.agendas[i].source.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_is_split_only_past_the_limit_into_as_few_files_as_fit() {
        assert_eq!(sitemap_parts(0, 3), 0);
        assert_eq!(
            sitemap_parts(3, 3),
            0,
            "a full sitemap.xml is still one file"
        );
        assert_eq!(sitemap_parts(4, 3), 2);
        assert_eq!(sitemap_parts(6, 3), 2);
        assert_eq!(sitemap_parts(7, 3), 3);
        assert_eq!(sitemap_parts(108_104, SITEMAP_MAX_URLS), 3);
        assert_eq!(sitemap_part_path(2), "sitemap-2.xml");
    }

    #[test]
    fn the_sitemap_lists_landing_pages_but_not_search_or_redirects() {
        let page = |output: &str, kind| PlannedPage {
            output: output.into(),
            path: output.trim_end_matches("index.html").into(),
            kind,
        };
        assert!(in_sitemap(&page("sessions/index.html", PageKind::Sessions)));
        assert!(in_sitemap(&page("index.html", PageKind::Home)));
        assert!(!in_sitemap(&page("search/index.html", PageKind::Search)));
        assert!(!in_sitemap(&page("old/index.html", PageKind::Redirect(0))));
        assert!(!in_sitemap(&page("feed.xml", PageKind::Feed)));
        assert!(!in_sitemap(&page(
            "sitemap-1.xml",
            PageKind::SitemapPart(1)
        )));
    }
}
