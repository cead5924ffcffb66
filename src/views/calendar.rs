//! The calendar pages: `/calendar/` (by month), a month grid, `/backlog/`.

use serde::Serialize;
use tera::Value;

use super::paging::{self, Pagination};
use super::{Cards, Cx, View};
use crate::model::calendar::{self, Month};
use crate::model::*;
use crate::parse::meta::{self, Status};
use crate::plan::List;

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
    pagination: Pagination,
    years: Vec<Year>,
    backlog_count: usize,
}

/// The sessions `/calendar/` lists: the scheduled ones. The plan counts its
/// pages from the same list.
pub(crate) fn scheduled(site: &Site) -> Vec<SessionId> {
    site.sessions
        .keys()
        .filter(|&i| site.sessions[i].is_scheduled())
        .collect()
}

/// Page `page` (from 1) of `/calendar/`: upcoming sessions soonest first,
/// then past ones latest first, 100 a page, by month within the page; the
/// month index is on every page.
pub(crate) fn calendar<'a>(cx: &Cx<'a>, page: usize) -> View<'a, Calendar<'a>> {
    let (site, views, c) = (cx.site, cx.views, &cx.site.config);
    let [upcoming, past] = views.orders.calendar(site, views);
    let pagination = Pagination::of(site, List::Calendar, page);
    let [upcoming, past] =
        paging::window([upcoming.as_slice(), past.as_slice()], pagination.current());
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
    View::new(
        "calendar.html",
        paging::title("Calendar", pagination.current(), pagination.total()),
        Calendar {
            upcoming: groups(&upcoming),
            past: groups(&past),
            pagination,
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
    #[serde(serialize_with = "super::shared_option")]
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

/// A recurring session's rhythm on its page: the rule, and its occurrences
/// split at the build's clock (the theme's script moves them on by the
/// reader's clock).
#[derive(Serialize)]
pub(crate) struct Rhythm<'a> {
    rule: &'a str,
    open_ended: bool,
    /// `calendar.horizon` as site.yaml wrote it (`6 months`).
    horizon: &'a str,
    until: Option<String>,
    count: Option<u32>,
    upcoming: Vec<OccurrenceLink>,
    past: Vec<OccurrenceLink>,
}

/// One occurrence in a list of them.
#[derive(Serialize)]
pub(crate) struct OccurrenceLink {
    url: String,
    date: String,
    date_display: String,
    start_iso: Option<String>,
    end_iso: Option<String>,
    time_display: Option<String>,
    status: &'static str,
    written_up: bool,
    over_at: Option<String>,
}

impl<'a> Rhythm<'a> {
    pub(crate) fn of(site: &'a Site, s: &'a Session) -> Option<Rhythm<'a>> {
        let r = s.recurrence.as_ref()?;
        let mut upcoming = Vec::new();
        let mut past = Vec::new();
        for &i in &r.occurrences {
            let o = &site.sessions[i];
            let link = OccurrenceLink {
                url: site.config.url(&o.path),
                date: o.date.map(|d| d.to_string()).unwrap_or_default(),
                date_display: o.date.map(super::cards::long_date).unwrap_or_default(),
                start_iso: o.start.as_ref().map(iso),
                end_iso: o.end.as_ref().map(iso),
                time_display: o
                    .start
                    .as_ref()
                    .map(|st| super::cards::time_range_display(st, o.end.as_ref())),
                status: o.status.name(),
                written_up: o.occurrence.as_ref().is_some_and(|x| x.written_up),
                over_at: o.over_at().map(|t| t.to_string()),
            };
            if site.is_upcoming(o) {
                upcoming.push(link);
            } else {
                past.push(link);
            }
        }
        past.reverse();
        Some(Rhythm {
            rule: &r.written,
            open_ended: r.open_ended,
            horizon: &site.config.calendar.horizon.1,
            until: r.rule.until.map(|d| d.to_string()),
            count: r.rule.count,
            upcoming,
            past,
        })
    }
}

fn iso(z: &jiff::ZonedDateTime) -> String {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// "Add to my calendar" on a session's page: the `.ics` file, a subscribe
/// link, and for a one-off session Google Calendar and Outlook links with
/// the times in UTC (those links carry one event, never a rule, so a
/// recurring session and its occurrences offer the subscription instead).
#[derive(Serialize)]
pub(crate) struct AddToCalendar {
    download: String,
    subscribe: Option<String>,
    google: Option<String>,
    outlook: Option<String>,
    recurring: bool,
}

impl AddToCalendar {
    pub(crate) fn of(site: &Site, i: SessionId) -> Option<AddToCalendar> {
        let feed = crate::render::ics::Feed::of_session(site, i);
        let path = feed.path(site)?;
        let s = &site.sessions[i];
        let recurring = s.recurrence.is_some() || s.occurrence.is_some();
        let (google, outlook) = if recurring || s.status == Status::Cancelled {
            (None, None)
        } else {
            links(site, s).unzip()
        };
        Some(AddToCalendar {
            download: site.config.url(&path),
            subscribe: site.config.webcal(&path),
            google,
            outlook,
            recurring,
        })
    }
}

/// Google Calendar's and Outlook's "new event" links for a session.
fn links(site: &Site, s: &Session) -> Option<(String, String)> {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let enc = |t: &str| utf8_percent_encode(t, NON_ALPHANUMERIC).to_string();
    let date = s.date?;
    let utc = |z: &jiff::ZonedDateTime| z.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
    let utc_iso =
        |z: &jiff::ZonedDateTime| z.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let last = s.last_date().unwrap_or(date);
    let after_last = last.tomorrow().ok()?;
    let (g_dates, o_times) = match &s.start {
        Some(start) => {
            let end = s.end.clone().unwrap_or_else(|| start.clone());
            (
                format!("{}/{}", utc(start), utc(&end)),
                format!(
                    "startdt={}&enddt={}",
                    enc(&utc_iso(start)),
                    enc(&utc_iso(&end))
                ),
            )
        }
        None => (
            format!(
                "{}/{}",
                date.strftime("%Y%m%d"),
                after_last.strftime("%Y%m%d")
            ),
            format!("startdt={date}&enddt={after_last}&allday=true"),
        ),
    };
    let mut details = s.objective.clone().unwrap_or_default();
    if site.config.host().is_some() {
        if !details.is_empty() {
            details.push_str("\n\n");
        }
        details.push_str(&site.config.permalink(&s.path));
    }
    let location = s.channel.clone().unwrap_or_default();
    let google = format!(
        "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={g_dates}&details={}&location={}",
        enc(&s.title),
        enc(&details),
        enc(&location)
    );
    let outlook = format!(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&{o_times}&body={}&location={}",
        enc(&s.title),
        enc(&details),
        enc(&location)
    );
    Some((google, outlook))
}

/// A series in the `/series/` list.
#[derive(Serialize)]
struct SeriesItem<'a> {
    title: &'a str,
    url: String,
    count: usize,
    first: Option<String>,
    last: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct SeriesIndex<'a> {
    series: Vec<SeriesItem<'a>>,
}

/// `/series/`: every series, by title.
pub(crate) fn series_index<'a>(cx: &Cx<'a>) -> View<'a, SeriesIndex<'a>> {
    let site = cx.site;
    let mut series: Vec<SeriesItem> = site
        .series
        .iter()
        .map(|x| {
            let dates: Vec<_> = x
                .sessions
                .iter()
                .filter_map(|&s| site.sessions[s].date)
                .collect();
            SeriesItem {
                title: &x.title,
                url: site.config.url(&x.path),
                count: x.sessions.len(),
                first: dates.first().map(|&d| super::cards::long_date(d)),
                last: dates.last().map(|&d| super::cards::long_date(d)),
            }
        })
        .collect();
    series.sort_by_key(|x| x.title.to_lowercase());
    View::new("series_index.html", "Series", SeriesIndex { series })
}

