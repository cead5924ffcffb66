//! The plan: every page the site will have, decided from the resolved site
//! alone, before any view or template runs.
//!
//! The plan is the one list of outputs: the build renders exactly these pages,
//! the sitemap lists the HTML ones, and an incremental build removes outputs
//! that are no longer in it. Feeds are planned here too, through
//! [`Feed::path`], so a feed link in a view never dangles.

use crate::calendar::{self, Month};
use crate::ics::Feed;
use crate::site::*;

/// One page of output, before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Sessions,
    /// `/sessions/page/N/`, N from 2: the rest of the split session list.
    SessionsPage(u32),
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
    /// `/calendar/page/N/`, N from 2: the rest of the split calendar list.
    CalendarPage(u32),
    /// `/calendar/YYYY/MM/`: a month grid.
    CalendarMonth(Month),
    /// `/backlog/`: proposed sessions and their volunteers.
    Backlog,
    /// An iCalendar feed, written by `ics.rs` rather than a template.
    Ics(Feed),
    /// `/search/`, when `search.enabled`.
    Search,
    NotFound,
    Feed,
    Sitemap,
    Robots,
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
        html_page("communities/", PageKind::Communities),
        html_page("facilitators/", PageKind::Facilitators),
        html_page("tags/", PageKind::Tags),
        html_page("formats/", PageKind::Formats),
        html_page("insights/", PageKind::Insights),
        html_page("calendar/", PageKind::Calendar),
        html_page("backlog/", PageKind::Backlog),
    ];
    pages.extend(
        (2..=crate::views::sessions::sessions_page_count(site)).map(|n| {
            html_page(
                &crate::views::sessions::list_page_path("sessions/", n),
                PageKind::SessionsPage(n as u32),
            )
        }),
    );
    pages.extend(
        (2..=crate::views::calendar::calendar_page_count(site)).map(|n| {
            html_page(
                &crate::views::sessions::list_page_path("calendar/", n),
                PageKind::CalendarPage(n as u32),
            )
        }),
    );
    pages.extend(
        calendar::months_spanned(site)
            .into_iter()
            .map(|m| html_page(&m.path(), PageKind::CalendarMonth(m))),
    );
    if !site.agendas.is_empty() {
        pages.push(html_page("agendas/", PageKind::Agendas));
    }
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
        ("sitemap.xml", PageKind::Sitemap),
        ("robots.txt", PageKind::Robots),
    ] {
        pages.push(PlannedPage {
            output: output.into(),
            path: output.into(),
            kind,
        });
    }
    // `content/index.md` introduces the home page instead of replacing it.
    pages.retain(|p| !(p.path.is_empty() && matches!(p.kind, PageKind::Page(_))));
    pages
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
