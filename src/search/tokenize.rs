//! Words to index terms: segmentation, case and accent folding.
//!
//! The browser client (`themes/default/static/search.js`) must turn a query
//! into exactly the terms this module turns text into, so the rules are
//! deliberately few:
//!
//! 1. Split text into words by Unicode's word boundaries (UAX #29; the client
//!    uses `Intl.Segmenter`, which follows the same rules). `test-driven` is
//!    two words, `don't` and `node.js` are one.
//! 2. Map each character of a word: ASCII letters and digits to lowercase,
//!    other ASCII (the `'` in `don't`) to nothing, and any other character to
//!    its deunicode transliteration (`é` -> `e`, `ł` -> `l`, `ß` -> `ss`,
//!    `北` -> `bei `), lowercased, keeping letters, digits and spaces.
//! 3. A space from a transliteration separates terms (`北京` -> `bei`, `jing`).
//!
//! The client cannot carry deunicode's tables, so the build ships the mapping
//! of every non-ASCII character the index actually contains ([`FoldTable`]).

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

/// Terms shorter than this are not indexed: single letters match everything.
pub const MIN_TERM_LEN: usize = 2;
/// Longer "words" are hashes, URLs or base64, not something people type.
pub const MAX_TERM_LEN: usize = 32;

/// A non-ASCII character's folded form, as the client must apply it.
fn fold_char(c: char) -> String {
    let mapped = deunicode::deunicode_char(c).unwrap_or("");
    let mut out = String::with_capacity(mapped.len());
    for m in mapped.chars() {
        if m.is_ascii_alphanumeric() {
            out.push(m.to_ascii_lowercase());
        } else if m.is_whitespace() && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out
}

/// Calls `emit` with each folded term of one word (usually one term).
fn fold_word(word: &str, term: &mut String, emit: &mut impl FnMut(&str)) {
    term.clear();
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                term.push(c.to_ascii_lowercase());
            }
            continue;
        }
        for m in fold_char(c).chars() {
            if m == ' ' {
                if !term.is_empty() {
                    emit(term);
                    term.clear();
                }
            } else {
                term.push(m);
            }
        }
    }
    if !term.is_empty() {
        emit(term);
    }
}

/// Calls `emit` with every term of `text`, in order, including terms too
/// short or too long to index (callers filter with [`indexable`]).
pub fn for_each_term(text: &str, mut emit: impl FnMut(&str)) {
    let mut term = String::new();
    for word in text.unicode_words() {
        fold_word(word, &mut term, &mut emit);
    }
}

/// The terms of `text`, in order (all of them; see [`indexable`]).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_term(text, |t| out.push(t.to_string()));
    out
}

/// Whether a term goes into the index.
pub fn indexable(term: &str) -> bool {
    (MIN_TERM_LEN..=MAX_TERM_LEN).contains(&term.len())
}

/// The folding of every non-ASCII character seen in indexed words, for the
/// client. Sorted, so the manifest is deterministic.
#[derive(Debug, Default)]
pub struct FoldTable(BTreeMap<char, String>);

impl FoldTable {
    /// Records the non-ASCII characters of `text`'s words.
    pub fn add_text(&mut self, text: &str) {
        if text.is_ascii() {
            return;
        }
        for word in text.unicode_words() {
            // Lowercase forms too: a query may type `ł` where the text has `Ł`.
            for c in word
                .chars()
                .filter(|c| !c.is_ascii())
                .flat_map(|c| std::iter::once(c).chain(c.to_lowercase()))
            {
                if !c.is_ascii() && !self.0.contains_key(&c) {
                    self.0.insert(c, fold_char(c));
                }
            }
        }
    }

    pub fn merge(&mut self, other: FoldTable) {
        self.0.extend(other.0);
    }

    /// Characters and their folded forms. Characters that fold to nothing
    /// are left out: the client drops unknown characters anyway.
    pub fn entries(&self) -> impl Iterator<Item = (char, &str)> {
        self.0
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| (*c, v.trim_end()))
    }
}

/// Short words a query may contain without requiring them (`katas by Sofia
/// in 2025`). Only for English sites; other languages get none.
pub fn stop_words(language: &str) -> &'static [&'static str] {
    if language == "en" || language.starts_with("en-") {
        &[
            "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "how", "in", "is",
            "it", "of", "on", "or", "our", "the", "this", "to", "was", "we", "what", "who", "with",
        ]
    } else {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::lowercase("Test-Driven Development", &["test", "driven", "development"])]
    #[case::accents("José Rodríguez", &["jose", "rodriguez"])]
    #[case::letters_without_decomposition("Łukasz Wiśniewska Straße", &["lukasz", "wisniewska", "strasse"])]
    #[case::apostrophes_join("Don't stop, don’t", &["dont", "stop", "dont"])]
    #[case::dotted_names("node.js and e.g.", &["nodejs", "and", "eg"])]
    #[case::numbers("In 2025, 1,000 katas", &["in", "2025", "1000", "katas"])]
    #[case::dates("2025-03-12", &["2025", "03", "12"])]
    #[case::punctuation_only("— … !", &[])]
    #[case::transliteration_splits("北京", &["bei", "jing"])]
    #[case::cyrillic("Рефакторинг", &["refaktoring"])]
    #[case::underscores("snake_case TDD", &["snakecase", "tdd"])]
    fn folds_words_into_terms(#[case] text: &str, #[case] expected: &[&str]) {
        assert_eq!(terms(text), expected);
    }

    #[test]
    fn short_and_long_terms_are_not_indexed() {
        assert!(!indexable("a"));
        assert!(indexable("ci"));
        assert!(indexable(&"x".repeat(MAX_TERM_LEN)));
        assert!(!indexable(&"x".repeat(MAX_TERM_LEN + 1)));
    }

    #[test]
    fn the_fold_table_lists_only_characters_seen_in_words() {
        let mut table = FoldTable::default();
        table.add_text("Sofía Łukasz — “quoted” ß");
        let entries: Vec<(char, &str)> = table.entries().collect();
        assert_eq!(entries, [('ß', "ss"), ('í', "i"), ('Ł', "l"), ('ł', "l")]);
    }

    #[test]
    fn stop_words_are_sorted_and_english_only() {
        let words = stop_words("en-GB");
        assert!(words.windows(2).all(|w| w[0] < w[1]));
        assert!(stop_words("es").is_empty());
    }
}
