//! `fireside serve`: a live preview that keeps up with typing.
//!
//! One [`Builder`] lives for the whole session. The first build writes the
//! site into a private temporary folder; the HTTP server ([`http`]) serves
//! that folder; the watcher ([`watch`]) reports changed sources; each batch
//! of changes becomes one incremental build, and the outcome goes to open
//! tabs ([`reload`]) only after the build finished; the search index is
//! rebuilt afterwards, on a thread of its own ([`search`]). Changes that arrive
//! during a build are gathered into the next one, so builds never pile up.
//! A failed build writes nothing: the last good site stays served while the
//! browser and the terminal show the errors.
//!
//! Connections reach tiny_http only through [`guard`], which bounds what a
//! client can cost (head size, time, connections) and answers only requests
//! for the preview's own names ([`host`]).

// The preview server is one of the three modules that may touch the file
// system (clippy.toml): it serves files, watches them and clears its folder.
#![allow(clippy::disallowed_methods)]

pub mod guard;
pub mod host;
pub mod http;
pub mod reload;
pub mod search;
pub mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::build::{BuildError, BuildOptions, BuildReport, Builder, Changed, Target};
use crate::config::ThemeSource;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use reload::{Hub, Outcome};
use search::SearchWorker;
use watch::{Change, Watcher};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site and how to build it (`output` is ignored: the preview has its own folder).
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 lets the system choose a free port.
    pub port: u16,
    /// Open the preview in the default browser.
    pub open: bool,
    /// Poll for changes instead of relying on file system events.
    pub poll: bool,
    /// Colour in terminal diagnostics.
    pub color: bool,
}

/// What the build loop waits for.
enum Message {
    Changed(Change),
    Stop,
}

/// Serves the site until Ctrl-C. Errors are problems starting the server
/// (no site, port taken); a broken site is served anyway, with its errors.
pub fn run(opts: ServeOptions) -> Result<(), Diagnostic> {
    let root = &opts.build.root;
    if !crate::build::is_site(root) {
        return Err(Diagnostic::error(format!(
            "`{}` is not a Fireside site: it has no site.yaml",
            root.display()
        ))
        .hint(
            "run `fireside serve` in a site folder, or name one: `fireside serve path/to/site`",
        ));
    }
    let listener = bind(opts.bind, opts.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the preview. \
             The preview server is meant for 127.0.0.1; bind elsewhere only on a network you trust. \
             Open it by IP address: names other than localhost are refused.",
            opts.bind
        );
    }
    let out = tempfile::Builder::new()
        .prefix("fireside-serve-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("cannot create the preview folder: {e}")))?;
    let out_root = out
        .path()
        .canonicalize()
        .map_err(|e| Diagnostic::error(format!("cannot create the preview folder: {e}")))?;

    let (tx, rx) = mpsc::channel::<Message>();
    {
        let tx = tx.clone();
        ctrlc::set_handler(move || {
            let _ = tx.send(Message::Stop);
        })
        .map_err(|e| Diagnostic::error(format!("cannot handle Ctrl-C: {e}")))?;
    }

    let hub = Arc::new(Hub::new());
    let mut builder = Builder::new(BuildOptions {
        output: Some(out_root.clone()),
        ..opts.build.clone()
    })
    .with_deferred_search();
    let started = Instant::now();
    let indexer = SearchWorker::start(out_root.clone());
    match builder.build(Target::Folder(&out_root), Changed::Unknown) {
        Ok(report) => {
            print_warnings(&report, opts.color);
            println!("Built {} pages in {:.2?}.", report.pages, started.elapsed());
            indexer.update(report.site);
        }
        Err(e) => {
            clear_failed(&mut builder, &out_root);
            fail(&hub, &e, opts.color);
        }
    }
    let base_path = base_path_of(&builder);
    // tiny_http listens privately, in a folder of its own (beside the
    // preview, not in it), behind the guard.
    let socket_dir = tempfile::Builder::new()
        .prefix("fireside-serve-socket-")
        .tempdir()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let (server, backend) = guard::Backend::start(socket_dir.path())
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let mark = guard::new_mark();
    let cx = Arc::new(http::Context {
        root: out_root.clone(),
        base_path: RwLock::new(base_path.clone()),
        hub: hub.clone(),
        mark: mark.clone(),
    });
    let server = Arc::new(server);
    {
        let guard = Arc::new(guard::Guard::new(
            backend,
            host::Allowed::new(address.ip()),
            mark,
        ));
        // Ends with the process: it is blocked in accept() until then.
        std::thread::spawn(move || guard.run(listener));
    }
    let accept = {
        let server = server.clone();
        let cx = cx.clone();
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let cx = cx.clone();
                std::thread::spawn(move || http::handle(request, &cx));
            }
        })
    };
    let mut watcher = {
        let tx = tx.clone();
        Watcher::start(
            root,
            theme_folder(&builder).as_deref(),
            opts.poll,
            move |c| {
                let _ = tx.send(Message::Changed(c));
            },
        )
        .map_err(|e| {
            Diagnostic::error(format!("cannot watch the site for changes: {e}")).hint(
                "try `fireside serve --poll`, which looks for changes without file system events",
            )
        })?
    };
    let url = format!("http://{}{}", display_address(address), base_path);
    println!("Serving at {url}");
    println!(
        "Preview files in {} (removed on exit). Watching {} for changes{}. Press Ctrl-C to stop.",
        out_root.display(),
        root.display(),
        if opts.poll { " by polling" } else { "" }
    );
    let _ = std::io::stdout().flush();
    if opts.open {
        open_browser(&url);
    }

    build_loop(
        &rx,
        &mut builder,
        &indexer,
        &hub,
        &cx,
        &mut watcher,
        opts.color,
    );

    println!("Stopping.");
    hub.close();
    server.unblock();
    let _ = accept.join();
    drop(watcher);
    indexer.stop();
    builder.save_cache();
    out.close()
        .map_err(|e| Diagnostic::error(format!("cannot remove the preview folder: {e}")))?;
    let _ = socket_dir.close();
    Ok(())
}

