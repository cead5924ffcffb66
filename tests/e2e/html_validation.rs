//! Every HTML page of the built example site passes the Nu HTML Checker.
//!
//! The checker (npm `vnu-jar`, on the machine's Java) is installed by
//! `npm ci`; `scripts/test` does that. A missing checker fails the test under
//! `scripts/test` and in CI, and is reported as a skip otherwise (see
//! `tests/e2e/tools.rs`), so the check never silently does not run.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn vnu_jar() -> Option<PathBuf> {
    let path = std::env::var_os("FIRESIDE_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar")
        });
    path.is_file().then_some(path)
}

/// Why the checker cannot run here, if it cannot.
fn missing_checker() -> Option<String> {
    if Command::new("java").arg("-version").output().is_err() {
        return Some("java is not installed".into());
    }
    match vnu_jar() {
        Some(_) => None,
        None => Some("vnu-jar is not installed; run `npm ci`".into()),
    }
}

pub(crate) fn validate(dir: &Path) -> Vec<String> {
    if !crate::tools::available("the Nu HTML Checker", missing_checker()) {
        return Vec::new();
    }
    let jar = vnu_jar().expect("checked by missing_checker");
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
