//! Agendas that name session files, and series (`series:`), on real builds.

use crate::harness::*;

fn write_up(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\ntime: \"10:00-11:00\"\n{extra}---\nNotes.\n")
}

#[test]
fn an_agenda_names_session_files_and_they_link_each_other() {
    let site = SiteTest::new()
        .file("content/sessions/dev/clean.md", &write_up("Clean Code", "2027-01-12", ""))
        .file("content/sessions/dev/legacy.md", &write_up("Legacy Code", "2027-02-09", ""))
        .file(
            "content/agendas/dev/2027.yaml",
            "title: Dev 2027\nsessions:\n  - title: Kickoff\n    date: 2027-01-05\n  - sessions/dev/clean.md\n  - ../../sessions/dev/legacy.md\n",
        );
    site.build().ok();
    let agenda = site.html("agendas/dev-2027/index.html");
    let rows: Vec<(String, String)> = select(&agenda, ".agenda-table tbody tr")
        .iter()
        .map(|tr| {
            let cells = select_in(tr, "td");
            let link = select_in(tr, "th a")[0];
            (
                cells[0].text().collect::<String>(),
                link.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("".to_string(), "/sessions/2027-01-05-kickoff/".to_string()),
            ("2".to_string(), "/sessions/2027-01-12-clean/".to_string()),
            ("3".to_string(), "/sessions/2027-02-09-legacy/".to_string()),
        ]
    );
    // The session page links its agenda, and is listed once.
    let page = site.html("sessions/2027-01-12-clean/index.html");
    let kicker = select(&page, ".kicker a");
    assert!(
        kicker
            .iter()
            .any(|a| a.value().attr("href") == Some("/agendas/dev-2027/"))
    );
    assert!(text_of(&page, ".kicker").contains("session 2"));
}

#[test]
fn an_agenda_naming_a_missing_file_is_an_error_at_its_line() {
    let site = SiteTest::new()
        .file(
            "content/sessions/dev/clean.md",
            &write_up("Clean Code", "2027-01-12", ""),
        )
        .file(
            "content/agendas/dev/2027.yaml",
            "title: Dev 2027\nsessions:\n  - sessions/dev/clean.md\n  - sessions/dev/cleen.md\n",
        );
    let failure = site.build().failed();
    failure.at(
        "no session file `sessions/dev/cleen.md`",
        "content/agendas/dev/2027.yaml:4:5",
    );
    failure.at(
        "did you mean `sessions/dev/clean.md`?",
        "content/agendas/dev/2027.yaml:4",
    );
}

#[test]
fn a_series_numbers_its_parts_by_date_and_links_them() {
    let season = "series: Kata season 2027\n";
    let site = SiteTest::new()
        .file(
            "content/sessions/dev/b.md",
            &write_up("Bowling", "2027-02-09", season),
        )
        .file(
            "content/sessions/dev/a.md",
            &write_up("FizzBuzz", "2027-01-12", season),
        )
        .file(
            "content/sessions/dev/c.md",
            &write_up("Gilded Rose", "2027-03-09", season),
        )
        .file(
            "content/sessions/dev/other.md",
            &write_up("Other", "2027-01-20", ""),
        );
    site.build().ok();
    let middle = site.html("sessions/2027-02-09-b/index.html");
    assert!(text_of(&middle, ".series-part").contains("Part 2 of 3"));
    let prev = select(&middle, ".series-nav a[rel=prev]");
    let next = select(&middle, ".series-nav a[rel=next]");
    assert_eq!(
        prev[0].value().attr("href"),
        Some("/sessions/2027-01-12-a/")
    );
    assert_eq!(
        next[0].value().attr("href"),
        Some("/sessions/2027-03-09-c/")
    );
    let first = site.html("sessions/2027-01-12-a/index.html");
    assert!(select(&first, ".series-nav a[rel=prev]").is_empty());
    let page = site.html("series/kata-season-2027/index.html");
    let parts: Vec<&str> = select(&page, ".series-parts a.session-item-title")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(
        parts,
        [
            "/sessions/2027-01-12-a/",
            "/sessions/2027-02-09-b/",
            "/sessions/2027-03-09-c/"
        ]
    );
    let index = site.html("series/index.html");
    assert!(text_of(&index, ".series-list").contains("Kata season 2027 · 3 parts"));
    assert!(!site.out().join("series/other/index.html").exists());
}