/// One build per batch of changes until Stop: changes that arrive during a
/// build are gathered into the next one.
fn build_loop(
    rx: &Receiver<Message>,
    builder: &mut Builder,
    indexer: &SearchWorker,
    hub: &Hub,
    cx: &http::Context,
    watcher: &mut Watcher,
    color: bool,
) {
    while let Ok(message) = rx.recv() {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut rescan = false;
        let mut stop = false;
        let mut gather = |m: Message| match m {
            Message::Stop => stop = true,
            Message::Changed(Change::Paths(paths)) => changed.extend(paths),
            Message::Changed(Change::Rescan) => rescan = true,
        };
        gather(message);
        while let Ok(m) = rx.try_recv() {
            gather(m);
        }
        if stop {
            return;
        }
        changed.sort();
        changed.dedup();
        let changed = if rescan {
            Changed::Unknown
        } else {
            Changed::Only(&changed)
        };
        let site = rebuild(builder, hub, cx, changed, color);
        watcher.refresh(theme_folder(builder).as_deref());
        // The search index follows on its own thread, after the reload.
        if let Some(site) = site {
            indexer.update(site);
        }
    }
}

/// Rebuilds after a change and tells the browsers. Returns the site of a
/// good build, for the search index.
fn rebuild(
    builder: &mut Builder,
    hub: &Hub,
    cx: &http::Context,
    changed: Changed<'_>,
    color: bool,
) -> Option<Arc<Site>> {
    let started = Instant::now();
    match builder.build(Target::Folder(&cx.root), changed) {
        Ok(report) => {
            print_warnings(&report, color);
            let base_path = base_path_of(builder);
            if let Ok(mut b) = cx.base_path.write() {
                *b = base_path.clone();
            }
            let outcome = outcome(&report.written, &report.removed, &base_path, hub.failing());
            println!(
                "Rebuilt in {:.0?}: {} rendered, {} written, {} removed.{}",
                started.elapsed(),
                count(report.rendered, "page"),
                count(report.written.len(), "file"),
                report.removed.len(),
                match outcome {
                    Some(Outcome::Css(_)) => " Swapping stylesheets.",
                    Some(Outcome::Reload) => " Reloading.",
                    _ => "",
                }
            );
            if let Some(o) = outcome {
                hub.publish(o);
            }
            Some(report.site)
        }
        Err(e) => {
            clear_failed(builder, &cx.root);
            fail(hub, &e, color);
            None
        }
    }
}

