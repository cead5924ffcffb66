//! What a preview rebuild keeps from the build before without working it
//! out again (issue 11), and that every kept value is one whose inputs are
//! the same: related content (kept while no title, tag, pattern or
//! facilitator of any session or pattern changed), the Atom entries' content
//! with links made absolute (kept while the write-up's HTML and page are the
//! same) and each session's iCalendar event. After every save here the
//! preview folder holds exactly a clean build's files, and the change shows
//! where the user looks for it.

use crate::harness::{Preview, SiteTest, assert_preview_clean};

const A: &str = "content/sessions/dev/2026-01-10-a.md";
const B: &str = "content/sessions/dev/2026-02-10-b.md";
const C: &str = "content/sessions/dev/2026-03-10-c.md";
const A_PAGE: &str = "sessions/2026-01-10-a/index.html";

fn session(title: &str, date: &str, who: &str, tags: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\ntime: 18:00-19:00\nstatus: held\nfacilitator: {who}\ntags: [{tags}]\n---\n{body}\n"
    )
}

fn site() -> SiteTest {
    SiteTest::new()
        .file(
            "content/patterns/mocks.md",
            "---\ntitle: Mocks\ntags: [tdd]\n---\nFakes.\n",
        )
        .file(
            A,
            &session(
                "Kata A",
                "2026-01-10",
                "Ana",
                "tdd",
                "See [the notes](#notes).\n\n## Notes\n\nA.",
            ),
        )
        .file(
            B,
            &session("Kata B", "2026-02-10", "Olga Petrova", "tdd", "B."),
        )
        .file(
            C,
            &session("Chat C", "2026-03-10", "Olga Petrova", "ops", "C."),
        )
}

/// The related content of a page of the preview: (title, reason) of each item.
fn related(preview: &Preview, rel: &str) -> Vec<(String, String)> {
    crate::kb_related::related(&scraper::Html::parse_document(&preview.text(rel)))
}

fn pair(title: &str, reason: &str) -> (String, String) {
    (title.to_string(), reason.to_string())
}

#[test]
fn related_content_follows_tag_title_and_facilitator_edits_and_survives_body_edits() {
    let site = site();
    let mut preview = Preview::start(&site);
    assert_eq!(
        related(&preview, A_PAGE),
        [
            pair("Kata B", "Shares the tag tdd"),
            pair("Mocks", "Shares the tag tdd")
        ]
    );

    // A body edit leaves what related content reads as it was.
    site.write(
        B,
        &session("Kata B", "2026-02-10", "Olga Petrova", "tdd", "B, again."),
    );
    preview.saved(&[B]);
    assert!(
        preview
            .text("sessions/2026-02-10-b/index.html")
            .contains("B, again.")
    );
    assert_eq!(
        related(&preview, A_PAGE)[0],
        pair("Kata B", "Shares the tag tdd")
    );
    assert_preview_clean(&site, &preview, "after a body edit");

    // A tag edit on another session changes this session's list.
    site.write(
        C,
        &session("Chat C", "2026-03-10", "Olga Petrova", "ops, tdd", "C."),
    );
    preview.saved(&[C]);
    assert_eq!(
        related(&preview, A_PAGE),
        [
            pair("Chat C", "Shares the tag tdd"),
            pair("Kata B", "Shares the tag tdd"),
            pair("Mocks", "Shares the tag tdd")
        ],
        "the newly tagged session is not listed"
    );
    assert_preview_clean(&site, &preview, "after a tag edit");

    // A retitle shows under the new title, in its new place by title.
    site.write(
        B,
        &session(
            "Another kata",
            "2026-02-10",
            "Olga Petrova",
            "tdd",
            "B, again.",
        ),
    );
    preview.saved(&[B]);
    assert_eq!(
        related(&preview, A_PAGE)[0],
        pair("Another kata", "Shares the tag tdd")
    );
    assert_preview_clean(&site, &preview, "after a retitle");

    // A shared facilitator counts, and is named.
    site.write(C, &session("Chat C", "2026-03-10", "Ana", "ops, tdd", "C."));
    preview.saved(&[C]);
    assert_eq!(
        related(&preview, A_PAGE)[0],
        pair("Chat C", "Shares the tag tdd and the facilitator Ana Ruiz")
    );
    assert_preview_clean(&site, &preview, "after a facilitator edit");

    // And an edit undone gives the first build's list again.
    site.write(
        C,
        &session("Chat C", "2026-03-10", "Olga Petrova", "ops", "C."),
    );
    site.write(
        B,
        &session("Kata B", "2026-02-10", "Olga Petrova", "tdd", "B."),
    );
    preview.saved(&[B, C]);
    assert_eq!(
        related(&preview, A_PAGE),
        [
            pair("Kata B", "Shares the tag tdd"),
            pair("Mocks", "Shares the tag tdd")
        ]
    );
    assert_preview_clean(&site, &preview, "after undoing the edits");
}

