//! One collision policy for every kind of named item: a name (slug, title
//! or alias) belongs to one item of its kind; a second claim is an error at
//! the key that claims it, naming the file that holds the name first.
//! Communities and patterns used to keep the first claim silently.

use crate::common::*;
use rstest::rstest;

/// Files are read in path order, so the later file is the one refused.
#[rstest]
#[case::community_alias(
    "content/communities/ops.md",
    "---\ntitle: Ops CoP\naliases: [Dev CoP]\n---\n",
    "dev-cop",
    "content/communities/dev.md",
    "content/communities/ops.md:3:"
)]
#[case::pattern_alias(
    "content/patterns/x-pairing.md",
    "---\ntitle: Pairing\naliases: [TDD]\n---\n",
    "tdd",
    "content/patterns/tdd.md",
    "content/patterns/x-pairing.md:3:"
)]
#[case::pattern_title(
    "content/patterns/test-driven.md",
    "---\ntitle: TDD\n---\n",
    "tdd",
    "content/patterns/tdd.md",
    "content/patterns/test-driven.md:2:"
)]
#[case::person_alias(
    "content/people/bea-lopez.md",
    "---\ntitle: Bea Lopez\naliases: [Ana]\n---\n",
    "ana",
    "content/people/ana-ruiz.md",
    "content/people/bea-lopez.md:3:"
)]
fn a_second_claim_of_a_name_is_an_error_naming_both_files(
    #[case] file: &str,
    #[case] text: &str,
    #[case] name: &str,
    #[case] first: &str,
    #[case] at: &str,
) {
    let site = Fixture::new();
    site.write(file, text);
    let out = site.build(&[]);
    assert!(!out.status.success(), "a shared name must fail the build");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("the name `{name}` also belongs to {first}")),
        "{err}"
    );
    assert!(
        err.contains(at),
        "reported at the claiming key ({at}): {err}"
    );
}

/// One item may claim a name twice (title, slug and alias spelt alike).
#[test]
fn an_item_may_repeat_its_own_name() {
    let site = Fixture::new();
    site.write(
        "content/patterns/mob.md",
        "---\ntitle: Mob\nslug: mob\naliases: [MOB, mob]\n---\n",
    );
    assert_success(&site.build(&[]));
}
