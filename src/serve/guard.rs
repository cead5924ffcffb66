//! The preview's front door: every connection passes here before tiny_http
//! sees it, and here its cost is bounded.
//!
//! tiny_http (0.12) reads a request head line by line into memory without a
//! limit, has no read or write timeouts, and gives every connection a thread
//! of its own: a 300 MB header grows the server by 300 MB, and 500 sockets
//! that never finish a request hold 500 threads. It has no setting for any
//! of this, and it only accepts connections from a listener it owns. So the
//! preview's public socket belongs to this guard, and tiny_http listens on a
//! private one (a Unix socket in a folder only this user can open; on other
//! systems, or if that fails, a loopback TCP port):
//!
//! 1. Accept. At most [`MAX_WAITING`] connections may be waiting for their
//!    request head; one more closes the oldest waiting one, so a flood of
//!    half-open sockets cannot lock out the browser, whose requests arrive
//!    whole at once.
//! 2. Read the head, with a deadline ([`HEAD_TIMEOUT`], for the whole head:
//!    a byte every few seconds does not keep a connection alive) and a size
//!    cap ([`MAX_HEAD_BYTES`], then 431). An idle connection is closed at the
//!    deadline.
//! 3. Check it: well-formed and ASCII (400), one `Host` that names the
//!    preview ([`super::host`]; none on HTTP/1.1 or two: 400, a foreign
//!    one: 421), and any `Origin` a page of the preview (403).
//! 4. Take a slot: at most [`MAX_REQUESTS`] requests being answered and
//!    [`MAX_STREAMS`] live-reload event streams (which stay open by design);
//!    beyond that, 503.
//! 5. Hand the head to tiny_http on the private socket, rewritten to ask for
//!    one request per connection (`Connection: close`) and carrying the
//!    guard's mark, and copy the answer back with a write timeout
//!    ([`WRITE_TIMEOUT`]) and a deadline for the whole answer, so a client
//!    that stops reading, or reads a byte now and then, is dropped. An event
//!    stream's client is watched as well: when the tab goes, so does the
//!    stream.
//!
//! Request bodies are never forwarded: the preview answers GET and HEAD only.
//! One request per connection costs nothing on loopback and keeps the guard
//! from having to understand responses.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::host::Allowed;
use super::http::{self, Route};

/// The largest request head accepted, request line and headers together.
/// Browsers send 1-8 KB; cookies from other local apps on `localhost` can
/// add a few more.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;
/// At most this many headers (httparse parses into a fixed array).
const MAX_HEADERS: usize = 100;
/// The whole request head must arrive within this time of the connection.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A client must take each piece of the answer within this time.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole answer (not an event stream) must be taken within this time.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(120);
/// tiny_http must answer (or, on an event stream, send its keep-alive,
/// every 15 s) within this time.
const BACKEND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a refused client may go on sending before the socket closes.
const LINGER: Duration = Duration::from_secs(1);
/// Connections still sending their request head.
pub const MAX_WAITING: usize = 32;
/// Requests being answered at once (pages, assets).
pub const MAX_REQUESTS: usize = 32;
/// Open live-reload event streams, one per tab.
pub const MAX_STREAMS: usize = 32;
/// The request header that tells tiny_http's side a request came through
/// the guard; its value is a secret of this process.
pub const MARK_HEADER: &str = "X-Fireside-Admitted";

/// Where tiny_http listens, privately.
#[derive(Debug, Clone)]
pub enum Backend {
    #[cfg(unix)]
    Unix(PathBuf),
    Tcp(SocketAddr),
}

/// A connection to the backend.
enum BackendStream {
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
    Tcp(TcpStream),
}

impl Backend {
    /// Starts tiny_http on a private socket in `dir` (a folder only this
    /// user can open), or on a loopback port if there is none.
    pub fn start(dir: &Path) -> io::Result<(tiny_http::Server, Backend)> {
        #[cfg(unix)]
        {
            let path = dir.join("http.sock");
            if let Ok(listener) = std::os::unix::net::UnixListener::bind(&path) {
                let server =
                    tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
                return Ok((server, Backend::Unix(path)));
            }
        }
        let _ = dir;
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))?;
        let address = listener.local_addr()?;
        let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
        Ok((server, Backend::Tcp(address)))
    }

    fn connect(&self) -> io::Result<BackendStream> {
        match self {
            #[cfg(unix)]
            Backend::Unix(path) => {
                std::os::unix::net::UnixStream::connect(path).map(BackendStream::Unix)
            }
            Backend::Tcp(address) => TcpStream::connect(address).map(BackendStream::Tcp),
        }
    }
}

