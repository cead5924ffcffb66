//! One set of search rules. `src/search/query.rs` and `tokenize.rs` are
//! normative; the browser's engine (`themes/default/static/search-engine.js`,
//! an ES module) must give the same results. These tests hold the two
//! together without a browser:
//!
//! - the script's folding table is the one the Rust side generates;
//! - a small golden index, checked in under `tests/search/golden/`, is what
//!   the build writes today, and decodes to the same terms and postings in
//!   Rust and in node;
//! - over the example site, cut into many shards and into the usual few,
//!   every term, its prefixes, one-edit typos, accented and upper-case forms
//!   and multi-word queries rank the same documents in the same order in
//!   node as in Rust.
//!
//! `FIRESIDE_BLESS=1 cargo test --test e2e search_parity::` rewrites the folding
//! table and the golden index. node is needed for the last two tests: a
//! missing node skips them with a notice, and fails them under `CI` or
//! `FIRESIDE_REQUIRE_TOOLS`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use fireside::build::{self as pipeline, BuildOptions};
use fireside::model::Site;
use fireside::search::Content;
use fireside::search::{self, index, query, shard, tokenize};
use unicode_segmentation::UnicodeSegmentation;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn blessing() -> bool {
    std::env::var_os("FIRESIDE_BLESS").is_some()
}

/// Whether node runs here; panics when it must (CI) and does not.
fn node_available() -> bool {
    if Command::new("node").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var_os("CI").is_some() || std::env::var_os("FIRESIDE_REQUIRE_TOOLS").is_some() {
        panic!("node is not installed, and CI or FIRESIDE_REQUIRE_TOOLS requires it");
    }
    eprintln!("skipped: node is not installed");
    false
}

fn load(dir: &Path) -> Site {
    let mut opts = BuildOptions::new(dir);
    opts.now = Some(NOW.parse().unwrap());
    pipeline::load_site(&opts).expect("fixture loads")
}

/// Writes the search index of `site`, with shards of about `target` bytes,
/// under `out` (`out/search/manifest.json`, ...). Returns the shards' first terms.
fn write_index(site: &Site, target: usize, out: &Path) -> Vec<String> {
    let built = search::build_with(site, 0, target);
    for f in built.files {
        let Content::Bytes(bytes) = f.content else {
            panic!("index files are bytes")
        };
        let path = out.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(search::MANIFEST)).unwrap()).unwrap();
    manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn run_node(args: &[&str]) {
    let result = Command::new("node")
        .arg(root().join("tests/search/parity.mjs"))
        .args(args)
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    println!("{report}");
    assert!(result.status.success(), "node disagrees:\n{report}");
}

// ------------------------------------------------------------- folding table

#[test]
fn the_scripts_folding_table_is_generated_from_the_rust_side() {
    let path = root().join("themes/default/static/search-engine.js");
    let script = std::fs::read_to_string(&path).unwrap();
    let want = tokenize::client_fold_source();
    let begin = script.find(tokenize::CLIENT_TABLE_BEGIN);
    let end = script.find(tokenize::CLIENT_TABLE_END);
    let (Some(begin), Some(end)) = (begin, end) else {
        panic!("{} lacks the folding table's marks", path.display());
    };
    let have = &script[begin..end + tokenize::CLIENT_TABLE_END.len()];
    if have != want {
        if blessing() {
            let updated = script.replacen(have, &want, 1);
            std::fs::write(&path, updated).unwrap();
            return;
        }
        panic!(
            "the folding table in {} is stale; run `FIRESIDE_BLESS=1 cargo test --test e2e search_parity::`",
            path.display()
        );
    }
}

// ------------------------------------------------------------- golden index

/// The golden fixture: a few documents with accents, scripts the client
/// folds from the manifest (CJK), headings, facets and enough terms for
/// several shards of [`GOLDEN_SHARD`] bytes.
fn golden_fixture() -> Fixture {
    let site = Fixture::new();
    site.write(
        "content/people/soren-kjaer.md",
        "---\ntitle: Søren Kjær\nrole: Tester, Århus\n---\nSøren écrit des katas; Straße, Œuvre, Ærø.\n",
    );
    site.write(
        "content/sessions/2025-03-12-kata.md",
        "---\ntitle: Kata Night\ndate: 2025-03-12\nfacilitators: [Søren Kjær]\ncommunity: Dev CoP\nformat: code kata\ntags: [tdd, refactoring]\n---\nWe refactored a legacy kata.\n\n## 北京 retrospective\n\nΚαλημέρα, Привет, naïve café.\n",
    );
    site
}

