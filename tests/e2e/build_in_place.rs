//! `fireside build` into its own earlier output (issue 11): it writes only
//! the files whose bytes changed and removes only files it wrote that are
//! gone, and the result is byte for byte a clean build's. A failed build
//! leaves the output untouched, and files Fireside did not write (or that
//! were edited by hand since) are never trusted nor removed.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use crate::harness::{SiteTest, snapshot};

/// Every file of an output folder -> its inode: a file rewritten (by an
/// atomic rename) gets a new one, a file left alone keeps it.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, e.metadata().unwrap().ino())
        })
        .collect()
}

/// One step of the table: what changes in the sources.
type Edit = fn(&SiteTest);

const SESSION: &str = "content/sessions/dev/2026-03-02-kata.md";

fn session(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-03-02\nstart: \"18:00\"\nfacilitators: [Ana Ruiz]\ntags: [testing]\npatterns: [tdd]\n---\n{body}\n"
    )
}

const STEPS: &[(&str, Edit)] = &[
    ("nothing changed", |_| {}),
    ("a body edit", |s| {
        s.write(SESSION, &session("Kata", "We practised katas, again."))
    }),
    ("a title change seen on lists", |s| {
        s.write(
            SESSION,
            &session("Bowling kata", "We practised katas, again."),
        )
    }),
    ("a new session", |s| {
        s.write(
            "content/sessions/dev/2026-04-06-mob.md",
            "---\ntitle: Mob programming\ndate: 2026-04-06\nfacilitators: [Ana Ruiz]\ntags: [teamwork]\n---\nOne keyboard.\n",
        )
    }),
    ("a session removed, with its tag", |s| {
        s.remove("content/sessions/dev/2026-04-06-mob.md")
    }),
    ("a new static file", |s| {
        s.write("static/files/notes.txt", "notes\n")
    }),
    ("the static file removed", |s| {
        s.remove("static/files/notes.txt")
    }),
    ("site.yaml changes every page", |s| {
        s.write("site.yaml", "title: Renamed CoP\ntimezone: Europe/Madrid\n")
    }),
];

#[test]
fn each_in_place_build_gives_a_clean_builds_bytes_and_rewrites_only_changes() {
    let site = SiteTest::new().file(SESSION, &session("Kata", "We practised katas."));
    site.build().ok();
    let clean_root = tempfile::tempdir().unwrap();
    for (i, (what, edit)) in STEPS.iter().enumerate() {
        let before = inodes(&site.out());
        edit(&site);
        let report = site.build().ok();
        let clean = clean_root.path().join(format!("clean-{i}"));
        site.build_with(|o| o.output = Some(clean.clone())).ok();
        let (in_place, fresh) = (snapshot(&site.out()), snapshot(&clean));
        assert_eq!(
            in_place.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{what}: the in-place output holds other files than a clean build"
        );
        for (file, bytes) in &fresh {
            assert!(
                in_place[file] == *bytes,
                "{what}: `{file}` differs from a clean build"
            );
        }
        // Only what the report says was written has a new inode.
        let after = inodes(&site.out());
        let mut rewritten: Vec<&String> = after
            .iter()
            .filter(|(file, ino)| before.get(*file) != Some(ino))
            .map(|(file, _)| file)
            .collect();
        rewritten.sort();
        let reported: Vec<&String> = report.written.iter().collect();
        assert_eq!(rewritten, reported, "{what}: rewritten files");
        if *what == "nothing changed" {
            assert!(
                report.written.is_empty() && report.removed.is_empty(),
                "{what}"
            );
        }
        if *what == "a body edit" {
            assert!(
                report
                    .written
                    .iter()
                    .any(|f| f.contains("2026-03-02-kata/index.html"))
                    && !report.written.iter().any(|f| {
                        f == "index.html"
                            || f == "patterns/tdd/index.html"
                            || f.starts_with("assets/")
                    }),
                "{what}: {:?}",
                report.written
            );
        }
        if *what == "a session removed, with its tag" {
            assert!(
                report.removed.iter().any(|f| f.contains("2026-04-06-mob")),
                "{:?}",
                report.removed
            );
        }
    }
}

#[test]
fn a_failed_build_leaves_the_output_untouched() {
    let site = SiteTest::new().file(SESSION, &session("Kata", "We practised katas."));
    site.build().ok();
    let (bytes, files) = (snapshot(&site.out()), inodes(&site.out()));
    // A body edit (rendered and staged) plus a broken link elsewhere.
    site.write(SESSION, &session("Kata", "Changed body."));
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nSee [x](missing.md).\n",
    );
    site.build().failed();
    assert_eq!(bytes, snapshot(&site.out()), "bytes changed");
    assert_eq!(files, inodes(&site.out()), "files were rewritten");
    let parent = site.out().parent().unwrap().to_path_buf();
    let leftovers: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fireside-new") || n.contains("fireside-old"))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
    // Fixed, the next build picks up the body edit.
    site.remove("content/about.md");
    site.build().ok();
    assert!(
        site.read_out("sessions/2026-03-02-kata/index.html")
            .contains("Changed body.")
    );
}

#[test]
fn files_not_written_by_fireside_are_kept_and_hand_edits_are_repaired() {
    let site = SiteTest::new().file(SESSION, &session("Kata", "We practised katas."));
    site.build().ok();
    let page = "sessions/2026-03-02-kata/index.html";
    let clean = site.read_out(page);
    std::fs::write(site.out().join("CNAME"), "cop.example.org\n").unwrap();
    std::fs::write(site.out().join(page), "edited by hand").unwrap();
    let report = site.build().ok();
    assert_eq!(
        site.read_out("CNAME"),
        "cop.example.org\n",
        "a file it did not write"
    );
    assert_eq!(site.read_out(page), clean, "a hand edit is not trusted");
    assert!(
        report.written.iter().any(|f| f == page),
        "{:?}",
        report.written
    );
    // Gone from the sources, the page goes; the user's file stays.
    site.remove(SESSION);
    let report = site.build().ok();
    assert!(
        report.removed.iter().any(|f| f == page),
        "{:?}",
        report.removed
    );
    assert!(!site.out().join(page).exists());
    assert!(site.out().join("CNAME").exists());
}
