//! The build pipeline: load -> parse -> resolve -> plan -> render -> write.
//!
//! I/O happens at the two ends (load and write); the stages between are
//! pure functions over in-memory data, which is what makes them testable,
//! parallel and incremental.
//!
//! A [`Builder`] runs the stages and keeps what it can between builds:
//! parsed documents (by path and content hash) and, per output file, what
//! it was made from. `fireside build` runs one build with a new builder;
//! `fireside serve` keeps one builder and runs a build per change, which
//! re-parses only changed files, renders only pages whose input changed,
//! and rewrites only files whose bytes changed.

mod changes;
pub mod fingerprint;
mod pages;
mod progress;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use rayon::prelude::*;

use crate::build::fingerprint::{Fingerprint, ValueHasher};
use crate::check::links::{self as linkcheck, LinkIndex};
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::load::{FileStamp, SourceEntry};
use crate::model::Site;
use crate::output::{self, Content, OutputFile};
use crate::parse::highlight::{self, Highlighter};
use crate::parse::markdown::MarkdownOptions;
use crate::parse::{self, ParseContext, Parsed};
use crate::render::templates::Templates;
use crate::render::{self, PlannedPage};
use crate::resolve::{self, ResolveInput};
use crate::search;
use crate::views::Views;
use changes::SupportingFile;
use pages::RenderedPage;
use progress::Progress;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` means `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    /// The build's clock. `None`: `SOURCE_DATE_EPOCH`, else the system clock.
    pub now: Option<Timestamp>,
    pub drafts: bool,
    /// Render but write nothing (`fireside check`).
    pub dry_run: bool,
    /// Show a progress bar on a terminal.
    pub progress: bool,
    /// Also check external links over the network (`check --external`).
    pub external_links: bool,
    /// Where the highlight cache lives (`--cache-dir`); `None`: the user's
    /// cache folder. Never the site folder, which may be read-only.
    pub cache_dir: Option<PathBuf>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            now: None,
            drafts: false,
            dry_run: false,
            progress: false,
            external_links: false,
            cache_dir: None,
        }
    }

    /// The highlight cache file, if there is anywhere to keep one.
    pub fn highlight_cache(&self) -> Option<PathBuf> {
        match &self.cache_dir {
            Some(dir) => Some(dir.join(highlight::CACHE_FILE)),
            None => highlight::default_cache_path(&self.root),
        }
    }

    /// The record of what `fireside build` wrote into the output folder
    /// `out` (absolute), kept with the caches so the output holds only the site.
    pub(crate) fn output_manifest(&self, out: &Path) -> Option<PathBuf> {
        let cache = self.highlight_cache()?;
        Some(output::manifest_path(cache.parent()?, out))
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// HTML pages in the site.
    pub pages: usize,
    /// Pages rendered by this build (the others' inputs did not change).
    pub rendered: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    pub output: PathBuf,
    /// Output files this build wrote (new or changed bytes), sorted.
    pub written: Vec<String>,
    /// Output files this build removed (their page or file is gone), sorted.
    pub removed: Vec<String>,
    /// The search index's figures, when search is enabled.
    pub search: Option<search::Stats>,
    /// The resolved site the build rendered: `fireside serve` indexes it for
    /// search after the reload. Dropping a large site takes a while; a
    /// caller on a hurry drops it on a thread of its own.
    pub site: std::sync::Arc<Site>,
}

/// Why a build failed. Content errors exit with 1, usage errors with 2,
/// write failures with 3 (see the exit-code table in docs/cli.md).
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files: all of them, plus the warnings.
    Content(Vec<Diagnostic>),
    /// A bad command line (an output folder in a forbidden place, a site
    /// folder that does not exist).
    Usage(Diagnostic),
    /// The output could not be written (a full disk, no permission): not
    /// the content's fault nor the command line's.
    Write(Diagnostic),
}

impl BuildError {
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            BuildError::Content(d) => d.clone(),
            BuildError::Usage(d) | BuildError::Write(d) => vec![d.clone()],
        }
    }
}

/// Prints how long each stage took, and the memory held after it, when
/// `FIRESIDE_TIMINGS` is set: the first thing to look at when a build is
/// slow or large.
struct StageClock {
    enabled: bool,
    last: Instant,
    /// The process's CPU time at the last lap: CPU over wall time says
    /// whether a stage keeps both cores busy.
    last_cpu: Option<Duration>,
}

impl StageClock {
    fn new() -> Self {
        StageClock {
            enabled: std::env::var_os("FIRESIDE_TIMINGS").is_some(),
            last: Instant::now(),
            last_cpu: process_cpu_time(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.enabled {
            let cpu = process_cpu_time();
            let cpu_used = match (cpu, self.last_cpu) {
                (Some(now), Some(then)) => format!("  cpu {:>8.1?}", now.saturating_sub(then)),
                _ => String::new(),
            };
            self.last_cpu = cpu;
            let memory = crate::load::memory_use().map_or_else(String::new, |(now, peak)| {
                format!("  rss {:>6} MB  peak {:>6} MB", now >> 20, peak >> 20)
            });
            eprintln!(
                "[timings] {stage:<14} {:>8.1?}{cpu_used}{memory}",
                self.last.elapsed()
            );
        }
        self.last = Instant::now();
    }
}

/// CPU time used by the whole process so far (every thread, user and system).
#[cfg(unix)]
fn process_cpu_time() -> Option<Duration> {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0;
    ok.then(|| Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
}

#[cfg(not(unix))]
fn process_cpu_time() -> Option<Duration> {
    None
}

/// The build's "now": explicit, else `SOURCE_DATE_EPOCH`, else the clock.
///
/// It must fall in the years content dates may (`meta::DATE_WINDOW`): the
/// calendar and the insights count months from it, so a clock in year 9999
/// is as costly as a session there.
pub fn resolve_now(explicit: Option<Timestamp>) -> Result<Timestamp, Diagnostic> {
    let now = clock_reading(explicit)?;
    let date = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    match crate::parse::meta::check_date_window(date) {
        Ok(_) => Ok(now),
        Err(e) => {
            let source = if explicit.is_some() {
                "--now"
            } else if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
                "SOURCE_DATE_EPOCH"
            } else {
                "the system clock"
            };
            Err(
                Diagnostic::error(format!("the build clock ({source}) is out of range: {e}"))
                    .hint("give a time such as --now 2025-03-12T10:00:00Z"),
            )
        }
    }
}

fn clock_reading(explicit: Option<Timestamp>) -> Result<Timestamp, Diagnostic> {
    if let Some(t) = explicit {
        return Ok(t);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Diagnostic::error(format!(
                    "SOURCE_DATE_EPOCH is `{v}`, not a number of seconds"
                ))
                .hint("set it to a Unix timestamp such as 1733306400, or unset it")
            }),
        _ => Ok(Timestamp::now()),
    }
}

