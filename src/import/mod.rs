//! `fireside import`: front matter written for MkDocs, Docusaurus, Jekyll or
//! Hugo rewritten into Fireside's, so an existing folder of Markdown builds
//! without editing each file by hand.
//!
//! Only the front matter changes; the body is kept byte for byte. Each key
//! is kept (Fireside knows it), mapped to its Fireside equivalent, or moved
//! under `extra:`, where templates can still read it and nothing is lost.
//! TOML (`+++`) front matter becomes YAML. Every change is reported, and
//! `--dry-run` reports without writing.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use crate::diagnostic::Diagnostic;
use crate::parse::front_matter;
use crate::parse::meta::{CommunityMeta, Kind, PageMeta, PatternMeta, PersonMeta, SessionMeta};

/// What the import did to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// Relative to the site folder: `content/docs/intro.md`.
    pub file: PathBuf,
    /// One line per change, in the user's words.
    pub changes: Vec<String>,
}

/// Imports every Markdown file under `site/content`; with `write` false
/// only reports. Files that need no change are not listed, nor touched.
pub fn import(site: &Path, write: bool) -> Result<Vec<FileReport>, Diagnostic> {
    let content = site.join("content");
    if !content.is_dir() {
        return Err(
            Diagnostic::error(format!("`{}` has no content/ folder", site.display())).hint(
                "run `fireside import` on a site folder: put the Markdown to import under content/",
            ),
        );
    }
    let mut reports = Vec::new();
    // Not following links: an import rewrites files, only the site's own.
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.map_err(|e| Diagnostic::error(format!("cannot read content/: {e}")))?;
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !entry.file_type().is_file() || !matches!(ext, "md" | "mdx") {
            continue;
        }
        let rel = path.strip_prefix(site).unwrap_or(path).to_path_buf();
        let content_path = path.strip_prefix(&content).unwrap_or(path);
        if ext == "mdx" {
            reports.push(FileReport {
                file: rel,
                changes: vec![
                    "left as it is: `.mdx` holds React components; remove its imports and components and rename it to `.md`".into(),
                ],
            });
            continue;
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::error(format!("cannot read: {e}")).in_file(&rel))?;
        let text = front_matter::decode(&bytes, &rel)?;
        let kind = crate::parse::kind_by_folder(content_path);
        if kind == Kind::Agenda {
            continue;
        }
        let Some((new_text, changes)) = convert(&text, &rel, kind)? else {
            continue;
        };
        if write {
            std::fs::write(path, new_text)
                .map_err(|e| Diagnostic::error(format!("cannot write: {e}")).in_file(&rel))?;
        }
        reports.push(FileReport { file: rel, changes });
    }
    Ok(reports)
}

/// The keys a file of `kind` accepts.
fn known_keys(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Session => SessionMeta::keys(),
        Kind::Pattern => PatternMeta::keys(),
        Kind::Community => CommunityMeta::keys(),
        Kind::Person => PersonMeta::keys(),
        Kind::Page | Kind::Agenda => PageMeta::keys(),
    }
}

