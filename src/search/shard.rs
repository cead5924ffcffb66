//! Term shards: the sorted terms cut into files of about [`TARGET`] bytes,
//! so a query fetches the one or two files its words fall in.
//!
//! A shard holds a contiguous run of terms; the manifest lists the first term
//! of each, and the client finds a term's shard by binary search. Cuts are
//! made where the first three letters change when that costs at most half a
//! shard, so words sharing a three-letter prefix (what someone is typing,
//! and most one-letter typos after it) usually sit in one file. A term whose
//! postings alone exceed the target gets a shard of its own.
//!
//! Binary layout, all integers unsigned LEB128 varints:
//!
//! ```text
//! shard   = count term*
//! term    = shared suffix_len suffix(bytes) df block_len block
//! block   = (doc_gap score(u8))*     doc ids ascending, first gap from 0
//! ```
//!
//! `shared` is the length of the prefix shared with the previous term of the
//! shard (front coding).

use rayon::prelude::*;

use super::index::Posting;

/// Aim for shards of this size; a single term may exceed it.
pub const TARGET: usize = 16 * 1024;

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Reads a varint at `*pos`, advancing it; `None` past the end.
pub fn get_varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let b = *bytes.get(*pos)?;
        *pos += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// Doc ids as gaps from the previous id, each followed by its score.
pub fn encode_postings(postings: &[Posting]) -> Vec<u8> {
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut prev = 0u32;
    for p in postings {
        put_varint(&mut out, u64::from(p.doc - prev));
        out.push(p.score);
        prev = p.doc;
    }
    out
}

pub fn decode_postings(block: &[u8]) -> Option<Vec<Posting>> {
    let mut out = Vec::new();
    let (mut pos, mut doc) = (0, 0u32);
    while pos < block.len() {
        doc += u32::try_from(get_varint(block, &mut pos)?).ok()?;
        let score = *block.get(pos)?;
        pos += 1;
        out.push(Posting { doc, score });
    }
    Some(out)
}

/// One shard: its first term and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub first: String,
    pub bytes: Vec<u8>,
}

/// Cuts sorted terms into shards.
pub fn shard(terms: &[(String, Vec<Posting>)], target: usize) -> Vec<Shard> {
    let blocks: Vec<Vec<u8>> = terms.par_iter().map(|(_, p)| encode_postings(p)).collect();
    // A term's cost without front coding: an upper bound that is good enough to plan cuts.
    let cost = |i: usize| terms[i].0.len() + blocks[i].len() + 8;
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let (mut start, mut size) = (0, 0);
    // The last index where the three-letter prefix changed inside the current shard.
    let mut preferred: Option<usize> = None;
    for i in 0..terms.len() {
        if i > start && prefix3(&terms[i].0) != prefix3(&terms[i - 1].0) {
            preferred = Some(i);
        }
        if i > start && size + cost(i) > target {
            let cut_size: usize = preferred.map_or(0, |p| (start..p).map(cost).sum());
            let cut = match preferred {
                Some(p) if cut_size >= target / 2 => p,
                _ => i,
            };
            ranges.push((start, cut));
            start = cut;
            size = (start..i).map(cost).sum();
            preferred = None;
        }
        size += cost(i);
    }
    if start < terms.len() {
        ranges.push((start, terms.len()));
    }
    ranges
        .into_par_iter()
        .map(|(from, to)| {
            let mut bytes = Vec::new();
            put_varint(&mut bytes, (to - from) as u64);
            let mut prev = "";
            for i in from..to {
                let term = terms[i].0.as_str();
                let shared = common_prefix(prev, term);
                put_varint(&mut bytes, shared as u64);
                put_varint(&mut bytes, (term.len() - shared) as u64);
                bytes.extend_from_slice(&term.as_bytes()[shared..]);
                put_varint(&mut bytes, terms[i].1.len() as u64);
                put_varint(&mut bytes, blocks[i].len() as u64);
                bytes.extend_from_slice(&blocks[i]);
                prev = term;
            }
            Shard {
                first: terms[from].0.clone(),
                bytes,
            }
        })
        .collect()
}

