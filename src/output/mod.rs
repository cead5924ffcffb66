//! The write stage: put a built site on disk without ever losing anything.
//!
//! A build is written into a fresh folder beside the output and swapped in
//! only when complete, so a failed build leaves the previous output intact.
//! Fireside replaces only folders it created itself (a marker file tells),
//! and refuses output folders where a mistake would destroy sources.

// The writer is one of the three modules that may touch the file system (clippy.toml).
#![allow(clippy::disallowed_methods)]

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;

mod manifest;
pub(crate) use manifest::{
    PageRecord, build_id, manifest_path, read_previous, remove_manifest, write_manifest,
};

/// The bytes of a cache file (the search index's, `search/cache.rs`), or
/// `None` if it is missing or unreadable: a cache that cannot be read is a miss.
pub(crate) fn read_cache(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// The marker file in every output folder Fireside writes.
pub const MARKER: &str = ".fireside-output";

/// What to write at one output path.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    Static(Cow<'static, [u8]>),
    /// Copy this file (assets, static files).
    Copy(PathBuf),
}

#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Relative path with `/` separators: `sessions/x/index.html`.
    pub path: String,
    pub content: Content,
}

/// Refuses output folders where writing could destroy a user's files.
pub fn check_output_dir(site_root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(site_root);
    let out_abs = absolute(out);
    let refuse = |why: &str, hint: &str| {
        Err(Diagnostic::error(format!(
            "refusing to write the site to `{}`: {why}",
            out.display()
        ))
        .hint(hint.to_string()))
    };
    // Looked at as given, before anything resolves it: a link or a special
    // file would otherwise be deleted and replaced by a folder (`-o
    // /dev/null` as root replaced the machine's /dev/null).
    let as_given: PathBuf = out.components().collect();
    match std::fs::symlink_metadata(&as_given) {
        Ok(m) if m.file_type().is_symlink() => {
            return refuse(
                "it is a symbolic link, and Fireside replaces the output folder rather than writing through links",
                "give the folder the link points at, or a path that does not exist yet",
            );
        }
        Ok(m) if m.is_file() => return refuse("it is a file", "choose a folder"),
        Ok(m) if !m.is_dir() => {
            return refuse(
                "it is a device, FIFO or socket, not a folder",
                "choose a folder, such as the default `public/`",
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return refuse(
                &format!("it cannot be examined ({e})"),
                "check the path and its permissions",
            );
        }
    }
    if out_abs == root || root.starts_with(&out_abs) {
        return refuse(
            "it is the site folder or contains it, and building would replace your sources",
            "write to a folder of its own, such as the default `public/`",
        );
    }
    for source_dir in ["content", "static", "templates"] {
        if out_abs.starts_with(root.join(source_dir)) {
            return refuse(
                &format!("it lies inside the site's `{source_dir}/` folder"),
                "write to a folder outside content/, static/ and templates/, such as `public/`",
            );
        }
    }
    if out_abs.join("content").is_dir() || out_abs.join("site.yaml").is_file() {
        return refuse(
            "it contains a `content/` folder or a site.yaml, so it looks like a site, not an output folder",
            "choose an empty folder or one Fireside created",
        );
    }
    if out_abs.is_file() {
        return refuse("it is a file", "choose a folder");
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).is_file() {
        let empty = std::fs::read_dir(&out_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return refuse(
                "the folder exists and was not created by Fireside, so replacing it could lose files",
                "choose another folder, or empty this one first if you are sure",
            );
        }
    }
    Ok(())
}

/// `p` made absolute, with its longest existing prefix canonicalised.
pub fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    // Canonicalise the longest existing prefix, so symlinks cannot hide a match.
    let mut existing = abs.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in rest.into_iter().rev() {
        out.push(part);
    }
    out
}

/// Writes `files` as the new content of `out`, atomically replacing it
/// (the tests' way to fill an output folder in one call).
#[cfg(test)]
fn write_site(out: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    write_site_with(out, || {}, |dir| write_files(dir, files)).map_err(|e| match e {
        WriteError::Io(e) | WriteError::Fill(e) => e,
    })
}

/// Why [`write_site_with`] failed: the filler's own error, or the swap's.
#[cfg(test)]
#[derive(Debug)]
pub enum WriteError<E> {
    Fill(E),
    Io(std::io::Error),
}

