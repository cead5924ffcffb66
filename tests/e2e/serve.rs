//! `fireside serve` end to end: the real binary on a free loopback port,
//! spoken to over plain TCP. Every wait is for an event (a line on stdout,
//! a server-sent event, the process ending), each with a deadline: no test
//! sleeps and hopes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use crate::common::*;

/// Generous: debug builds on a busy machine are slow, and a passing test
/// never waits this long.
const TIMEOUT: Duration = Duration::from_secs(60);

/// A running `fireside serve`, with its own temporary folder (TMPDIR), so
/// that the test can see it left nothing behind.
struct Server {
    child: Child,
    /// What the server printed on stderr, shown if a test fails.
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    lines: Receiver<String>,
    address: String,
    base_path: String,
    preview: PathBuf,
    tmp: tempfile::TempDir,
}

impl Server {
    fn start(site: &Path, extra: &[&str]) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fireside"))
            .args(["serve", site.to_str().unwrap(), "--port", "0"])
            .args(extra)
            .env("TMPDIR", tmp.path())
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        {
            let stderr = stderr.clone();
            let pipe = child.stderr.take().unwrap();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    let mut all = stderr.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
            });
        }
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let serving = wait_line(&lines, "Serving at ");
        let url = serving.trim_start_matches("Serving at http://");
        let (address, base_path) = url.split_at(url.find('/').unwrap());
        let preview = wait_line(&lines, "Preview files in ");
        let preview = preview["Preview files in ".len()..]
            .split(" (removed on exit)")
            .next()
            .unwrap();
        Server {
            child,
            stderr,
            lines,
            address: address.to_string(),
            base_path: base_path.to_string(),
            preview: PathBuf::from(preview),
            tmp,
        }
    }

    /// Sends `method target` as written (no normalisation: traversal tests
    /// need the raw bytes) and reads the whole answer.
    fn request(&self, method: &str, target: &str) -> Reply {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Reply::parse(&raw)
    }

    fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    /// Opens the event stream, past its `hello`.
    fn events(&self) -> Events {
        self.events_with_hello().0
    }

    /// Ctrl-C: the server stops cleanly and leaves no temporary file.
    fn stop(mut self) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(status.success());
        wait_line(&self.lines, "Stopping");
        let deadline = Instant::now() + TIMEOUT;
        let exit = loop {
            match self.child.try_wait().unwrap() {
                Some(exit) => break exit,
                None if Instant::now() > deadline => panic!("serve did not stop on SIGINT"),
                // The process is ours and its exit cannot be awaited with
                // a deadline otherwise: poll it.
                None => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        assert!(exit.success(), "serve exited with {exit}");
        assert!(!self.preview.exists(), "preview folder left behind");
        let left: Vec<_> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "temporary files left behind: {left:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only after a failed assertion: don't leave the process running.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- serve's stderr ---\n{}", self.stderr.lock().unwrap());
        }
    }
}

/// The next stdout line starting with `prefix`.
fn wait_line(lines: &Receiver<String>, prefix: &str) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.starts_with(prefix) => return line,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => panic!("no line starting with {prefix:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("serve exited before {prefix:?}"),
        }
    }
}

/// A server-sent event stream.
struct Events {
    stream: TcpStream,
    buffer: String,
}

impl Events {
    /// The next event (name, data), skipping comments and the HTTP head.
    fn next(&mut self) -> (String, String) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(n) = line.strip_prefix("event: ") {
                        name = Some(n.to_string());
                    } else if let Some(d) = line.strip_prefix("data: ") {
                        data.push_str(d);
                    }
                }
                if let Some(name) = name {
                    return (name, data);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "no event in {TIMEOUT:?}");
            self.stream.set_read_timeout(Some(left)).unwrap();
            let mut chunk = [0; 4096];
            let n = self.stream.read(&mut chunk).expect("event stream");
            assert!(n > 0, "event stream closed");
            self.buffer
                .push_str(&String::from_utf8_lossy(&chunk[..n]).replace("\r\n", "\n"));
        }
    }

    /// Waits for events until `done` holds (it is checked first, then after
    /// each event). A change may take more than one build (an editor's save
    /// in several steps), so the test waits for the state it expects, not
    /// for a count of events. Returns the events seen.
    fn until(&mut self, mut done: impl FnMut() -> bool) -> Vec<(String, String)> {
        let mut seen = Vec::new();
        let deadline = Instant::now() + TIMEOUT;
        while !done() {
            assert!(
                Instant::now() < deadline,
                "condition not met; events: {seen:?}"
            );
            seen.push(self.next());
        }
        seen
    }
}

fn session(title: &str, date: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\ncommunity: dev\nfacilitators: [Ana Ruiz]\npatterns: [tdd]\n---\n{body}\n"
    )
}

fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "content/sessions/2025-01-10-katas.md",
        &session(
            "Katas",
            "2025-01-10",
            "We practised katas.\n\n## Outcome\n\nGood.",
        ),
    );
    f.write(
        "static/cal/team.ics",
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
    );
    f
}

#[test]
fn serves_pages_with_types_folders_404_and_methods() {
    let site = site();
    let server = Server::start(site.path(), &[]);
    assert_eq!(server.base_path, "/");

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(home.body.contains("Test CoP"));
    assert!(
        home.body.contains("<script src=\"/__fireside/reload.js\""),
        "the reload script is injected"
    );

    let page = server.get("/sessions/2025-01-10-katas/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("We practised katas."));

    let folder = server.get("/sessions/2025-01-10-katas?x=1");
    assert_eq!(folder.status, 301);
    assert_eq!(
        folder.header("location"),
        Some("/sessions/2025-01-10-katas/")
    );

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.body.contains("Page not found"),
        "the site's 404 page"
    );

    let head = server.request("HEAD", "/");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );
    for method in ["POST", "PUT", "DELETE"] {
        let r = server.request(method, "/");
        assert_eq!(r.status, 405, "{method}");
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    }

    let ics = server.get("/cal/team.ics");
    assert_eq!(ics.status, 200);
    assert_eq!(
        ics.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let css = server.get("/assets/fireside.css");
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    let script = server.get("/__fireside/reload.js");
    assert_eq!(script.status, 200);
    assert!(script.body.contains("EventSource"));

    // The preview never touches the site's own output folder.
    assert!(!site.out().exists());
    server.stop();

    // Built sites carry no reload script.
    assert_success(&site.build(&[]));
    assert!(!site.read_out("index.html").contains("__fireside"));
}

#[test]
fn never_serves_a_file_outside_the_output() {
    let site = site();
    // A secret beside the site, and symlinks out of the preview folder.
    let secret_dir = tempfile::tempdir().unwrap();
    std::fs::write(secret_dir.path().join("secret.txt"), "TOP SECRET").unwrap();
    let server = Server::start(site.path(), &[]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(secret_dir.path(), server.preview.join("leak")).unwrap();
        std::os::unix::fs::symlink(
            secret_dir.path().join("secret.txt"),
            server.preview.join("leak.txt"),
        )
        .unwrap();
    }
    let depth = "../".repeat(12);
    let attempts = [
        format!("/{depth}etc/passwd"),
        "/../secret.txt".to_string(),
        "/sessions/../../secret.txt".to_string(),
        "/%2e%2e/%2e%2e/etc/passwd".to_string(),
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd".to_string(),
        "/%252e%252e/%252e%252e/etc/passwd".to_string(),
        "/..%5c..%5cetc%5cpasswd".to_string(),
        "/..\\..\\etc\\passwd".to_string(),
        "/%5c..%5c..%5cetc%5cpasswd".to_string(),
        "/index.html%00.txt".to_string(),
        "/%00".to_string(),
        "/%c0%ae%c0%ae/etc/passwd".to_string(),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        "/.fireside-output".to_string(),
        "/leak/secret.txt".to_string(),
        "/leak.txt".to_string(),
        "/leak/".to_string(),
    ];
    for target in &attempts {
        let r = server.get(target);
        assert!(
            r.status == 400 || r.status == 404,
            "{target}: status {}",
            r.status
        );
        assert!(
            !r.body.contains("TOP SECRET") && !r.body.contains("root:"),
            "{target} leaked a file"
        );
    }
    server.stop();
}

