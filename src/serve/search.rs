//! The preview's search index, kept up to date on a thread of its own.
//!
//! The preview builds pages without the index and reloads; this worker then
//! updates the index from the same site and writes it, so a reload never
//! waits for search. The worker keeps the analysed form of every document
//! ([`search::Cache`]), so an update tokenises only the documents that
//! changed and re-assembles the rest (the bytes are a clean build's), and it
//! writes only the files whose bytes changed: the others are linked from
//! the previous version's folder.
//!
//! Only the newest site waiting is indexed. Work for a site a newer one made
//! stale stops at the next step (documents already analysed stay in the
//! cache, so a burst of saves still makes progress) and is never written.
//! The worker runs on one core at the lowest CPU priority (its own
//! one-thread pool), so the next page rebuild takes the cores first. The
//! previous version's folder stays one more round, for a search page that
//! loaded its manifest before the update.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::model::Site;
use crate::output::{self, Content, OutputFile};
use crate::search;

/// What the worker is asked to do.
enum Job {
    /// Index this site, the `generation`th sent.
    Site(u64, Arc<Site>),
    /// Answer once every site sent before is indexed (or skipped as stale).
    Flush(Sender<()>),
}

/// The running worker; [`SearchWorker::stop`] ends it.
pub struct SearchWorker {
    jobs: Sender<Job>,
    /// The generation of the newest site sent: work on an older one is stale.
    latest: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl SearchWorker {
    /// Starts a worker that writes search indexes into `out`.
    pub fn start(out: PathBuf) -> SearchWorker {
        let (jobs, rx) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let latest = Arc::new(AtomicU64::new(0));
        let thread = {
            let (stop, latest) = (stop.clone(), latest.clone());
            std::thread::spawn(move || run(&rx, &out, &stop, &latest))
        };
        SearchWorker {
            jobs,
            latest,
            stop,
            thread,
        }
    }

    /// Indexes `site` (or a newer one, if one arrives first).
    pub fn update(&self, site: Arc<Site>) {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = self.jobs.send(Job::Site(generation, site));
    }

    /// Waits until the newest site sent is indexed and written: for tests,
    /// which compare the preview's index with a clean build's.
    pub fn flush(&self) {
        let (tx, rx) = channel();
        if self.jobs.send(Job::Flush(tx)).is_ok() {
            let _ = rx.recv();
        }
    }

    /// Stops after the file being written, and waits: the output folder may
    /// be removed once this returns.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        drop(self.jobs);
        let _ = self.thread.join();
    }
}

