//! A theme folder (`theme: brand` in site.yaml) is read by the loader, once
//! per build, into the data that the templates and the published assets
//! both come from: these tests pin what follows from that.

use fireside::build::{Changed, Target};

use crate::harness::{SiteTest, render};

const SITE_YAML: &str = "title: Test CoP\ntimezone: Europe/Madrid\ntheme: brand\n";

/// The 404 template, overridden by the theme folder with a visible marker.
fn not_found(marker: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}{{% block content %}}<h1 id=\"marker\">{marker}</h1>{{% endblock content %}}"
    )
}

#[test]
fn a_content_file_cannot_replace_a_theme_folders_own_asset() {
    let site = SiteTest::new();
    site.write("site.yaml", SITE_YAML);
    site.write("brand/static/brand.js", "export const brand = 1;\n");
    site.write("content/assets/brand.js", "alert('swapped');\n");
    let failed = site.build().failed();
    failed.at(
        "the theme asset `assets/brand.js`",
        "content/assets/brand.js",
    );
}

#[test]
fn what_a_theme_folder_publishes_is_what_it_reserves() {
    // Stylesheet parts are published joined, never as themselves: their
    // paths are free for a content file.
    let site = SiteTest::new();
    site.write("site.yaml", SITE_YAML);
    site.write("brand/static/css/99-brand.css", ".brand { color: red; }\n");
    site.write("content/assets/css/99-brand.css", "/* a download */\n");
    site.build().ok();
    assert_eq!(
        site.read_out("assets/css/99-brand.css"),
        "/* a download */\n"
    );
    assert!(
        site.read_out("assets/fireside.css")
            .ends_with(".brand { color: red; }\n"),
        "the theme's part is joined into the stylesheet"
    );
}

#[cfg(unix)]
#[test]
fn every_refused_link_in_a_theme_folder_is_reported_at_once() {
    let outside = tempfile::tempdir().expect("a folder outside the site");
    std::fs::write(outside.path().join("secret.html"), "SECRET").expect("written");
    let site = SiteTest::new();
    site.write("site.yaml", SITE_YAML);
    site.write("brand/static/brand.css", ".brand {}\n");
    for link in ["brand/templates/404.html", "brand/static/leak.css"] {
        let at = site.path().join(link);
        std::fs::create_dir_all(at.parent().expect("a parent")).expect("made");
        std::os::unix::fs::symlink(outside.path().join("secret.html"), at).expect("linked");
    }
    let failed = site.build().failed();
    for link in ["brand/templates/404.html", "brand/static/leak.css"] {
        failed.at("is a symbolic link that leads outside", link);
    }
    assert!(!failed.rendered().contains("SECRET"));
}

#[test]
fn a_builder_reads_the_theme_folder_again_on_each_build() {
    let site = SiteTest::new();
    site.write("site.yaml", SITE_YAML);
    site.write("brand/templates/404.html", &not_found("first"));
    site.write("brand/static/brand.css", ".brand { color: red; }\n");
    let out = tempfile::tempdir().expect("an output folder");
    let out = out.path().join("site");
    let mut builder = site.builder();
    if let Err(e) = builder.build(Target::Folder(&out), Changed::Unknown) {
        panic!("the first build failed:\n{}", render(&e.diagnostics()));
    }
    let marker = |out: &std::path::Path| {
        let html = std::fs::read_to_string(out.join("404.html")).expect("a 404 page");
        scraper::Html::parse_document(&html)
            .select(&scraper::Selector::parse("#marker").expect("a selector"))
            .map(|e| e.text().collect::<String>())
            .collect::<Vec<_>>()
    };
    assert_eq!(marker(&out), ["first"]);

    // The preview's watcher names the theme folder's files when they change.
    site.write("brand/templates/404.html", &not_found("second"));
    site.write("brand/static/brand.css", ".brand { color: blue; }\n");
    let changed = [
        site.path().join("brand/templates/404.html"),
        site.path().join("brand/static/brand.css"),
    ];
    let changed: Vec<_> = changed
        .iter()
        .map(|p| p.canonicalize().expect("exists"))
        .collect();
    if let Err(e) = builder.build(Target::Folder(&out), Changed::Only(&changed)) {
        panic!("the second build failed:\n{}", render(&e.diagnostics()));
    }
    assert_eq!(marker(&out), ["second"]);
    assert_eq!(
        std::fs::read_to_string(out.join("assets/brand.css")).expect("the theme's file"),
        ".brand { color: blue; }\n"
    );
}
