//! The search index as a build writes it: the files the manifest promises,
//! shards that decode to sorted terms, records that match the pages, and
//! the switch that turns search off. The browser side is search_browser.rs.

use crate::harness::*;
use fireside::search::shard;

fn example() -> SiteTest {
    SiteTest::example()
}

fn manifest(site: &SiteTest) -> serde_json::Value {
    serde_json::from_str(&site.read_out("search/manifest.json")).expect("manifest is JSON")
}

#[test]
fn the_manifest_names_every_index_file_and_shards_hold_sorted_terms() {
    let site = example();
    let built = site.build_for("https://example.org/cop/").ok();
    let summary = built.search.as_ref().expect("search stats").summary();
    assert!(summary.contains("Search index: "), "{summary}");
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
    let site = example().base_url("https://example.org/cop/");
    site.build().ok();
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
    let site = SiteTest::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nsearch:\n  enabled: false\n",
    );
    let built = site.build().ok();
    assert!(built.search.is_none(), "no search index, no summary of it");
    assert!(!site.out().join("search").exists());
    assert!(select(&site.html("index.html"), "form[role=search]").is_empty());
}

/// All records of a built index, in id order.
fn records(site: &SiteTest) -> Vec<serde_json::Value> {
    let m = manifest(site);
    let dir = m["dir"].as_str().unwrap();
    let docs = m["docs"].as_u64().unwrap() as usize;
    let chunk = m["chunk"].as_u64().unwrap() as usize;
    let mut out = Vec::new();
    for i in 0..docs.div_ceil(chunk) {
        let list: Vec<serde_json::Value> =
            serde_json::from_str(&site.read_out(&format!("{dir}d/{i}.json"))).unwrap();
        out.extend(list);
    }
    out
}

#[test]
fn records_keep_each_section_apart_under_its_heading() {
    let site = SiteTest::new();
    site.build().ok();
    let tdd = records(&site)
        .into_iter()
        .find(|r| r["t"] == "Test-Driven Development")
        .expect("the pattern's record");
    // No text before the first heading; each section's text without the
    // next heading's words, so a snippet never runs across a heading.
    assert!(tdd.get("x").is_none(), "{tdd}");
    assert_eq!(
        tdd["h"],
        serde_json::json!([
            ["when-to-use", "When to use", "Always."],
            ["pitfalls", "Pitfalls", "Some."]
        ])
    );
}

#[test]
fn sub_results_link_to_headings_that_exist() {
    let site = example();
    site.build_for("/cop/").ok();
    let mut checked = 0;
    for r in records(&site) {
        let Some(sections) = r["h"].as_array() else {
            continue;
        };
        let page = site.html(&format!("{}index.html", r["u"].as_str().unwrap()));
        for s in sections {
            let (id, title) = (s[0].as_str().unwrap(), s[1].as_str().unwrap());
            let heading = select(&page, &format!("[id='{id}']"));
            assert_eq!(heading.len(), 1, "{}#{id}", r["u"]);
            let text: String = heading[0].text().collect();
            assert!(
                text.starts_with(title),
                "{}#{id}: {text:?} vs {title:?}",
                r["u"]
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked} sections");
}

#[test]
fn the_header_box_loads_its_script_as_a_module_and_works_as_a_plain_form() {
    let site = example();
    site.build_for("/cop/").ok();
    let page = site.html("patterns/index.html");
    let form = select(&page, "header form[data-search-box]");
    assert_eq!(form.len(), 1);
    let form = form[0].value();
    assert_eq!(form.attr("method"), Some("get"));
    assert_eq!(
        form.attr("data-manifest"),
        Some("/cop/search/manifest.json")
    );
    assert_eq!(form.attr("data-base"), Some("/cop/"));
    assert_eq!(select(&page, "header input[name=q][type=search]").len(), 1);
    let script = select(
        &page,
        "script[type=module][src='/cop/assets/search-box.js']",
    );
    assert_eq!(script.len(), 1);
    for asset in ["search-box.js", "search-engine.js", "search.js"] {
        let js = site.read_out(&format!("assets/{asset}"));
        assert!(
            js.contains("export ") || js.contains("import ") || js.contains("import.meta"),
            "{asset} is an ES module"
        );
    }
    let search = site.html("search/index.html");
    assert_eq!(
        select(&search, "script[type=module][src='/cop/assets/search.js']").len(),
        1
    );
}
