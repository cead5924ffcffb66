//! Hostile input, class 3 of issue 9: no panics, no hangs, bounded work.
//!
//! Every row is a real build of a small fixture site with one hostile file.
//! A build may fail, but only with a diagnostic that names the file and line,
//! never with a panic (exit 101). Inputs are sized so that a quadratic or
//! exponential path would make the suite visibly slow; nothing is timed.

use crate::common::{Fixture, fireside, stderr};
use rstest::rstest;

/// Builds `site` and checks the outcome: `Ok(())` must succeed; otherwise
/// the build must fail with exit code 1 and `message` at `location`.
fn assert_outcome(site: &Fixture, expect: Option<(&str, &str)>) {
    let out = site.build(&[]);
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(101), "panicked:\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    match expect {
        None => assert!(out.status.success(), "{err}"),
        Some((message, location)) => {
            assert_eq!(out.status.code(), Some(1), "{err}");
            assert!(err.contains(message), "expected `{message}` in:\n{err}");
            assert!(
                err.contains(&format!("--> {location}")),
                "expected the error at {location}:\n{err}"
            );
        }
    }
}

/// `%` followed by a non-ASCII character (`%aé` slices inside `é`), and
/// escapes that decode to invalid UTF-8, in every kind of link.
#[rstest]
#[case::inline_link(
    "See [notes](notes%aé.md).\n",
    Some(("link to a missing file", "content/about.md:5:5"))
)]
#[case::escape_then_multibyte("[x](%é1.md)\n", Some(("link to a missing file", "content/about.md:5:1")))]
#[case::invalid_utf8_escape("[x](a%FF%FE.md)\n", Some(("link to a missing file", "content/about.md:5:1")))]
#[case::trailing_percent("[x](a%)\n", Some(("link to a missing file", "content/about.md:5:1")))]
#[case::fragment("[x](#%aé)\n", Some(("is not an anchor", "content/about.md:5:1")))]
#[case::fragment_of_a_file(
    "[x](patterns/tdd.md#%é%)\n",
    Some(("is not an anchor", "content/about.md:5:1"))
)]
#[case::wikilink("[[Nowhere%aé]]\n", Some(("matches nothing", "content/about.md:5:1")))]
#[case::wikilink_fragment(
    "[[Test-Driven Development#%aé]]\n",
    Some(("is not an anchor", "content/about.md:5:1"))
)]
#[case::reference_link(
    "[x][r]\n\n[r]: other%aé.md\n",
    Some(("link to a missing file", "content/about.md:5:1"))
)]
#[case::image("![x](pic%aé.png)\n", Some(("missing", "content/about.md:5:1")))]
#[case::escape_of_an_existing_file("[x](patterns/td%64.md)\n", None)]
fn percent_escapes_in_links_never_panic(#[case] body: &str, #[case] expect: Option<(&str, &str)>) {
    let site = Fixture::new();
    site.write(
        "content/about.md",
        &format!("---\ntitle: About\n---\n\n{body}"),
    );
    assert_outcome(&site, expect);
}

#[rstest]
#[case::resource("resources:\n  Slides: \"https://example.com/%aé%\"\n")]
#[case::channel("channel: \"https://example.com/%é\"\n")]
fn percent_escapes_in_front_matter_urls_never_panic(#[case] yaml: &str) {
    let site = Fixture::new();
    site.write(
        "content/sessions/dev/a.md",
        &format!("---\ntitle: A\ndate: 2025-03-12\ncommunity: dev\n{yaml}---\nBody.\n"),
    );
    assert_outcome(&site, None);
}

/// Dates at and beyond the window (1970-2100), everywhere a date enters.
#[rstest]
#[case::session_first_day(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 1970-01-01\n---\n",
    None
)]
#[case::session_last_day(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2100-12-31\n---\n",
    None
)]
#[case::session_before(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 1969-12-31\n---\n",
    Some(("is before the years Fireside accepts (1970-2100)", "content/sessions/dev/a.md:3:7"))
)]
#[case::session_year_one(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 0001-01-01\n---\n",
    Some(("before the years", "content/sessions/dev/a.md:3:7"))
)]
#[case::session_after(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2101-01-01\n---\n",
    Some(("is after the years Fireside accepts", "content/sessions/dev/a.md:3:7"))
)]
#[case::session_december_9999(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 9999-12-31\ntime: \"23:00-23:59\"\n---\n",
    Some(("after the years", "content/sessions/dev/a.md:3:7"))
)]
#[case::yaml_agenda(
    "content/agendas/dev/2025.yaml",
    "title: Dev\nsessions:\n  - title: Kata\n    date: 9999-12-31\n",
    Some(("after the years", "content/agendas/dev/2025.yaml:4"))
)]
#[case::yaml_agenda_in_words(
    "content/agendas/dev/2025.yaml",
    "title: Dev\nsessions:\n  - title: Kata\n    date: 1 January 0001\n",
    Some(("before the years", "content/agendas/dev/2025.yaml:4"))
)]
#[case::markdown_agenda(
    "content/agendas/dev/2025.md",
    "---\ntitle: Dev\nsessions:\n  - title: Kata\n    date: 2101-03-01\n---\nIntro.\n",
    Some(("after the years", "content/agendas/dev/2025.md:5"))
)]
#[case::csv_agenda(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,\"31 December 9999\",10:00 - 11:00,Kata\n",
    Some(("after the years", "content/agendas/dev/2025.csv:2"))
)]
#[case::csv_agenda_iso(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,1900-05-01,10:00 - 11:00,Kata\n",
    Some(("before the years", "content/agendas/dev/2025.csv:2"))
)]
fn dates_outside_the_window_are_refused(
    #[case] path: &str,
    #[case] text: &str,
    #[case] expect: Option<(&str, &str)>,
) {
    let site = Fixture::new();
    site.write(path, text);
    assert_outcome(&site, expect);
}

