//! The preview's search index, kept up to date on a thread of its own.
//!
//! Building the index reads every page's text and writes a new versioned
//! folder of shards whenever any text changed: seconds on a large site. The
//! preview builds pages without it and reloads; this worker then builds the
//! index from the same site and writes it, so a reload never waits for
//! search. Only the newest site waiting is indexed, and an index made stale
//! by a newer site while it was built is dropped, not written. The worker
//! runs on one core at the lowest CPU priority (its own one-thread pool), so
//! a burst of saves never waits behind an index rebuild: the next page
//! rebuild takes the cores first. The previous version's folder stays one
//! more round, for a search page that loaded its manifest before the update.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Instant;

use rayon::prelude::*;

use crate::model::Site;
use crate::output::{self, OutputFile};
use crate::search;

/// The running worker; [`SearchWorker::stop`] ends it.
pub struct SearchWorker {
    sites: Sender<Arc<Site>>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl SearchWorker {
    /// Starts a worker that writes search indexes into `out`.
    pub fn start(out: PathBuf) -> SearchWorker {
        let (sites, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || run(&rx, &out, &stop))
        };
        SearchWorker {
            sites,
            stop,
            thread,
        }
    }

    /// Indexes `site` (or a newer one, if one arrives first).
    pub fn update(&self, site: Arc<Site>) {
        let _ = self.sites.send(site);
    }

    /// Stops after the file being written, and waits: the output folder may
    /// be removed once this returns.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        drop(self.sites);
        let _ = self.thread.join();
    }
}

/// Where the index currently is.
#[derive(Default)]
struct Versions {
    current: Option<String>,
    previous: Option<String>,
}

/// Makes the calling thread the last to get a core (Linux priorities are
/// per thread): the preview's page rebuilds come first.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; `who = 0` is this thread.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

fn run(sites: &Receiver<Arc<Site>>, out: &Path, stop: &AtomicBool) {
    lower_priority();
    // One thread: the index never takes both cores from a rebuild.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "fireside-search".into())
        .start_handler(|_| lower_priority())
        .build();
    let mut versions = Versions::default();
    let mut waiting: Option<Arc<Site>> = None;
    loop {
        let mut site = match waiting.take() {
            Some(site) => site,
            None => match sites.recv() {
                Ok(site) => site,
                Err(_) => return,
            },
        };
        while let Ok(newer) = sites.try_recv() {
            site = newer;
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let started = Instant::now();
        // A newer site arriving while this one is indexed makes it stale:
        // check before writing, and index the newer one instead.
        let newer = || sites.try_recv().ok();
        let outcome = update(&site, out, &mut versions, stop, pool.as_ref().ok(), &newer);
        match outcome {
            Ok(Updated::Stale(site)) => {
                waiting = Some(site);
                continue;
            }
            Ok(Updated::Written) => {
                println!("Search index updated in {:.0?}.", started.elapsed())
            }
            Ok(Updated::Unchanged) => {}
            Err(e) => eprintln!("warning: cannot write the search index: {e}"),
        }
    }
}

/// What [`update`] did.
enum Updated {
    Written,
    Unchanged,
    /// Not written: this newer site arrived while the index was built.
    Stale(Arc<Site>),
}

/// Writes the index of `site` if it differs from the one in `out`, unless
/// `newer` has a newer site by the time the index is built.
fn update(
    site: &Site,
    out: &Path,
    versions: &mut Versions,
    stop: &AtomicBool,
    pool: Option<&rayon::ThreadPool>,
    newer: &dyn Fn() -> Option<Arc<Site>>,
) -> std::io::Result<Updated> {
    if !site.config.search.enabled {
        for v in [versions.current.take(), versions.previous.take()]
            .into_iter()
            .flatten()
        {
            remove_folder(out, &v)?;
        }
        output::remove_file(out, search::MANIFEST)?;
        return Ok(Updated::Unchanged);
    }
    let script = std::fs::metadata(out.join(search::SCRIPT)).map_or(0, |m| m.len() as usize);
    let files = match pool {
        Some(pool) => pool.install(|| search::build(site, script).files),
        None => search::build(site, script).files,
    };
    if let Some(site) = newer() {
        return Ok(Updated::Stale(site));
    }
    write_index(files, out, versions, stop)
}

fn write_index(
    files: Vec<OutputFile>,
    out: &Path,
    versions: &mut Versions,
    stop: &AtomicBool,
) -> std::io::Result<Updated> {
    let (manifest, versioned): (Vec<OutputFile>, Vec<OutputFile>) =
        files.into_iter().partition(|f| f.path == search::MANIFEST);
    // Every file but the manifest is in `search/<version>/`.
    let Some(folder) = versioned.first().and_then(|f| version_folder(&f.path)) else {
        return Ok(Updated::Unchanged);
    };
    let unchanged = versions.current.as_deref() == Some(folder.as_str())
        && out.join(search::MANIFEST).is_file();
    if unchanged {
        return Ok(Updated::Unchanged);
    }
    versioned.par_iter().try_for_each(|f| {
        if stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::other("stopping"));
        }
        output::replace_file(out, &f.path, &f.content)
    })?;
    // The manifest last: it must never point at a folder not yet written.
    for f in &manifest {
        output::replace_file(out, &f.path, &f.content)?;
    }
    if let Some(old) = versions.previous.take()
        && old != folder
    {
        remove_folder(out, &old)?;
    }
    versions.previous = versions.current.replace(folder);
    Ok(Updated::Written)
}

/// `search/<version>/` of a versioned file's path.
fn version_folder(path: &str) -> Option<String> {
    let mut parts = path.splitn(3, '/');
    let (search, version) = (parts.next()?, parts.next()?);
    parts.next()?;
    Some(format!("{search}/{version}/"))
}

fn remove_folder(out: &Path, rel: &str) -> std::io::Result<()> {
    match std::fs::remove_dir_all(out.join(rel)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_version_folder() {
        assert_eq!(
            version_folder("search/9b7b9f846114/t/0.bin").as_deref(),
            Some("search/9b7b9f846114/")
        );
        assert_eq!(version_folder("search/manifest.json"), None);
    }
}
