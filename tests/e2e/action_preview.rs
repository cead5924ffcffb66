//! The per-pull-request preview recipe of docs/publishing.md: the action's
//! `build` step (`action/run.sh`) with `base-url: /pr-<n>/` gives a site
//! whose every link, asset and feed stays under `/pr-<n>/`, so previews of
//! several pull requests live side by side on one Pages site.

use std::path::Path;
use std::process::Command;

use crate::common::*;
use crate::harness::broken_links;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `action/run.sh` as the action's last step runs it, with this build's
/// binary first on PATH.
fn run_action(command: &str, site: &Path, base_url: &str, args: &str) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_fireside")).parent().unwrap();
    Command::new("bash")
        .arg(root().join("action/run.sh"))
        .env("FIRESIDE_COMMAND", command)
        .env("FIRESIDE_SITE", site)
        .env("FIRESIDE_BASE_URL", base_url)
        .env("FIRESIDE_ARGS", args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("bash runs")
}

#[test]
fn the_action_builds_a_pull_request_preview_under_its_own_path() {
    let site = Fixture::copy_of(&root().join("example-site"));
    let out = site.path().join("preview");
    let output = run_action(
        "build",
        site.path(),
        "https://org.github.io/cop/pr-42/",
        &format!("--now {NOW} -o {}", out.display()),
    );
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        stderr(&output)
    );
    // Every internal link, stylesheet, script and image of every page
    // resolves inside the preview's folder.
    let broken = broken_links(&out, "/cop/pr-42/");
    assert!(broken.is_empty(), "{broken:#?}");
    // Feeds and canonical links name the preview's address, not the site's.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("https://org.github.io/cop/pr-42/"),
        "the home page names its preview URL"
    );
    let feed = std::fs::read_to_string(out.join("calendar.ics")).unwrap();
    assert!(
        feed.contains("https://org.github.io/cop/pr-42/sessions/"),
        "the calendar feed links to the preview's sessions"
    );
}

/// The workflows docs/publishing.md shows, as written there.
fn documented_workflows() -> Vec<String> {
    let doc = std::fs::read_to_string(root().join("docs/publishing.md")).unwrap();
    doc.split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .filter(|block| block.starts_with("name:") && block.contains("\njobs:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_documented_workflows_use_only_inputs_the_action_has() {
    let action: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("action.yml")).unwrap()).unwrap();
    let inputs: Vec<&str> = action["inputs"]
        .as_mapping()
        .unwrap()
        .keys()
        .filter_map(|k| k.as_str())
        .collect();
    let workflows = documented_workflows();
    assert!(workflows.len() >= 3, "pages, check and preview workflows");
    let mut uses_action = 0;
    for text in &workflows {
        let workflow: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
        for job in workflow["jobs"].as_mapping().unwrap().values() {
            for step in job["steps"].as_sequence().unwrap() {
                let Some(uses) = step["uses"].as_str() else {
                    continue;
                };
                if !uses.starts_with("<owner>/fireside@") {
                    continue;
                }
                uses_action += 1;
                for key in step["with"].as_mapping().into_iter().flat_map(|m| m.keys()) {
                    let key = key.as_str().unwrap();
                    assert!(
                        inputs.contains(&key),
                        "`{key}` is not an input of action.yml"
                    );
                }
            }
        }
    }
    assert!(
        uses_action >= 3,
        "every documented workflow uses the action"
    );
}

#[test]
fn the_documented_workflows_are_valid_github_workflows() {
    let missing = match Command::new("check-jsonschema").arg("--version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("it is not installed; run `pip install check-jsonschema`".to_string()),
    };
    if !crate::tools::available("check-jsonschema", missing) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = documented_workflows()
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.path().join(format!("workflow-{i}.yml"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    // GitHub's workflow schema, shipped inside check-jsonschema: offline.
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.github-workflows"])
        .args(&files)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}