/// Where a build's output goes.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Nowhere: render and check everything, write nothing (`fireside check`).
    Check,
    /// Into this folder. A builder's first build expects it empty and writes
    /// pages as they are rendered; later builds into the same folder write
    /// only what changed, and only once the whole build has succeeded, so a
    /// failed build leaves the folder as the last good build left it.
    Folder(&'a Path),
}

/// What changed since a builder's last build, as far as the caller knows.
#[derive(Debug, Clone, Copy)]
pub enum Changed<'a> {
    /// Anything may have: every file's size and time are compared.
    Unknown,
    /// Only these files and folders (a file watcher's report): they are
    /// read again, and other files the last build read are taken to be as
    /// they were, without a look at their size and time.
    Only(&'a [PathBuf]),
}

/// Runs builds of one site, keeping between them what did not change.
pub struct Builder {
    opts: BuildOptions,
    /// One build only (`fireside build` and `check`): parsed documents are
    /// freed as soon as the site is resolved instead of kept for the next build.
    once: bool,
    /// `fireside serve`: builds leave the search index out, so that a
    /// reload never waits for it; it is built from [`BuildReport::site`].
    defer_search: bool,
    /// The clock of every build of this builder: fixed, so that a rebuild
    /// changes only what the sources changed.
    now: Option<Timestamp>,
    /// The output folder to name in messages, when builds write into a
    /// staging folder that the user never sees.
    shown_output: Option<PathBuf>,
    setup: Option<Setup>,
    sources: HashMap<PathBuf, SourceState>,
    output: OutputState,
    /// `fireside build` into its own earlier output: the target is an empty
    /// staging folder that receives only the changed files (streamed, so
    /// memory stays bounded), moved into the output once the build succeeded.
    staged_update: bool,
    /// A one-shot build whose output is recorded for the next process
    /// (`fireside build`): it fingerprints page inputs like a builder kept
    /// between builds, so the next build renders only what changed.
    record_inputs: bool,
    /// A one-shot build that saves its caches (`fireside build`): the
    /// highlight cache is saved as soon as the documents are parsed.
    saves_cache: bool,
    /// The search index's analysed documents: a later build re-analyses
    /// only those that changed.
    search_cache: search::Cache,
    /// `fireside build` into its own earlier output: what the output holds,
    /// being read on a thread of its own while the site loads.
    pending_output: Option<std::thread::JoinHandle<Option<OutputState>>>,
    /// The last build's bodies as template values with their fingerprints:
    /// the next build reuses those whose HTML is the same, and the related
    /// content while what it reads is the same (`Views::with_previous`).
    kept_views: crate::views::Kept,
}

/// What follows from one version of `site.yaml`; a new version resets
/// everything parsed with the old one.
struct Setup {
    site_yaml: Vec<u8>,
    config: Config,
    highlighter: Highlighter,
}

/// A source file as last read, and what parsing it gave.
struct SourceState {
    stamp: FileStamp,
    hash: blake3::Hash,
    doc: Option<Parsed>,
    diagnostics: Vec<Diagnostic>,
    /// Where the document writes its links, for the link checker's messages.
    links: Vec<linkcheck::WrittenLink>,
}

/// What the output folder holds after the last good build.
#[derive(Default)]
struct OutputState {
    /// Page output path -> fingerprint of the input it was rendered from.
    pages: HashMap<String, Fingerprint>,
    /// Every output file (pages too) -> fingerprint of its bytes (or, for
    /// copied files, of the source's path and stamp).
    files: HashMap<String, Fingerprint>,
    links: LinkIndex,
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Builder {
        Builder {
            opts,
            once: false,
            defer_search: false,
            now: None,
            shown_output: None,
            setup: None,
            sources: HashMap::new(),
            output: OutputState::default(),
            staged_update: false,
            record_inputs: false,
            saves_cache: false,
            search_cache: search::Cache::default(),
            kept_views: crate::views::Kept::default(),
            pending_output: None,
        }
    }

    /// Waits for the output being read (`fireside build`), if it is: when it
    /// holds an earlier build of ours, later phases change only what changed.
    fn take_pending_output(&mut self) {
        let Some(pending) = self.pending_output.take() else {
            return;
        };
        // A walk that panicked found nothing to trust.
        if let Some(previous) = pending.join().ok().flatten() {
            self.output = previous;
            self.staged_update = true;
        }
    }

    /// The configuration of the last build that read a valid `site.yaml`.
    pub fn config(&self) -> Option<&Config> {
        self.setup.as_ref().map(|s| &s.config)
    }

    /// A builder for one build: it keeps nothing for a next one, so that
    /// the build needs less memory.
    pub fn once(opts: BuildOptions) -> Builder {
        Builder {
            once: true,
            ..Builder::new(opts)
        }
    }

    /// A builder for `fireside serve`: builds leave the search index out;
    /// the caller builds it from [`BuildReport::site`].
    pub fn with_deferred_search(mut self) -> Builder {
        self.defer_search = true;
        self
    }

    /// True once a build succeeded into the output folder: later builds
    /// change it only when they succeed.
    pub fn holds_output(&self) -> bool {
        !self.output.files.is_empty()
    }

    /// Forgets what the output folder holds: the next build writes everything.
    pub fn forget_output(&mut self) {
        self.output = OutputState::default();
    }

    /// Saves the highlight cache for the next process; failing is not an error.
    pub fn save_cache(&self) {
        // A one-shot builder saved (and freed) its blocks once it had parsed.
        let highlights = self.setup.as_ref().filter(|_| !self.once);
        if let (Some(setup), Some(path)) = (highlights, self.opts.highlight_cache()) {
            let _ = setup.highlighter.save_cache(&path);
        }
        if self.opts.cache_dir.is_none() {
            highlight::prune_default_caches(Duration::from_secs(30 * 24 * 3600));
        }
    }

    /// Runs one build. Sources whose stamp changed, or that `changed`
    /// names, are read again, and parsed again if their content changed.
    ///
    /// A bug in Fireside (a panic) fails the build with an internal error
    /// instead of ending the process: per file or page where it can be
    /// named (see [`contained`]), else for the whole site. After a
    /// site-wide one the builder forgets what it parsed, as the state a
    /// panic interrupted cannot be trusted.
    pub fn build(
        &mut self,
        target: Target<'_>,
        changed: Changed<'_>,
    ) -> Result<BuildReport, BuildError> {
        let result = contained(None, || self.build_uncontained(target, changed));
        result.unwrap_or_else(|internal| {
            self.setup = None;
            self.sources.clear();
            Err(BuildError::Content(vec![internal]))
        })
    }