fn prefix3(term: &str) -> &str {
    &term[..term.len().min(3)]
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// Decodes a shard back into terms and postings (tests, and tools that read
/// an index).
pub fn decode(bytes: &[u8]) -> Option<Vec<(String, Vec<Posting>)>> {
    let mut pos = 0;
    let count = get_varint(bytes, &mut pos)?;
    let mut out: Vec<(String, Vec<Posting>)> = Vec::new();
    let mut prev = String::new();
    for _ in 0..count {
        let shared = get_varint(bytes, &mut pos)? as usize;
        let len = get_varint(bytes, &mut pos)? as usize;
        let suffix = bytes.get(pos..pos + len)?;
        pos += len;
        let mut term = prev.get(..shared)?.to_string();
        term.push_str(std::str::from_utf8(suffix).ok()?);
        let df = get_varint(bytes, &mut pos)? as usize;
        let block_len = get_varint(bytes, &mut pos)? as usize;
        let postings = decode_postings(bytes.get(pos..pos + block_len)?)?;
        pos += block_len;
        if postings.len() != df {
            return None;
        }
        prev = term.clone();
        out.push((term, postings));
    }
    (pos == bytes.len()).then_some(out)
}

/// The shard a term belongs to: the last whose first term is not after it.
pub fn shard_of(firsts: &[String], term: &str) -> usize {
    firsts
        .partition_point(|f| f.as_str() <= term)
        .saturating_sub(1)
}

/// The shards holding every term that starts with `prefix`.
pub fn shards_for_prefix(firsts: &[String], prefix: &str) -> std::ops::RangeInclusive<usize> {
    // `{` sorts after every letter and digit, the only bytes terms contain.
    let end = format!("{prefix}{{");
    shard_of(firsts, prefix)..=shard_of(firsts, &end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn postings(docs: &[u32]) -> Vec<Posting> {
        docs.iter()
            .map(|&doc| Posting {
                doc,
                score: (doc % 200 + 1) as u8,
            })
            .collect()
    }

    fn corpus(n: usize) -> Vec<(String, Vec<Posting>)> {
        let mut terms: Vec<(String, Vec<Posting>)> = (0..n)
            .map(|i| {
                let word = format!(
                    "{}{}{}x{i}",
                    (b'a' + (i % 7) as u8) as char,
                    (b'a' + (i % 5) as u8) as char,
                    (b'a' + (i % 3) as u8) as char
                );
                let docs: Vec<u32> = (0..(i % 40) as u32 + 1).map(|d| d * 3 + 1).collect();
                (word, postings(&docs))
            })
            .collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        terms
    }

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, 16_383, 16_384, u32::MAX as u64] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut pos = 0;
            assert_eq!(get_varint(&out, &mut pos), Some(v));
            assert_eq!(pos, out.len());
        }
        assert_eq!(get_varint(&[0x80], &mut 0), None);
    }

    #[test]
    fn postings_are_gaps_and_scores() {
        let p = postings(&[3, 4, 200]);
        let bytes = encode_postings(&p);
        // 3, 1 and 196 as gaps: one byte each except 196 (two bytes).
        assert_eq!(bytes.len(), 2 + 2 + 3);
        assert_eq!(decode_postings(&bytes).unwrap(), p);
    }

    #[test]
    fn shards_round_trip_and_keep_every_term_once() {
        let terms = corpus(3000);
        let shards = shard(&terms, 2048);
        assert!(shards.len() > 10);
        let decoded: Vec<(String, Vec<Posting>)> = shards
            .iter()
            .flat_map(|s| decode(&s.bytes).expect("decodes"))
            .collect();
        assert_eq!(decoded, terms);
        for s in &shards {
            assert_eq!(decode(&s.bytes).unwrap()[0].0, s.first);
        }
    }

    #[test]
    fn shards_stay_near_the_target_unless_one_term_is_bigger() {
        let mut terms = corpus(2000);
        let huge: Vec<u32> = (0..5000).collect();
        terms.push(("zzhuge".into(), postings(&huge)));
        terms.push(("zzz".into(), postings(&[1])));
        let shards = shard(&terms, 2048);
        for s in &shards {
            let decoded = decode(&s.bytes).unwrap();
            assert!(
                s.bytes.len() <= 2048 + 64 || decoded.len() == 1,
                "shard `{}` is {} bytes with {} terms",
                s.first,
                s.bytes.len(),
                decoded.len()
            );
        }
        let huge_shard = shards
            .iter()
            .find(|s| s.first == "zzhuge")
            .expect("own shard");
        assert_eq!(decode(&huge_shard.bytes).unwrap().len(), 1);
    }

    #[test]
    fn cuts_prefer_three_letter_boundaries() {
        let terms = corpus(3000);
        let shards = shard(&terms, 4096);
        let aligned = shards
            .windows(2)
            .filter(|w| prefix3(&w[0].first) != prefix3(&w[1].first))
            .count();
        // Most cuts fall where the prefix changes.
        assert!(
            aligned * 3 >= (shards.len() - 1) * 2,
            "{aligned} of {}",
            shards.len() - 1
        );
    }

    #[test]
    fn terms_and_prefixes_find_their_shards() {
        let terms = corpus(3000);
        let shards = shard(&terms, 2048);
        let firsts: Vec<String> = shards.iter().map(|s| s.first.clone()).collect();
        for (term, _) in terms.iter().step_by(37) {
            let i = shard_of(&firsts, term);
            assert!(
                decode(&shards[i].bytes)
                    .unwrap()
                    .iter()
                    .any(|(t, _)| t == term)
            );
            // Every term with a prefix lies in the prefix's shard range.
            let prefix = &term[..3];
            let range = shards_for_prefix(&firsts, prefix);
            for (t, _) in terms.iter().filter(|(t, _)| t.starts_with(prefix)) {
                assert!(range.contains(&shard_of(&firsts, t)));
            }
        }
        assert_eq!(shard_of(&firsts, ""), 0);
        assert_eq!(shard_of(&firsts, "zzzz"), shards.len() - 1);
    }
}
