//! What an output folder holds, as the last `fireside build` into it left
//! it: each file Fireside wrote, the fingerprint of its bytes, and the
//! stamp (size, modification time, inode) it had on disk afterwards.
//!
//! With it, `fireside build` into its own earlier output writes only the
//! files whose bytes changed and removes only files it wrote that are gone,
//! instead of recreating every file (on ext4, deleting and recreating a
//! 20,000-file output is seconds of kernel time).
//!
//! The manifest lives in the cache folder, not in the output, so the output
//! holds exactly what a clean build makes. Like every cache it is untrusted:
//! an entry counts only if the file on disk still has the recorded stamp (a
//! file edited by hand, or another folder at the same path, does not), paths
//! must be plain relative paths, and a manifest written by another build of
//! Fireside is ignored, since it may render the same input differently.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::build::fingerprint::Fingerprint;

const MAGIC: &[u8; 8] = b"FSOUT001";

/// A file's identity on disk: any write through Fireside's own atomic
/// replace gives a new inode, and an edit in place a new time or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified_ns: i128,
    inode: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(meta);
        #[cfg(not(unix))]
        let inode = 0;
        Stamp {
            size: meta.len(),
            modified_ns,
            inode,
        }
    }
}

/// The manifest file of the output folder `out` in the cache folder `cache`:
/// one per output path, so two outputs of one site do not evict each other.
pub(crate) fn manifest_path(cache: &Path, out: &Path) -> PathBuf {
    let out = super::absolute(out);
    let id = blake3::hash(out.as_os_str().as_encoded_bytes()).to_hex();
    cache.join(format!("output-{}.bin", &id.as_str()[..16]))
}

/// Which build of Fireside wrote a manifest: its version, and the size and
/// time of the running program, so a rebuilt binary (same version, other
/// code) starts from scratch rather than trusting another's output.
fn build_id() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| Stamp::of(&m))
        .map(|s| format!("{}-{}", s.size, s.modified_ns))
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// A path as a manifest may name it: relative, `/`-separated, plain names
/// only (no `..`, no root, no empty part), and not the output's marker.
fn plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && rel != super::MARKER
        && rel.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && Path::new(part)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)))
        })
}

/// The files of `out` that are still as the last build left them, with the
/// fingerprints of their bytes; `None` when `out` cannot be updated in place
/// (no marker, no usable manifest, or a link or special file anywhere in it:
/// writing through a link could reach outside the output). Files on disk
/// that the manifest does not name, or whose stamp changed, are not
/// returned, so the build neither trusts nor removes them.
pub(crate) fn read_previous(out: &Path, manifest: &Path) -> Option<HashMap<String, Fingerprint>> {
    let marker = std::fs::symlink_metadata(out.join(super::MARKER)).ok()?;
    if !marker.is_file() {
        return None;
    }
    let recorded = read_manifest(manifest)?;
    let mut known = HashMap::with_capacity(recorded.len());
    for entry in walkdir::WalkDir::new(out).follow_links(false).min_depth(1) {
        let entry = entry.ok()?;
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return None;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .ok()?
            .to_str()?
            .replace('\\', "/");
        if let Some((print, stamp)) = recorded.get(&rel) {
            let meta = entry.metadata().ok()?;
            if Stamp::of(&meta) == *stamp {
                known.insert(rel, *print);
            }
        }
    }
    Some(known)
}

fn read_manifest(path: &Path) -> Option<HashMap<String, (Fingerprint, Stamp)>> {
    let bytes = std::fs::read(path).ok()?;
    let mut rest = bytes.strip_prefix(MAGIC)?;
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
        *rest = tail;
        Some(head)
    }
    fn take_u64(rest: &mut &[u8]) -> Option<u64> {
        Some(u64::from_le_bytes(take(rest, 8)?.try_into().ok()?))
    }
    fn take_str<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
        let len = usize::try_from(take_u64(rest)?).ok()?;
        std::str::from_utf8(take(rest, len)?).ok()
    }
    if take_str(&mut rest)? != build_id() {
        return None;
    }
    let mut files = HashMap::new();
    while !rest.is_empty() {
        let rel = take_str(&mut rest)?;
        let print: Fingerprint = take(&mut rest, 16)?.try_into().ok()?;
        let size = take_u64(&mut rest)?;
        let modified_ns = i128::from_le_bytes(take(&mut rest, 16)?.try_into().ok()?);
        let inode = take_u64(&mut rest)?;
        if !plain_relative(rel) {
            return None;
        }
        let stamp = Stamp {
            size,
            modified_ns,
            inode,
        };
        files.insert(rel.to_string(), (print, stamp));
    }
    Some(files)
}

