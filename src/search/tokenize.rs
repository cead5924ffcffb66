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
//! These rules are normative: this module and [`super::query`] are the
//! definition, and the browser's engine (`themes/default/static/search-engine.js`)
//! is tested against them over generated queries in plain node
//! (`tests/e2e/search_parity.rs`).
//!
//! The client cannot carry all of deunicode's tables, so it folds with two:
//! [`CLIENT_RANGES`], the Latin, Greek and Cyrillic blocks people type
//! accents from, generated from deunicode into the script itself
//! ([`client_fold_source`]; a test fails when the checked-in copy is stale),
//! and the manifest's table of every other non-ASCII character the index
//! contains ([`FoldTable`]). A query character in neither folds to nothing,
//! on both sides ([`for_each_query_term`]): no indexed term could contain
//! its folding anyway, except by accident.

use std::collections::BTreeMap;

use unicode_segmentation::UnicodeSegmentation;

/// Terms shorter than this are not indexed: single letters match everything.
pub const MIN_TERM_LEN: usize = 2;
/// Longer "words" are hashes, URLs or base64, not something people type.
pub const MAX_TERM_LEN: usize = 32;

/// Unicode blocks whose folding the client script carries, as inclusive
/// code point ranges: Latin-1 Supplement to Latin Extended-B, Greek,
/// Cyrillic, Latin Extended Additional (Vietnamese), letter-like symbols,
/// ligatures and full-width ASCII (what CJK keyboards type).
pub const CLIENT_RANGES: [(u32, u32); 8] = [
    (0x00C0, 0x024F),
    (0x0370, 0x03FF),
    (0x0400, 0x04FF),
    (0x1E00, 0x1EFF),
    (0x2100, 0x214F),
    (0x2460, 0x24FF),
    (0xFB00, 0xFB06),
    (0xFF10, 0xFF5A),
];

/// Whether the client script folds `c` without the manifest's help.
pub fn client_folds(c: char) -> bool {
    let c = c as u32;
    CLIENT_RANGES.iter().any(|&(a, b)| (a..=b).contains(&c))
}

