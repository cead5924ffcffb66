//! Hostile pull requests, tried as an attacker would: each row is a file a
//! contributor could commit, built for real (in process). Refused input
//! must fail with content errors (the binary's exit 1) and a message at the
//! file and line; accepted input must leave no
//! script in any page (no `on*` attribute, no script or data URL, no
//! `<script>` but the theme's own) and every XML file well-formed.

use std::path::Path;

use crate::harness::SiteTest;
use rstest::rstest;
use scraper::{Html, Selector};

const SESSION: &str = "content/sessions/dev/2025-03-12-kata.md";

fn session(front: &str, body: &str) -> String {
    format!("---\ntitle: Kata\ndate: 2025-03-12\n{front}---\n{body}")
}

/// Every HTML file of the output, parsed.
fn html_files(out: &Path) -> Vec<(String, Html)> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().display().to_string();
            let text = std::fs::read_to_string(e.path()).unwrap();
            (rel, Html::parse_document(&text))
        })
        .collect()
}

/// Whether a URL, read as a browser reads it, would run code.
fn is_script_url(url: &str) -> bool {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| squeezed.starts_with(s))
}

/// The output holds no way to run script but the theme's own files, and
/// every XML file parses.
fn assert_no_script(out: &Path) {
    let all = Selector::parse("*").unwrap();
    for (file, doc) in html_files(out) {
        for el in doc.select(&all) {
            let name = el.value().name();
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.to_ascii_lowercase().starts_with("on"),
                    "{file}: <{name} {attr}=\"{value}\">"
                );
                if matches!(
                    attr,
                    "href" | "src" | "action" | "formaction" | "xlink:href"
                ) {
                    assert!(!is_script_url(value), "{file}: <{name} {attr}=\"{value}\">");
                }
                assert!(
                    !value.contains('\u{1A}'),
                    "{file}: a placeholder left in <{name} {attr}>"
                );
            }
            // A JSON-LD data block (session pages' schema.org Event) is data,
            // never run: it must parse as JSON, so content cannot break out.
            if name == "script" && el.value().attr("type") == Some("application/ld+json") {
                let text: String = el.text().collect();
                assert!(
                    serde_json::from_str::<serde_json::Value>(&text).is_ok(),
                    "{file}: a JSON-LD block that is not JSON: {text}"
                );
                continue;
            }
            if name == "script" {
                let src = el.value().attr("src").unwrap_or("");
                // The theme's own scripts are the `.js` files it ships
                // (its vendored ones, `vendor/mermaid/`, in a folder).
                let theme_script = src.split_once("assets/").is_some_and(|(_, name)| {
                    name.ends_with(".js")
                        && !name.split('/').any(|part| part.is_empty() || part == "..")
                        && std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                            .join("themes/default/static")
                            .join(name)
                            .is_file()
                });
                assert!(
                    theme_script,
                    "{file}: a script that is not the theme's: {}",
                    el.html()
                );
                assert_eq!(el.inner_html().trim(), "", "{file}: inline script");
            }
            assert!(
                !matches!(name, "iframe" | "object" | "embed" | "style" | "base"),
                "{file}: <{name}> from content"
            );
        }
    }
    assert_xml_parses(out);
}

/// Every XML file the build writes (feeds, sitemap) and every inline SVG
/// parses with a real XML parser; no file holds a control character.
fn assert_xml_parses(out: &Path) {
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        let p = e.path();
        let ext = p.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !matches!(ext, "xml" | "svg" | "html" | "ics") {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            "{}: a control character in the output",
            p.display()
        );
        if matches!(ext, "xml" | "svg") {
            roxmltree::Document::parse(&text)
                .unwrap_or_else(|err| panic!("{}: not XML: {err}", p.display()));
        }
        if ext == "html" {
            let mut rest = text.as_str();
            while let Some(i) = rest.find("<svg") {
                let end = rest[i..].find("</svg>").expect("closed svg") + i + 6;
                roxmltree::Document::parse(&rest[i..end])
                    .unwrap_or_else(|err| panic!("{}: SVG not XML: {err}", p.display()));
                rest = &rest[end..];
            }
        }
    }
}