    fn build_uncontained(
        &mut self,
        target: Target<'_>,
        changed: Changed<'_>,
    ) -> Result<BuildReport, BuildError> {
        let started = Instant::now();
        let mut clock = StageClock::new();
        let Loaded {
            site,
            templates,
            mut warnings,
            changed_sources,
            written_links,
        } = self.load(changed, &mut clock)?;
        if self.once {
            // The site holds what it needs of the documents.
            let sources = std::mem::take(&mut self.sources);
            std::thread::spawn(move || drop(sources));
        }
        let fail = |mut errors: Vec<Diagnostic>, warnings: &[Diagnostic]| {
            diagnostic::sort(&mut errors);
            errors.extend(warnings.iter().cloned());
            BuildError::Content(errors)
        };
        let priority: HashSet<&Path> = changed_sources.iter().map(PathBuf::as_path).collect();
        let written = self
            .render_and_write(
                &site,
                &templates,
                &written_links,
                target,
                &priority,
                &mut clock,
            )
            .map_err(|e| match e {
                WriteFailure::Content(e) => fail(e, &warnings),
                WriteFailure::Io(d) => BuildError::Write(d),
            });
        // Freeing a large site takes a while: do it off the path to the reload.
        let written = match written {
            Ok(w) => w,
            Err(e) => {
                std::thread::spawn(move || drop((site, templates)));
                return Err(e);
            }
        };
        std::thread::spawn(move || drop(templates));
        let site = std::sync::Arc::new(site);
        if let Some(stats) = &written.search {
            warnings.extend(stats.budget_warnings());
        }
        Ok(BuildReport {
            pages: written.pages,
            rendered: written.rendered,
            elapsed: started.elapsed(),
            warnings,
            output: match target {
                Target::Folder(dir) => dir.to_path_buf(),
                Target::Check => self.opts.output_dir(),
            },
            written: written.written,
            removed: written.removed,
            search: written.search,
            site,
        })
    }

    /// Loads, parses and resolves the site: everything but rendering.
    fn load(&mut self, changed: Changed<'_>, clock: &mut StageClock) -> Result<Loaded, BuildError> {
        let now = match self.now {
            Some(t) => t,
            None => *self
                .now
                .insert(resolve_now(self.opts.now).map_err(BuildError::Usage)?),
        };
        self.refresh_setup()?;
        clock.lap("config");
        // Changed paths, relative to the site folder like every listed path.
        let changed: Option<HashSet<PathBuf>> = match changed {
            Changed::Unknown => None,
            Changed::Only(paths) => {
                let root = self.opts.root.canonicalize().unwrap_or_default();
                Some(
                    paths
                        .iter()
                        .filter_map(|p| p.strip_prefix(&root).ok())
                        .map(Path::to_path_buf)
                        .collect(),
                )
            }
        };
        let is_changed = |rel: &Path| {
            changed
                .as_ref()
                .is_none_or(|c| rel.ancestors().any(|a| c.contains(a)))
        };
        // Files the watcher did not name keep the stamp they had: no need to
        // look at each of them again.
        let known_stamp = |abs: &Path| {
            let rel = abs.strip_prefix(&self.opts.root).ok()?;
            if is_changed(rel) {
                return None;
            }
            self.sources.get(rel).map(|s| s.stamp)
        };
        let listing =
            crate::load::scan_with(&self.opts.root, Some(&self.opts.output_dir()), &known_stamp)
                .map_err(BuildError::Content)?;
        clock.lap("scan");
        let forced: HashSet<PathBuf> = match &changed {
            Some(_) => listing
                .sources
                .iter()
                .filter(|e| is_changed(&e.path))
                .map(|e| e.path.clone())
                .collect(),
            None => HashSet::new(),
        };
        self.refresh_sources(&listing.sources, &forced)?;
        if self.once {
            // Nothing is highlighted after parsing: save the blocks now (or
            // never, for a build that saves no caches) and free them.
            let save_to = self.opts.highlight_cache().filter(|_| self.saves_cache);
            if let Some(setup) = self.setup.as_mut() {
                let _ = setup.highlighter.release_cache(save_to.as_deref());
            }
        }
        clock.lap("parse");
        let setup = self.setup.as_ref().expect("set up above");
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let mut docs = Vec::with_capacity(listing.sources.len());
        let mut written_links = linkcheck::WrittenLinks::default();
        let mut unparsed = Vec::new();
        // A one-shot build has no next build to keep the links for: they
        // move to the link checker instead of being copied.
        let mut moved_links: HashMap<PathBuf, Vec<linkcheck::WrittenLink>> = HashMap::new();
        // Nor the bodies' HTML: resolve frees each once it made the site's.
        let mut taken_html = HashMap::new();
        if self.once {
            for (path, state) in &mut self.sources {
                moved_links.insert(path.clone(), std::mem::take(&mut state.links));
                taken_html.extend(state.doc.as_mut().and_then(Parsed::take_html));
            }
        }
        for entry in &listing.sources {
            if let Some(state) = self.sources.get(&entry.path) {
                if state.doc.is_none() {
                    unparsed.push(entry.content_path.clone());
                }
                let links = moved_links
                    .remove(&entry.path)
                    .unwrap_or_else(|| state.links.clone());
                written_links.add(entry.path.clone(), links);
                for d in &state.diagnostics {
                    if d.is_error() {
                        errors.push(d.clone());
                    } else {
                        warnings.push(d.clone());
                    }
                }
                docs.extend(state.doc.as_ref());
            }
        }
        if setup.config.history.as_ref().is_some_and(|h| h.shallow) {
            warnings.push(shallow_history_warning());
        }
        warnings.extend(setup.config.base_url_warning.iter().cloned());
        let templates = crate::load::theme::read(&setup.config)
            .and_then(|theme| Templates::new(&setup.config, &theme, &listing.templates));
        if let Err(e) = &templates {
            errors.extend(e.iter().cloned());
        }
        let fail = |mut errors: Vec<Diagnostic>, warnings: &[Diagnostic]| {
            diagnostic::sort(&mut errors);
            errors.extend(warnings.iter().cloned());
            BuildError::Content(errors)
        };
        // Resolve runs even when files did not parse or templates failed,
        // over what parsed, so one run lists both stages' errors.
        let resolved = resolve::resolve(ResolveInput {
            config: setup.config.clone(),
            now,
            docs,
            assets: listing.assets,
            static_files: listing.static_files,
            theme_assets: templates
                .as_ref()
                .map_or_else(|_| Vec::new(), Templates::asset_outputs),
            unparsed,
            taken_html,
            pack_bodies: self.once,
        });
        clock.lap("resolve");
        let site = match resolved {
            Ok(site) if errors.is_empty() => site,
            Ok(_) => return Err(fail(errors, &warnings)),
            Err(e) => {
                errors.extend(e);
                return Err(fail(errors, &warnings));
            }
        };
        let templates = templates.expect("no errors");
        Ok(Loaded {
            site,
            templates,
            warnings,
            changed_sources: forced,
            written_links,
        })
    }

