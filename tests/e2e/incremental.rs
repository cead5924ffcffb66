//! The incremental promise, as a property: random edit scripts applied to a
//! tiny site through one long-lived [`Builder`] (what `fireside serve`
//! keeps) give, after every step that succeeds, exactly the bytes of a
//! clean build of the same sources into another folder, whole output tree
//! against whole output tree; a step that fails reports what a clean build
//! reports and leaves the previous output as it was.
//!
//! The site is modelled (sessions, patterns, people, pages, agendas, the
//! community, site.yaml) so that edits reach every relation: titles,
//! dates, tags, facilitators, patterns, bodies with wikilinks, Markdown
//! links and anchors. Errors come without being asked for: a session names
//! a pattern that was deleted, a link points at a page that was renamed, a
//! wikilink becomes ambiguous; and some steps break a file outright.
//!
//! Each step tells the builder what changed the way `serve` can: either
//! the watcher's list of paths (`Changed::Only`) or nothing
//! (`Changed::Unknown`, every stamp compared). Every write moves the file's
//! modification time forward, so a stamp always shows an edit, as it does
//! when an editor saves a second later.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use fireside::build::{BuildError, Changed, Target};
use proptest::prelude::*;

use crate::harness::{SiteTest, render, snapshot};

/// Every file an edit can touch; the kind decides what is written there.
const SLOTS: &[(&str, Kind)] = &[
    ("content/sessions/dev/s0.md", Kind::Session),
    ("content/sessions/dev/s1.md", Kind::Session),
    ("content/sessions/dev/s2.md", Kind::Session),
    ("content/sessions/dev/s3.md", Kind::Session),
    ("content/patterns/p0.md", Kind::Pattern),
    ("content/patterns/p1.md", Kind::Pattern),
    ("content/patterns/p2.md", Kind::Pattern),
    ("content/people/ana-ruiz.md", Kind::Person),
    ("content/people/bo-chen.md", Kind::Person),
    ("content/about.md", Kind::Page),
    ("content/guide.md", Kind::Page),
    ("content/agendas/dev/2025.yaml", Kind::Agenda),
    ("content/agendas/dev/2026.yaml", Kind::Agenda),
    ("content/communities/dev.md", Kind::Community),
    ("site.yaml", Kind::SiteYaml),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Session,
    Pattern,
    Person,
    Page,
    Agenda,
    Community,
    SiteYaml,
}

const SESSION_TITLES: &[&str] = &["Kata", "Mob programming", "Retro", "Feature flags"];
/// Past and future of [`crate::harness::NOW`], across months and years.
const DATES: &[&str] = &["2025-01-10", "2025-03-12", "2026-12-01", "2027-02-02"];
const TAGS: &[&str] = &["tdd", "design", "legacy"];
/// Names as sessions write them: a profile's title, its alias, a person
/// with a profile only sometimes, and one without.
const FACILITATORS: &[&str] = &["Ana Ruiz", "Ana", "Bo Chen", "Cy Diaz"];
const PATTERNS: &[&str] = &["p0", "p1", "p2"];
const PATTERN_TITLES: &[&str] = &[
    "Test-Driven Development",
    "Refactoring",
    "Pair programming",
    "Mob programming",
];
/// Bodies of sessions and pages: plain text, every link form, code.
const BODIES: &[&str] = &[
    "Plain notes.",
    "See [[Test-Driven Development]] and [the pitfalls](/patterns/p0/#pitfalls).",
    "## Outcome\n\nWe met [[Ana]] and read [[p1]].\n\n```rust\nfn main() {}\n```",
    "Back to [the guide](/guide/) and [[community:Dev CoP]].",
    "Read [[p2#pitfalls]] first.",
];
/// Files that fail the build, each in its own way.
const BROKEN: &[&str] = &[
    "---\ntitle: Broken\ndate: 2025-02-30\n---\n",
    "---\ntitle: Broken\nfacilitater: Ana\n---\n",
    "---\ntitle: [unclosed\n---\n",
    "",
    "---\ntitle: Broken\n---\n[[Nobody Knows]]\n",
];

