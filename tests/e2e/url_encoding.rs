//! Every URL Fireside writes is a valid URL (issue 15): links the views
//! build from slugs, file names, tags and static paths, and the links of
//! Markdown bodies, are percent-encoded in one place (`Config::url`,
//! `escape::url_attr`), parse back without a WHATWG validation error, and
//! lead to a file the output has. A backslash in a Markdown link is refused
//! instead of becoming a `/`.

use std::collections::BTreeMap;

use crate::harness::*;

/// Hostile names, each through the path that writes its link.
/// (file to add, its bytes, Markdown that links it)
const FILES: &[(&str, &[u8], &str)] = &[
    (
        "content/sessions/dev/my diagram.png",
        b"png",
        "![a space](<my diagram.png>)",
    ),
    (
        "content/sessions/dev/100% #1?.png",
        b"png",
        "![escapes](100%25%20%231%3F.png)",
    ),
    (
        "content/sessions/dev/ünïcode straße.png",
        b"png",
        "![non-ASCII](<ünïcode straße.png>)",
    ),
    (
        "content/sessions/dev/a&b'c.txt",
        b"txt",
        "[ampersand](<a&b'c.txt>)",
    ),
    (
        "content/sessions/dev/sub dir/[x] {y}.txt",
        b"txt",
        "[brackets](<sub dir/[x] {y}.txt>)",
    ),
    (
        "static/files/hand out.pdf",
        b"pdf",
        "[static](</files/hand out.pdf>)",
    ),
    (
        "static/files/q&a.pdf",
        b"pdf",
        "[static by escape](/files/q%26a.pdf)",
    ),
];

fn hostile_site() -> SiteTest {
    let links: String = FILES.iter().map(|(_, _, md)| format!("- {md}\n")).collect();
    let mut site = SiteTest::new()
        .file(
            "content/sessions/dev/2026-03-10-ünïcode.md",
            &format!(
                "---\ntitle: \"Ünïcode Straße & <Co> \\\"quoted\\\"\"\ndate: 2026-03-10\ncommunity: Dev CoP\nfacilitator: Ana\nformat: Code kata\ntags: [\"C# & .NET\", \"año/ñu\", \"100%\"]\n---\n{links}\nSee [[Test-Driven Development#When to use]] and [the heading](#ünïcode-heading).\n\n## Ünïcode heading\n\nText.\n"
            ),
        )
        .file(
            "content/über uns.md",
            "---\ntitle: Über uns & co\nmenu: true\n---\nHello.\n",
        );
    for (file, bytes, _) in FILES {
        site = site.file_bytes(file, bytes);
    }
    site
}

/// Every `href` and `src` of every page: (page, attribute value).
fn every_url(out: &std::path::Path) -> Vec<(String, String)> {
    let mut urls = Vec::new();
    for (file, bytes) in snapshot(out) {
        if !file.ends_with(".html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for el in select(&doc, "[href], [src]") {
            for attr in ["href", "src"] {
                if let Some(v) = el.value().attr(attr) {
                    urls.push((file.clone(), v.to_string()));
                }
            }
        }
    }
    urls
}

/// The page's own URL at the fixture's host.
fn page_url(file: &str) -> url::Url {
    let path = file.strip_suffix("index.html").unwrap_or(file);
    let base = url::Url::parse("https://cop.example.com/").expect("a URL");
    base.join(path).expect("a page path")
}

/// `value` parsed as a browser parses it, with WHATWG's validation errors
/// (a raw space, a backslash, a `%` that escapes nothing) collected.
fn parse_strictly(
    base: &url::Url,
    value: &str,
) -> (Result<url::Url, url::ParseError>, Vec<String>) {
    let violations = std::cell::RefCell::new(Vec::new());
    let parsed = url::Url::options()
        .base_url(Some(base))
        .syntax_violation_callback(Some(&|v| violations.borrow_mut().push(v.to_string())))
        .parse(value);
    (parsed, violations.into_inner())
}

