//! The search page in a real browser: `tests/browser/search.mjs` drives
//! Debian's chromium with playwright-core against the built example site,
//! served from 127.0.0.1, once at the root and once under a sub-path.
//!
//! It needs node, `npm ci` (playwright-core) and chromium (`apt-get install
//! chromium`); `scripts/test` installs them. A missing tool fails the test
//! under `scripts/test` and in CI, and is reported as a skip otherwise (see
//! `tests/tools/mod.rs`), like html_validation.rs.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use fireside::pipeline::{self, BuildOptions};
use fireside::search::{index, query, tokenize};

fn chromium() -> PathBuf {
    std::env::var_os("FIRESIDE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Why the browser test cannot run here, if it cannot.
fn missing_tool() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !root
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        return Some("playwright-core is not installed; run `npm ci`".into());
    }
    if !chromium().is_file() {
        return Some(format!(
            "{} is missing; run `apt-get install chromium`",
            chromium().display()
        ));
    }
    None
}

/// What the Rust reference matcher ranks first for each query, by title:
/// the browser's engine must agree.
fn expectations(site_dir: &Path) -> serde_json::Value {
    let mut opts = BuildOptions::new(site_dir);
    opts.now = Some(NOW.parse().unwrap());
    let site = pipeline::load_site(&opts).expect("example site loads");
    let docs = index::documents(&site);
    let inverted = index::invert(&docs);
    let stop = tokenize::stop_words(&site.config.language);
    let mut out = serde_json::Map::new();
    for q in [
        "tdd",
        "refactoring",
        "refactorign",
        "refac",
        "mob programming",
        "lucia",
        "katas by sofia",
        "lean coffee",
        "feature flags",
    ] {
        let hits = query::search(&inverted, &query::parse(q, stop));
        assert!(!hits.is_empty(), "no result for {q:?}");
        let titles: Vec<&str> = hits
            .iter()
            .take(5)
            .map(|(d, _)| docs[*d as usize].title)
            .collect();
        out.insert(q.to_string(), titles.into());
    }
    out.into()
}

fn run_browser(out: &Path, base: &str, expect: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/search.mjs");
    let result = Command::new("node")
        .arg(script)
        .args(["--site", out.to_str().unwrap(), "--base", base])
        .args(["--expect", expect.to_str().unwrap()])
        .env("FIRESIDE_CHROMIUM", chromium())
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    println!("{report}");
    assert!(
        result.status.success(),
        "browser test failed (base {base}):\n{report}"
    );
}

#[test]
fn search_works_in_a_real_browser_at_the_root_and_under_a_sub_path() {
    if !tools::available("node, playwright-core and chromium", missing_tool()) {
        return;
    }
    let site = Fixture::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"));
    let expect = site.path().join("expect.json");
    std::fs::write(&expect, expectations(site.path()).to_string()).unwrap();
    for (base_url, base) in [("/", "/"), ("https://example.org/cop/", "/cop/")] {
        assert_success(&site.build(&["--base-url", base_url]));
        run_browser(&site.out(), base, &expect);
    }
}
