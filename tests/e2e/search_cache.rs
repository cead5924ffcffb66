//! `fireside build` keeps the search index's work between processes
//! (issue 11): the analysed form of every document, in a file beside the
//! output manifest, so a new build tokenises only the documents that
//! changed, and a record of the index it wrote, so a build whose inputs all
//! match keeps the output's index files and builds nothing. Each build here
//! is a new `build::build` with nothing shared in memory, as a new process
//! is. Whatever the cache file holds (nothing, garbage, half of itself), the
//! output is byte for byte a clean build's.

use std::path::{Path, PathBuf};

use fireside::build::BuildReport;
use fireside::search::{self, Stats, shard};

use crate::harness::{SiteTest, snapshot};

fn session(title: &str, body: &str) -> String {
    let date = match title {
        "Kata night" => "2026-03-02",
        "Mob programming" => "2026-04-06",
        _ => "2026-05-04",
    };
    format!(
        "---\ntitle: {title}\ndate: {date}\nfacilitators: [Ana Ruiz]\ntags: [testing]\n---\n{body}\n"
    )
}

const KATA: &str = "content/sessions/dev/2026-03-02-kata.md";
const MOB: &str = "content/sessions/dev/2026-04-06-mob.md";

/// A site and the cache folder its builds share.
struct Warm {
    site: SiteTest,
    cache: tempfile::TempDir,
}

impl Warm {
    fn new() -> Warm {
        let site = SiteTest::new()
            .file(
                KATA,
                &session(
                    "Kata night",
                    "We practised katas.\n\n## Outcome\n\nGreen bars, Łódź style.",
                ),
            )
            .file(
                MOB,
                &session("Mob programming", "One keyboard, many minds."),
            )
            .file(
                "content/about.md",
                "---\ntitle: About\n---\n## History\n\nWe started in 2020.\n",
            );
        Warm {
            site,
            cache: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `fireside build --cache-dir <cache>`, in process.
    fn build(&self) -> BuildReport {
        let cache = self.cache.path().to_path_buf();
        self.site.build_with(|o| o.cache_dir = Some(cache)).ok()
    }

    /// The search cache file of the site's output.
    fn search_file(&self) -> PathBuf {
        let found: Vec<PathBuf> = std::fs::read_dir(self.cache.path())
            .expect("cache folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with("search-") && name.ends_with(".bin")
            })
            .collect();
        assert_eq!(found.len(), 1, "one search cache per output: {found:?}");
        found.into_iter().next().unwrap()
    }

    /// The output must be a clean build's (no cache, no previous output),
    /// file for file.
    #[track_caller]
    fn assert_clean(&self, what: &str) {
        let clean_root = tempfile::tempdir().unwrap();
        let (clean, cache) = (clean_root.path().join("out"), clean_root.path().join("c"));
        self.site
            .build_with(|o| {
                o.output = Some(clean.clone());
                o.cache_dir = Some(cache);
            })
            .ok();
        let (warm, clean) = (snapshot(&self.site.out()), snapshot(&clean));
        assert_eq!(
            warm.keys().collect::<Vec<_>>(),
            clean.keys().collect::<Vec<_>>(),
            "{what}: not the files of a clean build"
        );
        for (path, bytes) in &clean {
            assert!(
                warm[path] == *bytes,
                "{what}: `{path}` differs from a clean build's"
            );
        }
    }
}

fn stats(report: &BuildReport) -> &Stats {
    report.search.as_ref().expect("search is on")
}

/// The titles of the documents the output's index has `term` in.
fn titles_with(out: &Path, term: &str) -> Vec<String> {
    let read = |rel: &str| std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(search::MANIFEST)).expect("manifest is JSON");
    let dir = manifest["dir"].as_str().expect("folder").to_string();
    let shards = manifest["shards"].as_array().expect("shards").len();
    let chunk = manifest["chunk"].as_u64().expect("chunk") as u32;
    let mut titles = Vec::new();
    for i in 0..shards {
        let terms = shard::decode(&read(&format!("{dir}t/{i}.bin"))).expect("shard decodes");
        for (_, postings) in terms.into_iter().filter(|(t, _)| t == term) {
            for p in postings {
                let file = read(&format!("{dir}d/{}.json", p.doc / chunk));
                let records: Vec<serde_json::Value> = serde_json::from_slice(&file).unwrap();
                let record = &records[(p.doc % chunk) as usize];
                titles.push(record["t"].as_str().expect("title").to_string());
            }
        }
    }
    titles.sort();
    titles
}

