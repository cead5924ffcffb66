//! `redirect_from` on every page made from a file (the content model says
//! "on any page"): sessions, communities, people and agendas keep their old
//! paths working like patterns and plain pages do (kb_upkeep.rs), with the
//! same checks: a real page, the page's own path, an old path two pages
//! claim, a path that is no path.

use crate::harness::*;

/// Every kind of page from a file, each moved from an old path.
fn moved_everywhere() -> SiteTest {
    SiteTest::new()
        .base_url("https://cop.example.org/kb/")
        .file(
            "content/communities/dev.md",
            "---\ntitle: Dev CoP\ncolor: \"#225588\"\nredirect_from: [groups/dev/]\n---\nWe meet often.\n",
        )
        .file(
            "content/people/ana-ruiz.md",
            "---\ntitle: Ana Ruiz\nrole: Engineer\naliases: [Ana]\nredirect_from:\n  - team/ana.html\n---\nAna likes katas.\n",
        )
        .file(
            "content/sessions/dev/kata.md",
            "---\ntitle: Kata\ndate: 2026-03-18\nfacilitator: Ana\nredirect_from: [/events/kata-march, old/kata/]\n---\nNotes.\n",
        )
        .file(
            "content/sessions/dev/lean-coffee.md",
            "---\ntitle: Lean Coffee\ndate: 2026-01-08\nrepeat: monthly on the 2nd thursday\ncount: 3\nredirect_from: [lean-coffee/]\n---\nEvery month.\n",
        )
        .file(
            "content/agendas/dev/2027.yaml",
            "title: Dev 2027\nredirect_from: [plans/2027/]\nsessions:\n  - title: Kickoff\n    date: 2027-01-05\n",
        )
        .file(
            "content/agendas/dev/season.md",
            "---\ntitle: Season\nredirect_from: [plans/season/]\nsessions:\n  - title: Opening\n    date: 2027-02-05\n---\nThe season's plan.\n",
        )
}

/// The `_redirects` rules as (from, to) pairs.
fn rules(site: &SiteTest) -> Vec<(String, String)> {
    site.read_out("_redirects")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "{l}");
            assert_eq!(parts[2], "301", "{l}");
            (parts[0].to_string(), parts[1].to_string())
        })
        .collect()
}

#[test]
fn sessions_communities_people_and_agendas_keep_their_old_paths() {
    let site = moved_everywhere();
    site.build().ok();
    let moves = [
        ("groups/dev/index.html", "/kb/communities/dev/", "Dev CoP"),
        ("team/ana.html", "/kb/facilitators/ana-ruiz/", "Ana Ruiz"),
        (
            "events/kata-march/index.html",
            "/kb/sessions/2026-03-18-kata/",
            "Kata",
        ),
        (
            "old/kata/index.html",
            "/kb/sessions/2026-03-18-kata/",
            "Kata",
        ),
        (
            "lean-coffee/index.html",
            "/kb/sessions/lean-coffee/",
            "Lean Coffee",
        ),
        ("plans/2027/index.html", "/kb/agendas/dev-2027/", "Dev 2027"),
        (
            "plans/season/index.html",
            "/kb/agendas/dev-season/",
            "Season",
        ),
    ];
    let pairs = rules(&site);
    for (old, target, title) in moves {
        let doc = site.html(old);
        let refresh = select(&doc, "meta[http-equiv=refresh]");
        assert_eq!(
            refresh[0].value().attr("content"),
            Some(format!("0; url={target}").as_str()),
            "{old}"
        );
        let canonical = select(&doc, "link[rel=canonical]");
        assert_eq!(
            canonical[0].value().attr("href"),
            Some(format!("https://cop.example.org{target}").as_str()),
            "{old}"
        );
        let link = select(&doc, "main a");
        assert_eq!(link[0].value().attr("href"), Some(target), "{old}");
        assert_eq!(link[0].text().collect::<String>(), title, "{old}");
        // The target is a real page of the build.
        site.html(&format!("{}index.html", target.trim_start_matches("/kb/")));
        let from = format!("/kb/{}", old.trim_end_matches("index.html"));
        assert!(
            pairs.contains(&(from.clone(), target.to_string())),
            "{from} -> {target} not in {pairs:?}"
        );
    }
    assert!(broken_links(&site.out(), "/kb/").is_empty());
}

#[test]
fn a_redirect_of_any_page_over_a_real_page_a_loop_or_a_second_claim_is_an_error() {
    let site = SiteTest::new()
        .file(
            "content/sessions/dev/kata.md",
            "---\ntitle: Kata\ndate: 2026-03-18\nredirect_from:\n  - patterns/tdd/\n  - sessions/2026-03-18-kata/\n  - old/\n---\nNotes.\n",
        )
        .file(
            "content/communities/dev.md",
            "---\ntitle: Dev CoP\nredirect_from: [old/, facilitators/]\n---\nWe meet often.\n",
        )
        .file(
            "content/people/ana-ruiz.md",
            "---\ntitle: Ana Ruiz\nredirect_from: [communities/dev/]\n---\nAna.\n",
        )
        .file(
            "content/agendas/dev/2027.yaml",
            "title: Dev 2027\nredirect_from:\n  - ../../etc/\n  - agendas/dev-2027/\nsessions:\n  - title: Kickoff\n    date: 2027-01-05\n",
        );
    let failed = site.build().failed();
    failed.at(
        "`patterns/tdd/` is a page of this site",
        "content/sessions/dev/kata.md:5:5",
    );
    failed.at(
        "redirects to itself, a loop",
        "content/sessions/dev/kata.md:6:5",
    );
    // The session claims `old/` first (files in order), the community second.
    failed.at(
        "`old/` already redirects to `Kata`",
        "content/communities/dev.md:3:",
    );
    failed.at(
        "`facilitators/` is a page of this site",
        "content/communities/dev.md:3:",
    );
    failed.at(
        "`communities/dev/` is a page of this site",
        "content/people/ana-ruiz.md:3:",
    );
    failed.at(
        "is not a path this site can redirect",
        "content/agendas/dev/2027.yaml:3:5",
    );
    failed.at(
        "redirects to itself, a loop",
        "content/agendas/dev/2027.yaml:4:5",
    );
}

#[test]
fn an_unknown_key_still_names_redirect_from_as_a_key_of_sessions() {
    // The key is a session key now, so a misspelling suggests it.
    let site = SiteTest::new().file(
        "content/sessions/dev/kata.md",
        "---\ntitle: Kata\ndate: 2026-03-18\nredirect_form: [old/]\n---\nNotes.\n",
    );
    let failed = site.build().failed();
    let d = failed.at("redirect_form", "content/sessions/dev/kata.md:4:1");
    assert!(
        d.hint
            .as_deref()
            .unwrap_or_default()
            .contains("redirect_from"),
        "{:?}",
        d.hint
    );
}
