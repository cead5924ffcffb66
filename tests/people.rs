//! People and practice: the facilitator index, aliases, taxonomies,
//! wikilinks and backlinks, on fixture sites built with the real binary.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;

use common::*;

fn site_with_people() -> Fixture {
    let site = Fixture::new();
    site.write(
        "content/people/sebastian-kulinski.md",
        "---\ntitle: Sebastian Kulinski\nrole: Principal engineer\naliases: [Seb, Seb Kulinski]\n---\nBio.\n",
    );
    site.write(
        "content/communities/lead.md",
        "---\ntitle: Leadership CoP\n---\nLeading.\n",
    );
    site.write("content/sessions/dev/a.md", "---\ntitle: Kata A\ndate: 2025-01-10\nfacilitator: Seb\nformat: Code kata\ntags: [tdd]\npatterns: [tdd]\n---\n");
    site.write("content/sessions/dev/b.md", "---\ntitle: Talk B\ndate: 2025-06-10\nfacilitators: [Seb Kulinski, Ana]\nformat: Practical talk\ntags: [design]\n---\n");
    site.write("content/sessions/lead/c.md", "---\ntitle: Chat C\ndate: 2027-03-10\nfacilitator: sebastian kulinski\nformat: Fireside chat\n---\n");
    site.write(
        "content/sessions/lead/d.md",
        "---\ntitle: Debate D\ndate: 2025-02-02\nfacilitator: Olga Petrova\nformat: Debate\n---\n",
    );
    site
}

fn row_for<'a>(doc: &'a scraper::Html, name: &str) -> scraper::ElementRef<'a> {
    select(doc, "#facilitator-table tbody tr")
        .into_iter()
        .find(|r| r.text().collect::<String>().contains(name))
        .unwrap_or_else(|| panic!("no row for {name}"))
}

#[test]
fn aliases_merge_into_one_facilitator_with_their_activity() {
    let site = site_with_people();
    assert_success(&site.build(&[]));
    let doc = site.html("facilitators/index.html");
    let names: Vec<String> = select(&doc, "#facilitator-table tbody th a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        names,
        ["Ana Ruiz", "Olga Petrova", "Sebastian Kulinski"],
        "one row per person, by name"
    );
    let seb = row_for(&doc, "Sebastian Kulinski");
    let cells: Vec<String> = seb
        .select(&scraper::Selector::parse("td").unwrap())
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect();
    assert_eq!(cells[0], "2", "held");
    assert_eq!(cells[1], "1", "planned");
    assert_eq!(cells[2], "Dev CoP, Leadership CoP");
    assert_eq!(cells[3], "Code kata, Fireside chat, Practical talk");
    assert_eq!(cells[5], "2025-01-10", "first");
    assert_eq!(cells[6], "2025-06-10", "last");
    assert_eq!(cells[7], "2027-03-10", "next");
    assert_eq!(seb.value().attr("data-activity"), Some("3"));
    // The profile page lists all three sessions, split by time.
    let profile = site.html("facilitators/sebastian-kulinski/index.html");
    assert!(text_of(&profile, "#upcoming-title ~ ul").contains("Chat C"));
    let past = text_of(&profile, "#past-title ~ ul");
    assert!(past.contains("Kata A") && past.contains("Talk B"));
    assert!(text_of(&profile, "#patterns-title + ul").contains("Test-Driven Development"));
}

#[test]
fn the_index_narrows_by_community_and_format_without_javascript() {
    let site = site_with_people();
    assert_success(&site.build(&[]));
    let doc = site.html("facilitators/index.html");
    let by_community = text_of(&doc, "#by-community ~ h3, #by-community ~ p");
    assert!(by_community.contains("Leadership CoP"));
    let sections = select(&doc, ".grouped-lists section");
    let community_text: String = sections[0].text().collect();
    assert!(community_text.contains("Olga Petrova"));
    let format_text: String = sections[1].text().collect();
    for f in ["Code kata", "Debate", "Fireside chat", "Practical talk"] {
        assert!(format_text.contains(f), "{f}");
    }
    // The filter panel is hidden until the script enables it, and offers each community.
    let panel = select(&doc, "[data-filters-for=facilitator-table]");
    assert_eq!(panel[0].value().attr("hidden"), Some(""));
    assert_eq!(
        select(&doc, "select[data-filter=communities] option").len(),
        3
    );
}

#[test]
fn a_person_without_a_profile_has_a_page_with_their_sessions() {
    let site = site_with_people();
    assert_success(&site.build(&[]));
    let doc = site.html("facilitators/olga-petrova/index.html");
    assert_eq!(text_of(&doc, "h1"), "Olga Petrova");
    assert!(text_of(&doc, "#past-title ~ ul").contains("Debate D"));
}

#[test]
fn wikilinks_of_every_form_resolve_and_leave_backlinks() {
    let site = site_with_people();
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\n## Links\n\n[[Test-Driven Development]] [[tdd]] [[TDD]] [[TDD|test first]] [[TDD#Pitfalls]] \
[[Seb]] [[community:Dev CoP]] [[2025-01-10-a]] [[notes#links]]\n",
    );
    assert_success(&site.build(&[]));
    let doc = site.html("notes/index.html");
    let links: Vec<(String, String)> = select(&doc, ".prose a:not(.heading-anchor)")
        .iter()
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                a.text().collect(),
            )
        })
        .collect();
    let expected = [
        ("/patterns/tdd/", "Test-Driven Development"),
        ("/patterns/tdd/", "tdd"),
        ("/patterns/tdd/", "TDD"),
        ("/patterns/tdd/", "test first"),
        ("/patterns/tdd/#pitfalls", "TDD#Pitfalls"),
        ("/facilitators/sebastian-kulinski/", "Seb"),
        ("/communities/dev/", "community:Dev CoP"),
        ("/sessions/2025-01-10-a/", "2025-01-10-a"),
        ("/notes/#links", "notes#links"),
    ];
    let got: Vec<(&str, &str)> = links
        .iter()
        .map(|(h, t)| (h.as_str(), t.as_str()))
        .collect();
    assert_eq!(got, expected);
    for page in [
        "patterns/tdd/index.html",
        "facilitators/sebastian-kulinski/index.html",
        "communities/dev/index.html",
        "sessions/2025-01-10-a/index.html",
    ] {
        let backlinks = text_of(&site.html(page), ".backlinks");
        assert!(
            backlinks.contains("Notes") && backlinks.contains("page"),
            "{page}: {backlinks}"
        );
    }
    assert!(
        text_of(&site.html("notes/index.html"), ".backlinks").is_empty(),
        "a page does not reference itself"
    );
}