impl BackendStream {
    fn set_read_timeout(&self, t: Option<Duration>) -> io::Result<()> {
        match self {
            #[cfg(unix)]
            BackendStream::Unix(s) => s.set_read_timeout(t),
            BackendStream::Tcp(s) => s.set_read_timeout(t),
        }
    }

    fn shutdown(&self) {
        let _ = match self {
            #[cfg(unix)]
            BackendStream::Unix(s) => s.shutdown(Shutdown::Both),
            BackendStream::Tcp(s) => s.shutdown(Shutdown::Both),
        };
    }

    fn try_clone(&self) -> io::Result<BackendStream> {
        match self {
            #[cfg(unix)]
            BackendStream::Unix(s) => s.try_clone().map(BackendStream::Unix),
            BackendStream::Tcp(s) => s.try_clone().map(BackendStream::Tcp),
        }
    }
}

impl Read for BackendStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            #[cfg(unix)]
            BackendStream::Unix(s) => s.read(buf),
            BackendStream::Tcp(s) => s.read(buf),
        }
    }
}

impl Write for BackendStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            #[cfg(unix)]
            BackendStream::Unix(s) => s.write(buf),
            BackendStream::Tcp(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The front door, shared by the connection threads.
pub struct Guard {
    backend: Backend,
    allowed: Allowed,
    mark: String,
    /// Connections reading their head, oldest first, to close when full.
    waiting: Mutex<VecDeque<(u64, TcpStream)>>,
    next_id: AtomicU64,
    requests: AtomicUsize,
    streams: AtomicUsize,
}

/// Why a connection gets no further than the guard.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Said nothing complete before the deadline.
    Timeout,
    /// Went away, or was closed to make room.
    Closed,
    TooLarge,
    Malformed(&'static str),
    MissingHost,
    DuplicateHost,
    ForeignHost,
    ForeignOrigin,
}

impl Guard {
    pub fn new(backend: Backend, allowed: Allowed, mark: String) -> Guard {
        Guard {
            backend,
            allowed,
            mark,
            waiting: Mutex::new(VecDeque::new()),
            next_id: AtomicU64::new(0),
            requests: AtomicUsize::new(0),
            streams: AtomicUsize::new(0),
        }
    }

    /// Accepts connections until the listener fails; each gets a thread.
    pub fn run(self: Arc<Self>, listener: TcpListener) {
        for conn in listener.incoming() {
            let stream = match conn {
                Ok(s) => s,
                Err(e) if is_out_of_descriptors(&e) => {
                    // Out of file descriptors: give closing connections a moment.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
                Err(_) => continue,
            };
            let Some(id) = self.enter_waiting(&stream) else {
                continue;
            };
            let guard = self.clone();
            let spawned = std::thread::Builder::new()
                .name("fireside-conn".into())
                .spawn(move || guard.connection(id, stream));
            if spawned.is_err() {
                self.leave_waiting(id);
            }
        }
    }

    /// Registers a connection as waiting for its head, closing the oldest
    /// waiting one if there are too many.
    fn enter_waiting(&self, stream: &TcpStream) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut waiting = lock(&self.waiting);
        while waiting.len() >= MAX_WAITING {
            if let Some((_, oldest)) = waiting.pop_front() {
                // Its thread's read returns at once and the thread ends.
                let _ = oldest.shutdown(Shutdown::Both);
            }
        }
        waiting.push_back((id, handle));
        Some(id)
    }

    /// True if the connection was still registered (not closed to make room).
    fn leave_waiting(&self, id: u64) -> bool {
        let mut waiting = lock(&self.waiting);
        match waiting.iter().position(|(i, _)| *i == id) {
            Some(at) => {
                waiting.remove(at);
                true
            }
            None => false,
        }
    }

    fn connection(&self, id: u64, mut client: TcpStream) {
        let _ = client.set_write_timeout(Some(WRITE_TIMEOUT));
        let head = read_head(&mut client, Instant::now() + HEAD_TIMEOUT);
        let request = match head.and_then(|h| admit(&h, &self.allowed)) {
            Ok(r) => r,
            Err(refusal) => {
                // Still counted as waiting while it is told why, so that a
                // flood of bad requests is bounded like one of slow ones.
                refuse(&mut client, &refusal);
                self.leave_waiting(id);
                return;
            }
        };
        if !self.leave_waiting(id) {
            return;
        }
        let (counter, max) = if request.stream {
            (&self.streams, MAX_STREAMS)
        } else {
            (&self.requests, MAX_REQUESTS)
        };
        let Some(_slot) = Slot::take(counter, max) else {
            respond(
                &mut client,
                "503 Service Unavailable",
                &[("Retry-After", "1")],
                "The preview is answering as many requests as it allows; try again in a moment.\n",
            );
            return;
        };
        self.forward(client, &request);
    }

    /// Hands the request to tiny_http and copies its answer back.
    fn forward(&self, mut client: TcpStream, request: &Admitted) {
        let Ok(mut backend) = self.backend.connect() else {
            respond(
                &mut client,
                "503 Service Unavailable",
                &[],
                "The preview is stopping.\n",
            );
            return;
        };
        let _ = backend.set_read_timeout(Some(BACKEND_TIMEOUT));
        if backend
            .write_all(request.forwarded(&self.mark).as_bytes())
            .is_err()
        {
            return;
        }
        if request.stream {
            // The tab's going away ends the stream now, not at the next
            // keep-alive: watch the client's side of the connection.
            let _ = client.set_read_timeout(None);
            if let (Ok(mut watched), Ok(to_close)) = (client.try_clone(), backend.try_clone()) {
                let _ = std::thread::Builder::new()
                    .name("fireside-stream".into())
                    .spawn(move || {
                        let mut sink = [0u8; 512];
                        while matches!(watched.read(&mut sink), Ok(n) if n > 0) {}
                        to_close.shutdown();
                    });
            }
        }
        // A page's answer has a deadline as a whole, so a client that reads
        // a byte now and then cannot hold a place; a stream has none.
        let deadline = (!request.stream).then(|| Instant::now() + ANSWER_TIMEOUT);
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = match backend.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Some(deadline) = deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero()
                    || client
                        .set_write_timeout(Some(left.min(WRITE_TIMEOUT)))
                        .is_err()
                {
                    break;
                }
            }
            if client.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        backend.shutdown();
        let _ = client.shutdown(Shutdown::Both);
    }
}

