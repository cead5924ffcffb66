//! Bringing existing Markdown (issue 15): the link checker reads the HTML
//! (links in code are text, URLs resolve as in a browser, each broken link
//! at its own source line), every front-matter error comes in one round, and
//! files written for GitHub build without rewriting.

use crate::harness::*;

const RAW_ON: &str = "title: Test CoP\ntimezone: Europe/Madrid\nmarkdown:\n  raw_html: true\n";

/// The hostile cases of the link checker, one page each, in a site that
/// allows raw HTML: none of them is a broken link.
#[test]
fn links_a_browser_would_follow_are_checked_as_a_browser_follows_them() {
    let rows: &[(&str, &str)] = &[
        // HTML shown as code is text, inline and in a block.
        (
            "code",
            "Write `<a href=\"/x/\">x</a>`.\n\n```html\n<img src=\"/y.png\">\n```\n",
        ),
        // Entities in a raw URL are decoded before the check.
        ("entities", "<a href=\"/guide/?a=1&amp;b=2#intro\">g</a>\n"),
        // Spaces: a file with a space in its name, linked percent-encoded.
        (
            "spaces",
            "![d](/docs/my%20diagram.png) and <img src=\"/docs/my%20diagram.png\">\n",
        ),
        // Relative URLs in raw HTML resolve against the page's address.
        (
            "relative",
            "<img src=\"../docs/my%20diagram.png\"> <a href=\"../guide/#intro\">g</a>\n",
        ),
        // A backslash is a slash to a browser.
        ("backslash", "<a href=\"..\\guide\\\">g</a>\n"),
        // Old-style anchors are link targets, from the same page and others.
        (
            "anchors",
            "<a name=\"legacy\"></a>\n\nSee [here](#legacy) and [there](/guide/#old-anchor).\n",
        ),
        // Email autolinks are mailto: links, not files.
        ("email", "Write to <team@example.org>.\n"),
    ];
    let mut site = SiteTest::new()
        .file("site.yaml", RAW_ON)
        .file("content/docs/my diagram.png", "png")
        .file(
            "content/guide.md",
            "# Guide\n\n## Intro\n\n<a id=\"old-anchor\"></a>Text.\n",
        );
    for (name, body) in rows {
        site = site.file(
            &format!("content/{name}.md"),
            &format!("---\ntitle: {name}\n---\n{body}"),
        );
    }
    site.build().ok();
    let email = site.html("email/index.html");
    assert_eq!(
        select(&email, "a[href='mailto:team@example.org']").len(),
        1,
        "{}",
        site.read_out("email/index.html")
    );
    // The targets the checker accepted are there.
    assert!(site.out().join("docs/my diagram.png").is_file());
    assert_eq!(
        select(&site.html("anchors/index.html"), "a[name=legacy]").len(),
        1
    );
    assert_eq!(
        select(&site.html("guide/index.html"), "#old-anchor").len(),
        1
    );
}

/// A broken link is reported where it is written: each occurrence at its
/// own line, raw HTML too, never in a template the site does not have.
#[test]
fn each_broken_link_is_reported_once_at_its_own_line() {
    let site = SiteTest::new().file("site.yaml", RAW_ON).file(
        "content/about.md",
        "---\ntitle: About\n---\nOne [gone](/gone/).\n\nTwo [gone](/gone/) again.\n\n<p>Raw <a href=\"/raw-gone/\">x</a></p>\n\n<img src=\"missing.png\">\n\n`<a href=\"/in-code/\">`\n",
    );
    let failure = site.check().failed();
    let errors = failure.errors();
    let places: Vec<String> = errors.iter().map(|d| d.location()).collect();
    assert_eq!(
        places,
        [
            "content/about.md:4:12",
            "content/about.md:6:12",
            "content/about.md:8:17",
            "content/about.md:10:11",
        ],
        "{}",
        failure.rendered()
    );
    assert!(errors[0].message.contains("`/gone/`"));
    assert!(errors[3].message.contains("`missing.png`"));
    assert!(
        !failure.rendered().contains("templates/"),
        "{}",
        failure.rendered()
    );
}