#[test]
fn edits_creations_renames_and_deletions_reload_with_new_content() {
    let site = site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let page = |path: &str| server.get(path);

    // Edit: the page shows the new text after a reload; output the edit
    // does not change is not rewritten.
    let stamp = |rel: &str| {
        let meta = std::fs::metadata(server.preview.join(rel)).unwrap();
        (meta.modified().unwrap(), meta.len())
    };
    let untouched = ["robots.txt", "patterns/index.html", "assets/fireside.css"];
    let before: Vec<_> = untouched.iter().map(|p| stamp(p)).collect();
    site.write(
        "content/sessions/2025-01-10-katas.md",
        &session("Katas", "2025-01-10", "We practised many katas."),
    );
    let seen = events.until(|| {
        page("/sessions/2025-01-10-katas/")
            .body
            .contains("many katas")
    });
    assert!(
        seen.iter().any(|(name, _)| name == "reload"),
        "a reload event: {seen:?}"
    );
    let after: Vec<_> = untouched.iter().map(|p| stamp(p)).collect();
    assert_eq!(before, after, "unchanged output was rewritten");
    // The search index follows, after the reload.
    wait_line(&server.lines, "Search index updated");
    let manifest = page("/search/manifest.json");
    assert_eq!(manifest.status, 200);
    let json: serde_json::Value = serde_json::from_str(&manifest.body).unwrap();
    let dir = json["dir"].as_str().unwrap();
    assert_eq!(
        page(&format!("/{dir}t/0.bin")).status,
        200,
        "the current index is served"
    );

    // Create: a new session and a new folder with one.
    site.write(
        "content/sessions/2025-02-01-mob.md",
        &session("Mob programming", "2025-02-01", "One keyboard."),
    );
    site.write(
        "content/sessions/retros/2025-03-01-retro.md",
        &session("Retro", "2025-03-01", "What went well."),
    );
    events.until(|| {
        page("/sessions/2025-02-01-mob/").status == 200
            && page("/sessions/2025-03-01-retro/").status == 200
    });
    assert!(page("/sessions/").body.contains("Mob programming"));

    // Save by rename, as vim and JetBrains do: new text in a temporary
    // file, the old file moved away, the new one renamed over it.
    let path = |rel: &str| site.path().join(rel);
    site.write(
        "content/sessions/2025-02-01-mob.md___jb_tmp___",
        &session("Mob programming", "2025-02-01", "Two keyboards now."),
    );
    std::fs::rename(
        path("content/sessions/2025-02-01-mob.md"),
        path("content/sessions/2025-02-01-mob.md~"),
    )
    .unwrap();
    std::fs::rename(
        path("content/sessions/2025-02-01-mob.md___jb_tmp___"),
        path("content/sessions/2025-02-01-mob.md"),
    )
    .unwrap();
    std::fs::remove_file(path("content/sessions/2025-02-01-mob.md~")).unwrap();
    events.until(|| {
        page("/sessions/2025-02-01-mob/")
            .body
            .contains("Two keyboards")
    });

    // Rename a file: the old page goes, the new one comes.
    std::fs::rename(
        path("content/sessions/2025-02-01-mob.md"),
        path("content/sessions/2025-02-01-ensemble.md"),
    )
    .unwrap();
    events.until(|| {
        page("/sessions/2025-02-01-ensemble/").status == 200
            && page("/sessions/2025-02-01-mob/").status == 404
    });
    assert!(!server.preview.join("sessions/2025-02-01-mob").exists());

    // Rename and then delete a folder.
    std::fs::rename(
        path("content/sessions/retros"),
        path("content/sessions/old-retros"),
    )
    .unwrap();
    site.write(
        "content/sessions/old-retros/2025-03-01-retro.md",
        &session("Retro", "2025-03-01", "Moved along."),
    );
    events.until(|| {
        page("/sessions/2025-03-01-retro/")
            .body
            .contains("Moved along")
    });
    std::fs::remove_dir_all(path("content/sessions/old-retros")).unwrap();
    events.until(|| page("/sessions/2025-03-01-retro/").status == 404);
    assert!(!server.preview.join("sessions/2025-03-01-retro").exists());
    assert!(!page("/sessions/").body.contains("Retro"));

    // Delete a file.
    site.remove("content/sessions/2025-02-01-ensemble.md");
    events.until(|| page("/sessions/2025-02-01-ensemble/").status == 404);
    server.stop();
}

