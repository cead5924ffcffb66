//! The real `fireside` binary, for what only it does: exit codes, the
//! stderr format, `GITHUB_ACTIONS` annotations, `init`/`new`, `serve`.

use std::process::Output;

use assert_cmd::Command;

/// The clock of every fixture build, unless a test sets its own.
pub const NOW: &str = "2026-11-24T12:00:00Z";

/// Runs the real binary, with no CI or GitHub variables leaking in.
pub fn fireside(args: &[&str]) -> Output {
    Command::cargo_bin("fireside")
        .expect("the fireside binary")
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1")
        .output()
        .expect("fireside runs")
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
        "fireside failed:\n{}\n{}",
        stdout(o),
        stderr(o)
    );
}