/// The content of one slot, chosen by a few numbers.
fn render_file(kind: Kind, v: &[u8; 8]) -> String {
    let pick = |list: &[&'static str], i: u8| list[i as usize % list.len()];
    // A subset of `list` from the bits of `mask`.
    let subset = |list: &[&'static str], mask: u8| -> Vec<&'static str> {
        list.iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, s)| *s)
            .collect()
    };
    let list = |items: Vec<&str>| format!("[{}]", items.join(", "));
    match kind {
        Kind::Session => {
            let mut s = format!(
                "---\ntitle: {}\ndate: {}\ncommunity: dev\n",
                pick(SESSION_TITLES, v[0]),
                pick(DATES, v[1])
            );
            if v[2] % 2 == 1 {
                s.push_str("time: \"10:30-12:00\"\n");
            }
            let tags = subset(TAGS, v[3]);
            if !tags.is_empty() {
                s += &format!("tags: {}\n", list(tags));
            }
            let people = subset(FACILITATORS, v[4]);
            if !people.is_empty() {
                s += &format!("facilitators: {}\n", list(people));
            }
            // Mostly patterns that exist at the start; p1 and p2 come and go.
            let patterns = subset(
                PATTERNS,
                (v[5] % 8) & if v[6].is_multiple_of(3) { 7 } else { 1 },
            );
            if !patterns.is_empty() {
                s += &format!("patterns: {}\n", list(patterns));
            }
            if v[7].is_multiple_of(5) {
                s.push_str("status: cancelled\n");
            }
            s + "---\n" + pick(BODIES, v[6]) + "\n"
        }
        Kind::Pattern => {
            let mut s = format!("---\ntitle: {}\n", pick(PATTERN_TITLES, v[0]));
            if v[1] % 2 == 1 {
                s.push_str("summary: A practice.\n");
            }
            let tags = subset(TAGS, v[2]);
            if !tags.is_empty() {
                s += &format!("tags: {}\n", list(tags));
            }
            s.push_str("---\n## When to use\n\nOften.\n");
            if !v[3].is_multiple_of(3) {
                s.push_str("\n## Pitfalls\n\nSome.\n");
            }
            s
        }
        Kind::Person => {
            let mut s = format!(
                "---\ntitle: {}\nrole: {}\n",
                pick(&["Ana Ruiz", "Bo Chen", "Ana Ruiz-Diaz"], v[0]),
                pick(&["Engineer", "Coach"], v[1])
            );
            if v[2].is_multiple_of(2) {
                s.push_str("aliases: [Ana]\n");
            }
            s + "---\n" + pick(BODIES, v[3]) + "\n"
        }
        Kind::Page => format!(
            "---\ntitle: {}\n---\n{}\n",
            pick(&["About", "Guide", "How we work"], v[0]),
            pick(BODIES, v[1])
        ),
        Kind::Agenda => {
            let mut s = format!(
                "title: {}\nsessions:\n",
                pick(&["Dev 2025", "Dev plan"], v[0])
            );
            for i in 0..=(v[1] % 3) as usize {
                s += &format!(
                    "  - title: {}\n    date: {}\n    facilitator: {}\n",
                    pick(SESSION_TITLES, v[2 + i]),
                    pick(DATES, v[5 + i % 3]),
                    pick(FACILITATORS, v[3 + i])
                );
            }
            s
        }
        Kind::Community => format!(
            "---\ntitle: {}\npurpose: {}\n---\nWe meet often.\n",
            pick(&["Dev CoP", "Developers"], v[0]),
            pick(&["Build well.", "Ship often."], v[1])
        ),
        Kind::SiteYaml => format!(
            "title: {}\ntimezone: {}\n",
            pick(&["Test CoP", "Our CoP"], v[0]),
            pick(&["Europe/Madrid", "America/New_York"], v[1])
        ),
    }
}

/// One edit of a script.
#[derive(Debug, Clone)]
enum Step {
    /// Adds the file, or replaces it whole.
    Write {
        slot: usize,
        v: [u8; 8],
    },
    /// Changes one of the numbers a file was made from: one title, date,
    /// list or body, the rest as it was.
    Tweak {
        slot: usize,
        field: usize,
        value: u8,
    },
    Delete {
        slot: usize,
    },
    /// Moves a file to another slot of its kind (a new URL for sessions,
    /// patterns, people and pages).
    Rename {
        slot: usize,
        to: usize,
    },
    /// Writes a file that fails the build.
    Break {
        slot: usize,
        how: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let slot = 0..SLOTS.len();
    prop_oneof![
        3 => (slot.clone(), any::<[u8; 8]>()).prop_map(|(slot, v)| Step::Write { slot, v }),
        4 => (slot.clone(), 0..8usize, any::<u8>())
            .prop_map(|(slot, field, value)| Step::Tweak { slot, field, value }),
        1 => slot.clone().prop_map(|slot| Step::Delete { slot }),
        1 => (slot.clone(), 0..4usize).prop_map(|(slot, to)| Step::Rename { slot, to }),
        1 => (slot, 0..BROKEN.len()).prop_map(|(slot, how)| Step::Break { slot, how }),
    ]
}

/// The sources as the script left them: per path, the numbers its content
/// came from (`None`: a broken file, whose text is kept as it is).
struct Sources {
    files: BTreeMap<&'static str, (Kind, Option<[u8; 8]>, String)>,
    /// Moves every write's modification time forward.
    clock: SystemTime,
}

impl Sources {
    fn start(site: &SiteTest) -> Sources {
        let mut s = Sources {
            files: BTreeMap::new(),
            clock: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        };
        for (slot, v) in [
            (14, [0; 8]),                   // site.yaml
            (13, [0; 8]),                   // the community
            (4, [0, 1, 1, 1, 0, 0, 0, 0]),  // p0: TDD, with its pitfalls
            (5, [1, 0, 0, 0, 0, 0, 0, 0]),  // p1: Refactoring
            (7, [0, 0, 0, 0, 0, 0, 0, 0]),  // Ana Ruiz, alias Ana
            (0, [0, 1, 1, 1, 3, 1, 1, 1]),  // s0 links p0 and its pitfalls
            (9, [0, 0, 0, 0, 0, 0, 0, 0]),  // about
            (10, [1, 2, 0, 0, 0, 0, 0, 0]), // the guide
            (11, [0, 1, 1, 0, 2, 3, 1, 0]), // an agenda
        ] {
            s.write(site, slot, Some(v), render_file(SLOTS[slot].1, &v));
        }
        s
    }

