//! What a preview rebuild reuses from the build before (issue 11): each
//! unchanged Markdown body keeps its template value and fingerprint, and
//! related content is counted without a map per page. A reused body must be
//! one whose HTML is the same, whatever else moved: after every save here
//! the preview folder holds exactly a clean build's files, the saved change
//! shows where the user looks for it, and only the pages it touches are
//! rendered again.

use std::path::{Path, PathBuf};

use fireside::build::{BuildReport, Builder, Changed, Target};

use crate::harness::{SiteTest, select, snapshot, text_of};

const KATA: &str = "content/sessions/dev/2026-03-02-kata.md";
const MOB: &str = "content/sessions/dev/2026-04-06-mob.md";

/// A body long enough to be shared between builds (more than a few
/// hundred bytes of HTML), ending with `marker`.
fn long_body(marker: &str) -> String {
    let paragraph = "We practised the bowling kata in pairs, swapping the keyboard \
                     every five minutes and writing the next failing test before any code. ";
    format!("{}\n\n{marker}\n", paragraph.repeat(4))
}

fn session(title: &str, date: &str, tags: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: {date}\nstatus: held\nfacilitators: [Ana Ruiz]\ntags: [{tags}]\npatterns: [TDD]\n---\n{body}"
    )
}

fn site() -> SiteTest {
    SiteTest::new()
        .file(
            KATA,
            &session("Kata", "2026-03-02", "testing", &long_body("First kata.")),
        )
        // The same body as the kata's: two items, two values.
        .file(
            MOB,
            &session(
                "Mob programming",
                "2026-04-06",
                "testing, teamwork",
                &long_body("First kata."),
            ),
        )
}

/// A builder kept between saves, as `fireside serve` keeps one, writing
/// into its own folder.
struct Preview {
    builder: Builder,
    out: PathBuf,
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Preview {
    fn start(site: &SiteTest) -> Preview {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().canonicalize().expect("canonical temp dir");
        let root = site.path().canonicalize().expect("canonical site");
        let mut builder = site.builder();
        builder
            .build(Target::Folder(&out), Changed::Unknown)
            .expect("the first build succeeds");
        Preview {
            builder,
            out,
            root,
            _dir: dir,
        }
    }

    /// Rebuilds after a save of `paths`, named as the watcher names them.
    fn saved(&mut self, paths: &[&str]) -> BuildReport {
        let changed: Vec<PathBuf> = paths.iter().map(|p| self.root.join(p)).collect();
        self.builder
            .build(Target::Folder(&self.out), Changed::Only(&changed))
            .unwrap_or_else(|e| panic!("rebuild failed: {e:?}"))
    }

    fn page(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&read(&self.out.join(rel)))
    }

    fn text(&self, rel: &str) -> String {
        read(&self.out.join(rel))
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The preview folder must hold a clean build's files, file for file.
#[track_caller]
fn assert_clean(site: &SiteTest, preview: &Preview, what: &str) {
    let clean_root = tempfile::tempdir().expect("temp dir");
    let clean = clean_root.path().join("clean");
    site.build_with(|o| o.output = Some(clean.clone())).ok();
    let mut clean = snapshot(&clean);
    clean.remove(".fireside-output");
    let mut preview = snapshot(&preview.out);
    preview.remove(".fireside-output");
    let differs: Vec<&String> = clean
        .keys()
        .chain(preview.keys())
        .filter(|k| clean.get(*k) != preview.get(*k))
        .collect();
    assert!(
        differs.is_empty(),
        "{what}: the preview differs from a clean build at {differs:?}"
    );
}

#[test]
fn a_body_edit_shows_and_an_equal_body_elsewhere_keeps_its_text() {
    let site = site();
    let mut preview = Preview::start(&site);
    site.write(
        KATA,
        &session("Kata", "2026-03-02", "testing", &long_body("Second kata.")),
    );
    let report = preview.saved(&[KATA]);
    let kata = preview.text("sessions/2026-03-02-kata/index.html");
    assert!(kata.contains("Second kata."), "the edit is not shown");
    assert!(!kata.contains("First kata."), "the old body is still shown");
    // The session that had the same body keeps it.
    let mob = preview.text("sessions/2026-04-06-mob/index.html");
    assert!(
        mob.contains("First kata."),
        "the other session lost its body"
    );
    assert!(
        !mob.contains("Second kata."),
        "the edit leaked into another page"
    );
    assert!(
        report.rendered < report.pages / 2,
        "a body edit rendered {} of {} pages",
        report.rendered,
        report.pages
    );
    assert_clean(&site, &preview, "after a body edit");

    // Back to the first text: the value of two builds ago is not stale.
    site.write(
        KATA,
        &session("Kata", "2026-03-02", "testing", &long_body("First kata.")),
    );
    preview.saved(&[KATA]);
    let kata = preview.text("sessions/2026-03-02-kata/index.html");
    assert!(kata.contains("First kata.") && !kata.contains("Second kata."));
    assert_clean(&site, &preview, "after undoing the edit");
}

#[test]
fn a_retitle_shows_on_the_lists_the_tag_the_person_and_the_feed() {
    let site = site();
    let mut preview = Preview::start(&site);
    site.write(
        KATA,
        &session(
            "Bowling kata",
            "2026-03-02",
            "testing",
            &long_body("First kata."),
        ),
    );
    preview.saved(&[KATA]);
    for list in [
        "sessions/index.html",
        "tags/testing/index.html",
        "facilitators/ana-ruiz/index.html",
        "patterns/tdd/index.html",
    ] {
        let page = preview.page(list);
        let links: Vec<String> = select(&page, "a")
            .iter()
            .map(|a| a.text().collect::<String>().trim().to_string())
            .collect();
        assert!(
            links.iter().any(|t| t.contains("Bowling kata")),
            "{list} does not show the new title: {links:?}"
        );
        assert!(
            !links.iter().any(|t| t == "Kata"),
            "{list} still shows the old title: {links:?}"
        );
    }
    let kata = preview.page("sessions/2026-03-02-kata/index.html");
    assert_eq!(text_of(&kata, "h1"), "Bowling kata");
    // Related content of the other session names it by its new title.
    let mob = preview.text("sessions/2026-04-06-mob/index.html");
    assert!(
        mob.contains("Bowling kata"),
        "related content kept the old title"
    );
    let feed = preview.text("feed.xml");
    assert!(feed.contains("Bowling kata"), "{feed}");
    assert_clean(&site, &preview, "after a retitle");
}

#[test]
fn a_deleted_and_a_renamed_session_leave_no_stale_page() {
    let site = site();
    let mut preview = Preview::start(&site);
    // Renamed: the same body at a new path.
    let renamed = "content/sessions/dev/2026-03-02-bowling.md";
    site.write(renamed, &site.source(KATA));
    site.remove(KATA);
    preview.saved(&[KATA, renamed]);
    assert!(
        !preview
            .out
            .join("sessions/2026-03-02-kata/index.html")
            .exists(),
        "the old page is still served"
    );
    let bowling = preview.text("sessions/2026-03-02-bowling/index.html");
    assert!(
        bowling.contains("First kata."),
        "the renamed page lost its body"
    );
    assert_clean(&site, &preview, "after a rename");

    site.remove(MOB);
    preview.saved(&[MOB]);
    assert!(
        !preview
            .out
            .join("sessions/2026-04-06-mob/index.html")
            .exists()
    );
    let tag = preview.text("tags/testing/index.html");
    assert!(!tag.contains("Mob programming"), "the tag still lists it");
    assert_clean(&site, &preview, "after a delete");
}