#[track_caller]
fn fails_at(site: &SiteTest, file: &str, line: usize, message: &str) {
    site.build()
        .failed()
        .at(message, &format!("{file}:{line}:"));
}

#[track_caller]
fn builds_clean(site: &SiteTest) {
    site.build().ok();
    assert_no_script(&site.out());
}

// ---- 1. URLs in Markdown and front matter: one scheme rule ----

#[rstest]
#[case("[x](javascript:alert(1))")]
#[case("[x](JaVaScRiPt:alert(1))")]
#[case("[x](vbscript:msgbox)")]
#[case("[x](data:text/html;base64,PHNjcmlwdD4=)")]
#[case("[x](jav&#x09;ascript:alert(1))")]
#[case("[x](jav&#9;ascript:alert(1))")]
#[case("[x](javascript&colon;alert(1))")]
#[case("[x](&#x20;javascript:alert(1))")]
#[case("[x](<java\tscript:alert(1)>)")]
#[case("![x](data:image/svg+xml,<svg/onload=alert(1)>)")]
#[case("[x][ref]\n\n[ref]: javascript:alert(1)")]
#[case("[**[nested](javascript:alert(1))**](https://example.org)")]
fn script_urls_in_markdown_are_refused(#[case] body: &str) {
    let site = SiteTest::new();
    site.write(SESSION, &session("", &format!("\n{body}\n")));
    fails_at(&site, "2025-03-12-kata.md", 6, "scheme are not allowed");
}

/// Errors about what a body writes quote its line and point under the
/// place, as every error about a user's file does.
#[rstest]
#[case("See [x](javascript:alert(1)) here.", "scheme are not allowed", 5)]
#[case("## Title {#has.dot}", "invalid heading id", 10)]
#[case("```typescrit\nlet x = 1;\n```", "unknown code block language", 1)]
fn body_errors_quote_their_line(#[case] body: &str, #[case] message: &str, #[case] column: usize) {
    let site = SiteTest::new();
    site.write(SESSION, &session("", &format!("\n{body}\n")));
    let built = site.build();
    let diagnostics = match message {
        "unknown code block language" => built.ok().warnings,
        _ => built.failed().diagnostics,
    };
    let d = diagnostics
        .iter()
        .find(|d| d.message.contains(message))
        .unwrap_or_else(|| panic!("no `{message}` in {}", crate::harness::render(&diagnostics)));
    let first_line = body.lines().next().unwrap();
    assert_eq!((d.line, d.column), (6, column), "{}", d.render(false));
    assert_eq!(d.source_line.as_deref(), Some(first_line));
    let shown = d.render(false);
    assert!(shown.contains(first_line), "{shown}");
}

#[rstest]
#[case("resources:\n  Slides: \"javascript:alert(1)\"\n", 5, "resources")]
#[case("resources:\n  Slides: \"  JaVaScRiPt:alert(1)\"\n", 5, "resources")]
#[case("resources:\n  Slides: \"java\\tscript:alert(1)\"\n", 4, "resources")]
#[case("resources:\n  Slides: \"\\x01javascript:alert(1)\"\n", 4, "resources")]
#[case("resources:\n  Slides: \"javascript&#58;alert(1)\"\n", 5, "resources")]
#[case("resources:\n  Slides: \"javascript%3Aalert(1)\"\n", 5, "resources")]
#[case(
    "resources:\n  Slides: \"data:text/html,<script>x</script>\"\n",
    5,
    "resources"
)]
#[case("channel: \"vbscript:msgbox\"\n", 4, "channel")]
#[case("channel: \"javascript:alert(1)\"\n", 4, "channel")]
fn script_urls_in_session_front_matter_are_refused(
    #[case] front: &str,
    #[case] line: usize,
    #[case] key: &str,
) {
    let site = SiteTest::new();
    site.write(SESSION, &session(front, ""));
    fails_at(
        &site,
        "2025-03-12-kata.md",
        line,
        &format!("`{key}` holds a"),
    );
}

