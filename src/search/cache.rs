//! What one search index build keeps for the next, and how `fireside build`
//! stores it between processes: the analysed form of every document (its
//! terms, by the hash of its fields; see [`Analyses`]) and a record of the
//! index the build made (a fingerprint of everything it was made from, its
//! files' fingerprints and its figures).
//!
//! With the analyses, a new process tokenises only the documents whose
//! fields changed; with the record, a build whose inputs all match the last
//! build's keeps the index files the output holds instead of making them
//! again (`search::build_into`). Both give the bytes of a clean build: an
//! analysed form is a function of the fields it is keyed by, and equal
//! inputs make an equal index.
//!
//! The file lives in the cache folder beside the output manifest
//! (`output/manifest.rs`), one per output folder. Layout:
//!
//! ```text
//! MAGIC  head_len(u64 LE)  blake3(head)  head  blake3(body)  body
//! head = postcard(build id, record of the last index)
//! body = postcard(vocabulary, analysed forms)      (to the end of the file)
//! ```
//!
//! The head is small and read on every build; the body (most of the file)
//! is checked and decoded only when the index is built, not when it is kept.
//! The body holds the forms of the documents the last index had, and no
//! others, so the file does not grow with a site's history.
//!
//! Like the manifest, the file is untrusted. A corrupt, truncated, foreign
//! or old-format file (another magic, another build of Fireside, a checksum
//! that does not match, bytes postcard cannot decode or that name terms the
//! vocabulary lacks) is a miss: the index is built from nothing, as if there
//! were no file. Decoding reads from the file's bytes and never allocates
//! beyond them. What a hostile file with valid checksums could do is what a
//! hostile manifest can: make the build keep or assemble a wrong search
//! index (wrong terms for a document, a record naming stale files). It
//! cannot make the build panic, read or write outside the output (the index
//! files it names must be ones the manifest already vouches for, under
//! `search/`), or allocate without bound. Whoever can write the cache
//! folder is the user or can already write the output folder itself, so
//! the stance is the manifest's: guard against accidents, bound the damage
//! of malice, and do not pay for cryptographic trust in one's own folder.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::index::{Analysed, Analyses};
use super::tokenize::FoldTable;
use super::{Cache, Stats};
use crate::build::fingerprint::Fingerprint;

const MAGIC: &[u8; 8] = b"FSSRCH01";

/// Bytes before the head: the magic, the head's length and its checksum.
const PREAMBLE: usize = MAGIC.len() + 8 + 32;

/// The index a build made: what it was made from, its files and figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct LastIndex {
    /// The fingerprint of everything the index is made from but the
    /// program (which the build id covers).
    pub(crate) inputs: [u8; 32],
    /// Each file's output path and the fingerprint of its bytes.
    pub(crate) files: Vec<(String, Fingerprint)>,
    pub(crate) stats: Stats,
}

#[derive(Serialize, Deserialize)]
struct Head {
    build_id: String,
    last: Option<LastIndex>,
}

#[derive(Serialize, Deserialize)]
struct StoredAnalyses {
    vocab: Vec<String>,
    forms: Vec<StoredForm>,
}

#[derive(Serialize, Deserialize)]
struct StoredForm {
    key: [u8; 32],
    len: u32,
    /// Term ids ascending, each as the gap from the one before (small
    /// numbers, so one or two bytes each), with its weighted frequency.
    terms: Vec<(u32, u32)>,
    /// The non-ASCII characters of its words; each one's folding follows.
    fold: Vec<char>,
}

/// The cache file for the output whose manifest is `manifest`: beside it,
/// named after it (`output-<id>.bin` -> `search-<id>.bin`).
pub fn file_beside(manifest: &Path) -> PathBuf {
    let name = manifest
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("output.bin");
    let id = name.strip_prefix("output-").unwrap_or(name);
    manifest.with_file_name(format!("search-{id}"))
}

impl Cache {
    /// The cache stored in `bytes` by a build of the same program
    /// (`build_id`); an empty cache if the bytes are anything else. Only
    /// the head is checked and decoded here.
    pub fn from_bytes(bytes: &[u8], build_id: &str) -> Cache {
        Cache::read(bytes, build_id).unwrap_or_default()
    }