/// Where the index currently is, and what its files hold.
#[derive(Default)]
struct Versions {
    current: Option<String>,
    previous: Option<String>,
    /// The current folder's files (paths inside it) and their bytes' hashes.
    files: HashMap<String, blake3::Hash>,
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

fn run(jobs: &Receiver<Job>, out: &Path, stop: &AtomicBool, latest: &AtomicU64) {
    lower_priority();
    // One thread: the index never takes both cores from a rebuild.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "fireside-search".into())
        .start_handler(|_| lower_priority())
        .build();
    let mut versions = Versions::default();
    let mut cache = search::Cache::default();
    let mut newest: Option<(u64, Arc<Site>)> = None;
    let mut flushes: Vec<Sender<()>> = Vec::new();
    loop {
        // Take every job waiting: only the newest site matters.
        if newest.is_none() {
            match jobs.recv() {
                Ok(Job::Site(g, site)) => newest = Some((g, site)),
                Ok(Job::Flush(tx)) => flushes.push(tx),
                Err(_) => return,
            }
        }
        while let Ok(job) = jobs.try_recv() {
            match job {
                Job::Site(g, site) => newest = Some((g, site)),
                Job::Flush(tx) => flushes.push(tx),
            }
        }
        if stop.load(Ordering::Relaxed) {
            return;
        }
        let Some((generation, site)) = newest.take() else {
            for tx in flushes.drain(..) {
                let _ = tx.send(());
            }
            continue;
        };
        let started = Instant::now();
        let stale = || latest.load(Ordering::SeqCst) != generation;
        let outcome = update(
            &site,
            out,
            &mut versions,
            &mut cache,
            stop,
            pool.as_ref().ok(),
            &stale,
        );
        match outcome {
            // A newer site is waiting in the channel: the loop takes it.
            Ok(Updated::Stale) => continue,
            Ok(Updated::Written) => {
                println!("Search index updated in {:.0?}.", started.elapsed())
            }
            Ok(Updated::Unchanged) => {}
            Err(e) => eprintln!("warning: cannot write the search index: {e}"),
        }
        if !stale() {
            for tx in flushes.drain(..) {
                let _ = tx.send(());
            }
        }
    }
}

/// What [`update`] did.
#[derive(Debug, PartialEq, Eq)]
enum Updated {
    Written,
    Unchanged,
    /// Not written: a newer site arrived while the index was built.
    Stale,
}

/// Writes the index of `site` if it differs from the one in `out`, unless
/// `stale` says a newer site arrived by then.
fn update(
    site: &Site,
    out: &Path,
    versions: &mut Versions,
    cache: &mut search::Cache,
    stop: &AtomicBool,
    pool: Option<&rayon::ThreadPool>,
    stale: &(dyn Fn() -> bool + Sync),
) -> std::io::Result<Updated> {
    if !site.config.search.enabled {
        for v in [versions.current.take(), versions.previous.take()]
            .into_iter()
            .flatten()
        {
            remove_folder(out, &v)?;
        }
        versions.files.clear();
        output::remove_file(out, search::MANIFEST)?;
        return Ok(Updated::Unchanged);
    }
    let script = std::fs::metadata(out.join(search::SCRIPT)).map_or(0, |m| m.len() as usize);
    let mut build = || {
        let cpu = thread_cpu();
        let index = search::build_until(site, script, search::shard::TARGET, cache, stale);
        (index, thread_cpu().saturating_sub(cpu))
    };
    let (index, cpu) = match pool {
        Some(pool) => pool.install(build),
        None => build(),
    };
    match index {
        Some(index) if !stale() => {
            let written = write_index(index.files, out, versions, stop)?;
            if written == Updated::Written && std::env::var_os("FIRESIDE_TIMINGS").is_some() {
                eprintln!(
                    "[timings] search index: {cpu:.1?} of CPU, {} of {} documents analysed",
                    cache.analyses.analysed_last, index.stats.docs
                );
            }
            Ok(written)
        }
        _ => Ok(Updated::Stale),
    }
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
    let mut hashes = HashMap::with_capacity(versioned.len());
    for f in &versioned {
        let Content::Bytes(bytes) = &f.content else {
            continue;
        };
        hashes.insert(f.path[folder.len()..].to_string(), blake3::hash(bytes));
    }
    // The folder of the version before the current one holds these very
    // bytes (its name is their hash): it is only missing the manifest.
    if versions.previous.as_deref() != Some(folder.as_str()) {
        remove_folder(out, &folder)?;
        let current = versions.current.as_deref().map(|c| out.join(c));
        let mut made = std::collections::HashSet::new();
        for f in &versioned {
            if stop.load(Ordering::Relaxed) {
                return Err(std::io::Error::other("stopping"));
            }
            let rel = &f.path[folder.len()..];
            let target = out.join(&f.path);
            if let Some(parent) = target.parent()
                && made.insert(parent.to_path_buf())
            {
                std::fs::create_dir_all(parent)?;
            }
            // A file with the bytes the current folder has for it is linked,
            // not written again: most of them, after an edit.
            let same = versions
                .files
                .get(rel)
                .is_some_and(|h| hashes.get(rel) == Some(h));
            if let Some(current) = current.as_ref().filter(|_| same)
                && std::fs::hard_link(current.join(rel), &target).is_ok()
            {
                continue;
            }
            match &f.content {
                Content::Bytes(b) => std::fs::write(&target, b)?,
                other => output::replace_file(out, &f.path, other)?,
            }
        }
    }
    // The manifest last: it must never point at a folder not yet written.
    for f in &manifest {
        output::replace_file(out, &f.path, &f.content)?;
    }
    if let Some(old) = versions.previous.take()
        && old != folder
    {
        remove_folder(out, &old)?;
    }
    if versions.current.as_deref() != Some(folder.as_str()) {
        versions.previous = versions.current.replace(folder);
    }
    versions.files = hashes;
    Ok(Updated::Written)
}

/// The CPU time the calling thread has used (zero where unknown): what the
/// index cost, whatever else the machine was doing.
fn thread_cpu() -> std::time::Duration {
    #[cfg(target_os = "linux")]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` is a valid timespec for the call to fill.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0 {
            return std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        }
    }
    std::time::Duration::ZERO
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

    /// A site of one page, loaded as a build would.
    fn site(dir: &Path) -> Site {
        std::fs::write(dir.join("site.yaml"), "title: T\ntimezone: UTC\n").unwrap();
        std::fs::create_dir_all(dir.join("content")).unwrap();
        std::fs::write(
            dir.join("content/about.md"),
            "---\ntitle: About us\n---\nHello.\n",
        )
        .unwrap();
        let opts = crate::build::BuildOptions {
            now: Some("2025-01-01T00:00:00Z".parse().unwrap()),
            ..crate::build::BuildOptions::new(dir)
        };
        crate::build::load_site(&opts).expect("the site loads")
    }

    #[test]
    fn work_a_newer_site_made_stale_is_neither_finished_nor_written() {
        let dir = tempfile::tempdir().unwrap();
        let site = site(dir.path());
        let out = dir.path().join("out");
        let (mut versions, mut cache) = (Versions::default(), search::Cache::default());
        let stop = AtomicBool::new(false);
        let stale = update(&site, &out, &mut versions, &mut cache, &stop, None, &|| {
            true
        });
        assert_eq!(stale.unwrap(), Updated::Stale);
        assert!(!out.exists(), "nothing written");
        assert!(versions.current.is_none());
        let fresh = update(&site, &out, &mut versions, &mut cache, &stop, None, &|| {
            false
        });
        assert_eq!(fresh.unwrap(), Updated::Written);
        assert!(out.join(search::MANIFEST).is_file());
        let again = update(&site, &out, &mut versions, &mut cache, &stop, None, &|| {
            false
        });
        assert_eq!(again.unwrap(), Updated::Unchanged);
    }

    #[test]
    fn finds_the_version_folder() {
        assert_eq!(
            version_folder("search/9b7b9f846114/t/0.bin").as_deref(),
            Some("search/9b7b9f846114/")
        );
        assert_eq!(version_folder("search/manifest.json"), None);
    }
}