#[test]
fn a_new_build_reuses_the_analyses_and_keeps_an_unchanged_index() {
    let warm = Warm::new();
    let cold = warm.build();
    let docs = stats(&cold).docs;
    assert!(docs >= 3, "{:?}", cold.search);
    assert_eq!(stats(&cold).analysed, docs, "a cold build analyses all");
    assert!(!stats(&cold).kept);
    let stored = std::fs::read(warm.search_file()).expect("the cache is written");

    let again = warm.build();
    assert!(stats(&again).kept, "nothing changed: the index is kept");
    assert_eq!(stats(&again).analysed, 0, "and nothing is analysed");
    assert!(again.written.is_empty(), "{:?}", again.written);
    let figures = |s: &Stats| Stats {
        analysed: 0,
        kept: false,
        ..s.clone()
    };
    assert_eq!(
        figures(stats(&again)),
        figures(stats(&cold)),
        "same figures"
    );
    assert_eq!(
        std::fs::read(warm.search_file()).unwrap(),
        stored,
        "a kept index leaves its cache as it was"
    );
    warm.assert_clean("nothing changed");
}

#[test]
fn a_changed_document_is_analysed_again_and_found_by_its_new_word() {
    let warm = Warm::new();
    warm.build();
    let kata = "Kata night".to_string();
    assert!(titles_with(&warm.site.out(), "katas").contains(&kata));
    warm.site.write(
        KATA,
        &session(
            "Kata night",
            "We tried a zeppelin kata.\n\n## Outcome\n\nRed bars.",
        ),
    );
    let edited = warm.build();
    assert_eq!(stats(&edited).analysed, 1, "only the edited session");
    assert!(!stats(&edited).kept);
    let out = warm.site.out();
    assert!(
        titles_with(&out, "zeppelin").contains(&kata),
        "the new word"
    );
    assert!(
        !titles_with(&out, "katas").contains(&kata),
        "the old word is gone"
    );
    assert!(titles_with(&out, "minds").contains(&"Mob programming".to_string()));
    warm.assert_clean("one session edited");

    let after = warm.build();
    assert!(stats(&after).kept, "the edit is recorded: kept again");
}

#[test]
fn a_moved_document_keeps_its_analysis_but_not_the_index() {
    // A new file name is a new path in the record, not new words.
    let warm = Warm::new();
    warm.build();
    let text = warm.site.source(MOB);
    warm.site.remove(MOB);
    warm.site
        .write("content/sessions/dev/2026-04-06-mobbing.md", &text);
    let moved = warm.build();
    assert_eq!(stats(&moved).analysed, 0, "the same fields");
    assert!(!stats(&moved).kept, "a record changed");
    warm.assert_clean("one session moved");
}

