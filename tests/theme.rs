//! The theme's stylesheet: written as parts (`themes/default/static/css/`),
//! published as one `assets/fireside.css`; and how a theme folder or a site
//! replaces one part or the whole of it. Fixture sites built with the real
//! binary.

// Tests make and read fixture sites: the I/O boundary (clippy.toml) is the library's.
#![allow(clippy::disallowed_methods)]

mod common;

use std::path::Path;

use common::*;

/// The default theme's parts, in name order, as (file name, text).
fn default_parts() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/css");
    let mut parts: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "css"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    parts.sort();
    assert!(
        parts.len() > 10,
        "the stylesheet should be in parts: {dir:?}"
    );
    parts
}

fn joined(parts: &[(String, String)]) -> String {
    parts.iter().map(|(_, text)| text.as_str()).collect()
}

#[test]
fn the_site_has_one_stylesheet_the_parts_joined_in_name_order() {
    let site = Fixture::new();
    assert_success(&site.build(&[]));
    let files = snapshot(&site.out());

    let css = String::from_utf8(files["assets/fireside.css"].clone()).unwrap();
    assert!(
        css == joined(&default_parts()),
        "assets/fireside.css is not the parts joined in name order"
    );
    let stylesheets: Vec<&String> = files.keys().filter(|p| p.ends_with(".css")).collect();
    assert_eq!(
        stylesheets,
        ["assets/fireside.css", "assets/highlight.css"],
        "the parts themselves must not be published"
    );
    assert!(!files.keys().any(|p| p.starts_with("assets/css/")));

    // Every page asks for the one stylesheet, once.
    let home = site.html("index.html");
    let links: Vec<String> = select(&home, "link[rel=stylesheet]")
        .iter()
        .filter_map(|l| l.value().attr("href").map(String::from))
        .collect();
    assert_eq!(links, ["/assets/fireside.css", "/assets/highlight.css"]);
}

#[test]
fn dark_mode_and_forced_colours_are_each_written_once() {
    let site = Fixture::new();
    assert_success(&site.build(&[]));
    let css = site.read_out("assets/fireside.css");
    assert_eq!(css.matches("prefers-color-scheme: dark").count(), 1);
    assert_eq!(css.matches("forced-colors").count(), 1);
    // Dark mode is token overrides only: the block sits in the tokens part.
    let (tokens_name, tokens) = &default_parts()[0];
    assert_eq!(tokens_name, "00-tokens.css");
    assert!(tokens.contains("prefers-color-scheme: dark"));
}

#[test]
fn a_theme_folder_replaces_one_part_by_name_and_adds_new_ones() {
    let site = Fixture::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\ntheme: brand\n",
    );
    site.write(
        "brand/static/css/20-header.css",
        ".site-header { background: rebeccapurple; }",
    );
    site.write("brand/static/css/99-brand.css", ".brand { color: red; }\n");
    site.write("brand/static/css/notes.txt", "not a stylesheet\n");
    assert_success(&site.build(&[]));

    let mut expected = default_parts();
    let header = expected
        .iter_mut()
        .find(|(name, _)| name == "20-header.css")
        .expect("a header part");
    // A part without a final newline still ends its line in the join.
    header.1 = ".site-header { background: rebeccapurple; }\n".into();
    expected.push(("99-brand.css".into(), ".brand { color: red; }\n".into()));
    assert!(
        site.read_out("assets/fireside.css") == joined(&expected),
        "the theme's part should replace the default's of the same name"
    );
    let files = snapshot(&site.out());
    assert!(
        !files.keys().any(|p| p.starts_with("assets/css/")),
        "{:?}",
        files
            .keys()
            .filter(|p| p.starts_with("assets/"))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_whole_stylesheet_replaces_the_parts() {
    // From a theme folder.
    let site = Fixture::new();
    site.write(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\ntheme: brand\n",
    );
    site.write("brand/static/fireside.css", "body { color: teal; }\n");
    site.write("brand/static/css/20-header.css", ".ignored {}\n");
    assert_success(&site.build(&[]));
    assert_eq!(
        site.read_out("assets/fireside.css"),
        "body { color: teal; }\n"
    );

    // From the site's own static files, over the default theme.
    let site = Fixture::new();
    site.write("static/assets/fireside.css", "body { color: navy; }\n");
    assert_success(&site.build(&[]));
    assert_eq!(
        site.read_out("assets/fireside.css"),
        "body { color: navy; }\n"
    );
}

#[test]
fn the_theme_script_is_an_es_module() {
    let site = Fixture::new();
    assert_success(&site.build(&[]));
    let home = site.html("index.html");
    let scripts = select(&home, "script[src$='assets/fireside.js']");
    assert_eq!(scripts.len(), 1);
    assert_eq!(scripts[0].value().attr("type"), Some("module"));
    let js = site.read_out("assets/fireside.js");
    assert!(
        !js.contains("\"use strict\"") && !js.contains("(function"),
        "a module is strict and scoped already; no IIFE wrappers"
    );
}
