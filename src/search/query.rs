//! The matching and ranking rules of search. This module is normative: the
//! browser's engine (`themes/default/static/search-engine.js`) implements
//! the same rules and `tests/e2e/search_parity.rs` runs it in node against this
//! module over generated queries (every term of an index, its prefixes,
//! one-edit typos, accented and upper-case forms), on an index cut into
//! many shards so that the rules about shards are exercised too.
//!
//! - Words are folded like indexed text ([`tokenize::for_each_query_term`]).
//! - The last word of a query still being typed also matches longer terms
//!   (`refac` -> `refactoring`), at [`PREFIX_WEIGHT`]: the
//!   [`MAX_EXPANSIONS`] most frequent of those in the shards of the prefix,
//!   at most [`MAX_RANGE`] of them around the word's own shard.
//! - A word of five letters or more that matches no term, as itself or as a
//!   prefix, matches terms one edit away (an insertion, deletion,
//!   substitution or swap of neighbours: `refactorign`), at [`TYPO_WEIGHT`],
//!   among the terms in the shards of its first three letters (again at most
//!   [`MAX_RANGE`]): a typo costs no more fetches than typing did.
//! - `"Quoted words"` match exactly, with no prefix or typo; the client then
//!   prefers results whose text shows them as a phrase (a display step, on
//!   the records of the first results, outside these rules).
//! - Stop words (`by`, `in`) are left out, unless the query has nothing
//!   else or quotes them; they would cost a shard each and match everything.
//! - Every word must match; if no result has them all, results with the
//!   most words are shown.
//! - A word scores, per document, the best of its matching terms:
//!   `weight × idf(term) × score / 255`, where a longer term's idf is capped
//!   at the word's own; a document's score is the sum. Ties go to the lower
//!   id (newer sessions first).

use super::index::{Inverted, Posting, idf};
use super::tokenize::{self, FoldTable};

pub const PREFIX_WEIGHT: f32 = 0.8;
pub const TYPO_WEIGHT: f32 = 0.6;
/// Words shorter than this get no typo tolerance.
pub const TYPO_MIN_LEN: usize = 5;
/// A prefix expands to at most this many terms (the most frequent).
pub const MAX_EXPANSIONS: usize = 50;
/// Shards looked at for one prefix or typo at most.
pub const MAX_RANGE: usize = 3;

/// One word of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    /// The last word, still being typed: matches as a prefix too.
    pub prefix: bool,
    /// Inside quotes: exact only.
    pub phrase: bool,
}

/// Splits a query into words. An unclosed quote runs to the end. `known`
/// is the index's table of characters ([`Inverted::fold`]).
pub fn parse(query: &str, stop_words: &[&str], known: &FoldTable) -> Vec<Word> {
    let mut words = Vec::new();
    for (i, part) in query.split('"').enumerate() {
        let phrase = i % 2 == 1;
        tokenize::for_each_query_term(part, known, |t| {
            if t.len() >= tokenize::MIN_TERM_LEN {
                words.push(Word {
                    text: t.to_string(),
                    prefix: false,
                    phrase,
                });
            }
        });
    }
    let typing = !query.ends_with(|c: char| c.is_whitespace() || c == '"');
    if let Some(last) = words.last_mut()
        && typing
        && !last.phrase
    {
        last.prefix = true;
    }
    let is_stop = |w: &Word| !w.phrase && stop_words.contains(&w.text.as_str());
    if !words.iter().all(is_stop) {
        words.retain(|w| !is_stop(w));
    }
    words
}

/// Whether two terms are at most one edit apart, counting a swap of two
/// neighbouring letters as one edit.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let Some(i) = (0..short.len()).find(|&i| long[i] != short[i]) else {
        return true; // equal, or one letter added at the end
    };
    if long.len() != short.len() {
        return long[i + 1..] == short[i..];
    }
    long[i + 1..] == short[i + 1..]
        || (i + 1 < long.len()
            && long[i] == short[i + 1]
            && long[i + 1] == short[i]
            && long[i + 2..] == short[i + 2..])
}

