//! What a result shows and how results are filtered: document records in
//! small chunks, and facets (kind, community, format, facilitator, tag, year)
//! with their counts.
//!
//! Kind and year are ranges of document ids (see `index.rs` for why), so they
//! live in the manifest. The other facets are lists of ids, one file per
//! facet, fetched only when a filter or a count needs them:
//!
//! ```text
//! facet file = (count gap*)*     one run per value, in manifest order; ids ascending
//! ```
//!
//! A record is a JSON object: `t` title, `u` path under the base path, `k`
//! kind (index into [`KINDS`]), `d` date, `f` facilitators, `c` community
//! and `m` format (indexes into the facets' values), `s` summary, `x` the
//! start of the text before the first heading, `h` the sections as
//! `[heading id, heading text, start of its text]`. Snippets are cut from
//! one of `s`, `x` or a section, so they never run across a heading.

use rayon::prelude::*;
use serde_json::{Value, json};

use super::index::{Doc, KINDS, kind_label};
use super::shard::put_varint;
use crate::model::{CommunityId, FormatId, PersonId, Site, TagId};

/// Documents per record file. Results of a query are scattered over the
/// ids, so a record has a file of its own: a page of ten results fetches
/// ten records and nothing else (records carry their sections since the
/// header's sub-results, and two to a file cost a page of results ~9 KB
/// of records it did not show).
pub const CHUNK: usize = 1;

/// Characters of body text kept for snippets: of the text before the
/// first heading, and of each section.
pub const EXCERPT_CHARS: usize = 200;
pub const SECTION_CHARS: usize = 100;
/// Sections a record keeps at most (their headings and excerpts): enough
/// for sub-results, few enough that a page of results stays small.
pub const MAX_SECTIONS: usize = 8;

