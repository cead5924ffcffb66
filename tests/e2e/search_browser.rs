//! Search in a real browser: `tests/browser/search.mjs` drives Debian's
//! chromium with playwright-core against the built example site, served
//! from 127.0.0.1, once at the root and once under a sub-path: the header
//! box of every page (results as you type, keyboard, sub-results landing on
//! their heading with the words highlighted, recent searches, axe) and the
//! search page. The engine's ranking is checked against Rust without a
//! browser, in search_parity.rs.
//!
//! It needs node, `npm ci` (playwright-core, axe-core) and chromium (`apt-get install
//! chromium`); `scripts/test` installs them. A missing tool fails the test
//! under `scripts/test` and in CI, and is reported as a skip otherwise (see
//! `tests/e2e/tools.rs`), like html_validation.rs.

use std::path::Path;

use crate::common::*;

fn run_browser(out: &Path, base: &str) {
    crate::tools::run_browser_script("search.mjs", out, base, &[]);
}

#[test]
fn search_works_in_a_real_browser_at_the_root_and_under_a_sub_path() {
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
