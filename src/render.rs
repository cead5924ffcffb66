//! The plan and render stages: decide every output page, then render them
//! with tera, in parallel, from the precomputed view model.

use rayon::prelude::*;
use serde_json::json;
use tera::{Context, Value};

use crate::diagnostic::Diagnostic;
use crate::meta::{Maturity, Status};
use crate::site::*;
use crate::templates::Templates;
use crate::view::{self, Views};

/// One page of output, before rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    Home,
    Sessions,
    Session(usize),
    Patterns,
    Pattern(usize),
    Communities,
    Community(usize),
    Facilitators,
    Person(usize),
    Page(usize),
    Tags,
    Tag(usize),
    Formats,
    Format(usize),
    Agendas,
    Agenda(usize),
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
    ];
    if !site.agendas.is_empty() {
        pages.push(html_page("agendas/", PageKind::Agendas));
    }
    if site.config.search.enabled {
        pages.push(html_page("search/", PageKind::Search));
    }
    pages.extend(
        site.sessions
            .iter()
            .enumerate()
            .map(|(i, s)| html_page(&s.path, PageKind::Session(i))),
    );
    pages.extend(
        site.patterns
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Pattern(i))),
    );
    pages.extend(
        site.communities
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Community(i))),
    );
    pages.extend(
        site.people
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Person(i))),
    );
    pages.extend(
        site.pages
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Page(i))),
    );
    pages.extend(
        site.tags
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Tag(i))),
    );
    pages.extend(
        site.formats
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Format(i))),
    );
    pages.extend(
        site.agendas
            .iter()
            .enumerate()
            .map(|(i, p)| html_page(&p.path, PageKind::Agenda(i))),
    );
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
    // A plain page may not take the home page's place.
    pages.retain(|p| !(p.path.is_empty() && matches!(p.kind, PageKind::Page(_))));
    pages
}

/// Receives each rendered page as soon as it is ready, so a build never holds
/// every page in memory. Called from many threads at once.
pub type PageSink<'a> = dyn Fn(&str, &[u8]) -> std::io::Result<()> + Sync + 'a;

