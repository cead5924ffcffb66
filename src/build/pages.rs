//! The render phase: planned pages in, rendered pages out. Pure and
//! parallel: it reads the site, the views and what the last build's output
//! was made from, and writes nothing (writing is the apply phase's, in
//! `output`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rayon::prelude::*;

use super::contained;
use super::progress::Progress;
use crate::build::fingerprint::{self, Fingerprint, ValueHasher};
use crate::check::links::PageLinks;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::templates::Templates;
use crate::render::{self, PlannedPage};
use crate::views::Views;

/// What the render phase reads.
pub(crate) struct RenderInput<'a> {
    pub(crate) site: &'a Site,
    pub(crate) views: &'a Views,
    pub(crate) plan: &'a [PlannedPage],
    pub(crate) templates: &'a Templates,
    /// `None` for a one-shot build: there is no next build to compare
    /// fingerprints with, so none are computed.
    pub(crate) hasher: Option<&'a ValueHasher>,
    /// Page output path -> fingerprint of the input it was last rendered from.
    pub(crate) previous_inputs: &'a HashMap<String, Fingerprint>,
    /// Output file -> fingerprint of its bytes, as the output holds it.
    pub(crate) previous_files: &'a HashMap<String, Fingerprint>,
    /// Keep the bytes of pages that differ from the output's (false when
    /// nothing is written: `fireside check`).
    pub(crate) keep_bytes: bool,
    pub(crate) progress: &'a Progress,
}

/// A page rendered by the current build.
pub(crate) struct RenderedPage {
    pub(crate) output: String,
    pub(crate) input: Fingerprint,
    pub(crate) bytes: Fingerprint,
    /// The page's bytes, when the output does not hold them yet.
    pub(crate) html: Option<Vec<u8>>,
    pub(crate) links: Option<PageLinks>,
}

/// Renders `pages` in parallel, skipping those whose input is the one the
/// output was made from. Returns the rendered pages and every error, each
/// once (one broken template fails every page that uses it).
pub(crate) fn render(
    input: &RenderInput<'_>,
    pages: &[&PlannedPage],
) -> (Vec<RenderedPage>, Vec<Diagnostic>) {
    let errors = Mutex::new(Vec::new());
    let rendered = pages
        .par_iter()
        .filter_map(|page| {
            let source = render::source_of(input.site, page.kind)
                .unwrap_or_else(|| PathBuf::from(&page.output));
            let outcome = contained(Some(&source), || render_one(input, page)).and_then(|r| r);
            input.progress.page_done();
            match outcome {
                Ok(r) => r,
                Err(e) => {
                    let mut errors = errors.lock().expect("errors lock");
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                    None
                }
            }
        })
        .collect();
    (rendered, errors.into_inner().expect("errors lock"))
}

fn render_one(
    input: &RenderInput<'_>,
    page: &PlannedPage,
) -> Result<Option<RenderedPage>, Diagnostic> {
    let RenderInput {
        site,
        views,
        plan,
        templates,
        ..
    } = input;
    let context = render::page_input(site, views, page, plan);
    let input_print = input.hasher.map_or([0; 16], |h| {
        h.page(&page_base(site, templates, page, &context), &context)
    });
    if input.previous_inputs.get(&page.output) == Some(&input_print) {
        return Ok(None);
    }
    let page_out = render::render_page(site, templates, page, &context)?;
    let bytes = page_out.bytes;
    // Needed whenever the output is kept: to compare with it, and for the
    // record of what it holds (the next `fireside build` writes only changes).
    let bytes_print = if input.hasher.is_some() || input.keep_bytes {
        fingerprint::of_bytes(&bytes)
    } else {
        [0; 16]
    };
    let unchanged = input.previous_files.get(&page.output) == Some(&bytes_print);
    Ok(Some(RenderedPage {
        output: page.output.clone(),
        input: input_print,
        bytes: bytes_print,
        html: (input.keep_bytes && !unchanged).then_some(bytes),
        links: page_out.links,
    }))
}

/// What a page's fingerprint covers besides its context: the template set,
/// and the files its link messages name (its source and template file),
/// which the context need not show but a recorded page keeps.
fn page_base(
    site: &Site,
    templates: &Templates,
    page: &PlannedPage,
    context: &render::PageInput,
) -> Fingerprint {
    let source = render::source_of(site, page.kind);
    let template_file = context.template().and_then(|t| templates.file_of(t));
    let mut bytes = templates.fingerprint.to_vec();
    for path in [source.as_deref(), template_file] {
        let path = path
            .map(|p| p.as_os_str().as_encoded_bytes())
            .unwrap_or(b"-");
        bytes.extend_from_slice(&(path.len() as u64).to_le_bytes());
        bytes.extend_from_slice(path);
    }
    fingerprint::of_bytes(&bytes)
}
