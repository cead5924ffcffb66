//! The search index: built from the resolved site at build time, split so
//! that a browser loads only what a query needs, and read by the theme's
//! small ES modules (below) on any static host.
//!
//! Files, under the output's `search/` folder:
//!
//! ```text
//! manifest.json        the one file with a fixed name: versioned folder,
//!                      shard boundaries, facets with counts, folding table
//! <version>/t/N.bin    term shards (shard.rs): terms, document frequencies,
//!                      postings as id gaps and one-byte BM25 scores
//! <version>/d/N.json   document records, CHUNK per file (results.rs)
//! <version>/f/X.bin    ids per value of a list facet (results.rs)
//! ```
//!
//! `<version>` is a hash of everything in it, so a host may cache those files
//! forever; the client revalidates only the manifest. A one-word query
//! fetches the script, the manifest, one shard (two if it straddles a cut)
//! and the record chunks of the results shown.
//!
//! The client is three ES modules of the default theme: `search-engine.js`
//! (the engine, importable by node for the tests: it follows [`query`] and
//! [`tokenize`], which are normative), `search-box.js` (results as you type
//! in every page's header; it imports the engine on first focus, not on
//! page load) and `search.js` (the search page).
//!
//! The build prints the index's size and warns when the worst one-word query
//! would load more than [`FIRST_QUERY_BUDGET`].

pub mod cache;
pub mod index;
pub mod query;
pub mod results;
pub mod shard;
pub mod tokenize;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::build::fingerprint::{self, Fingerprint};
use crate::diagnostic::Diagnostic;
use crate::model::Site;
pub use crate::output::{Content, OutputFile};

/// Bytes a browser may load, from opening the search page to the first
/// page of results of a one-word query (script included, uncompressed).
pub const FIRST_QUERY_BUDGET: usize = 100_000;
/// Results on the first page.
pub const RESULTS_PER_PAGE: usize = 10;
/// Output path of the manifest.
pub const MANIFEST: &str = "search/manifest.json";
/// Output path of the search page's script.
pub const SCRIPT: &str = "assets/search.js";
/// Sizes of the theme's engine and header-box modules, which the first
/// query from any page loads besides the page script.
pub const ENGINE_BYTES: usize =
    include_bytes!("../../themes/default/static/search-engine.js").len();
pub const BOX_BYTES: usize = include_bytes!("../../themes/default/static/search-box.js").len();

/// The index's files and what the build reports about them.
#[derive(Debug)]
pub struct SearchIndex {
    pub files: Vec<OutputFile>,
    /// Files the output already holds with these fingerprints of their
    /// bytes, kept as they are instead of made again ([`build_into`]).
    pub kept: Vec<(String, Fingerprint)>,
    pub stats: Stats,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub docs: usize,
    pub terms: usize,
    pub files: usize,
    /// All index files, manifest included.
    pub bytes: usize,
    pub shards: usize,
    pub manifest_bytes: usize,
    pub largest_shard_bytes: usize,
    /// The first term of the largest shard.
    pub largest_shard: String,
    /// Upper bound for a one-word query: scripts (the page's or the header
    /// box's, and the engine), manifest, the largest shard and the largest
    /// record chunks of a page of results.
    pub first_query_max: usize,
    /// Documents tokenised by this build; the others' analysed forms came
    /// from the cache.
    pub analysed: usize,
    /// Nothing the index is made from changed since the build that wrote
    /// the output's index: its files were kept, and nothing was built.
    pub kept: bool,
}

impl Stats {
    /// One line for the build's output.
    pub fn summary(&self) -> String {
        format!(
            "Search index: {} documents, {} terms, {} in {} files ({} term shards); a one-word query loads at most {}.",
            self.docs,
            self.terms,
            human_bytes(self.bytes),
            self.files,
            self.shards,
            human_bytes(self.first_query_max),
        )
    }

    /// Warnings for budgets the index exceeds.
    pub fn budget_warnings(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        if self.first_query_max > FIRST_QUERY_BUDGET {
            out.push(
                Diagnostic::warning(format!(
                    "search: a one-word query may load up to {} (budget {}); the largest term shard, starting at `{}`, is {}",
                    human_bytes(self.first_query_max),
                    human_bytes(FIRST_QUERY_BUDGET),
                    self.largest_shard,
                    human_bytes(self.largest_shard_bytes),
                ))
                .hint("a very common word makes a large shard; the search still works, only slower on slow networks. Set `search.enabled: false` in site.yaml to leave search out"),
            );
        }
        out
    }
}

