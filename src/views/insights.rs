//! `/insights/`: the figures CoP leads keep by hand (sessions per month,
//! format and community; how facilitation is spread; patterns never
//! practised; gaps in the coming calendar), and the charts that show them,
//! drawn at build time as inline SVG with a data table for screen readers.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use crate::model::{CommunityId, FormatId, PersonId, SessionId, Site};
use crate::parse::meta::Status;

/// A labelled count, linked to the page it summarises.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Count {
    pub label: String,
    pub url: Option<String>,
    pub value: usize,
}

/// A month of the coming calendar in which a community plans nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gap {
    pub community: String,
    pub url: String,
    /// `YYYY-MM`.
    pub month: String,
}

/// The figures behind the insights page, computed from the site alone.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Insights {
    /// Held sessions per month, every month from the first to the last.
    pub per_month: Vec<Count>,
    pub per_format: Vec<Count>,
    pub per_community: Vec<Count>,
    /// Held sessions per facilitator, most active first.
    pub per_facilitator: Vec<Count>,
    /// Share of held sessions run by the three most active facilitators (percent).
    pub top_three_share: usize,
    pub held: usize,
    pub patterns_never_practised: Vec<Count>,
    pub gaps: Vec<Gap>,
    /// Patterns and pages past their review date, longest overdue first.
    pub overdue: Vec<OverdueItem>,
}

/// A pattern or page past its review date (`review_by`), and who owns it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OverdueItem {
    pub title: String,
    pub url: String,
    /// `YYYY-MM-DD`.
    pub review_by: String,
    pub owner: Option<String>,
    pub owner_url: Option<String>,
}

/// [`Site::overdue`] as the insights page and `check --stale` show it.
pub fn overdue(site: &Site) -> Vec<OverdueItem> {
    site.overdue()
        .into_iter()
        .map(|o| OverdueItem {
            title: site.title_of(o.item).to_string(),
            url: site.config.url(site.path_of(o.item)),
            review_by: o.review_by.to_string(),
            owner: o.owner.map(|p| site.people[p].name.clone()),
            owner_url: o.owner.map(|p| site.config.url(&site.people[p].path)),
        })
        .collect()
}

/// How many months ahead to look for gaps.
const GAP_HORIZON_MONTHS: i32 = 3;

