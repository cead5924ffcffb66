//! The plan and render stages: decide every output page, then render them
//! with tera, in parallel, from the precomputed view model.

pub mod ics;
pub mod templates;

use serde_json::json;
use tera::{Context, Value};

use crate::calendar::{self, Month};
use crate::diagnostic::Diagnostic;
use crate::ics::Feed;
use crate::linkcheck::PageLinks;
use crate::meta::{self, Maturity, Status};
use crate::site::*;
use crate::templates::Templates;
use crate::view::{self, Views};

/// One page of output, before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Sessions,
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

/// What one page is rendered from: a template and the values it reads.
///
/// Rendering is a pure function of this input and the templates, so an
/// incremental build compares fingerprints of inputs (see `fingerprint.rs`)
/// and renders only pages whose input changed.
#[derive(Debug, Default)]
pub struct PageInput {
    pub template: &'static str,
    /// The template context, in insertion order.
    pub values: Vec<(&'static str, Value)>,
}

impl PageInput {
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.insert_value(key, Value::from_serializable(value));
    }

    fn insert_value(&mut self, key: &'static str, value: Value) {
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.values.push((key, value)),
        }
    }

    fn context(&self) -> Context {
        let mut cx = Context::new();
        for (k, v) in &self.values {
            cx.insert_value(*k, v.clone());
        }
        cx
    }
}

/// A rendered page: its bytes, and for HTML its ids and links (for the link checker).
pub struct RenderedPage {
    pub html: String,
    pub links: Option<PageLinks>,
}

/// The pseudo-template of iCalendar feeds, which `ics.rs` writes.
const ICS: &str = "ics.rs";