/// "61.2 KB" (decimal units, like the budgets).
pub fn human_bytes(n: usize) -> String {
    match n {
        n if n < 1000 => format!("{n} B"),
        n if n < 1_000_000 => format!("{:.1} KB", n as f64 / 1e3),
        n => format!("{:.1} MB", n as f64 / 1e6),
    }
}

/// Builds the index of a site. `script_bytes` is the size of the search
/// page's script the site publishes, for the budget.
pub fn build(site: &Site, script_bytes: usize) -> SearchIndex {
    build_with(site, script_bytes, shard::TARGET)
}

/// [`build`] with term shards of about `shard_target` bytes (tests cut
/// small indexes into many shards to exercise the rules about shards).
pub fn build_with(site: &Site, script_bytes: usize, shard_target: usize) -> SearchIndex {
    build_cached(site, script_bytes, shard_target, &mut Cache::default())
}

/// What one index build keeps for the next: the analysed form of every
/// document (see [`index::Analyses`]) and, for a build into an output, a
/// record of the index it made ([`build_into`]). A builder or the preview
/// keeps one for its session, `fireside build` in a file between processes
/// (`search/cache.rs`); an index built with it has the bytes of one built
/// without.
#[derive(Debug, Default)]
pub struct Cache {
    pub analyses: index::Analyses,
    /// The last index built with this cache.
    last: Option<cache::LastIndex>,
    /// The stored analyses (checksum and body), decoded on first need.
    stored: Option<Vec<u8>>,
    /// Whether the cache changed since it was read: only then is it written.
    changed: bool,
}

/// [`build_with`], re-analysing only the documents that changed since the
/// last build with `cache`.
pub fn build_cached(
    site: &Site,
    script_bytes: usize,
    shard_target: usize,
    cache: &mut Cache,
) -> SearchIndex {
    build_until(site, script_bytes, shard_target, cache, &|| false).expect("never stale")
}

/// [`build_cached`] for a build into an output folder that holds `output`
/// (each file's path and [`fingerprint::of_bytes`]). When nothing the index
/// is made from changed since the last index built with `cache`, and the
/// output still holds all of that index's files, they are kept
/// ([`SearchIndex::kept`]) and nothing is built: equal inputs make equal
/// bytes.
pub fn build_into(
    site: &Site,
    script_bytes: usize,
    shard_target: usize,
    cache: &mut Cache,
    output: &HashMap<String, Fingerprint>,
) -> SearchIndex {
    build_over(
        site,
        script_bytes,
        shard_target,
        cache,
        Some(output),
        &|| false,
    )
    .expect("never stale")
}