/// The build clock follows the same window: a usage error (exit 2).
#[rstest]
#[case::far_future(&["--now", "9999-12-01T00:00:00Z"], None, "--now")]
#[case::before_1970(&["--now", "1969-07-20T20:17:00Z"], None, "--now")]
#[case::epoch_far_future(&[], Some("4200000000"), "SOURCE_DATE_EPOCH")]
#[case::epoch_negative(&[], Some("-1000000000"), "SOURCE_DATE_EPOCH")]
fn the_build_clock_must_be_in_the_window(
    #[case] args: &[&str],
    #[case] epoch: Option<&str>,
    #[case] named: &str,
) {
    let site = Fixture::new();
    let root = site.path().to_str().unwrap().to_string();
    let mut cmd = assert_cmd::Command::cargo_bin("fireside").unwrap();
    cmd.arg("build").arg(&root).args(args).env("NO_COLOR", "1");
    cmd.env_remove("GITHUB_ACTIONS")
        .env_remove("SOURCE_DATE_EPOCH");
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let out = cmd.output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(named) && err.contains("1970-2100"), "{err}");
    assert!(!site.out().exists(), "nothing is written");
}

/// YAML that nests deeply or is huge is refused before the YAML parser
/// reads it (200 KB of `[` took it 20 seconds).
#[rstest]
#[case::front_matter_brackets(
    "content/about.md",
    format!("---\ntitle: About\nextra: {}\n---\n", "[".repeat(60_000)),
    "nests more than 64 levels",
    "content/about.md:3:"
)]
#[case::front_matter_braces(
    "content/about.md",
    format!("---\ntitle: About\nextra: {}\n---\n", "{a: ".repeat(15_000)),
    "nests more than 64 levels",
    "content/about.md:3:"
)]
#[case::front_matter_mixed_lines(
    "content/about.md",
    format!("---\ntitle: About\nextra:\n{}---\n", "[{\n".repeat(20_000)),
    "nests more than 64 levels",
    "content/about.md:"
)]
#[case::front_matter_block_nesting(
    "content/about.md",
    format!("---\ntitle: About\n{}---\n", (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect::<String>()),
    "nests more than 64 levels",
    "content/about.md:"
)]
#[case::front_matter_dash_nesting(
    "content/about.md",
    format!("---\ntitle: About\nextra:\n{}x\n---\n", "- ".repeat(30_000)),
    "nests more than 64 levels",
    "content/about.md:4:"
)]
#[case::huge_front_matter(
    "content/about.md",
    format!("---\ntitle: About\nextra:\n{}---\n", "  - some value\n".repeat(20_000)),
    "too large",
    "content/about.md:2:"
)]
#[case::yaml_agenda(
    "content/agendas/dev/2025.yaml",
    format!("title: Dev\nsessions: {}\n", "[".repeat(200_000)),
    "nests more than 64 levels",
    "content/agendas/dev/2025.yaml:2:"
)]
#[case::markdown_agenda(
    "content/agendas/dev/2025.md",
    format!("---\ntitle: Dev\nsessions: {}\n---\n", "{".repeat(200_000)),
    "nests more than 64 levels",
    "content/agendas/dev/2025.md:3:"
)]
#[case::huge_csv_agenda(
    "content/agendas/dev/2025.csv",
    format!("Session #,Day,Time,Title\n{}", "1,2025-03-12,10:00 - 11:00,Kata\n".repeat(40_000)),
    "too large",
    "content/agendas/dev/2025.csv:1:"
)]
#[case::site_yaml(
    "site.yaml",
    format!("title: Test CoP\nextra: {}\n", "[".repeat(200_000)),
    "nests more than 64 levels",
    "site.yaml:2:"
)]
fn deep_or_huge_yaml_is_refused_at_its_position(
    #[case] path: &str,
    #[case] text: String,
    #[case] message: &str,
    #[case] location: &str,
) {
    let site = Fixture::new();
    site.write(path, &text);
    assert_outcome(&site, Some((message, location)));
}