const GOLDEN_SHARD: usize = 256;

fn golden_dir() -> PathBuf {
    root().join("tests/search/golden")
}

/// The golden index as files: path under the versioned folder (or
/// `manifest.json`) and bytes, plus `expected.json`, the terms and postings
/// taken from the index in memory (not from decoding), which both decoders
/// must reproduce.
fn golden_files() -> BTreeMap<String, Vec<u8>> {
    let fixture = golden_fixture();
    let site = load(fixture.path());
    let built = search::build_with(&site, 0, GOLDEN_SHARD);
    let mut files = BTreeMap::new();
    for f in built.files {
        let Content::Bytes(bytes) = f.content else {
            panic!("index files are bytes")
        };
        let rel = match f.path.strip_prefix("search/") {
            Some("manifest.json") => "manifest.json".to_string(),
            Some(rest) => rest.split_once('/').expect("versioned").1.to_string(),
            None => panic!("index file outside search/: {}", f.path),
        };
        files.insert(rel, bytes);
    }
    let docs = index::documents(&site);
    let inverted = index::invert(&docs);
    let terms: Vec<serde_json::Value> = inverted
        .terms
        .iter()
        .map(|(t, p)| {
            let postings: Vec<[u32; 2]> = p.iter().map(|p| [p.doc, u32::from(p.score)]).collect();
            serde_json::json!([t, postings])
        })
        .collect();
    let expected = serde_json::json!({ "terms": terms, "docs": docs.len() });
    let mut text = serde_json::to_string_pretty(&expected).unwrap();
    text.push('\n');
    files.insert("expected.json".into(), text.into_bytes());
    files
}

fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

#[test]
fn the_golden_index_is_what_the_build_writes_and_decodes_in_rust() {
    let want = golden_files();
    let dir = golden_dir();
    if blessing() {
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, bytes) in &want {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    let have = read_tree(&dir);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&have),
        names(&want),
        "the golden index is stale; run `FIRESIDE_BLESS=1 cargo test --test e2e search_parity::`"
    );
    for (rel, bytes) in &want {
        assert!(
            have[rel] == *bytes,
            "tests/search/golden/{rel} is stale; run `FIRESIDE_BLESS=1 cargo test --test e2e search_parity::`"
        );
    }

    // Rust's decoder reads the checked-in shards back into the same terms.
    let manifest: serde_json::Value = serde_json::from_slice(&have["manifest.json"]).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&have["expected.json"]).unwrap();
    let shards = manifest["shards"].as_array().unwrap();
    assert!(shards.len() >= 3, "the golden index spans several shards");
    let mut decoded = Vec::new();
    for (i, first) in shards.iter().enumerate() {
        let terms = shard::decode(&have[&format!("t/{i}.bin")]).expect("golden shard decodes");
        assert_eq!(terms[0].0, first.as_str().unwrap());
        for (t, postings) in terms {
            let postings: Vec<[u32; 2]> = postings
                .iter()
                .map(|p| [p.doc, u32::from(p.score)])
                .collect();
            decoded.push(serde_json::json!([t, postings]));
        }
    }
    assert_eq!(&decoded, expected["terms"].as_array().unwrap());
    // The accented words are there, folded.
    for t in ["soren", "kjaer", "aero", "strasse", "oeuvre", "bei", "jing"] {
        assert!(decoded.iter().any(|d| d[0] == t), "`{t}` is indexed");
    }
}

#[test]
fn the_golden_index_decodes_in_node_as_in_rust() {
    if !node_available() {
        return;
    }
    run_node(&["--golden", golden_dir().to_str().unwrap()]);
}

// ------------------------------------------------------------- parity

