//! The preview's HTTP side: maps request paths to files of the output
//! folder, and never to anything outside it.
//!
//! A request path is taken apart before it touches the file system: one
//! round of percent-decoding (so `%252e` stays the literal `%2e`), then any
//! `..`, `.`, backslash, NUL or control character is refused with 400, and
//! dot-files (the output marker, temporary files) are not found. What is
//! left is joined to the output folder and canonicalised, and must still be
//! inside it, so a symlink cannot lead out either.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{self, Hub};

/// What the request handlers share.
pub struct Context {
    /// The output folder, canonical.
    pub root: PathBuf,
    /// The base URL's path (`/` or `/cop/`); it follows `site.yaml`.
    pub base_path: RwLock<String>,
    pub hub: Arc<Hub>,
    /// The guard's secret: a request without it did not come through the
    /// guard (only possible on the loopback-port fallback) and is refused.
    pub mark: String,
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    Events,
    Script,
    /// A file of the output, relative to its root (`sessions/x/index.html`
    /// is asked for as `sessions/x/`).
    File {
        segments: Vec<String>,
        trailing_slash: bool,
    },
    /// Somewhere else on the same server: `Location`.
    Redirect(String),
    NotFound,
    BadRequest,
}

/// Maps a request target (`/cop/sessions/x/?a=1`) to a route.
pub fn route(target: &str, base_path: &str) -> Route {
    // Absolute-form targets (`http://host/path`) keep only the path.
    let target = match target.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => {
            rest.find('/').map_or("/", |i| &rest[i..])
        }
        _ => target,
    };
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') || path.contains('\\') {
        return Route::BadRequest;
    }
    match path {
        reload::EVENTS_PATH => return Route::Events,
        reload::SCRIPT_PATH => return Route::Script,
        _ => {}
    }
    let Some(decoded) = percent_decode(path) else {
        return Route::BadRequest;
    };
    if decoded.chars().any(|c| c.is_control() || c == '\\') {
        return Route::BadRequest;
    }
    let trailing_slash = decoded.ends_with('/');
    let mut segments = Vec::new();
    for s in decoded.split('/') {
        match s {
            "" => {}
            "." | ".." => return Route::BadRequest,
            _ => segments.push(s.to_string()),
        }
    }
    let base = base_segments(base_path);
    let home = || {
        Route::Redirect(folder_url(
            &base.iter().map(String::as_str).collect::<Vec<_>>(),
        ))
    };
    if segments.len() < base.len() || segments[..base.len()] != base[..] {
        // The site's home is the natural place to land from the server root.
        return if segments.is_empty() {
            home()
        } else {
            Route::NotFound
        };
    }
    let rest = segments.split_off(base.len());
    if rest.iter().any(|s| s.starts_with('.')) {
        return Route::NotFound;
    }
    if rest.is_empty() && !trailing_slash {
        return home();
    }
    Route::File {
        segments: rest,
        trailing_slash,
    }
}

/// What a `Location` path segment may hold unescaped: RFC 3986's
/// unreserved characters. Everything else, `/` and non-ASCII included, is
/// `%XX`, so a header value is always ASCII.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One round of `%XX` decoding; `None` for a malformed escape (`%zz`,
/// `%+1`, a `%` at the end) or a result that is not UTF-8. The crate
/// decodes; the check before it keeps a malformed escape an error, where
/// the crate would pass it through as text.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// Percent-encodes a path segment for a `Location` header.
fn percent_encode(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// A URL path made of `segments`, each encoded, with a trailing slash.
fn folder_url(segments: &[&str]) -> String {
    let mut url = String::from("/");
    for s in segments {
        url.push_str(&percent_encode(s));
        url.push('/');
    }
    url
}

/// The segments of the base path as a request names them after decoding:
/// `base_url` may be written with `für` or with `f%C3%BCr`.
fn base_segments(base_path: &str) -> Vec<String> {
    base_path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s).unwrap_or_else(|| s.to_string()))
        .collect()
}

