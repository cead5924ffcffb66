//! The build pipeline: load -> parse -> resolve -> plan -> render -> write.
//!
//! I/O happens at the two ends (load and write); the stages between are
//! pure functions over in-memory data, which is what makes them testable,
//! parallel and ready for incremental rebuilds.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::highlight::{self, Highlighter};
use crate::markdown::MarkdownOptions;
use crate::output::{self, Content, OutputFile};
use crate::parse::{self, ParseContext};
use crate::render;
use crate::resolve::{self, ResolveInput};
use crate::search;
use crate::site::Site;
use crate::templates::{self, Templates};
use crate::view::Views;

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
        }
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
    pub pages: usize,
    pub elapsed: Duration,
    pub warnings: Vec<Diagnostic>,
    pub output: PathBuf,
    /// The search index's figures, when search is enabled.
    pub search: Option<search::Stats>,
}

/// What rendering produced besides the files themselves.
#[derive(Debug)]
pub struct Rendered {
    /// The links and ids of every HTML page, for the link checkers.
    pub links: Vec<crate::linkcheck::PageLinks>,
    pub search: Option<search::Stats>,
}

/// Why a build failed. Content errors exit with 1, usage errors with 2.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files: all of them, plus the warnings.
    Content(Vec<Diagnostic>),
    /// A bad command line (an output folder in a forbidden place).
    Usage(Diagnostic),
}

impl BuildError {
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            BuildError::Content(d) => d.clone(),
            BuildError::Usage(d) => vec![d.clone()],
        }
    }
}

/// Prints how long each stage took when `FIRESIDE_TIMINGS` is set: the
/// first thing to look at when a build is slow.
struct StageClock {
    enabled: bool,
    last: Instant,
}