/// Until a first good build, pages are written as they are rendered: clear
/// what a failed build left, so that the next one starts clean.
fn clear_failed(builder: &mut Builder, out: &Path) {
    if !builder.holds_output() {
        builder.forget_output();
        clear_folder(out);
    }
}

/// What open tabs should do after a good build.
fn outcome(
    written: &[String],
    removed: &[String],
    base_path: &str,
    was_failing: bool,
) -> Option<Outcome> {
    if written.is_empty() && removed.is_empty() {
        return was_failing.then_some(Outcome::Recovered);
    }
    if removed.is_empty() && written.iter().all(|p| p.ends_with(".css")) {
        let paths = written.iter().map(|p| format!("{base_path}{p}")).collect();
        return Some(Outcome::Css(paths));
    }
    Some(Outcome::Reload)
}

/// Prints a failed build's errors and shows them in the browsers.
fn fail(hub: &Hub, e: &BuildError, color: bool) {
    let diagnostics = e.diagnostics();
    for d in &diagnostics {
        eprintln!("{}", d.render(color));
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    eprintln!(
        "Build failed: {}. Still serving the last good build.",
        count(errors, "error")
    );
    hub.publish(Outcome::Failed(diagnostics));
}

fn print_warnings(report: &BuildReport, color: bool) {
    for d in &report.warnings {
        eprintln!("{}", d.render(color));
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn base_path_of(builder: &Builder) -> String {
    builder
        .config()
        .map(|c| c.base_path.clone())
        .unwrap_or_else(|| "/".into())
}

fn theme_folder(builder: &Builder) -> Option<PathBuf> {
    match &builder.config()?.theme {
        ThemeSource::Folder(dir) => Some(dir.clone()),
        ThemeSource::Embedded => None,
    }
}

/// Binds the port, or explains why not and which port is free.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener, Diagnostic> {
    match TcpListener::bind((ip, port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..=port.saturating_add(100))
                .find(|&p| TcpListener::bind((ip, p)).is_ok());
            let hint = match free {
                Some(p) => format!("port {p} is free: fireside serve --port {p}"),
                None => "choose another port with --port".to_string(),
            };
            Err(Diagnostic::error(format!(
                "port {port} on {ip} is already in use (is another `fireside serve` running?)"
            ))
            .hint(hint))
        }
        Err(e) => Err(Diagnostic::error(format!(
            "cannot listen on {}: {e}",
            display_address(SocketAddr::new(ip, port))
        ))
        .hint("check --bind and --port")),
    }
}

fn display_address(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", address.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", address.port()),
    }
}

/// Empties a folder, keeping the folder.
fn clear_folder(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            let _ = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
        }
    }
}

/// Opens `url` in the default browser; a failure only prints a note.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(command.0)
        .args(&command.1)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a build wrote and removed.
    fn report(written: &[&str], removed: &[&str]) -> (Vec<String>, Vec<String>) {
        (
            written.iter().map(|s| s.to_string()).collect(),
            removed.iter().map(|s| s.to_string()).collect(),
        )
    }

    fn outcome_of(
        (written, removed): &(Vec<String>, Vec<String>),
        base_path: &str,
        was_failing: bool,
    ) -> Option<Outcome> {
        outcome(written, removed, base_path, was_failing)
    }

    #[test]
    fn css_alone_swaps_stylesheets() {
        assert_eq!(
            outcome_of(&report(&["assets/fireside.css"], &[]), "/cop/", false),
            Some(Outcome::Css(vec!["/cop/assets/fireside.css".into()]))
        );
        assert_eq!(
            outcome_of(
                &report(&["assets/fireside.css", "index.html"], &[]),
                "/",
                false
            ),
            Some(Outcome::Reload)
        );
        assert_eq!(
            outcome_of(&report(&[], &["sessions/x/index.html"]), "/", false),
            Some(Outcome::Reload)
        );
        assert_eq!(outcome_of(&report(&[], &[]), "/", false), None);
        assert_eq!(
            outcome_of(&report(&[], &[]), "/", true),
            Some(Outcome::Recovered)
        );
    }
}