/// A facet value: URL key, label, and the documents that have it.
#[derive(Debug, Clone)]
pub struct FacetValue {
    pub key: String,
    pub label: String,
    pub docs: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct Facet {
    pub name: &'static str,
    pub label: &'static str,
    /// Ranges facets are written into the manifest, list facets to a file.
    pub ranges: bool,
    pub values: Vec<FacetValue>,
}

/// Builds a list facet from the site indexes each document carries.
fn list_facet(
    name: &'static str,
    label: &'static str,
    docs: &[Doc<'_>],
    of: impl Fn(&Doc<'_>) -> Vec<usize>,
    describe: impl Fn(usize) -> (String, String),
) -> Facet {
    let mut by_item: std::collections::BTreeMap<usize, Vec<u32>> = Default::default();
    for (id, doc) in docs.iter().enumerate() {
        for item in of(doc) {
            let ids = by_item.entry(item).or_default();
            if ids.last() != Some(&(id as u32)) {
                ids.push(id as u32);
            }
        }
    }
    let mut values: Vec<FacetValue> = by_item
        .into_iter()
        .map(|(item, docs)| {
            let (key, label) = describe(item);
            FacetValue { key, label, docs }
        })
        .collect();
    values.sort_by(|a, b| (a.label.to_lowercase(), &a.key).cmp(&(b.label.to_lowercase(), &b.key)));
    Facet {
        name,
        label,
        ranges: false,
        values,
    }
}

/// Every facet, in the order the search page shows them.
pub fn facets(site: &Site, docs: &[Doc<'_>]) -> Vec<Facet> {
    let range_values = |key_of: &dyn Fn(&Doc<'_>) -> Option<(String, String)>| {
        let mut values: Vec<FacetValue> = Vec::new();
        for (id, doc) in docs.iter().enumerate() {
            let Some((key, label)) = key_of(doc) else {
                continue;
            };
            match values.last_mut() {
                Some(v) if v.key == key => v.docs.push(id as u32),
                _ => values.push(FacetValue {
                    key,
                    label,
                    docs: vec![id as u32],
                }),
            }
        }
        values
    };
    let kind = Facet {
        name: "kind",
        label: "Kind",
        ranges: true,
        values: range_values(&|d| Some((d.kind.name().into(), kind_label(d.kind).into()))),
    };
    let year = Facet {
        name: "year",
        label: "Year",
        ranges: true,
        values: range_values(&|d| {
            d.date.map(|date| {
                let y = date.year().to_string();
                (y.clone(), y)
            })
        }),
    };
    let term = |t: &crate::model::Term| (t.slug.clone(), t.name.clone());
    vec![
        kind,
        list_facet(
            "community",
            "Community",
            docs,
            |d| d.community.into_iter().collect(),
            |i| {
                let c = &site.communities[CommunityId::from(i)];
                (c.slug.clone(), c.title.clone())
            },
        ),
        list_facet(
            "format",
            "Format",
            docs,
            |d| d.format.into_iter().collect(),
            |i| term(&site.formats[FormatId::from(i)]),
        ),
        list_facet(
            "facilitator",
            "Facilitator",
            docs,
            |d| d.facilitators.clone(),
            |i| {
                let p = &site.people[PersonId::from(i)];
                (p.slug.clone(), p.name.clone())
            },
        ),
        list_facet(
            "tag",
            "Tag",
            docs,
            |d| d.tags.clone(),
            |i| term(&site.tags[TagId::from(i)]),
        ),
        year,
    ]
}

/// The facets as the manifest lists them: ranges inline, lists by file.
pub fn manifest_facets(facets: &[Facet]) -> Value {
    Value::Array(
        facets
            .iter()
            .map(|f| {
                let values: Vec<Value> = f
                    .values
                    .iter()
                    .map(|v| {
                        if f.ranges {
                            let first = v.docs.first().copied().unwrap_or(0);
                            json!([
                                v.key,
                                v.label,
                                v.docs.len(),
                                first,
                                first + v.docs.len() as u32
                            ])
                        } else {
                            json!([v.key, v.label, v.docs.len()])
                        }
                    })
                    .collect();
                let mut obj = json!({ "name": f.name, "label": f.label, "values": values });
                if !f.ranges {
                    obj["file"] = json!(format!("f/{}.bin", f.name));
                }
                obj
            })
            .collect(),
    )
}

/// The file of a list facet.
pub fn facet_file(facet: &Facet) -> Vec<u8> {
    let mut out = Vec::new();
    for v in &facet.values {
        put_varint(&mut out, v.docs.len() as u64);
        let mut prev = 0;
        for &d in &v.docs {
            put_varint(&mut out, u64::from(d - prev));
            prev = d;
        }
    }
    out
}

/// The position of each site item among a facet's values, for records.
fn positions(facet: &Facet, keys: impl Fn(usize) -> String, count: usize) -> Vec<Option<usize>> {
    let by_key: std::collections::HashMap<&str, usize> = facet
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| (v.key.as_str(), i))
        .collect();
    (0..count)
        .map(|i| by_key.get(keys(i).as_str()).copied())
        .collect()
}

/// Document records, `CHUNK` to a file: what a result shows.
pub fn record_chunks(site: &Site, docs: &[Doc<'_>], facets: &[Facet]) -> Vec<Vec<u8>> {
    let by_name = |n: &str| facets.iter().find(|f| f.name == n).expect("facet");
    let community = positions(
        by_name("community"),
        |i| site.communities[CommunityId::from(i)].slug.clone(),
        site.communities.len(),
    );
    let format = positions(
        by_name("format"),
        |i| site.formats[FormatId::from(i)].slug.clone(),
        site.formats.len(),
    );
    let people = positions(
        by_name("facilitator"),
        |i| site.people[PersonId::from(i)].slug.clone(),
        site.people.len(),
    );
    docs.par_chunks(CHUNK)
        .map(|chunk| {
            let records: Vec<Value> = chunk
                .iter()
                .map(|d| record(d, &community, &format, &people))
                .collect();
            serde_json::to_vec(&records).expect("JSON values serialise")
        })
        .collect()
}

fn record(
    d: &Doc<'_>,
    community: &[Option<usize>],
    format: &[Option<usize>],
    people: &[Option<usize>],
) -> Value {
    let kind = KINDS.iter().position(|k| *k == d.kind).unwrap_or(0);
    let mut r = json!({ "t": d.title, "u": d.path, "k": kind });
    if let Some(date) = d.date {
        r["d"] = json!(date.to_string());
    }
    let facilitators: Vec<usize> = d.facilitators.iter().filter_map(|&p| people[p]).collect();
    if !facilitators.is_empty() {
        r["f"] = json!(facilitators);
    }
    if let Some(c) = d.community.and_then(|c| community[c]) {
        r["c"] = json!(c);
    }
    if let Some(m) = d.format.and_then(|m| format[m]) {
        r["m"] = json!(m);
    }
    if let Some(s) = d.summary.filter(|s| !s.trim().is_empty()) {
        r["s"] = json!(crate::views::truncate(s, 200));
    }
    let intro = excerpt(d.body, EXCERPT_CHARS);
    if !intro.is_empty() {
        r["x"] = json!(intro);
    }
    let sections: Vec<Value> = d
        .sections
        .iter()
        .filter(|s| !s.id.is_empty())
        .take(MAX_SECTIONS)
        .map(|s| json!([s.id, s.title, excerpt(s.text, SECTION_CHARS)]))
        .collect();
    if !sections.is_empty() {
        r["h"] = json!(sections);
    }
    r
}

/// The start of a text with its whitespace collapsed, cut at a word.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let n = word.chars().count();
        if chars + n + 1 > max_chars {
            if out.is_empty() {
                out.extend(word.chars().take(max_chars));
            }
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        chars += n + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_collapse_space_and_cut_at_words() {
        assert_eq!(excerpt("  a\n\nb  c ", 10), "a b c");
        assert_eq!(excerpt("one two three four", 9), "one two…");
        assert_eq!(excerpt("abcdefghijkl", 5), "abcde…");
        assert_eq!(excerpt("", 5), "");
    }
}
