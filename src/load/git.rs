//! Last-updated dates and contributors from the Git history, read in one
//! pass: a single `git log` over the site folder, not a process per file.
//!
//! The repository is untrusted input (a pull request can change its
//! config), so Git runs with the environment cleared (no `GIT_DIR`,
//! `GIT_CONFIG_*` or pager from the caller), with no system or global
//! config, and with the settings that could run a command turned off for
//! this call: no pager, no fsmonitor, no hooks, no external diff or
//! textconv (`--name-only` needs neither, but a repository's config could
//! still name them).
//!
//! Off when site.yaml says `git: false`, or when the site is not inside a
//! Git work tree (or Git is not installed); a shallow clone is read as it
//! is, with a warning, since every file would get the date of the one
//! commit it has.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jiff::Timestamp;

/// What the history says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHistory {
    /// The commit time of the newest commit that changed the file.
    pub updated: Timestamp,
    /// Authors, most commits first (then by name).
    pub contributors: Vec<String>,
}

/// The history of every file under the site folder, by path relative to it.
#[derive(Debug, Clone, Default)]
pub struct GitHistory {
    pub files: HashMap<PathBuf, FileHistory>,
    /// The clone is shallow: dates are those of its oldest commit.
    pub shallow: bool,
}

impl GitHistory {
    pub fn of(&self, path: &Path) -> Option<&FileHistory> {
        self.files.get(path)
    }
}

/// A `git` process that cannot be steered by the environment or run
/// anything the repository's config names.
fn git(root: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(root)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env(
            "GIT_CONFIG_GLOBAL",
            if cfg!(windows) { "NUL" } else { "/dev/null" },
        )
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("LC_ALL", "C")
        .args([
            "--no-pager",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.pager=cat",
            "-c",
            "core.quotePath=false",
            "-c",
            "diff.external=",
            "-c",
            "log.showSignature=false",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Reads the history of the site at `root` (absolute or relative), or
/// `None` when Git is off, missing, or the site is not in a work tree.
pub fn history(root: &Path, setting: Option<bool>) -> Option<GitHistory> {
    if setting == Some(false) {
        return None;
    }
    let probe = git(root)
        .args([
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
        ])
        .output()
        .ok()?;
    if !probe.status.success() {
        return None;
    }
    let probe = String::from_utf8_lossy(&probe.stdout);
    let mut answers = probe.lines();
    if answers.next() != Some("true") {
        return None;
    }
    let shallow = answers.next() == Some("true");
    let log = git(root)
        .args([
            "log",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-renames",
            "--name-only",
            "--relative",
            "-z",
            "--format=%x1e%ct%x1f%aN",
            "--",
            ".",
        ])
        .output()
        .ok()?;
    if !log.status.success() {
        return None;
    }
    let mut parsed = parse_log(&String::from_utf8_lossy(&log.stdout));
    parsed.shallow = shallow;
    Some(parsed)
}

/// Parses `git log -z --name-only --format=%x1e%ct%x1f%aN`: each commit is
/// a record separator, its time and author, a newline, then its files, each
/// ended by a NUL. Newest commit first, so a file's first commit is its
/// last update.
pub fn parse_log(text: &str) -> GitHistory {
    let mut updated: HashMap<PathBuf, Timestamp> = HashMap::new();
    let mut counts: HashMap<PathBuf, HashMap<String, usize>> = HashMap::new();
    for commit in text.split('\u{1e}').filter(|c| !c.trim().is_empty()) {
        // With `-z` the header ends in a NUL or a newline, depending on
        // whether the commit has a parent: take whichever comes first.
        let (header, files) = match commit.find(['\n', '\0']) {
            Some(i) => (&commit[..i], &commit[i + 1..]),
            None => (commit, ""),
        };
        let Some((time, author)) = header.split_once('\u{1f}') else {
            continue;
        };
        let Ok(secs) = time.trim().parse::<i64>() else {
            continue;
        };
        let Ok(at) = Timestamp::from_second(secs) else {
            continue;
        };
        for file in files.split('\0').map(|f| f.trim_matches(['\n', '\0'])) {
            if file.is_empty() {
                continue;
            }
            let path = PathBuf::from(file);
            updated.entry(path.clone()).or_insert(at);
            *counts
                .entry(path)
                .or_default()
                .entry(author.trim().to_string())
                .or_default() += 1;
        }
    }
    let files = updated
        .into_iter()
        .map(|(path, at)| {
            let mut people: Vec<(String, usize)> = counts
                .remove(&path)
                .unwrap_or_default()
                .into_iter()
                .collect();
            people.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let contributors = people.into_iter().map(|(name, _)| name).collect();
            (
                path,
                FileHistory {
                    updated: at,
                    contributors,
                },
            )
        })
        .collect();
    GitHistory {
        files,
        shallow: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_commit_dates_a_file_and_authors_are_counted() {
        let log = "\u{1e}1700000200\u{1f}Bea\n\ncontent/a.md\0content/b.md\0\u{1e}1700000100\u{1f}Ana\n\ncontent/a.md\0\u{1e}1700000000\u{1f}Ana\n\ncontent/a.md\0";
        let h = parse_log(log);
        let a = h.of(Path::new("content/a.md")).expect("a");
        assert_eq!(a.updated.as_second(), 1_700_000_200);
        assert_eq!(a.contributors, ["Ana", "Bea"]);
        let b = h.of(Path::new("content/b.md")).expect("b");
        assert_eq!(b.contributors, ["Bea"]);
    }
}
