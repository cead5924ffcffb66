//! `fireside serve` against the network as an attacker sees it: foreign
//! `Host` names (DNS rebinding), oversized heads, half-open and idle
//! connections, a flood of event streams, and a non-ASCII base path. The
//! real binary on a free loopback port, spoken to over raw TCP; every loop
//! is bounded in count and every wait has a deadline. The server's memory
//! and threads are read from /proc (Linux).

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;

/// Generous: debug builds on a busy machine are slow, and a passing test
/// never waits this long.
const TIMEOUT: Duration = Duration::from_secs(60);

struct Server {
    child: Child,
    stderr: Arc<Mutex<String>>,
    /// Lines of stdout; kept, so that the server can go on printing.
    lines: Receiver<String>,
    /// What it printed before "Serving at": the first search index may be
    /// done before the server listens.
    early: Vec<String>,
    /// `127.0.0.1:PORT`
    address: String,
    port: u16,
    base_path: String,
    _tmp: tempfile::TempDir,
}

impl Server {
    fn start(site: &Path) -> Server {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_fireside"))
            .args(["serve", site.to_str().unwrap(), "--port", "0"])
            .env("TMPDIR", tmp.path())
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
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
        let mut early = Vec::new();
        let serving = wait_line_keeping(&lines, "Serving at ", &mut early);
        let url = serving.trim_start_matches("Serving at http://");
        let (address, base_path) = url.split_at(url.find('/').unwrap());
        let port = address.rsplit(':').next().unwrap().parse().unwrap();
        Server {
            child,
            stderr,
            lines,
            early,
            address: address.to_string(),
            port,
            base_path: base_path.to_string(),
            _tmp: tmp,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(TIMEOUT)).unwrap();
        stream.set_write_timeout(Some(TIMEOUT)).unwrap();
        stream
    }

    /// Sends `head` (request line and header lines, without the blank line
    /// that ends it) and reads the whole answer.
    fn raw(&self, head: &str) -> Reply {
        let mut stream = self.connect();
        write!(stream, "{head}\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        let _ = stream.read_to_end(&mut raw);
        Reply::parse(&raw)
    }

    fn get(&self, target: &str) -> Reply {
        self.raw(&format!("GET {target} HTTP/1.1\r\nHost: {}", self.address))
    }

    /// A line of /proc/PID/status, as a number (`VmRSS` in kB, `Threads`).
    fn status(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or_else(|| panic!("no {field} in {status}"))
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- serve's stderr ---\n{}", self.stderr());
        }
    }
}

fn wait_line(lines: &Receiver<String>, prefix: &str) -> String {
    wait_line_keeping(lines, prefix, &mut Vec::new())
}

/// The next stdout line starting with `prefix`; the lines before it go to `skipped`.
fn wait_line_keeping(lines: &Receiver<String>, prefix: &str, skipped: &mut Vec<String>) -> String {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(line) if line.starts_with(prefix) => return line,
            Ok(line) => skipped.push(line),
            Err(RecvTimeoutError::Timeout) => panic!("no line starting with {prefix:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("serve exited before {prefix:?}"),
        }
    }
}

fn site() -> Fixture {
    let f = Fixture::new();
    f.write(
        "content/sessions/2025-01-10-katas.md",
        "---\ntitle: Katas\ndate: 2025-01-10\ncommunity: dev\nfacilitators: [Ana Ruiz]\n---\nWe practised katas.\n",
    );
    f
}

/// Reads from a stream until `done` holds for what came, the stream ends,
/// or the deadline passes.
fn read_until(stream: &mut TcpStream, done: impl Fn(&str) -> bool) -> String {
    read_until_end(stream, done).0
}

/// Reads from a stream until the server closes it: what came, and whether
/// it did close (end of stream or a reset) rather than time out.
fn read_to_close(stream: &mut TcpStream) -> (String, bool) {
    read_until_end(stream, |_| false)
}