#[test]
fn wikilink_errors_name_the_candidates() {
    let site = site_with_people();
    site.write("content/patterns/dev.md", "---\ntitle: Dev\n---\nx\n");
    site.write(
        "content/x.md",
        "---\ntitle: X\n---\n[[dev]] and [[Kata A]] and [[TDD#Nope]]\n",
    );
    let err = stderr(&site.build(&[]));
    assert!(
        err.contains(
            "wikilink `[[dev]]` is ambiguous: it matches pattern `Dev`, community `Dev CoP`"
        ),
        "{err}"
    );
    assert!(err.contains("`[[pattern:dev]]`"), "{err}");
    assert!(
        err.contains("sessions are linked by slug, because titles repeat: `[[2025-01-10-a]]`"),
        "{err}"
    );
    assert!(
        err.contains("`#nope` is not an anchor in pattern `Test-Driven Development`"),
        "{err}"
    );
    assert!(err.contains("content/x.md:4:1"), "{err}");
}

#[test]
fn tags_and_formats_list_their_sessions_and_patterns() {
    let site = site_with_people();
    site.write(
        "content/patterns/tdd.md",
        "---\ntitle: Test-Driven Development\ntags: [tdd]\n---\n## Pitfalls\n",
    );
    assert_success(&site.build(&[]));
    let tag = site.html("tags/tdd/index.html");
    assert!(text_of(&tag, "main").contains("Kata A"));
    assert!(text_of(&tag, "main").contains("Test-Driven Development"));
    let format = site.html("formats/code-kata/index.html");
    assert_eq!(text_of(&format, "h1"), "Code kata");
    assert!(text_of(&format, "main").contains("Kata A"));
    let index = site.html("formats/index.html");
    assert!(text_of(&index, "main").contains("Debate"));
}

#[test]
fn insights_count_what_the_fixture_holds() {
    let site = site_with_people();
    site.write(
        "content/patterns/pairing.md",
        "---\ntitle: Pair programming\n---\nTwo people.\n",
    );
    site.write(
        "content/sessions/dev/e.md",
        "---\ntitle: Cancelled E\ndate: 2025-06-20\nstatus: cancelled\nfacilitator: Ana\n---\n",
    );
    assert_success(&site.build(&[]));
    let doc = site.html("insights/index.html");
    let rows = |section: &str| -> Vec<(String, String)> {
        select(&doc, &format!("#{section} ~ details tbody tr"))
            .iter()
            .map(|r| {
                let cells: Vec<String> = r
                    .children()
                    .filter_map(scraper::ElementRef::wrap)
                    .map(|c| c.text().collect())
                    .collect();
                (cells[0].clone(), cells[1].clone())
            })
            .collect()
    };
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        rows("per-month"),
        pairs(&[
            ("2025-01", "1"),
            ("2025-02", "1"),
            ("2025-03", "0"),
            ("2025-04", "0"),
            ("2025-05", "0"),
            ("2025-06", "1")
        ])
    );
    assert_eq!(
        rows("per-format"),
        pairs(&[("Code kata", "1"), ("Debate", "1"), ("Practical talk", "1")])
    );
    assert_eq!(
        rows("per-community"),
        pairs(&[("Dev CoP", "2"), ("Leadership CoP", "1")])
    );
    assert_eq!(
        rows("per-facilitator"),
        pairs(&[
            ("Sebastian Kulinski", "2"),
            ("Ana Ruiz", "1"),
            ("Olga Petrova", "1")
        ])
    );
    assert!(text_of(&doc, "main").contains("ran 100% of held sessions"));
    assert_eq!(text_of(&doc, "#never-practised ~ ul"), "Pair programming");
    let gaps = text_of(&doc, "#gaps ~ ul");
    for expected in [
        "Dev CoP: 2026-12",
        "Dev CoP: 2027-01",
        "Dev CoP: 2027-02",
        "Leadership CoP: 2027-02",
    ] {
        assert!(gaps.contains(expected), "{expected} in {gaps}");
    }
    // Each chart is an image with a title and a description.
    assert_eq!(select(&doc, "svg[role=img] > title").len(), 4);
    assert_eq!(select(&doc, "svg[role=img] > desc").len(), 4);
}

#[test]
fn formats_say_what_they_are_for_and_sites_can_describe_their_own() {
    let site = site_with_people();
    site.write(
        "site.yaml",
        "title: T\nformats:\n  Debate: Two camps, one motion, a vote at the end.\n",
    );
    assert_success(&site.build(&[]));
    assert_eq!(
        text_of(&site.html("formats/debate/index.html"), ".lead"),
        "Two camps, one motion, a vote at the end."
    );
    assert!(
        text_of(&site.html("formats/code-kata/index.html"), ".lead")
            .contains("small, well-known exercise")
    );
    assert!(text_of(&site.html("formats/index.html"), ".term-description").contains("Two camps"));
}
