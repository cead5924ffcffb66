//! The load stage: walk a site folder and read its files. This is the only
//! stage that reads content from disk; everything after it works in memory.

// The loader is one of the three modules that may touch the file system (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub mod git;

use crate::diagnostic::Diagnostic;

pub mod theme;

/// A file whose text Fireside parses (Markdown, agenda YAML or CSV).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root: `content/sessions/x.md`. Used in messages.
    pub path: PathBuf,
    /// Relative to `content/`: `sessions/x.md`. Decides kind and URL.
    pub content_path: PathBuf,
    pub bytes: Vec<u8>,
}

/// A file copied to the output as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedFile {
    pub source: PathBuf,
    /// Output path relative to the output root, with `/` separators.
    pub output: String,
    /// The source as it was listed: an incremental build copies the file
    /// again only when this changed, without a second look at the disk.
    pub stamp: FileStamp,
}

/// Files that editors and operating systems leave behind: never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name.ends_with(".crswap") // Chrome's File System Access saves
        || name.ends_with("___jb_tmp___") // JetBrains' save-by-rename
        || name.ends_with("___jb_old___")
        || name == "4913" // vim's write-permission probe
        || name == "Thumbs.db"
}

/// True for files parsed as content (the rest of `content/` is copied).
fn is_source(content_path: &Path) -> bool {
    let ext = content_path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let in_agendas = content_path.starts_with("agendas");
    // `.mdx` is read only to be refused with a message (see `parse`).
    matches!(ext.as_str(), "md" | "mdx")
        || (in_agendas && matches!(ext.as_str(), "yaml" | "yml" | "csv"))
}

/// Where a walk may lead. Symbolic links are followed only while they
/// resolve inside `inside` (the site folder, canonical) and away from the
/// output folder; anything else is an error naming the link, and what it
/// points at is never opened. This is what keeps a pull request from
/// publishing `/proc/self/environ` or `/etc` through a link in `content/`.
#[derive(Debug, Clone)]
pub struct Bounds {
    /// The site folder as given, to name links relative to it.
    site: PathBuf,
    /// The folder every followed link must resolve inside (canonical).
    inside: PathBuf,
    /// The output folder (absolute, canonical as far as it exists).
    output: Option<PathBuf>,
}

/// What a symbolic link found by a walk leads to.
enum Link {
    /// Inside the bounds: follow it.
    Follow,
    /// To nothing (a dangling link, or one removed since the listing).
    Gone,
}

impl Bounds {
    /// Bounds for the folders of the site at `site`, building into `output`.
    pub fn new(site: &Path, output: Option<&Path>) -> Bounds {
        Bounds {
            site: site.to_path_buf(),
            inside: site.canonicalize().unwrap_or_else(|_| site.to_path_buf()),
            output: output.map(crate::output::absolute),
        }
    }

    /// Bounds for a theme folder: the site's, or the theme folder's own
    /// when site.yaml names a theme that lives elsewhere.
    pub fn for_theme(site: &Path, theme: &Path) -> Bounds {
        let mut bounds = Bounds::new(site, None);
        let theme = theme.canonicalize().unwrap_or_else(|_| theme.to_path_buf());
        if !theme.starts_with(&bounds.inside) {
            bounds.inside = theme;
        }
        bounds
    }

    /// The path to show for `path`: relative to the site when it is in it.
    fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.site).unwrap_or(path).to_path_buf()
    }

    fn check_link(&self, link: &Path) -> Result<Link, Diagnostic> {
        let refuse = |why: String| {
            Diagnostic::error(format!(
                "`{}` is a symbolic link {why}",
                self.shown(link).display()
            ))
            .in_file(self.shown(link))
            .hint(
                "replace the link with a copy of the file, or point it at a file inside the site; \
                 Fireside never reads files outside the site folder",
            )
        };
        let target = match link.canonicalize() {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Link::Gone),
            Err(e) => {
                return Err(refuse(format!(
                    "that cannot be resolved ({e}); links that lead to each other form a loop"
                )));
            }
        };
        let home = link
            .parent()
            .and_then(|p| p.canonicalize().ok())
            .unwrap_or_default();
        if home.starts_with(&target) {
            return Err(refuse(
                "to a folder that contains it, which would repeat the folder inside itself forever"
                    .into(),
            ));
        }
        if let Some(out) = &self.output
            && (target.starts_with(out) || out.starts_with(&target))
        {
            return Err(refuse(
                "into the output folder, which would copy the output into itself".into(),
            ));
        }
        if !target.starts_with(&self.inside) {
            return Err(refuse("that leads outside the site folder".into()));
        }
        Ok(Link::Follow)
    }
}

