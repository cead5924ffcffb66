//! Bad input: each case gives a clear message at the right place, the right
//! exit code, and leaves the previous output untouched.

use crate::binary::{NOW, fireside, stderr, stdout};
use crate::harness::*;
use rstest::rstest;

/// (file, contents) written over a valid site; then the expected message,
/// location (`file:line:col` as printed) and exit code.
#[rstest]
#[case::malformed_yaml(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\ntools: [unclosed\n---\n",
    "did not find expected",
    "content/sessions/dev/a.md:5:1"
)]
#[case::unknown_key(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\nfacilitater: Ana\n---\n",
    "unknown key `facilitater`",
    "content/sessions/dev/a.md:4:1"
)]
#[case::wrong_type(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\ndraft: maybe\n---\n",
    "invalid type",
    "content/sessions/dev/a.md:4:8"
)]
#[case::bad_date(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-02-30\n---\n",
    "February has only 28 days",
    "content/sessions/dev/a.md:3:7"
)]
#[case::missing_title(
    "content/patterns/b.md",
    "---\nsummary: no title\n---\nBody\n",
    "missing required key `title`",
    "content/patterns/b.md:1:1"
)]
#[case::empty_title(
    "content/patterns/b.md",
    "---\ntitle: \"\"\n---\nBody\n",
    "`title` is empty",
    "content/patterns/b.md:2:1"
)]
#[case::missing_date(
    "content/sessions/dev/a.md",
    "---\ntitle: A\n---\n",
    "missing required key `date`",
    "content/sessions/dev/a.md:2:1"
)]
#[case::duplicate_slug(
    "content/patterns/TDD.md",
    "---\ntitle: Another TDD\n---\n",
    "duplicate pattern slug `tdd`",
    "content/patterns/"
)]
#[case::empty_file("content/about.md", "", "file is empty", "content/about.md")]
#[case::unclosed_front_matter(
    "content/about.md",
    "---\ntitle: About\n\nText\n",
    "front matter is not closed",
    "content/about.md:1:1"
)]
#[case::link_to_missing_page(
    "content/about.md",
    "---\ntitle: About\n---\nSee [x](patterns/nope.md).\n",
    "link to a missing file `patterns/nope.md`",
    "content/about.md:4:5"
)]
#[case::link_to_missing_anchor(
    "content/about.md",
    "---\ntitle: About\n---\n\nSee [x](patterns/tdd.md#pitfals).\n",
    "`#pitfals` is not an anchor",
    "content/about.md:5:5"
)]
#[case::unknown_wikilink(
    "content/about.md",
    "---\ntitle: About\n---\n[[Nobody Knows]]\n",
    "wikilink `[[Nobody Knows]]` matches nothing",
    "content/about.md:4:1"
)]
#[case::unknown_pattern(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\npatterns:\n  - tdd\n  - refactorin\n---\n",
    "unknown pattern `refactorin`",
    "content/sessions/dev/a.md:6:5"
)]
#[case::unknown_community(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\ncommunity: devs\n---\n",
    "unknown community `devs`",
    "content/sessions/dev/a.md:4:12"
)]
#[case::unknown_zone(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\ntimezone: Europe/Madird\n---\n",
    "did you mean `Europe/Madrid`",
    "content/sessions/dev/a.md:4:11"
)]
#[case::time_in_dst_gap(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-30\ntime: \"02:30-03:30\"\n---\n",
    "does not exist in Europe/Madrid",
    "content/sessions/dev/a.md:4:1"
)]
#[case::end_before_start(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\ntime: \"12:00-10:30\"\n---\n",
    "the end is not after the start",
    "content/sessions/dev/a.md:4:8"
)]
#[case::bad_status(
    "content/sessions/dev/a.md",
    "---\ntitle: A\ndate: 2025-03-12\nstatus: done\n---\n",
    "unknown variant `done`",
    "content/sessions/dev/a.md:4:9"
)]
#[case::non_utf8(
    "content/about.md",
    "---\ntitle: Caf\u{FFFD}\n---\n",
    "not valid UTF-8",
    "content/about.md:2:11"
)]
#[case::csv_unknown_zone(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title,Timezone\n1,2025-03-12,10:30 - 12:00,Kata,Europe/Madird\n",
    "row 1, column `Timezone`: unknown time zone `Europe/Madird`; did you mean `Europe/Madrid`?",
    "content/agendas/dev/2025.csv:2:33"
)]
#[case::csv_impossible_date(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,2025-01-15,10:30 - 12:00,Kata\n2,2025-02-30,10:30 - 12:00,Refactoring\n",
    "row 2, column `Day`: invalid date `2025-02-30`: February has only 28 days",
    "content/agendas/dev/2025.csv:3:3"
)]
#[case::csv_ambiguous_date(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,04/12/2025,10:30 - 12:00,Kata\n",
    "ambiguous date `04/12/2025`",
    "content/agendas/dev/2025.csv:2:3"
)]
#[case::csv_end_before_start(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,2025-03-12,12:00 - 10:30,Kata\n",
    "row 1, column `Time`: invalid time range `12:00 - 10:30`: the end is not after the start",
    "content/agendas/dev/2025.csv:2:14"
)]
#[case::csv_time_in_dst_gap(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,\"30, March 2025\",02:30 - 03:30,Kata\n",
    "row 1, column `Time`: 02:30 on 2025-03-30 does not exist in Europe/Madrid",
    "content/agendas/dev/2025.csv:2:20"
)]
#[case::csv_missing_title(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,2025-03-12,10:30 - 12:00,\n",
    "row 1, column `Title`: missing title",
    "content/agendas/dev/2025.csv:2:28"
)]
#[case::csv_missing_date(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time,Title\n1,,10:30 - 12:00,Kata\n",
    "row 1, column `Day`: `Kata` has no date",
    "content/agendas/dev/2025.csv:2:3"
)]
#[case::csv_without_title_column(
    "content/agendas/dev/2025.csv",
    "Session #,Day,Time\n1,2025-03-12,10:30 - 12:00\n",
    "the agenda has no `Title` or `Date` column",
    "content/agendas/dev/2025.csv:1:1"
)]
#[case::agenda_unknown_zone(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - title: Kata\n    date: 2025-03-12\n    timezone: Europe/Madird\n",
    "did you mean `Europe/Madrid`",
    "content/agendas/dev/2025.yaml:5:5"
)]
#[case::agenda_impossible_date(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - title: Kata\n    date: 30 February 2025\n",
    "session 1 of the agenda: the date `30 February 2025` does not exist",
    "content/agendas/dev/2025.yaml:4:5"
)]
#[case::agenda_ambiguous_date(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - title: Kata\n    date: 04/12/2025\n",
    "session 1 of the agenda: ambiguous date `04/12/2025`",
    "content/agendas/dev/2025.yaml:4:5"
)]
#[case::agenda_end_before_start(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - title: Kata\n    date: 2025-03-12\n    time: \"12:00-10:30\"\n",
    "the end is not after the start",
    "content/agendas/dev/2025.yaml:5:5"
)]
#[case::agenda_time_in_dst_gap(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\ntimezone: Europe/Madrid\nsessions:\n  - title: Kata\n    date: 2025-03-30\n    time: \"02:30-03:30\"\n",
    "session 1 of the agenda: 02:30 on 2025-03-30 does not exist in Europe/Madrid",
    "content/agendas/dev/2025.yaml:6:5"
)]
#[case::agenda_missing_title(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - date: 2025-03-12\n    facilitator: Ana\n",
    "session 1 of the agenda: missing title",
    "content/agendas/dev/2025.yaml:3:5"
)]
#[case::agenda_missing_date(
    "content/agendas/dev/2025.yaml",
    "title: Dev 2025\nsessions:\n  - title: Kata\n    facilitator: Ana\n",
    "session 1 of the agenda: `Kata` has no date",
    "content/agendas/dev/2025.yaml:3:5"
)]
#[case::template_error(
    "templates/page.html",
    "{% extends \"base.html\" %}{% block content %}{{ page_title | nope }}{% endblock content %}",
    "template error",
    "templates/page.html"
)]
#[case::unknown_code_language_is_only_a_warning_but_bad_link_fails(
    "content/about.md",
    "---\ntitle: About\n---\n```klingon\nx\n```\n[[nope-nope]]\n",
    "unknown code block language `klingon`",
    "content/about.md:4:1"
)]
fn bad_input_is_reported_with_its_location(
    #[case] file: &str,
    #[case] contents: &str,
    #[case] message: &str,
    #[case] location: &str,
) {
    let site = SiteTest::new();
    site.write("content/about.md", "---\ntitle: About\n---\nHello.\n");
    site.build().ok();
    let before = snapshot(&site.out());

    if message == "not valid UTF-8" {
        site.write_bytes(file, b"---\ntitle: Caf\xE9\n---\n");
    } else {
        site.write(file, contents);
    }
    // A content error (the binary's exit code 1), with the message at its place.
    let failure = site.build().failed();
    failure.at(message, location);
    assert!(!failure.errors().is_empty(), "{}", failure.rendered());
    assert_eq!(
        before,
        snapshot(&site.out()),
        "the previous output must be untouched"
    );
}