#[derive(Serialize)]
pub(crate) struct SeriesPage<'a> {
    series: SeriesItem<'a>,
    sessions: Cards<'a, SessionId>,
}

/// `/series/<slug>/`: its parts in order.
pub(crate) fn series<'a>(cx: &Cx<'a>, i: SeriesId) -> View<'a, SeriesPage<'a>> {
    let site = cx.site;
    let x = &site.series[i];
    let dates: Vec<_> = x
        .sessions
        .iter()
        .filter_map(|&s| site.sessions[s].date)
        .collect();
    View::new(
        "series.html",
        x.title.as_str(),
        SeriesPage {
            series: SeriesItem {
                title: &x.title,
                url: site.config.url(&x.path),
                count: x.sessions.len(),
                first: dates.first().map(|&d| super::cards::long_date(d)),
                last: dates.last().map(|&d| super::cards::long_date(d)),
            },
            sessions: cx.views.sessions(x.sessions.clone()),
        },
    )
}

/// A session's place in its series: part N of M, and its neighbours.
#[derive(Serialize)]
pub(crate) struct SeriesRef<'a> {
    title: &'a str,
    url: String,
    part: usize,
    of: usize,
    previous: Option<super::cards::Link<'a>>,
    next: Option<super::cards::Link<'a>>,
}

