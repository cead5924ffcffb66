//! What a preview rebuild reuses from the build before (issue 11): each
//! unchanged Markdown body keeps its template value and fingerprint, and
//! related content is counted without a map per page. A reused body must be
//! one whose HTML is the same, whatever else moved: after every save here
//! the preview folder holds exactly a clean build's files, the saved change
//! shows where the user looks for it, and only the pages it touches are
//! rendered again.

use crate::harness::{Preview, SiteTest, assert_preview_clean, select, text_of};

const KATA: &str = "content/sessions/dev/2026-03-02-kata.md";
const MOB: &str = "content/sessions/dev/2026-04-06-mob.md";

/// A body long enough to be shared between builds (more than a few
/// hundred bytes of HTML), ending with `marker`.
fn long_body(marker: &str) -> String {
    let paragraph = "We practised the bowling kata in pairs, swapping the keyboard \
                     every five minutes and writing the next failing test before any code. ";
    format!("{}\n\n{marker}\n", paragraph.repeat(4))
}

fn session(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nstatus: held\nfacilitators: [Ana Ruiz]\ntags: [{tags}]\npatterns: [TDD]\n---\n{body}"
    )
}

fn site() -> SiteTest {
    SiteTest::new()
        .file(
            KATA,
            &session("Kata", "2026-03-02", "testing", &long_body("First kata.")),
        )
        // The same body as the kata's: two items, two values.
        .file(
            MOB,
            &session(
                "Mob programming",
                "2026-04-06",
                "testing, teamwork",
                &long_body("First kata."),
            ),
        )
}

#[test]
fn a_body_edit_shows_and_an_equal_body_elsewhere_keeps_its_text() {
    let site = site();
    let mut preview = Preview::start(&site);
    site.write(
        KATA,
        &session("Kata", "2026-03-02", "testing", &long_body("Second kata.")),
    );
    let report = preview.saved(&[KATA]);
    let kata = preview.text("sessions/2026-03-02-kata/index.html");
    assert!(kata.contains("Second kata."), "the edit is not shown");
    assert!(!kata.contains("First kata."), "the old body is still shown");
    // The session that had the same body keeps it.
    let mob = preview.text("sessions/2026-04-06-mob/index.html");
    assert!(
        mob.contains("First kata."),
        "the other session lost its body"
    );
    assert!(
        !mob.contains("Second kata."),
        "the edit leaked into another page"
    );
    assert!(
        report.rendered < report.pages / 2,
        "a body edit rendered {} of {} pages",
        report.rendered,
        report.pages
    );
    assert_preview_clean(&site, &preview, "after a body edit");

    // Back to the first text: the value of two builds ago is not stale.
    site.write(
        KATA,
        &session("Kata", "2026-03-02", "testing", &long_body("First kata.")),
    );
    preview.saved(&[KATA]);
    let kata = preview.text("sessions/2026-03-02-kata/index.html");
    assert!(kata.contains("First kata.") && !kata.contains("Second kata."));
    assert_preview_clean(&site, &preview, "after undoing the edit");
}

#[test]
fn a_retitle_shows_on_the_lists_the_tag_the_person_and_the_feed() {
    let site = site();
    let mut preview = Preview::start(&site);
    site.write(
        KATA,
        &session(
            "Bowling kata",
            "2026-03-02",
            "testing",
            &long_body("First kata."),
        ),
    );
    preview.saved(&[KATA]);
    for list in [
        "sessions/index.html",
        "tags/testing/index.html",
        "facilitators/ana-ruiz/index.html",
        "patterns/tdd/index.html",
    ] {
        let page = preview.page(list);
        let links: Vec<String> = select(&page, "a")
            .iter()
            .map(|a| a.text().collect::<String>().trim().to_string())
            .collect();
        assert!(
            links.iter().any(|t| t.contains("Bowling kata")),
            "{list} does not show the new title: {links:?}"
        );
        assert!(
            !links.iter().any(|t| t == "Kata"),
            "{list} still shows the old title: {links:?}"
        );
    }
    let kata = preview.page("sessions/2026-03-02-kata/index.html");
    assert_eq!(text_of(&kata, "h1"), "Bowling kata");
    // Related content of the other session names it by its new title.
    let mob = preview.text("sessions/2026-04-06-mob/index.html");
    assert!(
        mob.contains("Bowling kata"),
        "related content kept the old title"
    );
    let feed = preview.text("feed.xml");
    assert!(feed.contains("Bowling kata"), "{feed}");
    assert_preview_clean(&site, &preview, "after a retitle");
}

#[test]
fn a_deleted_and_a_renamed_session_leave_no_stale_page() {
    let site = site();
    let mut preview = Preview::start(&site);
    // Renamed: the same body at a new path.
    let renamed = "content/sessions/dev/2026-03-02-bowling.md";
    site.write(renamed, &site.source(KATA));
    site.remove(KATA);
    preview.saved(&[KATA, renamed]);
    assert!(
        !preview
            .out
            .join("sessions/2026-03-02-kata/index.html")
            .exists(),
        "the old page is still served"
    );
    let bowling = preview.text("sessions/2026-03-02-bowling/index.html");
    assert!(
        bowling.contains("First kata."),
        "the renamed page lost its body"
    );
    assert_preview_clean(&site, &preview, "after a rename");

    site.remove(MOB);
    preview.saved(&[MOB]);
    assert!(
        !preview
            .out
            .join("sessions/2026-04-06-mob/index.html")
            .exists()
    );
    let tag = preview.text("tags/testing/index.html");
    assert!(!tag.contains("Mob programming"), "the tag still lists it");
    assert_preview_clean(&site, &preview, "after a delete");
}