    /// Reads `site.yaml`; a new version makes a new configuration and
    /// highlighter and drops everything parsed with the old ones.
    fn refresh_setup(&mut self) -> Result<(), BuildError> {
        check_site_dir(&self.opts.root)?;
        let site_yaml = crate::load::read_site_yaml(&self.opts.root)
            .map_err(|d| BuildError::Content(vec![d]))?;
        if self
            .setup
            .as_ref()
            .is_some_and(|s| s.site_yaml == site_yaml)
        {
            return Ok(());
        }
        self.setup = None;
        self.sources.clear();
        let config = Config::parse(&self.opts.root, &site_yaml, self.opts.base_url.as_deref())
            .map_err(|d| BuildError::Content(vec![d]))?;
        let mut highlighter = Highlighter::with_themes(
            &config.markdown.highlight_theme,
            &config.markdown.highlight_theme_dark,
        )
        .map_err(|e| {
            BuildError::Content(vec![Diagnostic::error(e).in_file("site.yaml").hint(
                "set markdown.highlight_theme and markdown.highlight_theme_dark to bundled themes",
            )])
        })?;
        if let Some(path) = self.opts.highlight_cache() {
            highlighter.load_cache(&path);
        }
        self.setup = Some(Setup {
            site_yaml,
            config,
            highlighter,
        });
        Ok(())
    }

    /// Brings the parsed documents up to date with the listed sources:
    /// reads files whose stamp changed (or that `forced` names), and
    /// parses those whose content changed, in parallel.
    fn refresh_sources(
        &mut self,
        listed: &[SourceEntry],
        forced: &HashSet<PathBuf>,
    ) -> Result<(), BuildError> {
        let setup = self.setup.as_ref().expect("set up first");
        let stale: Vec<&SourceEntry> = listed
            .iter()
            .filter(|e| {
                forced.contains(&e.path)
                    || self.sources.get(&e.path).is_none_or(|s| s.stamp != e.stamp)
            })
            .collect();
        let read: Vec<(&SourceEntry, Result<crate::load::SourceFile, Diagnostic>)> =
            stale.par_iter().map(|e| (*e, e.read())).collect();
        let mut to_parse = Vec::new();
        let mut errors = Vec::new();
        for (entry, file) in read {
            match file {
                Ok(file) => {
                    let hash = blake3::hash(&file.bytes);
                    match self.sources.get_mut(&entry.path) {
                        Some(state) if state.hash == hash => state.stamp = entry.stamp,
                        _ => to_parse.push((entry.stamp, hash, file)),
                    }
                }
                // Deleted since it was listed: the next build will not list it.
                Err(_) if !entry.abs.exists() => {
                    self.sources.remove(&entry.path);
                }
                Err(d) => errors.push(d),
            }
        }
        if !errors.is_empty() {
            return Err(BuildError::Content(errors));
        }
        let cx = ParseContext {
            markdown: MarkdownOptions {
                raw_html: setup.config.markdown.raw_html,
                smart_punctuation: setup.config.markdown.smart_punctuation,
            },
            highlighter: &setup.highlighter,
            include_drafts: self.opts.drafts,
            date_order: setup.config.date_order,
        };
        let parsed: Vec<(PathBuf, SourceState)> = to_parse
            .into_par_iter()
            .map(|(stamp, hash, file)| {
                let (doc, diagnostics) =
                    contained(Some(&file.path), || parse::parse_source(&file, &cx))
                        .unwrap_or_else(|internal| (None, vec![internal]));
                let links = doc.as_ref().map_or_else(Vec::new, written_links);
                let state = SourceState {
                    stamp,
                    hash,
                    doc,
                    diagnostics,
                    links,
                };
                (file.path, state)
            })
            .collect();
        self.sources.extend(parsed);
        // Forget files that are gone: only needed when there are more known
        // files than listed ones, as every listed file is known by now.
        if self.sources.len() > listed.len() {
            let listed: HashSet<&Path> = listed.iter().map(|e| e.path.as_path()).collect();
            self.sources
                .retain(|path, _| listed.contains(path.as_path()));
        }
        Ok(())
    }

