//! What an output folder holds, as the last `fireside build` into it left
//! it: each file Fireside wrote, the fingerprint of its bytes, the stamp
//! (size, modification time, inode) it had on disk afterwards and, for a
//! page, the fingerprint of the input it was rendered from and its links.
//!
//! With it, `fireside build` into its own earlier output renders only the
//! pages whose input changed, writes only the files whose bytes changed and
//! removes only files it wrote that are gone, instead of recreating every
//! file (on ext4, deleting and recreating a 20,000-file output is seconds of
//! kernel time). A page it does not render keeps its recorded links, so the
//! link checker still sees every page.
//!
//! The manifest lives in the cache folder, not in the output, so the output
//! holds exactly what a clean build makes. Like every cache it is untrusted:
//! an entry counts only if the file on disk still has the recorded stamp (a
//! file edited by hand, or another folder at the same path, does not), paths
//! must be plain relative paths, the file is decoded with a size limit, and
//! a manifest written by another build of Fireside is ignored, since it may
//! render the same input differently.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::build::fingerprint::Fingerprint;
use crate::check::links::{FoundLink, PageLinks, shared};

const MAGIC: &[u8; 8] = b"FSOUT003";

/// A file's identity on disk: any write through Fireside's own atomic
/// replace gives a new inode, and an edit in place a new time or size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
pub(crate) fn build_id() -> String {
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

/// What the output held after the last build, as far as it is still true.
#[derive(Debug, Default)]
pub(crate) struct Previous {
    /// Output file -> fingerprint of its bytes.
    pub(crate) files: HashMap<String, Fingerprint>,
    /// Page output path -> fingerprint of the input it was rendered from.
    pub(crate) pages: HashMap<String, Fingerprint>,
    /// The ids and links of the pages in `pages` that are HTML.
    pub(crate) links: Vec<PageLinks>,
}

/// What the last build made one page from, and the links it found in it.
pub(crate) struct PageRecord<'a> {
    pub(crate) input: Fingerprint,
    pub(crate) links: Option<&'a PageLinks>,
}

/// The manifest as stored. Strings that many pages share (a site's links
/// are mostly the same navigation) are stored once, in `strings`, and named
/// by their index.
#[derive(Serialize, Deserialize, Default)]
struct Record {
    build_id: String,
    strings: Vec<String>,
    files: Vec<FileRecord>,
}

#[derive(Serialize, Deserialize)]
struct FileRecord {
    path: String,
    print: Fingerprint,
    stamp: Stamp,
    page: Option<StoredPage>,
}

#[derive(Serialize, Deserialize)]
struct StoredPage {
    input: Fingerprint,
    links: Option<StoredLinks>,
}

#[derive(Serialize, Deserialize)]
struct StoredLinks {
    template: u32,
    template_file: Option<u32>,
    source: Option<u32>,
    ids: Vec<u32>,
    /// (line, href, in the body).
    links: Vec<(u32, u32, bool)>,
}

/// Shares each distinct string of a manifest being written.
#[derive(Default)]
struct Strings<'a> {
    index: HashMap<&'a str, u32>,
    list: Vec<String>,
}

impl<'a> Strings<'a> {
    fn of(&mut self, s: &'a str) -> u32 {
        *self.index.entry(s).or_insert_with(|| {
            self.list.push(s.to_string());
            (self.list.len() - 1) as u32
        })
    }
}

fn store_links<'a>(links: &'a PageLinks, strings: &mut Strings<'a>) -> StoredLinks {
    let mut path =
        |p: &'a Option<PathBuf>| p.as_deref().and_then(Path::to_str).map(|p| strings.of(p));
    let (template_file, source) = (path(&links.template_file), path(&links.source));
    StoredLinks {
        template: strings.of(links.template),
        template_file,
        source,
        ids: links.ids.iter().map(|id| strings.of(id)).collect(),
        links: links
            .links
            .iter()
            .map(|l| (l.line as u32, strings.of(&l.href), l.in_body))
            .collect(),
    }
}

fn load_links(page: &str, stored: &StoredLinks, strings: &[Arc<str>]) -> Option<PageLinks> {
    let s = |i: u32| strings.get(i as usize).map(|s| &**s);
    let shared = |i: u32| strings.get(i as usize).cloned();
    let path = |i: Option<u32>| -> Option<Option<PathBuf>> {
        match i {
            None => Some(None),
            Some(i) => Some(Some(PathBuf::from(s(i)?))),
        }
    };
    Some(PageLinks {
        page: page.to_string(),
        template: template_name(s(stored.template)?)?,
        template_file: path(stored.template_file)?,
        source: path(stored.source)?,
        ids: stored
            .ids
            .iter()
            .map(|&i| shared(i))
            .collect::<Option<_>>()?,
        links: stored
            .links
            .iter()
            .map(|&(line, href, in_body)| {
                Some(FoundLink {
                    line: line as usize,
                    href: shared(href)?,
                    in_body,
                })
            })
            .collect::<Option<_>>()?,
    })
}

