//! The load stage: walk a site folder and read its files. This is the only
//! stage that reads content from disk; everything after it works in memory.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;

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
    ext == "md" || (in_agendas && matches!(ext.as_str(), "yaml" | "yml" | "csv"))
}

/// Files under `dir` in sorted order, with their stamps, skipping editor droppings.
fn walk<'a>(
    dir: &'a Path,
    known: &'a KnownStamp<'_>,
) -> impl Iterator<Item = Result<(PathBuf, FileStamp), Diagnostic>> + 'a {
    let error = move |path: Option<&Path>, err: &dyn std::fmt::Display| {
        Diagnostic::error(format!(
            "cannot read {}: {err}",
            path.unwrap_or(dir).display()
        ))
    };
    WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(move |entry| match entry {
            Ok(e) if e.file_type().is_file() => Some(
                match known(e.path())
                    .map(Ok)
                    .unwrap_or_else(|| e.metadata().map(|m| FileStamp::of(&m)))
                {
                    Ok(stamp) => Ok((e.into_path(), stamp)),
                    // Deleted between listing and stat: it is simply gone.
                    Err(err)
                        if err
                            .io_error()
                            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
                    {
                        return None;
                    }
                    Err(err) => Err(error(Some(e.path()), &err)),
                },
            ),
            Ok(_) => None,
            Err(err)
                if err
                    .io_error()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) =>
            {
                None
            }
            Err(err) => Some(Err(error(err.path(), &err))),
        })
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
/// caller, which may skip those it has already read.
pub fn scan(root: &Path) -> Result<Listing, Vec<Diagnostic>> {
    scan_with(root, &|_| None)
}

/// [`scan`], taking a file's stamp from `known` when it has one instead of
/// asking the file system (a file watcher knows which files changed).
pub fn scan_with(root: &Path, known: &KnownStamp<'_>) -> Result<Listing, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut listing = Listing::default();
    let content = root.join("content");
    if content.is_dir() {
        for entry in walk(&content, known) {
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
        for entry in walk(&static_dir, &|_| None) {
            match entry {
                Ok((path, _)) => listing.static_files.push(CopiedFile {
                    output: rel_string(path.strip_prefix(&static_dir).expect("under static")),
                    source: path,
                }),
                Err(d) => errors.push(d),
            }
        }
    }
    let templates = root.join("templates");
    if templates.is_dir() {
        for entry in walk(&templates, &|_| None) {
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
