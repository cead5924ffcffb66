//! Mermaid diagrams are drawn in the browser by the Mermaid build the theme
//! vendors: a page whose body has a ` ```mermaid ` block links that build
//! and the theme's starter script (both published under `/assets/`, never
//! a CDN); a page without one loads neither. Whether the drawing happens is
//! the browser test's (`tests/browser/pages.mjs`).

use crate::harness::*;

const FLOW: &str =
    "---\ntitle: Flow\n---\nHow work moves.\n\n```mermaid\ngraph LR\n  A[Idea] --> B[Done]\n```\n";

/// The `src` of every `<script>` of a page.
fn scripts(doc: &scraper::Html) -> Vec<String> {
    select(doc, "script[src]")
        .iter()
        .filter_map(|s| s.value().attr("src").map(str::to_string))
        .collect()
}

const MERMAID: &str = "/assets/vendor/mermaid/mermaid.min.js";
const STARTER: &str = "/assets/diagrams.js";

#[test]
fn a_page_with_a_diagram_links_the_vendored_mermaid_and_a_page_without_does_not() {
    let site = SiteTest::new()
        .file("content/patterns/flow.md", FLOW)
        .file(
            "content/sessions/dev/mob.md",
            "---\ntitle: Mob\ndate: 2026-03-18\n---\nRotation:\n\n```mermaid\nsequenceDiagram\n  Driver->>Timer: start\n```\n",
        )
        .file("content/guide.md", "---\ntitle: Guide\n---\nNo drawing here.\n");
    site.build().ok();
    for page in [
        "patterns/flow/index.html",
        "sessions/2026-03-18-mob/index.html",
    ] {
        let found = scripts(&site.html(page));
        assert!(
            found.iter().any(|s| s == MERMAID) && found.iter().any(|s| s == STARTER),
            "{page} does not load the diagram scripts: {found:?}"
        );
        // Mermaid before the script that starts it: both deferred, so they
        // run in this order.
        let at = |want: &str| found.iter().position(|s| s == want);
        assert!(at(MERMAID) < at(STARTER), "{page}: {found:?}");
    }
    for page in [
        "patterns/tdd/index.html",
        "guide/index.html",
        "index.html",
        "patterns/index.html",
    ] {
        let found = scripts(&site.html(page));
        assert!(
            !found.iter().any(|s| s.contains("mermaid") || s == STARTER),
            "{page} has no diagram but loads the scripts: {found:?}"
        );
    }
    // Published as theme assets, the licence beside the build.
    let bundle = std::fs::read(site.out().join("assets/vendor/mermaid/mermaid.min.js"))
        .expect("the vendored Mermaid build is published");
    assert!(bundle.len() > 100_000, "{} bytes", bundle.len());
    let licence = site.read_out("assets/vendor/mermaid/LICENSE");
    assert!(licence.contains("MIT License"), "{licence}");
    let starter = site.read_out("assets/diagrams.js");
    assert!(starter.contains("securityLevel: \"strict\""), "{starter}");
    // The source stays the text a reader without scripts sees.
    let doc = site.html("patterns/flow/index.html");
    assert!(text_of(&doc, "pre.mermaid").contains("A[Idea] --> B[Done]"));
}

#[test]
fn the_diagram_scripts_follow_the_base_path_and_never_leave_the_site() {
    let site = SiteTest::new()
        .file("content/patterns/flow.md", FLOW)
        .base_url("https://example.org/cop/");
    site.build().ok();
    let found = scripts(&site.html("patterns/flow/index.html"));
    assert!(
        found
            .iter()
            .any(|s| s == "/cop/assets/vendor/mermaid/mermaid.min.js"),
        "{found:?}"
    );
    assert!(
        found.iter().all(|s| s.starts_with("/cop/")),
        "a script from elsewhere: {found:?}"
    );
}

#[test]
fn an_intro_with_a_diagram_loads_the_scripts_on_the_home_page() {
    let site = SiteTest::new().file(
        "content/index.md",
        "---\ntitle: Welcome\n---\nHow we meet:\n\n```mermaid\ngraph LR\n  Propose --> Vote --> Talk\n```\n",
    );
    site.build().ok();
    let found = scripts(&site.html("index.html"));
    assert!(found.iter().any(|s| s == MERMAID), "{found:?}");
}