/// [`build_cached`], given up (`None`) between steps once `stale` says a
/// newer site is waiting (the preview's burst of saves).
pub fn build_until(
    site: &Site,
    script_bytes: usize,
    shard_target: usize,
    cache: &mut Cache,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<SearchIndex> {
    build_over(site, script_bytes, shard_target, cache, None, stale)
}

fn build_over(
    site: &Site,
    script_bytes: usize,
    shard_target: usize,
    cache: &mut Cache,
    output: Option<&HashMap<String, Fingerprint>>,
    stale: &(dyn Fn() -> bool + Sync),
) -> Option<SearchIndex> {
    let mut clock = Clock::new();
    let docs = index::documents(site);
    clock.lap("documents");
    let fields: Vec<blake3::Hash> = docs.par_iter().map(index::fields_key).collect();
    // Only a build into an output may keep its files: the preview, which
    // writes its own, needs no record of them.
    let inputs = output.map(|_| {
        let records: Vec<blake3::Hash> = docs.par_iter().map(record_key).collect();
        inputs_print(site, &fields, &records, script_bytes, shard_target)
    });
    clock.lap("inputs");
    if let (Some(output), Some(inputs), Some(last)) = (output, inputs, &cache.last) {
        let held = |(path, print): &(String, Fingerprint)| {
            path.starts_with("search/") && output.get(path) == Some(print)
        };
        if last.inputs == inputs && !last.files.is_empty() && last.files.iter().all(held) {
            let index = SearchIndex {
                files: Vec::new(),
                kept: last.files.clone(),
                stats: Stats {
                    analysed: 0,
                    kept: true,
                    ..last.stats.clone()
                },
            };
            cache.release_stored();
            return Some(index);
        }
    }
    let inverted = index::invert_keyed(&docs, &fields, cache.analyses_mut(), stale)?;
    clock.lap("invert");
    let shards = shard::shard(&inverted.terms, shard_target);
    clock.lap("shards");
    let facets = results::facets(site, &docs);
    let chunks = results::record_chunks(site, &docs, &facets);
    clock.lap("records");
    if stale() {
        return None;
    }

    // Figures first: the buffers move into the file list below.
    let (largest_shard, largest_shard_bytes) = shards
        .iter()
        .map(|s| (s.first.clone(), s.bytes.len()))
        .max_by_key(|(_, n)| *n)
        .unwrap_or_default();
    let firsts: Vec<String> = shards.iter().map(|s| s.first.clone()).collect();
    let mut chunk_sizes: Vec<usize> = chunks.iter().map(Vec::len).collect();
    chunk_sizes.sort_unstable_by(|a, b| b.cmp(a));
    let page_of_records: usize = chunk_sizes.iter().take(RESULTS_PER_PAGE).sum();

    // Everything but the manifest goes into the versioned folder.
    let mut versioned: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, s) in shards.into_iter().enumerate() {
        versioned.push((format!("t/{i}.bin"), s.bytes));
    }
    for (i, c) in chunks.into_iter().enumerate() {
        versioned.push((format!("d/{i}.json"), c));
    }
    for f in facets.iter().filter(|f| !f.ranges) {
        versioned.push((format!("f/{}.bin", f.name), results::facet_file(f)));
    }
    let mut hasher = blake3::Hasher::new();
    for (path, bytes) in &versioned {
        hasher.update(path.as_bytes());
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    let version = &hasher.finalize().to_hex()[..12];
    clock.lap("version");
    let dir = format!("search/{version}/");

    let fold: serde_json::Map<String, serde_json::Value> = inverted
        .fold
        .entries()
        .map(|(c, v)| (c.to_string(), json!(v)))
        .collect();
    let manifest = json!({
        "version": 1,
        "dir": dir,
        "docs": docs.len(),
        "chunk": results::CHUNK,
        "shards": firsts,
        "stop": tokenize::stop_words(&site.config.language),
        "fold": fold,
        "facets": results::manifest_facets(&facets),
    });
    let manifest = serde_json::to_vec(&manifest).expect("JSON values serialise");

    let stats = Stats {
        docs: docs.len(),
        terms: inverted.terms.len(),
        files: versioned.len() + 1,
        bytes: manifest.len() + versioned.iter().map(|(_, b)| b.len()).sum::<usize>(),
        shards: firsts.len(),
        manifest_bytes: manifest.len(),
        largest_shard_bytes,
        largest_shard,
        first_query_max: script_bytes.max(BOX_BYTES)
            + ENGINE_BYTES
            + manifest.len()
            + largest_shard_bytes
            + page_of_records,
        analysed: cache.analyses.analysed_last,
        kept: false,
    };
    let mut files = vec![OutputFile {
        path: MANIFEST.into(),
        content: Content::Bytes(manifest),
    }];
    files.extend(versioned.into_iter().map(|(path, bytes)| OutputFile {
        path: format!("{dir}{path}"),
        content: Content::Bytes(bytes),
    }));
    if let Some(inputs) = inputs {
        let prints = files
            .par_iter()
            .map(|f| match &f.content {
                Content::Bytes(b) => (f.path.clone(), fingerprint::of_bytes(b)),
                _ => unreachable!("the index is made of bytes"),
            })
            .collect();
        // The figures of the index, not of this build's work: the record
        // of an index is the same whichever build made it.
        let figures = Stats {
            analysed: 0,
            ..stats.clone()
        };
        cache.record(cache::LastIndex {
            inputs,
            files: prints,
            stats: figures,
        });
        clock.lap("files");
    }
    Some(SearchIndex {
        files,
        kept: Vec::new(),
        stats,
    })
}

/// What a document's record, facets and place in the index read besides
/// its fields ([`index::fields_key`]).
fn record_key(doc: &index::Doc<'_>) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    let mut text = |t: &str| {
        h.update(&(t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    };
    text(doc.kind.name());
    text(doc.title);
    text(doc.path);
    text(&doc.date.map(|d| d.to_string()).unwrap_or_default());
    text(doc.summary.unwrap_or("\0none"));
    // The introduction and the sections are cut from the body's text, which
    // the fields key hashed: their places in it say the rest, without
    // hashing the body again.
    let body = doc
        .fields
        .iter()
        .find(|(f, _)| *f == index::Field::Body)
        .map_or("", |(_, t)| t.as_ref());
    let place = |t: &str| -> String {
        let (start, at) = (body.as_ptr() as usize, t.as_ptr() as usize);
        match at.checked_sub(start) {
            Some(offset) if offset + t.len() <= body.len() => format!("@{offset}+{}", t.len()),
            _ => format!("={t}"),
        }
    };
    text(&place(doc.body));
    for s in &doc.sections {
        text(s.id);
        text(s.title);
        text(&place(s.text));
    }
    let mut ids = |tag: u8, list: &[usize]| {
        h.update(&[tag]);
        h.update(&(list.len() as u64).to_le_bytes());
        for &i in list {
            h.update(&(i as u64).to_le_bytes());
        }
    };
    ids(b'f', &doc.facilitators);
    ids(b't', &doc.tags);
    ids(b'c', &doc.community.into_iter().collect::<Vec<_>>());
    ids(b'm', &doc.format.into_iter().collect::<Vec<_>>());
    h.finalize()
}

/// The fingerprint of everything an index is made from but the program:
/// the documents (their fields and records), the names and slugs of what
/// the facets list, the site's language (stop words), the script's size
/// (the budget) and the shard size.
fn inputs_print(
    site: &Site,
    fields: &[blake3::Hash],
    records: &[blake3::Hash],
    script_bytes: usize,
    shard_target: usize,
) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    let mut text = |t: &str| {
        h.update(&(t.len() as u64).to_le_bytes());
        h.update(t.as_bytes());
    };
    text(&site.config.language);
    for c in &site.communities {
        text(&c.slug);
        text(&c.title);
    }
    text("\0formats");
    for t in &site.formats {
        text(&t.slug);
        text(&t.name);
    }
    text("\0people");
    for p in &site.people {
        text(&p.slug);
        text(&p.name);
    }
    text("\0tags");
    for t in &site.tags {
        text(&t.slug);
        text(&t.name);
    }
    h.update(&(script_bytes as u64).to_le_bytes());
    h.update(&(shard_target as u64).to_le_bytes());
    h.update(&(fields.len() as u64).to_le_bytes());
    for (f, r) in fields.iter().zip(records) {
        h.update(f.as_bytes());
        h.update(r.as_bytes());
    }
    *h.finalize().as_bytes()
}

/// Prints how long each step of an index build took when
/// `FIRESIDE_TIMINGS` is set, like the build's stage clock.
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn new() -> Clock {
        Clock(std::env::var_os("FIRESIDE_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&mut self, step: &str) {
        if let Some(last) = &mut self.0 {
            eprintln!("[timings] search {step:<9} {:>8.1?}", last.elapsed());
            *last = std::time::Instant::now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(first_query_max: usize) -> Stats {
        Stats {
            docs: 10,
            terms: 100,
            files: 5,
            bytes: 50_000,
            shards: 2,
            manifest_bytes: 2_000,
            largest_shard_bytes: 30_000,
            largest_shard: "the".into(),
            first_query_max,
            analysed: 10,
            kept: false,
        }
    }

    #[test]
    fn the_build_warns_only_past_the_first_query_budget() {
        assert!(stats(FIRST_QUERY_BUDGET).budget_warnings().is_empty());
        let warnings = stats(FIRST_QUERY_BUDGET + 1).budget_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(!warnings[0].is_error());
        let text = warnings[0].render(false);
        assert!(
            text.contains("100.0 KB") && text.contains("`the`"),
            "{text}"
        );
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(human_bytes(999), "999 B");
        assert_eq!(human_bytes(61_234), "61.2 KB");
        assert_eq!(human_bytes(12_700_000), "12.7 MB");
    }
}
