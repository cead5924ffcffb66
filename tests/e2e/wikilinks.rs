//! `[[Page#Some Heading]]` links to the id the heading really has (issue
//! 15): heading ids follow GitHub's algorithm, so a wikilink's fragment is
//! matched against the headings' text the same way, not the old slug
//! (`Client.closed` is `#clientclosed`, not `#client-closed`).

use crate::harness::*;

const GUIDE: &str = "---\ntitle: Guide\n---\n## Client.closed\n\nText.\n\n## Q&A: what's next?\n\nText.\n\n## Agenda\n\nFirst.\n\n## Agenda\n\nSecond.\n\n## Setup {#install}\n\nText.\n\n## Ünïcode Straße\n\nText.\n";

/// (written wikilink, the fragment it must get, what the old slug gave)
const CASES: &[(&str, &str, &str)] = &[
    ("[[Guide#Client.closed]]", "clientclosed", "client-closed"),
    (
        "[[Guide#Q&A: what's next?]]",
        "qa-whats-next",
        "q-a-what-s-next",
    ),
    ("[[Guide#Agenda]]", "agenda", "agenda"),
    // The second `Agenda` is `agenda-1`, as on GitHub: written by its id.
    ("[[Guide#agenda-1]]", "agenda-1", "agenda-1"),
    // A heading with its own `{#id}` is found by its text too.
    ("[[Guide#Setup]]", "install", "setup"),
    ("[[Guide#install]]", "install", "install"),
    (
        "[[Guide#Ünïcode Straße]]",
        "ünïcode-straße",
        "unicode-strasse",
    ),
    ("[[Guide#client.CLOSED]]", "clientclosed", "client-closed"),
];

#[test]
fn wikilink_fragments_get_the_id_the_heading_has() {
    let links: String = CASES.iter().map(|(w, _, _)| format!("- {w}\n")).collect();
    let site = SiteTest::new().file("content/guide.md", GUIDE).file(
        "content/links.md",
        &format!("---\ntitle: Links\n---\n{links}"),
    );
    site.build().ok();
    let guide = site.html("guide/index.html");
    let ids: Vec<String> = select(&guide, "main [id]")
        .iter()
        .filter_map(|e| e.value().attr("id").map(String::from))
        .collect();
    let page = site.html("links/index.html");
    let hrefs: Vec<String> = select(&page, "main li a")
        .iter()
        .filter_map(|a| a.value().attr("href").map(String::from))
        .collect();
    assert_eq!(hrefs.len(), CASES.len(), "{hrefs:?}");
    for ((written, id, old), href) in CASES.iter().zip(&hrefs) {
        let url = url::Url::parse("https://cop.example.com/links/")
            .and_then(|base| base.join(href))
            .unwrap_or_else(|e| panic!("{written}: {href}: {e}"));
        assert_eq!(url.path(), "/guide/", "{written}: {href}");
        let fragment = percent_encoding::percent_decode_str(url.fragment().unwrap_or_default())
            .decode_utf8_lossy()
            .into_owned();
        assert_eq!(fragment, *id, "{written} (the old slug gave #{old})");
        assert!(
            ids.contains(&fragment),
            "{written}: #{fragment} is not an id of the guide: {ids:?}"
        );
    }
    // Fireside's own link checker agreed, or the build would have failed.
}

#[test]
fn a_wikilink_to_a_heading_that_is_not_there_names_the_ids_there_are() {
    let site = SiteTest::new().file("content/guide.md", GUIDE).file(
        "content/links.md",
        "---\ntitle: Links\n---\nSee [[Guide#Client closed now]].\n",
    );
    let failure = site.build().failed();
    let d = failure.at("client-closed-now", "content/links.md:4:");
    assert!(d.is_error());
    assert_eq!(failure.errors().len(), 1, "{}", failure.rendered());
}