/// Refuses the site's own file `name` (`site.yaml`) when it is a symbolic
/// link that leaves the site, before anything reads it.
pub fn check_site_file(root: &Path, name: &str) -> Result<(), Diagnostic> {
    let path = root.join(name);
    if path.symlink_metadata().is_ok_and(|m| m.is_symlink()) {
        Bounds::new(root, None).check_link(&path)?;
    }
    Ok(())
}

/// The bytes of the site's `site.yaml`, for [`crate::config::Config::parse`].
///
/// A link that leaves the site is refused before it is opened. A builder
/// keeps the bytes to see whether the configuration changed, so this is
/// the one read of the file per build.
pub fn read_site_yaml(root: &Path) -> Result<Vec<u8>, Diagnostic> {
    check_site_file(root, "site.yaml")?;
    std::fs::read(root.join("site.yaml")).map_err(|e| {
        Diagnostic::error(format!("cannot read site.yaml: {e}"))
            .in_file("site.yaml")
            .hint(format!(
                "is `{}` a Fireside site? Create one with `fireside init DIR`",
                root.display()
            ))
    })
}

/// Files under `dir` in sorted order, with their stamps, skipping editor
/// droppings and following only the links `bounds` allows.
pub fn walk(
    dir: &Path,
    bounds: &Bounds,
    known: &KnownStamp<'_>,
) -> Vec<Result<(PathBuf, FileStamp), Diagnostic>> {
    let error = |path: Option<&Path>, err: &dyn std::fmt::Display| {
        let path = bounds.shown(path.unwrap_or(dir));
        Diagnostic::error(format!("cannot read {}: {err}", path.display())).in_file(path)
    };
    let is_gone = |err: &walkdir::Error| {
        err.io_error()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    };
    let mut found = Vec::new();
    let mut entries = WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    while let Some(entry) = entries.next() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                // A link walkdir could not follow: a loop, or one that
                // resolves to nothing. Say which link, without reading it.
                let link = err
                    .path()
                    .filter(|p| p.symlink_metadata().is_ok_and(|m| m.is_symlink()));
                match link.map(|l| bounds.check_link(l)) {
                    Some(Err(d)) => found.push(Err(d)),
                    Some(Ok(_)) | None if is_gone(&err) => {}
                    Some(Ok(_)) | None => found.push(Err(error(err.path(), &err))),
                }
                continue;
            }
        };
        if e.path_is_symlink() {
            match bounds.check_link(e.path()) {
                Ok(Link::Follow) => {}
                Ok(Link::Gone) => continue,
                Err(d) => {
                    found.push(Err(d));
                    if e.file_type().is_dir() {
                        entries.skip_current_dir();
                    }
                    continue;
                }
            }
        }
        if !e.file_type().is_file() {
            continue;
        }
        match known(e.path())
            .map(Ok)
            .unwrap_or_else(|| e.metadata().map(|m| FileStamp::of(&m)))
        {
            Ok(stamp) => found.push(Ok((e.into_path(), stamp))),
            // Deleted between listing and stat: it is simply gone.
            Err(err) if is_gone(&err) => {}
            Err(err) => found.push(Err(error(Some(e.path()), &err))),
        }
    }
    found
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// What a file looked like on disk when it was listed: if any of these
/// differ at the next scan, the file is read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    /// Editors that save by renaming a new file over the old one change it.
    inode: u64,
}

impl FileStamp {
    /// The file's size in bytes when it was listed.
    pub fn size(&self) -> u64 {
        self.len
    }

    pub fn of(meta: &std::fs::Metadata) -> FileStamp {
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// A source file found by [`scan`], not read yet.
#[derive(Debug, Clone)]
pub struct SourceEntry {
    /// Where to read it.
    pub abs: PathBuf,
    /// Relative to the site root: `content/sessions/x.md`.
    pub path: PathBuf,
    /// Relative to `content/`: `sessions/x.md`.
    pub content_path: PathBuf,
    pub stamp: FileStamp,
}

impl SourceEntry {
    pub fn read(&self) -> Result<SourceFile, Diagnostic> {
        std::fs::read(&self.abs)
            .map(|bytes| SourceFile {
                path: self.path.clone(),
                content_path: self.content_path.clone(),
                bytes,
            })
            .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).in_file(&self.path))
    }
}