/// A template's name for [`PageLinks::template`], which holds the names the
/// views give (program text, so `'static`). A name read back from a
/// manifest is kept for the rest of the process; only short names, and only
/// so many, since the manifest is untrusted.
fn template_name(name: &str) -> Option<&'static str> {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES.lock().ok()?;
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(known) = names.get(name) {
        return Some(known);
    }
    if name.len() > 200 || names.len() >= 1000 {
        return None;
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(kept);
    Some(kept)
}

/// The files of `out` that are still as the last build left them, with the
/// fingerprints of their bytes and, for pages, of their inputs and their
/// links; `None` when `out` cannot be updated in place (no marker, no usable
/// manifest, or a link or special file anywhere in it: writing through a
/// link could reach outside the output). Files on disk that the manifest
/// does not name, or whose stamp changed, are not returned, so the build
/// neither trusts nor removes them (and renders their pages again).
pub(crate) fn read_previous(out: &Path, manifest: &Path) -> Option<Previous> {
    let marker = std::fs::symlink_metadata(out.join(super::MARKER)).ok()?;
    if !marker.is_file() {
        return None;
    }
    let record = read_manifest(manifest)?;
    let recorded: HashMap<&str, &FileRecord> =
        record.files.iter().map(|f| (f.path.as_str(), f)).collect();
    // The walk only lists names (the folder entries say which are files);
    // the stat of each file and the decoding of its links, most of the
    // time, run in parallel.
    let mut listed: Vec<(String, &FileRecord)> = Vec::with_capacity(recorded.len());
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
        if let Some(file) = recorded.get(rel.as_str()) {
            listed.push((rel, file));
        }
    }
    // The table's strings are the links' and ids' shared copies: each is
    // looked up once, not once per link that names it (some 800,000 links
    // at 10,000 pages, one lock and one hash each).
    let strings: Vec<Arc<str>> = record.strings.iter().map(|s| shared(s)).collect();
    let kept: Vec<Option<Kept>> = listed
        .into_par_iter()
        .map(|(rel, file)| keep(out, rel, file, &strings))
        .collect::<Option<_>>()?;
    let mut previous = Previous {
        files: HashMap::with_capacity(kept.len()),
        pages: HashMap::with_capacity(kept.len()),
        links: Vec::with_capacity(kept.len()),
    };
    for Kept {
        rel,
        print,
        page,
        links,
    } in kept.into_iter().flatten()
    {
        if let Some(input) = page {
            previous.pages.insert(rel.clone(), input);
        }
        previous.links.extend(links);
        previous.files.insert(rel, print);
    }
    Some(previous)
}

/// One file of the output that is as the manifest recorded it.
struct Kept {
    rel: String,
    print: Fingerprint,
    /// For a page, the fingerprint of its input.
    page: Option<Fingerprint>,
    links: Option<PageLinks>,
}

/// What the output's file `rel` (recorded as `file`) still is: `Some(None)`
/// when it changed since it was recorded (it counts as unknown), `None` when
/// the record cannot be trusted at all (its stat failed, its links do not
/// decode).
fn keep(out: &Path, rel: String, file: &FileRecord, strings: &[Arc<str>]) -> Option<Option<Kept>> {
    let meta = std::fs::symlink_metadata(out.join(&rel)).ok()?;
    if Stamp::of(&meta) != file.stamp {
        return Some(None);
    }
    let (page, links) = match &file.page {
        None => (None, None),
        Some(page) => match &page.links {
            Some(stored) => (Some(page.input), Some(load_links(&rel, stored, strings)?)),
            // A recorded page of HTML without links is not to be trusted.
            None if rel.ends_with(".html") => return Some(None),
            None => (Some(page.input), None),
        },
    };
    Some(Some(Kept {
        rel,
        print: file.print,
        page,
        links,
    }))
}

fn read_manifest(path: &Path) -> Option<Record> {
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(MAGIC)?;
    // postcard reads from the slice and never preallocates more than the
    // bytes it was given, so a damaged or hostile record fails, bounded.
    let (record, left): (Record, &[u8]) = postcard::take_from_bytes(rest).ok()?;
    if !left.is_empty() || record.build_id != build_id() {
        return None;
    }
    if !record.files.iter().all(|f| plain_relative(&f.path)) {
        return None;
    }
    Some(record)
}