/// Held while a build writes into an output folder: a second build into
/// the same folder waits for it instead of swapping folders under it.
///
/// The lock is taken on the folder that holds the output (on Unix its
/// directory handle, elsewhere a dot-file beside the output), because the
/// output itself is renamed away by every build.
pub struct OutputLock {
    _file: std::fs::File,
}

/// Locks the output `out` (its parent folder must exist), calling
/// `on_wait` first if another build holds it.
pub fn lock_output(out: &Path, on_wait: impl FnOnce()) -> std::io::Result<OutputLock> {
    let parent = out
        .parent()
        .ok_or_else(|| std::io::Error::other("output has no parent folder"))?;
    #[cfg(unix)]
    let file = std::fs::File::open(parent)?;
    #[cfg(not(unix))]
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(parent.join(format!(".{}.fireside-lock", output_name(out))))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            on_wait();
            file.lock()?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(e),
    }
    Ok(OutputLock { _file: file })
}

fn output_name(out: &Path) -> String {
    out.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into())
}

/// Prefixes of the staging folders beside the output named `name`.
fn staging_prefixes(name: &str) -> [String; 2] {
    [
        format!(".{name}.fireside-new-"),
        format!(".{name}.fireside-old-"),
    ]
}

/// Removes staging folders a killed build left beside the output: only
/// real folders named as Fireside names them that carry its marker (it is
/// written into each one as soon as it is created). Runs under the output
/// lock, so none of them belongs to a build still running.
fn sweep_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = staging_prefixes(name);
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let path = entry.path();
        if prefixes.iter().any(|p| n.starts_with(p.as_str()))
            && entry.file_type().is_ok_and(|t| t.is_dir())
            && std::fs::symlink_metadata(path.join(MARKER)).is_ok_and(|m| m.is_file())
        {
            // remove_dir_all never follows links inside the folder.
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

const MARKER_TEXT: &[u8] = b"This folder is written by Fireside; it is replaced on every build.\n";

/// Creates a staging folder beside `out`, lets `fill` write the site into it,
/// and swaps it in only if `fill` succeeds. On any failure the staging
/// folder is removed and `out` is exactly as it was. The output is locked
/// meanwhile (`on_wait` runs if another build holds it), and staging
/// folders of killed builds are swept first.
#[cfg(test)]
pub fn write_site_with<T, E>(
    out: &Path,
    on_wait: impl FnOnce(),
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, WriteError<E>> {
    let out = absolute(out);
    let _lock = lock_output_creating(&out, on_wait).map_err(WriteError::Io)?;
    write_site_locked(&out, fill)
}

/// [`lock_output`], after creating the folder that holds `out` (an absolute path).
pub fn lock_output_creating(out: &Path, on_wait: impl FnOnce()) -> std::io::Result<OutputLock> {
    let parent = out
        .parent()
        .ok_or_else(|| std::io::Error::other("output has no parent folder"))?;
    std::fs::create_dir_all(parent)?;
    lock_output(out, on_wait)
}

/// [`write_site_with`] for a caller that holds the output's lock already
/// (`out` absolute).
#[cfg(test)]
pub fn write_site_locked<T, E>(
    out: &Path,
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, WriteError<E>> {
    let staging = staging_beside(out).map_err(WriteError::Io)?;
    let value = fill(staging.path()).map_err(WriteError::Fill)?;
    swap_staged(staging, out).map_err(WriteError::Io)?;
    Ok(value)
}

/// Swaps a filled staging folder (from [`staging_beside`]) in for `out`
/// (absolute): `fireside build`'s output, once the build into it succeeded.
pub fn swap_staged(staging: tempfile::TempDir, out: &Path) -> std::io::Result<()> {
    let parent = out
        .parent()
        .ok_or_else(|| std::io::Error::other("output has no parent folder"))?;
    swap_in(&staging, out, parent, &output_name(out))?;
    // The staging folder now is `out`; stop its guard from deleting it.
    let _ = staging.keep();
    Ok(())
}

/// A fresh, marked staging folder beside `out` (an absolute path), after
/// sweeping those of killed builds; removed when dropped. Call it under the
/// output's lock.
pub fn staging_beside(out: &Path) -> std::io::Result<tempfile::TempDir> {
    let parent = out
        .parent()
        .ok_or_else(|| std::io::Error::other("output has no parent folder"))?;
    let name = output_name(out);
    sweep_stale(parent, &name);
    let staging = tempfile::Builder::new()
        .prefix(&staging_prefixes(&name)[0])
        .tempdir_in(parent)?;
    std::fs::write(staging.path().join(MARKER), MARKER_TEXT)?;
    Ok(staging)
}

/// Moves every file of `staging` (a build's changed files, on the same file
/// system) into `out`, each by one rename, so a reader sees a file's old
/// bytes or its new ones, never a mix; then removes `gone` (files the last
/// build wrote that this one no longer makes) and the folders they leave
/// empty. Only called once the build has succeeded: until then the output
/// is untouched.
pub fn commit_staged(out: &Path, staging: &Path, gone: &[String]) -> std::io::Result<()> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(staging).min_depth(1) {
        let entry = entry.map_err(std::io::Error::other)?;
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(staging)
                .map_err(std::io::Error::other)?
                .to_path_buf();
            if rel != Path::new(MARKER) {
                files.push(rel);
            }
        }
    }
    let mut folders: Vec<&Path> = files.iter().filter_map(|f| f.parent()).collect();
    folders.sort();
    folders.dedup();
    for f in folders {
        std::fs::create_dir_all(out.join(f))
            .map_err(|e| naming(e, "cannot create the folder", &f.display().to_string()))?;
    }
    files.par_iter().try_for_each(|rel| {
        std::fs::rename(staging.join(rel), out.join(rel))
            .map_err(|e| naming(e, "cannot write", &rel.display().to_string()))
    })?;
    gone.iter().try_for_each(|rel| remove_file(out, rel))
}

fn swap_in(
    staging: &tempfile::TempDir,
    out: &Path,
    parent: &Path,
    name: &str,
) -> std::io::Result<()> {
    std::fs::write(staging.path().join(MARKER), MARKER_TEXT)?;
    if out.exists() {
        let old = tempfile::Builder::new()
            .prefix(&staging_prefixes(name)[1])
            .tempdir_in(parent)?;
        // Marked before the swap, so a build killed mid-swap leaves a
        // folder the next one can prove it made.
        std::fs::write(old.path().join(MARKER), MARKER_TEXT)?;
        let old_path = old.path().join("previous");
        std::fs::rename(out, &old_path)?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            // Put the previous output back: nothing is lost.
            let _ = std::fs::rename(&old_path, out);
            return Err(e);
        }
        drop(old); // removes the previous output, which carried our marker
    } else {
        std::fs::rename(staging.path(), out)?;
    }
    Ok(())
}