    /// The build's last three phases, over the resolved site: render the
    /// pages whose input changed (pure, parallel; those from `priority`
    /// files first), compute the changes against what the output holds
    /// (pure), check links, and apply the changes (the only writer).
    ///
    /// A first build into a folder applies by streaming: each batch of
    /// rendered pages is written as soon as it is made, so that memory stays
    /// bounded by a batch rather than the site. Later builds hold every
    /// change until the whole build succeeded.
    fn render_and_write(
        &mut self,
        site: &Site,
        templates: &Templates,
        written_links: &linkcheck::WrittenLinks,
        target: Target<'_>,
        priority: &HashSet<&Path>,
        clock: &mut StageClock,
    ) -> Result<Written, WriteFailure> {
        let views = if self.once {
            Views::new(site)
        } else {
            Views::with_previous(site, &self.kept_views)
        };
        let plan = render::plan(site);
        clock.lap("views");
        // A one-shot build has no next build to compare with, unless its
        // output is recorded for the next process: then no fingerprints.
        let hasher = (!self.once || self.record_inputs)
            .then(|| ValueHasher::with_shared(&views.shared(), views.body_values()));
        let dir = match target {
            Target::Folder(d) => Some(d),
            Target::Check => None,
        };
        self.take_pending_output();
        let apply = if self.output.files.is_empty() || self.staged_update {
            output::Apply::Stream
        } else {
            output::Apply::Replace
        };
        let shown = match (&self.shown_output, dir) {
            (Some(s), _) => s.clone(),
            (None, Some(d)) => d.to_path_buf(),
            (None, None) => self.opts.output_dir(),
        };
        let cannot_write = |e: std::io::Error| {
            WriteFailure::Io(
                Diagnostic::error(format!(
                    "cannot write the site to `{}`: {e}",
                    shown.display()
                ))
                .hint("check that the folder is writable and the disk has room"),
            )
        };
        let supporting = supporting_files(
            site,
            &plan,
            templates,
            &self.setup.as_ref().expect("set up first").highlighter,
        )
        .map_err(WriteFailure::Content)?;
        let script = script_size(&supporting);

        // Render.
        let progress = Progress::new(self.opts.progress, plan.len());
        let input = pages::RenderInput {
            site,
            views: &views,
            plan: &plan,
            templates,
            hasher: hasher.as_ref(),
            previous_inputs: &self.output.pages,
            previous_files: &self.output.files,
            keep_bytes: dir.is_some(),
            progress: &progress,
        };
        let (first, rest): (Vec<&PlannedPage>, Vec<&PlannedPage>) = plan.iter().partition(|p| {
            render::source_of(site, p.kind).is_some_and(|s| priority.contains(s.as_path()))
        });
        let streaming_into = dir.filter(|_| apply == output::Apply::Stream);
        let batch = if streaming_into.is_some() {
            STREAM_BATCH
        } else {
            plan.len().max(1)
        };
        let render_all = || -> Result<Vec<RenderedPage>, WriteFailure> {
            let mut rendered = Vec::new();
            let mut errors = Vec::new();
            for group in first.chunks(batch).chain(rest.chunks(batch)) {
                let (mut done, failed) = pages::render(&input, group);
                for e in failed {
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
                // A failed build's output is discarded: stop writing it.
                if let Some(d) = streaming_into.filter(|_| errors.is_empty()) {
                    let files: Vec<OutputFile> = done
                        .iter_mut()
                        .filter_map(|r| {
                            Some(OutputFile {
                                path: r.output.clone(),
                                content: Content::Bytes(r.html.take()?),
                            })
                        })
                        .collect();
                    output::apply(d, &files, &[], output::Apply::Stream).map_err(cannot_write)?;
                }
                rendered.extend(done);
            }
            if errors.is_empty() {
                Ok(rendered)
            } else {
                Err(WriteFailure::Content(errors))
            }
        };
        // The search index reads only the site model, so it is built while
        // the pages render rather than after them.
        // Into a folder, an index whose inputs did not change is kept as
        // the output holds it.
        let mut search_cache = std::mem::take(&mut self.search_cache);
        let held = dir.map(|_| &self.output.files);
        let (rendered, index) = rayon::join(render_all, || {
            (site.config.search.enabled && !self.defer_search).then(|| {
                let (cache, target) = (&mut search_cache, search::shard::TARGET);
                let mut index = match held {
                    Some(held) => search::build_into(site, script, target, cache, held),
                    None => search::build_cached(site, script, target, cache),
                };
                // Streaming, the index's files are written as soon as they
                // are made instead of held to the end of the build.
                let streamed = streaming_into
                    .map(|d| stream_files(d, &mut index.files, held))
                    .transpose();
                (index, streamed)
            })
        });
        self.search_cache = search_cache;
        progress.finish();
        // A one-shot build needs the views no more once its pages are
        // rendered: they are freed before the link check and the record of
        // the output, where the build holds the most.
        let views = if self.once {
            std::thread::spawn(move || drop(views));
            None
        } else {
            Some(views)
        };
        let rendered = rendered?;
        let mut supporting = supporting;
        let index = match index {
            Some((index, streamed)) => Some((index, streamed.map_err(cannot_write)?)),
            None => None,
        };
        let search = index.map(|(index, streamed)| {
            supporting.extend(index.files.into_iter().map(|file| {
                let print = content_print(&file.content, None);
                let size = 0; // the budget reads the script's size only
                SupportingFile {
                    file,
                    print,
                    size,
                    streamed: false,
                }
            }));
            // A file the output holds already, recorded without its bytes.
            let in_output = |path, print, streamed| SupportingFile {
                file: OutputFile {
                    path,
                    content: Content::Bytes(Vec::new()),
                },
                print,
                size: 0,
                streamed,
            };
            // A streamed file is in the output already: its record is kept,
            // its bytes are not written again.
            supporting.extend(
                streamed
                    .into_iter()
                    .flatten()
                    .map(|(path, print, fresh)| in_output(path, print, fresh)),
            );
            // A kept file has the output's print, so the changes never
            // write its (empty) content: the output's copy stays.
            supporting.extend(
                index
                    .kept
                    .into_iter()
                    .map(|(path, print)| in_output(path, print, false)),
            );
            index.stats
        });
        clock.lap("render+search");

        // Compute the changes, and check the links they touch.
        let rendered_count = rendered.len();
        let previous = &self.output;
        let mut changes = changes::compute(previous, &plan, rendered, supporting);
        let known: HashSet<String> = changes.next.files.keys().cloned().collect();
        let mut broken = previous.links.check(
            &changes.links,
            changes.check_all_links,
            &known,
            &site.config.base_path,
            written_links,
        );
        if !broken.is_empty() {
            diagnostic::sort(&mut broken);
            return Err(WriteFailure::Content(broken));
        }
        clock.lap("links");
        if self.opts.external_links {
            let pages: Vec<linkcheck::PageLinks> =
                previous.links.pages_with(&changes.links).cloned().collect();
            let dead = linkcheck::check_external(&pages, Duration::from_secs(10), 8);
            if !dead.is_empty() {
                return Err(WriteFailure::Content(dead));
            }
        }

        // Apply.
        if let Some(d) = dir {
            output::apply(d, &changes.write, &changes.remove, apply).map_err(cannot_write)?;
        }
        clock.lap("write");
        let html_pages = plan.iter().filter(|p| p.output.ends_with(".html")).count();
        if let Some(views) = &views {
            let print_of = |v: &tera::Value| hasher.as_ref().and_then(|h| h.known_of(v));
            self.kept_views = views.keep(site, print_of);
        }
        // Like the site, the views are freed off the path to the reload.
        std::thread::spawn(move || drop((views, plan, hasher)));
        let written = std::mem::take(&mut changes.written);
        let removed = std::mem::take(&mut changes.remove);
        if dir.is_some() {
            let mut links = std::mem::take(&mut self.output.links);
            links.apply(changes.links);
            self.output = OutputState {
                links,
                ..changes.next
            };
        }
        Ok(Written {
            pages: html_pages,
            rendered: rendered_count,
            written,
            removed,
            search,
        })
    }
}

/// Where a parsed document writes its links, with the lines to quote.
fn written_links(doc: &Parsed) -> Vec<linkcheck::WrittenLink> {
    let (text, body) = match doc {
        Parsed::Session(d) => (&d.text, &d.body),
        Parsed::Pattern(d) => (&d.text, &d.body),
        Parsed::Community(d) => (&d.text, &d.body),
        Parsed::Person(d) => (&d.text, &d.body),
        Parsed::Page(d) => (&d.text, &d.body),
        Parsed::Agenda(_) | Parsed::Draft => return Vec::new(),
    };
    let (links, raw) = (&body.links, &body.raw_links);
    links
        .iter()
        .map(|l| (&l.written, l.line, l.column))
        .chain(raw.iter().map(|l| (&l.href, l.line, l.column)))
        .map(|(href, line, column)| linkcheck::WrittenLink {
            href: href.clone(),
            line,
            column,
            source_line: text
                .lines()
                .nth(line.saturating_sub(1))
                .unwrap_or_default()
                .trim_end_matches('\r')
                .to_string(),
        })
        .collect()
}

/// Writes the `files` whose bytes the output does not hold (`held`: each
/// output file's fingerprint) into `dir`, streaming, and empties `files`:
/// each file's path, fingerprint and whether it was written.
fn stream_files(
    dir: &Path,
    files: &mut Vec<OutputFile>,
    held: Option<&HashMap<String, Fingerprint>>,
) -> std::io::Result<Vec<(String, Fingerprint, bool)>> {
    let mut fresh = Vec::new();
    let mut records = Vec::new();
    for file in files.drain(..) {
        let print = content_print(&file.content, None);
        let new = held.and_then(|h| h.get(&file.path)) != Some(&print);
        records.push((file.path.clone(), print, new));
        if new {
            fresh.push(file);
        }
    }
    output::apply(dir, &fresh, &[], output::Apply::Stream)?;
    Ok(records)
}

/// How many pages a streaming first build renders before it writes them:
/// enough to keep both cores busy between writes, few enough that the
/// pages in memory are a few megabytes whatever the site's size.
const STREAM_BATCH: usize = 512;

/// A resolved site, and what a build needs of the loading.
struct Loaded {
    site: Site,
    templates: Templates,
    warnings: Vec<Diagnostic>,
    /// Sources named as changed (relative to the site): their pages render first.
    changed_sources: HashSet<PathBuf>,
    written_links: linkcheck::WrittenLinks,
}

/// What [`Builder::render_and_write`] did.
struct Written {
    pages: usize,
    rendered: usize,
    written: Vec<String>,
    removed: Vec<String>,
    search: Option<search::Stats>,
}

enum WriteFailure {
    Content(Vec<Diagnostic>),
    Io(Diagnostic),
}

/// The fingerprint that tells whether the output's copy of a file is
/// current: its bytes, or for a copied file its source's path and stamp
/// as the loader listed it (so the source is not read to compare).
fn content_print(content: &Content, stamp: Option<FileStamp>) -> Fingerprint {
    match content {
        Content::Bytes(b) => fingerprint::of_bytes(b),
        Content::Static(b) => fingerprint::of_bytes(b),
        Content::Copy(src) => {
            fingerprint::of_bytes(format!("{}\0{stamp:?}", src.display()).as_bytes())
        }
    }
}

/// The size of the search script the site publishes (the theme's, or the
/// site's own `static/assets/search.js`), for the search budget.
fn script_size(files: &[SupportingFile]) -> usize {
    files
        .iter()
        .find(|f| f.file.path == search::SCRIPT)
        .map_or(0, |f| f.size)
}

/// Everything besides rendered pages: the highlighting stylesheet, theme
/// assets, the site's static files and the files next to its content.
fn supporting_files(
    site: &Site,
    plan: &[render::PlannedPage],
    templates: &Templates,
    highlighter: &Highlighter,
) -> Result<Vec<SupportingFile>, Vec<Diagnostic>> {
    let made = |path: String, content: Content| {
        let size = match &content {
            Content::Bytes(b) => b.len(),
            Content::Static(b) => b.len(),
            Content::Copy(_) => 0,
        };
        let print = content_print(&content, None);
        SupportingFile {
            file: OutputFile { path, content },
            print,
            size,
            streamed: false,
        }
    };
    let css = highlighter.stylesheet();
    let mut files = vec![made(
        "assets/highlight.css".into(),
        Content::Bytes(css.into_bytes()),
    )];
    for (path, bytes) in templates.assets() {
        files.push(made(
            format!("assets/{path}"),
            Content::Static(bytes.clone()),
        ));
    }
    // A site's static files may replace theme assets (`assets/fireside.css`),
    // but never a generated page.
    let generated: HashSet<&str> = plan.iter().map(|p| p.output.as_str()).collect();
    let mut conflicts = Vec::new();
    for f in site.static_files.iter().chain(site.assets.iter()) {
        if generated.contains(f.output.as_str()) {
            conflicts.push(
                Diagnostic::error(format!(
                    "`{}` would overwrite a page Fireside generates",
                    f.output
                ))
                .in_file(&f.source)
                .hint("rename or move the file"),
            );
            continue;
        }
        files.retain(|x| x.file.path != f.output);
        let content = Content::Copy(f.source.clone());
        files.push(SupportingFile {
            print: content_print(&content, Some(f.stamp)),
            size: f.stamp.size() as usize,
            streamed: false,
            file: OutputFile {
                path: f.output.clone(),
                content,
            },
        });
    }
    if conflicts.is_empty() {
        Ok(files)
    } else {
        Err(conflicts)
    }
}

/// Loads, parses and resolves a site without rendering it (for tools and
/// tests that read the model).
pub fn load_site(opts: &BuildOptions) -> Result<Site, BuildError> {
    Builder::once(opts.clone())
        .load(Changed::Unknown, &mut StageClock::new())
        .map(|loaded| loaded.site)
}

/// Builds a site: the whole pipeline, writing atomically unless `dry_run`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let mut clock = StageClock::new();
    let out_dir = opts.output_dir();
    let mut builder = Builder::once(opts.clone());
    if opts.dry_run {
        return builder.build(Target::Check, Changed::Unknown);
    }
    // Said before the output folder is looked at or created.
    check_site_dir(&opts.root)?;
    output::check_output_dir(&opts.root, &out_dir).map_err(BuildError::Usage)?;
    builder.shown_output = Some(out_dir.clone());
    let waiting = || {
        eprintln!(
            "Waiting for another build into `{}` to finish...",
            out_dir.display()
        );
    };
    let cannot_write = |e: std::io::Error| {
        BuildError::Write(
            Diagnostic::error(format!(
                "cannot write the site to `{}`: {e}",
                out_dir.display()
            ))
            .hint("check that the folder is writable and the disk has room"),
        )
    };
    let out_abs = output::absolute(&out_dir);
    let _lock = output::lock_output_creating(&out_abs, waiting).map_err(cannot_write)?;
    // Read under the lock: another build into this folder may just have
    // finished. The walk over the output (a stat per file) needs nothing of
    // the site, so it runs while the site loads; the render phase waits for
    // it (`Builder::take_pending_output`).
    let manifest = opts.output_manifest(&out_abs);
    builder.pending_output = manifest.clone().map(|m| {
        let out = out_abs.clone();
        std::thread::spawn(move || {
            output::read_previous(&out, &m).map(|previous| OutputState {
                pages: previous.pages,
                files: previous.files,
                links: LinkIndex::from_pages(previous.links),
            })
        })
    });
    builder.record_inputs = manifest.is_some();
    builder.saves_cache = true;
    let search_file = manifest.as_deref().map(search::cache::file_beside);
    if let Some(bytes) = search_file.as_deref().and_then(output::read_cache) {
        builder.search_cache = search::Cache::from_bytes(&bytes, &output::build_id());
    }
    clock.lap("read manifest");
    // Either way the build goes into a staging folder: only the changed
    // files when the folder holds an earlier build of ours (then moved in
    // one by one), else the whole site (then swapped in for the output).
    let staging = output::staging_beside(&out_abs).map_err(cannot_write)?;
    let built = builder.build(Target::Folder(staging.path()), Changed::Unknown);
    // A build that failed before rendering did not wait for the walk:
    // finished here, while the lock is held.
    builder.take_pending_output();
    let mut report = built?;
    clock.lap("build");
    let updating = builder.staged_update;
    if updating {
        if let Err(e) = output::commit_staged(&out_abs, staging.path(), &report.removed) {
            // Part of the output is new: the manifest no longer describes it.
            if let Some(m) = &manifest {
                output::remove_manifest(m);
            }
            return Err(cannot_write(e));
        }
        clock.lap("commit");
    } else {
        output::swap_staged(staging, &out_abs).map_err(cannot_write)?;
    }
    // A build that rendered, wrote and removed nothing left every file, its
    // stamp and its page's record as the manifest says: it stays as it is.
    let unchanged =
        updating && report.rendered == 0 && report.written.is_empty() && report.removed.is_empty();
    if let Some(m) = manifest.as_ref().filter(|_| !unchanged) {
        let state = &builder.output;
        let pages = state
            .pages
            .iter()
            .map(|(path, input)| {
                let links = state.links.page(path);
                (
                    path.clone(),
                    output::PageRecord {
                        input: *input,
                        links,
                    },
                )
            })
            .collect();
        if output::write_manifest(&out_abs, m, &state.files, &pages).is_err() {
            output::remove_manifest(m);
        }
    }
    // Failing is harmless: an older file's analyses are still true, and
    // its record names files the output no longer holds.
    if let Some(file) = search_file.filter(|_| builder.search_cache.changed()) {
        let bytes = builder.search_cache.to_bytes(&output::build_id());
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let dir = file.parent().unwrap_or(Path::new("."));
        let _ = output::replace_file(dir, name, &Content::Bytes(bytes));
    }
    clock.lap("write manifest");
    report.output = out_dir;
    builder.save_cache();
    clock.lap("save caches");
    // Freeing a large site's model takes a while (half a second at 10k
    // pages) and nothing waits for it: a process that exits next skips it.
    std::thread::spawn(move || drop(builder));
    Ok(report)
}