impl Insights {
    pub fn new(site: &Site) -> Insights {
        let c = &site.config;
        let held: Vec<SessionId> = site
            .sessions
            .keys()
            .filter(|&i| site.sessions[i].status == Status::Held && site.sessions[i].date.is_some())
            .collect();
        let mut months: BTreeMap<(i16, i8), usize> = BTreeMap::new();
        for &i in &held {
            if let Some(d) = site.sessions[i].date {
                *months.entry((d.year(), d.month())).or_default() += 1;
            }
        }
        let per_month = match (months.keys().next(), months.keys().next_back()) {
            (Some(&first), Some(&last)) => month_range(first, last)
                .map(|(y, m)| Count {
                    label: format!("{y}-{m:02}"),
                    url: None,
                    value: months.get(&(y, m)).copied().unwrap_or(0),
                })
                .collect(),
            _ => Vec::new(),
        };
        let tally = |key: &dyn Fn(SessionId) -> Vec<usize>,
                     n: usize,
                     label: &dyn Fn(usize) -> (String, String)| {
            let mut counts = vec![0usize; n];
            for &i in &held {
                for k in key(i) {
                    counts[k] += 1;
                }
            }
            let mut out: Vec<Count> = counts
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0)
                .map(|(k, &value)| {
                    let (label, path) = label(k);
                    Count {
                        label,
                        url: Some(c.url(&path)),
                        value,
                    }
                })
                .collect();
            out.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
            out
        };
        let per_format = tally(
            &|i| {
                site.sessions[i]
                    .format
                    .into_iter()
                    .map(usize::from)
                    .collect()
            },
            site.formats.len(),
            &|k| {
                let f = &site.formats[FormatId::from(k)];
                (f.name.clone(), f.path.clone())
            },
        );
        let per_community = tally(
            &|i| {
                site.sessions[i]
                    .community
                    .into_iter()
                    .map(usize::from)
                    .collect()
            },
            site.communities.len(),
            &|k| {
                let x = &site.communities[CommunityId::from(k)];
                (x.title.clone(), x.path.clone())
            },
        );
        let per_facilitator = tally(
            &|i| {
                site.sessions[i]
                    .facilitators
                    .iter()
                    .map(|&p| usize::from(p))
                    .collect()
            },
            site.people.len(),
            &|k| {
                let p = &site.people[PersonId::from(k)];
                (p.name.clone(), p.path.clone())
            },
        );
        // Sessions (not facilitations) run by any of the three most active:
        // a session two of them ran together counts once.
        let top_people: Vec<PersonId> = per_facilitator
            .iter()
            .take(3)
            .filter_map(|c| {
                site.people
                    .position(|p| c.url.as_deref() == Some(site.config.url(&p.path).as_str()))
            })
            .collect();
        let top = held
            .iter()
            .filter(|&&i| {
                site.sessions[i]
                    .facilitators
                    .iter()
                    .any(|p| top_people.contains(p))
            })
            .count();
        let top_three_share = if held.is_empty() {
            0
        } else {
            (top * 100 + held.len() / 2) / held.len()
        };
        let patterns_never_practised = site
            .patterns
            .iter()
            .filter(|p| {
                !p.sessions
                    .iter()
                    .any(|&s| site.sessions[s].status == Status::Held)
            })
            .map(|p| Count {
                label: p.title.clone(),
                url: Some(c.url(&p.path)),
                value: 0,
            })
            .collect();
        Insights {
            per_month,
            per_format,
            per_community,
            per_facilitator,
            top_three_share,
            held: held.len(),
            patterns_never_practised,
            gaps: gaps(site),
            overdue: overdue(site),
        }
    }
}

