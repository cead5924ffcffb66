//! The search index updated incrementally: the preview's worker (and a
//! long-lived builder) re-analyse only the documents that changed, yet the
//! files they leave are, after every edit, the bytes of a clean build's.

use std::collections::BTreeMap;
use std::path::Path;

use fireside::build::{Builder, Changed, Target};
use fireside::search;
use fireside::serve::search::SearchWorker;

use crate::harness::{SiteTest, snapshot};

fn session(title: &str, body: &str, facilitators: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2025-03-12\ncommunity: Dev CoP\nfacilitators: [{facilitators}]\ntags: [tdd]\n---\n{body}\n"
    )
}

fn site() -> SiteTest {
    SiteTest::new()
        .file(
            "content/sessions/dev/kata.md",
            &session(
                "Kata night",
                "We practised a kata.\n\n## Outcome\n\nGreen bars.",
                "Ana Ruiz",
            ),
        )
        .file(
            "content/sessions/dev/retro.md",
            &session("Retro", "What went well.", "Ana Ruiz"),
        )
        .file("content/about.md", "---\ntitle: About\n---\nWho we are.\n")
}

/// The search files a site's output holds: the manifest and the versioned
/// folder it names (the preview keeps the previous folder one more round
/// for open search pages; a clean build has only the current one).
fn search_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let all = snapshot(out);
    let Some(manifest) = all.get(search::MANIFEST) else {
        return BTreeMap::new();
    };
    let value: serde_json::Value = serde_json::from_slice(manifest).expect("manifest is JSON");
    let dir = value["dir"]
        .as_str()
        .expect("manifest names its folder")
        .to_string();
    all.into_iter()
        .filter(|(path, _)| path == search::MANIFEST || path.starts_with(&dir))
        .collect()
}

/// A clean `fireside build` of the site as it is now: its search files.
fn clean(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    site.build().ok();
    search_files(&site.out())
}

fn assert_same(preview: &BTreeMap<String, Vec<u8>>, clean: &BTreeMap<String, Vec<u8>>, step: &str) {
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(preview),
        names(clean),
        "after {step}: the files differ"
    );
    for (path, bytes) in clean {
        assert!(
            preview[path] == *bytes,
            "after {step}: `{path}` differs from a clean build's"
        );
    }
}

/// One step of an edit script: what it does to the site's sources.
type Edit<'a> = &'a dyn Fn(&SiteTest);

#[test]
fn the_previews_index_after_every_edit_is_a_clean_builds() {
    let site = site();
    let preview = tempfile::tempdir().expect("temp dir");
    let out = preview.path().join("out");
    let mut builder = Builder::new(site.options()).with_deferred_search();
    let worker = SearchWorker::start(out.clone());
    let rebuild = |builder: &mut Builder, step: &str| {
        let report = builder
            .build(Target::Folder(&out), Changed::Unknown)
            .unwrap_or_else(|e| panic!("{step}: {:?}", e.diagnostics()));
        worker.update(report.site);
        worker.flush();
        assert_same(&search_files(&out), &clean(&site), step);
    };
    rebuild(&mut builder, "the first build");
    let first = search_files(&out);
    assert!(first.len() > 3, "an index was written: {:?}", first.keys());

    let steps: &[(&str, Edit)] = &[
        ("a body edit", &|s| {
            s.write(
                "content/sessions/dev/kata.md",
                &session(
                    "Kata night",
                    "We practised a harder kata.\n\n## Outcome\n\nGreen bars.",
                    "Ana Ruiz",
                ),
            )
        }),
        ("a retitle", &|s| {
            s.write(
                "content/sessions/dev/retro.md",
                &session("Retrospective", "What went well.", "Ana Ruiz"),
            )
        }),
        ("a new session in other scripts", &|s| {
            s.write(
                "content/sessions/dev/cafe.md",
                &session("Café in 北京", "Łódź, Straße and naïve words.", "Ana Ruiz"),
            )
        }),
        (
            "a new facilitator, which shifts the facet's positions",
            &|s| {
                s.write(
                    "content/people/bo-chen.md",
                    "---\ntitle: Bo Chen\nrole: Tester\n---\nBo tests.\n",
                );
                s.write(
                    "content/sessions/dev/retro.md",
                    &session("Retrospective", "What went well.", "Bo Chen, Ana Ruiz"),
                )
            },
        ),
        ("a deleted session", &|s| {
            s.remove("content/sessions/dev/kata.md")
        }),
        ("the first sources again", &|s| {
            s.remove("content/sessions/dev/cafe.md");
            s.remove("content/people/bo-chen.md");
            s.write(
                "content/sessions/dev/kata.md",
                &session(
                    "Kata night",
                    "We practised a kata.\n\n## Outcome\n\nGreen bars.",
                    "Ana Ruiz",
                ),
            );
            s.write(
                "content/sessions/dev/retro.md",
                &session("Retro", "What went well.", "Ana Ruiz"),
            );
        }),
        ("search turned off", &|s| {
            s.write(
                "site.yaml",
                "title: Test CoP\ntimezone: Europe/Madrid\nsearch:\n  enabled: false\n",
            )
        }),
        ("search turned on again", &|s| {
            s.write("site.yaml", "title: Test CoP\ntimezone: Europe/Madrid\n")
        }),
    ];
    for (step, edit) in steps {
        edit(&site);
        rebuild(&mut builder, step);
    }
    assert_eq!(
        search_files(&out),
        first,
        "the same sources, the same index"
    );
    worker.stop();
}