/// An index as the client sees it: its terms cut into shards, each known
/// by its first term (the manifest's `shards`).
pub struct Sharded<'a> {
    pub index: &'a Inverted,
    firsts: Vec<&'a str>,
    /// Where each shard starts in `index.terms`, and the end.
    starts: Vec<usize>,
}

impl<'a> Sharded<'a> {
    /// `firsts` are the first terms of the shards, in order.
    pub fn new(index: &'a Inverted, firsts: &'a [String]) -> Self {
        let mut starts: Vec<usize> = firsts
            .iter()
            .map(|f| index.terms.partition_point(|(t, _)| t < f))
            .collect();
        starts.push(index.terms.len());
        Sharded {
            index,
            firsts: firsts.iter().map(String::as_str).collect(),
            starts,
        }
    }

    /// The shard a term belongs to (as `shard::shard_of`).
    fn shard_of(&self, term: &str) -> usize {
        self.firsts
            .partition_point(|f| *f <= term)
            .saturating_sub(1)
    }

    /// The shards of the terms starting with `prefix`: at most
    /// [`MAX_RANGE`], from the one before `around` on when there are more.
    fn range(&self, prefix: &str, around: usize) -> (usize, usize) {
        let mut a = self.shard_of(prefix);
        let mut b = self.shard_of(&format!("{prefix}{{"));
        if b - a + 1 > MAX_RANGE {
            a = a.max(around.saturating_sub(1)).min(b + 1 - MAX_RANGE);
            b = a + MAX_RANGE - 1;
        }
        (a, b)
    }

