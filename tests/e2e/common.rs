//! The fixture of the tests that run the real binary: a site folder in a
//! temp dir, built with `fireside build`. Tests that need only a build use
//! [`crate::harness::SiteTest`] instead.

use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::Html;

pub use crate::binary::{NOW, assert_success, fireside, stderr, stdout};
pub use crate::harness::{select, snapshot, text_of};

/// A site folder in a temp dir, written file by file.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A minimal valid site: site.yaml, one community, one pattern, one person.
    pub fn new() -> Fixture {
        let f = Fixture::empty();
        f.write(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://cop.example.com/\n",
        );
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

/// An HTTP answer read off a raw socket by the serve tests.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn parse(raw: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Reply {
            status,
            headers,
            body: body.to_string(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
