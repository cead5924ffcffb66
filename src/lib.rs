//! Fireside turns a folder of Markdown files with YAML front matter into a
//! static website for a community of practice: session write-ups, a pattern
//! catalogue, communities, facilitators, agendas and calendars.
//!
//! The build is a pipeline of plain stages (see `ARCHITECTURE.md`):
//! [`load`] -> [`parse`] -> [`resolve`] -> [`render`] (plan and render) ->
//! [`output`], driven by [`pipeline`].

// Diagnostics are rich (file, position, quoted line, hint) and travel only on
// the error path, where their size costs nothing measurable.
#![allow(clippy::result_large_err)]

pub mod agenda;
pub mod calendar;
pub mod config;
pub mod diagnostic;
pub mod escape;
pub mod fingerprint;
pub mod formats;
pub mod front_matter;
pub mod highlight;
pub mod ics;
pub mod insights;
pub mod linkcheck;
pub mod load;
pub mod markdown;
pub mod meta;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod templates;
pub mod view;