#[test]
fn an_update_writes_only_the_files_whose_bytes_changed() {
    use std::os::unix::fs::MetadataExt;
    let site = site();
    let preview = tempfile::tempdir().expect("temp dir");
    let out = preview.path().join("out");
    let mut builder = Builder::new(site.options()).with_deferred_search();
    let worker = SearchWorker::start(out.clone());
    let report = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("builds");
    worker.update(report.site);
    worker.flush();
    let before = search_files(&out);
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nWho we are, and where.\n",
    );
    let report = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("builds");
    worker.update(report.site);
    worker.flush();
    let after = search_files(&out);
    assert_ne!(
        before[search::MANIFEST],
        after[search::MANIFEST],
        "a new version"
    );
    // A record file is named by its document's position: the sessions'
    // records did not change, and are the previous version's files, linked.
    let inside = |path: &str| path.splitn(3, '/').nth(2).unwrap_or_default().to_string();
    let old: BTreeMap<String, &Vec<u8>> = before.iter().map(|(p, b)| (inside(p), b)).collect();
    let same_bytes: Vec<&String> = after
        .iter()
        .filter(|(p, b)| p.contains("/d/") && old.get(&inside(p)) == Some(b))
        .map(|(p, _)| p)
        .collect();
    assert!(same_bytes.len() >= 2, "unchanged records: {same_bytes:?}");
    for path in same_bytes {
        let links = std::fs::metadata(out.join(path)).expect("exists").nlink();
        assert!(links >= 2, "`{path}` was written again instead of linked");
    }
    worker.stop();
}

#[test]
fn only_changed_documents_are_analysed_again() {
    let site = site();
    let mut cache = search::Cache::default();
    let load = || fireside::build::load_site(&site.options()).expect("loads");
    let first = search::build_cached(&load(), 0, search::shard::TARGET, &mut cache);
    let docs = first.stats.docs;
    assert_eq!(
        cache.analyses.analysed_last, docs,
        "a cold cache analyses every document"
    );
    let again = search::build_cached(&load(), 0, search::shard::TARGET, &mut cache);
    assert_eq!(
        cache.analyses.analysed_last, 0,
        "nothing changed, nothing analysed"
    );
    assert_eq!(files(&again), files(&first));

    site.write(
        "content/sessions/dev/retro.md",
        &session("Retro", "What went well, and what did not.", "Ana Ruiz"),
    );
    let edited = load();
    let incremental = search::build_cached(&edited, 0, search::shard::TARGET, &mut cache);
    assert_eq!(cache.analyses.analysed_last, 1, "one body changed");
    assert_eq!(files(&incremental), files(&search::build(&edited, 0)));
}

fn files(index: &search::SearchIndex) -> Vec<(String, Vec<u8>)> {
    index
        .files
        .iter()
        .map(|f| match &f.content {
            search::Content::Bytes(b) => (f.path.clone(), b.clone()),
            other => panic!("{}: not bytes: {other:?}", f.path),
        })
        .collect()
}