/// Months in the next [`GAP_HORIZON_MONTHS`] (after the current one) in which
/// a community that has met before plans no session.
fn gaps(site: &Site) -> Vec<Gap> {
    let zone = crate::parse::meta::tzdb()
        .get(&site.config.timezone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let today = site.now.to_zoned_datetime(zone).date();
    let Ok(start) = Date::new(today.year(), today.month(), 1) else {
        return Vec::new();
    };
    let horizon: Vec<(i16, i8)> = (1..=GAP_HORIZON_MONTHS)
        .filter_map(|n| start.checked_add(jiff::Span::new().months(n)).ok())
        .map(|d| (d.year(), d.month()))
        .collect();
    let mut out = Vec::new();
    for (ci, community) in site.communities.iter_enumerated() {
        let sessions: Vec<&crate::model::Session> = community
            .sessions
            .iter()
            .map(|&s| &site.sessions[s])
            .collect();
        if sessions.is_empty() {
            continue;
        }
        for &(y, m) in &horizon {
            let planned = sessions.iter().any(|s| {
                s.status != Status::Cancelled
                    && s.date.is_some_and(|d| d.year() == y && d.month() == m)
            });
            if !planned {
                out.push(Gap {
                    community: community.title.clone(),
                    url: site.config.url(&site.communities[ci].path),
                    month: format!("{y}-{m:02}"),
                });
            }
        }
    }
    out
}

fn month_range(first: (i16, i8), last: (i16, i8)) -> impl Iterator<Item = (i16, i8)> {
    let mut cur = first;
    std::iter::from_fn(move || {
        if cur > last {
            return None;
        }
        let out = cur;
        cur = if cur.1 == 12 {
            (cur.0 + 1, 1)
        } else {
            (cur.0, cur.1 + 1)
        };
        Some(out)
    })
}

/// A horizontal bar chart: one bar per count, its label on the left and its
/// value at its end, so no axis is needed to read it.
pub fn bar_chart(id: &str, title: &str, description: &str, data: &[Count]) -> String {
    let max = data.iter().map(|c| c.value).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (200.0, 360.0, 26.0);
    let height = row_h * data.len().max(1) as f64 + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        label_w + bar_w + 50.0,
        esc(title),
        esc(description)
    );
    // The baseline the bars grow from.
    let _ = write!(
        svg,
        "<line class=\"chart-axis\" x1=\"{label_w}\" y1=\"0\" x2=\"{label_w}\" y2=\"{height}\"/>"
    );
    for (i, c) in data.iter().enumerate() {
        let y = i as f64 * row_h + 4.0;
        let w = (c.value as f64 / max as f64 * bar_w).max(1.0);
        let _ = write!(
            svg,
            "<text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect class=\"chart-bar\" x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" rx=\"3\"><title>{}: {}</title></rect><text class=\"chart-value\" x=\"{:.1}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + row_h * 0.62,
            esc(&truncate_label(&c.label, 28)),
            row_h - 8.0,
            esc(&c.label),
            c.value,
            label_w + w + 6.0,
            y + row_h * 0.62,
            c.value
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A vertical column chart for a time series (sessions per month), with a
/// labelled axis on each side: counts with gridlines on the left, months
/// (and the year under each January) along the bottom, and each column's
/// value above it when there is room. `data` labels are `YYYY-MM`.
pub fn column_chart(id: &str, title: &str, description: &str, data: &[Count]) -> String {
    let max = data.iter().map(|c| c.value).max().unwrap_or(0).max(1);
    let (step, top_value) = nice_ticks(max);
    // A fixed frame, so the chart reads the same for 12 months or 120.
    let (width, plot_h, top, bottom, left, right) = (720.0, 160.0, 24.0, 40.0, 44.0, 8.0);
    let col_w = (width - left - right) / data.len().max(1) as f64;
    let gap = (col_w * 0.2).min(3.0);
    let baseline = top + plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        baseline + bottom,
        esc(title),
        esc(description)
    );
    // The count axis: its title, then a gridline and a label per tick.
    let _ = write!(
        svg,
        "<text class=\"chart-axis-title\" x=\"0\" y=\"10\">Sessions held</text>"
    );
    let mut tick = 0;
    while tick <= top_value {
        let y = baseline - tick as f64 / top_value as f64 * plot_h;
        let _ = write!(
            svg,
            "<line class=\"chart-grid\" x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\"/><text class=\"chart-label chart-y-label\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            width - right,
            left - 6.0,
            y + 4.0
        );
        tick += step;
    }
    // Month names every month when they fit, else every quarter or half year.
    let every = match col_w {
        w if w >= 26.0 => 1,
        w if w >= 9.0 => 3,
        w if w >= 4.5 => 6,
        _ => 12,
    };
    for (i, c) in data.iter().enumerate() {
        let h = c.value as f64 / top_value as f64 * plot_h;
        let x = left + i as f64 * col_w;
        let centre = x + (col_w - gap) / 2.0;
        let _ = write!(
            svg,
            "<rect class=\"chart-bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{}: {}</title></rect>",
            baseline - h,
            (col_w - gap).max(0.5),
            esc(&c.label),
            c.value
        );
        if col_w >= 14.0 && c.value > 0 {
            let _ = write!(
                svg,
                "<text class=\"chart-value\" x=\"{centre:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                baseline - h - 4.0,
                c.value
            );
        }
        let (year, month) = (
            c.label.get(..4).unwrap_or_default(),
            c.label
                .get(5..7)
                .and_then(|m| m.parse::<i8>().ok())
                .unwrap_or(1),
        );
        if (month - 1) % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"chart-label chart-x-label\" x=\"{centre:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                baseline + 14.0,
                &crate::parse::meta::month_name(month)[..3]
            );
        }
        // The year under its January, and under the first month shown.
        if month == 1 || i == 0 {
            let _ = write!(
                svg,
                "<text class=\"chart-label chart-year-label\" x=\"{centre:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                baseline + 30.0,
                esc(year)
            );
        }
    }
    let _ = write!(
        svg,
        "<line class=\"chart-axis\" x1=\"{left}\" y1=\"{baseline}\" x2=\"{}\" y2=\"{baseline}\"/>",
        width - right
    );
    svg.push_str("</svg>");
    svg
}