    /// The terms of shards `a..=b`.
    fn terms(&self, (a, b): (usize, usize)) -> &'a [(String, Vec<Posting>)] {
        if self.firsts.is_empty() {
            return &[];
        }
        &self.index.terms[self.starts[a]..self.starts[b + 1]]
    }

    /// The terms a word matches, with their weights.
    pub fn candidates(&self, word: &Word) -> Vec<(&'a str, &'a [Posting], f32)> {
        let mut out = Vec::new();
        let own = self.shard_of(&word.text);
        let terms = &self.index.terms;
        if let Ok(i) = terms.binary_search_by(|(t, _)| t.as_str().cmp(&word.text)) {
            out.push((terms[i].0.as_str(), terms[i].1.as_slice(), 1.0));
        }
        if word.phrase {
            return out;
        }
        if word.prefix {
            let mut longer: Vec<&(String, Vec<Posting>)> = self
                .terms(self.range(&word.text, own))
                .iter()
                .filter(|(t, _)| t.starts_with(&word.text) && *t != word.text)
                .collect();
            longer.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            longer.truncate(MAX_EXPANSIONS);
            out.extend(
                longer
                    .into_iter()
                    .map(|(t, p)| (t.as_str(), p.as_slice(), PREFIX_WEIGHT)),
            );
        }
        if out.is_empty() && word.text.len() >= TYPO_MIN_LEN {
            let start = &word.text[..3];
            out.extend(
                self.terms(self.range(start, own))
                    .iter()
                    .filter(|(t, _)| within_one_edit(t, &word.text))
                    .map(|(t, p)| (t.as_str(), p.as_slice(), TYPO_WEIGHT)),
            );
        }
        out
    }

    /// Ranks the documents matching a query: (doc, score), best first.
    pub fn search(&self, words: &[Word]) -> Vec<(u32, f32)> {
        let docs = self.index.docs;
        let mut scores = vec![0f32; docs];
        let mut matched = vec![0u32; docs];
        let required = words.len() as u32;
        for word in words {
            let mut best = vec![0f32; docs];
            let found = self.candidates(word);
            // Longer terms are often rarer than the word typed: never let them
            // weigh more than the word itself (`test` -> `testability`).
            let cap = match found.first() {
                Some((t, p, _)) if *t == word.text => idf(docs, p.len()),
                _ => f32::INFINITY,
            };
            for (_, postings, weight) in found {
                let w = weight * idf(docs, postings.len()).min(cap);
                for p in postings {
                    let s = w * f32::from(p.score) / 255.0;
                    let b = &mut best[p.doc as usize];
                    *b = b.max(s);
                }
            }
            for (doc, b) in best.into_iter().enumerate() {
                if b > 0.0 {
                    scores[doc] += b;
                    matched[doc] += 1;
                }
            }
        }
        let most = matched
            .iter()
            .zip(&scores)
            .filter(|(_, s)| **s > 0.0)
            .map(|(m, _)| *m)
            .max()
            .unwrap_or(0)
            .min(required);
        let mut hits: Vec<(u32, f32)> = (0..docs)
            .filter(|&d| scores[d] > 0.0 && matched[d] >= most)
            .map(|d| (d as u32, scores[d]))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::{Posting, quantise};
    use rstest::rstest;

    /// An index from (doc, text) pairs, all text in one field of weight 1.
    fn index_of(docs: &[&str]) -> Inverted {
        let mut terms: std::collections::BTreeMap<String, Vec<(u32, f32)>> = Default::default();
        let lens: Vec<usize> = docs.iter().map(|d| tokenize::terms(d).len()).collect();
        let avg = lens.iter().sum::<usize>() as f32 / lens.len() as f32;
        for (i, text) in docs.iter().enumerate() {
            for t in tokenize::terms(text) {
                let list = terms.entry(t).or_default();
                match list.last_mut() {
                    Some((d, tf)) if *d == i as u32 => *tf += 1.0,
                    _ => list.push((i as u32, 1.0)),
                }
            }
        }
        Inverted {
            terms: terms
                .into_iter()
                .map(|(t, list)| {
                    let postings = list
                        .into_iter()
                        .map(|(doc, tf)| Posting {
                            doc,
                            score: quantise(tf, lens[doc as usize] as f32, avg),
                        })
                        .collect();
                    (t, postings)
                })
                .collect(),
            docs: docs.len(),
            fold: Default::default(),
        }
    }

    fn ids(index: &Inverted, query: &str) -> Vec<u32> {
        let firsts = index
            .terms
            .first()
            .map(|(t, _)| t.clone())
            .into_iter()
            .collect::<Vec<_>>();
        Sharded::new(index, &firsts)
            .search(&parse(query, tokenize::stop_words("en"), &index.fold))
            .into_iter()
            .map(|(d, _)| d)
            .collect()
    }

    #[rstest]
    #[case::same("kata", "kata", true)]
    #[case::substitution("refactoring", "refactaring", true)]
    #[case::insertion("refactoring", "refactorings", true)]
    #[case::deletion("refactoring", "refactorng", true)]
    #[case::swap("refactoring", "refactorign", true)]
    #[case::swap_first("refactoring", "erfactoring", true)]
    #[case::two_edits("refactoring", "refactroign", false)]
    #[case::two_letters_longer("kata", "katass", false)]
    #[case::different("mocking", "docking", true)]
    #[case::far("mocking", "mockery", false)]
    fn one_edit(#[case] a: &str, #[case] b: &str, #[case] expected: bool) {
        assert_eq!(within_one_edit(a, b), expected);
        assert_eq!(within_one_edit(b, a), expected);
    }

    #[test]
    fn queries_parse_into_words() {
        let none = FoldTable::default();
        let words = parse("Katas by Sofía \"pair programming\" refac", &["by"], &none);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["katas", "sofia", "pair", "programming", "refac"]);
        assert!(words[2].phrase && words[3].phrase);
        assert!(words[4].prefix && !words[3].prefix);
        // A finished word (trailing space) is not a prefix.
        assert!(!parse("refac ", &[], &none).last().unwrap().prefix);
        // Stop words stay when there is nothing else, or when quoted.
        assert_eq!(parse("by", &["by"], &none).len(), 1);
        assert_eq!(parse("tdd \"by the\"", &["by", "the"], &none).len(), 3);
        // An open quote while typing: exact words, no prefix.
        assert!(!parse("\"pair prog", &[], &none).last().unwrap().prefix);
    }

    #[test]
    fn the_last_word_matches_as_a_prefix() {
        let index = index_of(&["refactoring legacy code", "reference card", "pairing"]);
        assert_eq!(ids(&index, "refac"), [0]);
        let mut both = ids(&index, "ref");
        both.sort();
        assert_eq!(both, [0, 1]);
        // Finished words do not expand.
        assert!(ids(&index, "refac ").is_empty());
        assert_eq!(ids(&index, "code refac"), [0]);
    }

    #[test]
    fn one_typo_is_forgiven_on_long_words_only() {
        let index = index_of(&["refactoring legacy code", "a kata", "the cat"]);
        assert_eq!(ids(&index, "refactorign "), [0]);
        assert_eq!(ids(&index, "refactroign "), Vec::<u32>::new());
        assert_eq!(ids(&index, "katas "), [1], "five letters: one typo");
        assert_eq!(
            ids(&index, "kat "),
            Vec::<u32>::new(),
            "three letters: no typo"
        );
        // A word that exists is not "corrected".
        let index = index_of(&["tests pass", "texts read"]);
        assert_eq!(ids(&index, "tests "), [0]);
    }

    #[test]
    fn accents_and_case_fold_in_queries() {
        let index = index_of(&["Sesión con José", "Jose's other"]);
        assert_eq!(ids(&index, "JOSÉ "), [0]);
        assert_eq!(ids(&index, "sesion jose"), [0]);
    }

    #[test]
    fn every_word_must_match_unless_none_does() {
        let index = index_of(&["mocking in tests", "mocking frameworks", "tests only"]);
        assert_eq!(ids(&index, "mocking tests "), [0]);
        // Stop words are left out.
        assert_eq!(ids(&index, "mocking in frameworks "), [1]);
        assert_eq!(ids(&index, "in "), [0]);
        // Nothing has all three: the best partial matches.
        let partial = ids(&index, "mocking tests xylophone ");
        assert_eq!(partial, [0]);
    }

    #[test]
    fn ranking_prefers_rare_words_frequent_use_and_exact_matches() {
        let index = index_of(&[
            "kata kata kata practice",
            "kata practice practice practice",
            "practice",
            "practice",
        ]);
        // `kata` is rarer than `practice`: the doc using it most wins.
        assert_eq!(ids(&index, "kata practice "), [0, 1]);
        // An exact term beats a longer term starting with it, even a rarer one.
        let index = index_of(&["kata one", "katas one", "kata two", "one two"]);
        assert_eq!(ids(&index, "kata"), [0, 2, 1]);
    }

    #[test]
    fn typos_are_looked_for_in_the_shards_of_the_first_three_letters() {
        let index = index_of(&["alpha beta", "refactoring", "zebra"]);
        let whole = vec!["alpha".to_string()];
        let cut = vec!["alpha".to_string(), "refactoring".to_string()];
        let ids = |firsts: &[String], q: &str| -> Vec<u32> {
            Sharded::new(&index, firsts)
                .search(&parse(q, &[], &index.fold))
                .into_iter()
                .map(|(d, _)| d)
                .collect()
        };
        // A typo after the third letter: the right shard either way.
        assert_eq!(ids(&whole, "refactorign "), [1]);
        assert_eq!(ids(&cut, "refactorign "), [1]);
        // A swap in the first letters reads `erf`, whose shard is `alpha`'s.
        assert_eq!(ids(&whole, "erfactoring "), [1]);
        assert!(ids(&cut, "erfactoring ").is_empty());
    }
}
