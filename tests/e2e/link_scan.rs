//! The link checker reads every generated page with a fast scanner
//! (`parse::html::scan_links`, lol_html); html5ever's tokenizer is the
//! reference it must agree with, on every page a real site generates.

use fireside::parse::html::{scan_links, slow_scan};

use crate::harness::SiteTest;

#[track_caller]
fn assert_every_page_scans_alike(site: &SiteTest) {
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "html") {
            let html = std::fs::read_to_string(entry.path()).unwrap();
            let fast = scan_links(&html);
            assert_eq!(fast, slow_scan(&html), "{}", entry.path().display());
            pages += 1;
        }
    }
    assert!(pages > 10, "only {pages} pages scanned");
}

#[test]
fn the_fast_link_scan_agrees_with_the_tokenizer_on_every_page_of_the_example_site() {
    let site = SiteTest::example();
    site.build().ok();
    assert_every_page_scans_alike(&site);
}

#[test]
fn the_fast_link_scan_agrees_with_the_tokenizer_on_raw_html_and_code() {
    let body = "Intro <kbd>Ctrl</kbd> and <a href=\"/about/\" id=\"raw\">raw</a>.\n\n\
                <details id=\"more\"><summary>More</summary>\n\n<a name=\"old\"></a>[md](/about/#team)\n\n</details>\n\n\
                ```html\n<a href=\"/not-a-link/\">shown</a>\n<script>x</script>\n```\n\n\
                `<a href=\"/inline/\">`\n\n<!-- <a href=\"/comment/\"> -->\n\n\
                | a | b |\n|---|---|\n| [t](/about/) | <img src=\"/img.png\" alt=\"i\"> |\n";
    let site = SiteTest::new()
        .file(
            "content/about.md",
            "---\ntitle: About\n---\n## Team\n\nUs.\n",
        )
        .file(
            "content/sessions/dev/2026-03-02-kata.md",
            &format!("---\ntitle: Kata\ndate: 2026-03-02\nfacilitators: [Ana Ruiz]\n---\n{body}"),
        );
    site.build().ok();
    assert_every_page_scans_alike(&site);
}
