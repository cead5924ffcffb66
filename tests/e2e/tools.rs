//! The skip rule for tests whose check needs a tool from outside Cargo: Java
//! and the Nu HTML Checker, node with playwright-core and chromium, Python's
//! `icalendar`. `scripts/test` installs them all and sets
//! `FIRESIDE_REQUIRE_TOOLS=1`.
//!
//! libtest has no "skipped" outcome a test can choose at run time, and it
//! shows what `println!`/`eprintln!` print only for failed tests, so a test
//! that returns early when its tool is missing looks like a pass. Hence:
//!
//! - with `FIRESIDE_REQUIRE_TOOLS=1` (or `CI`, as before) a missing tool fails
//!   the test, with the way to install it;
//! - otherwise the test returns early and says so where people look: one line
//!   on the terminal at once, and a last line after libtest's own summary
//!   naming every check that did not run. Both are written to the process's
//!   stderr handle directly, which libtest does not capture (it captures the
//!   print macros only).
//!
//! Every line starts with `fireside-tools:` so `scripts/test` can list which
//! tool checks ran and which did not.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, Once};

/// The checks that did not run in this test binary, as `test (tool): why`.
static SKIPPED: Mutex<Vec<String>> = Mutex::new(Vec::new());
static AT_EXIT: Once = Once::new();

unsafe extern "C" {
    /// ISO C's `atexit` (every libc and the Windows CRT have it): the one hook
    /// that runs after libtest has printed its `test result:` line, whether
    /// the binary then returns from `main` or calls `process::exit`.
    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
}

/// Whether the calling test can run its check. `missing` is why `tool` is not
/// here (`None`: it is). Returns `false` when the test must return early;
/// panics instead when tools are required.
pub fn available(tool: &str, missing: Option<String>) -> bool {
    let test = current_test();
    let Some(why) = missing else {
        if required() {
            note(&format!("fireside-tools: ran {test} ({tool})"));
        }
        return true;
    };
    if required() {
        note(&format!("fireside-tools: MISSING {test} ({tool}): {why}"));
        panic!(
            "{test} needs {tool}: {why}. Run scripts/test, which installs the test tools \
             (or unset FIRESIDE_REQUIRE_TOOLS and CI to skip this check)"
        );
    }
    note(&format!(
        "fireside-tools: SKIPPED {test} ({tool}): {why} (scripts/test runs it)"
    ));
    if let Ok(mut skipped) = SKIPPED.lock() {
        skipped.push(format!("{test} ({tool})"));
    }
    AT_EXIT.call_once(|| {
        // SAFETY: `summary` is a plain `extern "C" fn` that never unwinds and
        // only touches a static; registering it has no other precondition.
        unsafe {
            atexit(summary);
        }
    });
    false
}

/// Whether a missing tool is a failure rather than a skip.
fn required() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    set("FIRESIDE_REQUIRE_TOOLS") || set("CI")
}

/// libtest runs each test on a thread named after it.
fn current_test() -> String {
    std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .unwrap_or("a tool test")
        .to_string()
}

fn note(line: &str) {
    // Straight to the handle: the print macros are captured, this is not.
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

extern "C" fn summary() {
    let Ok(skipped) = SKIPPED.lock() else { return };
    let n = skipped.len();
    note(&format!(
        "fireside-tools: warning: {n} check{s} did not run (tool missing), counted as passed above: {}. \
         Run scripts/test to install the tools and run {them}.",
        skipped.join(", "),
        s = if n == 1 { "" } else { "s" },
        them = if n == 1 { "it" } else { "them" },
    ));
}

/// Debian's chromium, or `FIRESIDE_CHROMIUM`.
pub fn chromium() -> PathBuf {
    std::env::var_os("FIRESIDE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Why a browser test (node + playwright-core + axe-core + chromium) cannot
/// run here, if it cannot.
pub fn missing_browser() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".into());
    }
    if !root
        .join("node_modules/playwright-core/package.json")
        .is_file()
        || !root.join("node_modules/axe-core/axe.min.js").is_file()
    {
        return Some("playwright-core or axe-core is not installed; run `npm ci`".into());
    }
    if !chromium().is_file() {
        return Some(format!(
            "{} is missing; run `apt-get install chromium`",
            chromium().display()
        ));
    }
    None
}

/// Runs a browser script of `tests/browser/` with node against the built
/// site in `out`, served under `base`, and fails the test with the script's
/// report unless every check passed. `args` are the script's own flags.
pub fn run_browser_script(script: &str, out: &Path, base: &str, args: &[&str]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let result = Command::new("node")
        .arg(path)
        .args([
            "--site",
            out.to_str().expect("a UTF-8 temp path"),
            "--base",
            base,
        ])
        .args(args)
        .env("FIRESIDE_CHROMIUM", chromium())
        .output()
        .expect("node runs");
    let report = String::from_utf8_lossy(&result.stdout).into_owned()
        + &String::from_utf8_lossy(&result.stderr);
    println!("{report}");
    assert!(
        result.status.success(),
        "{script} failed (base {base}):\n{report}"
    );
}
