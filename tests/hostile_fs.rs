//! A hostile file system, tried as a pull request would (issue 9): links
//! out of the site, loops, links into the output, an output folder that is
//! a link or a special file, stale staging folders, concurrent builds, a
//! read-only checkout, and a poisoned highlight cache. Every case is a real
//! build of a fixture site.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;

use std::io::BufRead;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::*;
use rstest::rstest;

/// The string planted in every file outside the site: it must appear
/// nowhere, not in the output, not in stdout or stderr.
const SECRET: &str = "AWS_SECRET_ACCESS_KEY=hunter2-outside-marker";

/// A site in `<tmp>/site` and a folder of secrets beside it, in `<tmp>/outside`.
struct Hostile {
    tmp: tempfile::TempDir,
    site: Fixture,
}

impl Hostile {
    fn new() -> Hostile {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(outside.join("etc")).unwrap();
        for name in ["secret.md", "secret.css", "secret.html", "etc/passwd.md"] {
            std::fs::write(
                outside.join(name),
                format!("---\ntitle: x\n---\n{SECRET}\n"),
            )
            .unwrap();
        }
        let site = Fixture::new();
        Hostile { tmp, site }
    }

    fn outside(&self) -> PathBuf {
        self.tmp.path().join("outside")
    }

    /// The outside folder as seen from the site's parent folder (the site
    /// and `tmp` are both temp dirs in one folder), for relative links.
    fn outside_from_parent(&self) -> String {
        assert_eq!(self.tmp.path().parent(), self.site.path().parent());
        format!(
            "{}/outside",
            self.tmp.path().file_name().unwrap().to_string_lossy()
        )
    }

    fn link(&self, rel: &str, target: impl AsRef<Path>) {
        let at = self.site.path().join(rel);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(target, at).unwrap();
    }

    fn build(&self, extra: &[&str]) -> Output {
        let cache = self.tmp.path().join("cache");
        let mut args = vec!["--cache-dir", cache.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.site.build(&args)
    }
}

/// Fails if the secret appears in the run's stdout or stderr or anywhere
/// under `out`.
#[track_caller]
fn assert_no_secret(run: &Output, out: &Path) {
    assert!(!stdout(run).contains(SECRET), "stdout: {}", stdout(run));
    assert!(!stderr(run).contains(SECRET), "stderr: {}", stderr(run));
    for (file, bytes) in snapshot(out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{file} holds outside bytes"
        );
    }
}