/// One of a bounded number of places; freed when dropped.
struct Slot<'a>(&'a AtomicUsize);

impl<'a> Slot<'a> {
    fn take(counter: &'a AtomicUsize, max: usize) -> Option<Slot<'a>> {
        counter
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < max).then_some(n + 1)
            })
            .ok()
            .map(|_| Slot(counter))
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The queue is consistent after every push or pop: a panicking thread
    // cannot leave it half-changed.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn is_out_of_descriptors(e: &io::Error) -> bool {
    // EMFILE and ENFILE on Linux and the BSDs.
    matches!(e.raw_os_error(), Some(23 | 24))
}

/// Reads a request head (up to and with its blank line) before `deadline`,
/// never more than [`MAX_HEAD_BYTES`] of it.
pub fn read_head(stream: &mut impl ReadWithTimeout, deadline: Instant) -> Result<Vec<u8>, Refusal> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Refusal::Timeout);
        }
        stream
            .set_timeout(Some(left))
            .map_err(|_| Refusal::Closed)?;
        let room = (MAX_HEAD_BYTES + 1 - head.len()).min(chunk.len());
        let n = match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(Refusal::Closed),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Refusal::Timeout);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(Refusal::Closed),
        };
        // Look for the end only in what is new (and the three bytes before).
        let from = head.len().saturating_sub(3);
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = end_of_head(&head[from..]) {
            head.truncate(from + end);
            return Ok(head);
        }
        if head.len() > MAX_HEAD_BYTES {
            return Err(Refusal::TooLarge);
        }
    }
}

