//! One session draft: an agenda entry overlaid by its write-up, by the
//! precedence table in `resolve::sessions` (quoted by docs/content-model.md), with the
//! same checks whichever source a value came from.

use crate::common::*;
use fireside::resolve::sessions::{Field, Winner, precedence_table};
use rstest::rstest;

#[test]
fn readme_quotes_the_precedence_table() {
    let readme = include_str!("../../docs/content-model.md");
    assert!(
        readme.contains(&precedence_table()),
        "docs/content-model.md's \"Agenda entry and write-up: which wins\" table differs from the code; it should be:\n{}",
        precedence_table()
    );
}

#[rstest]
#[case(Field::Title, Winner::WriteUpElseEntry)]
#[case(Field::Patterns, Winner::WriteUpElseEntry)]
#[case(Field::Community, Winner::WriteUpElseEntry)]
#[case(Field::Tags, Winner::WriteUpElseEntry)]
#[case(Field::Resources, Winner::WriteUp)]
#[case(Field::Aliases, Winner::WriteUp)]
#[case(Field::Number, Winner::Entry)]
fn precedence_by_field(#[case] field: Field, #[case] winner: Winner) {
    assert_eq!(field.winner(), winner, "{}", field.key());
}

const AGENDA: &str = "content/agendas/dev/2026.yaml";

/// A site with one agenda entry on 2026-12-02, and optionally its write-up.
fn site_with(entry: &str, write_up: Option<&str>) -> Fixture {
    let site = Fixture::new();
    site.write(
        "content/patterns/mob.md",
        "---\ntitle: Mob Programming\naliases: [Mob]\n---\nTogether.\n",
    );
    site.write(
        AGENDA,
        &format!(
            "title: Dev 2026\ncommunity: dev\nsessions:\n  - date: 2026-12-02\n    title: Katas\n{entry}"
        ),
    );
    if let Some(w) = write_up {
        site.write(
            "content/sessions/dev/katas.md",
            &format!("---\ntitle: Katas\ndate: 2026-12-02\n{w}---\nNotes.\n"),
        );
    }
    site
}

/// The page of the session: an entry's slug and a write-up's (date and
/// file name) are the same here.
fn session_page(site: &Fixture) -> String {
    site.read_out("sessions/2026-12-02-katas/index.html")
}

/// Patterns of an entry: deduplicated on both paths, and filling in for a
/// write-up without any (they used to be dropped once written up).
#[rstest]
#[case::entry_alone(None)]
#[case::written_up(Some(""))]
fn an_entrys_patterns_are_deduplicated_and_survive_a_write_up(#[case] write_up: Option<&str>) {
    let site = site_with("    patterns: [mob, Mob Programming, Mob]\n", write_up);
    let out = site.build(&[]);
    assert_success(&out);
    let page = session_page(&site);
    assert_eq!(
        page.matches("href=\"/patterns/mob/\"").count(),
        1,
        "one link to the pattern, once"
    );
}

/// A write-up's patterns replace the entry's.
#[test]
fn a_write_ups_patterns_win() {
    let site = site_with("    patterns: [mob]\n", Some("patterns: [tdd]\n"));
    let out = site.build(&[]);
    assert_success(&out);
    let page = session_page(&site);
    assert!(page.contains("href=\"/patterns/tdd/\""));
    assert!(!page.contains("href=\"/patterns/mob/\""));
}

/// An unknown community in an entry is an error whether or not the entry is
/// written up (it was ignored once written up), pointing at the entry.
#[rstest]
#[case::entry_alone(None)]
#[case::written_up(Some(""))]
fn an_unknown_community_in_an_entry_is_an_error_on_both_paths(#[case] write_up: Option<&str>) {
    let site = site_with("    community: nowhere\n", write_up);
    let out = site.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unknown community `nowhere`"), "{err}");
    assert!(
        err.contains(&format!("{AGENDA}:4")),
        "points at the entry: {err}"
    );
}

/// The write-up's community replaces the entry's (so the entry's is not
/// checked), and an unknown one is reported in the write-up.
#[test]
fn an_unknown_community_in_a_write_up_is_reported_there() {
    let site = site_with("", Some("community: elsewhere\n"));
    let out = site.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unknown community `elsewhere`"), "{err}");
    assert!(err.contains("content/sessions/dev/katas.md:4"), "{err}");
}

/// An unknown pattern in an entry is an error on both paths.
#[rstest]
#[case::entry_alone(None)]
#[case::written_up(Some(""))]
fn an_unknown_pattern_in_an_entry_is_an_error_on_both_paths(#[case] write_up: Option<&str>) {
    let site = site_with("    patterns: [pairing]\n", write_up);
    let out = site.build(&[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown pattern `pairing`"));
}