/// How a link leads out of the site (or nowhere good). `{o}` stands for the
/// outside folder, `{dir}` for the folder the link sits in.
#[rstest]
fn links_that_leave_the_site_are_errors_naming_the_link(
    #[values("content", "static", "templates")] dir: &str,
    #[values(
        "absolute_file",
        "absolute_folder",
        "dotdot_file",
        "dotdot_through_site",
        "chain",
        "nested_in_linked_folder"
    )]
    how: &str,
) {
    let h = Hostile::new();
    let o = h.outside();
    let rel_o = h.outside_from_parent();
    let ext = match dir {
        "content" => "md",
        "static" => "css",
        _ => "html",
    };
    // The link the error must name, relative to the site.
    let named = match how {
        "absolute_file" => {
            h.link(
                &format!("{dir}/leak.{ext}"),
                o.join(format!("secret.{ext}")),
            );
            format!("{dir}/leak.{ext}")
        }
        "absolute_folder" => {
            h.link(&format!("{dir}/etc"), o.join("etc"));
            format!("{dir}/etc")
        }
        "dotdot_file" => {
            h.link(
                &format!("{dir}/sub/leak.{ext}"),
                format!("../../../{rel_o}/secret.{ext}"),
            );
            format!("{dir}/sub/leak.{ext}")
        }
        "dotdot_through_site" => {
            h.link(
                &format!("{dir}/leak.{ext}"),
                format!("../content/../../{rel_o}/secret.{ext}"),
            );
            format!("{dir}/leak.{ext}")
        }
        "chain" => {
            // dir/a -> site/links/b -> outside: every hop but the last inside.
            h.link("links/b", o.join(format!("secret.{ext}")));
            h.link(&format!("{dir}/a.{ext}"), "../links/b");
            format!("{dir}/a.{ext}")
        }
        "nested_in_linked_folder" => {
            // A folder link that stays inside, holding a link that does not.
            std::fs::create_dir_all(h.site.path().join("shared")).unwrap();
            h.link(
                &format!("shared/leak.{ext}"),
                o.join(format!("secret.{ext}")),
            );
            h.link(&format!("{dir}/shared"), "../shared");
            format!("{dir}/shared/leak.{ext}")
        }
        _ => unreachable!(),
    };
    let run = h.build(&[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(&format!(
            "`{named}` is a symbolic link that leads outside the site folder"
        )),
        "{err}"
    );
    assert!(!h.site.out().exists(), "a failed first build wrote output");
    assert_no_secret(&run, h.site.path());
    // `check` refuses it the same way, and quotes nothing of the target.
    let check = fireside(&["check", h.site.path().to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stderr(&check).contains(&format!("`{named}`")));
    assert_no_secret(&check, h.site.path());
}

#[rstest]
#[case::to_its_own_folder(".", "contains it")]
#[case::to_the_site_root("..", "contains it")]
#[case::two_links_to_each_other("loop-b", "cannot be resolved")]
fn link_loops_are_errors(
    #[values("content", "static", "templates")] dir: &str,
    #[case] target: &str,
    #[case] message: &str,
) {
    let h = Hostile::new();
    std::fs::create_dir_all(h.site.path().join(dir)).unwrap();
    if target == "loop-b" {
        h.link(&format!("{dir}/loop-a"), "loop-b");
        h.link(&format!("{dir}/loop-b"), "loop-a");
    } else {
        h.link(&format!("{dir}/loop-a"), target);
    }
    let run = h.build(&[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(&format!("`{dir}/loop-a` is a symbolic link")),
        "{err}"
    );
    assert!(err.contains(message), "{err}");
    assert!(!h.site.out().exists());
}

#[rstest]
fn links_into_the_output_folder_are_errors(
    #[values("content", "static", "templates")] dir: &str,
    #[values("default", "elsewhere")] output: &str,
    #[values("the_folder", "a_file_in_it")] what: &str,
) {
    let h = Hostile::new();
    let out = match output {
        "default" => h.site.out(),
        _ => h.tmp.path().join("www"),
    };
    let out_arg = ["-o", out.to_str().unwrap()];
    assert_success(&h.build(&out_arg));
    let target = match what {
        "the_folder" => out.clone(),
        _ => out.join("index.html"),
    };
    h.link(&format!("{dir}/mirror"), &target);
    let before = snapshot(&out);
    let run = h.build(&out_arg);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains(&format!(
            "`{dir}/mirror` is a symbolic link into the output folder"
        )),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        snapshot(&out),
        before,
        "the previous output must stay as it was"
    );
}

#[rstest]
#[case::file_in_content(
    "content/patterns/linked.md",
    "shared/linked.md",
    "patterns/linked/index.html"
)]
#[case::folder_in_content("content/more", "shared/more", "more/page/index.html")]
#[case::file_in_static("static/css/extra.css", "shared/extra.css", "css/extra.css")]
#[case::asset_beside_content("content/patterns/pic.txt", "shared/pic.txt", "patterns/pic.txt")]
fn links_inside_the_site_keep_working(
    #[case] link: &str,
    #[case] target: &str,
    #[case] output: &str,
) {
    let h = Hostile::new();
    let page =
        "---\ntitle: Linked page\nsummary: From a link.\nmaturity: trial\n---\nInside the site.\n";
    h.site.write("shared/linked.md", page);
    h.site
        .write("shared/more/page.md", "---\ntitle: More\n---\nMore text.\n");
    h.site
        .write("shared/extra.css", "body { color: #123456; }\n");
    h.site.write("shared/pic.txt", "picture bytes\n");
    let depth = link.matches('/').count();
    h.link(link, format!("{}{target}", "../".repeat(depth)));
    // A link in templates/ to a template elsewhere in the site loads too.
    h.site
        .write("shared/base-extra.html", "{# an unused template #}\n");
    h.link("templates/extra.html", "../shared/base-extra.html");
    let run = h.build(&[]);
    assert_success(&run);
    let out = h.site.out().join(output);
    assert!(
        out.is_file(),
        "{output} missing: {:?}",
        snapshot(&h.site.out()).keys()
    );
    if output.ends_with(".css") {
        assert_eq!(h.site.read_out(output), "body { color: #123456; }\n");
    }
}

