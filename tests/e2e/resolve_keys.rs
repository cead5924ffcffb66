//! The content model's key tables (docs/content-model.md) against the structs' keys (read from serde, see
//! `meta::field_names`): a key added to a struct without a row in docs/content-model.md, or a
//! row for a key that no longer exists, fails here.

use std::collections::BTreeSet;

use crate::common::*;
use fireside::parse::meta::{
    CommunityMeta, PageMeta, PatternMeta, PersonMeta, SHORTHAND_KEYS, SessionMeta,
};
use rstest::rstest;

const CONTENT_MODEL: &str = include_str!("../../docs/content-model.md");

/// The keys in the first column of the table under `## {heading}`:
/// `markdown.raw_html` names `markdown`; `slug`, `draft` names two.
fn table_keys(heading: &str) -> BTreeSet<String> {
    let start = CONTENT_MODEL
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("no section {heading} in docs/content-model.md"));
    let section = &CONTENT_MODEL[start + 1..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    let mut keys = BTreeSet::new();
    for row in section[..end].lines().filter(|l| l.starts_with("| `")) {
        let first = row.split('|').nth(1).unwrap_or_default();
        for name in first.split(',') {
            let name = name.trim().trim_matches('`');
            keys.insert(name.split('.').next().unwrap_or(name).to_string());
        }
    }
    keys
}

fn documented(keys: &[&str]) -> BTreeSet<String> {
    keys.iter()
        .filter(|k| !SHORTHAND_KEYS.contains(k))
        .map(|k| k.to_string())
        .collect()
}

#[rstest]
#[case::site("site.yaml", fireside::config::site_keys())]
#[case::session("Sessions (`content/sessions/`)", SessionMeta::keys())]
#[case::pattern("Patterns (`content/patterns/`)", PatternMeta::keys())]
#[case::community("Communities (`content/communities/`)", CommunityMeta::keys())]
#[case::person("People (`content/people/`)", PersonMeta::keys())]
#[case::page("Plain pages (any other `.md` under `content/`)", PageMeta::keys())]
fn readme_key_tables_list_exactly_the_struct_keys(#[case] heading: &str, #[case] keys: &[&str]) {
    assert!(!keys.is_empty(), "no keys read for {heading}");
    assert_eq!(
        table_keys(heading),
        documented(keys),
        "docs/content-model.md table {heading}"
    );
}

#[test]
fn readme_lists_exactly_the_agenda_keys() {
    let sentence = CONTENT_MODEL
        .split("These keys apply to the whole agenda: ")
        .nth(1)
        .and_then(|s| s.split(". ").next())
        .expect("the agenda keys sentence");
    let named: BTreeSet<String> = sentence
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert_eq!(named, documented(fireside::parse::agenda::agenda_keys()));
}

/// `formats` was missing from the hand-written site.yaml list, so a typo of
/// it got no suggestion.
#[test]
fn a_misspelt_site_key_suggests_formats() {
    let site = Fixture::new();
    site.write(
        "site.yaml",
        "title: Test CoP\nformts:\n  Debate: Two camps.\n",
    );
    let out = site.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("unknown key `formts`"), "{err}");
    assert!(err.contains("did you mean `formats`?"), "{err}");
}

/// A key written twice is reported where it is repeated: the first one is
/// the one a reader takes for the value.
#[test]
fn a_duplicate_key_is_reported_at_its_second_occurrence() {
    let site = Fixture::new();
    site.write(
        "content/about.md",
        "---\ntitle: About\ndescription: x\ntitle: Again\n---\nBody.\n",
    );
    let out = site.build(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("content/about.md:4:1"), "{err}");
    assert!(err.contains("each key may appear only once"), "{err}");
}