/// A non-ASCII character's folded form: lowercase ASCII letters and digits,
/// with a space where the transliteration separates words (`北` -> `bei `).
pub fn fold_char(c: char) -> String {
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
/// `fold` gives a non-ASCII character's folded form.
fn fold_word(
    word: &str,
    term: &mut String,
    fold: &impl Fn(char) -> String,
    emit: &mut impl FnMut(&str),
) {
    term.clear();
    if word.is_ascii() {
        // Most words: bytes, no character decoding, no folding table.
        term.extend(
            word.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_lowercase())),
        );
        if !term.is_empty() {
            emit(term);
        }
        return;
    }
    for c in word.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                term.push(c.to_ascii_lowercase());
            }
            continue;
        }
        for m in fold(c).chars() {
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

/// Calls `each` with every word of `text`, in order: UAX #29's words, as
/// `unicode_words` gives them, but line by line. UAX #29 breaks after
/// every line feed (WB3a) and no rule looks across one, so the words of
/// the lines are the words of the text; and unicode-segmentation takes a
/// fast path through a string that is all ASCII, which most lines of a
/// text with a name like `José` in it still are.
pub fn for_each_word<'a>(text: &'a str, mut each: impl FnMut(&'a str)) {
    if text.is_ascii() {
        ascii_words(text, each);
        return;
    }
    for line in text.split_inclusive('\n') {
        if line.is_ascii() {
            ascii_words(line, &mut each);
        } else {
            line.unicode_words().for_each(&mut each);
        }
    }
}

/// UAX #29's words of an ASCII text, as `unicode_words` gives them, in one
/// pass over the bytes. In ASCII, a word is a run of letters, digits and
/// `_` (WB5, WB8-WB10, WB13a-b), also joined across one `.`, `'` or `:`
/// between two letters (WB6-7) and one `.`, `'`, `,` or `;` between two
/// digits (WB11-12); a run without a letter or digit (`__`) is no word.
/// Every other ASCII character stands alone, so it never starts a word.
fn ascii_words<'a>(text: &'a str, mut each: impl FnMut(&'a str)) {
    let b = text.as_bytes();
    let core = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let joins = |i: usize| {
        let (prev, next) = (b[i - 1], b[i + 1]);
        match b[i] {
            b'.' | b'\'' | b':' if prev.is_ascii_alphabetic() && next.is_ascii_alphabetic() => true,
            b'.' | b'\'' | b',' | b';' => prev.is_ascii_digit() && next.is_ascii_digit(),
            _ => false,
        }
    };
    let mut i = 0;
    while i < b.len() {
        if !core(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut alnum = b[i] != b'_';
        i += 1;
        while i < b.len() {
            if core(b[i]) {
                alnum |= b[i] != b'_';
                i += 1;
            } else if i + 1 < b.len() && joins(i) {
                i += 2;
                alnum = true;
            } else {
                break;
            }
        }
        if alnum {
            each(&text[start..i]);
        }
    }
}

/// Calls `emit` with every term of `text`, in order, including terms too
/// short or too long to index (callers filter with [`indexable`]).
pub fn for_each_term(text: &str, mut emit: impl FnMut(&str)) {
    let mut term = String::new();
    for_each_word(text, |word| {
        fold_word(word, &mut term, &fold_char, &mut emit)
    });
}

/// [`for_each_term`], also recording in `fold` the non-ASCII characters
/// of the words, as [`FoldTable::add_text`] does, in the same pass.
pub fn for_each_term_noting(text: &str, fold: &mut FoldTable, mut emit: impl FnMut(&str)) {
    let mut term = String::new();
    for_each_word(text, |word| {
        if !word.is_ascii() {
            fold.add_word(word);
        }
        fold_word(word, &mut term, &fold_char, &mut emit);
    });
}

/// Like [`for_each_term`], for a query typed against an index whose
/// characters are `known`: a character the client has no folding for
/// (outside [`CLIENT_RANGES`] and not in the index) folds to nothing, as it
/// does in the browser.
pub fn for_each_query_term(text: &str, known: &FoldTable, mut emit: impl FnMut(&str)) {
    let fold = |c: char| {
        if client_folds(c) || known.0.contains_key(&c) {
            fold_char(c)
        } else {
            String::new()
        }
    };
    let mut term = String::new();
    for_each_word(text, |word| fold_word(word, &mut term, &fold, &mut emit));
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
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FoldTable(BTreeMap<char, String>);

impl FoldTable {
    /// Records the non-ASCII characters of `text`'s words.
    pub fn add_text(&mut self, text: &str) {
        if text.is_ascii() {
            return;
        }
        for_each_word(text, |word| self.add_word(word));
    }

    /// Records the non-ASCII characters of one word.
    fn add_word(&mut self, word: &str) {
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

    pub fn merge(&mut self, other: FoldTable) {
        self.0.extend(other.0);
    }

    /// [`FoldTable::merge`] from a table kept elsewhere (a cached document's).
    pub fn merge_from(&mut self, other: &FoldTable) {
        for (c, v) in &other.0 {
            if !self.0.contains_key(c) {
                self.0.insert(*c, v.clone());
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The characters recorded, in order: with [`FoldTable::of_chars`], all
    /// a stored table needs, since each folding follows from its character.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.keys().copied()
    }

    /// The table of `chars` (non-ASCII ones; others are left out).
    pub fn of_chars(chars: impl IntoIterator<Item = char>) -> FoldTable {
        FoldTable(
            chars
                .into_iter()
                .filter(|c| !c.is_ascii())
                .map(|c| (c, fold_char(c)))
                .collect(),
        )
    }

    /// What the manifest ships: characters and their folded forms, except
    /// those the script already folds ([`client_folds`]) and those that
    /// fold to nothing (the client drops unknown characters anyway). A
    /// trailing space is kept: it ends the term (`北京` -> `bei`, `jing`).
    pub fn entries(&self) -> impl Iterator<Item = (char, &str)> {
        self.0
            .iter()
            .filter(|(c, v)| !v.is_empty() && !client_folds(**c))
            .map(|(c, v)| (*c, v.as_str()))
    }
}

/// Marks around the generated table in the client script.
pub const CLIENT_TABLE_BEGIN: &str =
    "// BEGIN FOLD TABLE (generated from deunicode by src/search/tokenize.rs; do not edit)\n";
pub const CLIENT_TABLE_END: &str = "// END FOLD TABLE\n";

/// The client script's folding table for [`CLIENT_RANGES`], as JavaScript:
/// per range, its first code point and the folded forms of its characters
/// joined by `,` (empty: folds to nothing). Checked in between
/// [`CLIENT_TABLE_BEGIN`] and [`CLIENT_TABLE_END`]; `tests/e2e/search_parity.rs`
/// fails when it is stale and rewrites it with `FIRESIDE_BLESS=1`.
pub fn client_fold_source() -> String {
    let mut out = String::from(CLIENT_TABLE_BEGIN);
    out.push_str("const FOLD_RANGES = [\n");
    for (a, b) in CLIENT_RANGES {
        let forms: Vec<String> = (a..=b)
            .map(|c| char::from_u32(c).map(fold_char).unwrap_or_default())
            .collect();
        let joined = forms.join(",");
        debug_assert!(!joined.contains('"') && !joined.contains('\\'));
        out.push_str(&format!("  [0x{a:04X}, \"{joined}\"],\n"));
    }
    out.push_str("];\n");
    out.push_str(CLIENT_TABLE_END);
    out
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

    /// Characters of every word-break class that matters around a line
    /// feed: letters, digits, the joiners of UAX #29 (`.` `'` `:` `,` `;`
    /// `_`), spaces and line ends, combining marks, ZWJ and emoji, regional
    /// indicators, Hebrew letters and quotes, Katakana, ideographs.
    const ALPHABET: &[char] = &[
        'a',
        'Z',
        '7',
        '.',
        '\'',
        ':',
        ',',
        ';',
        '_',
        '"',
        '-',
        ' ',
        '\t',
        '\n',
        '\r',
        '\u{b}',
        '\u{85}',
        '\u{2028}',
        'é',
        'Ł',
        '\u{301}',
        '\u{200d}',
        '\u{200b}',
        '\u{ad}',
        '👍',
        '\u{1f3fd}',
        '\u{1f1fa}',
        '\u{1f1f8}',
        'א',
        '\u{5f3}',
        'カ',
        'ー',
        '北',
        '’',
        '٣',
        '\u{3000}',
        '\u{feff}',
    ];

    fn text_of(picks: &[usize]) -> String {
        picks
            .iter()
            .map(|&i| ALPHABET[i % ALPHABET.len()])
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// The line-by-line words are UAX #29's words of the whole text.
        #[test]
        fn words_line_by_line_are_the_words_of_the_text(
            picks in proptest::collection::vec(0usize..1000, 0..40)
        ) {
            let text = text_of(&picks);
            let mut got = Vec::new();
            for_each_word(&text, |w| got.push(w));
            let whole: Vec<&str> = text.unicode_words().collect();
            proptest::prop_assert_eq!(got, whole, "{:?}", text);
        }

        /// ASCII text, where the words come from [`ascii_words`], word for
        /// word UAX #29's.
        #[test]
        fn ascii_words_are_the_unicode_words(
            picks in proptest::collection::vec(0usize..1000, 0..60)
        ) {
            const ASCII: &[u8] = b"aZ7_.':,;\" -!\n\r\t";
            let text: String = picks.iter().map(|&i| char::from(ASCII[i % ASCII.len()])).collect();
            let mut got = Vec::new();
            ascii_words(&text, |w| got.push(w));
            let whole: Vec<&str> = text.unicode_words().collect();
            proptest::prop_assert_eq!(got, whole, "{:?}", text);
        }

        /// The ASCII shortcut of folding gives the terms of the general one,
        /// and noting characters while tokenising notes what `add_text` does.
        #[test]
        fn terms_and_folding_tables_are_those_of_the_general_path(
            picks in proptest::collection::vec(0usize..1000, 0..40)
        ) {
            let text = text_of(&picks);
            let mut general = Vec::new();
            let mut term = String::new();
            for word in text.unicode_words() {
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
                                general.push(std::mem::take(&mut term));
                            }
                        } else {
                            term.push(m);
                        }
                    }
                }
                if !term.is_empty() {
                    general.push(std::mem::take(&mut term));
                }
            }
            let (mut noted, mut reference) = (FoldTable::default(), FoldTable::default());
            for word in text.unicode_words() {
                reference.add_word(word);
            }
            let mut got = Vec::new();
            for_each_term_noting(&text, &mut noted, |t| got.push(t.to_string()));
            let mut added = FoldTable::default();
            added.add_text(&text);
            proptest::prop_assert_eq!(&got, &general, "{:?}", text);
            proptest::prop_assert_eq!(terms(&text), general);
            proptest::prop_assert_eq!(&noted, &reference);
            proptest::prop_assert_eq!(added, reference);
        }
    }

    #[test]
    fn short_and_long_terms_are_not_indexed() {
        assert!(!indexable("a"));
        assert!(indexable("ci"));
        assert!(indexable(&"x".repeat(MAX_TERM_LEN)));
        assert!(!indexable(&"x".repeat(MAX_TERM_LEN + 1)));
    }

    #[test]
    fn the_manifest_table_lists_only_characters_seen_that_the_script_lacks() {
        let mut table = FoldTable::default();
        table.add_text("Sofía Łukasz — “quoted” ß 北京");
        let entries: Vec<(char, &str)> = table.entries().collect();
        // `í`, `Ł`, `ß` are in the script's own table; quotes fold to nothing.
        assert_eq!(entries, [('京', "jing "), ('北', "bei ")]);
    }

    #[test]
    fn queries_fold_only_characters_the_client_knows() {
        let mut known = FoldTable::default();
        known.add_text("北");
        let mut got = Vec::new();
        for_each_query_term("Søren 北京", &known, |t| got.push(t.to_string()));
        // `ø` is in the script's ranges, `北` in the index, `京` in neither.
        assert_eq!(got, ["soren", "bei"]);
    }

    #[test]
    fn the_client_table_is_one_entry_per_code_point() {
        let source = client_fold_source();
        assert!(source.starts_with(CLIENT_TABLE_BEGIN) && source.ends_with(CLIENT_TABLE_END));
        let latin = source.lines().nth(2).expect("first range");
        let forms = latin.split('"').nth(1).expect("quoted forms");
        let forms: Vec<&str> = forms.split(',').collect();
        assert_eq!(forms.len(), 0x024F - 0x00C0 + 1);
        assert_eq!(forms[0xF8 - 0xC0], "o", "ø");
        assert_eq!(forms[0xDF - 0xC0], "ss", "ß");
    }

    #[test]
    fn stop_words_are_sorted_and_english_only() {
        let words = stop_words("en-GB");
        assert!(words.windows(2).all(|w| w[0] < w[1]));
        assert!(stop_words("es").is_empty());
    }
}