/// A write-up long enough for its HTML to be shared between builds (the
/// kept entry content is found through it), linking within its page and
/// to a sibling.
fn write_up(marker: &str) -> String {
    let paragraph = "We practised the bowling kata in pairs, swapping the keyboard \
                     every five minutes and writing the next failing test first. ";
    format!(
        "{}\n\nSee [the notes](#notes) and [the other kata](2026-02-10-b.md).\n\n## Notes\n\n{marker}\n",
        paragraph.repeat(4)
    )
}

/// The `<content>` of the site feed's entry titled `title`.
fn entry_content(preview: &Preview, title: &str) -> String {
    let feed = preview.text("feed.xml");
    let doc = roxmltree::Document::parse(&feed).expect("feed.xml parses");
    let entry = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .find(|e| {
            e.children()
                .any(|c| c.has_tag_name("title") && c.text() == Some(title))
        })
        .unwrap_or_else(|| panic!("no entry titled {title} in {feed}"));
    entry
        .children()
        .find(|c| c.has_tag_name("content"))
        .and_then(|c| c.text())
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_feed_entry_follows_its_write_up_and_its_page_and_keeps_the_rest() {
    let site = site();
    site.write(
        A,
        &session(
            "Kata A",
            "2026-01-10",
            "Ana",
            "tdd",
            &write_up("First notes."),
        ),
    );
    site.write(
        B,
        &session(
            "Kata B",
            "2026-02-10",
            "Olga Petrova",
            "tdd",
            &write_up("B's notes."),
        ),
    );
    let mut preview = Preview::start(&site);
    let first = entry_content(&preview, "Kata A");
    assert!(first.contains("First notes."), "{first}");
    assert!(
        first.contains("https://cop.example.com/sessions/2026-01-10-a/#notes"),
        "an entry's links are absolute against its page: {first}"
    );

    // Another session's edit keeps this entry as it was.
    site.write(
        B,
        &session(
            "Kata B",
            "2026-02-10",
            "Olga Petrova",
            "tdd",
            &write_up("B, again."),
        ),
    );
    preview.saved(&[B]);
    assert_eq!(entry_content(&preview, "Kata A"), first);
    assert!(entry_content(&preview, "Kata B").contains("B, again."));
    assert_preview_clean(&site, &preview, "after another write-up's edit");

    // Its own edit shows.
    site.write(
        A,
        &session(
            "Kata A",
            "2026-01-10",
            "Ana",
            "tdd",
            &write_up("Second notes."),
        ),
    );
    preview.saved(&[A]);
    let second = entry_content(&preview, "Kata A");
    assert!(
        second.contains("Second notes.") && !second.contains("First notes."),
        "{second}"
    );
    assert_preview_clean(&site, &preview, "after its write-up's edit");

    // The same write-up at a new page resolves its links against that page.
    let moved = "content/sessions/dev/2026-01-10-moved.md";
    site.write(moved, &site.source(A));
    site.remove(A);
    preview.saved(&[A, moved]);
    let at_new_page = entry_content(&preview, "Kata A");
    assert!(
        at_new_page.contains("https://cop.example.com/sessions/2026-01-10-moved/#notes")
            && !at_new_page.contains("2026-01-10-a/"),
        "{at_new_page}"
    );
    assert_preview_clean(&site, &preview, "after a rename");

    // A new host (the same base path: the write-up's HTML stays the
    // same) changes every entry's links.
    site.write(
        "site.yaml",
        &site
            .source("site.yaml")
            .replace("https://cop.example.com/", "https://kb.example.org/"),
    );
    preview.saved(&["site.yaml"]);
    let rebased = entry_content(&preview, "Kata A");
    assert!(
        rebased.contains("https://kb.example.org/sessions/2026-01-10-moved/#notes"),
        "{rebased}"
    );
    assert_preview_clean(&site, &preview, "after a new host");
}