impl StageClock {
    fn new() -> Self {
        StageClock {
            enabled: std::env::var_os("FIRESIDE_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!("[timings] {stage:<14} {:>8.1?}", self.last.elapsed());
        }
        self.last = Instant::now();
    }
}

/// The build's "now": explicit, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_now(explicit: Option<Timestamp>) -> Result<Timestamp, Diagnostic> {
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

/// Reads `site.yaml`, and makes the highlighter for the themes it names,
/// primed with the site's highlight cache.
pub fn load_config(opts: &BuildOptions) -> Result<(Config, Highlighter), BuildError> {
    let config = Config::load(&opts.root, opts.base_url.as_deref())
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
    highlighter.load_cache(&highlight::cache_path(&opts.root));
    Ok((config, highlighter))
}

/// Loads, parses and resolves a site: everything but rendering.
pub fn load_site(
    opts: &BuildOptions,
    config: Config,
    highlighter: &Highlighter,
) -> Result<(Site, Templates, Vec<Diagnostic>), BuildError> {
    let now = resolve_now(opts.now).map_err(BuildError::Usage)?;
    let mut clock = StageClock::new();
    let inputs = crate::load::load(&opts.root).map_err(BuildError::Content)?;
    clock.lap("load");
    let templates_result = Templates::new(&config, &inputs.templates);
    let cx = ParseContext {
        markdown: MarkdownOptions {
            raw_html: config.markdown.raw_html,
            smart_punctuation: config.markdown.smart_punctuation,
        },
        highlighter,
        include_drafts: opts.drafts,
        date_order: config.date_order,
    };
    let (docs, mut diagnostics) = parse::parse_all(&inputs.sources, &cx);
    drop(inputs.sources); // the text now lives in the parsed documents
    clock.lap("parse");
    let mut errors: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    diagnostics.retain(|d| !d.is_error());
    let warnings = diagnostics;
    if let Err(e) = &templates_result {
        errors.extend(e.iter().cloned());
    }
    let site = if errors.is_empty() {
        match resolve::resolve(ResolveInput {
            config,
            now,
            docs,
            assets: inputs.assets,
            static_files: inputs.static_files,
        }) {
            Ok(site) => {
                clock.lap("resolve");
                Some(site)
            }
            Err(mut e) => {
                errors.append(&mut e);
                None
            }
        }
    } else {
        None
    };
    match (site, templates_result) {
        (Some(site), Ok(templates)) if errors.is_empty() => Ok((site, templates, warnings)),
        _ => {
            diagnostic::sort(&mut errors);
            errors.extend(warnings);
            Err(BuildError::Content(errors))
        }
    }
}

/// Renders a resolved site and writes it into `dir` (a staging folder), or
/// only renders it when `dir` is `None` (`fireside check`). Pages go to disk
/// as soon as each is rendered.
pub fn render_site(
    site: &Site,
    templates: &Templates,
    highlighter: &Highlighter,
    progress: bool,
    dir: Option<&Path>,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut clock = StageClock::new();
    let views = Views::new(site);
    let plan = render::plan(site);
    clock.lap("plan");
    let bar = (progress && plan.len() > 2000 && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(plan.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let sink = |path: &str, bytes: &[u8]| match dir {
        Some(d) => output::write_file(d, path, bytes),
        None => Ok(()),
    };
    let mut files = supporting_files(site, &plan, highlighter)?;
    let script = script_size(&files);
    // The search index reads only the site model, so it is built while the
    // pages render rather than after them.
    let (rendered, index) = rayon::join(
        || render::render_all(site, &views, templates, &plan, &sink, &tick),
        || {
            site.config
                .search
                .enabled
                .then(|| search::build(site, script))
        },
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let links = rendered?;
    let search = index.map(|index| {
        files.extend(index.files);
        index.stats
    });
    clock.lap("render+search");
    let mut known: std::collections::HashSet<String> =
        files.iter().map(|f| f.path.clone()).collect();
    known.extend(plan.iter().map(|p| p.output.clone()));
    let mut broken =
        crate::linkcheck::check(&links, &known, &site.config.base_path, &site.config.root);
    if !broken.is_empty() {
        diagnostic::sort(&mut broken);
        return Err(broken);
    }
    clock.lap("links");
    if let Some(d) = dir {
        output::write_files(d, &files).map_err(|e| {
            vec![
                Diagnostic::error(format!("cannot write the site: {e}"))
                    .hint("check that the output folder is writable and the disk has room"),
            ]
        })?;
    }
    clock.lap("copy");
    Ok(Rendered { links, search })
}

/// The size of the search script the site publishes (the theme's, or the
/// site's own `static/assets/search.js`), for the search budget.
fn script_size(files: &[OutputFile]) -> usize {
    match files
        .iter()
        .find(|f| f.path == search::SCRIPT)
        .map(|f| &f.content)
    {
        Some(Content::Bytes(b)) => b.len(),
        Some(Content::Static(b)) => b.len(),
        Some(Content::Copy(path)) => std::fs::metadata(path).map_or(0, |m| m.len() as usize),
        None => 0,
    }
}

/// Everything besides rendered pages: the highlighting stylesheet, theme
/// assets, the site's static files and the files next to its content.
fn supporting_files(
    site: &Site,
    plan: &[render::PlannedPage],
    highlighter: &Highlighter,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let css = highlighter.stylesheet();
    let mut files = vec![OutputFile {
        path: "assets/highlight.css".into(),
        content: Content::Bytes(css.into_bytes()),
    }];
    for (path, bytes) in templates::theme_static_files(&site.config).map_err(|d| vec![d])? {
        files.push(OutputFile {
            path: format!("assets/{path}"),
            content: Content::Static(bytes),
        });
    }
    // A site's static files may replace theme assets (`assets/fireside.css`),
    // but never a generated page.
    let generated: std::collections::HashSet<&str> =
        plan.iter().map(|p| p.output.as_str()).collect();
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
        files.retain(|x| x.path != f.output);
        files.push(OutputFile {
            path: f.output.clone(),
            content: Content::Copy(f.source.clone()),
        });
    }
    if conflicts.is_empty() {
        Ok(files)
    } else {
        Err(conflicts)
    }
}

/// Builds a site: the whole pipeline, writing atomically unless `dry_run`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let out_dir = opts.output_dir();
    if !opts.dry_run {
        output::check_output_dir(&opts.root, &out_dir).map_err(BuildError::Usage)?;
    }
    let cache_file = highlight::cache_path(&opts.root);
    let mut clock = StageClock::new();
    let (config, highlighter) = load_config(opts)?;
    clock.lap("cache");
    let (site, templates, warnings) = load_site(opts, config, &highlighter)?;
    clock.lap("site");
    let content_error = |mut e: Vec<Diagnostic>| {
        diagnostic::sort(&mut e);
        e.extend(warnings.iter().cloned());
        BuildError::Content(e)
    };
    let rendered = if opts.dry_run {
        render_site(&site, &templates, &highlighter, opts.progress, None).map_err(content_error)?
    } else {
        let written = output::write_site_with(&out_dir, |staging| {
            let rendered = render_site(
                &site,
                &templates,
                &highlighter,
                opts.progress,
                Some(staging),
            );
            clock.lap("staged");
            rendered
        });
        let rendered = match written {
            Ok(rendered) => rendered,
            Err(output::WriteError::Fill(e)) => return Err(content_error(e)),
            Err(output::WriteError::Io(e)) => {
                return Err(BuildError::Usage(
                    Diagnostic::error(format!(
                        "cannot write the site to `{}`: {e}",
                        out_dir.display()
                    ))
                    .hint("check that the folder is writable and the disk has room"),
                ));
            }
        };
        clock.lap("swap");
        // The cache only speeds up the next build; failing to save it is not an error.
        let _ = highlighter.save_cache(&cache_file);
        clock.lap("save");
        rendered
    };
    if opts.external_links {
        let dead = crate::linkcheck::check_external(&rendered.links, Duration::from_secs(10), 8);
        if !dead.is_empty() {
            return Err(content_error(dead));
        }
    }
    let mut warnings = warnings;
    if let Some(stats) = &rendered.search {
        warnings.extend(stats.budget_warnings());
    }
    Ok(BuildReport {
        pages: rendered.links.len(),
        elapsed: started.elapsed(),
        warnings,
        output: out_dir,
        search: rendered.search,
    })
}

/// True if `path` looks like a site root.
pub fn is_site(path: &Path) -> bool {
    path.join("site.yaml").is_file()
}
