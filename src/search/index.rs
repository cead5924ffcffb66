//! The inverted index: documents, weighted fields, BM25 scores quantised to
//! a byte, and the postings of every term, sorted by term.
//!
//! Document ids are assigned so that common questions are ranges: sessions
//! come first, newest first (so "sort by date" is "sort by id" and a year is
//! one range of ids), then patterns, communities, people and pages (so a kind
//! is one range too).

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

use super::tokenize::{self, FoldTable};
use crate::model::{Body, Site};
use crate::parse::meta::Kind;

/// The kinds search finds, in the order of ids and of the kind facet
/// (agendas are not searched: their sessions are).
pub const KINDS: [Kind; 5] = [
    Kind::Session,
    Kind::Pattern,
    Kind::Community,
    Kind::Person,
    Kind::Page,
];

/// A kind's label in the kind filter.
pub fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Session => "Sessions",
        Kind::Pattern => "Patterns",
        Kind::Community => "Communities",
        Kind::Person => "People",
        Kind::Page => "Pages",
        Kind::Agenda => "Agendas",
    }
}

/// Where a word was found. A word counts `weight` times in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Title,
    Alias,
    Tag,
    Facilitator,
    /// A session's objective, a pattern's summary, a community's purpose, a
    /// person's role, a page's description.
    Summary,
    Format,
    Community,
    /// Titles of the patterns a session practised.
    Pattern,
    /// A session's year.
    Year,
    Body,
}

impl Field {
    pub fn weight(self) -> u32 {
        match self {
            Field::Title => 8,
            Field::Alias => 6,
            Field::Tag | Field::Facilitator | Field::Summary => 4,
            Field::Format => 3,
            Field::Community | Field::Pattern | Field::Year => 2,
            Field::Body => 1,
        }
    }
}

/// One searchable item and what a result shows of it.
#[derive(Debug, Clone)]
pub struct Doc<'a> {
    pub kind: Kind,
    pub title: &'a str,
    /// Output path under the base path (`sessions/x/`).
    pub path: &'a str,
    pub date: Option<jiff::civil::Date>,
    /// Positions in `Site::people` (and the lists below in theirs): the
    /// facets number items by position.
    pub facilitators: Vec<usize>,
    pub community: Option<usize>,
    pub format: Option<usize>,
    pub tags: Vec<usize>,
    /// The item's own one-line summary, if it has one.
    pub summary: Option<&'a str>,
    /// The body before its first heading, for snippets.
    pub body: &'a str,
    /// The body's headings and the text under each, for sub-results and
    /// snippets that stay inside one section.
    pub sections: Vec<Section<'a>>,
    pub fields: Vec<(Field, Cow<'a, str>)>,
}

/// A heading of a document's body and the text up to the next heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section<'a> {
    /// The heading's `id`, the anchor a sub-result links to.
    pub id: &'a str,
    pub title: &'a str,
    pub text: &'a str,
}

/// A body's text before its first heading, and its sections, cut where the
/// Markdown renderer recorded each heading's text in `plain_text` (see
/// `TocEntry::plain`). Offsets that do not fit (a body built by other
/// means) leave the whole text as the introduction.
pub fn split_body(body: Option<&Body>) -> (&str, Vec<Section<'_>>) {
    let Some(body) = body else {
        return ("", Vec::new());
    };
    let text: &str = &body.plain_text;
    let fits = body.toc.windows(2).all(|w| w[0].plain.1 <= w[1].plain.0)
        && body.toc.iter().all(|h| {
            h.plain.0 <= h.plain.1
                && text.is_char_boundary(h.plain.0)
                && text.is_char_boundary(h.plain.1)
                && h.plain.1 <= text.len()
        });
    let Some(first) = body.toc.first().filter(|_| fits) else {
        return (text, Vec::new());
    };
    let sections = body
        .toc
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let end = body.toc.get(i + 1).map_or(text.len(), |n| n.plain.0);
            Section {
                id: &h.id,
                title: &h.title,
                text: &text[h.plain.1..end],
            }
        })
        .collect();
    (&text[..first.plain.0], sections)
}