/// Ticks for a count axis up to `max`: a step of 1, 2 or 5 times a power of
/// ten giving at most five steps, and the axis's top (a multiple of it).
fn nice_ticks(max: usize) -> (usize, usize) {
    let mut power = 1;
    loop {
        for m in [1, 2, 5] {
            let step = m * power;
            if max.div_ceil(step) <= 5 {
                return (step, max.div_ceil(step) * step);
            }
        }
        power *= 10;
    }
}

fn truncate_label(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

/// SVG text and attributes: escaped, control characters dropped (an SVG is XML).
fn esc(s: &str) -> String {
    crate::escape::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_run_across_year_ends() {
        let m: Vec<_> = month_range((2024, 11), (2025, 2)).collect();
        assert_eq!(m, [(2024, 11), (2024, 12), (2025, 1), (2025, 2)]);
    }

    #[test]
    fn count_axes_have_round_steps() {
        assert_eq!(nice_ticks(1), (1, 1));
        assert_eq!(nice_ticks(2), (1, 2));
        assert_eq!(nice_ticks(7), (2, 8));
        assert_eq!(nice_ticks(10), (2, 10));
        assert_eq!(nice_ticks(23), (5, 25));
        assert_eq!(nice_ticks(480), (100, 500));
    }

    #[test]
    fn charts_are_labelled_images_with_escaped_text() {
        let data = [
            Count {
                label: "Code <kata>".into(),
                url: None,
                value: 3,
            },
            Count {
                label: "Debate".into(),
                url: None,
                value: 1,
            },
        ];
        let svg = bar_chart("f", "Per format", "Held sessions per format", &data);
        assert!(
            svg.starts_with("<svg class=\"chart\" role=\"img\" aria-labelledby=\"f-title f-desc\"")
        );
        assert!(svg.contains("<title id=\"f-title\">Per format</title>"));
        assert!(svg.contains("Code &lt;kata&gt;"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(
            svg.contains("width=\"360.0\""),
            "the largest bar spans the chart: {svg}"
        );
    }
}

/// The charts of the insights page, as SVG text drawn at build time.
#[derive(serde::Serialize)]
struct Charts {
    per_month: String,
    per_format: String,
    per_community: String,
    per_facilitator: String,
}

#[derive(serde::Serialize)]
pub(crate) struct InsightsPage {
    insights: Insights,
    charts: Charts,
}

/// The `/insights/` page: the figures and their charts.
pub(crate) fn page<'a>(cx: &super::Cx<'a>) -> super::View<'a, InsightsPage> {
    let figures = Insights::new(cx.site);
    let months = format!(
        "{} sessions held from {} to {}",
        figures.held,
        figures.per_month.first().map_or("", |c| c.label.as_str()),
        figures.per_month.last().map_or("", |c| c.label.as_str())
    );
    let charts = Charts {
        per_month: column_chart(
            "chart-month",
            "Sessions held per month",
            &months,
            &figures.per_month,
        ),
        per_format: bar_chart(
            "chart-format",
            "Sessions held per format",
            "Held sessions counted by format, most common first",
            &figures.per_format,
        ),
        per_community: bar_chart(
            "chart-community",
            "Sessions held per community",
            "Held sessions counted by community, most active first",
            &figures.per_community,
        ),
        per_facilitator: bar_chart(
            "chart-facilitator",
            "Sessions held per facilitator",
            &format!(
                "The three most active facilitators ran {}% of held sessions",
                figures.top_three_share
            ),
            &figures.per_facilitator,
        ),
    };
    super::View::new(
        "insights.html",
        "Insights",
        InsightsPage {
            insights: figures,
            charts,
        },
    )
}