    fn write(&mut self, site: &SiteTest, slot: usize, v: Option<[u8; 8]>, text: String) {
        let (path, kind) = SLOTS[slot];
        site.write(path, &text);
        self.clock += Duration::from_secs(1);
        std::fs::File::options()
            .write(true)
            .open(site.path().join(path))
            .and_then(|f| f.set_modified(self.clock))
            .expect("set the modification time");
        self.files.insert(path, (kind, v, text));
    }

    /// Applies a step; returns what it did, for the transcript, and the
    /// paths it touched, for the watcher's report.
    fn apply(&mut self, site: &SiteTest, step: &Step) -> (String, Vec<&'static str>) {
        match *step {
            Step::Write { slot, v } => {
                let text = render_file(SLOTS[slot].1, &v);
                self.write(site, slot, Some(v), text.clone());
                (
                    format!("write {}:\n{text}", SLOTS[slot].0),
                    vec![SLOTS[slot].0],
                )
            }
            Step::Tweak { slot, field, value } => {
                let path = SLOTS[slot].0;
                let Some((kind, Some(mut v), _)) = self.files.get(path).cloned() else {
                    return (format!("tweak {path}: nothing to tweak"), vec![]);
                };
                v[field] = value;
                let text = render_file(kind, &v);
                self.write(site, slot, Some(v), text.clone());
                (format!("tweak {path}:\n{text}"), vec![path])
            }
            Step::Delete { slot } => {
                let path = SLOTS[slot].0;
                if self.files.remove(path).is_none() {
                    return (format!("delete {path}: not there"), vec![]);
                }
                site.remove(path);
                (format!("delete {path}"), vec![path])
            }
            Step::Rename { slot, to } => {
                let (from, kind) = SLOTS[slot];
                let same_kind: Vec<usize> =
                    (0..SLOTS.len()).filter(|i| SLOTS[*i].1 == kind).collect();
                let target = same_kind[to % same_kind.len()];
                let to_path = SLOTS[target].0;
                if target == slot || self.files.contains_key(to_path) {
                    return (format!("rename {from}: no free slot"), vec![]);
                }
                let Some(file) = self.files.remove(from) else {
                    return (format!("rename {from}: not there"), vec![]);
                };
                std::fs::rename(site.path().join(from), site.path().join(to_path)).expect("rename");
                self.files.insert(to_path, file);
                (format!("rename {from} -> {to_path}"), vec![from, to_path])
            }
            Step::Break { slot, how } => {
                let text = BROKEN[how].to_string();
                // A session needs no date to be broken; other kinds read
                // the same text as their own kind of error.
                self.write(site, slot, None, text.clone());
                (
                    format!("break {}:\n{text}", SLOTS[slot].0),
                    vec![SLOTS[slot].0],
                )
            }
        }
    }
}

/// The output tree of a clean build, without the marker only an atomic
/// build writes.
fn clean_build(site: &SiteTest) -> Result<BTreeMap<String, Vec<u8>>, Box<BuildError>> {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = out.path().join("public");
    site.build_with(|o| o.output = Some(dir.clone()))
        .result
        .map_err(Box::new)?;
    let mut files = snapshot(&dir);
    files.remove(".fireside-output");
    Ok(files)
}

/// The first path where two trees differ, with both versions.
fn first_difference(
    incremental: &BTreeMap<String, Vec<u8>>,
    clean: &BTreeMap<String, Vec<u8>>,
) -> String {
    let only = |a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
    };
    let mut report = format!(
        "only in the incremental output: {:?}\nonly in the clean output: {:?}\n",
        only(incremental, clean),
        only(clean, incremental)
    );
    if let Some((path, bytes)) = incremental
        .iter()
        .find(|(k, v)| clean.get(*k).is_some_and(|c| c != *v))
    {
        let a = String::from_utf8_lossy(bytes);
        let b = String::from_utf8_lossy(&clean[path]);
        let at = a
            .char_indices()
            .zip(b.chars())
            .find(|((_, x), y)| x != y)
            .map_or(a.len().min(b.len()), |((i, _), _)| i);
        let window = |s: &str| {
            let mut start = at.saturating_sub(200).min(s.len());
            while !s.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (at + 200).min(s.len());
            while !s.is_char_boundary(end) {
                end += 1;
            }
            s[start..end].to_string()
        };
        report += &format!(
            "{path} differs at byte {at}:\nincremental: …{}…\nclean:       …{}…\n",
            window(&a),
            window(&b)
        );
    }
    report
}

