//! The JSON Schemas for editors (`schemas/`, `fireside schema KIND`): the
//! committed files are what the code generates, they accept every file of
//! the example site, and they reject what the parser rejects. The schemas
//! are checked by an outside validator, PyPI's `check-jsonschema` (draft
//! 2020-12, formats on), which `scripts/test` installs.

use std::path::{Path, PathBuf};
use std::process::Command;

use fireside::schema::{self, Target};

use crate::common::*;
use crate::harness::SiteTest;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn committed_schemas_are_what_the_code_generates() {
    let dir = root().join("schemas");
    let bless = std::env::var_os("FIRESIDE_BLESS").is_some();
    let mut stale = Vec::new();
    for target in Target::all() {
        let path = dir.join(target.file_name());
        let generated = schema::file_text(target);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != generated {
            stale.push(target.file_name());
        }
        // The command prints the same bytes.
        let out = fireside(&["schema", target.name()]);
        assert_success(&out);
        assert_eq!(stdout(&out), generated, "fireside schema {}", target.name());
    }
    assert!(
        stale.is_empty(),
        "schemas/ is stale: {stale:?}. Regenerate with `FIRESIDE_BLESS=1 cargo test --test e2e schemas::`"
    );
    // Nothing in the folder that the code no longer makes.
    let mut listed: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    let mut expected: Vec<String> = Target::all().iter().map(|t| t.file_name()).collect();
    expected.sort();
    assert_eq!(listed, expected);
}

/// `check-jsonschema`, if this machine has it.
fn validator() -> Option<PathBuf> {
    let missing = match Command::new("check-jsonschema").arg("--version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("it is not installed; run `pip install check-jsonschema`".to_string()),
    };
    crate::tools::available("check-jsonschema", missing).then(|| "check-jsonschema".into())
}

/// The files `check-jsonschema` rejected, validating `files` against the
/// committed schema of `target`, with its messages.
fn rejected(validator: &Path, target: Target, files: &[PathBuf]) -> Vec<(String, String)> {
    let out = Command::new(validator)
        .args(["--output-format", "json", "--default-filetype", "yaml"])
        .arg("--schemafile")
        .arg(root().join("schemas").join(target.file_name()))
        .args(files)
        .output()
        .expect("check-jsonschema runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "check-jsonschema's JSON report: {e}\n{}\n{}",
            stdout(&out),
            stderr(&out)
        )
    });
    // A file it could not read is a broken test, not a rejection.
    assert!(
        report["parse_errors"]
            .as_array()
            .is_none_or(|errors| errors.is_empty()),
        "{}",
        stdout(&out)
    );
    report["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let message = e["best_deep_match"]["message"]
                .as_str()
                .or(e["message"].as_str())
                .unwrap_or_default();
            (
                e["filename"].as_str().unwrap_or_default().to_string(),
                format!("{}: {message}", e["path"].as_str().unwrap_or_default()),
            )
        })
        .collect()
}

/// The kind a content file is, as the loader decides it: by folder, unless
/// its front matter says `kind:`.
fn kind_of(rel: &Path, yaml: &str) -> fireside::parse::meta::Kind {
    use fireside::parse::meta::Kind;
    if let Some(k) = yaml
        .lines()
        .find_map(|l| l.strip_prefix("kind:"))
        .and_then(|k| Kind::from_name(k.trim()))
    {
        return k;
    }
    match rel.iter().next().and_then(|c| c.to_str()) {
        Some("sessions") => Kind::Session,
        Some("patterns") => Kind::Pattern,
        Some("communities") => Kind::Community,
        Some("people") => Kind::Person,
        Some("agendas") => Kind::Agenda,
        _ => Kind::Page,
    }
}

/// The YAML of a content file: its front matter, or a YAML agenda whole.
fn yaml_of(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => Some(text),
        Some("md") => {
            let rest = text.strip_prefix("---\n")?;
            let end = rest.find("\n---")?;
            Some(rest[..end + 1].to_string())
        }
        _ => None,
    }
}