#[test]
fn a_theme_folder_cannot_link_outside_either() {
    let h = Hostile::new();
    h.site
        .write("site.yaml", "title: T\ntimezone: UTC\ntheme: mytheme\n");
    std::fs::create_dir_all(h.site.path().join("mytheme/templates")).unwrap();
    h.link("mytheme/static/leak.css", h.outside().join("secret.css"));
    let run = h.build(&[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(
        stderr(&run).contains("`mytheme/static/leak.css` is a symbolic link that leads outside"),
        "{}",
        stderr(&run)
    );
    assert_no_secret(&run, h.site.path());
}

#[rstest]
#[case::absolute(false)]
#[case::relative(true)]
fn a_site_yaml_linked_from_outside_is_never_read(#[case] relative: bool) {
    let h = Hostile::new();
    std::fs::write(
        h.outside().join("site.yaml"),
        format!("title: x\n{SECRET}: [\n"),
    )
    .unwrap();
    h.site.remove("site.yaml");
    let target = if relative {
        PathBuf::from(format!("../{}/site.yaml", h.outside_from_parent()))
    } else {
        h.outside().join("site.yaml")
    };
    h.link("site.yaml", target);
    let run = h.build(&[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("`site.yaml` is a symbolic link that leads outside"));
    assert_no_secret(&run, h.site.path());
}

/// What `-o` points at, made in a temp dir: never a real /dev node.
#[rstest]
#[case::fifo("fifo")]
#[case::socket("socket")]
#[case::symlink_to_a_folder("link_to_folder")]
#[case::symlink_to_a_file("link_to_file")]
#[case::dangling_symlink("dangling")]
#[case::a_file("file")]
fn an_output_that_is_not_a_folder_is_refused_with_two(#[case] kind: &str) {
    let h = Hostile::new();
    let out = h.tmp.path().join("out");
    let target = h.tmp.path().join("target");
    let _socket;
    match kind {
        "fifo" => {
            let made = Command::new("mkfifo").arg(&out).status().unwrap();
            assert!(made.success());
        }
        "socket" => _socket = std::os::unix::net::UnixListener::bind(&out).unwrap(),
        "link_to_folder" => {
            std::fs::create_dir(&target).unwrap();
            symlink(&target, &out).unwrap();
        }
        "link_to_file" => {
            std::fs::write(&target, "keep me").unwrap();
            symlink(&target, &out).unwrap();
        }
        "dangling" => symlink(h.tmp.path().join("nowhere"), &out).unwrap(),
        "file" => std::fs::write(&out, "keep me").unwrap(),
        _ => unreachable!(),
    }
    let before = std::fs::symlink_metadata(&out).unwrap().file_type();
    for arg in [
        out.to_str().unwrap().to_string(),
        format!("{}/", out.display()),
    ] {
        let run = h.build(&["-o", &arg]);
        assert_eq!(run.status.code(), Some(2), "{arg}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("refusing to write the site to"),
            "{}",
            stderr(&run)
        );
    }
    assert_eq!(std::fs::symlink_metadata(&out).unwrap().file_type(), before);
    match kind {
        "link_to_folder" => assert_eq!(std::fs::read_dir(&target).unwrap().count(), 0),
        "link_to_file" => assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me"),
        "file" => assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me"),
        _ => {}
    }
    // Nothing was staged beside it either.
    let beside: Vec<String> = std::fs::read_dir(h.tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("fireside"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn staging_folders_of_a_killed_build_are_swept_and_nothing_else() {
    let h = Hostile::new();
    let parent = h.tmp.path().join("www");
    let out = parent.join("public");
    std::fs::create_dir_all(&parent).unwrap();
    let marked = |name: &str| {
        let dir = parent.join(name);
        std::fs::create_dir_all(dir.join("sessions")).unwrap();
        std::fs::write(dir.join(".fireside-output"), "marker").unwrap();
        std::fs::write(dir.join("sessions/index.html"), "half").unwrap();
        dir
    };
    let stale_new = marked(".public.fireside-new-AbC123");
    let stale_old = marked(".public.fireside-old-XyZ789");
    // Named like ours but without the marker: not provably ours.
    let unmarked = parent.join(".public.fireside-new-mine");
    std::fs::create_dir_all(&unmarked).unwrap();
    std::fs::write(unmarked.join("notes.txt"), "precious").unwrap();
    // A link named like ours, to a marked folder elsewhere: never followed.
    let elsewhere = marked("../elsewhere");
    symlink(&elsewhere, parent.join(".public.fireside-new-link")).unwrap();
    // Another output's staging folder: not ours to sweep.
    let other = marked(".docs.fireside-new-Q1");

    let run = h.build(&["-o", out.to_str().unwrap()]);
    assert_success(&run);
    assert!(!stale_new.exists() && !stale_old.exists());
    assert_eq!(
        std::fs::read_to_string(unmarked.join("notes.txt")).unwrap(),
        "precious"
    );
    assert!(elsewhere.join("sessions/index.html").is_file());
    assert!(
        parent
            .join(".public.fireside-new-link")
            .symlink_metadata()
            .is_ok()
    );
    assert!(other.is_dir());
    assert!(out.join("index.html").is_file());
}

fn fireside_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("fireside"));
    cmd.args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("SOURCE_DATE_EPOCH")
        .env("NO_COLOR", "1");
    cmd
}

#[test]
fn a_second_build_into_the_same_output_waits_for_the_first() {
    let h = Hostile::new();
    let cache = h.tmp.path().join("cache");
    let site = h.site.path().to_str().unwrap().to_string();
    // Hold the output's lock as a running build would.
    let lock = std::fs::File::open(h.site.path()).unwrap();
    lock.lock().unwrap();
    let mut child = fireside_command(&["build", &site, "--now", NOW, "--cache-dir"])
        .arg(&cache)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("Waiting for another build into"), "{line}");
    assert!(line.contains("public"), "{line}");
    // While it waits it has written nothing: no output, no staging folder.
    assert!(!h.site.out().exists());
    let staged = std::fs::read_dir(h.site.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("fireside-new")
        })
        .count();
    assert_eq!(staged, 0);
    drop(lock);
    let done = child.wait_with_output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stdout)
    );
    assert!(h.site.out().join("index.html").is_file());
}

