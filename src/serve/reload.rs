//! Live reload: tells open tabs what a build did, over server-sent events.
//!
//! Every outcome of a build that a tab cares about is a numbered message:
//! reload, swap stylesheets, show errors, hide errors. Each client stream
//! sends the messages it has not seen yet, in order. A page is served with
//! the number of the site version it shows (`data-site`), and a stream
//! starts with a `hello` naming the current version and the current errors,
//! so a tab that loaded just before a build still learns of it.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::json;

use crate::diagnostic::Diagnostic;

/// The client script, served at [`SCRIPT_PATH`].
pub const SCRIPT: &str = include_str!("reload.js");
pub const SCRIPT_PATH: &str = "/__fireside/reload.js";
pub const EVENTS_PATH: &str = "/__fireside/events";

/// How many messages a slow client may fall behind before it is told to reload.
const HISTORY: usize = 32;
/// A comment line this often finds clients that went away.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What a build did, as the browser sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Pages changed: reload.
    Reload,
    /// Only these stylesheets changed (URL paths): swap them in place.
    Css(Vec<String>),
    /// The build failed; the last good site is still served.
    Failed(Vec<Diagnostic>),
    /// A good build after a failure that changed no file: hide the errors.
    Recovered,
}

struct Message {
    number: u64,
    event: &'static str,
    data: String,
}

struct State {
    /// Number of the last message.
    number: u64,
    /// The version of the site now served: the number of the last message
    /// that changed files.
    site: u64,
    /// The errors of the last build, if it failed, as JSON.
    errors: Option<serde_json::Value>,
    history: VecDeque<Message>,
    closed: bool,
}

/// The messages and the clients waiting for them.
pub struct Hub {
    state: Mutex<State>,
    changed: Condvar,
}

impl Default for Hub {
    fn default() -> Self {
        Hub::new()
    }
}

impl Hub {
    pub fn new() -> Hub {
        Hub {
            state: Mutex::new(State {
                number: 0,
                site: 0,
                errors: None,
                history: VecDeque::new(),
                closed: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// The version of the site now served, for the script tag of a page.
    pub fn site_version(&self) -> u64 {
        self.lock().site
    }

    /// True while the last build failed.
    pub fn failing(&self) -> bool {
        self.lock().errors.is_some()
    }

    /// Tells every client what a build did.
    pub fn publish(&self, outcome: Outcome) {
        let mut state = self.lock();
        state.number += 1;
        let number = state.number;
        let (event, data) = match outcome {
            Outcome::Reload => {
                state.site = number;
                state.errors = None;
                ("reload", json!({ "site": number }))
            }
            Outcome::Css(paths) => {
                state.site = number;
                state.errors = None;
                ("css", json!({ "site": number, "paths": paths }))
            }
            Outcome::Failed(diagnostics) => {
                let errors = errors_json(&diagnostics);
                state.errors = Some(errors.clone());
                ("errors", json!({ "errors": errors }))
            }
            Outcome::Recovered => {
                state.errors = None;
                ("ok", json!({}))
            }
        };
        state.history.push_back(Message {
            number,
            event,
            data: data.to_string(),
        });
        while state.history.len() > HISTORY {
            state.history.pop_front();
        }
        self.changed.notify_all();
    }

    /// Ends every stream (the server is stopping).
    pub fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking client thread cannot leave the state half-written:
        // every update is a few plain assignments.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Streams events to one client until it goes away or the hub closes.
    /// `out` is the raw connection: tiny_http's own responses buffer, so the
    /// status line and headers are written here and every event is flushed.
    pub fn stream(&self, mut out: impl Write) -> std::io::Result<()> {
        out.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
              Cache-Control: no-store\r\nConnection: close\r\nX-Accel-Buffering: no\r\n\r\n",
        )?;
        let (mut seen, hello) = {
            let state = self.lock();
            let hello = json!({ "site": state.site, "errors": state.errors });
            (state.number, hello)
        };
        // Reconnect quickly after a restart of the server.
        write!(out, "retry: 500\nevent: hello\ndata: {hello}\n\n")?;
        out.flush()?;
        loop {
            let pending: Vec<String> = {
                let mut state = self.lock();
                while state.number == seen && !state.closed {
                    let (next, timeout) = self
                        .changed
                        .wait_timeout(state, KEEPALIVE)
                        .unwrap_or_else(|e| e.into_inner());
                    state = next;
                    if timeout.timed_out() && state.number == seen {
                        break;
                    }
                }
                if state.closed {
                    return Ok(());
                }
                let first = state.history.front().map_or(u64::MAX, |m| m.number);
                let pending = if state.number > seen && first > seen + 1 {
                    // Fell too far behind to replay: start over.
                    vec![format!(
                        "event: reload\ndata: {}\n\n",
                        json!({ "site": state.site })
                    )]
                } else {
                    state
                        .history
                        .iter()
                        .filter(|m| m.number > seen)
                        .map(|m| {
                            format!("id: {}\nevent: {}\ndata: {}\n\n", m.number, m.event, m.data)
                        })
                        .collect()
                };
                seen = state.number;
                pending
            };
            if pending.is_empty() {
                out.write_all(b": keep-alive\n\n")?;
            }
            for event in pending {
                out.write_all(event.as_bytes())?;
            }
            out.flush()?;
        }
    }
}

/// Diagnostics as the overlay shows them: every field, and the terminal's text.
fn errors_json(diagnostics: &[Diagnostic]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            json!({
                "file": d.file.as_deref().map(crate::diagnostic::display_path),
                "line": d.line,
                "column": d.column,
                "message": d.message,
                "hint": d.hint,
                "source_line": d.source_line,
                "text": d.render(false),
            })
        })
        .collect();
    serde_json::Value::Array(list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// A writer that hands what it gets to the test, event by event.
    struct Pipe(std::sync::mpsc::Sender<String>);
    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .send(String::from_utf8_lossy(buf).into_owned())
                .map_err(|_| std::io::Error::other("closed"))?;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The next whole event from the stream (keep-alive comments skipped).
    fn next_event(rx: &std::sync::mpsc::Receiver<String>, buffer: &mut String) -> String {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if event.contains("event:") {
                    return event;
                }
            }
            let chunk = rx.recv_timeout(Duration::from_secs(5)).expect("an event");
            buffer.push_str(&chunk);
        }
    }

    #[test]
    fn streams_hello_then_outcomes_in_order() {
        let hub = Arc::new(Hub::new());
        hub.publish(Outcome::Failed(vec![
            Diagnostic::error("bad date").in_file("content/sessions/a.md"),
        ]));
        let (tx, rx) = std::sync::mpsc::channel();
        let client = {
            let hub = hub.clone();
            std::thread::spawn(move || hub.stream(Pipe(tx)))
        };
        let mut buffer = String::new();
        let hello = next_event(&rx, &mut buffer);
        assert!(hello.contains("event: hello"), "{hello}");
        assert!(hello.contains("bad date"), "{hello}");
        hub.publish(Outcome::Css(vec!["/assets/fireside.css".into()]));
        hub.publish(Outcome::Reload);
        let css = next_event(&rx, &mut buffer);
        assert!(
            css.contains("event: css") && css.contains("fireside.css"),
            "{css}"
        );
        let reload = next_event(&rx, &mut buffer);
        assert!(reload.contains("event: reload"), "{reload}");
        assert_eq!(hub.site_version(), 3);
        assert!(!hub.failing());
        hub.close();
        client.join().unwrap().unwrap();
    }
}