#[test]
fn schemas_accept_every_file_of_the_example_site() {
    let Some(validator) = validator() else { return };
    let site = root().join("example-site");
    let work = tempfile::tempdir().unwrap();
    let mut by_target: Vec<(Target, Vec<PathBuf>)> =
        Target::all().into_iter().map(|t| (t, Vec::new())).collect();
    by_target[0].1.push(site.join("site.yaml"));
    let content = site.join("content");
    for entry in walkdir::WalkDir::new(&content) {
        let entry = entry.unwrap();
        let Some(yaml) = yaml_of(entry.path()) else {
            continue;
        };
        let rel = entry.path().strip_prefix(&content).unwrap();
        let target = Target::Kind(kind_of(rel, &yaml));
        let copy = work
            .path()
            .join(rel.to_string_lossy().replace('/', "__") + ".yaml");
        std::fs::write(&copy, yaml).unwrap();
        let slot = by_target.iter_mut().find(|(t, _)| *t == target).unwrap();
        slot.1.push(copy);
    }
    // The example site's agenda is CSV: add the YAML one the docs show.
    let agenda = work.path().join("agenda.yaml");
    std::fs::write(&agenda, DOCS_AGENDA).unwrap();
    by_target
        .iter_mut()
        .find(|(t, _)| t.name() == "agenda")
        .unwrap()
        .1
        .push(agenda);
    for (target, files) in &by_target {
        if target.name() != "agenda" {
            assert!(!files.is_empty(), "no example file for {}", target.name());
        }
        let rejected = rejected(&validator, *target, files);
        assert!(
            rejected.is_empty(),
            "the {} schema rejects files the parser accepts: {rejected:#?}",
            target.name()
        );
    }
}

/// docs/content-model.md's YAML agenda.
const DOCS_AGENDA: &str = r#"title: Software Development CoP 2024-25
community: dev
timezone: Europe/Madrid
description: The first season, agreed with the engineering managers.
defaults: { time: "10:30-12:00", channel: Zoom }
sessions:
  - number: 1
    date: 2024-12-04
    facilitator: Ana Ruiz
    title: Clean Code Principles
    objective: Understand the principles of clean code.
    format: Lean Coffee
    tools: []
  - number: 2
    date: 15 January 2025
    facilitator: Ana Ruiz
    title: Exception Handling
    format: Practical talk
    tools: Code editor, testing framework
"#;

/// Where a file of each kind goes in a fixture site, and how it is written.
fn site_file(target: Target, yaml: &str) -> (&'static str, String) {
    use fireside::parse::meta::Kind;
    let front = |path, yaml: &str| (path, format!("---\n{yaml}---\nBody.\n"));
    match target {
        Target::Site => ("site.yaml", yaml.to_string()),
        Target::Kind(Kind::Session) => front("content/sessions/dev/2025-03-12-a.md", yaml),
        Target::Kind(Kind::Pattern) => front("content/patterns/a.md", yaml),
        Target::Kind(Kind::Community) => front("content/communities/a.md", yaml),
        Target::Kind(Kind::Person) => front("content/people/a.md", yaml),
        Target::Kind(Kind::Page) => front("content/a.md", yaml),
        Target::Kind(Kind::Agenda) => ("content/agendas/dev/a.yaml", yaml.to_string()),
    }
}