/// A site folder that does not exist is a usage error (exit 2), not a
/// content error: there is no content to fix.
fn check_site_dir(root: &Path) -> Result<(), BuildError> {
    if root.is_dir() {
        return Ok(());
    }
    Err(BuildError::Usage(
        Diagnostic::error(format!(
            "the site folder `{}` does not exist",
            root.display()
        ))
        .hint("give the folder that holds site.yaml (see `fireside init`)"),
    ))
}

/// True if `path` looks like a site root.
pub fn is_site(path: &Path) -> bool {
    path.join("site.yaml").is_file()
}

/// Runs one file's parse or one page's render (or, with `file` `None`, a
/// whole build) so that a panic in it, which is a bug in Fireside, becomes an
/// "internal error while building FILE" diagnostic: the build fails cleanly
/// with every other diagnostic still reported, the output is not replaced,
/// and `fireside serve` keeps running.
///
/// The panic message goes into the diagnostic's hint rather than to stderr:
/// while a contained closure runs on a thread, the panic hook only records
/// the message (see [`quiet_panic_hook`]).
pub fn contained<T>(file: Option<&Path>, work: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    quiet_panic_hook();
    CONTAINED.with(|c| c.set(c.get() + 1));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    CONTAINED.with(|c| c.set(c.get() - 1));
    outcome.map_err(|payload| {
        let detail = LAST_PANIC
            .with(|p| p.take())
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        let hint = format!(
            "this is a bug in Fireside, not in your content; please report it with the file if you can ({})",
            detail.replace('\n', " ")
        );
        match file {
            Some(file) => Diagnostic::error(format!(
                "internal error while building `{}`",
                diagnostic::display_path(file)
            ))
            .in_file(file)
            .hint(hint),
            None => Diagnostic::error("internal error while building the site").hint(hint),
        }
    })
}