/// `text` with Fireside front matter, and what changed; `None` if nothing
/// needs to.
pub fn convert(
    text: &str,
    file: &Path,
    kind: Kind,
) -> Result<Option<(String, Vec<String>)>, Diagnostic> {
    let split = front_matter::split(text, file)?;
    let Some(source) = split.yaml else {
        return Ok(None);
    };
    let map: Mapping = if split.toml {
        let table: toml::Table = source.parse().map_err(|e: toml::de::Error| {
            Diagnostic::error(format!("invalid TOML front matter: {}", e.message().trim()))
                .in_file(file)
                .hint("fix the TOML, then import again")
        })?;
        match serde_yaml::to_value(toml_to_yaml(toml::Value::Table(table))) {
            Ok(Value::Mapping(m)) => m,
            _ => Mapping::new(),
        }
    } else {
        match serde_yaml::from_str::<Value>(if source.trim().is_empty() {
            "{}"
        } else {
            source
        }) {
            Ok(Value::Mapping(m)) => m,
            Ok(_) => {
                return Err(Diagnostic::error("front matter is not a list of keys")
                    .in_file(file)
                    .hint("write one `key: value` per line between the `---` lines"));
            }
            Err(e) => {
                return Err(front_matter::yaml_error(
                    &e,
                    source,
                    split.yaml_first_line,
                    text,
                    file,
                    &[],
                ));
            }
        }
    };
    let known = known_keys(kind);
    let mut out = Mapping::new();
    let mut extra = Mapping::new();
    let mut changes = Vec::new();
    if split.toml {
        changes.push("TOML front matter (`+++`) written as YAML (`---`)".into());
    }
    let redirects_key = known.contains(&"redirect_from");
    let mut redirects: Vec<Value> = Vec::new();
    for (key, value) in map {
        let Some(name) = key.as_str().map(str::to_string) else {
            extra.insert(key, value);
            continue;
        };
        match mapping_for(&name, &value, known) {
            Action::Keep => {
                out.insert(Value::from(name), value);
            }
            Action::Rename(to) if !known.contains(&to) => {
                changes.push(format!("`{name}` moved under `extra:`"));
                extra.insert(Value::from(name), value);
            }
            Action::Rename(to) => {
                changes.push(format!("`{name}` is now `{to}`"));
                out.insert(Value::from(to), value);
            }
            // Fireside's own key, already in place: nothing to say (a second
            // import must find nothing to do).
            Action::Redirect if name == "redirect_from" && redirects_key => match value {
                Value::Sequence(s) => redirects.extend(s),
                v => redirects.push(v),
            },
            Action::Redirect => {
                changes.push(format!(
                    "`{name}` (old addresses) {}",
                    if redirects_key {
                        "is now `redirect_from`"
                    } else {
                        "kept under `extra: redirect_from` (this version has no `redirect_from` key)"
                    }
                ));
                match value {
                    Value::Sequence(s) => redirects.extend(s),
                    v => redirects.push(v),
                }
            }
            Action::Draft => {
                let published = value.as_bool().unwrap_or(true);
                changes.push(format!(
                    "`published: {published}` is now `draft: {}`",
                    !published
                ));
                out.insert(Value::from("draft"), Value::from(!published));
            }
            Action::Extra => {
                changes.push(format!("`{name}` moved under `extra:`"));
                extra.insert(Value::from(name), value);
            }
        }
    }
    if !redirects.is_empty() {
        let list = Value::Sequence(redirects);
        if redirects_key {
            out.insert(Value::from("redirect_from"), list);
        } else {
            extra.insert(Value::from("redirect_from"), list);
        }
    }
    if !extra.is_empty() {
        let merged = match out.remove("extra") {
            Some(Value::Mapping(mut old)) => {
                old.extend(extra);
                old
            }
            Some(other) => {
                extra.insert(Value::from("value"), other);
                extra
            }
            None => extra,
        };
        out.insert(Value::from("extra"), Value::Mapping(merged));
    }
    if changes.is_empty() {
        return Ok(None);
    }
    let yaml = serde_yaml::to_string(&Value::Mapping(out)).map_err(|e| {
        Diagnostic::error(format!("cannot write the new front matter: {e}")).in_file(file)
    })?;
    Ok(Some((format!("---\n{yaml}---\n{}", split.body), changes)))
}

/// What becomes of one key.
enum Action {
    Keep,
    /// Fireside has it under another name.
    Rename(&'static str),
    /// Old addresses of the page (`permalink`, Hugo's `aliases`).
    Redirect,
    /// Jekyll's `published`.
    Draft,
    Extra,
}

fn mapping_for(name: &str, value: &Value, known: &[&str]) -> Action {
    // Hugo's `aliases` are old URLs, Fireside's are other names for wikilinks.
    let is_urls = |v: &Value| match v {
        Value::Sequence(s) => {
            !s.is_empty()
                && s.iter()
                    .all(|x| x.as_str().is_some_and(|s| s.starts_with('/')))
        }
        Value::String(s) => s.starts_with('/'),
        _ => false,
    };
    match name {
        "aliases" if is_urls(value) => Action::Redirect,
        "permalink" | "redirect_from" => Action::Redirect,
        "published" => Action::Draft,
        // Docusaurus, Jekyll's just-the-docs, MkDocs' awesome-pages, Hugo.
        "sidebar_position" | "nav_order" | "order" => Action::Rename("weight"),
        "summary" if !known.contains(&"summary") => Action::Rename("description"),
        "linkTitle" | "sidebar_label" | "nav_title" => Action::Extra,
        k if known.contains(&k) => Action::Keep,
        _ => Action::Extra,
    }
}

/// TOML values as YAML ones: dates and times as the strings YAML front
/// matter would write.
fn toml_to_yaml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Sequence(a.into_iter().map(toml_to_yaml).collect()),
        toml::Value::Table(t) => Value::Mapping(
            t.into_iter()
                .map(|(k, v)| (Value::String(k), toml_to_yaml(v)))
                .collect(),
        ),
    }
}
