//! The `fireside` command line.
#![allow(clippy::result_large_err)]

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use fireside::build::{self as pipeline, BuildError, BuildOptions};
use fireside::diagnostic::Diagnostic;
use fireside::scaffold::{self, NewKind};
use fireside::serve::{self, ServeOptions};

/// A build allocates and frees millions of small strings and vectors across
/// both rayon workers; with glibc's malloc that was a fifth of the CPU of a
/// build, with mimalloc it is a few percent (docs/performance.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long (ms) mimalloc keeps freed memory before it gives it back to the
/// system: its default, a second, let a cold build's stages stack up what
/// the one before freed (the 10,000-page peak 510-524 MB; at 100 ms about
/// 490 MB, for a few tenths of a second of system time). An explicit
/// `MIMALLOC_PURGE_DELAY` wins.
#[cfg(feature = "mimalloc")]
const PURGE_DELAY_MS: std::ffi::c_long = 100;

#[cfg(feature = "mimalloc")]
fn tune_allocator() {
    // `mi_option_purge_delay` in mimalloc.h's `mi_option_e` (v2 and v3).
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets one of mimalloc's options, a valid index; options
        // may be set at any time.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

#[cfg(not(feature = "mimalloc"))]
fn tune_allocator() {}

/// Fireside: publish your communities of practice.
///
/// Turns a folder of Markdown files with YAML front matter (sessions,
/// patterns, communities, people, agendas) into a fast static website with
/// session calendars, a facilitator index and a pattern catalogue.
#[derive(Parser, Debug)]
#[command(
    name = "fireside",
    // The package version and the commit (build.rs).
    version = env!("FIRESIDE_VERSION"),
    about,
    long_about,
    propagate_version = true
)]
#[command(
    after_help = "Exit codes: 0 success, 1 content errors, 2 usage errors, 3 the output could not be written.\nDocs: see README.md and docs/ (the guide)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site into an output folder (default: SITE/public).
    Build {
        /// The site folder (holds site.yaml); default: the current folder.
        site: Option<PathBuf>,
        /// Where to write the site. Fireside replaces only folders it created.
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Override site.yaml's base_url, e.g. https://org.github.io/cop/
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// The build's clock (RFC 3339), for reproducible builds; SOURCE_DATE_EPOCH also works.
        #[arg(long, value_name = "RFC3339")]
        now: Option<jiff::Timestamp>,
        /// Include files marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Keep the highlight cache in DIR (default: the user's cache folder;
        /// never the site folder).
        #[arg(long, value_name = "DIR", env = "FIRESIDE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
        /// How to print diagnostics: `human` (rustc-style, on stderr) or
        /// `json` (one JSON object per line on stdout, for editors and bots).
        #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FORMAT")]
        message_format: MessageFormat,
    },
    /// Check everything (front matter, references, links, templates) and write nothing.
    Check {
        /// The site folder; default: the current folder.
        site: Option<PathBuf>,
        /// Include drafts in the check.
        #[arg(long)]
        drafts: bool,
        /// Also fetch every external link (8 at a time, 10 s timeout) and report dead ones.
        #[arg(long)]
        external: bool,
        /// Also list the patterns and pages past their review date (`review_by`).
        #[arg(long)]
        stale: bool,
        /// Keep the highlight cache in DIR (default: the user's cache folder;
        /// never the site folder).
        #[arg(long, value_name = "DIR", env = "FIRESIDE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
        /// How to print diagnostics: `human` (rustc-style, on stderr) or
        /// `json` (one JSON object per line on stdout, for editors and bots).
        #[arg(long, value_enum, default_value_t = MessageFormat::Human, value_name = "FORMAT")]
        message_format: MessageFormat,
    },
    /// Preview the site: build it, serve it, rebuild and reload on every change.
    ///
    /// Pages are served from a private temporary folder (never public/) that
    /// is removed on Ctrl-C. Open tabs reload after each good build; a build
    /// with errors shows them over the page and keeps the last good site.
    Serve {
        /// The site folder; default: the current folder.
        site: Option<PathBuf>,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but a loopback address makes
        /// the preview readable from the network.
        #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
        bind: std::net::IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        /// Include files marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Look for changes by polling, for file systems without change
        /// events (network drives, some containers and VMs).
        #[arg(long)]
        poll: bool,
        /// Keep the highlight cache in DIR (default: the user's cache folder;
        /// never the site folder).
        #[arg(long, value_name = "DIR", env = "FIRESIDE_CACHE_DIR")]
        cache_dir: Option<PathBuf>,
    },
    /// Rewrite the front matter of Markdown from MkDocs, Docusaurus, Jekyll or
    /// Hugo (under SITE/content) into Fireside's, reporting each change.
    ///
    /// Keys Fireside knows stay; `sidebar_position`/`nav_order` become
    /// `weight`, `permalink` and Hugo's `aliases` become redirects, Jekyll's
    /// `published: false` becomes `draft: true`, TOML `+++` becomes YAML, and
    /// every other key moves under `extra:`. Bodies are not touched.
    Import {
        /// The site folder; default: the current folder.
        site: Option<PathBuf>,
        /// Report what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Create a small working site in DIR.
    Init {
        /// The folder to create (must be new or empty).
        dir: PathBuf,
        /// Where the site will be published, e.g. https://cop.example.com/
        /// (asked on a terminal; otherwise site.yaml gets a marked placeholder).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// Create a content file with the right front matter, and print its path.
    New {
        /// What to create.
        kind: NewWhat,
        /// Its title.
        title: String,
        /// The session date (YYYY-MM-DD); required for sessions.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<jiff::civil::Date>,
        /// The community's slug: files go in its sub-folder.
        #[arg(long, value_name = "SLUG")]
        community: Option<String>,
        /// The site folder; default: the current folder.
        #[arg(long, value_name = "DIR", default_value = ".")]
        site: PathBuf,
    },
    /// Print a completion script for SHELL to standard output.
    ///
    /// For example: `fireside completions bash > ~/.local/share/bash-completion/completions/fireside`,
    /// `fireside completions zsh > ~/.zfunc/_fireside`, or
    /// `fireside completions fish > ~/.config/fish/completions/fireside.fish`.
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output: `fireside man > fireside.1`.
    Man,
    /// Print the JSON Schema of site.yaml or of a kind's front matter, for editors.
    ///
    /// For example: `fireside schema session > session.schema.json`. The
    /// repository's `schemas/` folder holds them all; docs/editors.md shows
    /// how an editor picks them up.
    Schema {
        /// What the schema describes.
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(
            fireside::schema::Target::all().into_iter().map(|t| t.name())
        ))]
        kind: String,
    },
}