thread_local! {
    /// How many [`contained`] calls are running on this thread.
    static CONTAINED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// The message of the last panic caught on this thread, for its diagnostic.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Installs, once per process, a panic hook that stays silent for panics
/// inside [`contained`] (keeping their message for the diagnostic) and
/// defers to the previous hook for every other panic.
fn quiet_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CONTAINED.with(|c| c.get()) > 0 {
                let message = info.to_string();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(message));
            } else {
                previous(info);
            }
        }));
    });
}

/// A shallow clone has one commit (or a few): every page would show the
/// same "last updated" date and the same contributors, which is wrong
/// without looking wrong, so the build says so.
fn shallow_history_warning() -> Diagnostic {
    Diagnostic::warning(
        "the Git history is shallow: every page's \"last updated\" date and contributors come from its few commits",
    )
    .hint("fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout), or set `git: false` in site.yaml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error_naming_the_file() {
        let file = Path::new("content/sessions/a.md");
        let d = contained(Some(file), || -> usize { panic!("index out of bounds") }).unwrap_err();
        assert_eq!(
            d.message,
            "internal error while building `content/sessions/a.md`"
        );
        assert_eq!(d.file.as_deref(), Some(file));
        let hint = d.hint.unwrap_or_default();
        assert!(
            hint.contains("bug in Fireside") && hint.contains("index out of bounds"),
            "{hint}"
        );
    }

    /// A small site on disk: one page linking to another.
    #[allow(clippy::disallowed_methods)] // a fixture, written by the test
    fn linked_pages() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let content = dir.path().join("content");
        std::fs::create_dir_all(&content).expect("content folder");
        std::fs::write(dir.path().join("site.yaml"), "title: T\ngit: false\n").expect("site.yaml");
        std::fs::write(
            content.join("a.md"),
            "---\ntitle: A\n---\nSee [B](b.md), the other page.\n",
        )
        .expect("a.md");
        std::fs::write(
            content.join("b.md"),
            "---\ntitle: B\n---\nThe second page.\n",
        )
        .expect("b.md");
        dir
    }

    fn page<'s>(site: &'s Site, title: &str) -> &'s crate::model::Page {
        site.pages.iter().find(|p| p.title == title).expect("page")
    }

    #[test]
    fn a_kept_document_and_the_site_share_one_plain_text() {
        let dir = linked_pages();
        let mut builder = Builder::new(BuildOptions::new(dir.path()));
        let report = builder
            .build(Target::Check, Changed::Unknown)
            .expect("builds");
        let parsed = builder
            .sources
            .values()
            .find_map(|s| match &s.doc {
                Some(Parsed::Page(d)) if d.meta.title == "A" => Some(d),
                _ => None,
            })
            .expect("a.md is kept for the next build");
        let body = &page(&report.site, "A").body;
        assert!(std::sync::Arc::ptr_eq(
            &body.plain_text,
            &parsed.body.plain_text
        ));
        // The document keeps its HTML (with placeholders) for the next build.
        assert!(
            parsed
                .body
                .html
                .contains(crate::parse::markdown::PLACEHOLDER)
        );
        let html = body.html.get();
        assert!(html.contains("href=\"/b/\""), "{html}");
    }

    #[test]
    fn a_one_shot_build_resolves_the_html_it_took_from_the_documents() {
        let dir = linked_pages();
        let mut once = Builder::once(BuildOptions::new(dir.path()));
        let loaded = once
            .load(Changed::Unknown, &mut StageClock::new())
            .map_err(|e| e.diagnostics())
            .expect("loads");
        let mut kept = Builder::new(BuildOptions::new(dir.path()));
        let report = kept.build(Target::Check, Changed::Unknown).expect("builds");
        for title in ["A", "B"] {
            assert_eq!(
                page(&loaded.site, title).body.html,
                page(&report.site, title).body.html
            );
        }
        // Nothing of the documents' HTML is left for a next build that never comes.
        for state in once.sources.values() {
            if let Some(Parsed::Page(d)) = &state.doc {
                assert!(d.body.html.is_empty());
            }
        }
    }

    /// A one-shot build saves its highlighted blocks as soon as the
    /// documents are parsed and holds none after: they are not held to the
    /// end of the build only to be saved. A kept builder keeps them.
    #[test]
    #[allow(clippy::disallowed_methods)] // a fixture, written by the test
    fn a_one_shot_build_saves_its_highlights_once_parsed_and_holds_none() {
        let dir = linked_pages();
        std::fs::write(
            dir.path().join("content/c.md"),
            "---\ntitle: C\n---\n```rust\nfn main() {}\n```\n",
        )
        .expect("c.md");
        let cache = tempfile::tempdir().expect("cache dir");
        let opts = BuildOptions {
            cache_dir: Some(cache.path().to_path_buf()),
            ..BuildOptions::new(dir.path())
        };
        let mut once = Builder::once(opts.clone());
        once.saves_cache = true;
        once.load(Changed::Unknown, &mut StageClock::new())
            .map_err(|e| e.diagnostics())
            .expect("loads");
        let held = |b: &Builder| b.setup.as_ref().expect("set up").highlighter.held_blocks();
        assert_eq!(held(&once), 0);
        let saved = std::fs::read(cache.path().join(highlight::CACHE_FILE)).expect("saved");
        let mut kept = Builder::new(opts);
        kept.build(Target::Check, Changed::Unknown).expect("builds");
        assert!(held(&kept) > 0);
        // What the one-shot build saved is what a kept builder would save.
        let again = tempfile::tempdir().expect("second cache dir");
        let path = again.path().join(highlight::CACHE_FILE);
        let setup = kept.setup.as_ref().expect("set up");
        setup.highlighter.save_cache(&path).expect("saves");
        assert_eq!(std::fs::read(&path).expect("read back"), saved);
    }

    /// A streaming build writes the files the output lacks at once, and
    /// hands back each file's record, the list emptied.
    #[test]
    #[allow(clippy::disallowed_methods)] // reads back what the build wrote
    fn streamed_files_are_written_at_once_unless_the_output_holds_them() {
        let out = tempfile::tempdir().expect("out");
        let file = |path: &str, bytes: &[u8]| OutputFile {
            path: path.into(),
            content: Content::Bytes(bytes.to_vec()),
        };
        let mut files = vec![file("search/a.bin", b"new"), file("search/b.bin", b"same")];
        let held: HashMap<String, Fingerprint> =
            [("search/b.bin".to_string(), fingerprint::of_bytes(b"same"))].into();
        let records = stream_files(out.path(), &mut files, Some(&held)).expect("writes");
        assert!(files.is_empty());
        let flags: Vec<(&str, bool)> = records.iter().map(|(p, _, w)| (p.as_str(), *w)).collect();
        assert_eq!(flags, [("search/a.bin", true), ("search/b.bin", false)]);
        assert_eq!(records[0].1, fingerprint::of_bytes(b"new"));
        assert_eq!(
            std::fs::read(out.path().join("search/a.bin")).expect("written"),
            b"new"
        );
        assert!(!out.path().join("search/b.bin").exists());
    }

    #[test]
    fn work_that_does_not_panic_passes_its_value_through() {
        assert_eq!(contained(None, || 42).unwrap(), 42);
        // The hook keeps no stale message from an earlier panic.
        let _ = contained(None, || panic!("first"));
        let d = contained(None, || panic!("second")).unwrap_err();
        assert!(d.hint.unwrap_or_default().contains("second"));
    }
}