#[rstest]
#[case(
    "content/people/eve.md",
    "---\ntitle: Eve\nlinks:\n  Site: \"javascript:alert(1)\"\n---\n",
    4,
    "links"
)]
#[case(
    "content/people/eve.md",
    "---\ntitle: Eve\nlinks:\n  Site: \"DATA:text/html,x\"\n---\n",
    4,
    "links"
)]
#[case(
    "content/communities/ops.md",
    "---\ntitle: Ops\nchannel: \"javascript:alert(1)\"\n---\n",
    3,
    "channel"
)]
fn script_urls_in_other_front_matter_are_refused(
    #[case] file: &str,
    #[case] text: &str,
    #[case] line: usize,
    #[case] key: &str,
) {
    let site = SiteTest::new();
    site.write(file, text);
    let name = Path::new(file).file_name().unwrap().to_str().unwrap();
    fails_at(&site, name, line, &format!("`{key}` holds a"));
}

#[rstest]
#[case("Zoom")]
#[case("\"Zoom: 123 456\"")]
#[case("\"Room 4: north wing\"")]
#[case("\"#crafting-leadership\"")]
fn channels_in_words_stay_text(#[case] channel: &str) {
    let site = SiteTest::new();
    site.write(SESSION, &session(&format!("channel: {channel}\n"), ""));
    builds_clean(&site);
}

#[test]
fn safe_front_matter_urls_stay_links() {
    let site = SiteTest::new();
    site.write(
        SESSION,
        &session(
            "channel: https://meet.example.org/kata\nresources:\n  Slides: https://example.org/s.pdf\n  Notes: //cdn.example.org/n\n  Mail: mailto:a@example.org\n",
            "",
        ),
    );
    builds_clean(&site);
    let page = site.read_out("sessions/2025-03-12-kata/index.html");
    assert!(
        page.contains("href=\"https://example.org/s.pdf\""),
        "{page}"
    );
    assert!(page.contains("href=\"mailto:a@example.org\""));
}

// ---- 2. The link placeholder cannot be forged; control characters never reach output ----

#[rstest]
#[case("Before &#x1A;0&#x1A; after [a](https://example.org)")]
#[case("Before &#26;0&#26; after [a](https://example.org)")]
#[case("Before &#X1a;0&#X1a; after [a](https://example.org)")]
#[case("[a](https://example.org \"t&#x1A;0&#x1A;\") text")]
#[case("[&#x1A;0&#x1A;](https://example.org)")]
#[case("`&#x1A;0&#x1A;` and [a](../../patterns/tdd.md)")]
#[case("![alt &#x1A;0&#x1A;\"onerror=alert(1)](https://example.org/i.png)")]
#[case("Form feed &#12; and &#x7F; and &#x85; in text")]
#[case("A pasted form feed \u{0C} from a PDF")]
fn control_characters_never_reach_the_output(#[case] body: &str) {
    let site = SiteTest::new();
    site.write(SESSION, &session("", &format!("\n{body}\n")));
    builds_clean(&site);
    let page = site.read_out("sessions/2025-03-12-kata/index.html");
    assert!(page.contains("Before") || !body.contains("Before"));
    if body.contains("Before") {
        // The text between the forged markers survives as text.
        assert!(page.contains("0"), "{page}");
        assert!(page.contains("after"), "text was deleted: {page}");
    }
}

#[rstest]
#[case("title: \"Kata \\f with a form feed\"\n")]
#[case("title: \"Kata \\x1A0\\x1A forged\"\n")]
#[case("title: \"Kata \\x01\\x02\\x7f\\u0085\\uFFFE\"\n")]
#[case("objective: \"Learn \\f and \\x1A1\\x1A\"\n")]
fn control_characters_from_yaml_escapes_never_reach_html_xml_or_ics(#[case] front: &str) {
    let site = SiteTest::new();
    let text = format!(
        "---\n{front}{}date: 2025-03-12\nstatus: held\n---\nA write-up.\n",
        if front.starts_with("title") {
            ""
        } else {
            "title: Kata\n"
        }
    );
    site.write(SESSION, &text);
    builds_clean(&site);
    let feed = site.read_out("feed.xml");
    assert!(
        feed.contains("<entry>"),
        "the session is in the feed: {feed}"
    );
}