/// A broken link in the site's own template is reported in that file.
#[test]
fn a_template_link_names_the_sites_template() {
    let site = SiteTest::new();
    let page = include_str!("../../themes/default/templates/page.html");
    site.write(
        "templates/page.html",
        &page.replacen("</h1>", "</h1><a href=\"/no-such-page/\">x</a>", 1),
    );
    site.write("content/about.md", "---\ntitle: About\n---\nHi.\n");
    let failure = site.check().failed();
    failure.at("`/no-such-page/`", "templates/page.html");
}

/// A Docusaurus file with several unknown keys, a bad date and a broken
/// heading id: every problem in the first run.
#[test]
fn every_front_matter_error_of_every_file_in_one_round() {
    let site = SiteTest::new()
        .file(
            "content/intro.md",
            "---\nid: intro\ntitle: Intro\nsidebar_label: Start\nsidebar_position: 2\nslug: [not, a, string]\n---\n## Bad {#-x}\n",
        )
        .file(
            "content/sessions/dev/s.md",
            "---\ntitle: S\ndate: 2025-02-30\nfacilitater: Ana\ndraft: maybe\n---\n",
        );
    let failure = site.check().failed();
    for (text, at) in [
        ("unknown key `id`", "content/intro.md:2:1"),
        ("unknown key `sidebar_label`", "content/intro.md:4:1"),
        ("unknown key `sidebar_position`", "content/intro.md:5:1"),
        ("slug", "content/intro.md:6"),
        ("invalid heading id", "content/intro.md:8"),
        ("February has only 28 days", "content/sessions/dev/s.md:3:7"),
        ("unknown key `facilitater`", "content/sessions/dev/s.md:4:1"),
        ("invalid type", "content/sessions/dev/s.md:5"),
    ] {
        failure.at(text, at);
    }
    assert_eq!(failure.errors().len(), 8, "{}", failure.rendered());
}

/// A README-style file: no front matter, titled by its heading, which the
/// page does not repeat; its `#links` follow GitHub's heading ids.
#[test]
fn a_github_readme_builds_as_it_is() {
    let site = SiteTest::new().file(
        "content/start.md",
        "# Getting started\n\nSee [closing](#client-closed) and [again](#client-closed-1).\n\n## Client closed\n\n## Client closed\n\nLine<br>break, <kbd>Ctrl</kbd>, x<sup>2</sup>.<!-- a note -->\n",
    );
    site.build().ok();
    let doc = site.html("start/index.html");
    assert_eq!(select(&doc, "h1").len(), 1);
    assert_eq!(text_of(&doc, "h1"), "Getting started");
    assert_eq!(select(&doc, "h2#client-closed-1").len(), 1);
    assert_eq!(select(&doc, "main kbd, kbd").len(), 1);
    assert_eq!(select(&doc, "br").len(), 1);
    assert!(!site.read_out("start/index.html").contains("a note"));
}

/// `.mdx` is refused by name, not copied raw into the site.
#[test]
fn mdx_is_refused_clearly() {
    let site = SiteTest::new().file(
        "content/docs/tabs.mdx",
        "---\ntitle: Tabs\n---\nimport Tabs from '@theme/Tabs';\n\n<Tabs></Tabs>\n",
    );
    let failure = site.check().failed();
    failure.at(
        "`.mdx` files are not supported",
        "content/docs/tabs.mdx:1:1",
    );
}

/// Hugo's TOML front matter builds as it is.
#[test]
fn a_hugo_page_with_toml_front_matter_builds() {
    let site = SiteTest::new().file(
        "content/post.md",
        "+++\ntitle = \"From Hugo\"\ndescription = \"A post\"\n+++\nText.\n",
    );
    site.build().ok();
    assert_eq!(text_of(&site.html("post/index.html"), "h1"), "From Hugo");
}