/// Renders all pages in parallel and hands each to `sink`. Returns the number
/// of pages, or every error (template errors and failed writes).
pub fn render_all(
    site: &Site,
    views: &Views,
    templates: &Templates,
    pages: &[PlannedPage],
    sink: &PageSink<'_>,
    progress: &(dyn Fn() + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = pages
        .par_iter()
        .filter_map(|page| {
            let result = render_page(site, views, templates, page, pages).and_then(|html| {
                sink(&page.output, html.as_bytes()).map_err(|e| {
                    Diagnostic::error(format!("cannot write `{}`: {e}", page.output))
                        .hint("check that the output folder is writable and the disk has room")
                })
            });
            progress();
            result.err()
        })
        .collect();
    // One broken template fails every page that uses it: report it once.
    let mut unique: Vec<Diagnostic> = Vec::new();
    for e in errors {
        if !unique.contains(&e) {
            unique.push(e);
        }
    }
    if unique.is_empty() {
        Ok(pages.len())
    } else {
        Err(unique)
    }
}

fn val(json: serde_json::Value) -> Value {
    Value::from_serializable(&json)
}

fn render_page(
    site: &Site,
    views: &Views,
    templates: &Templates,
    page: &PlannedPage,
    all_pages: &[PlannedPage],
) -> Result<String, Diagnostic> {
    let c = &site.config;
    let mut cx = Context::new();
    cx.insert_value("site", views.site.clone());
    cx.insert("current_path", &c.url(&page.path));
    cx.insert("permalink", &c.permalink(&page.path));
    let template = match page.kind {
        PageKind::Home => {
            let all: Vec<usize> = (0..site.sessions.len()).collect();
            let (upcoming, past) = views.split_by_time(&all);
            let upcoming: Vec<usize> = upcoming
                .into_iter()
                .filter(|&i| site.sessions[i].status != Status::Proposed)
                .take(4)
                .collect();
            let recent: Vec<usize> = past
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
            cx.insert_value("upcoming", views.session_list(&upcoming));
            cx.insert_value("recent", views.session_list(&recent));
            cx.insert_value("communities", Value::from(views.communities.clone()));
            let mut featured: Vec<usize> = (0..site.patterns.len()).collect();
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
            let mut years: Vec<(String, Vec<usize>)> = Vec::new();
            for i in (0..site.sessions.len()).rev() {
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
                    let ids: Vec<usize> = (0..site.patterns.len())
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
            let tag_ids: Vec<usize> = (0..site.tags.len())
                .filter(|&t| !site.tags[t].patterns.is_empty())
                .collect();
            cx.insert_value("tags", Views::list(&views.tags, &tag_ids));
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
            cx.insert_value("communities", Value::from(views.communities.clone()));
            "communities.html"
        }
        PageKind::Community(i) => {
            let x = &site.communities[i];
            let (upcoming, past) = views.split_by_time(&x.sessions);
            let (content, toc) = view::body_value(Some(&x.body));
            cx.insert("page_title", &x.title);
            cx.insert_value("community", views.communities[i].clone());
            cx.insert_value("content", content);
            cx.insert_value("toc", toc);
            cx.insert_value("upcoming", views.session_list(&upcoming));
            cx.insert_value("past", views.session_list(&past));
            let mut facilitators: Vec<usize> = x
                .sessions
                .iter()
                .flat_map(|&s| site.sessions[s].facilitators.iter().copied())
                .collect();
            facilitators.sort_by(|a, b| site.people[*a].name.cmp(&site.people[*b].name));
            facilitators.dedup();
            cx.insert_value("facilitators", Views::list(&views.people, &facilitators));
            let mut patterns: Vec<usize> = x
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
            let mut ids: Vec<usize> = (0..site.people.len()).collect();
            ids.sort_by(|&a, &b| {
                site.people[a]
                    .name
                    .to_lowercase()
                    .cmp(&site.people[b].name.to_lowercase())
            });
            cx.insert_value("people", Views::list(&views.people, &ids));
            "facilitators.html"
        }
        PageKind::Person(i) => {
            let p = &site.people[i];
            let (upcoming, past) = views.split_by_time(&p.sessions);
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
            let mut communities: Vec<usize> = p
                .sessions
                .iter()
                .filter_map(|&s| site.sessions[s].community)
                .collect();
            communities.sort();
            communities.dedup();
            cx.insert_value("communities", Views::list(&views.communities, &communities));
            let mut patterns: Vec<usize> = p
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
                    views.tags.clone()
                } else {
                    views.formats.clone()
                }),
            );
            "taxonomy.html"
        }
        PageKind::Tag(i) | PageKind::Format(i) => {
            let is_tag = matches!(page.kind, PageKind::Tag(_));
            let term = if is_tag {
                &site.tags[i]
            } else {
                &site.formats[i]
            };
            cx.insert("page_title", &term.name);
            cx.insert("taxonomy", if is_tag { "tags" } else { "formats" });
            cx.insert_value(
                "term",
                if is_tag {
                    views.tags[i].clone()
                } else {
                    views.formats[i].clone()
                },
            );
            let mut sessions = term.sessions.clone();
            sessions.reverse();
            cx.insert_value("sessions", views.session_list(&sessions));
            cx.insert_value("patterns", Views::list(&views.patterns, &term.patterns));
            "term.html"
        }
        PageKind::Agendas => {
            cx.insert("page_title", "Agendas");
            cx.insert_value("agendas", Value::from(views.agendas.clone()));
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
            let mut entries: Vec<usize> = (0..site.sessions.len())
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
    templates.render(template, &cx)
}

/// An RFC 3339 instant for a feed entry: the session's start, or its date at midnight UTC.
fn feed_time(s: &Session) -> String {
    match (&s.start, s.date) {
        (Some(z), _) => z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        (None, Some(d)) => format!("{d}T00:00:00Z"),
        _ => "1970-01-01T00:00:00Z".into(),
    }
}