/// One behaviour each: what the schema and the parser both refuse (`false`)
/// or both accept (`true`).
const CASES: &[(&str, &str, bool, &str)] = &[
    (
        "session",
        "title: A\ndate: 2025-03-12\nfacilitater: Ana\n",
        false,
        "unknown key",
    ),
    ("session", "date: 2025-03-12\n", false, "title missing"),
    (
        "session",
        "title: A\ndate: 2025-03-12\ndraft: maybe\n",
        false,
        "wrong type",
    ),
    (
        "session",
        "title: A\ndate: 2025-02-30\n",
        false,
        "impossible date",
    ),
    (
        "session",
        "title: A\ndate: 04/12/2025\n",
        false,
        "date not ISO",
    ),
    (
        "session",
        "title: A\ndate: 1969-12-31\n",
        false,
        "date before the window",
    ),
    (
        "session",
        "title: A\ndate: 2025-03-12\ntime: \"25:00\"\n",
        false,
        "bad time",
    ),
    (
        "session",
        "title: A\ndate: 2025-03-12\nstart: \"10h30\"\n",
        false,
        "bad start",
    ),
    (
        "session",
        "title: A\ndate: 2025-03-12\nstatus: done\n",
        false,
        "bad status",
    ),
    (
        "session",
        "title: A\ndate: 2025-03-12\ntimezone: Europe Madrid\n",
        false,
        "bad zone",
    ),
    (
        "session",
        "title: A\ndate: 2025-03-12\ntime: \"10:30 - 12:00\"\ntools: Code editor, pytest\ntags: [2024, tdd]\n",
        true,
        "spreadsheet lists and spaced times",
    ),
    (
        "session",
        "title: A\nstatus: proposed\nextra: { room: 4 }\n",
        true,
        "proposed without a date, extra data",
    ),
    (
        "pattern",
        "title: A\nmaturity: maybe\n",
        false,
        "bad maturity",
    ),
    ("community", "title: A\ncolor: red\n", false, "bad colour"),
    (
        "person",
        "title: A\nlinks: [a, b]\n",
        false,
        "links not a map",
    ),
    (
        "page",
        "title: A\nweight: heavy\n",
        false,
        "weight not a number",
    ),
    (
        "page",
        "title: A\nmenu: true\nweight: -2\n",
        true,
        "menu page",
    ),
    (
        "agenda",
        "sessions:\n  - title: A\n    date: 2025-03-12\n    speaker: Ana\n",
        false,
        "unknown entry key",
    ),
    (
        "agenda",
        "sessions:\n  - title: A\n    date: 2025-03-12\n    time: 9am\n",
        false,
        "bad entry time",
    ),
    ("agenda", "date_order: ymd\n", false, "bad date order"),
    (
        "site",
        "title: T\nbase_ur: /x/\n",
        false,
        "unknown site key",
    ),
    (
        "site",
        "title: T\ncalendar: { first_weekday: tuesday }\n",
        false,
        "bad first weekday",
    ),
    (
        "site",
        "title: T\nsearch: { enabled: sometimes }\n",
        false,
        "wrong type in a section",
    ),
    (
        "site",
        "title: T\nmarkdown: { raw_htm: true }\n",
        false,
        "unknown key in a section",
    ),
    (
        "site",
        "title: T\ntimezone: Europe/Madrid\nmarkdown: { smart_punctuation: false }\ndate_order: dmy\nformats: { Debate: Two camps. }\n",
        true,
        "every section",
    ),
];

#[test]
fn schemas_and_the_parser_agree_on_the_bad_input_table() {
    let validator = validator();
    let work = tempfile::tempdir().unwrap();
    let mut disagreements = Vec::new();
    let mut files: Vec<(Target, PathBuf, bool, &str)> = Vec::new();
    for (i, (name, yaml, valid, what)) in CASES.iter().enumerate() {
        let target = Target::from_name(name).unwrap();
        // The parser: a fixture site with the file in its place.
        let (rel, text) = site_file(target, yaml);
        let site = SiteTest::new().file(rel, &text);
        let parsed = site.check().result.is_ok();
        if parsed != *valid {
            disagreements.push(format!("parser: {what}: accepted {parsed}"));
        }
        let path = work.path().join(format!("{i}.yaml"));
        std::fs::write(&path, yaml).unwrap();
        files.push((target, path, *valid, what));
    }
    if let Some(validator) = validator {
        for target in Target::all() {
            let these: Vec<PathBuf> = files
                .iter()
                .filter(|f| f.0 == target)
                .map(|f| f.1.clone())
                .collect();
            if these.is_empty() {
                continue;
            }
            let rejected = rejected(&validator, target, &these);
            for (_, path, valid, what) in files.iter().filter(|f| f.0 == target) {
                let why: Vec<&str> = rejected
                    .iter()
                    .filter(|(file, _)| Path::new(file) == path)
                    .map(|(_, why)| why.as_str())
                    .collect();
                if why.is_empty() != *valid {
                    disagreements.push(format!(
                        "schema {}: {what}: accepted {}, {why:?}",
                        target.name(),
                        why.is_empty()
                    ));
                }
            }
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
}