/// The content type of a file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" | "yaml" | "yml" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A response header. Every value is ASCII by construction (constants, and
/// `Location` paths percent-encoded by [`folder_url`]), so this cannot fail.
fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// Answers one request. Runs on a thread of its own: an event stream
/// blocks for as long as the tab stays open.
pub fn handle(request: Request, cx: &Context) {
    let through_guard = request
        .headers()
        .iter()
        .any(|h| h.field.equiv(super::guard::MARK_HEADER) && h.value.as_str() == cx.mark);
    if !through_guard {
        let response = text(403, "text/plain; charset=utf-8", "Forbidden.\n");
        let _ = request.respond(response.with_header(header("Connection", "close")));
        return;
    }
    let method = request.method().clone();
    if method != Method::Get && method != Method::Head {
        let response = Response::from_string("Only GET and HEAD are supported.\n")
            .with_status_code(405)
            .with_header(header("Allow", "GET, HEAD"))
            .with_header(header("Content-Type", "text/plain; charset=utf-8"))
            .with_header(header("Connection", "close"));
        let _ = request.respond(response);
        return;
    }
    let base_path = cx.base_path.read().map(|b| b.clone()).unwrap_or_default();
    let response = match route(request.url(), &base_path) {
        Route::Events if method == Method::Get => {
            // The client's going away ends the stream with a write error.
            let _ = cx.hub.stream(request.into_writer());
            return;
        }
        Route::Events => text(200, "text/event-stream", ""),
        Route::Script => text(200, "text/javascript; charset=utf-8", reload::SCRIPT),
        Route::Redirect(location) => redirect(&location),
        Route::BadRequest => text(400, "text/plain; charset=utf-8", "Bad request.\n"),
        Route::NotFound => not_found(cx),
        Route::File {
            segments,
            trailing_slash,
        } => match find(&cx.root, &segments) {
            Some(Found::Folder) if !trailing_slash => {
                let base = base_segments(&base_path);
                let all: Vec<&str> = base.iter().chain(&segments).map(String::as_str).collect();
                redirect(&folder_url(&all))
            }
            Some(Found::Folder) => {
                let mut index = segments.clone();
                index.push("index.html".into());
                match find(&cx.root, &index) {
                    Some(Found::File(path)) => {
                        file(cx, &path, 200).unwrap_or_else(|| not_found(cx))
                    }
                    _ => not_found(cx),
                }
            }
            Some(Found::File(path)) if !trailing_slash => {
                file(cx, &path, 200).unwrap_or_else(|| not_found(cx))
            }
            _ => not_found(cx),
        },
    };
    // The guard gives every request a connection of its own.
    let _ = request.respond(response.with_header(header("Connection", "close")));
}

enum Found {
    File(PathBuf),
    Folder,
}

/// The file or folder at `segments` under `root`, if it exists and, with
/// every symlink followed, is still inside `root`.
fn find(root: &Path, segments: &[String]) -> Option<Found> {
    let mut path = root.to_path_buf();
    path.extend(segments);
    let real = path.canonicalize().ok()?;
    if !real.starts_with(root) {
        return None;
    }
    if real.is_dir() {
        Some(Found::Folder)
    } else if real.is_file() {
        Some(Found::File(real))
    } else {
        None
    }
}

type Body = Response<std::io::Cursor<Vec<u8>>>;

fn text(status: u16, content_type: &str, body: &str) -> Body {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", content_type))
        .with_header(header("Cache-Control", "no-store"))
}

fn redirect(location: &str) -> Body {
    text(301, "text/plain; charset=utf-8", "Moved.\n").with_header(header("Location", location))
}

/// A file of the output, with the reload script in HTML pages.
fn file(cx: &Context, path: &Path, status: u16) -> Option<Body> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .ok()?;
    let kind = content_type(path);
    if kind.starts_with("text/html") {
        bytes = inject_script(bytes, cx.hub.site_version());
    }
    Some(
        Response::from_data(bytes)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", kind))
            .with_header(header("Cache-Control", "no-store"))
            .with_header(header("X-Content-Type-Options", "nosniff")),
    )
}

/// The site's own 404 page, with status 404. Before a first good build
/// there is none: a bare page then carries the script that shows the errors.
fn not_found(cx: &Context) -> Body {
    match find(&cx.root, &["404.html".to_string()]) {
        Some(Found::File(path)) => file(cx, &path, 404),
        _ => None,
    }
    .unwrap_or_else(|| {
        let page = inject_script(
            b"<!doctype html>\n<meta charset=\"utf-8\">\n<title>Not found</title>\n<h1>Not found</h1>\n".to_vec(),
            cx.hub.site_version(),
        );
        Response::from_data(page)
            .with_status_code(StatusCode(404))
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"))
    })
}