/// Records what `out` holds after a successful build: each of `files` (path
/// -> fingerprint of its bytes) with its stamp as it is now and, for the
/// pages among them, what `pages` says they were made from. Written
/// atomically; a file that is not there (a copied source that vanished) is
/// left out.
pub(crate) fn write_manifest<'a>(
    out: &Path,
    manifest: &Path,
    files: &HashMap<String, Fingerprint>,
    pages: &HashMap<String, PageRecord<'a>>,
) -> std::io::Result<()> {
    let mut paths: Vec<&String> = files.keys().filter(|p| plain_relative(p)).collect();
    paths.sort();
    let mut strings = Strings::default();
    let mut record = Record {
        build_id: build_id(),
        ..Record::default()
    };
    for rel in paths {
        let Ok(meta) = std::fs::symlink_metadata(out.join(rel)) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let page = pages.get(rel.as_str()).map(|p| StoredPage {
            input: p.input,
            links: p.links.map(|l| store_links(l, &mut strings)),
        });
        record.files.push(FileRecord {
            path: rel.clone(),
            print: files[rel],
            stamp: Stamp::of(&meta),
            page,
        });
    }
    record.strings = strings.list;
    let dir = manifest.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        // Serialised straight into the file: the manifest grows with the
        // site (14 MB at 10,000 pages), and a copy in memory would add to
        // the build's peak at its very end.
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        w.write_all(MAGIC)?;
        postcard::to_io(&record, &mut w).map_err(std::io::Error::other)?;
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
        write_manifest(&out, &manifest, &files, &HashMap::new()).unwrap();
        assert_eq!(
            read_previous(&out, &manifest).map(|p| p.files),
            Some(files.clone())
        );

        // Rewritten by someone else (a new inode, maybe a new size).
        std::fs::remove_file(out.join("b.css")).unwrap();
        std::fs::write(out.join("b.css"), "edited").unwrap();
        let known = read_previous(&out, &manifest).unwrap().files;
        assert_eq!(known.keys().collect::<Vec<_>>(), ["a/index.html"]);

        // A corrupt manifest is no manifest.
        std::fs::write(&manifest, b"FSOUT003garbage").unwrap();
        assert!(read_previous(&out, &manifest).is_none());
    }

    #[test]
    fn pages_keep_their_input_and_links_and_lose_them_with_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join(super::super::MARKER), "m").unwrap();
        for f in ["a/index.html", "b/index.html", "feed.ics"] {
            std::fs::create_dir_all(out.join(f).parent().unwrap()).unwrap();
            std::fs::write(out.join(f), f).unwrap();
        }
        let links = |page: &str| PageLinks {
            page: page.to_string(),
            template: "page.html",
            template_file: None,
            source: Some(PathBuf::from("content/a.md")),
            ids: vec!["top".into()],
            links: vec![FoundLink {
                line: 3,
                href: "/b/#top".into(),
                in_body: true,
            }],
        };
        let (a, b) = (links("a/index.html"), links("b/index.html"));
        let files: HashMap<String, Fingerprint> = [
            ("a/index.html".to_string(), [1; 16]),
            ("b/index.html".to_string(), [2; 16]),
            ("feed.ics".to_string(), [3; 16]),
        ]
        .into();
        let pages: HashMap<String, PageRecord<'_>> = [
            ("a/index.html", [4; 16], Some(&a)),
            ("b/index.html", [5; 16], Some(&b)),
            ("feed.ics", [6; 16], None),
        ]
        .into_iter()
        .map(|(p, input, links)| (p.to_string(), PageRecord { input, links }))
        .collect();
        let manifest = dir.path().join("m.bin");
        write_manifest(&out, &manifest, &files, &pages).unwrap();
        let previous = read_previous(&out, &manifest).unwrap();
        assert_eq!(previous.files, files);
        assert_eq!(previous.pages.len(), 3);
        assert_eq!(previous.pages["b/index.html"], [5; 16]);
        let mut read: Vec<&PageLinks> = previous.links.iter().collect();
        read.sort_by(|x, y| x.page.cmp(&y.page));
        assert_eq!(read.len(), 2);
        assert_eq!(
            (read[1].page.as_str(), read[1].template),
            ("b/index.html", "page.html")
        );
        assert_eq!((&read[1].ids, &read[1].links), (&b.ids, &b.links));
        assert_eq!(read[1].source, b.source);

        // A page edited by hand loses its input and links with its file.
        std::fs::remove_file(out.join("a/index.html")).unwrap();
        std::fs::write(out.join("a/index.html"), "edited").unwrap();
        let previous = read_previous(&out, &manifest).unwrap();
        assert!(!previous.pages.contains_key("a/index.html"));
        assert!(previous.links.iter().all(|l| l.page != "a/index.html"));
    }

    #[cfg(unix)]
    #[test]
    fn an_output_with_a_link_inside_is_not_updated_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join(super::super::MARKER), "m").unwrap();
        let manifest = dir.path().join("m.bin");
        write_manifest(&out, &manifest, &HashMap::new(), &HashMap::new()).unwrap();
        assert!(read_previous(&out, &manifest).is_some());
        std::os::unix::fs::symlink(dir.path(), out.join("sessions")).unwrap();
        assert!(read_previous(&out, &manifest).is_none());
    }
}
