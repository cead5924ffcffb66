//! The guide as a site built by Fireside itself (`scripts/docs-site`): every
//! docs/ file is a page, linked from the README, and no link is broken,
//! neither by the build's own link checker nor by following every link of
//! the output.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use crate::harness::broken_links;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The guide's pages: docs/*.md, sorted.
fn guide() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    names
}

#[test]
fn the_docs_build_as_a_site_with_no_broken_link() {
    let work = tempfile::tempdir().unwrap();
    let site = work.path().join("site");
    let out = Command::new("bash")
        .arg(root().join("scripts/docs-site"))
        .arg(&site)
        .arg("--no-build")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", stderr(&out));

    // The build fails on any broken link or anchor written in the files.
    let built = fireside(&["build", site.to_str().unwrap(), "--now", NOW]);
    assert_success(&built);
    // And following every link of the output finds every target.
    let public = site.join("public");
    let broken = broken_links(&public, "/");
    assert!(broken.is_empty(), "{broken:#?}");

    // Every file of the guide is a page of the site.
    for name in guide() {
        let page = public
            .join("docs")
            .join(name.trim_end_matches(".md"))
            .join("index.html");
        assert!(page.is_file(), "no page for docs/{name}");
    }
}

#[test]
fn the_readme_links_every_file_of_the_guide() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for name in guide() {
        assert!(
            readme.contains(&format!("](docs/{name})")),
            "README.md does not link docs/{name}"
        );
    }
}

#[test]
fn the_script_refuses_a_folder_that_is_not_empty() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("keep.txt"), "mine").unwrap();
    let out = Command::new("bash")
        .arg(root().join("scripts/docs-site"))
        .arg(work.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(work.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn the_readme_shows_a_small_screenshot() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains("](docs/screenshot.png)"),
        "no screenshot in README.md"
    );
    let png = std::fs::read(root().join("docs/screenshot.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() < 150 * 1024,
        "{} bytes: keep it under 150 KB",
        png.len()
    );
}