#[test]
fn every_error_of_a_build_is_reported_at_once() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/a.md",
        "---\ntitle: A\ndate: 2025-13-01\n---\n",
    );
    site.write(
        "content/sessions/dev/b.md",
        "---\ntitle: B\ndate: 2025-03-12\nformatt: Kata\n---\n",
    );
    site.write(
        "content/patterns/c.md",
        "---\ntitle: C\nmaturity: sometimes\n---\n",
    );
    let failure = site.build().failed();
    failure.at("", "content/sessions/dev/a.md:3:7");
    failure.at("did you mean `format`", "content/sessions/dev/b.md:4:1");
    failure.at("", "content/patterns/c.md:3:11");
    assert_eq!(failure.errors().len(), 3, "{}", failure.rendered());
}

#[test]
fn errors_quote_the_line_with_a_caret_and_a_hint() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/a.md",
        "---\ntitle: A\ndate: 2025-03-12\nfacilitater: Ana\n---\n",
    );
    let err = stderr(&site.run_build(&[]));
    assert!(err.contains("4 | facilitater: Ana"), "{err}");
    assert!(err.contains("^^^^^^^^^^^"), "{err}");
    assert!(err.contains("help: did you mean `facilitators`?"), "{err}");
}

#[test]
fn github_actions_get_workflow_annotations() {
    let site = SiteTest::new();
    site.write(
        "content/sessions/dev/a.md",
        "---\ntitle: A\ndate: 2025-03-12\nfacilitater: Ana\n---\n",
    );
    let out = assert_cmd::Command::cargo_bin("fireside")
        .unwrap()
        .args(["build", site.path().to_str().unwrap(), "--now", NOW])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let annotations = stdout(&out);
    assert!(
        annotations.contains(
            "::error file=content/sessions/dev/a.md,line=4,col=1::unknown key `facilitater`"
        ),
        "{annotations}"
    );
}