/// Replaces one file under `dir` atomically: readers (the preview server)
/// see the old bytes or the new, never half a file. The temporary file is a
/// dot-file next to the target, so it is never served. A file to copy that
/// is gone by now (an editor's temporary file) is skipped.
pub fn replace_file(dir: &Path, rel: &str, content: &Content) -> std::io::Result<()> {
    let target = dir.join(rel);
    let parent = target.parent().unwrap_or(dir);
    let source = match content {
        Content::Copy(src) => match open_source(src)? {
            Some(f) => Some(f),
            None => return Ok(()),
        },
        _ => None,
    };
    let written = (|| {
        std::fs::create_dir_all(parent)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".fireside-")
            .tempfile_in(parent)?;
        match (content, source) {
            (Content::Bytes(b), _) => std::io::Write::write_all(tmp.as_file_mut(), b)?,
            (Content::Static(b), _) => std::io::Write::write_all(tmp.as_file_mut(), b)?,
            (Content::Copy(_), Some(mut from)) => {
                std::io::copy(&mut from, tmp.as_file_mut())?;
            }
            (Content::Copy(_), None) => unreachable!("opened above"),
        }
        tmp.persist(&target).map_err(|e| e.error)?;
        Ok(())
    })();
    written.map_err(|e| naming(e, "cannot write", rel))
}

/// Opens a file to copy; `None` if it vanished since the listing (editors
/// create and delete temporary files all the time), an error naming the
/// file if it cannot be read.
fn open_source(src: &Path) -> std::io::Result<Option<std::fs::File>> {
    match std::fs::File::open(src) {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(naming(e, "cannot read", &src.display().to_string())),
    }
}

/// `e`, its message prefixed with what failed on which file: "cannot write
/// `sessions/x/index.html`: No space left on device".
fn naming(e: std::io::Error, what: &str, file: &str) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{what} `{file}`: {e}"))
}

