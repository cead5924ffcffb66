//! Test helpers: fixture sites in temp dirs, running the real binary, and
//! reading what it wrote.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use scraper::{Html, Selector};

pub const NOW: &str = "2026-11-24T12:00:00Z";

/// A site folder in a temp dir, written file by file.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A minimal valid site: site.yaml, one community, one pattern, one person.
    pub fn new() -> Fixture {
        let f = Fixture::empty();
        f.write("site.yaml", "title: Test CoP\ntimezone: Europe/Madrid\n");
        f.write(
            "content/communities/dev.md",
            "---\ntitle: Dev CoP\npurpose: Build well.\ncoordinators: [Ana Ruiz]\ncolor: \"#225588\"\n---\nWe meet often.\n",
        );
        f.write(
            "content/patterns/tdd.md",
            "---\ntitle: Test-Driven Development\nsummary: Test first.\naliases: [TDD]\nmaturity: adopt\n---\n## When to use\n\nAlways.\n\n## Pitfalls\n\nSome.\n",
        );
        f.write(
            "content/people/ana-ruiz.md",
            "---\ntitle: Ana Ruiz\nrole: Engineer\naliases: [Ana]\n---\nAna likes katas.\n",
        );
        f
    }

    pub fn empty() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Copies a folder (such as `example-site`) into a fresh fixture.
    pub fn copy_of(src: &Path) -> Fixture {
        let f = Fixture::empty();
        for entry in walkdir::WalkDir::new(src) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(src).unwrap();
            if rel.starts_with("public") || rel.starts_with(".fireside-cache") {
                continue;
            }
            let target = f.path().join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        f
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path().join(rel)).unwrap();
    }

    pub fn out(&self) -> PathBuf {
        self.path().join("public")
    }

    /// `fireside build` with a fixed clock.
    pub fn build(&self, extra: &[&str]) -> Output {
        let mut args = vec!["build", self.path().to_str().unwrap(), "--now", NOW];
        args.extend_from_slice(extra);
        fireside(&args)
    }

    pub fn read_out(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read_out(rel))
    }
}

/// Runs the real binary, with no CI or GitHub variables leaking in.
pub fn fireside(args: &[&str]) -> Output {
    Command::cargo_bin("fireside")
        .unwrap()
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[track_caller]
pub fn assert_success(o: &Output) {
    assert!(
        o.status.success(),
        "build failed:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
}

pub fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel).collect()
}

pub fn text_of(doc: &Html, css: &str) -> String {
    select(doc, css)
        .iter()
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every file of an output folder, relative path -> bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
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
                .replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Follows every internal link of every HTML page in `out` (a site published
/// at `base_path`) and returns the broken ones as "page -> href" lines.
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let pages = snapshot(out);
    let mut ids_cache: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ids_of = |file: &str| -> Option<Vec<String>> {
        if let Some(ids) = ids_cache.get(file) {
            return Some(ids.clone());
        }
        let html = String::from_utf8(pages.get(file)?.clone()).ok()?;
        let doc = Html::parse_document(&html);
        let ids: Vec<String> = select(&doc, "[id]")
            .iter()
            .filter_map(|e| e.value().attr("id").map(String::from))
            .collect();
        ids_cache.insert(file.to_string(), ids.clone());
        Some(ids)
    };
    let mut broken = Vec::new();
    for (file, bytes) in &pages {
        if !file.ends_with(".html") {
            continue;
        }
        let doc = Html::parse_document(&String::from_utf8_lossy(bytes));
        for (css, attr) in [
            ("a[href]", "href"),
            ("link[href]", "href"),
            ("script[src]", "src"),
            ("img[src]", "src"),
        ] {
            for el in select(&doc, css) {
                let href = el.value().attr(attr).unwrap();
                let (path, fragment) = match href.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (href, None),
                };
                let target_file = if path.is_empty() {
                    file.clone()
                } else if let Some(rest) = path.strip_prefix(base_path) {
                    let rest = rest.split('?').next().unwrap();
                    if rest.is_empty() || rest.ends_with('/') {
                        format!("{rest}index.html")
                    } else {
                        rest.to_string()
                    }
                } else if path.starts_with("http://")
                    || path.starts_with("https://")
                    || path.starts_with("mailto:")
                    || path.starts_with("webcal://")
                {
                    continue;
                } else {
                    broken.push(format!(
                        "{file} -> {href} (not under base path {base_path})"
                    ));
                    continue;
                };
                if !pages.contains_key(&target_file) {
                    broken.push(format!("{file} -> {href} (no file {target_file})"));
                    continue;
                }
                if let Some(f) = fragment
                    && !f.is_empty()
                    && !ids_of(&target_file)
                        .unwrap_or_default()
                        .iter()
                        .any(|id| id == f)
                {
                    broken.push(format!("{file} -> {href} (no #{f} in {target_file})"));
                }
            }
        }
    }
    broken
}