#[test]
fn two_builds_at_once_both_succeed_into_one_whole_output() {
    let h = Hostile::new();
    let out = h.tmp.path().join("www/public");
    let cache = h.tmp.path().join("cache");
    let spawn = || {
        fireside_command(&["build", h.site.path().to_str().unwrap(), "--now", NOW])
            .args([
                "-o",
                out.to_str().unwrap(),
                "--cache-dir",
                cache.to_str().unwrap(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for run in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    }
    assert!(out.join("index.html").is_file());
    assert!(out.join("patterns/tdd/index.html").is_file());
    let beside: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["public"]);
}

/// Every path under `dir` (files, folders, links), relative.
fn tree(dir: &Path) -> Vec<String> {
    let mut paths: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| {
            e.unwrap()
                .path()
                .strip_prefix(dir)
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    paths.sort();
    paths
}

fn set_read_only(dir: &Path, read_only: bool) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir).contents_first(!read_only) {
        let entry = entry.unwrap();
        let mode = match (entry.file_type().is_dir(), read_only) {
            (true, true) => 0o555,
            (false, true) => 0o444,
            (true, false) => 0o755,
            (false, false) => 0o644,
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn a_read_only_checkout_builds_and_nothing_is_written_into_it() {
    let h = Hostile::new();
    h.site.write(
        "content/patterns/code.md",
        "---\ntitle: Code\nsummary: s\nmaturity: trial\n---\n```rust\nfn main() {}\n```\n",
    );
    let before = tree(h.site.path());
    let out = h.tmp.path().join("www");
    let xdg = h.tmp.path().join("xdg-cache");
    set_read_only(h.site.path(), true);
    // No --cache-dir: the default cache goes to the user's cache folder.
    let run = fireside_command(&["build", h.site.path().to_str().unwrap(), "--now", NOW])
        .args(["-o", out.to_str().unwrap()])
        .env("XDG_CACHE_HOME", &xdg)
        .output()
        .unwrap();
    let check = fireside_command(&["check", h.site.path().to_str().unwrap()])
        .env("XDG_CACHE_HOME", h.tmp.path().join("check-cache"))
        .output()
        .unwrap();
    set_read_only(h.site.path(), false);
    assert_success(&run);
    assert_success(&check);
    assert_eq!(tree(h.site.path()), before, "the build wrote into the site");
    assert!(out.join("patterns/code/index.html").is_file());
    let caches: Vec<String> = tree(&xdg)
        .into_iter()
        .filter(|p| p.ends_with("highlight.bin"))
        .collect();
    assert_eq!(caches.len(), 1, "{:?}", tree(&xdg));
    assert!(caches[0].starts_with("fireside/sites/"), "{caches:?}");
    // `check` writes nothing at all, not even a cache.
    assert!(!h.tmp.path().join("check-cache").exists());
}

#[test]
fn the_cache_goes_to_cache_dir_and_check_writes_none() {
    let h = Hostile::new();
    h.site.write(
        "content/patterns/code.md",
        "---\ntitle: Code\nsummary: s\nmaturity: trial\n---\n```rust\nfn main() {}\n```\n",
    );
    let cache = h.tmp.path().join("ci-cache");
    let run = h.site.build(&["--cache-dir", cache.to_str().unwrap()]);
    assert_success(&run);
    assert!(cache.join("highlight.bin").is_file());
    assert!(!h.site.path().join(".fireside-cache").exists());
    let check_cache = h.tmp.path().join("check-cache");
    let check = fireside(&[
        "check",
        h.site.path().to_str().unwrap(),
        "--cache-dir",
        check_cache.to_str().unwrap(),
    ]);
    assert_success(&check);
    assert!(!check_cache.exists());
}

const CODE: &str = "fn main() { let s = \"<b>\"; }\n";

/// A site with one highlighted block, built once so that its cache exists;
/// returns the cache file's path and the block's key.
fn site_with_cache() -> (Hostile, PathBuf, Vec<u8>) {
    let h = Hostile::new();
    h.site.write(
        "content/patterns/code.md",
        &format!("---\ntitle: Code\nsummary: s\nmaturity: trial\n---\n```rust\n{CODE}```\n"),
    );
    assert_success(&h.build(&[]));
    let path = h.tmp.path().join("cache/highlight.bin");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..8], b"FSHL0003");
    let key = bytes[8..40].to_vec();
    (h, path, key)
}

/// One cache entry as a test writes it: the key and its (classes, text) spans.
type Entry<'a> = (&'a [u8], &'a [(&'a str, &'a str)]);

/// A cache file in the current format: each entry a key and its spans.
fn cache_file(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut out = b"FSHL0003".to_vec();
    for (key, spans) in entries {
        out.extend_from_slice(key);
        out.extend_from_slice(&(spans.len() as u32).to_le_bytes());
        for (classes, text) in *spans {
            for s in [classes, text] {
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

#[rstest]
#[case::attribute_breakout_in_classes(&[("hl-l000000\" onmouseover=\"alert(1)", CODE)])]
#[case::markup_in_classes(&[("\"><script>alert(1)</script>", CODE)])]
#[case::script_as_the_text(&[("hl-l000000", "<script>alert(1)</script>")])]
#[case::code_plus_script(&[("", CODE), ("hl-l000000", "<img src=x onerror=alert(1)>")])]
#[case::uppercase_hex_class(&[("hl-lABCDEF", CODE)])]
#[case::unknown_class(&[("evil", CODE)])]
fn a_poisoned_highlight_cache_is_a_miss(#[case] spans: &[(&str, &str)]) {
    let (h, path, key) = site_with_cache();
    let clean = h.site.read_out("patterns/code/index.html");
    std::fs::write(&path, cache_file(&[(&key, spans)])).unwrap();
    let run = h.build(&[]);
    assert_success(&run);
    let html = h.site.read_out("patterns/code/index.html");
    assert_eq!(html, clean, "a poisoned entry changed the page");
    assert_no_markup_injected(&h);
}

#[rstest]
#[case::old_format_with_raw_html(b"FSHL0002".as_slice(), true)]
#[case::garbage(b"FSHL0003\x01\x02garbage".as_slice(), false)]
#[case::truncated_length(b"FSHL0003".as_slice(), true)]
#[case::empty(b"".as_slice(), false)]
fn a_corrupt_highlight_cache_is_never_an_error(#[case] head: &[u8], #[case] with_key: bool) {
    let (h, path, key) = site_with_cache();
    let clean = h.site.read_out("patterns/code/index.html");
    let mut bytes = head.to_vec();
    if with_key {
        bytes.extend_from_slice(&key);
        // An old-style entry: a length and raw HTML; or a length past the end.
        let html = b"<img src=x onerror=alert(1)>";
        bytes.extend_from_slice(&(u32::MAX).to_le_bytes());
        bytes.extend_from_slice(html);
    }
    std::fs::write(&path, bytes).unwrap();
    let run = h.build(&[]);
    assert_success(&run);
    assert_eq!(h.site.read_out("patterns/code/index.html"), clean);
    assert_no_markup_injected(&h);
    // The next build rewrote a good cache.
    assert_eq!(&std::fs::read(&path).unwrap()[..8], b"FSHL0003");
}

#[track_caller]
fn assert_no_markup_injected(h: &Hostile) {
    let doc = h.site.html("patterns/code/index.html");
    assert!(select(&doc, "pre script, pre img").is_empty());
    for el in select(&doc, "pre span") {
        for (name, value) in el.value().attrs() {
            assert_eq!(name, "class", "unexpected attribute {name}");
            assert!(
                value.split(' ').all(|c| c.starts_with("hl-")),
                "class {value}"
            );
        }
    }
    let text = common::text_of(&doc, "pre code");
    assert_eq!(text, CODE);
}

#[test]
fn a_write_failure_exits_with_three_and_names_the_output() {
    let h = Hostile::new();
    // Enough text that a page passes a 512-byte file size limit.
    h.site.write(
        "content/patterns/long.md",
        &format!(
            "---\ntitle: Long\nsummary: s\nmaturity: trial\n---\n{}\n",
            "word ".repeat(400)
        ),
    );
    let out = h.tmp.path().join("www");
    let bin = assert_cmd::cargo::cargo_bin("fireside");
    // Files over 512 bytes fail with EFBIG (the signal ignored), even as root.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec \"{}\" build \"{}\" --now {NOW} -o \"{}\" --cache-dir \"{}\"",
        bin.display(),
        h.site.path().display(),
        out.display(),
        h.tmp.path().join("cache").display()
    );
    let run = Command::new("sh")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(
        err.contains(&format!("cannot write the site to `{}`", out.display())),
        "{err}"
    );
    assert!(err.contains("cannot write `"), "{err}");
    assert!(
        !err.contains("fireside-new"),
        "names the staging folder: {err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_missing_site_folder_exits_with_two() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-site");
    for cmd in ["build", "check"] {
        let run = fireside(&[cmd, missing.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(2), "{cmd}: {}", stderr(&run));
        assert!(stderr(&run).contains("does not exist"), "{}", stderr(&run));
    }
    assert!(
        !missing.exists(),
        "the build created the missing site folder"
    );
}

/// The control for the poisoned cases: a well-formed entry under the same
/// key is used, so those cases really were looked up and refused.
#[test]
fn a_well_formed_cache_entry_is_used() {
    let (h, path, key) = site_with_cache();
    std::fs::write(&path, cache_file(&[(&key, &[("hl-lb", CODE)])])).unwrap();
    assert_success(&h.build(&[]));
    let html = h.site.read_out("patterns/code/index.html");
    assert!(
        html.contains("<span class=\"hl-lb\">fn main() { let s = \"&lt;b&gt;\"; }"),
        "{html}"
    );
    assert_no_markup_injected(&h);
}
