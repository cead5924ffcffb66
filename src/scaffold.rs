//! `fireside init` and `fireside new`: files with the right front matter in
//! the right folder, so contributors never start from a blank page.

use std::path::{Path, PathBuf};

use crate::model::slug::slugify;

/// Where `fireside init` offers an example, and what its placeholder says.
pub const BASE_URL_EXAMPLE: &str = "https://cop.example.com/";

/// Creates a small working site in `dir` (which must be empty or missing).
/// `base_url` is the site's published address (from `--base-url` or the
/// question `init` asks on a terminal); `None` writes `base_url: /` marked
/// as a placeholder, which builds (with one warning) until it is set.
pub fn init(dir: &Path, base_url: Option<&str>) -> Result<Vec<PathBuf>, String> {
    let base_url = base_url
        .map(crate::config::check_base_url)
        .transpose()
        .map_err(|e| format!("{e} (for example `--base-url {BASE_URL_EXAMPLE}`)"))?;
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
    let site_yaml = init_site_yaml(base_url.as_deref());
    let files: &[(&str, &str)] = &[
        ("site.yaml", &site_yaml),
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

/// site.yaml of a new site: `base_url` as given, or a placeholder whose
/// comment says what to put there.
fn init_site_yaml(base_url: Option<&str>) -> String {
    let base_url_line = match base_url {
        Some(url) => format!(
            "# Where the site is published: feeds, the sitemap and calendar subscriptions use it.\nbase_url: {url}\n"
        ),
        None => format!(
            "# TODO: the full address the site will be published at, e.g. {BASE_URL_EXAMPLE}\n\
             # (feeds, the sitemap and calendar subscriptions need its host). Until then\n\
             # `/` works for a preview, and every build warns.\n\
             base_url: /  # PLACEHOLDER\n"
        ),
    };
    format!("title: Our Communities of Practice\n{base_url_line}{INIT_SITE_REST}")
}

/// Asks for the site's address on a terminal: `None` when the answer is
/// empty (decide later: the placeholder) or the input ends. A value that is
/// not a base URL is asked for again, with what is wrong with it.
pub fn ask_base_url(
    input: &mut impl std::io::BufRead,
    prompt: &mut impl std::io::Write,
) -> Option<String> {
    for _ in 0..3 {
        let _ = write!(
            prompt,
            "Web address the site will be published at (e.g. {BASE_URL_EXAMPLE}; Enter to decide later): "
        );
        let _ = prompt.flush();
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let answer = line.trim();
        if answer.is_empty() {
            return None;
        }
        match crate::config::check_base_url(answer) {
            Ok(url) => return Some(url),
            Err(e) => {
                let _ = writeln!(prompt, "{e}");
            }
        }
    }
    None
}

const INIT_SITE_REST: &str = "language: en
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

    fn ask(input: &str) -> (Option<String>, String) {
        let mut prompt = Vec::new();
        let answer = ask_base_url(&mut input.as_bytes(), &mut prompt);
        (answer, String::from_utf8(prompt).unwrap())
    }

    #[test]
    fn init_asks_again_after_a_wrong_base_url_and_takes_enter_as_later() {
        let (answer, prompt) = ask("cop.example.com\nhttps://org.github.io/cop\n");
        assert_eq!(answer.as_deref(), Some("https://org.github.io/cop/"));
        assert_eq!(prompt.matches("Web address").count(), 2, "{prompt}");
        assert!(prompt.contains("is not valid"), "{prompt}");
        assert_eq!(ask("\n").0, None);
        assert_eq!(ask("").0, None, "end of input");
        assert_eq!(
            ask("x\ny\nz\nhttps://late.example/\n").0,
            None,
            "three tries"
        );
    }

    #[test]
    fn the_placeholder_is_a_base_url_that_parses() {
        let yaml = init_site_yaml(None);
        let line = yaml.lines().find(|l| l.starts_with("base_url:")).unwrap();
        assert_eq!(line, "base_url: /  # PLACEHOLDER");
        let yaml = init_site_yaml(Some("https://cop.example.org/"));
        assert!(
            yaml.contains("\nbase_url: https://cop.example.org/\n"),
            "{yaml}"
        );
    }
}