    fn read(bytes: &[u8], build_id: &str) -> Option<Cache> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let (len, rest) = rest.split_first_chunk::<8>()?;
        let (sum, rest) = rest.split_first_chunk::<32>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        let (head, body) = (rest.get(..len)?, rest.get(len..)?);
        if blake3::hash(head) != blake3::Hash::from_bytes(*sum) {
            return None;
        }
        let head: Head = decode_all(head)?;
        if head.build_id != build_id {
            return None;
        }
        Some(Cache {
            analyses: Analyses::default(),
            last: head.last,
            stored: Some(body.to_vec()),
            changed: false,
        })
    }

    /// The analyses, decoded from the stored bytes the first time (a miss,
    /// if they do not check out).
    pub(crate) fn analyses_mut(&mut self) -> &mut Analyses {
        if let Some(body) = self.stored.take()
            && let Some(analyses) = decode_analyses(&body)
        {
            self.analyses = analyses;
        }
        &mut self.analyses
    }

    /// Records the index just built: the cache has changed.
    pub(crate) fn record(&mut self, last: LastIndex) {
        self.last = Some(last);
        self.changed = true;
    }

    /// Frees the stored analyses: the build kept its index and needs none.
    pub(crate) fn release_stored(&mut self) {
        self.stored = None;
    }

    /// Whether an index was built since the cache was read, so that it
    /// differs from what was stored.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// The bytes to store, for [`Cache::from_bytes`] of the same program.
    /// Only the terms the forms name are kept, renumbered.
    pub fn to_bytes(&mut self, build_id: &str) -> Vec<u8> {
        let head = Head {
            build_id: build_id.to_string(),
            last: self.last.clone(),
        };
        let head = postcard::to_stdvec(&head).expect("a record serialises");
        let body =
            postcard::to_stdvec(&store_analyses(self.analyses_mut())).expect("analyses serialise");
        let mut out = Vec::with_capacity(PREAMBLE + head.len() + 32 + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(head.len() as u64).to_le_bytes());
        out.extend_from_slice(blake3::hash(&head).as_bytes());
        out.extend_from_slice(&head);
        out.extend_from_slice(blake3::hash(&body).as_bytes());
        out.extend_from_slice(&body);
        out
    }
}

/// A postcard value that is all of `bytes`. postcard reads from the slice
/// and never preallocates more than the bytes it was given, so a damaged
/// or hostile value fails, bounded.
fn decode_all<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    let (value, left) = postcard::take_from_bytes(bytes).ok()?;
    left.is_empty().then_some(value)
}

fn decode_analyses(body: &[u8]) -> Option<Analyses> {
    let (sum, body) = body.split_first_chunk::<32>()?;
    if blake3::hash(body) != blake3::Hash::from_bytes(*sum) {
        return None;
    }
    let stored: StoredAnalyses = decode_all(body)?;
    let mut forms = Vec::with_capacity(stored.forms.len());
    for f in stored.forms {
        let mut id = 0u32;
        let mut terms = Vec::with_capacity(f.terms.len());
        for (i, (gap, tf)) in f.terms.into_iter().enumerate() {
            // Ascending ids: every gap but the first is at least one.
            if i > 0 && gap == 0 {
                return None;
            }
            id = id.checked_add(gap)?;
            terms.push((id, tf));
        }
        let form = Analysed {
            terms,
            len: f.len,
            fold: FoldTable::of_chars(f.fold),
        };
        forms.push((blake3::Hash::from_bytes(f.key), form));
    }
    Analyses::from_parts(stored.vocab, forms)
}

