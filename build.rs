//! Names the commit in `fireside --version`, so a bug report says exactly
//! which build it is about.
//!
//! Sets `FIRESIDE_VERSION` to `0.1.0 (commit 0123456789ab)`, taking the commit
//! from, in order: `git rev-parse` when building in a checkout; the
//! `.cargo_vcs_info.json` that `cargo package` writes into a crates.io
//! tarball; nothing (plain `0.1.0`) otherwise. No dates and no host names go
//! in, so the same commit always gives the same string: the build stays
//! reproducible.

// The build script reads the theme to embed: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let commit = from_git().or_else(from_vcs_info);
    let full = match commit {
        Some(commit) => format!("{version} (commit {commit})"),
        None => version.to_string(),
    };
    println!("cargo::rustc-env=FIRESIDE_VERSION={full}");
}

/// The checked-out commit, and a request to run again when it changes.
fn from_git() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    // HEAD names the branch, the branch's ref (loose or packed) names the
    // commit, and logs/HEAD grows on every commit and checkout. `--git-path`
    // finds them in worktrees too, where `.git` is a file.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for path in ["HEAD", "logs/HEAD", "packed-refs"]
        .into_iter()
        .chain(branch.as_deref())
    {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            watch(&p);
        }
    }
    Some(commit)
}

/// Asks Cargo to rerun this script when `path` changes. Only for files that
/// exist: Cargo reruns on every build for a missing one, and that would
/// rebuild the crate every time.
fn watch(path: &str) {
    if Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file() {
        println!("cargo::rerun-if-changed={path}");
    }
}

/// Runs git in the crate's folder; `None` when git is missing, the folder is
/// not a checkout, or the answer is empty.
fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// `{"git": {"sha1": "…"}}`, written by `cargo package`.
fn from_vcs_info() -> Option<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".cargo_vcs_info.json");
    let text = std::fs::read_to_string(path).ok()?;
    watch(".cargo_vcs_info.json");
    // A build script cannot use the crate's dependencies without declaring
    // them as build-dependencies; this one field does not justify that.
    let start = text.find("\"sha1\"")? + "\"sha1\"".len();
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let sha = rest.strip_prefix('"')?.split('"').next()?;
    (sha.len() >= 12 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha[..12].to_string())
}
