//! A theme folder (`theme: path` in site.yaml), read once per build into a
//! [`ThemeFolder`]: its templates and its static files, through [`walk`] and
//! the theme's [`Bounds`], like every other site folder. The render stage
//! layers it over the embedded theme without touching the disk, and the
//! list of theme assets a content file must not replace is derived from
//! the same data, so the two can never disagree about what the folder holds.

use std::path::{Path, PathBuf};

use super::{Bounds, rel_string, walk};
use crate::config::{Config, ThemeSource};
use crate::diagnostic::Diagnostic;
use crate::render::templates::{ThemeFolder, ThemeTemplate};

/// Reads the theme folder `config` names (nothing for the embedded theme).
///
/// Read on every build, not once per configuration: the preview watches
/// the theme folder, and an edited template or stylesheet must show on the
/// next reload. Every unreadable file and refused link is reported, not
/// only the first.
pub fn read(config: &Config) -> Result<ThemeFolder, Vec<Diagnostic>> {
    let ThemeSource::Folder(dir) = &config.theme else {
        return Ok(ThemeFolder::default());
    };
    let bounds = Bounds::for_theme(&config.root, dir);
    let mut theme = ThemeFolder::default();
    let mut errors = Vec::new();
    for (path, rel) in files_under(&dir.join("templates"), &bounds, &mut errors) {
        match std::fs::read_to_string(&path) {
            Ok(text) => theme.templates.push(ThemeTemplate {
                name: rel,
                text,
                path,
            }),
            Err(e) => {
                errors.push(Diagnostic::error(format!("cannot read template: {e}")).in_file(&path))
            }
        }
    }
    for (path, rel) in files_under(&dir.join("static"), &bounds, &mut errors) {
        match std::fs::read(&path) {
            Ok(bytes) => theme.static_files.push((rel, bytes)),
            Err(e) => errors
                .push(Diagnostic::error(format!("cannot read theme file: {e}")).in_file(&path)),
        }
    }
    if errors.is_empty() {
        Ok(theme)
    } else {
        Err(errors)
    }
}

/// The files under `dir` (none when it is not a folder), as (path, path
/// relative to `dir` with `/`), in sorted order; refused links and
/// unreadable entries go to `errors`.
fn files_under(
    dir: &Path,
    bounds: &Bounds,
    errors: &mut Vec<Diagnostic>,
) -> Vec<(PathBuf, String)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut files = Vec::new();
    for entry in walk(dir, bounds, &|_| None) {
        match entry {
            Ok((path, _)) => {
                // `walk` only yields paths it built by joining onto `dir`.
                let Ok(rel) = path.strip_prefix(dir).map(rel_string) else {
                    continue;
                };
                files.push((path, rel));
            }
            Err(d) => errors.push(d),
        }
    }
    files
}
