//! Checks over the generated output: every internal link and anchor, and
//! external links on request.

pub mod links;