#[rstest]
#[case("&#x1A;0&#x1A;")]
#[case("&#26;0&#26;")]
#[case("&#X1a;0&#X1a;")]
fn a_forged_placeholder_neither_deletes_text_nor_becomes_a_link(#[case] forged: &str) {
    let site = SiteTest::new();
    site.write(
        SESSION,
        &session(
            "",
            &format!("\nKeep {forged} this and [tdd](../../patterns/tdd.md).\n\n[t]({forged})\n"),
        ),
    );
    // The forged target is a relative link to a file that does not exist.
    site.build().failed().at("", "2025-03-12-kata.md:8:");
    site.write(
        SESSION,
        &session(
            "",
            &format!("\nKeep {forged} this and [tdd](../../patterns/tdd.md).\n"),
        ),
    );
    builds_clean(&site);
    let page = site.read_out("sessions/2025-03-12-kata/index.html");
    assert!(page.contains("Keep 0 this and"), "{page}");
    assert_eq!(page.matches("href=\"/patterns/tdd/\"").count(), 1, "{page}");
}

// ---- 3. Heading ids, fence classes and other attributes ----

#[rstest]
#[case("## Title {#x\"onmouseover=alert(1)}")]
#[case("## Title {#per%20cent}")]
#[case("## Title {#-leading}")]
#[case("## Title {#has.dot}")]
#[case("## Title {#&#x1A;0&#x1A;}")]
fn invalid_heading_ids_are_refused(#[case] heading: &str) {
    let site = SiteTest::new();
    site.write(SESSION, &session("", &format!("\n{heading}\n")));
    fails_at(&site, "2025-03-12-kata.md", 6, "invalid heading id");
}

#[rstest]
#[case("```rust\"onclick=alert(1)\nfn x() {}\n```")]
#[case("```\"><script>alert(1)</script>\nx\n```")]
#[case("## T {.a\"onclick=alert(1) #ok}")]
#[case("[a](https://example.org \"\\\"onmouseover=alert(1)\")")]
#[case("![a\"onerror=\"alert(1)](https://example.org/i.png)")]
fn attribute_values_are_escaped(#[case] body: &str) {
    let site = SiteTest::new();
    site.write(SESSION, &session("", &format!("\n{body}\n")));
    // Refused or built, never a panic (which would fail this test).
    if site.build().result.is_ok() {
        assert_no_script(&site.out());
    }
}

#[test]
fn valid_custom_ids_still_work() {
    let site = SiteTest::new();
    site.write(SESSION, &session("", "\n## When {#when_to-use2}\n"));
    builds_clean(&site);
    let page = site.read_out("sessions/2025-03-12-kata/index.html");
    assert!(page.contains("id=\"when_to-use2\""));
}

// ---- 4. Raw HTML: escaped by default, sanitised when allowed ----

const PAYLOADS: &[&str] = &[
    "<img src=\"https://example.org/x.png\" onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<math><mtext><table><mglyph><style><img src=\"https://example.org/x.png\" onerror=alert(1)>",
    "<form action=\"https://evil.example\"><input name=p><button>Go</button></form>",
    "<script>alert(1)</script>",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<base href=\"https://evil.example/\">",
    "<div onclick=\"alert(1)\">click</div>",
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "<a href=\"&#x1A;0&#x1A;\">forged</a> [real](https://example.org)",
];

#[rstest]
fn raw_html_is_sanitised_when_allowed(#[values(false, true)] allowed: bool) {
    let site = SiteTest::new();
    if allowed {
        site.write(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nmarkdown:\n  raw_html: true\n",
        );
    }
    let body: String = PAYLOADS
        .iter()
        .map(|p| format!("\n{p}\n\nInline {p} here.\n"))
        .collect();
    site.write(SESSION, &session("", &body));
    builds_clean(&site);
}

#[test]
fn sanitised_raw_html_keeps_what_a_write_up_needs() {
    let site = SiteTest::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nmarkdown:\n  raw_html: true\n",
    );
    site.write(
        SESSION,
        &session(
            "",
            "\nPress <kbd>Ctrl</kbd>.\n\n<details><summary>More</summary>\n\nHidden [tdd](../../patterns/tdd.md).\n\n</details>\n\n- [x] done\n\n## Next {#next}\n",
        ),
    );
    builds_clean(&site);
    let page = site.read_out("sessions/2025-03-12-kata/index.html");
    assert!(page.contains("<kbd>Ctrl</kbd>"), "{page}");
    assert!(page.contains("<details><summary>More</summary>"));
    assert!(page.contains("href=\"/patterns/tdd/\""), "{page}");
    assert!(page.contains("<input type=\"checkbox\" disabled"));
    assert!(page.contains("<h2 id=\"next\">"));
}