/// How `build` and `check` print diagnostics.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum MessageFormat {
    /// rustc-style, with the quoted line and a caret, on stderr.
    Human,
    /// One JSON object per diagnostic per line on stdout, then a summary
    /// object; other messages go to stderr.
    Json,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum NewWhat {
    Session,
    Pattern,
    Agenda,
}

fn main() -> ExitCode {
    tune_allocator();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            now,
            drafts,
            cache_dir,
            message_format,
        } => {
            let opts = BuildOptions {
                output,
                base_url,
                now,
                drafts,
                cache_dir,
                progress: message_format == MessageFormat::Human,
                ..BuildOptions::new(site.unwrap_or_else(|| PathBuf::from(".")))
            };
            run_build(&opts, message_format, false)
        }
        Command::Check {
            site,
            drafts,
            external,
            stale,
            cache_dir,
            message_format,
        } => {
            let opts = BuildOptions {
                drafts,
                cache_dir,
                dry_run: true,
                external_links: external,
                ..BuildOptions::new(site.unwrap_or_else(|| PathBuf::from(".")))
            };
            run_build(&opts, message_format, stale)
        }
        Command::Serve {
            site,
            port,
            bind,
            open,
            drafts,
            poll,
            cache_dir,
        } => {
            let opts = ServeOptions {
                build: BuildOptions {
                    drafts,
                    cache_dir,
                    ..BuildOptions::new(site.unwrap_or_else(|| PathBuf::from(".")))
                },
                bind,
                port,
                open,
                poll,
                color: color(),
            };
            match serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(d) => {
                    eprintln!("{}", d.render(color()));
                    ExitCode::from(2)
                }
            }
        }
        Command::Import { site, dry_run } => {
            let site = site.unwrap_or_else(|| PathBuf::from("."));
            match fireside::import::import(&site, !dry_run) {
                Ok(reports) => {
                    for r in &reports {
                        println!("{}:", r.file.display());
                        for c in &r.changes {
                            println!("  {c}");
                        }
                    }
                    let verb = if dry_run { "would change" } else { "changed" };
                    println!("{verb} {} file(s).", reports.len());
                    ExitCode::SUCCESS
                }
                Err(d) => {
                    eprintln!("{}", d.render(color()));
                    ExitCode::from(1)
                }
            }
        }
        Command::Init { dir, base_url } => {
            let base_url = base_url.or_else(|| {
                std::io::stdin().is_terminal().then(|| {
                    scaffold::ask_base_url(&mut std::io::stdin().lock(), &mut std::io::stderr())
                })?
            });
            match scaffold::init(&dir, base_url.as_deref()) {
                Ok(files) => {
                    println!(
                        "Created a new site in {} ({} files).",
                        dir.display(),
                        files.len()
                    );
                    if base_url.is_none() {
                        println!(
                            "Set base_url in site.yaml to the address it will be published at (or build with --base-url)."
                        );
                    }
                    println!("Build it with: fireside build {}", dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => usage_error(&e),
            }
        }
        Command::New {
            kind,
            title,
            date,
            community,
            site,
        } => {
            let kind = match kind {
                NewWhat::Session => NewKind::Session,
                NewWhat::Pattern => NewKind::Pattern,
                NewWhat::Agenda => NewKind::Agenda,
            };
            match scaffold::new_file(&site, kind, &title, date, community.as_deref()) {
                Ok(path) => {
                    println!("{}", path.display());
                    ExitCode::SUCCESS
                }
                Err(e) => usage_error(&e),
            }
        }
        Command::Completions { shell } => print_generated(|out| {
            clap_complete::generate(shell, &mut Cli::command(), "fireside", out);
            Ok(())
        }),
        Command::Man => print_generated(|out| clap_mangen::Man::new(Cli::command()).render(out)),
        Command::Schema { kind } => match fireside::schema::Target::from_name(&kind) {
            Some(target) => print_generated(|out| {
                out.extend_from_slice(fireside::schema::file_text(target).as_bytes());
                Ok(())
            }),
            None => usage_error(&format!("no schema named `{kind}`")),
        },
    }
}

