//! The CommonMark spec's examples (the npm package `commonmark-spec`,
//! 0.31.2) through Fireside's renderer: after Fireside's own decorations are
//! taken off (heading ids and anchor links, the code block's wrapper
//! classes, the table region, lazy images), the body HTML must be
//! pulldown-cmark's for every example that does not exercise one of
//! Fireside's extensions (tables, footnotes, task lists...). The pass rate
//! is printed, documented in docs/markdown.md, and may not fall.

use std::path::Path;

use fireside::parse::highlight::Highlighter;
use fireside::parse::markdown::{self, MarkdownOptions, PLACEHOLDER};
use pulldown_cmark::{Options, Parser};
use scraper::{ElementRef, Html, Node};

/// The examples that pass today: a change that makes fewer pass fails here.
const PASSING_AT_LEAST: usize = 628;

struct Example {
    number: usize,
    markdown: String,
}

/// Reads the examples out of spec.txt, the way the package's own index.js does.
fn examples(spec: &str) -> Vec<Example> {
    let fence = "````````````````````````````````";
    let mut out = Vec::new();
    let mut rest = spec;
    while let Some(i) = rest.find(&format!("{fence} example\n")) {
        rest = &rest[i + fence.len() + 9..];
        let Some(dot) = rest.find("\n.\n") else { break };
        let md = &rest[..dot + 1];
        out.push(Example {
            number: out.len() + 1,
            markdown: md.replace('→', "\t"),
        });
        rest = &rest[dot..];
        let Some(end) = rest.find(fence) else { break };
        rest = &rest[end + fence.len()..];
    }
    out
}

fn fireside_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

fn pulldown(md: &str, options: Options) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options));
    html
}

/// Fireside's body HTML, with links written as a site would: the
/// destination as written, escaped as CommonMark escapes it.
fn fireside(md: &str) -> String {
    let r = markdown::render(
        md,
        1,
        Path::new("content/spec.md"),
        MarkdownOptions {
            raw_html: true,
            smart_punctuation: false,
        },
        &Highlighter::new(),
    );
    let mut html = r.html;
    for (i, link) in r.links.iter().enumerate().rev() {
        let mut href = String::new();
        pulldown_cmark_escape::escape_href(&mut href, &link.written).expect("to a String");
        html = html.replace(&format!("{PLACEHOLDER}{i}{PLACEHOLDER}"), &href);
    }
    html
}

/// A canonical form of an HTML fragment: the tree as html5ever builds it,
/// attributes sorted, white space between tags ignored, Fireside's
/// decorations removed.
fn canonical(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut out = String::new();
    walk(doc.root_element(), &mut out);
    let out = out
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("> <", "><");
    // The space that set the heading's anchor link apart.
    ["h1", "h2", "h3", "h4", "h5", "h6"]
        .iter()
        .fold(out, |o, h| {
            o.replace(&format!(" </{h}>"), &format!("</{h}>"))
        })
}

fn walk(node: ElementRef<'_>, out: &mut String) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => out.push_str(&t.replace('<', "&lt;").replace('>', "&gt;")),
            Node::Element(e) => {
                let name = e.name();
                let class = e.attr("class").unwrap_or_default();
                if name == "a" && class == "heading-anchor" {
                    continue;
                }
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                if name == "div" && class == "table-wrap" {
                    walk(child, out);
                    continue;
                }
                let mut attrs: Vec<(String, String)> = e
                    .attrs()
                    .filter(|(k, v)| {
                        !(matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && *k == "id")
                            && !(name == "pre"
                                && (*k == "data-lang" || (*k == "class" && *v == "code")))
                            && !(name == "img" && *k == "loading")
                    })
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                attrs.sort();
                out.push('<');
                out.push_str(name);
                for (k, v) in attrs {
                    out.push_str(&format!(" {k}=\"{v}\""));
                }
                out.push('>');
                // The highlighter's spans are decoration: their text is the code.
                if name == "code" {
                    let text: String = child.text().collect();
                    out.push_str(&text.replace('<', "&lt;").replace('>', "&gt;"));
                } else {
                    walk(child, out);
                }
                out.push_str(&format!("</{name}>"));
            }
            _ => {}
        }
    }
}

#[test]
fn commonmark_spec_examples_render_as_pulldown_cmark_renders_them() {
    let spec_file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/commonmark-spec/spec.txt");
    let missing = (!spec_file.is_file())
        .then(|| "node_modules/commonmark-spec is not installed (npm install)".to_string());
    if !crate::tools::available("commonmark-spec", missing) {
        return;
    }
    let spec = std::fs::read_to_string(&spec_file).expect("spec.txt readable");
    let examples = examples(&spec);
    assert_eq!(examples.len(), 652, "the 0.31.2 spec has 652 examples");
    let (mut compared, mut passed, mut failed) = (0, 0, Vec::new());
    for ex in &examples {
        let plain = pulldown(&ex.markdown, Options::empty());
        // An example the extensions change is about an extension.
        if plain != pulldown(&ex.markdown, fireside_options()) {
            continue;
        }
        compared += 1;
        if canonical(&fireside(&ex.markdown)) == canonical(&plain) {
            passed += 1;
        } else {
            failed.push(ex.number);
            if std::env::var_os("SHOW_SPEC").is_some() {
                eprintln!(
                    "#{}\n{}\n{}\n",
                    ex.number,
                    canonical(&fireside(&ex.markdown)),
                    canonical(&plain)
                );
            }
        }
    }
    let skipped = examples.len() - compared;
    eprintln!(
        "CommonMark 0.31.2: {passed} of {compared} examples render as pulldown-cmark renders them \
         ({skipped} exercise an extension and are not compared); differing: {failed:?}"
    );
    assert!(
        passed >= PASSING_AT_LEAST,
        "{passed} examples pass, fewer than {PASSING_AT_LEAST}; differing: {failed:?}"
    );
}