/// The forms with their terms renumbered to the vocabulary they use, in
/// byte order, and the forms sorted by key: equal analyses store equal
/// bytes, whatever order their documents were analysed in.
fn store_analyses(analyses: &Analyses) -> StoredAnalyses {
    let mut used = vec![false; analyses.vocab.len()];
    for form in analyses.by_key.values() {
        for &(t, _) in &form.terms {
            used[t as usize] = true;
        }
    }
    let mut ids: Vec<u32> = (0..used.len() as u32)
        .filter(|&t| used[t as usize])
        .collect();
    ids.sort_unstable_by_key(|&t| analyses.vocab[t as usize].as_str());
    let mut remap = vec![u32::MAX; analyses.vocab.len()];
    for (new, &old) in ids.iter().enumerate() {
        remap[old as usize] = new as u32;
    }
    let vocab = ids
        .iter()
        .map(|&t| analyses.vocab[t as usize].clone())
        .collect();
    let mut forms: Vec<(&blake3::Hash, &Analysed)> = analyses.by_key.iter().collect();
    forms.sort_unstable_by_key(|(k, _)| *k.as_bytes());
    let forms = forms
        .into_iter()
        .map(|(key, form)| {
            let mut terms: Vec<(u32, u32)> = form
                .terms
                .iter()
                .map(|&(t, tf)| (remap[t as usize], tf))
                .collect();
            terms.sort_unstable();
            let mut prev = 0;
            for t in &mut terms {
                (t.0, prev) = (t.0 - prev, t.0);
            }
            StoredForm {
                key: *key.as_bytes(),
                len: form.len,
                terms,
                fold: form.fold.chars().collect(),
            }
        })
        .collect();
    StoredAnalyses { vocab, forms }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::index::{Doc, Field, invert_with};
    use std::borrow::Cow;

    fn doc(title: &str, body: &str) -> Doc<'static> {
        let (title, body): (&'static str, &'static str) = (
            Box::leak(title.to_string().into_boxed_str()),
            Box::leak(body.to_string().into_boxed_str()),
        );
        Doc {
            kind: crate::parse::meta::Kind::Page,
            title,
            path: "x/",
            date: None,
            facilitators: Vec::new(),
            community: None,
            format: None,
            tags: Vec::new(),
            summary: None,
            body,
            sections: Vec::new(),
            fields: vec![
                (Field::Title, Cow::Borrowed(title)),
                (Field::Body, Cow::Borrowed(body)),
            ],
        }
    }

    fn docs() -> Vec<Doc<'static>> {
        vec![
            doc("Kata night", "We practised katas, in Łódź and 北京."),
            doc("Mob programming", "One keyboard, many minds; katas again."),
        ]
    }

    fn stored_cache() -> Vec<u8> {
        let mut cache = Cache::default();
        invert_with(&docs(), &mut cache.analyses);
        cache.to_bytes("test")
    }

    #[test]
    fn stored_analyses_give_the_same_index_without_tokenising() {
        let fresh = invert_with(&docs(), &mut Analyses::default());
        let mut read = Cache::from_bytes(&stored_cache(), "test");
        let again = invert_with(&docs(), read.analyses_mut());
        assert_eq!(
            read.analyses.analysed_last, 0,
            "every form came from the file"
        );
        assert_eq!(again.terms, fresh.terms);
        assert_eq!(again.fold, fresh.fold);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_an_empty_cache() {
        let good = stored_cache();
        let mut cases: Vec<(String, Vec<u8>)> = vec![
            ("empty".into(), Vec::new()),
            ("another build".into(), good.clone()),
            ("old magic".into(), [b"FSSRCH00", &good[8..]].concat()),
        ];
        for cut in [1, 9, PREAMBLE, PREAMBLE + 3, good.len() / 2, good.len() - 1] {
            cases.push((format!("cut at {cut}"), good[..cut].to_vec()));
        }
        for at in [12, PREAMBLE + 1, good.len() / 2, good.len() - 1] {
            let mut bad = good.clone();
            bad[at] ^= 0x55;
            cases.push((format!("byte {at} flipped"), bad));
        }
        for (what, bytes) in cases {
            let id = if what == "another build" {
                "other"
            } else {
                "test"
            };
            let mut cache = Cache::from_bytes(&bytes, id);
            invert_with(&docs(), cache.analyses_mut());
            assert_eq!(cache.analyses.analysed_last, 2, "{what}: analysed afresh");
        }
    }

    #[test]
    fn a_record_naming_terms_the_vocabulary_lacks_is_refused() {
        let forms = StoredAnalyses {
            vocab: vec!["kata".into()],
            forms: vec![StoredForm {
                key: [7; 32],
                len: 1,
                terms: vec![(0, 1), (5, 1)],
                fold: vec!['ł'],
            }],
        };
        let body = postcard::to_stdvec(&forms).unwrap();
        let with_sum = [blake3::hash(&body).as_bytes().as_slice(), &body].concat();
        assert!(decode_analyses(&with_sum).is_none());
        let twice = StoredAnalyses {
            vocab: vec!["kata".into(), "kata".into()],
            forms: Vec::new(),
        };
        let body = postcard::to_stdvec(&twice).unwrap();
        let with_sum = [blake3::hash(&body).as_bytes().as_slice(), &body].concat();
        assert!(decode_analyses(&with_sum).is_none());
    }

    #[test]
    fn the_file_is_named_after_the_manifest() {
        assert_eq!(
            file_beside(Path::new("/c/output-0123456789abcdef.bin")),
            Path::new("/c/search-0123456789abcdef.bin")
        );
    }
}