/// Adds the live-reload script before `</body>` (or at the end).
pub fn inject_script(mut html: Vec<u8>, site_version: u64) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{}\" data-site=\"{site_version}\"></script>\n",
        reload::SCRIPT_PATH
    );
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(segments: &[&str], trailing_slash: bool) -> Route {
        Route::File {
            segments: segments.iter().map(|s| s.to_string()).collect(),
            trailing_slash,
        }
    }

    #[test]
    fn maps_paths_under_the_base_path() {
        assert_eq!(route("/", "/"), file(&[], true));
        assert_eq!(
            route("/sessions/x/?a=b", "/"),
            file(&["sessions", "x"], true)
        );
        assert_eq!(
            route("/cop/sessions/x", "/cop/"),
            file(&["sessions", "x"], false)
        );
        assert_eq!(route("/cop", "/cop/"), Route::Redirect("/cop/".into()));
        assert_eq!(route("/", "/cop/"), Route::Redirect("/cop/".into()));
        assert_eq!(route("/sessions/", "/cop/"), Route::NotFound);
        assert_eq!(route("/a%20b.txt", "/"), file(&["a b.txt"], false));
        assert_eq!(route("http://localhost/x/", "/"), file(&["x"], true));
        assert_eq!(route("/__fireside/events", "/cop/"), Route::Events);
    }

    #[test]
    fn refuses_paths_that_could_leave_the_output() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/..%2fetc%2fpasswd",
            "/..%5cetc%5cpasswd",
            "/..\\etc\\passwd",
            "/a/%00",
            "/a%00.html",
            "/%zz",
            "/%c0%ae%c0%ae/",
            "/./a",
            "relative",
        ] {
            assert_eq!(route(bad, "/"), Route::BadRequest, "{bad}");
        }
        // Decoded once only: `%252e` is the literal name `%2e`, not a dot.
        assert_eq!(
            route("/%252e%252e/etc/passwd", "/"),
            file(&["%2e%2e", "etc", "passwd"], false)
        );
        assert_eq!(route("/.fireside-output", "/"), Route::NotFound);
    }

    #[test]
    fn a_non_ascii_base_path_is_matched_and_redirected_encoded() {
        let encoded = "/gemeinschaft-f%C3%BCr-qualit%C3%A4t/";
        // `base_url` written either way means the same path.
        for base in ["/gemeinschaft-für-qualität/", encoded] {
            assert_eq!(route("/", base), Route::Redirect(encoded.into()), "{base}");
            assert_eq!(
                route("/gemeinschaft-f%C3%BCr-qualit%C3%A4t", base),
                Route::Redirect(encoded.into())
            );
            assert_eq!(
                route("/gemeinschaft-f%c3%bcr-qualit%c3%a4t/sessions/", base),
                file(&["sessions"], true)
            );
            assert_eq!(route("/gemeinschaft-fur-qualitat/", base), Route::NotFound);
        }
        assert_eq!(
            folder_url(&["a b", "ü", "x/y", "%"]),
            "/a%20b/%C3%BC/x%2Fy/%25/"
        );
    }

    #[test]
    fn malformed_escapes_are_bad_requests() {
        for bad in ["/%", "/%e", "/a%+1", "/%-1", "/%C3", "/%ff%fe", "/%e2%82"] {
            assert_eq!(route(bad, "/"), Route::BadRequest, "{bad}");
        }
        assert_eq!(route("/f%C3%BCr/", "/"), file(&["für"], true));
    }

    #[test]
    fn knows_content_types() {
        assert_eq!(
            content_type(Path::new("a/calendar.ics")),
            "text/calendar; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x.CSS")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("blob")), "application/octet-stream");
    }

    #[test]
    fn injects_the_script_before_the_body_ends() {
        let html = inject_script(b"<html><body><p>x</p></BODY></html>".to_vec(), 7);
        let html = String::from_utf8(html).unwrap();
        assert!(
            html.contains(
                "<p>x</p><script src=\"/__fireside/reload.js\" data-site=\"7\"></script>\n</BODY>"
            ),
            "{html}"
        );
        let bare = String::from_utf8(inject_script(b"<p>x</p>".to_vec(), 1)).unwrap();
        assert!(bare.ends_with("</script>\n"), "{bare}");
    }
}
