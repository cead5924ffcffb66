//! The search index as a build writes it: the files the manifest promises,
//! shards that decode to sorted terms, records that match the pages, and
//! the switch that turns search off. The browser side is search_browser.rs.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::*;
use fireside::search::shard;

fn example() -> Fixture {
    Fixture::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"))
}

fn manifest(site: &Fixture) -> serde_json::Value {
    serde_json::from_str(&site.read_out("search/manifest.json")).expect("manifest is JSON")
}

#[test]
fn the_manifest_names_every_index_file_and_shards_hold_sorted_terms() {
    let site = example();
    let built = site.build(&["--base-url", "https://example.org/cop/"]);
    assert_success(&built);
    assert!(
        stdout(&built).contains("Search index: "),
        "{}",
        stdout(&built)
    );
    let m = manifest(&site);
    let dir = m["dir"].as_str().unwrap();
    assert!(dir.starts_with("search/") && dir.ends_with('/'));

    let firsts: Vec<String> = m["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let mut all_terms = Vec::new();
    for (i, first) in firsts.iter().enumerate() {
        let bytes = std::fs::read(site.out().join(format!("{dir}t/{i}.bin"))).unwrap();
        let terms = shard::decode(&bytes).expect("shard decodes");
        assert_eq!(
            &terms[0].0, first,
            "shard {i} starts where the manifest says"
        );
        all_terms.extend(terms.into_iter().map(|(t, _)| t));
    }
    assert!(
        all_terms.windows(2).all(|w| w[0] < w[1]),
        "terms sorted, once each"
    );
    for word in ["refactoring", "tdd", "lucia", "kata", "2025"] {
        assert!(all_terms.iter().any(|t| t == word), "`{word}` is indexed");
    }

    // Records: every document, with links that exist under the base path.
    let docs = m["docs"].as_u64().unwrap() as usize;
    let chunk = m["chunk"].as_u64().unwrap() as usize;
    let mut records = Vec::new();
    for i in 0..docs.div_ceil(chunk) {
        let text = site.read_out(&format!("{dir}d/{i}.json"));
        let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        records.extend(list);
    }
    assert_eq!(records.len(), docs);
    for r in &records {
        let path = r["u"].as_str().unwrap();
        assert!(
            site.out().join(path).join("index.html").is_file(),
            "record links to a page that exists: {path}"
        );
    }
    // Sessions come first, newest first: sorting by date is sorting by id.
    let dates: Vec<&str> = records.iter().filter_map(|r| r["d"].as_str()).collect();
    assert!(dates.len() > 10);
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");

    // Facets: counts match the lists; list facets have their files.
    for f in m["facets"].as_array().unwrap() {
        if let Some(file) = f["file"].as_str() {
            assert!(site.out().join(dir).join(file).is_file(), "{file}");
        }
        assert!(!f["values"].as_array().unwrap().is_empty());
    }
}

#[test]
fn pages_have_a_search_box_and_the_search_page_exists() {
    let site = example();
    assert_success(&site.build(&["--base-url", "/cop/"]));
    let home = site.html("index.html");
    let form = select(&home, "header form[role=search]");
    assert_eq!(form.len(), 1);
    assert_eq!(form[0].value().attr("action"), Some("/cop/search/"));
    assert_eq!(select(&home, "label[for=site-search-q]").len(), 1);

    let page = site.html("search/index.html");
    assert!(
        select(&page, "header form[role=search]").is_empty(),
        "no second box"
    );
    let root = select(&page, "#search");
    assert_eq!(
        root[0].value().attr("data-manifest"),
        Some("/cop/search/manifest.json")
    );
    assert_eq!(root[0].value().attr("data-base"), Some("/cop/"));
    assert_eq!(
        select(&page, "script[src='/cop/assets/search.js']").len(),
        1
    );
    assert!(site.out().join("assets/search.js").is_file());
    assert!(!site.read_out("sitemap.xml").contains("/search/"));
}

#[test]
fn search_can_be_turned_off() {
    let site = Fixture::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nsearch:\n  enabled: false\n",
    );
    let built = site.build(&[]);
    assert_success(&built);
    assert!(!stdout(&built).contains("Search index"));
    assert!(!site.out().join("search").exists());
    assert!(select(&site.html("index.html"), "form[role=search]").is_empty());
}
