//! `fireside init` and `fireside new`: files with the right front matter in
//! the right folder, so contributors never start from a blank page.

use std::path::{Path, PathBuf};

use crate::model::slug::slugify;

/// Creates a small working site in `dir` (which must be empty or missing).
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!(
            "`{}` is not empty; `fireside init` only writes into a new or empty folder",
            dir.display()
        ));
    }
    let files: &[(&str, &str)] = &[
        ("site.yaml", INIT_SITE),
        (".gitignore", "public/\n"),
        (
            "content/communities/software-development.md",
            INIT_COMMUNITY,
        ),
        ("content/people/ada-lovelace.md", INIT_PERSON),
        ("content/patterns/test-driven-development.md", INIT_PATTERN),
        (
            "content/sessions/software-development/2025-03-12-first-kata.md",
            INIT_SESSION,
        ),
        ("content/guidelines.md", INIT_GUIDELINES),
        ("static/.gitkeep", ""),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// What `fireside new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Session,
    Pattern,
    Agenda,
}

/// Creates a new content file and returns its path.
pub fn new_file(
    root: &Path,
    kind: NewKind,
    title: &str,
    date: Option<jiff::civil::Date>,
    community: Option<&str>,
) -> Result<PathBuf, String> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(format!(
            "cannot make a file name from the title `{title}`; use letters or digits"
        ));
    }
    let quoted = yaml_string(title);
    let (path, text) = match kind {
        NewKind::Session => {
            let date = date.ok_or("a session needs a date: add `--date YYYY-MM-DD`")?;
            let mut dir = root.join("content/sessions");
            if let Some(c) = community {
                dir.push(slugify(c));
            }
            let community_line = community
                .map(|c| format!("community: {}\n", slugify(c)))
                .unwrap_or_default();
            (
                dir.join(format!("{date}-{slug}.md")),
                format!(
                    "---\ntitle: {quoted}\ndate: {date}\ntime: \"10:30-12:00\"\n{community_line}facilitators: []\nformat: Code kata\nchannel: Zoom\ntools: []\nobjective: \ntags: []\npatterns: []\n---\n\nWhat is this session about, and who is it for?\n\n## Agenda\n\n## What we learned\n"
                ),
            )
        }
        NewKind::Pattern => (
            root.join("content/patterns").join(format!("{slug}.md")),
            format!(
                "---\ntitle: {quoted}\nsummary: \ntags: []\nmaturity: assess\naliases: []\nrelated: []\n---\n\n## When to use\n\n## How it works\n\n## Pitfalls\n"
            ),
        ),
        NewKind::Agenda => {
            let mut dir = root.join("content/agendas");
            if let Some(c) = community {
                dir.push(slugify(c));
            }
            let date = date.unwrap_or(jiff::civil::date(2025, 1, 15));
            let community_line = community
                .map(|c| format!("community: {}\n", slugify(c)))
                .unwrap_or_default();
            (
                dir.join(format!("{slug}.yaml")),
                format!(
                    "title: {quoted}\n{community_line}defaults: {{ time: \"10:30-12:00\", channel: Zoom }}\nsessions:\n  - number: 1\n    date: {date}\n    facilitator: \n    title: First session\n    objective: \n    format: Lean Coffee\n"
                ),
            )
        }
    };
    if !root.join("site.yaml").is_file() {
        return Err(format!(
            "`{}` is not a Fireside site (no site.yaml); run this in a site folder or pass --site",
            root.display()
        ));
    }
    if path.exists() {
        return Err(format!("`{}` already exists", path.display()));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// Quotes a title for YAML when it needs it.
fn yaml_string(s: &str) -> String {
    let needs_quotes = s.contains([
        ':', '#', '"', '\'', '[', ']', '{', '}', ',', '&', '*', '!', '|', '>', '%', '@', '`',
    ]) || s.starts_with(['-', '?', ' '])
        || s.ends_with(' ');
    if needs_quotes {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

const INIT_SITE: &str = "title: Our Communities of Practice
base_url: /
language: en
timezone: Europe/Madrid
description: Session write-ups, patterns and agendas of our engineering communities.
markdown:
  raw_html: false
calendar:
  first_weekday: monday
";

const INIT_COMMUNITY: &str = "---
title: Software Development CoP
purpose: Share good practices and keep improving how we build software.
coordinators: [Ada Lovelace]
channel: Zoom
timezone: Europe/Madrid
color: \"#b4451f\"
---

We meet every other Wednesday. Anyone can propose a session.
";

const INIT_PERSON: &str = "---
title: Ada Lovelace
role: Staff engineer
aliases: [Ada]
links:
  GitHub: https://github.com/example
---

Ada coordinates the Software Development CoP.
";

const INIT_PATTERN: &str = "---
title: Test-Driven Development
summary: Write a failing test first, make it pass, then refactor.
tags: [testing]
maturity: adopt
aliases: [TDD]
---

## When to use

Whenever behaviour can be pinned down by an example.

## How it works

Red, green, refactor: in small steps.
";

const INIT_SESSION: &str = "---
title: First kata
date: 2025-03-12
time: \"10:30-12:00\"
facilitators: [Ada Lovelace]
format: Code kata
channel: Zoom
tools: [Code editor, testing framework]
objective: Practise the TDD cycle on a small problem.
tags: [testing]
patterns: [test-driven-development]
---

We solved the *Roman numerals* kata in pairs, test first. See [[TDD]].

```python
def test_one_is_i():
    assert to_roman(1) == \"I\"
```
";

const INIT_GUIDELINES: &str = "---
title: Guidelines
description: How our sessions work.
menu: true
---

Propose a session in the community channel, then add a write-up afterwards.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_titles_that_need_it() {
        assert_eq!(yaml_string("Clean code"), "Clean code");
        assert_eq!(yaml_string("TDD: why?"), "\"TDD: why?\"");
        assert_eq!(yaml_string("Say \"hi\""), "\"Say \\\"hi\\\"\"");
    }
}