/// Writes generated text (completions, the man page) to stdout. Generated
/// into memory first: the generators panic on a write error, and a closed
/// pipe (`fireside man | head`) is not a reason to panic.
fn print_generated(generate: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> ExitCode {
    use std::io::Write;
    let mut text = Vec::new();
    let written = generate(&mut text).and_then(|()| {
        let mut out = std::io::stdout().lock();
        out.write_all(&text)?;
        out.flush()
    });
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage_error(&format!("cannot write to standard output: {e}")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("{}", Diagnostic::error(message).render(color()));
    ExitCode::from(2)
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn report(diagnostics: &[Diagnostic], format: MessageFormat) {
    if format == MessageFormat::Json {
        // stdout holds JSON only: no annotations in between.
        for d in diagnostics {
            println!("{}", d.to_json());
        }
        return;
    }
    let color = color();
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    for d in diagnostics {
        eprintln!("{}", d.render(color));
        if github {
            println!("{}", d.github_annotation());
        }
    }
}

/// Runs a build or check; with `stale`, then lists what is past its review date.
fn run_build(opts: &BuildOptions, format: MessageFormat, stale: bool) -> ExitCode {
    // In JSON mode stdout is the machine's: the human lines go to stderr.
    let say = |line: String| match format {
        MessageFormat::Human => println!("{line}"),
        MessageFormat::Json => eprintln!("{line}"),
    };
    // The last JSON line, as cargo's `build-finished`.
    let finished = |success: bool, diagnostics: &[Diagnostic]| {
        if format == MessageFormat::Json {
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            println!(
                "{}",
                serde_json::json!({
                    "reason": "build-finished",
                    "success": success,
                    "errors": errors,
                    "warnings": diagnostics.len() - errors,
                })
            );
        }
    };
    match pipeline::build(opts) {
        Ok(r) => {
            report(&r.warnings, format);
            finished(true, &r.warnings);
            let warnings = match r.warnings.len() {
                0 => String::new(),
                1 => ", 1 warning".into(),
                n => format!(", {n} warnings"),
            };
            if opts.dry_run {
                say(format!(
                    "Checked {} pages: no errors{warnings} ({:.2?}).",
                    r.pages, r.elapsed
                ));
            } else {
                say(format!(
                    "Built {} pages into {} in {:.2?}{warnings}.",
                    r.pages,
                    r.output.display(),
                    r.elapsed
                ));
            }
            if let Some(search) = &r.search {
                say(search.summary());
            }
            if stale {
                say(r.site.stale_report().trim_end().to_string());
            }
            // The process ends now: do not wait for a large site to be freed.
            std::thread::spawn(move || drop(r));
            ExitCode::SUCCESS
        }
        Err(e) => {
            let diagnostics = e.diagnostics();
            report(&diagnostics, format);
            finished(false, &diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            match e {
                BuildError::Content(_) => {
                    eprintln!(
                        "Build failed: {errors} error{}. {}",
                        if errors == 1 { "" } else { "s" },
                        if opts.dry_run {
                            ""
                        } else {
                            "The previous output was left untouched."
                        }
                    );
                    ExitCode::from(1)
                }
                BuildError::Usage(_) => ExitCode::from(2),
                BuildError::Write(_) => {
                    eprintln!(
                        "Build failed: the output could not be written. The previous output was left untouched."
                    );
                    ExitCode::from(3)
                }
            }
        }
    }
}