/// No Rust type name in a message (issue 17): an agenda session written as
/// a string, and front matter that is a sentence.
#[test]
fn errors_say_what_is_expected_in_the_users_words() {
    let site = SiteTest::new()
        .file(
            "content/agendas/2025.yaml",
            "title: Plan\ncommunity: dev\nsessions:\n  - 42\n",
        )
        .file("content/about.md", "---\njust a sentence\n---\nText.\n");
    let failure = site.check().failed();
    let all = failure.rendered();
    assert!(!all.contains("struct"), "{all}");
    // A string item names a session file (issue 12), so a number stands
    // for the item that is neither a session nor a file.
    failure.at(
        "expected a session (title, date, ...) or the path of a session file",
        "content/agendas/2025.yaml:4",
    );
    failure.at("expected front matter", "content/about.md:2");
}

/// Every URL written from Markdown is percent-encoded (valid HTML), and
/// still leads to its file.
#[test]
fn urls_are_written_percent_encoded() {
    let site = SiteTest::new()
        .file("content/docs/my diagram.png", "png")
        .file(
            "content/docs/guide.md",
            "---\ntitle: Guide\n---\n![d](my%20diagram.png) ![e](<my diagram.png>) [abs](/docs/my%20diagram.png)\n",
        );
    site.build().ok();
    let html = site.read_out("docs/guide/index.html");
    assert!(!html.contains("my diagram.png\""), "{html}");
    let doc = site.html("docs/guide/index.html");
    let srcs: Vec<&str> = select(&doc, "main img, img")
        .iter()
        .filter_map(|e| e.value().attr("src"))
        .filter(|s| s.contains("diagram"))
        .collect();
    assert!(
        !srcs.is_empty() && srcs.iter().all(|s| s.ends_with("my%20diagram.png")),
        "{srcs:?}"
    );
}

/// `fireside import` turns each generator's front matter into Fireside's,
/// says what it did, leaves bodies alone, and the site then builds.
#[test]
fn import_maps_each_generators_front_matter_and_the_site_builds() {
    let docusaurus = "---\nid: intro\ntitle: Intro\nsidebar_label: Start\nsidebar_position: 2\n---\nBody *one*.\n";
    let site = SiteTest::new()
        .file("content/docs/intro.md", docusaurus)
        .file(
            "content/blog/jekyll.md",
            "---\nlayout: post\ntitle: Jekyll post\npermalink: /2019/old-url/\npublished: false\ncategories: [news]\n---\nBody two.\n",
        )
        .file(
            "content/blog/hugo.md",
            "+++\ntitle = \"Hugo post\"\ndate = 2019-03-26T08:47:11+01:00\naliases = [\"/old/hugo/\"]\ntags = [\"a\"]\n+++\nBody three.\n",
        )
        .file(
            "content/guide/mkdocs.md",
            "---\ntitle: Guide\nsummary: In short.\nhide: [navigation]\n---\n# Guide\n",
        )
        .file("content/plain.md", "---\ntitle: Already fine\n---\nText.\n");
    // Before the import the files do not build, and all their keys are reported at once.
    let before = site.check().failed();
    before.at("unknown key `sidebar_label`", "content/docs/intro.md:4:1");
    before.at("unknown key `layout`", "content/blog/jekyll.md:2:1");

    let reports = fireside::import::import(site.path(), true).expect("imports");
    let files: Vec<String> = reports
        .iter()
        .map(|r| r.file.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "content/blog/hugo.md",
            "content/blog/jekyll.md",
            "content/docs/intro.md",
            "content/guide/mkdocs.md",
        ],
        "{reports:#?}"
    );
    let said = |file: &str, text: &str| {
        let r = reports
            .iter()
            .find(|r| r.file.ends_with(file))
            .expect("reported");
        assert!(
            r.changes.iter().any(|c| c.contains(text)),
            "{file}: {:#?}",
            r.changes
        );
    };
    said("intro.md", "`sidebar_position` is now `weight`");
    said("intro.md", "`id` moved under `extra:`");
    said("jekyll.md", "`published: false` is now `draft: true`");
    said("jekyll.md", "`permalink` (old addresses)");
    said("hugo.md", "TOML front matter");
    said("mkdocs.md", "`summary` is now `description`");
    let intro = site.source("content/docs/intro.md");
    assert!(
        intro.starts_with("---\n") && intro.ends_with("---\nBody *one*.\n"),
        "{intro}"
    );
    assert!(
        intro.contains("weight: 2") && intro.contains("extra:"),
        "{intro}"
    );
    assert_eq!(
        site.source("content/plain.md"),
        "---\ntitle: Already fine\n---\nText.\n"
    );

    site.build().ok();
    assert_eq!(text_of(&site.html("docs/intro/index.html"), "h1"), "Intro");
    assert_eq!(
        text_of(&site.html("blog/hugo/index.html"), "h1"),
        "Hugo post"
    );
    // A draft after the import: left out.
    assert!(!site.out().join("blog/jekyll/index.html").exists());
    // A second import has nothing left to do.
    let again = fireside::import::import(site.path(), true).expect("imports");
    assert!(again.is_empty(), "{again:#?}");
}

