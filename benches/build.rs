//! `cargo bench`: a 1,000-page site (bench/generate.py, the corpus of
//! bench/run.sh) built through the library, three ways:
//!
//! - **cold**: a new builder, no highlight cache, an empty output folder;
//! - **warm**: the same builder again, nothing changed (the preview's and a
//!   repeated `fireside build`'s case: every page's fingerprint matches);
//! - **incremental**: the same builder after one session's text changed
//!   (the preview after a save).
//!
//! Small samples by default, so the whole run takes about a minute on two
//! cores: `cargo bench`, or `cargo bench -- warm` for one of them, or
//! `cargo bench -- --sample-count 20` for steadier figures. Timings of a
//! busy machine are noise: bench/run.sh measures CPU time and memory too.
//! `FIRESIDE_BENCH_PAGES` picks another size.

// A benchmark makes its fixture site on disk: the I/O boundary
// (clippy.toml) is the library's, not this file's.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use divan::Bencher;
use fireside::build::{BuildOptions, Builder, Changed, Target};

fn main() {
    divan::main();
}

/// The build clock every run uses, as bench/run.sh does: the upcoming/past
/// split is the same every run.
const NOW: &str = "2026-11-24T12:00:00Z";

/// The generated site, made once per run in a temp folder.
fn site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let pages = std::env::var("FIRESIDE_BENCH_PAGES").unwrap_or_else(|_| "1000".into());
        let dir = tempfile::tempdir().expect("a temp folder for the site");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let status = Command::new("python3")
            .arg(root.join("bench/generate.py"))
            .arg(dir.path().join("site"))
            .args(["--pages", &pages, "--seed", "1"])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs bench/generate.py (install Python 3.11 or newer)");
        assert!(status.success(), "bench/generate.py failed: {status}");
        dir
    })
    .path()
    .join("site")
    .leak()
}

/// A builder of the site with its own, empty cache folder and output.
struct Fresh {
    _dirs: tempfile::TempDir,
    out: PathBuf,
    builder: Builder,
}

impl Fresh {
    fn new() -> Fresh {
        let dirs = tempfile::tempdir().expect("a temp folder for output and cache");
        let mut opts = BuildOptions::new(site());
        opts.now = Some(NOW.parse().expect("NOW is a timestamp"));
        opts.cache_dir = Some(dirs.path().join("cache"));
        let out = dirs.path().join("out");
        Fresh {
            builder: Builder::new(opts),
            out,
            _dirs: dirs,
        }
    }

    fn build(&mut self, changed: Changed<'_>) {
        if let Err(e) = self.builder.build(Target::Folder(&self.out), changed) {
            panic!("the benchmark site failed to build: {:?}", e.diagnostics());
        }
    }
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn cold(bencher: Bencher) {
    site();
    bencher
        .with_inputs(Fresh::new)
        .bench_local_refs(|fresh| fresh.build(Changed::Unknown));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn warm(bencher: Bencher) {
    let mut fresh = Fresh::new();
    fresh.build(Changed::Unknown);
    bencher.bench_local(|| fresh.build(Changed::Unknown));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn incremental(bencher: Bencher) {
    let mut fresh = Fresh::new();
    fresh.build(Changed::Unknown);
    // One session, edited before each build: its body gains a line.
    let sessions = site().join("content/sessions");
    let community = std::fs::read_dir(&sessions)
        .expect("generated sessions")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .min()
        .expect("a community folder");
    let file = std::fs::read_dir(&community)
        .expect("a community's sessions")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .min()
        .expect("a session");
    let original = std::fs::read_to_string(&file).expect("the session's text");
    let mut edit = 0;
    let changed = [file.clone()];
    bencher
        .with_inputs(|| {
            edit += 1;
            std::fs::write(&file, format!("{original}\nEdit {edit}.\n")).expect("edit the session");
        })
        .bench_local_values(|()| fresh.build(Changed::Only(&changed)));
    std::fs::write(&file, original).expect("restore the session");
}
