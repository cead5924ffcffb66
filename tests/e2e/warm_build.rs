//! A warm `fireside build` (issue 11): a new process, with the previous
//! output and the cache folder kept, renders only the pages whose input
//! changed, since the manifest records what each page was made from. What
//! it renders is what a builder kept between builds (`fireside serve`)
//! renders for the same change, its output is byte for byte a clean
//! build's, and the pages it does not render keep their links in the link
//! check.

use fireside::build::{Changed, Target};

use crate::harness::{SiteTest, snapshot};

const SESSION: &str = "content/sessions/dev/2026-03-02-kata.md";

fn session(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-03-02\nstart: \"18:00\"\nfacilitators: [Ana Ruiz]\ntags: [testing]\n---\n{body}\n"
    )
}

fn site() -> SiteTest {
    SiteTest::new()
        .file(SESSION, &session("Kata", "We practised katas."))
        .file(
            "content/sessions/dev/2026-04-06-mob.md",
            "---\ntitle: Mob programming\ndate: 2026-04-06\nfacilitators: [Bo Chen]\ntags: [teamwork]\n---\nOne keyboard.\n",
        )
        .file(
            "content/about.md",
            "---\ntitle: About\n---\n## History\n\nWe started in 2020.\n",
        )
        .file(
            "content/guide.md",
            "---\ntitle: Guide\n---\nRead [our history](/about/#history) first.\n",
        )
}

/// The output must be a clean build's, file for file.
#[track_caller]
fn assert_clean(site: &SiteTest, what: &str) {
    let clean_root = tempfile::tempdir().unwrap();
    let clean = clean_root.path().join("clean");
    site.build_with(|o| o.output = Some(clean.clone())).ok();
    assert!(
        snapshot(&site.out()) == snapshot(&clean),
        "{what}: the warm output differs from a clean build"
    );
}

#[test]
fn an_unchanged_warm_build_renders_and_writes_nothing() {
    let site = site();
    let cold = site.build().ok();
    assert!(cold.rendered > 0 && cold.rendered >= cold.pages, "{cold:?}");
    let warm = site.build().ok();
    assert_eq!(warm.rendered, 0, "pages rendered again");
    assert!(warm.written.is_empty(), "{:?}", warm.written);
    assert!(warm.removed.is_empty(), "{:?}", warm.removed);
    assert_clean(&site, "nothing changed");
}

type Edit = fn(&SiteTest);

/// Each change, made between two `fireside build`s, and whether the warm
/// build must render every page (else some, but not all).
const CHANGES: &[(&str, Edit, bool)] = &[
    (
        "one session's body",
        |s| s.write(SESSION, &session("Kata", "We practised katas, again.")),
        false,
    ),
    (
        "a template",
        |s| {
            let theme = include_str!("../../themes/default/templates/session.html");
            s.write(
                "templates/session.html",
                &theme.replacen(
                    "{% endblock content %}",
                    "<p>Changed.</p>\n{% endblock content %}",
                    1,
                ),
            )
        },
        true,
    ),
    (
        "site.yaml",
        |s| {
            s.write(
                "site.yaml",
                "title: Renamed CoP\ntimezone: Europe/Madrid\nbase_url: https://cop.example.com/\n",
            )
        },
        true,
    ),
];

#[test]
fn a_warm_build_renders_what_a_kept_builder_renders_for_the_same_change() {
    for (what, edit, all) in CHANGES {
        let site = site();
        let cold = site.build().ok();
        // The oracle: one builder kept across the change, as `serve` keeps it.
        let preview = tempfile::tempdir().unwrap();
        let out = preview.path().canonicalize().unwrap();
        let mut kept = site.builder();
        kept.build(Target::Folder(&out), Changed::Unknown)
            .unwrap_or_else(|e| panic!("{what}: {:?}", e.diagnostics()));

        edit(&site);
        let warm = site.build().ok();
        let incremental = kept
            .build(Target::Folder(&out), Changed::Unknown)
            .unwrap_or_else(|e| panic!("{what}: {:?}", e.diagnostics()));
        assert_eq!(
            warm.rendered, incremental.rendered,
            "{what}: a warm build and a kept builder render different pages"
        );
        if *all {
            // Every HTML page shows the site's title and comes from the
            // templates; outputs that show neither (a social image whose card
            // did not change, robots.txt) may be kept, as a kept builder keeps them.
            let html = snapshot(&site.out())
                .into_keys()
                .filter(|f| f.ends_with(".html"))
                .count();
            assert!(
                warm.rendered >= html && warm.rendered <= cold.rendered,
                "{what}: rendered {} of {} ({html} HTML pages)",
                warm.rendered,
                cold.rendered
            );
        } else {
            assert!(
                warm.rendered > 0 && warm.rendered < cold.rendered,
                "{what}: rendered {} of {}",
                warm.rendered,
                cold.rendered
            );
            assert!(
                warm.written
                    .iter()
                    .any(|f| f == "sessions/2026-03-02-kata/index.html"),
                "{what}: {:?}",
                warm.written
            );
            assert!(
                !warm.written.iter().any(|f| f.starts_with("guide/")),
                "{what}: {:?}",
                warm.written
            );
        }
        assert_clean(&site, what);
        // And once more: nothing left to render.
        assert_eq!(site.build().ok().rendered, 0, "{what}: a second warm build");
    }
}