fn read_until_end(stream: &mut TcpStream, done: impl Fn(&str) -> bool) -> (String, bool) {
    let deadline = Instant::now() + TIMEOUT;
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    let mut closed = false;
    while !done(&String::from_utf8_lossy(&got)) && Instant::now() < deadline {
        match stream.read(&mut chunk) {
            Ok(0) => {
                closed = true;
                break;
            }
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            // The read timeout: the server kept the connection open.
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => break,
            Err(_) => {
                closed = true;
                break;
            }
        }
    }
    (String::from_utf8_lossy(&got).into_owned(), closed)
}

#[test]
fn answers_only_requests_for_its_own_names() {
    let site = site();
    let server = Server::start(site.path());
    let port = server.port;
    let ok = 200;
    let cases: Vec<(String, u16)> = vec![
        (format!("Host: 127.0.0.1:{port}"), ok),
        (format!("Host: localhost:{port}"), ok),
        (format!("Host: LOCALHOST:{port}"), ok),
        (format!("Host: LocalHost:{port}"), ok),
        ("Host: localhost".into(), ok),
        ("Host: 127.0.0.1".into(), ok),
        (format!("Host: [::1]:{port}"), ok),
        ("Host: [::1]".into(), ok),
        // An SSH tunnel changes the port; the name is what matters.
        ("Host: localhost:9999".into(), ok),
        // DNS rebinding: a name the attacker controls, pointed at 127.0.0.1.
        ("Host: evil.example:1111".into(), 421),
        (format!("Host: evil.example:{port}"), 421),
        ("Host: EVIL.EXAMPLE".into(), 421),
        (format!("Host: 127.0.0.1.nip.io:{port}"), 421),
        (format!("Host: localhost.evil.example:{port}"), 421),
        (format!("Host: evil.localhost:{port}"), 421),
        (format!("Host: localhost.:{port}"), 421),
        (format!("Host: 192.168.1.20:{port}"), 421),
        (format!("Host: 0.0.0.0:{port}"), 421),
        // Malformed, missing or doubled.
        (String::new(), 400),
        (
            format!("Host: localhost:{port}\r\nHost: localhost:{port}"),
            400,
        ),
        (format!("Host: localhost:{port}\r\nhost: evil.example"), 400),
        (format!("Host: evil.example\r\nHost: localhost:{port}"), 400),
        ("Host: localhost:http".into(), 400),
        ("Host: ".into(), 400),
        ("Host: [::1".into(), 400),
        ("Host: loc\u{e4}lhost".into(), 400),
    ];
    for (host_lines, want) in &cases {
        let head = if host_lines.is_empty() {
            "GET / HTTP/1.1".to_string()
        } else {
            format!("GET / HTTP/1.1\r\n{host_lines}")
        };
        let r = server.raw(&head);
        assert_eq!(r.status, *want, "{host_lines:?}: {r:?}");
        if *want != ok {
            assert!(!r.body.contains("Test CoP"), "{host_lines:?} got the site");
        }
        if *want == 421 {
            assert!(r.body.contains("DNS rebinding"), "explains: {}", r.body);
        }
    }
    // HTTP/1.0 predates Host.
    assert_eq!(server.raw("GET / HTTP/1.0").status, ok);
    // An absolute-form target names the host too.
    let r = server.raw(&format!(
        "GET http://evil.example:{port}/ HTTP/1.1\r\nHost: localhost:{port}"
    ));
    assert_eq!(r.status, 421);
    let r = server.raw(&format!(
        "GET http://localhost:{port}/ HTTP/1.1\r\nHost: localhost:{port}"
    ));
    assert_eq!(r.status, ok);

    // The event stream: a page of another site may not open it.
    for origin in [
        "http://evil.example",
        "http://evil.example:1111",
        "null",
        "https://localhost",
    ] {
        let r = server.raw(&format!(
            "GET /__fireside/events HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: {origin}"
        ));
        assert_eq!(r.status, 403, "{origin}: {r:?}");
        assert!(!r.body.contains("event: hello"), "{origin}");
    }
    for origin in [
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
    ] {
        let mut stream = server.connect();
        write!(
            stream,
            "GET /__fireside/events HTTP/1.1\r\nHost: localhost:{port}\r\nOrigin: {origin}\r\n\r\n"
        )
        .unwrap();
        let got = read_until(&mut stream, |s| s.contains("event: hello"));
        assert!(got.contains("event: hello"), "{origin}: {got}");
    }
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

#[test]
fn an_oversized_head_is_refused_without_growing_the_server() {
    let site = site();
    let server = Server::start(site.path());
    // Settle: the search index is built after the first build, and the
    // first requests allocate what the server keeps anyway.
    if !server
        .early
        .iter()
        .any(|l| l.starts_with("Search index updated"))
    {
        wait_line(&server.lines, "Search index updated");
    }
    for _ in 0..3 {
        assert_eq!(server.get("/").status, 200);
    }
    let before = server.status("VmRSS");
    // 16 MB of one header, in three forms: one endless line, many lines,
    // and an endless request line.
    let mega = vec![b'a'; 1024 * 1024];
    let line = format!("X-{}: y\r\n", "b".repeat(1000));
    let many: Vec<u8> = line.as_bytes().repeat(1024 * 1024 / line.len());
    let endless_header = format!("GET / HTTP/1.1\r\nHost: {}\r\nX-Big: ", server.address);
    let endless_headers = format!("GET / HTTP/1.1\r\nHost: {}\r\n", server.address);
    let forms: [(&[u8], &[u8]); 3] = [
        (endless_header.as_bytes(), &mega),
        (endless_headers.as_bytes(), &many),
        (b"GET /", &mega),
    ];
    for (start, filler) in forms {
        let mut stream = server.connect();
        stream.write_all(start).unwrap();
        let mut sent = start.len();
        let everything = start.len() + 16 * filler.len();
        for _ in 0..16 {
            // The server stops reading and closes: a failed write is the point.
            if stream.write_all(filler).is_err() {
                break;
            }
            sent += filler.len();
        }
        let mut answer = Vec::new();
        match stream.read_to_end(&mut answer) {
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("reading the answer: {e}"),
        }
        let reply = Reply::parse(&answer);
        assert!(
            reply.status == 431 || answer.is_empty(),
            "431 or closed, after {sent} bytes: {reply:?}"
        );
        assert!(sent < everything, "the server read all {sent} bytes");
    }
    let after = server.status("VmRSS");
    assert!(
        after < before + 8 * 1024,
        "memory grew from {before} kB to {after} kB"
    );
    assert_eq!(server.get("/").status, 200, "still serving");
}

#[test]
fn half_open_connections_do_not_lock_out_a_browser_or_pile_up_threads() {
    let site = site();
    let server = Server::start(site.path());
    assert_eq!(server.get("/").status, 200);
    let mut half_open = Vec::new();
    for _ in 0..300 {
        let mut s = server.connect();
        s.write_all(b"GET / HT").unwrap();
        half_open.push(s);
    }
    // A browser's request, whole at once, is answered anyway.
    let page = server.get("/sessions/2025-01-10-katas/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("We practised katas."));
    let threads = server.status("Threads");
    assert!(threads < 150, "{threads} threads for 300 half-open sockets");
    // Most of them were closed to make room; the rest follow at the deadline.
    // Both show as the end of the stream (or a 408) on our side.
    let mut closed = 0;
    for s in half_open.iter_mut() {
        let (got, ended) = read_to_close(s);
        assert!(got.is_empty() || got.starts_with("HTTP/1.1 408"), "{got}");
        if ended {
            closed += 1;
        }
    }
    assert_eq!(closed, 300);
    assert_eq!(server.get("/").status, 200);
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let site = site();
    let server = Server::start(site.path());
    // Idle: says nothing at all.
    let mut idle = server.connect();
    // Slow: one byte at a time, each well within any per-read timeout; the
    // deadline is for the whole head. Paced by our own read timeout.
    let mut slow = server.connect();
    slow.set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let head = format!(
        "GET / HTTP/1.1\r\nHost: {}\r\nX-Slow: {}",
        server.address,
        "z".repeat(200)
    );
    let mut closed_slow = false;
    for &b in head.as_bytes() {
        if slow.write_all(&[b]).is_err() {
            closed_slow = true;
            break;
        }
        let mut chunk = [0u8; 256];
        match slow.read(&mut chunk) {
            Ok(0) => {
                closed_slow = true;
                break;
            }
            Ok(n) => {
                let got = String::from_utf8_lossy(&chunk[..n]);
                assert!(got.starts_with("HTTP/1.1 408"), "{got}");
                closed_slow = true;
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                closed_slow = true;
                break;
            }
        }
    }
    assert!(closed_slow, "a byte at a time kept the connection open");
    let (got, ended) = read_to_close(&mut idle);
    assert!(ended, "an idle connection stayed open for {TIMEOUT:?}");
    assert!(got.is_empty() || got.starts_with("HTTP/1.1 408"), "{got}");
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn event_streams_are_bounded_and_freed_when_tabs_go() {
    let site = site();
    let server = Server::start(site.path());
    let open = |server: &Server| {
        let mut s = server.connect();
        write!(
            s,
            "GET /__fireside/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            server.address
        )
        .unwrap();
        let got = read_until(&mut s, |g| {
            g.contains("event: hello") || g.starts_with("HTTP/1.1 503")
        });
        (s, got)
    };
    let mut streams = Vec::new();
    let mut refused = 0;
    for _ in 0..40 {
        let (s, got) = open(&server);
        if got.starts_with("HTTP/1.1 503") {
            refused += 1;
        } else {
            assert!(got.contains("event: hello"), "{got}");
            streams.push(s);
        }
    }
    assert!(refused > 0, "40 streams, none refused");
    assert!(!streams.is_empty());
    let threads = server.status("Threads");
    assert!(
        threads < 200,
        "{threads} threads for {} streams",
        streams.len()
    );
    // Pages are still served while the streams are full.
    assert_eq!(server.get("/").status, 200);
    // The tabs close: their places free up promptly, not at a keep-alive.
    drop(streams);
    let deadline = Instant::now() + TIMEOUT;
    let mut reopened = false;
    for _ in 0..200 {
        let (_s, got) = open(&server);
        if got.contains("event: hello") {
            reopened = true;
            break;
        }
        assert!(Instant::now() < deadline, "no stream after the tabs closed");
    }
    assert!(reopened);
}

#[test]
fn a_non_ascii_base_path_redirects_and_serves() {
    let site = site();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://x.example/gemeinschaft-für-qualität/\n",
    );
    let server = Server::start(site.path());
    assert_eq!(server.base_path, "/gemeinschaft-für-qualität/");
    let base = "/gemeinschaft-f%C3%BCr-qualit%C3%A4t/";
    let r = server.get("/");
    assert_eq!((r.status, r.header("location")), (301, Some(base)));
    let r = server.get("/gemeinschaft-f%C3%BCr-qualit%C3%A4t");
    assert_eq!((r.status, r.header("location")), (301, Some(base)));
    let home = server.get(base);
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Test CoP"));
    let r = server.get(&format!("{base}sessions/2025-01-10-katas"));
    assert_eq!(r.status, 301);
    let location = r.header("location").unwrap().to_string();
    assert_eq!(location, format!("{base}sessions/2025-01-10-katas/"));
    let page = server.get(&location);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("We practised katas."));
    // Lower-case escapes name the same path.
    assert_eq!(
        server
            .get("/gemeinschaft-f%c3%bcr-qualit%c3%a4t/sessions/")
            .status,
        200
    );
    // Malformed escapes after the base path are bad requests, not panics.
    for bad in [
        "/%",
        "/%C3",
        "/%e2%82/",
        "/%+1",
        "/gemeinschaft-f%C3%BCr-qualit%C3%A4t/%ff",
    ] {
        assert_eq!(server.get(bad).status, 400, "{bad}");
    }
    assert_eq!(server.get(base).status, 200, "still serving");
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
}
