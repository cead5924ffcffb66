//! The render stage: one page's input (a template and its typed context, or
//! finished text) to its bytes, with tera; pages render in parallel.
//!
//! What to render is decided by [`crate::plan`], and what a page shows by
//! [`crate::views`]; this module only runs templates.

pub mod ics;
pub mod social;
pub mod templates;

use std::path::Path;

use tera::{Context, Value};

use crate::check::links::PageLinks;
use crate::diagnostic::Diagnostic;
use crate::model::Site;
use crate::render::templates::Templates;
use crate::views::Views;

pub use crate::plan::{PageKind, PlannedPage, plan, source_of};

/// What one page is rendered from.
///
/// Rendering is a pure function of this input and the templates, so an
/// incremental build compares fingerprints of inputs (see `fingerprint.rs`)
/// and renders only pages whose input changed.
#[derive(Debug)]
pub enum PageInput<'a> {
    /// A template and its context: the page's values (`site`, `page_title`,
    /// ... in the order the views wrote them).
    Template {
        template: &'static str,
        context: TypedContext<'a>,
    },
    /// Finished text, written by code rather than a template (iCalendar).
    Text(String),
    /// A social preview image, drawn by [`social::png`].
    Image(social::Card),
}

/// A page's context as its view made it: typed values borrowing the site
/// and the views. A fingerprint hashes it as it is
/// (`build/fingerprint.rs`); only a page that is rendered makes template
/// values of it, so an incremental build does not make them for the pages
/// it skips.
pub struct TypedContext<'a>(Box<dyn erased_serde::Serialize + 'a>);

impl<'a> TypedContext<'a> {
    pub fn new(values: impl serde::Serialize + 'a) -> TypedContext<'a> {
        TypedContext(Box::new(values))
    }

    /// The context as template values: a map, each shared view in it
    /// passed through by pointer.
    pub fn value(&self) -> Value {
        crate::build::fingerprint::outside_fingerprint(|| Value::from_serializable(&self.0))
    }
}

impl serde::Serialize for TypedContext<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        erased_serde::serialize(&*self.0, serializer)
    }
}

impl std::fmt::Debug for TypedContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TypedContext(..)")
    }
}

impl PageInput<'_> {
    /// The template the page is rendered with, if any.
    pub fn template(&self) -> Option<&'static str> {
        match self {
            PageInput::Template { template, .. } => Some(template),
            PageInput::Text(_) | PageInput::Image(_) => None,
        }
    }
}

/// A rendered page: its bytes, and for HTML its ids and links (for the link checker).
pub struct RenderedPage {
    pub bytes: Vec<u8>,
    pub links: Option<PageLinks>,
}

/// Renders one page from its input.
pub fn render_page(
    site: &Site,
    templates: &Templates,
    page: &PlannedPage,
    input: &PageInput,
) -> Result<RenderedPage, Diagnostic> {
    let html = match input {
        PageInput::Text(text) => text.clone(),
        PageInput::Template { template, context } => {
            templates.render(template, &tera_context(&context.value()))?
        }
        PageInput::Image(card) => {
            let bytes = social::png(card)
                .map_err(|message| Diagnostic::error(message).in_file(Path::new(&page.output)))?;
            return Ok(RenderedPage { bytes, links: None });
        }
    };
    let links = page.output.ends_with(".html").then(|| {
        let body = crate::check::links::body_of(site, page.kind).map(|b| b.get());
        let template = input.template().unwrap_or_default();
        let origin = crate::check::links::Origin {
            template,
            template_file: templates.file_of(template).map(Path::to_path_buf),
            source: source_of(site, page.kind),
            body: body.as_deref(),
        };
        crate::check::links::scan(&page.output, origin, &html)
    });
    Ok(RenderedPage {
        bytes: html.into_bytes(),
        links,
    })
}

/// The tera context of a page's values: each top-level value shared, not copied.
pub(crate) fn tera_context(context: &Value) -> Context {
    let mut cx = Context::new();
    if let Some(map) = context.as_map() {
        for (k, v) in map {
            if let Some(k) = k.as_str() {
                cx.insert_value(k.to_string(), v.clone());
            }
        }
    }
    cx
}

/// The template and values of one page (see [`crate::views`]).
pub fn page_input<'a>(
    site: &'a Site,
    views: &'a Views,
    page: &'a PlannedPage,
    all_pages: &'a [PlannedPage],
) -> PageInput<'a> {
    crate::views::page_input(site, views, page, all_pages)
}
