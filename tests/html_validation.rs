//! Every HTML page of the built example site passes the Nu HTML Checker.
//!
//! The checker (npm `vnu-jar`, on the machine's Java) is installed by
//! `npm ci`; `.ci/run` does that. Outside CI a missing checker skips this test
//! with a notice; in CI (`CI` set) it fails, so the check can never silently
//! not run where it counts.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

fn vnu_jar() -> Option<PathBuf> {
    let path = std::env::var_os("FIRESIDE_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar")
        });
    path.is_file().then_some(path)
}

fn validate(dir: &Path) -> Vec<String> {
    let Some(jar) = vnu_jar() else {
        if std::env::var_os("CI").is_some() {
            panic!("the Nu HTML Checker is missing: run `npm ci` (vnu-jar) before the tests");
        }
        eprintln!(
            "skipped: the Nu HTML Checker is not installed; run `npm ci` to enable this test"
        );
        return Vec::new();
    };
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args([
            "--errors-only",
            "--skip-non-html",
            "--also-check-css",
            "--format",
            "gnu",
        ])
        .arg(dir)
        .output()
        .expect("java runs");
    let report =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    report
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn example_site_pages_are_valid_html() {
    let site = Fixture::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"));
    assert_success(&site.build(&["--base-url", "https://example.org/cop/"]));
    let errors = validate(&site.out());
    assert!(
        errors.is_empty(),
        "{} Nu HTML Checker errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn markdown_edge_cases_produce_valid_html() {
    let site = Fixture::new();
    site.write(
        "content/edge.md",
        "---\ntitle: Edge cases\n---\n# Heading one\n\n## Same\n\n## Same\n\n### `code` in *heading* {#custom .cls}\n\n\
- [x] done\n- [ ] todo\n\nText[^n] and[^m].\n\n| Left | Right |\n|:--|--:|\n| a | b |\n\n> [!NOTE]\n> Quote\n\n\
<div onclick=\"x\">raw</div>\n\n![alt *text*](https://example.org/i.png \"t\")\n\n[^n]: One.\n[^m]: Two\n\n    two paragraphs\n",
    );
    assert_success(&site.build(&[]));
    let errors = validate(&site.out());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
