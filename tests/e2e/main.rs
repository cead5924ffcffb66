//! End-to-end tests, compiled as one binary: real fixture sites built into
//! temp dirs and their output parsed.
//!
//! Most tests build through the library in this process (`harness.rs`:
//! diagnostics come back as data). The ones about what only the binary
//! does (exit codes, the stderr format, `GITHUB_ACTIONS` annotations,
//! `init`/`new`, `serve` over TCP, installs) spawn it (`binary.rs`,
//! `common.rs`), and so do the checks that hand a build to an outside tool
//! (the Nu HTML Checker, a browser), which `tools.rs` skips or requires.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the
// library's, not theirs.
#![allow(clippy::disallowed_methods)]

mod binary;
mod common;
mod harness;
mod ics;
mod tools;

mod action_preview;
mod base_url;
mod build;
mod build_in_place;
mod calendar;
mod ci_log;
mod cli_tools;
mod commonmark;
mod diagrams;
mod docs_site;
mod errors;
mod highlight_languages;
mod home;
mod hostile_content;
mod hostile_fs;
mod hostile_limits;
mod html_validation;
mod ics_clients;
mod incremental;
mod insights_charts;
mod kb_authoring;
mod kb_feeds;
mod kb_git;
mod kb_radar;
mod kb_redirects;
mod kb_related;
mod kb_upkeep;
mod link_scan;
mod list_pages;
mod message_format;
mod migrate;
mod one_round;
mod pagination;
mod people;
mod preview_memos;
mod preview_rebuild;
mod properties;
mod recurrence;
mod resolve_keys;
mod resolve_lines;
mod resolve_registry;
mod resolve_sessions;
mod schemas;
mod search;
mod search_browser;
mod search_cache;
mod search_incremental;
mod search_parity;
mod series;
mod serve;
mod serve_hostile;
mod social;
mod template_contract;
mod theme;
mod theme_browser;
mod theme_folder;
mod url_encoding;
mod warm_build;
mod wikilinks;