#[test]
fn a_damaged_cache_file_changes_nothing_in_the_output() {
    type Damage = fn(&[u8]) -> Vec<u8>;
    let damages: &[(&str, Damage)] = &[
        ("empty", |_| Vec::new()),
        ("garbage", |b| vec![0xA5; b.len()]),
        ("another format", |b| {
            [b"FSSRCH99".as_slice(), &b[8..]].concat()
        }),
        ("cut in the head", |b| b[..20].to_vec()),
        ("cut in half", |b| b[..b.len() / 2].to_vec()),
        ("one byte short", |b| b[..b.len() - 1].to_vec()),
        ("a byte of the head flipped", |b| flip(b, 60)),
        ("a byte of the analyses flipped", |b| flip(b, b.len() - 5)),
        ("a huge length", |b| {
            let mut b = b.to_vec();
            b[8..16].copy_from_slice(&u64::MAX.to_le_bytes());
            b
        }),
    ];
    for (what, damage) in damages {
        let warm = Warm::new();
        let cold = warm.build();
        let file = warm.search_file();
        let bytes = std::fs::read(&file).unwrap();
        std::fs::write(&file, damage(&bytes)).unwrap();
        // An edit, so that the index is built and the analyses read.
        warm.site.write(
            MOB,
            &session("Mob programming", "One keyboard, many zeppelins."),
        );
        let built = warm.build();
        assert!(!stats(&built).kept, "{what}");
        assert_eq!(
            stats(&built).analysed,
            stats(&cold).docs,
            "{what}: a damaged cache is no cache"
        );
        let found = titles_with(&warm.site.out(), "zeppelins");
        assert!(
            found.contains(&"Mob programming".to_string()),
            "{what}: {found:?}"
        );
        warm.assert_clean(what);
        let next = warm.build();
        assert!(stats(&next).kept, "{what}: the cache is whole again");
    }
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x41;
    b
}

#[test]
fn a_deleted_cache_file_gives_the_same_output() {
    let warm = Warm::new();
    warm.build();
    let before = snapshot(&warm.site.out());
    std::fs::remove_file(warm.search_file()).unwrap();
    let rebuilt = warm.build();
    assert!(!stats(&rebuilt).kept);
    assert_eq!(stats(&rebuilt).analysed, stats(&rebuilt).docs);
    assert!(rebuilt.written.is_empty(), "{:?}", rebuilt.written);
    assert!(before == snapshot(&warm.site.out()), "the same bytes");
    warm.assert_clean("cache deleted");
}

#[test]
fn an_index_file_edited_by_hand_is_made_again() {
    let warm = Warm::new();
    warm.build();
    let manifest = warm.site.out().join(search::MANIFEST);
    std::fs::remove_file(&manifest).unwrap();
    std::fs::write(&manifest, "{}").unwrap();
    let rebuilt = warm.build();
    assert!(
        !stats(&rebuilt).kept,
        "the output no longer holds the index"
    );
    assert_eq!(stats(&rebuilt).analysed, 0, "but the analyses hold");
    assert!(
        rebuilt.written.iter().any(|f| f == search::MANIFEST),
        "{:?}",
        rebuilt.written
    );
    warm.assert_clean("manifest edited");
}

#[test]
fn the_cache_holds_only_the_last_builds_documents() {
    let warm = Warm::new();
    warm.build();
    let small = std::fs::read(warm.search_file()).unwrap();
    let words: Vec<String> = (0..3000).map(|i| format!("word{i}x")).collect();
    let big = "content/sessions/dev/2026-05-04-big.md";
    warm.site.write(big, &session("Big", &words.join(" ")));
    warm.build();
    let grown = std::fs::read(warm.search_file()).unwrap();
    assert!(
        grown.len() > small.len() + 3000,
        "{} {}",
        grown.len(),
        small.len()
    );
    warm.site.remove(big);
    let back = warm.build();
    assert_eq!(stats(&back).analysed, 0);
    assert!(
        std::fs::read(warm.search_file()).unwrap() == small,
        "the big session's terms left with it"
    );
    warm.assert_clean("a session added and removed");
}

#[test]
fn the_search_script_size_is_an_input_of_the_index_figures() {
    // The budget counts the site's own search script: a new one changes the
    // figures, though not a byte of the index.
    let warm = Warm::new();
    let cold = warm.build();
    warm.site
        .write("static/assets/search.js", &"// big\n".repeat(20_000));
    let bigger = warm.build();
    assert!(!stats(&bigger).kept);
    assert!(
        stats(&bigger).first_query_max > stats(&cold).first_query_max,
        "{:?}",
        bigger.search
    );
    warm.assert_clean("a site's own search script");
}