// ---- 5. Content files cannot replace the site's own files ----

#[rstest]
#[case("content/assets/fireside.js", "theme asset")]
#[case("content/assets/fireside.css", "theme asset")]
#[case("content/assets/highlight.css", "theme asset")]
#[case("content/search/manifest.json", "search index")]
#[case("content/logo.png", "static file")]
#[case("content/feed.xml", "overwrite a page")]
#[case("content/sitemap.xml", "overwrite a page")]
#[case("content/calendar.ics", "overwrite a page")]
fn content_files_cannot_replace_generated_or_static_files(
    #[case] file: &str,
    #[case] message: &str,
) {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/2025-03-12-kata.md",
        &session("", "A session so that calendar.ics exists.\n"),
    );
    site.write("static/logo.png", "static");
    site.write(file, "alert(1)");
    let err = site.build().failed().rendered();
    assert!(err.contains(message), "wanted `{message}` in:\n{err}");
    let name = Path::new(file).file_name().unwrap().to_str().unwrap();
    assert!(err.contains(name), "the message names the file:\n{err}");
}

// ---- 7. Empty names are errors ----

#[rstest]
#[case(
    "content/sessions/dev/!!!.md",
    "---\ntitle: Kata\ndate: 2025-03-12\n---\n",
    "!!!.md",
    1,
    "slug"
)]
#[case(
    "content/sessions/dev/kata.md",
    "---\ntitle: Kata\ndate: 2025-03-12\nslug: \"..\"\n---\n",
    "kata.md",
    4,
    "slug"
)]
#[case("content/!!!.md", "---\ntitle: Bang\n---\n", "!!!.md", 1, "URL")]
#[case(
    "content/guide.md",
    "---\ntitle: Guide\nslug: \"???\"\n---\n",
    "guide.md",
    3,
    "slug"
)]
#[case(
    "content/patterns/x.md",
    "---\ntitle: X\nslug: \"!!\"\n---\n",
    "x.md",
    3,
    "slug"
)]
#[case("content/people/!!.md", "---\ntitle: Bang\n---\n", "!!.md", 1, "slug")]
#[case(
    "content/sessions/dev/kata.md",
    "---\ntitle: Kata\ndate: 2025-03-12\nfacilitators: [\"!!!\"]\n---\n",
    "kata.md",
    4,
    "facilitator"
)]
#[case(
    "content/sessions/dev/kata.md",
    "---\ntitle: Kata\ndate: 2025-03-12\ntags: [ok, \"--\"]\n---\n",
    "kata.md",
    4,
    "tag"
)]
#[case(
    "content/sessions/dev/kata.md",
    "---\ntitle: Kata\ndate: 2025-03-12\nformat: \"***\"\n---\n",
    "kata.md",
    4,
    "format"
)]
#[case(
    "content/patterns/y.md",
    "---\ntitle: Y\ntags: [\"¿?\"]\n---\n",
    "y.md",
    3,
    "tag"
)]
#[case(
    "content/communities/ops.md",
    "---\ntitle: Ops\ncoordinators: [\"...\"]\n---\n",
    "ops.md",
    3,
    "coordinator"
)]
fn empty_names_are_errors(
    #[case] file: &str,
    #[case] text: &str,
    #[case] name: &str,
    #[case] line: usize,
    #[case] message: &str,
) {
    let site = SiteTest::new();
    site.write(file, text);
    fails_at(&site, name, line, message);
}

#[test]
fn an_agenda_entry_with_an_empty_title_is_an_error() {
    let site = SiteTest::new();
    site.write(
        "content/agendas/dev/2025.yaml",
        "title: Agenda\ncommunity: Dev CoP\nsessions:\n  - title: \"!!!\"\n    date: 2025-03-12\n",
    );
    let err = site.build().failed().rendered();
    assert!(err.contains("cannot make a URL slug"), "{err}");
}

// ---- The example site, built whole, holds no script either ----

#[test]
fn the_example_site_output_is_clean() {
    let site = SiteTest::example();
    builds_clean(&site);
}