/// The searchable items of a site, in id order.
pub fn documents(site: &Site) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    // An occurrence nobody wrote up repeats its recurring session, which is indexed.
    let plain_occurrence =
        |s: &&crate::model::Session| s.occurrence.as_ref().is_some_and(|o| !o.written_up);
    let dated = site
        .sessions
        .iter()
        .filter(|s| s.date.is_some() && !plain_occurrence(s))
        .rev();
    let undated = site.sessions.iter().filter(|s| s.date.is_none());
    for s in dated.chain(undated) {
        let mut fields = vec![(Field::Title, Cow::from(s.title.as_str()))];
        fields.extend(
            s.aliases
                .iter()
                .map(|a| (Field::Alias, Cow::from(a.as_str()))),
        );
        fields.extend(
            s.tags
                .iter()
                .map(|&t| (Field::Tag, Cow::from(site.tags[t].name.as_str()))),
        );
        fields.extend(
            s.facilitators
                .iter()
                .map(|&p| (Field::Facilitator, Cow::from(site.people[p].name.as_str()))),
        );
        fields.extend(
            s.objective
                .iter()
                .map(|o| (Field::Summary, Cow::from(o.as_str()))),
        );
        fields.extend(
            s.format
                .map(|f| (Field::Format, Cow::from(site.formats[f].name.as_str()))),
        );
        fields.extend(s.community.map(|c| {
            (
                Field::Community,
                Cow::from(site.communities[c].title.as_str()),
            )
        }));
        fields.extend(
            s.patterns
                .iter()
                .map(|&p| (Field::Pattern, Cow::from(site.patterns[p].title.as_str()))),
        );
        fields.extend(
            s.date
                .map(|d| (Field::Year, Cow::from(d.year().to_string()))),
        );
        fields.push((Field::Body, Cow::from(body_of(s.body.as_ref()))));
        let (intro, sections) = split_body(s.body.as_ref());
        docs.push(Doc {
            kind: Kind::Session,
            title: &s.title,
            path: &s.path,
            date: s.date,
            facilitators: s.facilitators.iter().map(|&p| p.index()).collect(),
            community: s.community.map(usize::from),
            format: s.format.map(usize::from),
            tags: s.tags.iter().map(|&t| t.index()).collect(),
            summary: s.objective.as_deref(),
            body: intro,
            sections,
            fields,
        });
    }
    for p in &site.patterns {
        let mut doc = simple_doc(
            Kind::Pattern,
            &p.title,
            &p.path,
            &p.aliases,
            p.summary.as_deref(),
            Some(&p.body),
        );
        doc.fields.extend(
            p.tags
                .iter()
                .map(|&t| (Field::Tag, Cow::from(site.tags[t].name.as_str()))),
        );
        doc.tags = p.tags.iter().map(|&t| t.index()).collect();
        docs.push(doc);
    }
    for c in &site.communities {
        let mut doc = simple_doc(
            Kind::Community,
            &c.title,
            &c.path,
            &c.aliases,
            c.purpose.as_deref(),
            Some(&c.body),
        );
        doc.fields.extend(
            c.coordinators
                .iter()
                .map(|&p| (Field::Facilitator, Cow::from(site.people[p].name.as_str()))),
        );
        docs.push(doc);
    }
    for p in &site.people {
        docs.push(simple_doc(
            Kind::Person,
            &p.name,
            &p.path,
            &p.aliases,
            p.role.as_deref(),
            p.body.as_ref(),
        ));
    }
    for p in &site.pages {
        docs.push(simple_doc(
            Kind::Page,
            &p.title,
            &p.path,
            &p.aliases,
            p.description.as_deref(),
            Some(&p.body),
        ));
    }
    docs
}

fn body_of(b: Option<&Body>) -> &str {
    b.map_or("", |b| &*b.plain_text)
}

