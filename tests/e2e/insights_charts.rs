//! The `/insights/` charts (issue 17): each has a title, labelled axes or
//! values (month names on sessions-per-month), the data table beside it,
//! and colours that follow dark mode and forced colours.

use crate::harness::{SiteTest, select, select_in};

fn texts(el: &scraper::ElementRef<'_>, css: &str) -> Vec<String> {
    select_in(el, css)
        .iter()
        .map(|t| t.text().collect::<String>().trim().to_string())
        .collect()
}

/// Held sessions in November 2025 (two), January and March 2026, in two
/// formats; the clock is 2026-11-24.
fn site() -> SiteTest {
    let mut site = SiteTest::new();
    for (date, format) in [
        ("2025-11-05", "Code kata"),
        ("2025-11-19", "Code kata"),
        ("2026-01-14", "Debate"),
        ("2026-03-04", "Code kata"),
    ] {
        site = site.file(
            &format!("content/sessions/dev/{date}-s.md"),
            &format!("---\ntitle: Session {date}\ndate: {date}\nformat: {format}\n---\nNotes.\n"),
        );
    }
    site
}

#[test]
fn sessions_per_month_has_month_labels_a_count_axis_and_values() {
    let site = site();
    site.build().ok();
    let doc = site.html("insights/index.html");
    let svg = select(&doc, "#per-month ~ figure svg");
    let svg = svg.first().expect("the per-month chart");
    assert_eq!(svg.value().attr("role"), Some("img"));
    assert_eq!(texts(svg, "title[id]"), ["Sessions held per month"]);
    assert_eq!(
        texts(svg, "desc"),
        ["4 sessions held from 2025-11 to 2026-03"]
    );

    // Every month from the first to the last, named, with its year under
    // the first month and under January.
    assert_eq!(
        texts(svg, ".chart-x-label"),
        ["Nov", "Dec", "Jan", "Feb", "Mar"]
    );
    assert_eq!(texts(svg, ".chart-year-label"), ["2025", "2026"]);
    // The count axis: titled, ticks from 0 to the largest month.
    assert_eq!(texts(svg, ".chart-axis-title"), ["Sessions held"]);
    assert_eq!(texts(svg, ".chart-y-label"), ["0", "1", "2"]);
    assert_eq!(select_in(svg, ".chart-grid").len(), 3);
    assert!(!select_in(svg, "line.chart-axis").is_empty());
    // Each column says its value (empty months say nothing) and its month.
    assert_eq!(texts(svg, ".chart-value"), ["2", "1", "1"]);
    assert_eq!(
        texts(svg, "rect.chart-bar > title"),
        [
            "2025-11: 2",
            "2025-12: 0",
            "2026-01: 1",
            "2026-02: 0",
            "2026-03: 1"
        ]
    );
    // The tallest column reaches the top of the axis: the scale is honest.
    let heights: Vec<f64> = select_in(svg, "rect.chart-bar")
        .iter()
        .map(|r| r.value().attr("height").unwrap().parse().unwrap())
        .collect();
    assert_eq!(heights[0], 160.0, "{heights:?}");
    assert_eq!(heights[2], 80.0, "{heights:?}");

    // The same figures as a table beside it, for screen readers.
    let rows = select(&doc, "#per-month ~ details tbody tr");
    assert_eq!(rows.len(), 5);
}

#[test]
fn bar_charts_have_a_title_and_label_and_value_on_every_bar() {
    let site = site();
    site.build().ok();
    let doc = site.html("insights/index.html");
    for (section, title) in [
        ("per-format", "Sessions held per format"),
        ("per-community", "Sessions held per community"),
        ("per-facilitator", "Sessions held per facilitator"),
    ] {
        let svg = select(&doc, &format!("#{section} ~ figure svg"));
        let svg = svg
            .first()
            .unwrap_or_else(|| panic!("no chart for {section}"));
        assert_eq!(svg.value().attr("role"), Some("img"));
        assert_eq!(texts(svg, "title[id]"), [title]);
        let bars = select_in(svg, "rect.chart-bar").len();
        assert_eq!(texts(svg, ".chart-label").len(), bars, "{section}");
        assert_eq!(texts(svg, ".chart-value").len(), bars, "{section}");
    }
    let svg = select(&doc, "#per-format ~ figure svg");
    let svg = svg.first().unwrap();
    assert_eq!(texts(svg, ".chart-label"), ["Code kata", "Debate"]);
    assert_eq!(texts(svg, ".chart-value"), ["3", "1"]);
}

/// The declarations of `selector`'s rule inside the `@media` block that
/// starts with `media`, in the theme's one stylesheet.
fn rule_in_media(css: &str, media: &str, selector: &str) -> String {
    let start = css
        .find(media)
        .unwrap_or_else(|| panic!("no `{media}` block"));
    // The block ends at the first `}` at depth zero after its `{`.
    let open = start + css[start..].find('{').unwrap();
    let mut depth = 0;
    let mut end = open;
    for (i, c) in css[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    end = open + i;
                    break;
                }
            }
            _ => {}
        }
    }
    let block = &css[open + 1..end];
    let at = block
        .find(&format!("{selector} {{"))
        .or_else(|| block.find(&format!("{selector},")))
        .unwrap_or_else(|| panic!("no `{selector}` rule in `{media}`"));
    let body = &block[at..];
    body[body.find('{').unwrap() + 1..body.find('}').unwrap()].to_string()
}

#[test]
fn chart_colours_follow_dark_mode_and_forced_colours() {
    let site = site();
    site.build().ok();
    let css = site.read_out("assets/fireside.css");
    // Outside forced colours the charts use the theme's tokens, which the
    // dark scheme redefines, and the text's own colour.
    let bar = css
        .split(".chart-bar {")
        .nth(1)
        .and_then(|r| r.split('}').next())
        .expect("a .chart-bar rule");
    assert!(bar.contains("var(--link)"), "{bar}");
    let dark = rule_in_media(&css, "@media (prefers-color-scheme: dark)", ":root");
    assert!(dark.contains("--link:"), "dark mode sets --link: {dark}");
    // Forced colours: the chart keeps its shapes in system colours.
    let forced = "@media (forced-colors: active)";
    assert!(rule_in_media(&css, forced, ".chart").contains("forced-color-adjust: none"));
    assert!(rule_in_media(&css, forced, ".chart-bar").contains("fill: Highlight"));
    assert!(rule_in_media(&css, forced, ".chart-axis").contains("stroke: CanvasText"));
    assert!(rule_in_media(&css, forced, ".chart-axis-title").contains("fill: CanvasText"));
}