/// Copies `src` to `target` (skipped if `src` vanished since the listing).
fn copy_file(src: &Path, target: &Path, rel: &str) -> std::io::Result<()> {
    let Some(mut from) = open_source(src)? else {
        return Ok(());
    };
    let mut to = std::fs::File::create(target).map_err(|e| naming(e, "cannot write", rel))?;
    std::io::copy(&mut from, &mut to).map_err(|e| naming(e, "cannot write", rel))?;
    Ok(())
}

/// Removes one file under `dir`, and the folders it leaves empty.
pub fn remove_file(dir: &Path, rel: &str) -> std::io::Result<()> {
    let target = dir.join(rel);
    match std::fs::remove_file(&target) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut folder = target.parent();
    while let Some(f) = folder {
        if f == dir || std::fs::remove_dir(f).is_err() {
            break; // not empty, or the output root
        }
        folder = f.parent();
    }
    Ok(())
}

/// How the apply phase writes a build's changes into its folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Apply {
    /// The folder holds nothing of an earlier build (a builder's first
    /// build): pages are written as they are rendered, a batch at a time, so
    /// that memory stays bounded, and the rest at the end. Nothing to remove.
    Stream,
    /// The folder holds the last good build: nothing is written until the
    /// whole build succeeded, then each file is replaced atomically (the
    /// preview server may be reading it) and files no longer made are removed.
    Replace,
}

/// The apply phase, the only writer of a build: writes `write` and removes
/// `remove` under `dir`, the way `how` says.
pub(crate) fn apply(
    dir: &Path,
    write: &[OutputFile],
    remove: &[String],
    how: Apply,
) -> std::io::Result<()> {
    match how {
        Apply::Stream => write_files(dir, write),
        Apply::Replace => {
            write
                .par_iter()
                .try_for_each(|f| replace_file(dir, &f.path, &f.content))?;
            remove.iter().try_for_each(|f| remove_file(dir, f))
        }
    }
}

/// Writes files under `dir`, creating folders, in parallel.
pub fn write_files(dir: &Path, files: &[OutputFile]) -> std::io::Result<()> {
    let mut folders: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    folders.sort();
    folders.dedup();
    for f in &folders {
        std::fs::create_dir_all(f).map_err(|e| {
            let rel = f.strip_prefix(dir).unwrap_or(f).display().to_string();
            naming(e, "cannot create the folder", &rel)
        })?;
    }
    files.par_iter().try_for_each(|f| {
        let target = dir.join(&f.path);
        match &f.content {
            Content::Bytes(b) => std::fs::write(&target, b),
            Content::Static(b) => std::fs::write(&target, b),
            Content::Copy(src) => return copy_file(src, &target, &f.path),
        }
        .map_err(|e| naming(e, "cannot write", &f.path))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_output_folders() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("content/sessions")).unwrap();
        std::fs::write(site.path().join("site.yaml"), "title: x").unwrap();
        let root = site.path();
        assert!(check_output_dir(root, root).is_err());
        assert!(check_output_dir(root, &root.join("content/out")).is_err());
        assert!(check_output_dir(root, root.parent().unwrap()).is_err());
        assert!(check_output_dir(root, &root.join("public")).is_ok());
        let foreign = root.join("docs");
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        assert!(check_output_dir(root, &foreign).is_err());
    }

    #[test]
    fn a_file_to_copy_that_vanished_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("x.md.swp-gone");
        let copy = |path: &str| OutputFile {
            path: path.into(),
            content: Content::Copy(gone.clone()),
        };
        write_files(dir.path(), &[copy("a/gone.png")]).unwrap();
        assert!(!dir.path().join("a/gone.png").exists());
        replace_file(dir.path(), "b/gone.png", &Content::Copy(gone.clone())).unwrap();
        assert!(!dir.path().join("b/gone.png").exists());
    }

    #[test]
    fn replaces_previous_output_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let file = |p: &str, s: &str| OutputFile {
            path: p.into(),
            content: Content::Bytes(s.as_bytes().to_vec()),
        };
        write_site(&out, &[file("a/index.html", "one"), file("old.html", "x")]).unwrap();
        write_site(&out, &[file("a/index.html", "two")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("old.html").exists());
        assert!(out.join(MARKER).exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["public"]);
    }
}