/// A pattern, community, person or page: title, aliases, summary and body.
fn simple_doc<'a>(
    kind: Kind,
    title: &'a str,
    path: &'a str,
    aliases: &'a [String],
    summary: Option<&'a str>,
    body: Option<&'a Body>,
) -> Doc<'a> {
    let (intro, sections) = split_body(body);
    let mut fields = vec![(Field::Title, Cow::from(title))];
    fields.extend(
        aliases
            .iter()
            .map(|a| (Field::Alias, Cow::from(a.as_str()))),
    );
    fields.extend(summary.map(|s| (Field::Summary, Cow::from(s))));
    fields.push((Field::Body, Cow::from(body_of(body))));
    Doc {
        kind,
        title,
        path,
        date: None,
        facilitators: Vec::new(),
        community: None,
        format: None,
        tags: Vec::new(),
        summary,
        body: intro,
        sections,
        fields,
    }
}

/// One document's entry in a term's postings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    /// The BM25 term-frequency part, scaled to 1..=255 (see [`quantise`]).
    pub score: u8,
}

/// Terms in byte order, each with its postings in doc order.
#[derive(Debug, Default)]
pub struct Inverted {
    pub terms: Vec<(String, Vec<Posting>)>,
    pub docs: usize,
    pub fold: FoldTable,
}

impl Inverted {
    pub fn get(&self, term: &str) -> Option<&[Posting]> {
        self.terms
            .binary_search_by(|(t, _)| t.as_str().cmp(term))
            .ok()
            .map(|i| self.terms[i].1.as_slice())
    }
}

/// BM25's saturation and length normalisation, the usual values.
pub const K1: f32 = 1.2;
pub const B: f32 = 0.75;

/// The term-frequency part of BM25, `tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl))`,
/// which lies in `[0, k1 + 1)`, scaled to a byte. The idf part depends only
/// on the term's document frequency, which the client knows, so a posting
/// costs one byte of score. `tf` is already weighted by field.
pub fn quantise(tf: f32, doc_len: f32, avg_len: f32) -> u8 {
    let norm = 1.0 - B + B * doc_len / avg_len.max(1.0);
    let part = tf * (K1 + 1.0) / (tf + K1 * norm);
    (part / (K1 + 1.0) * 255.0).round().clamp(1.0, 255.0) as u8
}

