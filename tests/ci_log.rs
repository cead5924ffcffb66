//! The CI log tells the truth: a real build of files whose names, link
//! targets and lines carry newlines, carriage returns, ESC and GitHub
//! workflow commands, run as GitHub Actions runs it. Nothing the content
//! holds may become a line of its own, a workflow command or a terminal
//! escape; the annotations Fireside writes stay one line each.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;

use assert_cmd::Command;
use common::*;

/// Names and targets that try to write into the log. Every file name is
/// legal on Linux.
const PAYLOADS: &[(&str, &str)] = &[
    // (in the file name, in a link target as an entity)
    ("a\n::error::forged-name", "x&#10;::error::forged-link"),
    (
        "b\r\n::add-mask::forged-mask",
        "x&#13;&#10;::add-mask::forged-link",
    ),
    (
        "c\n::stop-commands::forged-stop",
        "x&#x0A;::stop-commands::forged-link",
    ),
    (
        "d\u{1b}[31mred\u{1b}]0;title\u{7}",
        "x&#27;[31mred&#x1b;]0;t&#7;",
    ),
    (
        "e\u{2028}::warning::forged-sep",
        "x&#x2028;::warning::forged-link",
    ),
];

#[test]
fn hostile_names_and_links_cannot_write_into_the_ci_log() {
    let site = Fixture::new();
    for (name, target) in PAYLOADS {
        site.write(
            &format!("content/{name}.md"),
            &format!(
                "---\ntitle: Page\n---\nSee [x]({target}) and \u{1b}[2J\u{1b}[31m raw\r::error::forged-cr\n"
            ),
        );
    }
    let out = Command::cargo_bin("fireside")
        .unwrap()
        .args(["build", site.path().to_str().unwrap(), "--now", NOW])
        .env("GITHUB_ACTIONS", "true")
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .unwrap();
    let (out_text, err_text) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{out_text}\n{err_text}");

    let mut annotations = 0;
    for line in out_text.lines().chain(err_text.lines()) {
        assert!(
            !line.contains('\u{1b}'),
            "an escape sequence reached the log: {line:?}"
        );
        assert!(
            !line.contains('\r'),
            "a carriage return reached the log: {line:?}"
        );
        assert!(
            !line.contains('\u{2028}'),
            "a line separator reached the log: {line:?}"
        );
        let trimmed = line.trim_start();
        if !trimmed.starts_with("::") {
            continue;
        }
        // Only Fireside's own annotations: `::error file=...,line=N,col=N::message`.
        let rest = trimmed
            .strip_prefix("::error ")
            .or_else(|| trimmed.strip_prefix("::warning "))
            .unwrap_or_else(|| panic!("a workflow command Fireside did not write: {line:?}"));
        let (props, message) = rest.split_once("::").expect("an annotation");
        assert!(props.starts_with("file=content/"), "{line}");
        assert!(
            props
                .split(',')
                .all(|p| p.contains('=') && !p.contains(':')),
            "{line}"
        );
        assert!(!message.is_empty(), "{line}");
        annotations += 1;
    }
    // One annotation per error, each naming its (escaped) file.
    let errors = err_text.lines().filter(|l| l.starts_with("error:")).count();
    assert!(errors >= PAYLOADS.len(), "{err_text}");
    assert_eq!(annotations, errors, "{out_text}");
    for forged in [
        "forged-name",
        "forged-mask",
        "forged-stop",
        "forged-link",
        "forged-cr",
    ] {
        assert!(
            out_text.contains(forged) || err_text.contains(forged),
            "the text is still shown, escaped: {forged}"
        );
    }
    // The terminal shows what the names are, escaped where they were hostile.
    assert!(
        err_text.contains("content/a\\n::error::forged-name.md"),
        "{err_text}"
    );
    assert!(
        err_text.contains("\\u{1b}[31m raw\\r::error::forged-cr"),
        "{err_text}"
    );
}
