//! What ships around the binary: `--version` naming the commit, shell
//! completions, the man page, the changelog section a release publishes, and
//! the GitHub Action's install script run for real against this build.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The subcommands as `fireside --help` lists them (not as clap_complete
/// sees them), so the completion test compares two independent views.
fn subcommands() -> Vec<String> {
    let help = stdout(&fireside(&["--help"]));
    let names: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A long description wraps onto lines indented further (clap wraps
        // at the terminal's width, or 100 columns without one).
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    assert!(names.len() >= 7, "too few subcommands in:\n{help}");
    names
}

#[test]
fn version_names_the_commit_when_built_from_a_checkout() {
    let out = fireside(&["--version"]);
    assert_success(&out);
    let version = stdout(&out);
    let expected = concat!("fireside ", env!("CARGO_PKG_VERSION"));
    assert!(version.starts_with(expected), "{version}");
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    match head {
        Some(commit) => assert_eq!(version.trim(), format!("{expected} (commit {commit})")),
        // A source tarball without git: the plain version, nothing invented.
        None => assert_eq!(version.trim(), expected),
    }
}

#[test]
fn bash_completion_offers_every_subcommand() {
    let out = fireside(&["completions", "bash"]);
    assert_success(&out);
    let script = stdout(&out);
    assert!(script.contains("complete -F _fireside"), "{script}");
    // The words offered after `fireside `: the first non-empty `opts="..."`.
    let top = script
        .lines()
        .filter_map(|l| l.trim().strip_prefix("opts=\""))
        .find(|o| *o != "\"")
        .expect("an opts= line");
    let offered: Vec<&str> = top.trim_end_matches('"').split_whitespace().collect();
    for name in subcommands() {
        assert!(
            offered.contains(&name.as_str()),
            "{name} not offered: {offered:?}"
        );
    }
    // And bash accepts it.
    let path = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(path.path(), &script).unwrap();
    if let Ok(check) = Command::new("bash").arg("-n").arg(path.path()).output() {
        assert!(check.status.success(), "{}", stderr(&check));
    }
}

#[test]
fn completions_exist_for_the_other_shells() {
    for (shell, marker) in [
        ("zsh", "#compdef fireside"),
        ("fish", "complete -c fireside"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[fireside]"),
    ] {
        let out = fireside(&["completions", shell]);
        assert_success(&out);
        assert!(stdout(&out).contains(marker), "{shell}: {}", stdout(&out));
    }
    let out = fireside(&["completions", "tcsh"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
    assert!(stderr(&out).contains("bash"), "{}", stderr(&out));
}

#[test]
fn man_page_has_a_name_section_and_every_subcommand() {
    let out = fireside(&["man"]);
    assert_success(&out);
    let page = stdout(&out);
    let lines: Vec<&str> = page.lines().collect();
    let th = lines
        .iter()
        .find(|l| l.starts_with(".TH "))
        .expect("a .TH line");
    assert!(th.starts_with(".TH fireside 1"), "{th}");
    let name = lines
        .iter()
        .position(|l| *l == ".SH NAME")
        .expect("a NAME section");
    assert!(
        lines[name + 1].starts_with("fireside \\- "),
        "NAME is `name \\- summary`: {}",
        lines[name + 1]
    );
    let section = lines
        .iter()
        .position(|l| *l == ".SH SUBCOMMANDS")
        .expect("a SUBCOMMANDS section");
    let listed = lines[section..].join("\n");
    for sub in subcommands() {
        assert!(
            listed.contains(&format!("fireside\\-{sub}(1)")),
            "{sub} missing from the man page"
        );
    }
}

#[test]
fn changelog_has_the_section_a_release_of_this_version_publishes() {
    let out = Command::new("bash")
        .arg(root().join("scripts/changelog-section"))
        .arg(env!("CARGO_PKG_VERSION"))
        .arg(root().join("CHANGELOG.md"))
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let notes = stdout(&out);
    assert!(!notes.contains("## ["), "only one section: {notes}");
    assert!(notes.contains("### Added"), "{notes}");
    // A version that was never released has no section, and says so.
    let out = Command::new("bash")
        .arg(root().join("scripts/changelog-section"))
        .args(["99.0.0"])
        .arg(root().join("CHANGELOG.md"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("99.0.0"), "{}", stderr(&out));
}

/// A release archive of this very build, named and laid out as
/// `.github/workflows/release.yml` makes them, with its SHA256SUMS.
fn local_release(dir: &Path, target: &str) -> PathBuf {
    let version = env!("CARGO_PKG_VERSION");
    let stem = format!("fireside-v{version}-{target}");
    let staging = dir.join(&stem);
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_fireside"), staging.join("fireside")).unwrap();
    let archive = format!("{stem}.tar.gz");
    let tar = Command::new("tar")
        .args(["-czf", &archive, &stem])
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(tar.success());
    std::fs::remove_dir_all(&staging).unwrap();
    let bytes = std::fs::read(dir.join(&archive)).unwrap();
    let sum = sha256_hex(&bytes);
    std::fs::write(dir.join("SHA256SUMS"), format!("{sum}  {archive}\n")).unwrap();
    dir.join(archive)
}

/// Hex SHA-256, as `sha256sum` writes it in SHA256SUMS.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Runs `action/install.sh` as the action's step does, with a local folder
/// standing in for the GitHub release.
fn install(releases: &Path, tools: &Path, github: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(root().join("action/install.sh"))
        .env("FIRESIDE_VERSION", env!("CARGO_PKG_VERSION"))
        .env("FIRESIDE_LOCAL_RELEASE", releases)
        .env("FIRESIDE_INSTALL_ROOT", tools)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("GITHUB_OUTPUT", github.join("output"))
        .env("GITHUB_PATH", github.join("path"))
        .output()
        .expect("bash runs")
}

#[test]
fn action_installs_a_release_archive_after_checking_its_checksum() {
    let work = tempfile::tempdir().unwrap();
    let (releases, tools, github) = (
        work.path().join("releases"),
        work.path().join("tools"),
        work.path().join("github"),
    );
    for d in [&releases, &tools, &github] {
        std::fs::create_dir_all(d).unwrap();
    }
    local_release(&releases, "x86_64-unknown-linux-musl");

    let out = install(&releases, &tools, &github);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let path_file = std::fs::read_to_string(github.join("path")).unwrap();
    let bin_dir = PathBuf::from(path_file.trim());
    assert!(bin_dir.starts_with(&tools), "{}", bin_dir.display());
    let installed = Command::new(bin_dir.join("fireside"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(installed.stdout, fireside(&["--version"]).stdout);
    let outputs = std::fs::read_to_string(github.join("output")).unwrap();
    assert!(
        outputs.contains(&format!("version={}\n", env!("CARGO_PKG_VERSION"))),
        "{outputs}"
    );

    // A tampered archive is refused, and nothing is installed.
    let archive = std::fs::read_dir(&releases)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "gz"))
        .unwrap();
    let mut bytes = std::fs::read(&archive).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&archive, bytes).unwrap();
    let fresh = work.path().join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    let out = install(&releases, &fresh, &github);
    assert!(!out.status.success(), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("checksum"),
        "the error names the checksum: {}",
        stderr(&out)
    );
    assert!(
        walkdir::WalkDir::new(&fresh)
            .into_iter()
            .filter_map(Result::ok)
            .all(|e| e.file_name() != "fireside"),
        "nothing installed from a bad archive"
    );
}

#[test]
fn action_runs_check_with_annotations() {
    let site = Fixture::new();
    site.write(
        "content/sessions/2025-01-01-broken.md",
        "---\ntitle: Broken\ndate: 2025-13-01\n---\nText\n",
    );
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_fireside")).parent().unwrap();
    let out = Command::new("bash")
        .arg(root().join("action/run.sh"))
        .env("FIRESIDE_COMMAND", "check")
        .env("FIRESIDE_SITE", site.path())
        .env("FIRESIDE_BASE_URL", "")
        .env("FIRESIDE_ARGS", "--drafts")
        .env("GITHUB_ACTIONS", "true")
        .env("NO_COLOR", "1")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let annotations: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .map(str::to_string)
        .collect();
    assert!(
        annotations
            .iter()
            .any(|a| a.contains("2025-01-01-broken.md")),
        "an annotation on the broken file: {}",
        stdout(&out)
    );

    // `check` takes no base URL: a clear usage error, not a silent drop.
    let out = Command::new("bash")
        .arg(root().join("action/run.sh"))
        .env("FIRESIDE_COMMAND", "check")
        .env("FIRESIDE_SITE", site.path())
        .env("FIRESIDE_BASE_URL", "https://example.org/")
        .env("FIRESIDE_ARGS", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("base-url"), "{}", stderr(&out));
}

#[test]
fn binstall_metadata_names_the_archives_the_action_downloads() {
    let meta = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(root())
        .output()
        .expect("cargo runs");
    assert!(meta.status.success(), "{}", stderr(&meta));
    let meta: serde_json::Value = serde_json::from_slice(&meta.stdout).unwrap();
    let binstall = &meta["packages"][0]["metadata"]["binstall"];
    let version = env!("CARGO_PKG_VERSION");
    let github = tempfile::tempdir().unwrap();
    for (os, arch, target, suffix, exe) in [
        (
            "Linux",
            "ARM64",
            "aarch64-unknown-linux-musl",
            ".tar.gz",
            "",
        ),
        ("macOS", "X64", "x86_64-apple-darwin", ".tar.gz", ""),
        ("Windows", "X64", "x86_64-pc-windows-msvc", ".zip", ".exe"),
    ] {
        let expand = |template: &str| {
            template
                .replace("{ repo }", "https://github.com/o/r")
                .replace("{ name }", "fireside")
                .replace("{ version }", version)
                .replace("{ target }", target)
                .replace("{ archive-suffix }", suffix)
                .replace("{ bin }", "fireside")
                .replace("{ binary-ext }", exe)
        };
        let url = expand(binstall["pkg-url"].as_str().unwrap());
        let bin = expand(binstall["bin-dir"].as_str().unwrap());
        let outputs = github.path().join(format!("{target}.out"));
        let out = Command::new("bash")
            .arg(root().join("action/install.sh"))
            .arg("resolve")
            .env("FIRESIDE_VERSION", version)
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("GITHUB_OUTPUT", &outputs)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let outputs = std::fs::read_to_string(&outputs).unwrap();
        let archive = outputs
            .lines()
            .find_map(|l| l.strip_prefix("archive="))
            .expect("an archive= output");
        assert_eq!(
            url,
            format!("https://github.com/o/r/releases/download/v{version}/{archive}")
        );
        let stem = archive.trim_end_matches(suffix);
        assert_eq!(bin, format!("{stem}/fireside{exe}"));
        let pkg_fmt = binstall["overrides"][target]["pkg-fmt"]
            .as_str()
            .or(binstall["pkg-fmt"].as_str());
        assert_eq!(pkg_fmt, Some(if exe.is_empty() { "tgz" } else { "zip" }));
    }
}