/// Queries generated from an index and its documents' text.
fn queries(site: &Site, inverted: &index::Inverted) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for (term, _) in &inverted.terms {
        out.insert(term.clone());
        out.insert(format!("{term} "));
        out.insert(format!("\"{term}\""));
        for end in 2..term.len() {
            out.insert(term[..end].to_string());
        }
        let b = term.as_bytes();
        if b.len() >= tokenize::MIN_TERM_LEN + 3 {
            let at = b.len() / 2;
            let mut typos: Vec<Vec<u8>> = Vec::new();
            let mut deleted = b.to_vec();
            deleted.remove(at);
            typos.push(deleted);
            let mut swapped = b.to_vec();
            swapped.swap(at - 1, at);
            typos.push(swapped);
            // A swap inside the first three letters: found only when the
            // right shard is among those of the typed prefix.
            let mut early = b.to_vec();
            early.swap(0, 1);
            typos.push(early);
            let mut substituted = b.to_vec();
            substituted[b.len() - 1] = if b[b.len() - 1] == b'x' { b'y' } else { b'x' };
            typos.push(substituted);
            let mut inserted = b.to_vec();
            inserted.insert(at, b'e');
            typos.push(inserted);
            for t in typos {
                let t = String::from_utf8(t).expect("ASCII terms");
                out.insert(format!("{t} "));
                out.insert(t);
            }
        }
    }
    // Words as written, accents and capitals included, and shouted.
    let docs = index::documents(site);
    for doc in &docs {
        for (_, text) in &doc.fields {
            for word in text.unicode_words() {
                if !word.is_ascii() || word.chars().any(char::is_uppercase) {
                    out.insert(word.to_string());
                    out.insert(word.to_uppercase());
                    out.insert(format!("{} ", word.to_lowercase()));
                }
            }
        }
        // Titles as queries: several words, stop words, the last one typed.
        out.insert(doc.title.to_string());
        out.insert(doc.title.to_lowercase());
        out.insert(format!("\"{}\"", doc.title));
        let cut: String = doc
            .title
            .chars()
            .take(doc.title.chars().count() * 2 / 3)
            .collect();
        out.insert(cut);
    }
    for q in [
        "søren",
        "SØREN KJÆR",
        "katas by sofia in 2025",
        "the",
        "by the",
        "\"pair programming\" tdd",
        "京都 kata",
        "naïve CAFÉ",
        "Ærø",
        "ﬁle",
        "ＴＤＤ",
        "",
        "   ",
        "\"",
        "a b c",
    ] {
        out.insert(q.to_string());
    }
    out.into_iter().collect()
}

fn parity_case(site_dir: &Path, target: usize) {
    let site = load(site_dir);
    let out = tempfile::tempdir().unwrap();
    let firsts = write_index(&site, target, out.path());
    let docs = index::documents(&site);
    let inverted = index::invert(&docs);
    let sharded = query::Sharded::new(&inverted, &firsts);
    let stop = tokenize::stop_words(&site.config.language);
    let cases: Vec<serde_json::Value> = queries(&site, &inverted)
        .into_iter()
        .map(|q| {
            let hits = sharded.search(&query::parse(&q, stop, &inverted.fold));
            let ids: Vec<u32> = hits.iter().map(|(d, _)| *d).collect();
            let scores: Vec<f32> = hits.iter().map(|(_, s)| *s).collect();
            serde_json::json!({ "q": q, "ids": ids, "scores": scores })
        })
        .collect();
    assert!(cases.len() > 1000, "{} queries", cases.len());
    let with_results = cases
        .iter()
        .filter(|c| !c["ids"].as_array().unwrap().is_empty())
        .count();
    assert!(
        with_results * 2 > cases.len(),
        "most queries find something"
    );
    let file = out.path().join("cases.json");
    std::fs::write(&file, serde_json::to_vec(&cases).unwrap()).unwrap();
    println!(
        "{} queries over {} terms in {} shards",
        cases.len(),
        inverted.terms.len(),
        firsts.len()
    );
    run_node(&[
        "--index",
        out.path().to_str().unwrap(),
        "--cases",
        file.to_str().unwrap(),
    ]);
}

/// The example site, with a page of accented names besides.
fn example() -> Fixture {
    let site = Fixture::copy_of(&root().join("example-site"));
    site.write(
        "content/people/soren-kjaer.md",
        "---\ntitle: Søren Kjær\nrole: Tester, Århus\n---\nSøren écrit des katas; Straße, Œuvre, Ærø, naïve café, 北京.\n",
    );
    site
}

#[test]
fn the_browser_engine_ranks_like_the_rust_rules_on_many_small_shards() {
    if !node_available() {
        return;
    }
    let site = example();
    parity_case(site.path(), 1024);
}

#[test]
fn the_browser_engine_ranks_like_the_rust_rules_on_the_usual_shards() {
    if !node_available() {
        return;
    }
    let site = example();
    parity_case(site.path(), shard::TARGET);
}