fn messages(e: &BuildError) -> Vec<String> {
    let mut m: Vec<String> = e.diagnostics().iter().map(|d| d.render(false)).collect();
    m.sort();
    m
}

/// Runs one script; `Err` carries the transcript and what went wrong.
fn run_script(steps: &[(Step, bool)]) -> Result<(), String> {
    let site = SiteTest::empty();
    let mut sources = Sources::start(&site);
    let preview = tempfile::tempdir().expect("temp dir");
    // `serve` hands the builder its folder canonicalised, and so do we.
    let out = preview.path().canonicalize().expect("canonical temp dir");
    let root = site.path().canonicalize().expect("canonical site");
    let mut builder = site.builder();
    let mut transcript = String::from("start from:\n");
    for (path, (_, _, text)) in &sources.files {
        transcript += &format!("--- {path}\n{text}");
    }
    let first = builder.build(Target::Folder(&out), Changed::Unknown);
    if let Err(e) = first {
        return Err(format!(
            "{transcript}\nthe first build failed:\n{}",
            render(&e.diagnostics())
        ));
    }
    let mut good = snapshot(&out);
    for (i, (step, watched)) in steps.iter().enumerate() {
        let (what, touched) = sources.apply(&site, step);
        let changed: Vec<PathBuf> = touched.iter().map(|p| root.join(p)).collect();
        let how = if *watched {
            Changed::Only(&changed)
        } else {
            Changed::Unknown
        };
        transcript += &format!(
            "\nstep {}: {what}\n(told the builder: {})\n",
            i + 1,
            if *watched { "these paths" } else { "nothing" }
        );
        let incremental = builder.build(Target::Folder(&out), how);
        let clean = clean_build(&site);
        match (incremental, clean) {
            (Ok(_), Ok(clean)) => {
                let now = snapshot(&out);
                if now != clean {
                    return Err(format!(
                        "{transcript}\nthe incremental output differs from a clean build:\n{}",
                        first_difference(&now, &clean)
                    ));
                }
                good = now;
            }
            (Err(inc), Err(clean)) => {
                if messages(&inc) != messages(&clean) {
                    return Err(format!(
                        "{transcript}\nthe incremental build reports:\n{}\na clean build reports:\n{}",
                        render(&inc.diagnostics()),
                        render(&clean.diagnostics())
                    ));
                }
                let now = snapshot(&out);
                if now != good {
                    return Err(format!(
                        "{transcript}\na failed build changed the output:\n{}",
                        first_difference(&now, &good)
                    ));
                }
            }
            (Ok(_), Err(clean)) => {
                return Err(format!(
                    "{transcript}\nthe incremental build succeeded, a clean build fails:\n{}",
                    render(&clean.diagnostics())
                ));
            }
            (Err(inc), Ok(_)) => {
                return Err(format!(
                    "{transcript}\nthe incremental build fails, a clean build succeeds:\n{}",
                    render(&inc.diagnostics())
                ));
            }
        }
    }
    Ok(())
}

/// `FIRESIDE_INCREMENTAL_CASES` for a longer run (`PROPTEST_CASES` is left
/// to the cheaper properties of `properties.rs`).
fn cases() -> u32 {
    std::env::var("FIRESIDE_INCREMENTAL_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    })]

    #[test]
    fn incremental_builds_give_the_bytes_of_a_clean_build(
        steps in prop::collection::vec((step(), any::<bool>()), 1..7)
    ) {
        if let Err(report) = run_script(&steps) {
            prop_assert!(false, "{}", report);
        }
    }
}
