//! The name registry: which item of a kind each name (slug, title or alias,
//! slugified) refers to, with one collision policy for every kind.
//!
//! The policy: a name belongs to one item of its kind. A second item that
//! claims it is an error at the key that claims it (`title:`, `aliases:` or
//! `slug:`), naming the file that holds it first. Communities and patterns
//! used to keep the first claim silently (a `community: dev` could quietly
//! mean another community than the author saw), and people already refused
//! it; now all three refuse it the same way, so a `community:`, `patterns:`,
//! `facilitators:` or wikilink name never has two meanings within a kind.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, display_path};
use crate::model::slug::slugify;
use crate::parse::Doc;

/// The names of one kind of item.
pub(super) struct Registry<I> {
    by_key: HashMap<String, (I, PathBuf)>,
}

impl<I> Default for Registry<I> {
    fn default() -> Self {
        Registry {
            by_key: HashMap::new(),
        }
    }
}

/// The names an item claims, each with the front-matter key that gives it.
pub(super) fn claims<'a>(
    slug: &'a str,
    explicit_slug: bool,
    title: &'a str,
    aliases: &'a [String],
) -> impl Iterator<Item = (&'static str, String, &'a str)> + 'a {
    let slug_key = if explicit_slug { "slug" } else { "title" };
    [
        (slug_key, slug.to_string(), slug),
        ("title", slugify(title), title),
    ]
    .into_iter()
    .chain(aliases.iter().map(|a| ("aliases", slugify(a), a.as_str())))
    .filter(|(_, k, _)| !k.is_empty())
}

impl<I: Copy + PartialEq> Registry<I> {
    pub(super) fn get(&self, key: &str) -> Option<I> {
        self.by_key.get(key).map(|(id, _)| *id)
    }

    /// Records a name of `id` (from a file or made up for a profile-less
    /// person), or returns the file of the item that already holds it.
    pub(super) fn claim(&mut self, key: String, id: I, file: &Path) -> Result<(), &Path> {
        match self.by_key.entry(key) {
            Entry::Occupied(held) if held.get().0 == id => Ok(()),
            Entry::Occupied(held) => Err(held.into_mut().1.as_path()),
            Entry::Vacant(free) => {
                free.insert((id, file.to_path_buf()));
                Ok(())
            }
        }
    }

    /// Claims every name of the item in `doc`, reporting each one another
    /// item of the kind holds at the key that claims it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn claim_all<M>(
        &mut self,
        errors: &mut Vec<Diagnostic>,
        doc: &Doc<M>,
        id: I,
        kind: &str,
        slug: &str,
        explicit_slug: bool,
        title: &str,
        aliases: &[String],
    ) {
        for (field, key, written) in claims(slug, explicit_slug, title, aliases) {
            if let Err(other) = self.claim(key.clone(), id, &doc.file) {
                let message = format!("the name `{key}` also belongs to {}", display_path(other));
                let d = if field == "title" && !explicit_slug && written == slug {
                    doc.error_at_key("title", message)
                } else {
                    doc.error_at_value(field, written, message)
                };
                errors.push(d.hint(format!(
                    "a name or alias may belong to one {kind} only; rename one, or remove the alias"
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    /// One table for every kind: the first claim of a name holds; a second
    /// item's claim is refused with the first file; the same item may claim
    /// a name twice (its title usually slugifies to its slug).
    #[rstest]
    #[case::new_name(&[(1, "tdd")], (2, "bdd"), Ok(()))]
    #[case::same_item_again(&[(1, "tdd")], (1, "tdd"), Ok(()))]
    #[case::another_item(&[(1, "tdd")], (2, "tdd"), Err("a.md"))]
    #[case::third_item(&[(1, "x"), (2, "y")], (3, "y"), Err("b.md"))]
    fn a_name_belongs_to_one_item(
        #[case] before: &[(u32, &str)],
        #[case] claim: (u32, &str),
        #[case] expected: Result<(), &str>,
    ) {
        let mut names = Registry::default();
        for (i, (id, key)) in before.iter().enumerate() {
            let file = PathBuf::from(["a.md", "b.md"][i]);
            names
                .claim(key.to_string(), *id, &file)
                .expect("first claims");
        }
        let got = names
            .claim(claim.1.to_string(), claim.0, Path::new("c.md"))
            .map_err(|p| p.to_string_lossy().into_owned());
        assert_eq!(got, expected.map_err(str::to_string));
        assert!(names.get(claim.1).is_some());
    }

    #[test]
    fn claims_name_the_key_that_gives_each_name() {
        let aliases = vec!["TDD".to_string(), "!!".to_string()];
        let got: Vec<_> = claims("test-first", true, "Test First", &aliases)
            .map(|(field, key, _)| (field, key))
            .collect();
        assert_eq!(
            got,
            [
                ("slug", "test-first".to_string()),
                ("title", "test-first".to_string()),
                ("aliases", "tdd".to_string()),
            ]
        );
    }
}
