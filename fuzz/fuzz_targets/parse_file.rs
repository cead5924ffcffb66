//! Fuzzes the per-file stage: decoding, front matter (YAML), the typed
//! metadata and the Markdown render of one content file, as `parse` runs it
//! for every file of a site. Any panic is a bug: hostile files must get
//! diagnostics.
//!
//! The first byte of the input picks the kind of file (by its folder and
//! extension) and the Markdown options; the rest is the file's bytes.
//! See "Fuzzing" in README.md for how to run it.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use fireside::parse::highlight::Highlighter;
use fireside::load::SourceFile;
use fireside::parse::markdown::MarkdownOptions;
use fireside::parse::{ParseContext, parse_source};
use libfuzzer_sys::fuzz_target;

/// Where the file sits decides how it is parsed.
const PATHS: [&str; 8] = [
    "sessions/dev/a.md",
    "patterns/a.md",
    "communities/a.md",
    "people/a.md",
    "about.md",
    "agendas/dev/a.md",
    "agendas/dev/a.yaml",
    "agendas/dev/a.csv",
];

fn highlighter() -> &'static Highlighter {
    static H: OnceLock<Highlighter> = OnceLock::new();
    H.get_or_init(Highlighter::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let content_path = PathBuf::from(PATHS[usize::from(choice) % PATHS.len()]);
    let file = SourceFile {
        path: PathBuf::from("content").join(&content_path),
        content_path,
        bytes: bytes.to_vec(),
    };
    let cx = ParseContext {
        markdown: MarkdownOptions {
            raw_html: choice & 0x10 != 0,
            smart_punctuation: choice & 0x20 != 0,
        },
        highlighter: highlighter(),
        include_drafts: choice & 0x40 != 0,
        date_order: None,
    };
    let _ = parse_source(&file, &cx);
});