/// The inverse document frequency the client computes from `df`.
pub fn idf(docs: usize, df: usize) -> f32 {
    let (n, df) = (docs as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Hash maps keyed by the site's own words: FxHash is several times faster
/// than the default SipHash on short keys, and there is no attacker to
/// defend against with a keyed hash (a site's author could only slow down
/// their own build).
type WordMap<V> = FxHashMap<String, V>;

/// Builds the inverted index of `docs`. Tokenising runs in parallel.
pub fn invert(docs: &[Doc<'_>]) -> Inverted {
    invert_with(docs, &mut Analyses::default())
}

/// One document's analysed form: its terms with their field-weighted
/// frequencies, its length in terms, and the non-ASCII characters of its
/// words. A function of the document's fields alone (see [`fields_key`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Analysed {
    /// Ids into [`Analyses::vocab`], each once, with the term's frequency
    /// weighted by field. Weights are whole numbers, so the sum is exact
    /// and does not depend on the order the words were counted in.
    pub(crate) terms: Vec<(u32, u32)>,
    pub(crate) len: u32,
    pub(crate) fold: FoldTable,
}

/// The analysed form of every document a build indexed, kept by the hash
/// of its fields, so that the next build tokenises only the documents
/// whose fields changed. Tokenising (UAX #29 word breaks and folding) is
/// most of an index's cost; assembling the index from analysed forms,
/// BM25's global statistics included, is cheap and is redone every build,
/// so an index built with a warm cache has the bytes of one built without.
/// `fireside build` keeps them between processes (`search/cache.rs`).
#[derive(Debug, Default)]
pub struct Analyses {
    pub(crate) by_key: FxHashMap<blake3::Hash, Analysed>,
    /// Every term a cached form names, by id; [`Analyses::compact`] drops
    /// the terms no cached form names any more.
    pub(crate) vocab: Vec<String>,
    ids: WordMap<u32>,
    /// Documents analysed by the last build (the others came from the cache).
    pub analysed_last: usize,
}

impl Analyses {
    /// Analyses read back from a store: `None` if a term is listed twice or
    /// a form names a term the vocabulary lacks.
    pub(crate) fn from_parts(
        vocab: Vec<String>,
        forms: impl IntoIterator<Item = (blake3::Hash, Analysed)>,
    ) -> Option<Analyses> {
        let mut ids = WordMap::default();
        ids.reserve(vocab.len());
        for (id, term) in vocab.iter().enumerate() {
            if ids.insert(term.clone(), id as u32).is_some() {
                return None;
            }
        }
        let mut by_key = FxHashMap::default();
        for (key, form) in forms {
            if form.terms.iter().any(|&(t, _)| t as usize >= vocab.len()) {
                return None;
            }
            by_key.insert(key, form);
        }
        Some(Analyses {
            by_key,
            vocab,
            ids,
            analysed_last: 0,
        })
    }

    fn intern(&mut self, term: String) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.vocab.len() as u32;
        self.ids.insert(term.clone(), id);
        self.vocab.push(term);
        id
    }

    /// Keeps only the forms of `live` keys, and, once most of the
    /// vocabulary is dead, renumbers the terms still named.
    fn retain(&mut self, live: &FxHashSet<blake3::Hash>) {
        self.by_key.retain(|k, _| live.contains(k));
        let mut used = vec![false; self.vocab.len()];
        let mut count = 0usize;
        for a in self.by_key.values() {
            for &(id, _) in &a.terms {
                if !std::mem::replace(&mut used[id as usize], true) {
                    count += 1;
                }
            }
        }
        if self.vocab.len() > 2 * count + 4096 {
            self.compact(&used);
        }
    }

    fn compact(&mut self, used: &[bool]) {
        let mut remap = vec![u32::MAX; self.vocab.len()];
        let old = std::mem::take(&mut self.vocab);
        self.ids.clear();
        for (id, term) in old.into_iter().enumerate() {
            if used[id] {
                remap[id] = self.vocab.len() as u32;
                self.ids.insert(term.clone(), remap[id]);
                self.vocab.push(term);
            }
        }
        for a in self.by_key.values_mut() {
            for t in &mut a.terms {
                t.0 = remap[t.0 as usize];
            }
        }
    }
}

/// The hash of what analysing a document reads: its fields, in order,
/// each with its kind (the kind sets the weight).
pub(crate) fn fields_key(doc: &Doc<'_>) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for (field, text) in &doc.fields {
        h.update(&[*field as u8]);
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.finalize()
}

/// What tokenising one document gives: the weighted frequencies of its
/// terms the vocabulary already had (by id) and of its new terms, its
/// length and its non-ASCII characters.
struct Fresh {
    known: FxHashMap<u32, u32>,
    new: WordMap<u32>,
    len: u32,
    fold: FoldTable,
}

/// Tokenises one document's fields. A term `vocab` knows is counted by its
/// id, so that a document of known words allocates nothing per word; only
/// new terms are copied, to be added to the vocabulary afterwards.
fn analyse(doc: &Doc<'_>, vocab: &WordMap<u32>) -> Fresh {
    let mut fresh = Fresh {
        known: FxHashMap::default(),
        new: WordMap::default(),
        len: 0,
        fold: FoldTable::default(),
    };
    for (field, text) in &doc.fields {
        let w = field.weight();
        tokenize::for_each_term_noting(text, &mut fresh.fold, |t| {
            if !tokenize::indexable(t) {
                return;
            }
            fresh.len += 1;
            let add = |tf: &mut u32| *tf = tf.saturating_add(w);
            if let Some(&id) = vocab.get(t) {
                add(fresh.known.entry(id).or_default());
            } else if let Some(tf) = fresh.new.get_mut(t) {
                add(tf);
            } else {
                fresh.new.insert(t.to_string(), w);
            }
        });
    }
    fresh
}

/// [`invert`], analysing only the documents `cache` has no form of, and
/// keeping in it the forms of `docs` (and nothing else) for the next call.
pub fn invert_with(docs: &[Doc<'_>], cache: &mut Analyses) -> Inverted {
    invert_until(docs, cache, &|| false).expect("never stale")
}

/// Documents analysed between two looks at whether the work is stale.
const ANALYSIS_BATCH: usize = 256;

/// [`invert_with`], given up (`None`) as soon as `stale` says so between
/// batches of documents. The forms analysed until then stay in `cache`:
/// the next site likely has the same documents.
pub fn invert_until(
    docs: &[Doc<'_>],
    cache: &mut Analyses,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Inverted> {
    let keys: Vec<blake3::Hash> = docs.par_iter().map(fields_key).collect();
    invert_keyed(docs, &keys, cache, stale)
}

/// [`invert_until`] given the [`fields_key`] of each document.
pub(crate) fn invert_keyed(
    docs: &[Doc<'_>],
    keys: &[blake3::Hash],
    cache: &mut Analyses,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<Inverted> {
    let mut todo: Vec<usize> = Vec::new();
    {
        let mut seen = FxHashSet::default();
        for (i, k) in keys.iter().enumerate() {
            if !cache.by_key.contains_key(k) && seen.insert(*k) {
                todo.push(i);
            }
        }
    }
    cache.analysed_last = todo.len();
    for batch in todo.chunks(ANALYSIS_BATCH) {
        if stale() {
            return None;
        }
        let vocab = &cache.ids;
        let fresh: Vec<(usize, Fresh)> = batch
            .par_iter()
            .map(|&i| (i, analyse(&docs[i], vocab)))
            .collect();
        for (i, f) in fresh {
            let mut terms: Vec<(u32, u32)> = f.known.into_iter().collect();
            terms.extend(f.new.into_iter().map(|(t, tf)| (cache.intern(t), tf)));
            let (len, fold) = (f.len, f.fold);
            cache.by_key.insert(keys[i], Analysed { terms, len, fold });
        }
    }
    if stale() {
        return None;
    }
    let forms: Vec<&Analysed> = keys.iter().map(|k| &cache.by_key[k]).collect();
    let avg_len = forms.iter().map(|c| c.len as f32).sum::<f32>() / forms.len().max(1) as f32;
    let mut postings: Vec<Vec<Posting>> = vec![Vec::new(); cache.vocab.len()];
    let mut fold = FoldTable::default();
    for (doc, c) in forms.iter().enumerate() {
        if !c.fold.is_empty() {
            fold.merge_from(&c.fold);
        }
        for &(term, tf) in &c.terms {
            postings[term as usize].push(Posting {
                doc: doc as u32,
                score: quantise(tf as f32, c.len as f32, avg_len),
            });
        }
    }
    let mut ids: Vec<u32> = (0..postings.len() as u32)
        .filter(|&i| !postings[i as usize].is_empty())
        .collect();
    let vocab = &cache.vocab;
    ids.par_sort_unstable_by(|&a, &b| vocab[a as usize].cmp(&vocab[b as usize]));
    let terms: Vec<(String, Vec<Posting>)> = ids
        .into_iter()
        .map(|i| {
            (
                vocab[i as usize].clone(),
                std::mem::take(&mut postings[i as usize]),
            )
        })
        .collect();
    let live: FxHashSet<blake3::Hash> = keys.iter().copied().collect();
    cache.retain(&live);
    Some(Inverted {
        terms,
        docs: docs.len(),
        fold,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_grow_with_frequency_and_shrink_with_length() {
        let avg = 100.0;
        assert!(quantise(2.0, 100.0, avg) > quantise(1.0, 100.0, avg));
        assert!(quantise(8.0, 100.0, avg) > quantise(1.0, 100.0, avg));
        assert!(quantise(1.0, 20.0, avg) > quantise(1.0, 400.0, avg));
        // Saturation: never zero, never past the top of the byte.
        assert_eq!(quantise(1e9, 1.0, avg), 255);
        assert!(quantise(0.001, 1e6, avg) >= 1);
    }

    #[test]
    fn rare_terms_weigh_more() {
        assert!(idf(1000, 1) > idf(1000, 10));
        assert!(idf(1000, 10) > idf(1000, 900));
        assert!(idf(1000, 1000) > 0.0);
    }
}
