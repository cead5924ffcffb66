//! Last updated and contributors from Git (issue 13): a history made in the
//! test (two authors, fixed dates), read back from pages and the sitemap;
//! `git: false`; a shallow clone; a repository that tries to run commands.

use std::path::Path;
use std::process::Command;

use crate::harness::*;

/// Runs git in `dir` with a fixed identity and clock, nothing from the host.
fn git(dir: &Path, args: &[&str], author: (&str, &str), date: &str) {
    let out = Command::new("git")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_COMMITTER_NAME", author.0)
        .env("GIT_COMMITTER_EMAIL", author.1)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

const ANA: (&str, &str) = ("Ana Ruiz", "ana@example.org");
const BEA: (&str, &str) = ("Bea Moss", "bea@example.org");

/// The minimal site, committed by Ana in 2025, then its pattern changed by
/// Bea in March 2026 and again by Ana in May 2026.
fn site_with_history() -> SiteTest {
    let site = SiteTest::new().base_url("https://cop.example.org/");
    let dir = site.path().to_path_buf();
    git(
        &dir,
        &["init", "-q", "-b", "main"],
        ANA,
        "2025-01-10T10:00:00Z",
    );
    git(&dir, &["add", "-A"], ANA, "2025-01-10T10:00:00Z");
    git(
        &dir,
        &["commit", "-q", "-m", "start"],
        ANA,
        "2025-01-10T10:00:00Z",
    );
    site.write(
        "content/patterns/tdd.md",
        &site
            .source("content/patterns/tdd.md")
            .replace("Always.", "Almost always."),
    );
    git(
        &dir,
        &["commit", "-q", "-am", "tdd"],
        BEA,
        "2026-03-02T09:00:00Z",
    );
    site.write(
        "content/patterns/tdd.md",
        &site
            .source("content/patterns/tdd.md")
            .replace("Some.", "A few."),
    );
    git(
        &dir,
        &["commit", "-q", "-am", "tdd again"],
        ANA,
        "2026-05-04T09:00:00Z",
    );
    site
}

#[test]
fn pages_show_their_last_commit_and_contributors_and_the_sitemap_has_lastmod() {
    let site = site_with_history();
    site.build().ok();
    let tdd = site.html("patterns/tdd/index.html");
    let upkeep = text_of(&tdd, ".page-upkeep");
    assert!(
        upkeep.contains("Last updated Monday 4 May 2026"),
        "{upkeep}"
    );
    assert!(
        upkeep.contains("Contributors: Ana Ruiz, Bea Moss"),
        "{upkeep}"
    );
    assert_eq!(
        select(&tdd, ".page-upkeep time")[0]
            .value()
            .attr("datetime"),
        Some("2026-05-04T09:00:00Z")
    );
    let sitemap = site.xml("sitemap.xml");
    let doc = sitemap.document();
    let lastmod = |loc: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("url"))
            .find(|u| {
                u.descendants()
                    .any(|n| n.has_tag_name("loc") && n.text() == Some(loc))
            })
            .and_then(|u| u.descendants().find(|n| n.has_tag_name("lastmod")))
            .and_then(|n| n.text().map(String::from))
    };
    assert_eq!(
        lastmod("https://cop.example.org/patterns/tdd/").as_deref(),
        Some("2026-05-04")
    );
    assert_eq!(
        lastmod("https://cop.example.org/communities/dev/").as_deref(),
        Some("2025-01-10")
    );
    assert_eq!(
        lastmod("https://cop.example.org/patterns/"),
        None,
        "a list has no one source"
    );
}

#[test]
fn git_false_or_no_work_tree_means_no_dates() {
    let site = site_with_history();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\ngit: false\n",
    );
    site.build().ok();
    let tdd = site.html("patterns/tdd/index.html");
    assert!(!text_of(&tdd, "main").contains("Last updated"));
    let plain = SiteTest::new();
    plain.build().ok();
    assert!(!text_of(&plain.html("patterns/tdd/index.html"), "main").contains("Last updated"));
}

#[test]
fn a_shallow_clone_has_only_its_one_commit() {
    let origin = site_with_history();
    let clone = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    git(
        clone.path(),
        &["clone", "-q", "--depth", "1", &url, "site"],
        ANA,
        "2026-06-01T00:00:00Z",
    );
    let site_dir = clone.path().join("site");
    let yaml = std::fs::read(site_dir.join("site.yaml")).expect("site.yaml");
    let history = fireside::config::Config::parse(&site_dir, &yaml, None)
        .expect("config")
        .history
        .expect("a work tree");
    assert!(history.shallow);
    let tdd = history
        .of(Path::new("content/patterns/tdd.md"))
        .expect("tdd");
    let dev = history
        .of(Path::new("content/communities/dev.md"))
        .expect("dev");
    assert_eq!(
        tdd.updated, dev.updated,
        "every file gets the one commit's date"
    );
    assert_eq!(tdd.contributors, ["Ana Ruiz"]);
    // The build says so, since the dates look right and are not.
    let report = fireside::build::build(&fireside::build::BuildOptions {
        now: Some(jiff::Timestamp::UNIX_EPOCH),
        ..fireside::build::BuildOptions::new(site_dir.clone())
    })
    .expect("the shallow clone builds");
    let warnings = render(&report.warnings);
    assert!(
        warnings.contains("the Git history is shallow") && warnings.contains("fetch-depth: 0"),
        "no shallow-history warning: {warnings}"
    );
}

#[test]
fn a_hostile_repository_cannot_run_commands() {
    let site = site_with_history();
    let marker = site.path().join("pwned");
    let cmd = format!("touch {}", marker.display());
    for (key, value) in [
        ("core.fsmonitor", cmd.as_str()),
        ("core.pager", cmd.as_str()),
        ("diff.external", cmd.as_str()),
        ("core.hooksPath", "hooks"),
    ] {
        git(
            site.path(),
            &["config", key, value],
            ANA,
            "2026-06-01T00:00:00Z",
        );
    }
    std::fs::create_dir_all(site.path().join(".git/hooks")).expect("hooks");
    site.build().ok();
    assert!(
        !marker.exists(),
        "a command from the repository's config ran"
    );
    assert!(
        text_of(&site.html("patterns/tdd/index.html"), ".page-upkeep").contains("Last updated")
    );
}
