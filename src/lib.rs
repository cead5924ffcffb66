//! Fireside turns a folder of Markdown files with YAML front matter into a
//! static website for a community of practice: session write-ups, a pattern
//! catalogue, communities, facilitators, agendas and calendars.
//!
//! The build is a pipeline of plain stages (see `ARCHITECTURE.md`):
//! [`load`] -> [`parse`] -> [`resolve`] -> [`render`] (plan and render) ->
//! [`output`], driven by [`build`].

// Diagnostics are rich (file, position, quoted line, hint) and travel only on
// the error path, where their size costs nothing measurable.
#![allow(clippy::result_large_err)]

pub mod build;
// Stages the library's users (main.rs, serve, the tests) do not call are
// private to the crate: their items are free to change with the pipeline.
pub(crate) mod check;
pub mod config;
pub mod diagnostic;
pub mod escape;
pub(crate) mod load;
pub mod model;
pub(crate) mod output;
// Still to move behind the loader and the writer: the highlight cache
// (`parse::highlight`) reads and writes its file here.
#[allow(clippy::disallowed_methods)]
pub mod parse;
pub(crate) mod plan;
pub mod render;
pub mod resolve;
// `fireside import` rewrites the front matter of a site's files in place:
// an edge of its own, like `init`.
#[allow(clippy::disallowed_methods)]
pub mod import;
// `fireside init` writes a new site: an edge of its own, like the writer.
#[allow(clippy::disallowed_methods)]
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod views;
