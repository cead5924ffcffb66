//! Slugs: the stable, URL-safe names of everything on a site.
//!
//! A slug is lowercase ASCII words joined by `-`, with accents folded
//! (`José Rodríguez` -> `jose-rodriguez`). Slugs come from file names rather
//! than titles, so that editing a title never breaks a link.

/// Turns any text into a slug. Returns an empty string when nothing
/// slug-worthy is left (for example a title made only of punctuation).
pub fn slugify(text: &str) -> String {
    let folded = deunicode::deunicode(text);
    let mut slug = String::with_capacity(folded.len());
    let mut pending_dash = false;
    for ch in folded.chars() {
        if ch.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(ch.to_ascii_lowercase());
        } else {
            // Apostrophes join rather than split words: "Don't" -> "dont".
            if ch != '\'' {
                pending_dash = true;
            }
        }
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_joins_words() {
        assert_eq!(slugify("José Rodríguez"), "jose-rodriguez");
        assert_eq!(
            slugify("  Clean   Code: Principles! "),
            "clean-code-principles"
        );
        assert_eq!(slugify("Talk + Lab"), "talk-lab");
        assert_eq!(slugify("Don't repeat yourself"), "dont-repeat-yourself");
        assert_eq!(slugify("C# & .NET"), "c-net");
        assert_eq!(slugify("2024-12-04 Clean code"), "2024-12-04-clean-code");
        assert_eq!(slugify("!!!"), "");
        assert_eq!(slugify("Ærøskøbing straße"), "aeroskobing-strasse");
    }
}
