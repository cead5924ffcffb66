//! `/patterns/radar/` (issue 13): the catalogue on adopt / trial / assess /
//! hold rings as build-time SVG, with a table that says the same.

use crate::harness::*;

#[test]
fn the_radar_places_every_rated_pattern_once_and_the_table_agrees() {
    let site = SiteTest::new()
        .file(
            "content/patterns/mocks.md",
            "---\ntitle: Mocks\ntags: [testing]\nmaturity: hold\n---\nFakes.\n",
        )
        .file(
            "content/patterns/logs.md",
            "---\ntitle: Logs & traces\ntags: [ops, testing]\nmaturity: trial\n---\nLogs.\n",
        )
        .file(
            "content/patterns/new.md",
            "---\ntitle: Newcomer\n---\nNot rated.\n",
        );
    site.build().ok();
    let doc = site.html("patterns/radar/index.html");
    let svg = select(&doc, "figure svg[role=img]");
    assert_eq!(svg.len(), 1, "a labelled picture");
    assert!(
        select(&doc, "script")
            .iter()
            .all(|s| s.value().attr("src").is_some_and(|u| !u.contains("radar")))
    );
    let blips: Vec<String> = select(&doc, "svg .radar-blip title")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(blips.len(), 3, "TDD, Mocks, Logs & traces: {blips:?}");
    assert!(
        blips.contains(&"Logs & traces".to_string()),
        "text is escaped, not lost"
    );
    let rings: Vec<String> = select(&doc, "svg .radar-ring-label")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    assert_eq!(rings, ["hold", "assess", "trial", "adopt"]);
    let rows: Vec<Vec<String>> = select(&doc, ".radar-table tbody tr")
        .iter()
        .map(|tr| {
            select_in(tr, "td")
                .iter()
                .map(|td| td.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            vec!["1", "Logs & traces", "Trial"],
            vec!["2", "Mocks", "Hold"],
            vec!["3", "Test-Driven Development", "Adopt"],
        ],
        "grouped by first tag (ops, testing, untagged), numbered as in the picture"
    );
    let numbers: Vec<String> = select(&doc, "svg .radar-blip-number")
        .iter()
        .map(|t| t.text().collect())
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort();
    assert_eq!(sorted, ["1", "2", "3"]);
    assert!(
        text_of(&doc, "main").contains("Newcomer"),
        "unrated patterns are listed"
    );
    let catalogue = site.html("patterns/index.html");
    assert!(!select(&catalogue, "a[href='/patterns/radar/']").is_empty());
}

#[test]
fn a_pattern_cannot_take_the_radar_s_address() {
    let site = SiteTest::new().file(
        "content/patterns/radar.md",
        "---\ntitle: Radar\n---\nHmm.\n",
    );
    site.build()
        .failed()
        .at("the pattern radar's page", "content/patterns/radar.md");
}