/// Where the blank line that ends a head ends (`\r\n\r\n`, or `\n\n` from
/// lenient clients, as RFC 9112 section 2.2 allows).
fn end_of_head(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find_map(|i| {
        if bytes[i..].starts_with(b"\r\n\r\n") {
            Some(i + 4)
        } else if bytes[i..].starts_with(b"\n\n") {
            Some(i + 2)
        } else if bytes[i..].starts_with(b"\n\r\n") {
            Some(i + 3)
        } else {
            None
        }
    })
}

/// What [`read_head`] reads from: a socket, or a test's stand-in.
pub trait ReadWithTimeout: Read {
    fn set_timeout(&mut self, t: Option<Duration>) -> io::Result<()>;
}

impl ReadWithTimeout for TcpStream {
    fn set_timeout(&mut self, t: Option<Duration>) -> io::Result<()> {
        self.set_read_timeout(t)
    }
}

/// A request the guard lets through.
#[derive(Debug, PartialEq, Eq)]
pub struct Admitted {
    method: String,
    target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    version: u8,
    /// End-to-end headers, as sent.
    headers: Vec<(String, String)>,
    /// A live-reload event stream, long-lived by design.
    pub stream: bool,
}

/// Hop-by-hop headers and those about a body: the guard forwards neither
/// (RFC 9110 section 7.6.1), and sets `Connection` itself.
const NOT_FORWARDED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "upgrade",
    "transfer-encoding",
    "content-length",
    "expect",
];

impl Admitted {
    /// The head as tiny_http gets it: one request per connection, no body,
    /// and the guard's mark.
    pub fn forwarded(&self, mark: &str) -> String {
        let mut head = format!(
            "{} {} HTTP/1.{}\r\n",
            self.method, self.target, self.version
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Connection: close\r\n{MARK_HEADER}: {mark}\r\n\r\n"
        ));
        head
    }
}

/// Parses and checks a request head.
pub fn admit(head: &[u8], allowed: &Allowed) -> Result<Admitted, Refusal> {
    if !head.is_ascii() {
        return Err(Refusal::Malformed("the request head is not ASCII"));
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => {
            return Err(Refusal::Malformed("the request head is incomplete"));
        }
        Err(httparse::Error::TooManyHeaders) => return Err(Refusal::TooLarge),
        Err(_) => return Err(Refusal::Malformed("the request head is not HTTP/1.x")),
    }
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(Refusal::Malformed("the request line is incomplete"));
    };
    let mut kept = Vec::new();
    let mut hosts = Vec::new();
    for h in parsed.headers.iter() {
        // ASCII was checked above, so this cannot fail.
        let value = std::str::from_utf8(h.value)
            .unwrap_or_default()
            .trim()
            .to_string();
        if h.name.eq_ignore_ascii_case("host") {
            hosts.push(value.clone());
        } else if h.name.eq_ignore_ascii_case("origin") && !allowed.origin(&value) {
            return Err(Refusal::ForeignOrigin);
        }
        if h.name.eq_ignore_ascii_case(MARK_HEADER)
            || NOT_FORWARDED.iter().any(|n| h.name.eq_ignore_ascii_case(n))
        {
            continue;
        }
        if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
            return Err(Refusal::Malformed("a header holds a control character"));
        }
        kept.push((h.name.to_string(), value));
    }
    match hosts.as_slice() {
        // HTTP/1.0 predates Host; browsers always send it.
        [] if version == 0 => {}
        [] => return Err(Refusal::MissingHost),
        [host] => match allowed.host(host) {
            Some(true) => {}
            Some(false) => return Err(Refusal::ForeignHost),
            None => return Err(Refusal::Malformed("the Host header is not a host and port")),
        },
        _ => return Err(Refusal::DuplicateHost),
    }
    // An absolute-form target names the host too (RFC 9112 section 3.2.2).
    if let Some((scheme, rest)) = target.split_once("://")
        && (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
    {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
        if allowed.host(authority) != Some(true) {
            return Err(Refusal::ForeignHost);
        }
    }
    let stream = method == "GET" && http::route(target, "/") == Route::Events;
    Ok(Admitted {
        method: method.to_string(),
        target: target.to_string(),
        version,
        headers: kept,
        stream,
    })
}