/// The stamp a caller already knows for a file (by the path the walk built).
pub type KnownStamp<'a> = dyn Fn(&Path) -> Option<FileStamp> + 'a;

/// Everything in a site folder, with sources listed but not read.
#[derive(Debug, Default)]
pub struct Listing {
    /// In a stable (sorted) order, so that everything downstream is deterministic.
    pub sources: Vec<SourceEntry>,
    pub assets: Vec<CopiedFile>,
    pub static_files: Vec<CopiedFile>,
    pub templates: Vec<(String, String)>,
}

/// Walks `root`: lists sources with their stamps, assets and static files,
/// and reads the site's templates (few and small). Sources are read by the
/// caller, which may skip those it has already read. A file's stamp is
/// taken from `known` when it has one instead of asking the file system (a
/// file watcher knows which files changed).
pub fn scan_with(
    root: &Path,
    output: Option<&Path>,
    known: &KnownStamp<'_>,
) -> Result<Listing, Vec<Diagnostic>> {
    let bounds = Bounds::new(root, output);
    let mut errors = Vec::new();
    let mut listing = Listing::default();
    let content = root.join("content");
    if content.is_dir() {
        for entry in walk(&content, &bounds, known) {
            match entry {
                Ok((path, stamp)) => {
                    let content_path = path
                        .strip_prefix(&content)
                        .expect("under content")
                        .to_path_buf();
                    if is_source(&content_path) {
                        listing.sources.push(SourceEntry {
                            path: Path::new("content").join(&content_path),
                            content_path,
                            abs: path,
                            stamp,
                        });
                    } else {
                        listing.assets.push(CopiedFile {
                            output: rel_string(&content_path),
                            source: path,
                            stamp,
                        });
                    }
                }
                Err(d) => errors.push(d),
            }
        }
    } else {
        errors.push(
            Diagnostic::error("the site has no `content/` folder")
                .in_file("content")
                .hint("put sessions, patterns and pages under content/ (see `fireside init`)"),
        );
    }
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        for entry in walk(&static_dir, &bounds, &|_| None) {
            match entry {
                Ok((path, stamp)) => listing.static_files.push(CopiedFile {
                    output: rel_string(path.strip_prefix(&static_dir).expect("under static")),
                    source: path,
                    stamp,
                }),
                Err(d) => errors.push(d),
            }
        }
    }
    let templates = root.join("templates");
    if templates.is_dir() {
        for entry in walk(&templates, &bounds, &|_| None) {
            match entry {
                Ok((path, _)) => {
                    let name = rel_string(path.strip_prefix(&templates).expect("under templates"));
                    match std::fs::read_to_string(&path) {
                        Ok(text) => listing.templates.push((name, text)),
                        Err(e) => errors.push(
                            Diagnostic::error(format!("cannot read template: {e}"))
                                .in_file(Path::new("templates").join(&name)),
                        ),
                    }
                }
                Err(d) => errors.push(d),
            }
        }
    }
    if errors.is_empty() {
        Ok(listing)
    } else {
        Err(errors)
    }
}

/// The process's resident memory now and at its peak, in bytes, as the
/// kernel counts them (`VmRSS`, `VmHWM` of `/proc/self/status`); `None`
/// where there is no such file. Only `FIRESIDE_TIMINGS` reads it, to say
/// which stage holds the memory.
pub fn memory_use() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kb * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_droppings() {
        for name in [
            ".x.md.swp",
            "x.md~",
            "#x.md#",
            "4913",
            ".DS_Store",
            "x.tmp",
            "x.md___jb_tmp___",
        ] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("x.md"));
    }

    #[test]
    fn classifies_sources_and_assets() {
        assert!(is_source(Path::new("sessions/a.md")));
        assert!(is_source(Path::new("agendas/x/2025.csv")));
        assert!(!is_source(Path::new("sessions/diagram.png")));
        assert!(!is_source(Path::new("data.csv")));
    }
}
