//! The default theme in a real browser: `tests/browser/pages.mjs` drives
//! Debian's chromium with playwright-core against the built example site,
//! served from 127.0.0.1, at the root and under a sub-path. One page of
//! every type (home to 404) passes axe with no finding of any impact, in
//! light and dark mode and on a phone, with unique landmark names and no
//! console error; the month grid lines up its month links, marks today and
//! offers a subscribe link; the phone header stays one line with a menu
//! that opens by keyboard; the reader's local time uses the site's clock.
//!
//! It needs node, `npm ci` (playwright-core, axe-core) and chromium; a
//! missing tool fails under `scripts/test` and in CI and is a reported skip
//! otherwise (`tests/e2e/tools.rs`), like search_browser.rs.

use std::path::Path;

use crate::common::*;

fn run_browser(out: &Path, base: &str) {
    // The fixture clock's day: the month grid marks it as today.
    let today = &NOW[..10];
    crate::tools::run_browser_script("pages.mjs", out, base, &["--today", today]);
}

#[test]
fn every_page_type_passes_axe_and_the_theme_works_on_a_phone() {
    if !crate::tools::available(
        "node, playwright-core and chromium",
        crate::tools::missing_browser(),
    ) {
        return;
    }
    let site = Fixture::copy_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"));
    for (base_url, base) in [("/", "/"), ("https://example.org/cop/", "/cop/")] {
        assert_success(&site.build(&["--base-url", base_url]));
        run_browser(&site.out(), base);
    }
}