/// Answers a refused request (if it is still there to hear it) and closes.
fn refuse(client: &mut TcpStream, refusal: &Refusal) {
    let (status, body) = match refusal {
        Refusal::Closed => return,
        Refusal::Timeout => (
            "408 Request Timeout",
            format!(
                "The request did not arrive within {} seconds.\n",
                HEAD_TIMEOUT.as_secs()
            ),
        ),
        Refusal::TooLarge => (
            "431 Request Header Fields Too Large",
            format!(
                "The request head is larger than the preview accepts ({} KB, {MAX_HEADERS} headers).\n",
                MAX_HEAD_BYTES / 1024
            ),
        ),
        Refusal::Malformed(what) => ("400 Bad Request", format!("Bad request: {what}.\n")),
        Refusal::MissingHost => (
            "400 Bad Request",
            "Bad request: HTTP/1.1 needs a Host header.\n".to_string(),
        ),
        Refusal::DuplicateHost => (
            "400 Bad Request",
            "Bad request: more than one Host header.\n".to_string(),
        ),
        Refusal::ForeignHost => (
            "421 Misdirected Request",
            "The preview answers only to localhost, 127.0.0.1, [::1] and the address \
             given to --bind. A request for another name is how a website reads a local \
             server through DNS rebinding, so it is refused. Open the preview at \
             http://127.0.0.1:PORT/ (the address `fireside serve` printed).\n"
                .to_string(),
        ),
        Refusal::ForeignOrigin => (
            "403 Forbidden",
            "Only pages of the preview itself may call it: the request's Origin is another site.\n"
                .to_string(),
        ),
    };
    respond(client, status, &[], &body);
    linger(client);
}

/// Writes a small complete answer that closes the connection.
fn respond(client: &mut TcpStream, status: &str, extra: &[(&str, &str)], body: &str) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.push_str(body);
    let _ = client.write_all(head.as_bytes());
}

/// Closes our side, then reads (and drops) a little of what the client is
/// still sending, briefly, so that closing does not reset the connection
/// before the client has read the answer.
/// At most [`LINGER`] and 256 KB, so lingering cannot be drawn out either.
fn linger(client: &mut TcpStream) {
    let _ = client.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut left = 256 * 1024usize;
    let mut sink = [0u8; 4096];
    while left > 0 {
        let time = deadline.saturating_duration_since(Instant::now());
        if time.is_zero() || client.set_read_timeout(Some(time)).is_err() {
            break;
        }
        match client.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => left = left.saturating_sub(n),
        }
    }
}