/// YAML aliases that expand exponentially ("billion laughs") are refused by
/// the YAML library itself; the build reports it at the file.
#[test]
fn exponential_yaml_aliases_are_an_error() {
    let mut yaml =
        String::from("---\ntitle: About\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        yaml.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    yaml.push_str("---\n");
    let site = Fixture::new();
    site.write("content/about.md", &yaml);
    let out = site.build(&[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--> content/about.md"), "{err}");
}

/// Markdown that nests deeply or repeats markers builds, in linear time:
/// pulldown-cmark is linear, and so must our passes over its events be.
#[rstest]
#[case::deep_quotes(format!("{} deep\n", ">".repeat(20_000)))]
#[case::deep_lists((0..1_000).map(|i| format!("{}- item\n", "  ".repeat(i))).collect::<String>())]
#[case::deep_ordered_lists((0..1_000).map(|i| format!("{}1. item\n", "   ".repeat(i))).collect::<String>())]
#[case::emphasis_markers(format!("{}\n", "*a **b _c __d ".repeat(20_000)))]
#[case::open_brackets(format!("{}\n", "[".repeat(100_000)))]
#[case::nested_links(format!("{}x{}\n", "[".repeat(5_000), "](#)".repeat(5_000)))]
#[case::backticks(format!("{}\n", "`a ``b ".repeat(20_000)))]
#[case::wide_table(format!("|{}\n|{}\n{}", "a|".repeat(1_000), "-|".repeat(1_000), format!("|{}\n", "x|".repeat(1_000)).repeat(50)))]
#[case::many_headings("## Same\n\n".repeat(10_000))]
#[case::many_footnotes((0..3_000).map(|i| format!("x[^{i}]\n\n[^{i}]: note {i}\n\n")).collect::<String>())]
#[case::many_html_entities(format!("{}\n", "&amp;&#x1A;&#26;&lt;".repeat(20_000)))]
fn deep_markdown_builds(#[case] body: String) {
    let site = Fixture::new();
    site.write(
        "content/about.md",
        &format!("---\ntitle: About\n---\n{body}"),
    );
    assert_outcome(&site, None);
    let page = site.read_out("about/index.html");
    assert!(page.contains("</html>"));
}

/// A session far in the future no longer means months of calendar pages:
/// a site spanning the whole window still builds (1,572 month pages).
#[test]
fn sessions_at_both_ends_of_the_window_build() {
    let site = Fixture::new();
    site.write(
        "content/sessions/dev/first.md",
        "---\ntitle: First\ndate: 1970-01-01\n---\n",
    );
    site.write(
        "content/sessions/dev/last.md",
        "---\ntitle: Last\ndate: 2100-12-31\n---\n",
    );
    assert_outcome(&site, None);
    assert!(site.out().join("calendar/2100/12/index.html").is_file());
    assert!(site.out().join("calendar/1970/01/index.html").is_file());
}

/// Output stays linear in the content: a session with many facilitators
/// and tags is on each of their pages, and each of those pages names only
/// a few of them (the session's own page names everyone).
#[test]
fn crowded_sessions_keep_other_pages_small() {
    let site = Fixture::new();
    let people: Vec<String> = (0..300).map(|i| format!("Person {i}")).collect();
    let tags: Vec<String> = (0..300).map(|i| format!("tag-{i}")).collect();
    for s in 0..3 {
        site.write(
            &format!("content/sessions/dev/s{s}.md"),
            &format!(
                "---\ntitle: S{s}\ndate: 2025-03-1{s}\nfacilitators: [{}]\ntags: [{}]\n---\n",
                people.join(", "),
                tags.join(", ")
            ),
        );
    }
    assert_outcome(&site, None);
    let session = site.read_out("sessions/2025-03-10-s0/index.html");
    assert!(
        session.contains(">Person 299</a>"),
        "the session names everyone"
    );
    let person = site.read_out("facilitators/person-7/index.html");
    assert!(person.contains("and 297 more"), "{person}");
    assert!(!person.contains(">Person 299</a>"));
    let tag = site.read_out("tags/tag-7/index.html");
    assert!(tag.contains("and 297 more"));
    let feed = site.read_out("facilitators/person-7/calendar.ics");
    assert!(feed.contains("and 290 more"), "{feed}");
    assert!(feed.len() < 20_000, "{} bytes", feed.len());
    // Every tag and facilitator page together stays well under what naming
    // everyone everywhere wrote (600 pages x 3 sessions x 600 names).
    // The theme's assets (the vendored Mermaid build alone is 5 MB) are the
    // same for every site: not what crowding grows.
    let assets = site.out().join("assets");
    let total: u64 = walkdir::WalkDir::new(site.out())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.path().starts_with(&assets))
        .map(|e| e.metadata().map_or(0, |m| m.len()))
        .sum();
    assert!(total < 8_000_000, "{total} bytes of output");
}

/// `fireside check` (no output folder) goes through the same limits.
#[test]
fn check_reports_the_same_limits() {
    let site = Fixture::new();
    site.write(
        "content/about.md",
        &format!("---\ntitle: About\nextra: {}\n---\n", "[".repeat(1_000)),
    );
    let out = fireside(&["check", site.path().to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--> content/about.md:3:"), "{err}");
}