#[test]
fn a_page_that_is_not_rendered_again_keeps_its_links_in_the_check() {
    let site = site();
    site.build().ok();
    // The guide links to `/about/#history`; the guide's own input does not
    // change, so only its recorded links can tell the anchor is gone.
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n## Origins\n\nWe started in 2020.\n",
    );
    let failure = site.build().failed();
    // Reported where the guide's source writes it.
    failure.at("broken link `/about/#history`", "content/guide.md:4:");
    // The anchor back, the build passes and the output is a clean build's.
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\n## History\n\nWe started in 2020.\n",
    );
    site.build().ok();
    assert_clean(&site, "the anchor back");
}

#[test]
fn a_page_whose_output_was_edited_by_hand_is_rendered_again() {
    let site = site();
    site.build().ok();
    let page = "guide/index.html";
    let clean = site.read_out(page);
    std::fs::write(site.out().join(page), "edited by hand").unwrap();
    let warm = site.build().ok();
    assert_eq!(warm.rendered, 1, "only the edited page renders");
    assert_eq!(warm.written, [page]);
    assert_eq!(site.read_out(page), clean);
}

#[test]
fn an_unchanged_warm_build_leaves_the_manifest_as_it_was_and_still_sees_later_edits() {
    let site = site();
    let cache = site.path().join(".fireside-cache");
    let build = || site.build_with(|o| o.cache_dir = Some(cache.clone())).ok();
    build();
    // The record the next build reads: `output-*.bin` in the cache folder.
    let manifests: Vec<_> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("output-")
        })
        .collect();
    let [manifest] = &manifests[..] else {
        panic!("one output manifest: {manifests:?}");
    };
    let read = || {
        (
            std::fs::read(manifest).unwrap(),
            std::fs::metadata(manifest).unwrap().modified().unwrap(),
        )
    };
    let before = read();
    assert_eq!(build().rendered, 0);
    assert!(
        read() == before,
        "manifest written again although nothing changed"
    );
    // What the kept manifest says is still checked against the output.
    let page = "guide/index.html";
    let clean = site.read_out(page);
    std::fs::write(site.out().join(page), "edited by hand").unwrap();
    let warm = build();
    assert_eq!(warm.written, [page]);
    assert_eq!(site.read_out(page), clean);
    assert!(read() != before, "the hand edit is recorded");
    assert_eq!(
        build().rendered,
        0,
        "and the next build trusts the new record"
    );
    assert_clean(&site, "after an unchanged build and a hand edit");
}

/// A feed's fingerprint is made from its entries' write-ups and pages, not
/// from their finished content (made only for a feed that renders): an edited
/// write-up must still bring back every feed it is an entry of, and only those.
#[test]
fn an_edited_write_up_renders_again_the_feeds_it_is_in_and_no_others() {
    let site = site();
    site.build().ok();
    let before = site.read_out("feed.xml");
    site.write(
        SESSION,
        &session("Kata", "We practised katas, [again](#again).\n\n## Again\n"),
    );
    let warm = site.build().ok();
    let feeds: Vec<&str> = warm
        .written
        .iter()
        .map(String::as_str)
        .filter(|f| f.ends_with(".xml") && f.contains("feed"))
        .collect();
    for feed in [
        "feed.xml",
        "communities/dev/feed.xml",
        "tags/testing/feed.xml",
        "facilitators/ana-ruiz/feed.xml",
    ] {
        assert!(feeds.contains(&feed), "{feed} not written: {feeds:?}");
    }
    assert!(
        !feeds
            .iter()
            .any(|f| f.contains("teamwork") || f.contains("bo-chen")),
        "the other session's feeds did not change: {feeds:?}"
    );
    let after = site.read_out("feed.xml");
    assert_ne!(before, after);
    assert!(
        after.contains("https://cop.example.com/sessions/2026-03-02-kata/#again"),
        "the new write-up's link, absolute: {after}"
    );
    assert_clean(&site, "an edited write-up");
}
