//! Errors in one round (issue 15): a file whose front matter is wrong does
//! not hide the errors resolve finds in the other files. Resolve runs over
//! what parsed; a link to the file that did not parse is not broken, and a
//! name only that file could define waits for the next run (reporting it
//! would be a guess).

use crate::harness::*;

fn site() -> SiteTest {
    SiteTest::new()
        .file(
            "content/patterns/pairing.md",
            "---\ntitle: Pairing\nsumary: Two people, one keyboard.\nmaturity: trial\n---\nBody.\n",
        )
        .file(
            "content/sessions/dev/kata.md",
            "---\ntitle: Kata\ndate: 2026-03-10\ncommunity: Dev CoP\npatterns: [Pairing]\n---\nSee [pairing](../../patterns/pairing.md)\nand [the missing one](../../patterns/mobbing.md).\n",
        )
}

#[test]
fn a_front_matter_error_and_a_broken_relative_link_come_in_one_build_error() {
    let failure = site().build().failed();
    let errors = failure.errors();
    let rendered = failure.rendered();
    let front_matter = failure.at("sumary", "content/patterns/pairing.md:3:1");
    let link = failure.at(
        "link to a missing file `../../patterns/mobbing.md`",
        "content/sessions/dev/kata.md:8:",
    );
    assert!(front_matter.is_error() && link.is_error());
    assert_eq!(errors.len(), 2, "nothing else: {rendered}");
    // Sorted by file, then line: patterns/ before sessions/.
    assert_eq!(
        errors
            .iter()
            .map(|d| d.location())
            .collect::<Vec<_>>()
            .iter()
            .map(|l| l.split(':').next().unwrap_or_default().to_string())
            .collect::<Vec<_>>(),
        [
            "content/patterns/pairing.md",
            "content/sessions/dev/kata.md"
        ],
        "{rendered}"
    );
    // The link to the file that did not parse, and the pattern only it
    // names (`patterns: [Pairing]`), are not errors.
    assert!(!rendered.contains("pairing.md` (resolved"), "{rendered}");
    assert!(!rendered.contains("unknown pattern"), "{rendered}");
}

#[test]
fn once_the_front_matter_is_fixed_the_rest_is_checked_by_name_too() {
    let site = site();
    site.write(
        "content/patterns/pairing.md",
        "---\ntitle: Pairing\nsummary: Two people, one keyboard.\nmaturity: trial\n---\nBody.\n",
    );
    site.write(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2026-03-10\ncommunity: Dev CoP\npatterns: [Pairing, Mobbing]\n---\nSee [pairing](../../patterns/pairing.md).\n",
    );
    let failure = site.build().failed();
    assert_eq!(failure.errors().len(), 1, "{}", failure.rendered());
    failure.at(
        "unknown pattern `Mobbing`",
        "content/sessions/dev/kata.md:5:",
    );
}

#[test]
fn a_name_no_file_defines_is_reported_with_the_front_matter_errors_when_nothing_failed_to_parse() {
    // Without a file that failed to parse, a wrong name is certain.
    let site = SiteTest::new().file(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2026-03-10\ncommunity: Nope CoP\n---\n[x](../../patterns/nope.md)\n",
    );
    let failure = site.build().failed();
    failure.at(
        "unknown community `Nope CoP`",
        "content/sessions/dev/kata.md:4:",
    );
    failure.at("link to a missing file", "content/sessions/dev/kata.md:6:");
    assert_eq!(failure.errors().len(), 2, "{}", failure.rendered());
}
