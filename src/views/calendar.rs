//! The calendar pages: `/calendar/` (by month), a month grid, `/backlog/`.

use serde::Serialize;
use tera::Value;

use super::{Cards, Cx, View};
use crate::calendar::{self, Month};
use crate::meta::{self, Status};
use crate::site::*;

/// A month of sessions on `/calendar/`: its name, its grid page, its sessions.
#[derive(Serialize)]
struct MonthGroup<'a> {
    label: String,
    url: String,
    slug: String,
    sessions: Cards<'a, SessionId>,
}

/// A month in the year index: its name, its grid page, how many sessions.
#[derive(Serialize)]
struct MonthCount {
    label: &'static str,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct Year {
    year: i16,
    months: Vec<MonthCount>,
}

#[derive(Serialize)]
pub(crate) struct Calendar<'a> {
    upcoming: Vec<MonthGroup<'a>>,
    past: Vec<MonthGroup<'a>>,
    pagination: super::sessions::Pagination,
    years: Vec<Year>,
    backlog_count: usize,
}

/// The sessions `/calendar/` lists: the scheduled ones. The plan counts its
/// pages from the same list.
fn scheduled(site: &Site) -> Vec<SessionId> {
    site.sessions
        .keys()
        .filter(|&i| site.sessions[i].is_scheduled())
        .collect()
}

/// How many sessions one page of `/calendar/` lists (one list of every
/// session was 3.5 MB of HTML at 10,000 pages).
pub(crate) const CALENDAR_PER_PAGE: usize = 100;

/// The pages `/calendar/` is split into (at least one).
pub(crate) fn calendar_page_count(site: &Site) -> usize {
    scheduled(site).len().div_ceil(CALENDAR_PER_PAGE).max(1)
}

/// Page `page` (from 1) of `/calendar/`: upcoming sessions soonest first,
/// then past ones latest first, 100 a page, by month within the page; the
/// month index is on every page.
pub(crate) fn calendar<'a>(cx: &Cx<'a>, page: usize) -> View<'a, Calendar<'a>> {
    let (site, views, c) = (cx.site, cx.views, &cx.site.config);
    let (upcoming, past) = views.split_by_time(&scheduled(site));
    let total = calendar_page_count(site);
    let page = page.clamp(1, total);
    let window = (page - 1) * CALENDAR_PER_PAGE..page * CALENDAR_PER_PAGE;
    let clip = |ids: &[SessionId], offset: usize| -> Vec<SessionId> {
        let from = window.start.saturating_sub(offset).min(ids.len());
        let to = window.end.saturating_sub(offset).min(ids.len());
        ids[from..to].to_vec()
    };
    let (upcoming, past) = (clip(&upcoming, 0), clip(&past, upcoming.len()));
    let groups = |ids: &[SessionId]| -> Vec<MonthGroup<'a>> {
        calendar::group_by_month(site, ids)
            .into_iter()
            .map(|(m, ids)| MonthGroup {
                label: m.label(),
                url: c.url(&m.path()),
                slug: format!("{:04}-{:02}", m.year, m.month),
                sessions: views.sessions(ids),
            })
            .collect()
    };
    let by_date = views.sessions_by_date(site);
    let mut years: Vec<Year> = Vec::new();
    for m in calendar::months_spanned(site) {
        let count = by_date
            .range(m.first_day()..m.next().first_day())
            .map(|(_, ids)| ids.len())
            .sum();
        let link = MonthCount {
            label: meta::month_name(m.month),
            url: c.url(&m.path()),
            count,
        };
        match years.last_mut() {
            Some(y) if y.year == m.year => y.months.push(link),
            _ => years.push(Year {
                year: m.year,
                months: vec![link],
            }),
        }
    }
    let title = if page == 1 {
        "Calendar".to_string()
    } else {
        format!("Calendar, page {page} of {total}")
    };
    View::new(
        "calendar.html",
        title,
        Calendar {
            upcoming: groups(&upcoming),
            past: groups(&past),
            pagination: super::sessions::Pagination::new(site, "calendar/", page, total),
            years,
            backlog_count: site
                .sessions
                .iter()
                .filter(|s| s.status == Status::Proposed)
                .count(),
        },
    )
}

#[derive(Serialize)]
struct MonthLink {
    label: String,
    url: String,
}

#[derive(Serialize)]
struct Weekday {
    name: String,
    short: String,
}

#[derive(Serialize)]
struct MonthView {
    label: String,
    year: i16,
    month: i8,
    count: usize,
    previous: Option<MonthLink>,
    next: Option<MonthLink>,
    /// Column names from the first week's dates, in column order.
    weekdays: Vec<Weekday>,
}

/// One cell of the grid.
#[derive(Serialize)]
struct Day<'a> {
    day: i8,
    date: String,
    weekday: String,
    in_month: bool,
    today: bool,
    sessions: Cards<'a, SessionId>,
}

#[derive(Serialize)]
pub(crate) struct MonthPage<'a> {
    month: MonthView,
    weeks: Vec<Vec<Day<'a>>>,
}

pub(crate) fn month<'a>(cx: &Cx<'a>, m: Month) -> View<'a, MonthPage<'a>> {
    let (site, views, c) = (cx.site, cx.views, &cx.site.config);
    let months = calendar::months_spanned(site);
    let grid = calendar::month_grid(m, c.calendar.first_weekday, views.sessions_by_date(site));
    let today = site
        .now
        .to_zoned_datetime(
            meta::tzdb()
                .get(&c.timezone)
                .unwrap_or(jiff::tz::TimeZone::UTC),
        )
        .date();
    let count = grid
        .weeks
        .iter()
        .flatten()
        .filter(|d| d.in_month)
        .map(|d| d.sessions.len())
        .sum();
    let neighbour = |n: Month| {
        months.contains(&n).then(|| MonthLink {
            label: n.label(),
            url: c.url(&n.path()),
        })
    };
    let weekdays = grid
        .weeks
        .first()
        .map(|week| {
            week.iter()
                .map(|d| Weekday {
                    name: d.date.strftime("%A").to_string(),
                    short: d.date.strftime("%a").to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let weeks = grid
        .weeks
        .iter()
        .map(|week| {
            week.iter()
                .map(|d| Day {
                    day: d.date.day(),
                    date: d.date.to_string(),
                    weekday: d.date.strftime("%A").to_string(),
                    in_month: d.in_month,
                    today: d.date == today,
                    sessions: views.sessions(d.sessions.clone()),
                })
                .collect()
        })
        .collect();
    View::new(
        "calendar_month.html",
        m.label(),
        MonthPage {
            month: MonthView {
                label: m.label(),
                year: m.year,
                month: m.month,
                count,
                previous: neighbour(m.previous()),
                next: neighbour(m.next()),
                weekdays,
            },
            weeks,
        },
    )
}

#[derive(Serialize)]
struct CommunityGroup<'a> {
    community: Option<&'a Value>,
    sessions: Cards<'a, SessionId>,
}

#[derive(Serialize)]
pub(crate) struct Backlog<'a> {
    groups: Vec<CommunityGroup<'a>>,
    count: usize,
}

pub(crate) fn backlog<'a>(cx: &Cx<'a>) -> View<'a, Backlog<'a>> {
    let (site, views) = (cx.site, cx.views);
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
    View::new(
        "backlog.html",
        "Backlog",
        Backlog {
            groups: groups
                .into_iter()
                .map(|(ci, ids)| CommunityGroup {
                    community: ci.map(|ci| &views.communities[ci]),
                    sessions: views.sessions(ids),
                })
                .collect(),
            count: proposed.len(),
        },
    )
}