/// A secret that marks requests as having come through the guard.
pub fn new_mark() -> String {
    use std::hash::BuildHasher;
    // Each RandomState is keyed from the operating system's random source.
    let a = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
    let b = std::collections::hash_map::RandomState::new().hash_one(Instant::now());
    format!("{a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv4Addr};

    fn allowed() -> Allowed {
        Allowed::new(IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    /// Bytes in chunks, then silence (a timeout) or the end.
    struct Script {
        chunks: VecDeque<Vec<u8>>,
        then_eof: bool,
    }

    impl Read for Script {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match self.chunks.pop_front() {
                Some(mut c) => {
                    let n = c.len().min(buf.len());
                    buf[..n].copy_from_slice(&c[..n]);
                    if n < c.len() {
                        self.chunks.push_front(c.split_off(n));
                    }
                    Ok(n)
                }
                None if self.then_eof => Ok(0),
                None => Err(io::ErrorKind::WouldBlock.into()),
            }
        }
    }

    impl ReadWithTimeout for Script {
        fn set_timeout(&mut self, _: Option<Duration>) -> io::Result<()> {
            Ok(())
        }
    }

    fn script(chunks: &[&[u8]], then_eof: bool) -> Script {
        Script {
            chunks: chunks.iter().map(|c| c.to_vec()).collect(),
            then_eof,
        }
    }

    fn later() -> Instant {
        Instant::now() + Duration::from_secs(60)
    }

    #[test]
    fn reads_a_head_in_pieces_and_stops_at_its_end() {
        let mut s = script(
            &[b"GET / HTTP/1.1\r\nHo", b"st: localhost\r", b"\n\r\nBODY"],
            true,
        );
        assert_eq!(
            read_head(&mut s, later()).unwrap(),
            b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
        );
        let mut lf = script(&[b"GET / HTTP/1.1\nHost: x\n\n"], true);
        assert!(read_head(&mut lf, later()).is_ok());
    }

    #[test]
    fn a_head_that_never_ends_is_bounded() {
        let big = vec![b'a'; 4096];
        let chunks: Vec<&[u8]> = std::iter::once(&b"GET / HTTP/1.1\r\nX: "[..])
            .chain(std::iter::repeat_n(&big[..], 100))
            .collect();
        assert_eq!(
            read_head(&mut script(&chunks, true), later()),
            Err(Refusal::TooLarge)
        );
        assert_eq!(
            read_head(&mut script(&[b"GET / HT"], false), later()),
            Err(Refusal::Timeout)
        );
        assert_eq!(
            read_head(&mut script(&[b"GET / HT"], true), later()),
            Err(Refusal::Closed)
        );
        assert_eq!(
            read_head(
                &mut script(&[b"GET / HTTP/1.1\r\n\r\n"], true),
                Instant::now()
            ),
            Err(Refusal::Timeout)
        );
    }

    fn head(lines: &[&str]) -> Vec<u8> {
        let mut s = lines.join("\r\n");
        s.push_str("\r\n\r\n");
        s.into_bytes()
    }

    #[test]
    fn admits_a_browser_request_and_rewrites_it_for_one_answer() {
        let r = admit(
            &head(&[
                "GET /x/ HTTP/1.1",
                "Host: localhost:8000",
                "Connection: keep-alive",
                "Content-Length: 5",
                "X-Fireside-Admitted: forged",
                "Accept: text/html",
            ]),
            &allowed(),
        )
        .unwrap();
        assert!(!r.stream);
        assert_eq!(
            r.forwarded("secret"),
            "GET /x/ HTTP/1.1\r\nHost: localhost:8000\r\nAccept: text/html\r\n\
             Connection: close\r\nX-Fireside-Admitted: secret\r\n\r\n"
        );
        let events = admit(
            &head(&["GET /__fireside/events HTTP/1.1", "Host: 127.0.0.1:1"]),
            &allowed(),
        )
        .unwrap();
        assert!(events.stream);
        assert!(admit(&head(&["GET / HTTP/1.0"]), &allowed()).is_ok());
    }

    #[test]
    fn refuses_what_is_not_for_the_preview() {
        let cases: &[(&[&str], Refusal)] = &[
            (&["GET / HTTP/1.1"], Refusal::MissingHost),
            (
                &["GET / HTTP/1.1", "Host: localhost", "Host: localhost"],
                Refusal::DuplicateHost,
            ),
            (
                &["GET / HTTP/1.1", "Host: localhost", "hOsT: evil.example"],
                Refusal::DuplicateHost,
            ),
            (
                &["GET / HTTP/1.1", "Host: evil.example:1111"],
                Refusal::ForeignHost,
            ),
            (
                &["GET http://evil.example/ HTTP/1.1", "Host: localhost"],
                Refusal::ForeignHost,
            ),
            (
                &[
                    "GET / HTTP/1.1",
                    "Host: localhost",
                    "Origin: http://evil.example",
                ],
                Refusal::ForeignOrigin,
            ),
            (
                &[
                    "GET /__fireside/events HTTP/1.1",
                    "Host: localhost",
                    "Origin: null",
                ],
                Refusal::ForeignOrigin,
            ),
        ];
        for (lines, want) in cases {
            assert_eq!(
                admit(&head(lines), &allowed()).as_ref(),
                Err(want),
                "{lines:?}"
            );
        }
        for bad in [
            head(&["GET / HTTP/1.1", "Host: l\u{f6}calhost"]),
            head(&["GET / HTTP/2.0", "Host: localhost"]),
            head(&["GET / HTTP/1.1", "Host: localhost:x"]),
            b"GET  HTTP/1.1\r\n\r\n".to_vec(),
        ] {
            assert!(
                matches!(admit(&bad, &allowed()), Err(Refusal::Malformed(_))),
                "{:?}",
                String::from_utf8_lossy(&bad)
            );
        }
        let many: Vec<String> = (0..200).map(|i| format!("X-{i}: y")).collect();
        let mut lines = vec!["GET / HTTP/1.1", "Host: localhost"];
        lines.extend(many.iter().map(String::as_str));
        assert_eq!(admit(&head(&lines), &allowed()), Err(Refusal::TooLarge));
    }
}