/// Records what `out` holds after a successful build: each of `files` (path
/// -> fingerprint of its bytes) with its stamp as it is now. Written
/// atomically; a file that is not there (a copied source that vanished) is
/// left out.
pub(crate) fn write_manifest(
    out: &Path,
    manifest: &Path,
    files: &HashMap<String, Fingerprint>,
) -> std::io::Result<()> {
    let mut paths: Vec<&String> = files.keys().filter(|p| plain_relative(p)).collect();
    paths.sort();
    let dir = manifest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        w.write_all(MAGIC)?;
        let id = build_id();
        w.write_all(&(id.len() as u64).to_le_bytes())?;
        w.write_all(id.as_bytes())?;
        for rel in paths {
            let Ok(meta) = std::fs::symlink_metadata(out.join(rel)) else {
                continue;
            };
            if !meta.is_file() {
                continue;
            }
            let stamp = Stamp::of(&meta);
            w.write_all(&(rel.len() as u64).to_le_bytes())?;
            w.write_all(rel.as_bytes())?;
            w.write_all(&files[rel])?;
            w.write_all(&stamp.size.to_le_bytes())?;
            w.write_all(&stamp.modified_ns.to_le_bytes())?;
            w.write_all(&stamp.inode.to_le_bytes())?;
        }
        w.flush()?;
    }
    tmp.persist(manifest).map_err(|e| e.error)?;
    Ok(())
}

/// Forgets the manifest (after a failed update, whose output it no longer
/// describes). Failing is harmless: stamps would not match anyway.
pub(crate) fn remove_manifest(manifest: &Path) {
    let _ = std::fs::remove_file(manifest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_accepted() {
        for ok in ["index.html", "sessions/a/index.html", ".well-known/x"] {
            assert!(plain_relative(ok), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a//b",
            "./a",
            "a\\..\\b",
            super::super::MARKER,
        ] {
            assert!(!plain_relative(bad), "{bad}");
        }
    }

    #[test]
    fn a_manifest_round_trips_and_an_edited_file_is_no_longer_known() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join(super::super::MARKER), "m").unwrap();
        std::fs::write(out.join("a/index.html"), "one").unwrap();
        std::fs::write(out.join("b.css"), "two").unwrap();
        std::fs::write(out.join("mine.txt"), "not Fireside's").unwrap();
        let files: HashMap<String, Fingerprint> = [
            ("a/index.html".to_string(), [1; 16]),
            ("b.css".to_string(), [2; 16]),
        ]
        .into();
        let manifest = manifest_path(&dir.path().join("cache"), &out);
        write_manifest(&out, &manifest, &files).unwrap();
        assert_eq!(read_previous(&out, &manifest), Some(files.clone()));

        // Rewritten by someone else (a new inode, maybe a new size).
        std::fs::remove_file(out.join("b.css")).unwrap();
        std::fs::write(out.join("b.css"), "edited").unwrap();
        let known = read_previous(&out, &manifest).unwrap();
        assert_eq!(known.keys().collect::<Vec<_>>(), ["a/index.html"]);

        // A corrupt manifest is no manifest.
        std::fs::write(&manifest, b"FSOUT001garbage").unwrap();
        assert_eq!(read_previous(&out, &manifest), None);
    }

    #[cfg(unix)]
    #[test]
    fn an_output_with_a_link_inside_is_not_updated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(super::super::MARKER), "m").unwrap();
        let manifest = dir.path().join("m.bin");
        write_manifest(&out, &manifest, &HashMap::new()).unwrap();
        assert!(read_previous(&out, &manifest).is_some());
        std::os::unix::fs::symlink(dir.path(), out.join("sessions")).unwrap();
        assert_eq!(read_previous(&out, &manifest), None);
    }
}