#[test]
fn every_href_and_src_is_a_valid_url_of_a_file_the_output_has() {
    let site = hostile_site();
    site.build().ok();
    let out = site.out();
    let files: BTreeMap<String, Vec<u8>> = snapshot(&out);
    let urls = every_url(&out);
    assert!(urls.len() > 100, "{}", urls.len());
    let mut problems = Vec::new();
    let mut internal = 0;
    for (page, value) in &urls {
        let base = page_url(page);
        let (parsed, violations) = parse_strictly(&base, value);
        let url = match parsed {
            Ok(u) => u,
            Err(e) => {
                problems.push(format!("{page}: `{value}` does not parse: {e}"));
                continue;
            }
        };
        if !violations.is_empty() {
            problems.push(format!("{page}: `{value}`: {violations:?}"));
        }
        if url.host_str() != Some("cop.example.com") || url.scheme() != "https" {
            continue;
        }
        internal += 1;
        let path = percent_encoding::percent_decode_str(url.path())
            .decode_utf8()
            .map(|p| p.into_owned())
            .unwrap_or_else(|_| panic!("{page}: `{value}` is not UTF-8 once decoded"));
        let mut rel = path.trim_start_matches('/').to_string();
        if rel.is_empty() || rel.ends_with('/') {
            rel.push_str("index.html");
        }
        if !files.contains_key(&rel) {
            problems.push(format!(
                "{page}: `{value}` -> `{rel}`, which the output does not have"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Each hostile file is linked from the write-up, by a URL that leads to it.
    let session = urls
        .iter()
        .filter(|(p, _)| p.starts_with("sessions/2026-03-10-unicode/"))
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>();
    for (expected, _, md) in [
        ("/sessions/dev/my%20diagram.png", (), ""),
        ("/sessions/dev/100%25%20%231%3F.png", (), ""),
        ("/sessions/dev/%C3%BCn%C3%AFcode%20stra%C3%9Fe.png", (), ""),
        ("/sessions/dev/a&b'c.txt", (), ""),
        ("/sessions/dev/sub%20dir/%5Bx%5D%20%7By%7D.txt", (), ""),
        ("/files/hand%20out.pdf", (), ""),
        ("/files/q%26a.pdf", (), ""),
        ("#%C3%BCn%C3%AFcode-heading", (), ""),
    ] {
        assert!(
            session.contains(&expected),
            "{expected}{md} not among {session:?}"
        );
    }
    assert!(internal > 100, "{internal}");
    // The tag with `#`, `&` and `/` in its name has a page, and its links lead there.
    let tags: Vec<&str> = urls
        .iter()
        .filter(|(p, _)| p == "tags/index.html")
        .map(|(_, v)| v.as_str())
        .filter(|v| v.starts_with("/tags/") && *v != "/tags/")
        .collect();
    assert!(tags.len() >= 3, "{tags:?}");
}

#[test]
fn pages_with_hostile_names_pass_the_nu_checker() {
    let site = hostile_site();
    site.build().ok();
    let errors = crate::html_validation::validate(&site.out());
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn a_backslash_in_a_markdown_link_is_refused_not_made_a_slash() {
    let site = SiteTest::new()
        .file_bytes("content/sessions/dev/sub/pic.png", b"png")
        .file(
            "content/sessions/dev/2026-03-10-kata.md",
            "---\ntitle: Kata\ndate: 2026-03-10\n---\n![a picture](sub\\pic.png)\n",
        );
    let failure = site.build().failed();
    let d = failure.at(
        "has a backslash",
        "content/sessions/dev/2026-03-10-kata.md:5:",
    );
    assert!(
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains("`sub/pic.png`")),
        "{}",
        failure.rendered()
    );
    assert_eq!(failure.errors().len(), 1, "{}", failure.rendered());
}

#[test]
fn a_backslash_in_raw_html_is_read_as_a_browser_reads_it() {
    // Raw HTML goes to the browser as written, and WHATWG's parser (the
    // browser's, the link checker's) reads `\` as `/` in an http(s) URL:
    // `sub\pic.png` is `sub/pic.png`, which exists, so the link is not broken;
    // `sub\nope.png` is `sub/nope.png`, which does not.
    let site = SiteTest::new()
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nbase_url: https://cop.example.com/\nmarkdown:\n  raw_html: true\n",
        )
        .file_bytes("static/sub/pic.png", b"png")
        .file(
            "content/page.md",
            "---\ntitle: Page\n---\n<img src=\"/sub\\pic.png\" alt=\"p\">\n",
        );
    site.build().ok();
    let page = site.html("page/index.html");
    let src = select(&page, "main img")[0]
        .value()
        .attr("src")
        .map(String::from);
    let src = src.expect("an img with a src");
    let base = page_url("page/index.html");
    let (url, violations) = parse_strictly(&base, &src);
    assert_eq!(
        url.map(|u| u.path().to_string()),
        Ok("/sub/pic.png".to_string()),
        "{src}"
    );
    assert!(
        !violations.is_empty(),
        "a browser would flag `{src}`, and still load /sub/pic.png"
    );
    site.write(
        "content/page.md",
        "---\ntitle: Page\n---\n<img src=\"/sub\\nope.png\" alt=\"p\">\n",
    );
    let failure = site.build().failed();
    failure.at("nope.png", "content/page.md:4:");
}