impl<'a> SeriesRef<'a> {
    pub(crate) fn of(site: &'a Site, s: &Session) -> Option<SeriesRef<'a>> {
        let (id, part) = s.series?;
        let x = &site.series[id];
        let link = |n: usize| {
            x.sessions.get(n).map(|&o| {
                let o = &site.sessions[o];
                super::cards::Link::new(site, &o.title, &o.path)
            })
        };
        Some(SeriesRef {
            title: &x.title,
            url: site.config.url(&x.path),
            part,
            of: x.sessions.len(),
            previous: part.checked_sub(2).and_then(link),
            next: link(part),
        })
    }
}

/// schema.org `Event` JSON-LD for a session's page, so that a link pasted
/// into a chat unfurls with its date and facilitators. Written for a
/// `<script type="application/ld+json">` element: see [`script_json`].
pub(crate) fn event_json_ld(site: &Site, i: SessionId) -> Option<String> {
    use serde_json::{Map, Value, json};
    let s = &site.sessions[i];
    let date = s.date?;
    if s.status == Status::Proposed {
        return None;
    }
    let c = &site.config;
    let url = |path: &str| {
        if c.host().is_some() {
            c.permalink(path)
        } else {
            c.url(path)
        }
    };
    let mut e = Map::new();
    e.insert("@context".into(), json!("https://schema.org"));
    e.insert("@type".into(), json!("Event"));
    e.insert("name".into(), json!(s.title));
    e.insert("url".into(), json!(url(&s.path)));
    let summary = super::cards::session_summary(s);
    if !summary.is_empty() {
        e.insert("description".into(), json!(summary));
    }
    let stamp = |z: &jiff::ZonedDateTime| z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    match &s.start {
        Some(start) => {
            e.insert("startDate".into(), json!(stamp(start)));
            if let Some(end) = &s.end {
                e.insert("endDate".into(), json!(stamp(end)));
            }
        }
        None => {
            e.insert("startDate".into(), json!(date.to_string()));
            e.insert(
                "endDate".into(),
                json!(s.last_date().unwrap_or(date).to_string()),
            );
        }
    }
    let status = if s.status == Status::Cancelled {
        "https://schema.org/EventCancelled"
    } else {
        "https://schema.org/EventScheduled"
    };
    e.insert("eventStatus".into(), json!(status));
    if let Some(ch) = &s.channel {
        let is_url = ch.starts_with("https://") || ch.starts_with("http://");
        let online = is_url || is_online_channel(ch);
        e.insert(
            "eventAttendanceMode".into(),
            json!(if online {
                "https://schema.org/OnlineEventAttendanceMode"
            } else {
                "https://schema.org/OfflineEventAttendanceMode"
            }),
        );
        let location = if is_url {
            json!({ "@type": "VirtualLocation", "url": ch })
        } else if online {
            json!({ "@type": "VirtualLocation", "name": ch })
        } else {
            json!({ "@type": "Place", "name": ch })
        };
        e.insert("location".into(), location);
    }
    if let Some(ci) = s.community {
        let x = &site.communities[ci];
        e.insert(
            "organizer".into(),
            json!({ "@type": "Organization", "name": x.title, "url": url(&x.path) }),
        );
    }
    if !s.facilitators.is_empty() {
        let people: Vec<Value> = s
            .facilitators
            .iter()
            .map(|&p| {
                let p = &site.people[p];
                json!({ "@type": "Person", "name": p.name, "url": url(&p.path) })
            })
            .collect();
        e.insert("performer".into(), Value::Array(people));
    }
    Some(script_json(&Value::Object(e)))
}

/// Video-call and chat channels named in words (`Zoom`, `#crafting`).
fn is_online_channel(ch: &str) -> bool {
    let lower = ch.to_lowercase();
    ch.starts_with('#')
        || [
            "zoom", "teams", "meet", "slack", "webex", "jitsi", "discord", "online",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` are
/// written as `\u003c`, `\u003e` and `\u0026` (still the same JSON string),
/// so content holding `</script>` or `<!--` cannot end the element or
/// start a comment in it (HTML 13.1.2.6), and U+2028/U+2029 as escapes for
/// older JavaScript parsers.
///
/// Text goes through the one door every output uses: the characters of
/// [`crate::escape::is_forbidden`] are dropped, not escaped.
pub(crate) fn script_json(value: &serde_json::Value) -> String {
    fn clean(v: &serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(s) => Value::String(crate::escape::clean_text(s).into_owned()),
            Value::Array(a) => Value::Array(a.iter().map(clean).collect()),
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), clean(v))).collect())
            }
            other => other.clone(),
        }
    }
    let text = clean(value).to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}
