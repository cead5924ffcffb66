//! The load stage: walk a site folder and read its files. This is the only
//! stage that reads content from disk; everything after it works in memory.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
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

/// Everything read from a site folder.
#[derive(Debug, Default)]
pub struct Inputs {
    pub sources: Vec<SourceFile>,
    /// Non-Markdown files under `content/`, keyed by their content path.
    pub assets: Vec<CopiedFile>,
    /// Files under `static/`.
    pub static_files: Vec<CopiedFile>,
    /// Templates under the site's `templates/`: (name, text).
    pub templates: Vec<(String, String)>,
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

fn walk(dir: &Path) -> impl Iterator<Item = Result<PathBuf, Diagnostic>> + '_ {
    WalkDir::new(dir)
        .sort_by_file_name()
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()))
        .filter_map(move |entry| match entry {
            Ok(e) if e.file_type().is_file() => Some(Ok(e.into_path())),
            Ok(_) => None,
            Err(err) => Some(Err(Diagnostic::error(format!(
                "cannot read {}: {err}",
                err.path().unwrap_or(dir).display()
            )))),
        })
}

fn rel_string(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks `root` and reads every source file, in parallel. Files come back in
/// a stable (sorted) order so that everything downstream is deterministic.
pub fn load(root: &Path) -> Result<Inputs, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut inputs = Inputs::default();
    let content = root.join("content");
    let mut source_paths = Vec::new();
    if content.is_dir() {
        for entry in walk(&content) {
            match entry {
                Ok(path) => {
                    let content_path = path
                        .strip_prefix(&content)
                        .expect("under content")
                        .to_path_buf();
                    if is_source(&content_path) {
                        source_paths.push((path, content_path));
                    } else {
                        inputs.assets.push(CopiedFile {
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
    let read: Vec<Result<SourceFile, Diagnostic>> = source_paths
        .into_par_iter()
        .map(|(abs, content_path)| {
            let path = Path::new("content").join(&content_path);
            std::fs::read(&abs)
                .map(|bytes| SourceFile {
                    path: path.clone(),
                    content_path,
                    bytes,
                })
                .map_err(|e| Diagnostic::error(format!("cannot read file: {e}")).in_file(path))
        })
        .collect();
    for r in read {
        match r {
            Ok(f) => inputs.sources.push(f),
            Err(d) => errors.push(d),
        }
    }
    let static_dir = root.join("static");
    if static_dir.is_dir() {
        for entry in walk(&static_dir) {
            match entry {
                Ok(path) => inputs.static_files.push(CopiedFile {
                    output: rel_string(path.strip_prefix(&static_dir).expect("under static")),
                    source: path,
                }),
                Err(d) => errors.push(d),
            }
        }
    }
    let templates = root.join("templates");
    if templates.is_dir() {
        for entry in walk(&templates) {
            match entry {
                Ok(path) => {
                    let name = rel_string(path.strip_prefix(&templates).expect("under templates"));
                    match std::fs::read_to_string(&path) {
                        Ok(text) => inputs.templates.push((name, text)),
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
        Ok(inputs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_droppings() {
        for name in [".x.md.swp", "x.md~", "#x.md#", "4913", ".DS_Store", "x.tmp"] {
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