#[test]
fn warnings_do_not_fail_the_build() {
    let site = SiteTest::new();
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n```klingon\nqapla\n```\n",
    );
    let report = site.build().ok();
    assert_eq!(report.warnings.len(), 1, "{}", render(&report.warnings));
    assert!(render(&report.warnings).contains("warning: unknown code block language `klingon`"));
    assert!(
        site.read_out("about/index.html")
            .contains("<code class=\"language-klingon\">qapla\n</code>")
    );
}

#[rstest]
#[case::site_root(".")]
#[case::inside_content("content/out")]
#[case::inside_static("static/out")]
#[case::parent_of_site("..")]
fn forbidden_output_folders_are_refused(#[case] rel: &str) {
    let site = SiteTest::new();
    site.write("static/keep.txt", "keep");
    let target = site.path().join(rel);
    let out = site.run_build(&["-o", target.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to write the site"),
        "{}",
        stderr(&out)
    );
    assert!(site.path().join("content/patterns/tdd.md").is_file());
    assert!(site.path().join("static/keep.txt").is_file());
}

#[test]
fn a_folder_fireside_did_not_create_is_never_replaced() {
    let site = SiteTest::new();
    site.write("docs/notes.txt", "precious");
    let out = site.run_build(&["-o", site.path().join("docs").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("was not created by Fireside"));
    assert_eq!(
        std::fs::read_to_string(site.path().join("docs/notes.txt")).unwrap(),
        "precious"
    );
}

#[test]
fn usage_errors_exit_with_two() {
    assert_eq!(fireside(&["build", "--bogus"]).status.code(), Some(2));
    assert_eq!(
        fireside(&["new", "session", "No date"]).status.code(),
        Some(2)
    );
    // A missing site folder is a usage error (issue 9): there is no content to fix.
    // (In a fresh temp dir: builds before that fix created the folder they were given.)
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("not/a/site");
    let missing = fireside(&["build", path.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains(&format!("site folder `{}` does not exist", path.display())));
    assert!(!path.exists());
}

#[test]
fn an_invalid_site_yaml_names_its_line() {
    let site = SiteTest::new();
    site.write(
        "site.yaml",
        "title: T\nbase_url: example.org\ntimezon: UTC\n",
    );
    site.build()
        .failed()
        .at("did you mean `timezone`", "site.yaml:3:1");
}

#[test]
fn broken_links_in_generated_html_are_errors_at_their_source() {
    // A site-absolute link in Markdown: reported at its Markdown line.
    let site = SiteTest::new();
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nIntro.\n\nSee [the rules](/rules/) first.\n",
    );
    site.build()
        .failed()
        .at("broken link `/rules/`", "content/about.md:6:17");

    // A template that links nowhere: reported at the template.
    let site = SiteTest::new();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<a href=\"{{ url(path='nowhere/') }}\">x</a><a href=\"#missing\">y</a>{% endblock content %}",
    );
    site.write("content/about.md", "---\ntitle: About\n---\nText.\n");
    let failure = site.build().failed();
    failure.at(
        "broken link `/nowhere/` in the page about/index.html",
        "templates/page.html",
    );
    failure.at("broken link `#missing`", "");
    // `check` reports the same, as content errors.
    site.check()
        .failed()
        .at("`/nowhere/`", "templates/page.html");
}

#[cfg(feature = "external-links")]
#[test]
fn check_external_reports_dead_links_only_when_asked() {
    // A real HTTP server on loopback: /ok answers 200, anything else 404.
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    let handle = std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let status = if request.url() == "/ok" { 200 } else { 404 };
            if request.url() == "/stop" {
                let _ = request.respond(tiny_http::Response::empty(200));
                break;
            }
            let _ = request.respond(tiny_http::Response::empty(status));
        }
    });
    let site = SiteTest::new();
    site.write(
        "content/about.md",
        &format!("---\ntitle: About\n---\n[alive](http://127.0.0.1:{port}/ok) and [dead](http://127.0.0.1:{port}/gone#x).\n"),
    );
    site.check().ok();
    let failure = site
        .build_with(|o| {
            o.dry_run = true;
            o.external_links = true;
        })
        .failed();
    failure.at(
        &format!("dead external link `http://127.0.0.1:{port}/gone`: the server answered 404"),
        "content/about.md",
    );
    let err = failure.rendered();
    assert!(!err.contains("/ok`"), "{err}");
    let _ = ureq::get(&format!("http://127.0.0.1:{port}/stop")).call();
    handle.join().unwrap();
}

#[cfg(not(feature = "external-links"))]
#[test]
fn check_external_without_the_feature_says_so() {
    use crate::binary::assert_success;
    let site = SiteTest::new();
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n[out](https://example.org/).\n",
    );
    assert_success(&fireside(&["check", site.path().to_str().unwrap()]));
    let out = fireside(&["check", "--external", site.path().to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("built without the `external-links` feature"),
        "{err}"
    );
}