#[test]
fn a_bad_edit_shows_every_error_and_keeps_the_last_good_site() {
    let site = site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    let good = session("Katas", "2025-01-10", "We practised katas.");
    site.write("content/sessions/2025-01-10-katas.md", &good);
    events.until(|| server.get("/sessions/2025-01-10-katas/").status == 200);

    // Two errors in two files: a bad date, and an unknown key.
    site.write(
        "content/sessions/2025-01-10-katas.md",
        "---\ntitle: Katas\ndate: 2025-13-45\n---\nBroken.\n",
    );
    site.write(
        "content/patterns/tdd.md",
        "---\ntitle: Test-Driven Development\nsumary: typo\n---\nText.\n",
    );
    // One build or two, the last errors event names both files.
    let overlay = loop {
        let (name, data) = events.next();
        if name == "errors" && data.contains("tdd.md") && data.contains("katas.md") {
            break data;
        }
    };
    let json: serde_json::Value = serde_json::from_str(&overlay).unwrap();
    let list = json["errors"].as_array().unwrap();
    assert!(list.len() >= 2, "{overlay}");
    for e in list {
        assert!(
            e["file"]
                .as_str()
                .is_some_and(|f| f.starts_with("content/"))
        );
        assert!(e["line"].as_u64().unwrap() > 0, "{e}");
        assert!(e["column"].as_u64().unwrap() > 0, "{e}");
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    // The last good page is still served, and a tab opened now sees the errors.
    let page = server.get("/sessions/2025-01-10-katas/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("We practised katas."));
    let (_, hello) = server.events_with_hello();
    assert!(
        hello.contains("sumary"),
        "hello carries the errors: {hello}"
    );

    // Fixed: the overlay goes with the next good build.
    site.write(
        "content/sessions/2025-01-10-katas.md",
        &session("Katas", "2025-01-10", "Fixed."),
    );
    site.write(
        "content/patterns/tdd.md",
        "---\ntitle: Test-Driven Development\nsummary: Test first.\n---\nText.\n",
    );
    let seen = events.until(|| {
        server
            .get("/sessions/2025-01-10-katas/")
            .body
            .contains("Fixed.")
    });
    assert!(seen.iter().any(|(n, _)| n == "reload"), "{seen:?}");
    let (_, hello) = server.events_with_hello();
    assert!(hello.contains("\"errors\":null"), "{hello}");
    server.stop();
}

impl Server {
    /// Opens the event stream and returns it with the data of its `hello`.
    fn events_with_hello(&self) -> (Events, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "GET /__fireside/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.address
        )
        .unwrap();
        let mut events = Events {
            stream,
            buffer: String::new(),
        };
        let (name, data) = events.next();
        assert_eq!(name, "hello");
        (events, data)
    }
}

#[test]
fn css_alone_swaps_stylesheets() {
    let site = site();
    let server = Server::start(site.path(), &[]);
    let mut events = server.events();
    site.write(
        "static/assets/extra.css",
        "body { color: rebeccapurple; }\n",
    );
    let (name, data) = events.next();
    assert_eq!(name, "css", "{data}");
    assert!(data.contains("/assets/extra.css"), "{data}");
    assert!(
        server
            .get("/assets/extra.css")
            .body
            .contains("rebeccapurple")
    );
    server.stop();
}

#[test]
fn maps_the_base_url_sub_path() {
    let site = site();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://example.org/cop/\n",
    );
    let server = Server::start(site.path(), &[]);
    assert_eq!(server.base_path, "/cop/");
    assert_eq!(server.get("/cop/").status, 200);
    assert!(
        server
            .get("/cop/sessions/2025-01-10-katas/")
            .body
            .contains("We practised katas.")
    );
    let r = server.get("/cop/sessions");
    assert_eq!(
        (r.status, r.header("location")),
        (301, Some("/cop/sessions/"))
    );
    let r = server.get("/cop");
    assert_eq!((r.status, r.header("location")), (301, Some("/cop/")));
    let r = server.get("/");
    assert_eq!((r.status, r.header("location")), (301, Some("/cop/")));
    assert_eq!(server.get("/sessions/").status, 404);
    assert_eq!(server.get("/cop/cal/team.ics").status, 200);
    server.stop();
}

#[test]
fn explains_a_port_in_use_and_warns_off_loopback() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = fireside(&["serve", site.path().to_str().unwrap(), "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("already in use"), "{err}");
    assert!(err.contains("--port"), "suggests a free port: {err}");

    // Any address but loopback gets a warning; the server still runs.
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fireside"))
        .args([
            "serve",
            site.path().to_str().unwrap(),
            "--port",
            "0",
            "--bind",
            "0.0.0.0",
        ])
        .env("TMPDIR", tmp.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("warning: serving on 0.0.0.0"), "{first}");
}

#[test]
fn refuses_a_folder_that_is_not_a_site() {
    let empty = tempfile::tempdir().unwrap();
    let out = fireside(&["serve", empty.path().to_str().unwrap(), "--port", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no site.yaml"), "{}", stderr(&out));
}

#[test]
fn polling_sees_changes_too() {
    let site = site();
    let server = Server::start(site.path(), &["--poll"]);
    let mut events = server.events();
    site.write(
        "content/sessions/2025-01-10-katas.md",
        &session("Katas", "2025-01-10", "Seen by polling."),
    );
    events.until(|| {
        server
            .get("/sessions/2025-01-10-katas/")
            .body
            .contains("Seen by polling")
    });
    site.remove("content/sessions/2025-01-10-katas.md");
    events.until(|| server.get("/sessions/2025-01-10-katas/").status == 404);
    server.stop();
}

#[test]
fn starts_with_a_broken_site_and_recovers() {
    let site = site();
    site.write(
        "content/sessions/2025-01-10-katas.md",
        "---\ntitle: Katas\ndate: not a date\n---\nBroken.\n",
    );
    let server = Server::start(site.path(), &[]);
    let home = server.get("/");
    assert_eq!(home.status, 404);
    assert!(
        home.body.contains("/__fireside/reload.js"),
        "errors show over a bare page"
    );
    let (mut events, hello) = server.events_with_hello();
    assert!(hello.contains("not a date"), "{hello}");
    site.write(
        "content/sessions/2025-01-10-katas.md",
        &session("Katas", "2025-01-10", "Working now."),
    );
    events.until(|| {
        server
            .get("/sessions/2025-01-10-katas/")
            .body
            .contains("Working now.")
    });
    assert_eq!(server.get("/").status, 200);
    server.stop();
}
