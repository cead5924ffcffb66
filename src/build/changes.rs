//! The changes phase: what this build's pages and files mean for the
//! output folder. Pure: it compares fingerprints with what the last good
//! build left ([`OutputState`]) and says what to write, what to remove and
//! which pages' links to check again; the apply phase (`output::apply`)
//! carries it out.

use std::collections::{HashMap, HashSet};

use super::OutputState;
use super::pages::RenderedPage;
use crate::build::fingerprint::Fingerprint;
use crate::check::links::{self as linkcheck, IndexedPage};
use crate::output::OutputFile;
use crate::render::PlannedPage;

/// A file besides the rendered pages (stylesheets, theme and static files),
/// with the fingerprint that says whether the output's copy is current.
pub(crate) struct SupportingFile {
    pub(crate) file: OutputFile,
    pub(crate) print: Fingerprint,
    /// Its size in bytes (for a copied file, as listed), for the search budget.
    pub(crate) size: usize,
    /// Already written by a streaming apply (the search index's files, as
    /// soon as they are made): counted as written, not written again.
    pub(crate) streamed: bool,
}

/// What the build changes in the output folder.
pub(crate) struct Changes {
    /// Files to write: new or changed bytes (or copied sources).
    pub(crate) write: Vec<OutputFile>,
    /// Files the output holds that this build no longer makes.
    pub(crate) remove: Vec<String>,
    /// Every output file whose bytes differ from the output's, sorted: pages
    /// already written by a streaming apply are among them.
    pub(crate) written: Vec<String>,
    /// The pages whose links changed, for the link index.
    pub(crate) links: linkcheck::Changes,
    /// Check every page's links, not only the changed ones: a first build,
    /// or a removed file other pages may link to.
    pub(crate) check_all_links: bool,
    /// What the output will hold once the changes are applied.
    pub(crate) next: OutputState,
}

/// Compares this build with `previous`. Rendered pages that still carry
/// their bytes are written; pages rendered before and unchanged are not.
pub(crate) fn compute(
    previous: &OutputState,
    plan: &[PlannedPage],
    rendered: Vec<RenderedPage>,
    supporting: Vec<SupportingFile>,
) -> Changes {
    let planned: HashSet<&str> = plan.iter().map(|p| p.output.as_str()).collect();
    let mut known: HashSet<String> = supporting.iter().map(|f| f.file.path.clone()).collect();
    known.extend(planned.iter().map(|p| p.to_string()));
    let mut links = linkcheck::Changes {
        pages: HashMap::new(),
        removed: previous
            .pages
            .keys()
            .filter(|p| !planned.contains(p.as_str()))
            .cloned()
            .collect(),
    };
    let files_removed = previous.files.keys().any(|f| !known.contains(f));

    // Pages the plan no longer has keep no entry; supporting files are
    // all listed again below.
    let mut files: HashMap<String, Fingerprint> = previous
        .files
        .iter()
        .filter(|(path, _)| planned.contains(path.as_str()))
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    let mut write = Vec::new();
    let mut written = Vec::new();
    for f in supporting {
        if previous.files.get(&f.file.path) != Some(&f.print) {
            written.push(f.file.path.clone());
            files.insert(f.file.path.clone(), f.print);
            if !f.streamed {
                write.push(f.file);
            }
        } else {
            files.insert(f.file.path, f.print);
        }
    }
    let mut pages = previous.pages.clone();
    for r in rendered {
        pages.insert(r.output.clone(), r.input);
        if previous.files.get(&r.output) != Some(&r.bytes) {
            written.push(r.output.clone());
        }
        files.insert(r.output.clone(), r.bytes);
        if let Some(page_links) = r.links {
            links
                .pages
                .insert(r.output.clone(), IndexedPage::new(page_links));
        }
        if let Some(html) = r.html {
            write.push(OutputFile {
                path: r.output,
                content: crate::output::Content::Bytes(html),
            });
        }
    }
    pages.retain(|p, _| planned.contains(p.as_str()));
    let mut remove: Vec<String> = previous
        .files
        .keys()
        .filter(|f| !files.contains_key(*f))
        .cloned()
        .collect();
    remove.sort();
    written.sort();
    written.dedup();
    let check_all_links =
        previous.pages.is_empty() || files_removed || previous.links.breaks_others(&links);
    Changes {
        write,
        remove,
        written,
        links,
        check_all_links,
        next: OutputState {
            pages,
            files,
            links: Default::default(),
        },
    }
}