/// npm's own documentation (the `npm` package's docs/content, 87 files of
/// Markdown nobody here wrote), imported and checked: the only errors are
/// links, each reported once at its own file, line and column; no front
/// matter error, no template blamed.
#[test]
fn a_real_corpus_builds_after_import_failing_only_on_its_links() {
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/npm/docs/content");
    let missing =
        (!corpus.is_dir()).then(|| "node_modules/npm is not installed (npm install)".to_string());
    if !crate::tools::available("npm docs corpus", missing) {
        return;
    }
    let site = SiteTest::empty().file("site.yaml", "title: npm docs\n");
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&corpus) {
        let entry = entry.expect("corpus readable");
        let rel = entry
            .path()
            .strip_prefix(&corpus)
            .expect("under the corpus");
        if entry.file_type().is_file() && rel.extension().is_some_and(|e| e == "md") {
            site.write(
                &format!("content/{}", rel.display()),
                &std::fs::read_to_string(entry.path()).expect("UTF-8"),
            );
            files += 1;
        }
    }
    assert!(files >= 80, "{files} files");
    let reports = fireside::import::import(site.path(), true).expect("imports");
    assert_eq!(
        reports.len(),
        files,
        "every file had keys to move (`section`)"
    );

    // Each round: only link errors, each once, at a place of its own.
    let only_links = |failure: &Failure| {
        let errors = failure.errors();
        assert!(!errors.is_empty());
        let mut places = std::collections::HashSet::new();
        for e in &errors {
            assert!(
                e.message.starts_with("broken link")
                    || e.message.starts_with("link to a missing file"),
                "not a link error:\n{}",
                failure.rendered()
            );
            let at = e.location();
            assert!(
                at.starts_with("content/") && e.line > 0 && e.column > 0,
                "{at}"
            );
            assert!(places.insert(at.clone()), "reported twice at {at}");
        }
        errors.len()
    };
    // Resolve finds the relative links to files that do not exist.
    let first = site.check().failed();
    assert_eq!(only_links(&first), 2, "{}", first.rendered());
    first.at("`npm-outdated`", "content/commands/npm-diff.md:64:");
    // Fixed as a user would; the links of the rendered pages come next:
    // npm's site serves `/commands/npm-team` without a trailing slash.
    for (file, from, to) in [
        (
            "content/commands/npm-diff.md",
            "(npm-outdated)",
            "(npm-outdated.md)",
        ),
        (
            "content/commands/npm-edit.md",
            "(npm-config)",
            "(npm-config.md)",
        ),
    ] {
        site.write(file, &site.source(file).replace(from, to));
    }
    let second = site.check().failed();
    let n = only_links(&second);
    assert!(n > 100, "{n}");
    second.at(
        "`/commands/npm-team`",
        "content/commands/npm-access.md:93:14",
    );
    second.at("there is a page at `/using-npm/config/#", "content/");
    // A page this corpus does not hold at all.
    second.at(
        "`/about-access-tokens#about-legacy-tokens`",
        "content/commands/npm-login.md:23:49",
    );
}
