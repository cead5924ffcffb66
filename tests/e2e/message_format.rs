//! `--message-format json` on `build` and `check`: one JSON object per
//! diagnostic per line on stdout, then a `build-finished` object, as cargo
//! does; the human format stays the default.

use crate::common::*;

/// A site with errors in two files and a warning in a third.
fn broken_site() -> Fixture {
    let site = Fixture::new();
    site.write(
        "content/sessions/dev/2025-01-01-bad-date.md",
        "---\ntitle: Bad date\ndate: 2025-13-01\n---\nText\n",
    );
    site.write(
        "content/patterns/typo.md",
        "---\ntitle: Typo\nsumary: One line.\n---\nText\n",
    );
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\n```klingon\nQapla'\n```\n",
    );
    site
}

/// Every stdout line as JSON; panics on a line that is not.
fn json_lines(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}")))
        .collect()
}

/// `file:line:col` of each `-->` line of the human format.
fn human_locations(stderr: &str) -> Vec<String> {
    let mut locations: Vec<String> = stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|l| l.trim().to_string())
        .collect();
    locations.sort();
    locations
}

#[test]
fn check_writes_one_json_object_per_diagnostic_and_a_summary() {
    let site = broken_site();
    let path = site.path().to_str().unwrap();
    let out = fireside(&["check", path, "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    let (last, diagnostics) = lines.split_last().expect("at least the summary");
    assert_eq!(last["reason"], "build-finished");
    assert_eq!(last["success"], false);
    assert_eq!(last["errors"], 2);
    assert_eq!(last["warnings"], 1);
    assert!(diagnostics.iter().all(|d| d["reason"] == "diagnostic"));

    let find = |file: &str| {
        diagnostics
            .iter()
            .find(|d| d["file"] == file)
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {diagnostics:#?}"))
    };
    let date = find("content/sessions/dev/2025-01-01-bad-date.md");
    assert_eq!(date["level"], "error");
    assert!(
        date["message"].as_str().unwrap().contains("no month 13"),
        "{date}"
    );
    assert_eq!(
        (date["line"].as_u64(), date["column"].as_u64()),
        (Some(3), Some(7))
    );
    // `end` is just past the underlined value, `2025-13-01`.
    assert_eq!(date["end"], serde_json::json!({"line": 3, "column": 17}));
    assert!(
        date["hint"].as_str().unwrap().contains("YYYY-MM-DD"),
        "{date}"
    );
    assert_eq!(date["source_line"], "date: 2025-13-01");

    let typo = find("content/patterns/typo.md");
    assert_eq!(typo["level"], "error");
    assert_eq!(
        (typo["line"].as_u64(), typo["column"].as_u64()),
        (Some(3), Some(1))
    );
    assert!(typo["hint"].as_str().unwrap().contains("summary"), "{typo}");

    let code = find("content/code.md");
    assert_eq!(code["level"], "warning");

    // The same diagnostics, at the same places, as the human format gives.
    let human = fireside(&["check", path]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        !stdout(&human).contains('{'),
        "the default is not JSON: {}",
        stdout(&human)
    );
    let mut json_locations: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["file"].as_str().unwrap(),
                d["line"],
                d["column"]
            )
        })
        .collect();
    json_locations.sort();
    assert_eq!(json_locations, human_locations(&stderr(&human)));
}

#[test]
fn a_good_build_in_json_mode_keeps_stdout_for_json() {
    let site = Fixture::new();
    site.write(
        "content/code.md",
        "---\ntitle: Code\n---\n```klingon\nQapla'\n```\n",
    );
    let out = fireside(&[
        "build",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
        "--message-format",
        "json",
    ]);
    assert_success(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(lines[0]["level"], "warning");
    assert_eq!(lines[0]["file"], "content/code.md");
    assert_eq!(
        lines[1],
        serde_json::json!({"reason": "build-finished", "success": true, "errors": 0, "warnings": 1})
    );
    // The human summary moved to stderr.
    assert!(stderr(&out).contains("Built "), "{}", stderr(&out));
}

#[test]
fn json_mode_writes_no_github_annotations_into_the_stream() {
    let site = broken_site();
    let out = assert_cmd::Command::cargo_bin("fireside")
        .unwrap()
        .args([
            "check",
            site.path().to_str().unwrap(),
            "--message-format",
            "json",
        ])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out).len(), 4);
}

#[test]
fn an_unknown_message_format_is_a_usage_error() {
    let out = fireside(&["check", ".", "--message-format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("json"), "{}", stderr(&out));
}