/// Renders one page from its input.
pub fn render_page(
    site: &Site,
    templates: &Templates,
    page: &PlannedPage,
    input: &PageInput,
) -> Result<RenderedPage, Diagnostic> {
    let html = match input.values.first() {
        Some((_, text)) if input.template == ICS => text.as_str().unwrap_or_default().to_string(),
        _ => templates.render(input.template, &input.context())?,
    };
    let links = page.output.ends_with(".html").then(|| {
        crate::linkcheck::scan(
            &page.output,
            input.template,
            source_of(site, page.kind),
            &html,
        )
    });
    Ok(RenderedPage { html, links })
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

fn val(json: serde_json::Value) -> Value {
    Value::from_serializable(&json)
}

/// The template and values of one page. Cheap next to rendering: values
/// are mostly shared, reference-counted views.
pub fn page_input(
    site: &Site,
    views: &Views,
    page: &PlannedPage,
    all_pages: &[PlannedPage],
) -> PageInput {
    if let PageKind::Ics(feed) = page.kind {
        // Written by ics.rs, not by a template: its text is its input.
        let mut cx = PageInput {
            template: ICS,
            values: Vec::new(),
        };
        cx.insert_value(
            "ics",
            Value::from(feed.render_with(site, &views.ics_events)),
        );
        return cx;
    }
    let c = &site.config;
    let mut cx = PageInput::default();
    cx.insert_value("site", views.site.clone());
    cx.insert("current_path", &c.url(&page.path));
    cx.insert("permalink", &c.permalink(&page.path));
    let template = match page.kind {
        PageKind::Home => {
            let all: Vec<SessionId> = site.sessions.keys().collect();
            let (upcoming, past) = views.split_by_time(&all);
            let upcoming: Vec<SessionId> = upcoming
                .into_iter()
                .filter(|&i| site.sessions[i].status != Status::Proposed)
                .take(4)
                .collect();
            let recent: Vec<SessionId> = past
                .into_iter()
                .filter(|&i| {
                    site.sessions[i]
                        .body
                        .as_ref()
                        .is_some_and(|b| !b.html.trim().is_empty())
                })
                .take(6)
                .collect();
            cx.insert("page_title", &c.title);
            // `content/index.md`, if any, introduces the home page.
            let intro = site.pages.iter().find(|p| p.path.is_empty());
            cx.insert_value("intro", view::body_value(intro.map(|p| &p.body)).0);
            cx.insert_value("upcoming", views.session_list(&upcoming));
            cx.insert_value("recent", views.session_list(&recent));
            cx.insert_value("communities", Value::from(views.communities.raw.clone()));
            let mut featured: Vec<PatternId> = site.patterns.keys().collect();
            featured.sort_by_key(|&i| {
                (
                    std::cmp::Reverse(site.patterns[i].sessions.len()),
                    site.patterns[i].title.to_lowercase(),
                )
            });
            featured.truncate(6);
            cx.insert_value("patterns", Views::list(&views.patterns, &featured));
            cx.insert_value(
                "stats",
                val(json!({
                    "sessions": site.sessions.iter().filter(|s| s.status == Status::Held).count(),
                    "patterns": site.patterns.len(),
                    "facilitators": site.people.iter().filter(|p| !p.sessions.is_empty()).count(),
                    "communities": site.communities.len(),
                })),
            );
            "index.html"
        }
        PageKind::Sessions => {
            cx.insert("page_title", "Sessions");
            let mut years: Vec<(String, Vec<SessionId>)> = Vec::new();
            for i in site.sessions.keys().rev() {
                let label = match site.sessions[i].date {
                    Some(d) => d.year().to_string(),
                    None => "Proposed".to_string(),
                };
                match years.last_mut() {
                    Some((y, list)) if *y == label => list.push(i),
                    _ => years.push((label, vec![i])),
                }
            }
            // Proposed sessions come last in the model; show them last here too.
            years.sort_by_key(|(y, _)| y == "Proposed");
            let groups: Vec<Value> = years
                .iter()
                .map(|(label, ids)| {
                    let mut map = tera::Map::new();
                    map.insert("label".into(), Value::from(label.as_str()));
                    map.insert("slug".into(), Value::from(crate::slug::slugify(label)));
                    map.insert("sessions".into(), views.session_list(ids));
                    Value::from(map)
                })
                .collect();
            cx.insert_value("groups", Value::from(groups));
            "sessions.html"
        }
        PageKind::Session(i) => {
            let s = &site.sessions[i];
            let (content, toc) = view::body_value(s.body.as_ref());
            cx.insert("page_title", &s.title);
            cx.insert_value("session", views.sessions[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("toc", toc);
            cx.insert_value("referenced_by", view::referenced_by(site, &s.referenced_by));
            cx.insert("extra", &s.extra);
            cx.insert(
                "description",
                &view::truncate(
                    views.sessions[i]
                        .get_from_path("summary")
                        .and_then(|v| v.as_str())
                        .unwrap_or(""),
                    160,
                ),
            );
            "session.html"
        }
        PageKind::Patterns => {
            cx.insert("page_title", "Pattern catalogue");
            let groups: Vec<Value> = Maturity::ALL
                .iter()
                .map(|m| Some(*m))
                .chain(std::iter::once(None))
                .filter_map(|m| {
                    let ids: Vec<PatternId> = site
                        .patterns
                        .keys()
                        .filter(|&i| site.patterns[i].maturity == m)
                        .collect();
                    if ids.is_empty() {
                        return None;
                    }
                    let mut map = tera::Map::new();
                    map.insert(
                        "maturity".into(),
                        Value::from(m.map_or("unrated", Maturity::name)),
                    );
                    map.insert("patterns".into(), Views::list(&views.patterns, &ids));
                    Some(Value::from(map))
                })
                .collect();
            cx.insert_value("groups", Value::from(groups));
            let tag_ids: Vec<TagId> = site
                .tags
                .keys()
                .filter(|&t| !site.tags[t].patterns.is_empty())
                .collect();
            cx.insert_value("tags", Views::list(&views.tags, &tag_ids));
            let by_tag: Vec<Value> = tag_ids
                .iter()
                .map(|&t| {
                    let mut map = tera::Map::new();
                    map.insert("tag".into(), views.tags[t].clone());
                    map.insert(
                        "patterns".into(),
                        Views::list(&views.patterns, &site.tags[t].patterns),
                    );
                    Value::from(map)
                })
                .collect();
            cx.insert_value("by_tag", Value::from(by_tag));
            "patterns.html"
        }
        PageKind::Pattern(i) => {
            let p = &site.patterns[i];
            let (content, toc) = view::body_value(Some(&p.body));
            cx.insert("page_title", &p.title);
            cx.insert_value("pattern", views.patterns[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("toc", toc);
            cx.insert_value("related", Views::list(&views.patterns, &p.related));
            let mut sessions = p.sessions.clone();
            sessions.reverse();
            cx.insert_value("sessions", views.session_list(&sessions));
            cx.insert_value("referenced_by", view::referenced_by(site, &p.referenced_by));
            cx.insert("extra", &p.extra);
            cx.insert("description", &p.summary.clone().unwrap_or_default());
            "pattern.html"
        }
        PageKind::Communities => {
            cx.insert("page_title", "Communities");
            cx.insert_value("communities", Value::from(views.communities.raw.clone()));
            "communities.html"
        }
        PageKind::Community(i) => {
            let x = &site.communities[i];
            let (scheduled, proposed) = scheduled_and_proposed(site, &x.sessions);
            let (upcoming, past) = views.split_by_time(&scheduled);
            let (content, toc) = view::body_value(Some(&x.body));
            cx.insert("page_title", &x.title);
            cx.insert_value("community", views.communities[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("toc", toc);
            cx.insert_value("upcoming", views.session_list(&upcoming));
            cx.insert_value("past", views.session_list(&past));
            cx.insert_value("proposed", views.session_list(&proposed));
            let mut facilitators: Vec<PersonId> = x
                .sessions
                .iter()
                .flat_map(|&s| site.sessions[s].facilitators.iter().copied())
                .collect();
            facilitators.sort_by(|a, b| site.people[*a].name.cmp(&site.people[*b].name));
            facilitators.dedup();
            cx.insert_value("facilitators", Views::list(&views.people, &facilitators));
            let mut patterns: Vec<PatternId> = x
                .sessions
                .iter()
                .flat_map(|&s| site.sessions[s].patterns.iter().copied())
                .collect();
            patterns.sort_by(|a, b| site.patterns[*a].title.cmp(&site.patterns[*b].title));
            patterns.dedup();
            cx.insert_value("patterns", Views::list(&views.patterns, &patterns));
            cx.insert_value("referenced_by", view::referenced_by(site, &x.referenced_by));
            cx.insert("extra", &x.extra);
            cx.insert("description", &x.purpose.clone().unwrap_or_default());
            "community.html"
        }
        PageKind::Facilitators => {
            cx.insert("page_title", "Facilitators");
            // Everyone who facilitates, or has a profile; by name.
            let mut ids: Vec<PersonId> = site
                .people
                .keys()
                .filter(|&i| !site.people[i].sessions.is_empty() || site.people[i].source.is_some())
                .collect();
            ids.sort_by_key(|&i| site.people[i].name.to_lowercase());
            cx.insert_value("people", Views::list(&views.people, &ids));
            // Plain grouped lists narrow the index without JavaScript.
            let group = |title: &str, url: String, members: Vec<PersonId>| {
                let mut map = tera::Map::new();
                map.insert("title".into(), Value::from(title));
                map.insert("url".into(), Value::from(url));
                map.insert("people".into(), Views::list(&views.people, &members));
                Value::from(map)
            };
            let members_of = |pred: &dyn Fn(&Session) -> bool| -> Vec<PersonId> {
                ids.iter()
                    .copied()
                    .filter(|&p| {
                        site.people[p]
                            .sessions
                            .iter()
                            .any(|&s| pred(&site.sessions[s]))
                    })
                    .collect()
            };
            let mut by_community = Vec::new();
            for (ci, x) in site.communities.iter_enumerated() {
                let members = members_of(&|s: &Session| s.community == Some(ci));
                if !members.is_empty() {
                    by_community.push(group(&x.title, c.url(&x.path), members));
                }
            }
            let mut by_format = Vec::new();
            for (fi, f) in site.formats.iter_enumerated() {
                let members = members_of(&|s: &Session| s.format == Some(fi));
                if !members.is_empty() {
                    by_format.push(group(&f.name, c.url(&f.path), members));
                }
            }
            cx.insert_value("by_community", Value::from(by_community));
            cx.insert_value("by_format", Value::from(by_format));
            "facilitators.html"
        }
        PageKind::Person(i) => {
            let p = &site.people[i];
            let (scheduled, proposed) = scheduled_and_proposed(site, &p.sessions);
            let (upcoming, past) = views.split_by_time(&scheduled);
            let (content, _) = view::body_value(p.body.as_ref());
            cx.insert("page_title", &p.name);
            cx.insert_value("person", views.people[i].clone());
            cx.insert_value("content", content);
            cx.insert(
                "links",
                &p.links
                    .iter()
                    .map(|(l, u)| json!({"label": l, "url": u}))
                    .collect::<Vec<_>>(),
            );
            cx.insert_value("upcoming", views.session_list(&upcoming));
            cx.insert_value("past", views.session_list(&past));
            cx.insert_value("proposed", views.session_list(&proposed));
            let mut communities: Vec<CommunityId> = p
                .sessions
                .iter()
                .filter_map(|&s| site.sessions[s].community)
                .collect();
            communities.sort();
            communities.dedup();
            cx.insert_value("communities", Views::list(&views.communities, &communities));
            let mut patterns: Vec<PatternId> = p
                .sessions
                .iter()
                .flat_map(|&s| site.sessions[s].patterns.iter().copied())
                .collect();
            patterns.sort_by(|a, b| site.patterns[*a].title.cmp(&site.patterns[*b].title));
            patterns.dedup();
            cx.insert_value("patterns", Views::list(&views.patterns, &patterns));
            cx.insert_value("referenced_by", view::referenced_by(site, &p.referenced_by));
            cx.insert("extra", &p.extra);
            cx.insert("description", &p.role.clone().unwrap_or_default());
            "person.html"
        }
        PageKind::Page(i) => {
            let p = &site.pages[i];
            let (content, toc) = view::body_value(Some(&p.body));
            cx.insert("page_title", &p.title);
            cx.insert_value("page", views.pages[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("toc", toc);
            cx.insert_value("referenced_by", view::referenced_by(site, &p.referenced_by));
            cx.insert("extra", &p.extra);
            cx.insert("description", &p.description.clone().unwrap_or_default());
            "page.html"
        }
        PageKind::Tags | PageKind::Formats => {
            let is_tags = page.kind == PageKind::Tags;
            cx.insert("page_title", if is_tags { "Tags" } else { "Formats" });
            cx.insert("taxonomy", if is_tags { "tags" } else { "formats" });
            cx.insert_value(
                "terms",
                Value::from(if is_tags {
                    views.tags.raw.clone()
                } else {
                    views.formats.raw.clone()
                }),
            );
            "taxonomy.html"
        }
        PageKind::Tag(_) | PageKind::Format(_) => {
            let (is_tag, term, term_view) = match page.kind {
                PageKind::Tag(i) => (true, &site.tags[i], &views.tags[i]),
                PageKind::Format(i) => (false, &site.formats[i], &views.formats[i]),
                _ => unreachable!("matched above"),
            };
            cx.insert("page_title", &term.name);
            cx.insert("taxonomy", if is_tag { "tags" } else { "formats" });
            cx.insert_value("term", term_view.clone());
            let mut sessions = term.sessions.clone();
            sessions.reverse();
            cx.insert_value("sessions", views.session_list(&sessions));
            cx.insert_value("patterns", Views::list(&views.patterns, &term.patterns));
            "term.html"
        }
        PageKind::Agendas => {
            cx.insert("page_title", "Agendas");
            cx.insert_value("agendas", Value::from(views.agendas.raw.clone()));
            "agendas.html"
        }
        PageKind::Agenda(i) => {
            let a = &site.agendas[i];
            let (content, _) = view::body_value(a.body.as_ref());
            cx.insert("page_title", &a.title);
            cx.insert_value("agenda", views.agendas[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("sessions", views.session_list(&a.sessions));
            cx.insert("description", &a.description.clone().unwrap_or_default());
            "agenda.html"
        }
        PageKind::Insights => {
            use crate::insights::{Insights, bar_chart, column_chart};
            let figures = Insights::new(site);
            cx.insert("page_title", "Insights");
            cx.insert("insights", &figures);
            let charts = json!({
                "per_month": column_chart("chart-month", "Sessions held per month", &format!("{} sessions held from {} to {}", figures.held, figures.per_month.first().map_or("", |c| c.label.as_str()), figures.per_month.last().map_or("", |c| c.label.as_str())), &figures.per_month),
                "per_format": bar_chart("chart-format", "Sessions held per format", "Held sessions counted by format, most common first", &figures.per_format),
                "per_community": bar_chart("chart-community", "Sessions held per community", "Held sessions counted by community, most active first", &figures.per_community),
                "per_facilitator": bar_chart("chart-facilitator", "Sessions held per facilitator", &format!("The three most active facilitators ran {}% of held sessions", figures.top_three_share), &figures.per_facilitator),
            });
            cx.insert("charts", &charts);
            "insights.html"
        }
        PageKind::Calendar => {
            cx.insert("page_title", "Calendar");
            let scheduled: Vec<SessionId> = site
                .sessions
                .keys()
                .filter(|&i| site.sessions[i].is_scheduled())
                .collect();
            let (upcoming, past) = views.split_by_time(&scheduled);
            let groups = |ids: &[SessionId]| -> Value {
                Value::from(
                    calendar::group_by_month(site, ids)
                        .into_iter()
                        .map(|(m, ids)| month_group(c, m, views.session_list(&ids)))
                        .collect::<Vec<_>>(),
                )
            };
            cx.insert_value("upcoming", groups(&upcoming));
            cx.insert_value("past", groups(&past));
            let mut years: Vec<(i16, Vec<Value>)> = Vec::new();
            let by_date = views.sessions_by_date(site);
            for m in calendar::months_spanned(site) {
                let count: usize = by_date
                    .range(m.first_day()..m.next().first_day())
                    .map(|(_, ids)| ids.len())
                    .sum();
                let link = val(json!({
                    "label": meta::month_name(m.month),
                    "url": c.url(&m.path()),
                    "count": count,
                }));
                match years.last_mut() {
                    Some((y, list)) if *y == m.year => list.push(link),
                    _ => years.push((m.year, vec![link])),
                }
            }
            let years: Vec<Value> = years
                .into_iter()
                .map(|(y, months)| {
                    let mut map = tera::Map::new();
                    map.insert("year".into(), Value::from(y));
                    map.insert("months".into(), Value::from(months));
                    Value::from(map)
                })
                .collect();
            cx.insert_value("years", Value::from(years));
            let backlog = site
                .sessions
                .iter()
                .filter(|s| s.status == Status::Proposed)
                .count();
            cx.insert("backlog_count", &backlog);
            "calendar.html"
        }
        PageKind::CalendarMonth(m) => {
            let months = calendar::months_spanned(site);
            let grid =
                calendar::month_grid(m, c.calendar.first_weekday, views.sessions_by_date(site));
            let today = site
                .now
                .to_zoned_datetime(
                    meta::tzdb()
                        .get(&c.timezone)
                        .unwrap_or(jiff::tz::TimeZone::UTC),
                )
                .date();
            let weeks: Vec<Value> = grid
                .weeks
                .iter()
                .map(|week| {
                    Value::from(
                        week.iter()
                            .map(|d| {
                                let mut map = tera::Map::new();
                                map.insert("day".into(), Value::from(d.date.day()));
                                map.insert("date".into(), Value::from(d.date.to_string()));
                                map.insert(
                                    "weekday".into(),
                                    Value::from(d.date.strftime("%A").to_string()),
                                );
                                map.insert("in_month".into(), Value::from(d.in_month));
                                map.insert("today".into(), Value::from(d.date == today));
                                map.insert("sessions".into(), views.session_list(&d.sessions));
                                Value::from(map)
                            })
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            let count: usize = grid
                .weeks
                .iter()
                .flatten()
                .filter(|d| d.in_month)
                .map(|d| d.sessions.len())
                .sum();
            let neighbour = |n: Month| {
                months
                    .contains(&n)
                    .then(|| json!({ "label": n.label(), "url": c.url(&n.path()) }))
            };
            cx.insert("page_title", &m.label());
            cx.insert(
                "month",
                &json!({
                    "label": m.label(),
                    "year": m.year,
                    "month": m.month,
                    "count": count,
                    "previous": neighbour(m.previous()),
                    "next": neighbour(m.next()),
                    // Column names from the first week's dates, in column order.
                    "weekdays": grid.weeks[0].iter().map(|d| json!({
                        "name": d.date.strftime("%A").to_string(),
                        "short": d.date.strftime("%a").to_string(),
                    })).collect::<Vec<_>>(),
                }),
            );
            cx.insert_value("weeks", Value::from(weeks));
            "calendar_month.html"
        }
        PageKind::Backlog => {
            cx.insert("page_title", "Backlog");
            let proposed: Vec<SessionId> = site
                .sessions
                .keys()
                .filter(|&i| site.sessions[i].status == Status::Proposed)
                .collect();
            let mut groups: Vec<(Option<CommunityId>, Vec<SessionId>)> = Vec::new();
            for &i in &proposed {
                let community = site.sessions[i].community;
                match groups.iter_mut().find(|(c, _)| *c == community) {
                    Some((_, list)) => list.push(i),
                    None => groups.push((community, vec![i])),
                }
            }
            // Communities by title; sessions of no community last.
            groups.sort_by_key(|(ci, _)| {
                (
                    ci.is_none(),
                    ci.map(|ci| site.communities[ci].title.to_lowercase()),
                )
            });
            let groups: Vec<Value> = groups
                .into_iter()
                .map(|(ci, ids)| {
                    let mut map = tera::Map::new();
                    map.insert(
                        "community".into(),
                        ci.map_or(Value::none(), |ci| views.communities[ci].clone()),
                    );
                    map.insert("sessions".into(), views.session_list(&ids));
                    Value::from(map)
                })
                .collect();
            cx.insert_value("groups", Value::from(groups));
            cx.insert("count", &proposed.len());
            "backlog.html"
        }
        PageKind::Ics(_) => unreachable!("feeds are written before templates"),
        PageKind::Search => {
            cx.insert("page_title", "Search");
            cx.insert("manifest_url", &c.url(crate::search::MANIFEST));
            "search.html"
        }
        PageKind::NotFound => {
            cx.insert("page_title", "Page not found");
            "404.html"
        }
        PageKind::Feed => {
            let mut entries: Vec<SessionId> = site
                .sessions
                .keys()
                .filter(|&i| {
                    let s = &site.sessions[i];
                    s.status == Status::Held
                        && s.body.as_ref().is_some_and(|b| !b.html.trim().is_empty())
                })
                .collect();
            entries.reverse();
            entries.truncate(30);
            let items: Vec<serde_json::Value> = entries
                .iter()
                .map(|&i| {
                    let s = &site.sessions[i];
                    json!({
                        "title": s.title,
                        "url": c.permalink(&s.path),
                        "id": c.permalink(&s.path),
                        "updated": feed_time(s),
                        "summary": views.sessions[i].get_from_path("summary").and_then(|v| v.as_str()).unwrap_or(""),
                        "content": s.body.as_ref().map(|b| b.html.as_str()).unwrap_or(""),
                        "authors": s.facilitators.iter().map(|&p| site.people[p].name.clone()).collect::<Vec<_>>(),
                        "categories": s.tags.iter().map(|&t| site.tags[t].name.clone()).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let updated = items
                .first()
                .map(|e| e["updated"].clone())
                .unwrap_or_else(|| json!("1970-01-01T00:00:00Z"));
            cx.insert("entries", &items);
            cx.insert("updated", &updated);
            cx.insert("feed_url", &c.permalink("feed.xml"));
            "atom.xml"
        }
        PageKind::Sitemap => {
            let urls: Vec<String> = all_pages
                .iter()
                .filter(|p| p.output.ends_with("index.html") && p.kind != PageKind::Search)
                .map(|p| c.permalink(&p.path))
                .collect();
            cx.insert("urls", &urls);
            "sitemap.xml"
        }
        PageKind::Robots => {
            cx.insert("sitemap_url", &c.permalink("sitemap.xml"));
            "robots.txt"
        }
    };
    cx.template = template;
    cx
}

/// Splits sessions into those in the calendar and those on the backlog.
fn scheduled_and_proposed(site: &Site, ids: &[SessionId]) -> (Vec<SessionId>, Vec<SessionId>) {
    ids.iter().partition(|&&s| site.sessions[s].is_scheduled())
}

/// A month of sessions on `/calendar/`: its name, its grid page, its sessions.
fn month_group(c: &crate::config::Config, m: Month, sessions: Value) -> Value {
    let mut map = tera::Map::new();
    map.insert("label".into(), Value::from(m.label()));
    map.insert("url".into(), Value::from(c.url(&m.path())));
    map.insert(
        "slug".into(),
        Value::from(format!("{:04}-{:02}", m.year, m.month)),
    );
    map.insert("sessions".into(), sessions);
    Value::from(map)
}

/// An RFC 3339 instant for a feed entry: the session's start, or its date at midnight UTC.
fn feed_time(s: &Session) -> String {
    match (&s.start, s.date) {
        (Some(z), _) => z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (None, Some(d)) => format!("{d}T00:00:00Z"),
        _ => "1970-01-01T00:00:00Z".into(),
    }
}
