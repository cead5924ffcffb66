//! Reading a content file: decoding, splitting the YAML front matter from the
//! Markdown body, and turning YAML errors into diagnostics that point at the
//! right line of the *file* (not of the YAML snippet).

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::{Diagnostic, did_you_mean};

/// Decodes a file's bytes: UTF-8 is required, a BOM is dropped and CRLF line
/// endings become LF. Line numbers are unchanged by this, so positions found
/// in the normalised text are positions in the original file.
pub fn decode(bytes: &[u8], file: &Path) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let mut text = if text.contains('\r') {
                text.replace("\r\n", "\n")
            } else {
                text.to_string()
            };
            // U+001A is the marker Fireside uses for link placeholders in
            // rendered HTML; it has no place in a text file.
            if text.contains(crate::parse::markdown::PLACEHOLDER) {
                text = text.replace(crate::parse::markdown::PLACEHOLDER, "");
            }
            Ok(text)
        }
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(Diagnostic::error("file is not valid UTF-8 text")
                .in_file(file)
                .at_line_only(line, column)
                .hint(
                    "save the file as UTF-8 (most editors offer this under \"Save with encoding\")",
                ))
        }
    }
}

/// A file split into its front matter and its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// The YAML between the `---` lines, without them; `None` if the file has
    /// no front matter.
    pub yaml: Option<&'a str>,
    /// Line number (1-based) of the first YAML line in the file.
    pub yaml_first_line: usize,
    pub body: &'a str,
    /// Line number (1-based) of the first body line in the file.
    pub body_first_line: usize,
    /// The front matter is TOML between `+++` lines (Hugo's), not YAML.
    pub toml: bool,
}

impl<'a> Split<'a> {
    /// The title a Markdown file gives itself with its first line `# Title`,
    /// when its front matter has no `title:` (GitHub READMEs, MkDocs and
    /// most wikis work this way), and the split with that heading taken out
    /// of the body, so that the page does not show its title twice.
    pub fn title_from_heading(&self) -> Option<(String, Split<'a>)> {
        let yaml = self.yaml.unwrap_or_default();
        if KeySpans::new(yaml, self.yaml_first_line)
            .key("title")
            .is_some()
        {
            return None;
        }
        let mut offset = 0;
        let mut line_no = self.body_first_line;
        for line in self.body.split_inclusive('\n') {
            let text = line.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                offset += line.len();
                line_no += 1;
                continue;
            }
            let title = atx_h1(text)?;
            let rest = &self.body[offset + line.len()..];
            return Some((
                title,
                Split {
                    body: rest,
                    body_first_line: line_no + 1,
                    ..*self
                },
            ));
        }
        None
    }
}

/// The text of a level-1 ATX heading line (`# Title`, `# Title #`,
/// `# Title {#id}`), as CommonMark reads it: up to three spaces of indent,
/// one `#`, a space, closing hashes dropped.
fn atx_h1(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix('#')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let mut text = rest.trim();
    if let Some(i) = text.rfind(" {#")
        && text.ends_with('}')
    {
        text = text[..i].trim_end();
    }
    let closed = text.trim_end_matches('#');
    if closed.is_empty() || closed.ends_with([' ', '\t']) {
        text = closed.trim_end();
    }
    (!text.is_empty()).then(|| text.to_string())
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Splits front matter from body. The opening `---` must be the very first
/// line; the closing one is the next line that is exactly `---` (or `...`).
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').unwrap_or(text.len());
    let toml = text[..first_line_end].trim_end() == "+++";
    if !is_fence(&text[..first_line_end]) && !toml {
        return Ok(Split {
            yaml: None,
            yaml_first_line: 1,
            body: text,
            body_first_line: 1,
            toml: false,
        });
    }
    let yaml_start = (first_line_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line_no = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = &text[offset..end];
        let closes = if toml {
            line.trim_end() == "+++"
        } else {
            is_fence(line) || line.trim_end() == "..."
        };
        if closes {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                yaml: Some(&text[yaml_start..offset]),
                yaml_first_line: 2,
                body: &text[body_start..],
                body_first_line: line_no + 1,
                toml,
            });
        }
        offset = end + 1;
        line_no += 1;
    }
    Err(Diagnostic::error("front matter is not closed")
        .in_file(file)
        .at(text, 1, 1)
        .underline(3)
        .hint(if toml {
            "end the front matter with a line that holds only `+++`"
        } else {
            "end the front matter with a line that holds only `---`"
        }))
}

/// Deserializes front matter into `T`, mapping YAML and serde errors to
/// diagnostics with the file's line and column and a useful hint.
///
/// `known_keys` lists the keys `T` accepts, for "did you mean" suggestions.
/// Every error of the front matter is reported, not only the first (see
/// [`parse_yaml_within`]).
pub fn parse_yaml<T: DeserializeOwned>(
    split: &Split<'_>,
    text: &str,
    file: &Path,
    known_keys: &[&str],
) -> Result<T, Vec<Diagnostic>> {
    parse_yaml_within(split, text, file, known_keys, MAX_FRONT_MATTER_BYTES)
}

/// [`parse_yaml`] for front matter that may be larger than most (a Markdown
/// agenda's front matter is the whole agenda).
///
/// serde stops at the first error, so a file with four unknown keys would
/// take four builds to fix. Instead, each error is attributed to the
/// top-level key whose block holds it, that block is blanked out (its lines
/// kept, empty, so that every later position is still the file's) and the
/// front matter is read again, until it reads or an error belongs to no key.
/// A required key that was blanked out is not reported missing.
pub fn parse_yaml_within<T: DeserializeOwned>(
    split: &Split<'_>,
    text: &str,
    file: &Path,
    known_keys: &[&str],
    max_bytes: usize,
) -> Result<T, Vec<Diagnostic>> {
    let yaml = split.yaml.unwrap_or_default();
    check_yaml_limits(yaml, split.yaml_first_line, text, file, max_bytes).map_err(|d| vec![d])?;
    if split.toml {
        return parse_toml(split, text, file, known_keys);
    }
    let spans = KeySpans::new(yaml, split.yaml_first_line);
    let mut current = yaml.to_string();
    // A `# Heading` stands for a missing `title:`. Added after every line
    // of the front matter, so it moves no position.
    if known_keys.contains(&"title")
        && let Some((title, _)) = split.title_from_heading()
    {
        if !current.is_empty() && !current.ends_with('\n') {
            current.push('\n');
        }
        let quoted = serde_json::to_string(&title).unwrap_or_else(|_| "\"\"".into());
        current.push_str(&format!("title: {quoted}\n"));
    }
    let mut blanked: Vec<&str> = Vec::new();
    let mut errors = Vec::new();
    // Each round blanks one more key, so there are at most that many rounds.
    for _ in 0..=spans.keys.len() {
        let for_parse = if current.trim().is_empty() {
            "{}"
        } else {
            &current
        };
        let err = match serde_yaml::from_str::<T>(for_parse) {
            Ok(meta) if errors.is_empty() => return Ok(meta),
            Ok(_) => break,
            Err(err) => err,
        };
        let d = yaml_error(
            &err,
            &current,
            split.yaml_first_line,
            text,
            file,
            known_keys,
        );
        if let Some(key) = between(&d.message, "missing required key `", "`")
            && blanked.contains(&key)
        {
            break;
        }
        let span = (d.line >= split.yaml_first_line)
            .then(|| spans.at_line(d.line))
            .flatten()
            .filter(|s| !blanked.contains(&s.key.as_str()));
        errors.push(d);
        let Some(span) = span else { break };
        let Some(block) = current.get(span.block.clone()) else {
            break;
        };
        current.replace_range(span.block.clone(), &blank(block));
        blanked.push(&span.key);
    }
    Err(errors)
}

/// [`parse_yaml_within`] for TOML front matter (`+++`, Hugo's): the same
/// structs, the same rule of every error in one run (each error's line
/// blanked, the rest read again). TOML's bare dates and times
/// (`date = 2024-03-12`) are read as the strings YAML front matter writes.
fn parse_toml<T: DeserializeOwned>(
    split: &Split<'_>,
    text: &str,
    file: &Path,
    known_keys: &[&str],
) -> Result<T, Vec<Diagnostic>> {
    let source = split.yaml.unwrap_or_default();
    let mut lines: Vec<String> = source.lines().map(quote_toml_datetime).collect();
    if known_keys.contains(&"title")
        && !lines.iter().any(|l| toml_key(l) == Some("title"))
        && let Some((title, _)) = split.title_from_heading()
    {
        let quoted = serde_json::to_string(&title).unwrap_or_else(|_| "\"\"".into());
        // Before any `[table]`, where a top-level key must be.
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with('['))
            .unwrap_or(lines.len());
        lines.insert(at, format!("title = {quoted}"));
        // Kept out of the positions: the line is inserted, so later lines
        // move by one; errors below it are shifted back.
        return parse_toml_lines(lines, Some(at), split, text, file, known_keys);
    }
    parse_toml_lines(lines, None, split, text, file, known_keys)
}

fn parse_toml_lines<T: DeserializeOwned>(
    mut lines: Vec<String>,
    inserted: Option<usize>,
    split: &Split<'_>,
    text: &str,
    file: &Path,
    known_keys: &[&str],
) -> Result<T, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for _ in 0..=lines.len() {
        let current = lines.join("\n");
        let err = match toml::from_str::<T>(&current) {
            Ok(meta) if errors.is_empty() => return Ok(meta),
            Ok(_) => break,
            Err(e) => e,
        };
        let (index, column) = err.span().map_or((0, 1), |span| {
            let before = &current[..span.start.min(current.len())];
            let index = before.matches('\n').count();
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            (index, before[line_start..].chars().count() + 1)
        });
        let file_index = match inserted {
            Some(at) if index > at => index - 1,
            _ => index,
        };
        let message = err.message().trim().to_string();
        let mut d = if let Some(key) = between(&message, "unknown field `", "`") {
            Diagnostic::error(format!("unknown key `{key}`")).hint(unknown_key_hint(
                key,
                known_keys,
                "`[extra]`",
            ))
        } else if let Some(key) = between(&message, "missing field `", "`") {
            Diagnostic::error(format!("missing required key `{key}`"))
                .hint(format!("add `{key} = ...` to the front matter"))
        } else {
            Diagnostic::error(message.lines().next().unwrap_or("invalid TOML").to_string())
                .hint("check the value on this line: TOML strings need quotes, lists are `[\"a\", \"b\"]`")
        };
        let missing = d.message.starts_with("missing required key");
        d = d.in_file(file);
        d = if missing || Some(index) == inserted {
            d.at(text, 1, 1).underline(3)
        } else {
            d.at(text, split.yaml_first_line + file_index, column)
        };
        let blank = !missing
            && Some(index) != inserted
            && toml_key(&lines[index.min(lines.len().saturating_sub(1))]).is_some();
        errors.push(d);
        if !blank || index >= lines.len() {
            break;
        }
        lines[index] = String::new();
    }
    errors.sort_by_key(|d| (d.line, d.column));
    Err(errors)
}

/// The key of a top-level `key = value` TOML line.
fn toml_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
    .then_some(key)
}

/// `date = 2024-03-12` as `date = "2024-03-12"`: the structs read dates and
/// times from strings, as YAML gives them.
fn quote_toml_datetime(line: &str) -> String {
    if let Some((key, value)) = line.split_once('=')
        && toml_key(line).is_some()
    {
        let v = value.trim();
        let datetime = v.len() >= 5
            && v.as_bytes()[0].is_ascii_digit()
            && (v.as_bytes().get(4) == Some(&b'-') || v.as_bytes().get(2) == Some(&b':'))
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+' | ' '));
        if datetime {
            return format!("{key}= \"{v}\"");
        }
    }
    line.to_string()
}

/// `block` with every character but its line ends replaced by a space of
/// the same byte length, so that positions after it do not move.
fn blank(block: &str) -> String {
    block
        .chars()
        .map(|c| {
            if c == '\n' {
                "\n".to_string()
            } else {
                " ".repeat(c.len_utf8())
            }
        })
        .collect()
}

/// The most front matter a content file may have. A generous page of
/// metadata is a few kilobytes; past this it is a mistake or an attack.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;
/// The most an agenda file (`.yaml`/`.yml`, or `.csv`) may hold: a year of
/// weekly sessions with long descriptions is well under this.
pub const MAX_AGENDA_BYTES: usize = 1024 * 1024;
/// The most `site.yaml` may hold.
pub const MAX_SITE_YAML_BYTES: usize = 256 * 1024;
/// How deep YAML may nest (flow `[`/`{` and block indentation together).
/// Real front matter nests two or three levels. The YAML scanner's work grows
/// with the square of the nesting (200 KB of `[` takes it 20 seconds), so
/// the depth is bounded before the parser sees the text.
pub const MAX_YAML_NESTING: usize = 64;

/// Checks a YAML snippet (starting at line `first_line` of `text`) against
/// [`MAX_YAML_NESTING`] and `max_bytes` before any YAML parser reads it.
///
/// The nesting count is a cheap, single-pass over-estimate, not a YAML
/// parser: every `[` or `{` counts, even inside quotes or comments, while a
/// `]` or `}` counts only outside what may be a quoted scalar or a comment.
/// So mistaking text for a quote can only over-count (refusing a string with
/// dozens of unclosed brackets, which no real file has), never let deep
/// nesting through.
pub fn check_yaml_limits(
    yaml: &str,
    first_line: usize,
    text: &str,
    file: &Path,
    max_bytes: usize,
) -> Result<(), Diagnostic> {
    if yaml.len() > max_bytes {
        let line = first_line + yaml.lines().count().saturating_sub(1);
        return Err(Diagnostic::error(format!(
            "the YAML is too large: {} KiB, and at most {} KiB are allowed",
            yaml.len().div_ceil(1024),
            max_bytes / 1024
        ))
        .in_file(file)
        .at_line_only(first_line, 1)
        .hint(format!(
            "it ends at line {line}; move long text into the Markdown body or split the file"
        )));
    }
    let Some(offset) = too_deep(yaml, MAX_YAML_NESTING) else {
        return Ok(());
    };
    let before = &yaml[..offset];
    let line = first_line + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    Err(Diagnostic::error(format!(
        "the YAML nests more than {MAX_YAML_NESTING} levels deep"
    ))
    .in_file(file)
    .at(text, line, column)
    .underline(1)
    .hint("front matter and agendas hold flat lists and maps; check for unclosed `[` or `{`"))
}

/// The byte offset at which `yaml` first nests deeper than `limit`, if it does.
fn too_deep(yaml: &str, limit: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
    }
    let mut state = In::Plain;
    let mut flow = 0usize;
    // Indentation of the open block levels, innermost last.
    let mut blocks: Vec<usize> = Vec::new();
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        if state == In::Plain
            && flow == 0
            && !content.trim().is_empty()
            && !content.starts_with('#')
        {
            while blocks.last().is_some_and(|&b| b >= indent) {
                blocks.pop();
            }
            blocks.push(indent);
            // `- - - x` opens one level per dash.
            let mut rest = content;
            let mut column = indent;
            while let Some(after) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
                let trimmed = after.trim_start_matches(' ');
                column += rest.len() - trimmed.len();
                blocks.push(column);
                rest = trimmed;
            }
            if blocks.len() + flow > limit {
                return Some(offset + indent);
            }
        }
        let mut previous = '\n';
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match state {
                In::Single => {
                    if c == '\'' {
                        if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                            chars.next();
                        } else {
                            state = In::Plain;
                        }
                    }
                }
                In::Double => match c {
                    // Skips only the escapes that could end the string early.
                    '\\' if chars.peek().is_some_and(|&(_, n)| n == '"' || n == '\\') => {
                        chars.next();
                    }
                    '"' => state = In::Plain,
                    _ => {}
                },
                In::Plain => match c {
                    '#' if previous.is_whitespace() => break,
                    '\'' | '"' if previous.is_whitespace() || "[{,:".contains(previous) => {
                        state = if c == '"' { In::Double } else { In::Single };
                    }
                    ']' | '}' => flow = flow.saturating_sub(1),
                    _ => {}
                },
            }
            if matches!(c, '[' | '{') {
                flow += 1;
                if blocks.len() + flow > limit {
                    return Some(offset + i);
                }
            }
            previous = c;
        }
        offset += line.len();
    }
    None
}

/// Converts a YAML error located inside a snippet that starts at line
/// `first_line` of `text` into a diagnostic.
pub fn yaml_error(
    err: &serde_yaml::Error,
    yaml: &str,
    first_line: usize,
    text: &str,
    file: &Path,
    known_keys: &[&str],
) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; we show the location ourselves.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (message, example) = in_users_words(&message);
    let (mut line, mut column) = match err.location() {
        Some(loc) => (first_line + loc.line() - 1, loc.column()),
        None => (first_line.saturating_sub(1).max(1), 1),
    };
    if yaml.trim().is_empty() {
        line = 1;
        column = 1;
    }
    // Errors raised while validating a value (a bad date, an unknown zone)
    // carry no position of their own; they quote the value, so find it.
    if err
        .location()
        .is_none_or(|l| (l.line(), l.column()) == content_start(yaml))
        && !message.starts_with("missing field")
        && !message.contains("unknown field")
        && let Some(value) = between(&message, "`", "`")
        && let Some((i, col)) = yaml.lines().enumerate().find_map(|(i, l)| {
            let key_end = l.find(':').map_or(0, |k| k + 1);
            l.get(key_end..)?
                .find(value)
                .map(|c| (i, l[..key_end + c].chars().count() + 1))
        })
    {
        line = first_line + i;
        column = col;
        let len = value.chars().count();
        return Diagnostic::error(message.clone())
            .in_file(file)
            .at(text, line, column)
            .underline(len)
            .hint(value_hint(&message));
    }
    let mut diag = Diagnostic::error(message.clone()).in_file(file);
    if let Some(key) = between(&message, "unknown field `", "`") {
        let hint = unknown_key_hint(key, known_keys, "`extra:`");
        let key_len = key.chars().count();
        diag.message = format!("unknown key `{key}`");
        return diag.at(text, line, column).underline(key_len).hint(hint);
    }
    if let Some(key) = between(&message, "missing field `", "`") {
        diag.message = format!("missing required key `{key}`");
        let hint = if key == "title" {
            "add `title: ...` to the front matter, or start the text with a `# Title` line"
                .to_string()
        } else {
            format!("add `{key}: ...` to the front matter")
        };
        return diag.at(text, 1, 1).underline(3).hint(hint);
    }
    if message.contains("duplicate") {
        // Point at the repeat, not at the mapping serde_yaml names.
        if let Some(repeat) = KeySpans::new(yaml, first_line).duplicate() {
            line = repeat.line;
            column = repeat.column;
            diag = diag.underline(repeat.key.chars().count());
        }
        diag = diag.hint("each key may appear only once; remove or merge the repeated one");
    } else if let Some(example) = example {
        diag = diag.hint(example);
    } else if message.contains("invalid type") {
        if let Some((key, _)) = message.split_once(": invalid type") {
            diag = diag.hint(type_hint(key.rsplit('.').next().unwrap_or(key)));
        }
    } else if message.contains("unknown variant") {
        diag = diag.hint("use one of the values listed above, in lowercase");
    } else if message.contains("did not find expected")
        || message.contains("mapping values are not allowed")
        || message.contains("could not find expected")
    {
        diag = diag.hint(
            "check the indentation and quoting on this line; values containing `: ` or starting with `[`, `{`, `*` or `&` need quotes",
        );
    } else if message.contains("found character that cannot start any token") {
        diag = diag.hint("YAML does not allow tabs for indentation; indent with spaces");
    }
    diag.at(text, line, column)
}

/// The hint for an unknown key, the same for YAML and TOML front matter:
/// the closest known key, or all of them, and where custom data goes
/// (`extra` says it in the format's own syntax). Shorthands are accepted
/// but not offered.
fn unknown_key_hint(key: &str, known_keys: &[&str], extra: &str) -> String {
    let suggested: Vec<&str> = known_keys
        .iter()
        .copied()
        .filter(|k| !crate::parse::meta::SHORTHAND_KEYS.contains(k))
        .collect();
    match did_you_mean(key, suggested.iter().copied()) {
        Some(best) => format!("did you mean `{best}`? (custom data goes under {extra})"),
        None => format!(
            "known keys are: {}; custom data goes under {extra}",
            suggested.join(", ")
        ),
    }
}

/// serde names the Rust type it expected ("expected struct EntryMeta"),
/// which means nothing to the person who wrote the file: say what is
/// expected in their words, and give an example to copy.
fn in_users_words(message: &str) -> (String, Option<String>) {
    let Some(i) = message.find("expected struct ") else {
        return (message.to_string(), None);
    };
    let name: String = message[i + "expected struct ".len()..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let (what, example) = match name.as_str() {
        "EntryMeta" => (
            "an agenda session: keys with values",
            "write each session as keys under a `- `, e.g.\n  - date: 2024-12-04\n    title: Clean Code Principles",
        ),
        "AgendaMeta" => (
            "an agenda: keys with values",
            "write the agenda as keys, e.g.\n  title: Software Development CoP 2024-25\n  sessions:\n    - date: 2024-12-04\n      title: Clean Code Principles",
        ),
        n if n.ends_with("Meta") => (
            "front matter: keys with values",
            "write one `key: value` per line between the `---` lines, e.g.\n  ---\n  title: My page\n  ---",
        ),
        _ => (
            "keys with values",
            "write one `key: value` per line, e.g. `title: My CoP`",
        ),
    };
    let before = message[..i].trim_end_matches([' ', ',']);
    (
        format!("{before}, expected {what}"),
        Some(example.to_string()),
    )
}

/// The line and column (1-based) of the first thing in `yaml` that is not
/// blank or a comment: where serde_yaml places errors that belong to the
/// whole mapping rather than to a key (a value's own validation).
fn content_start(yaml: &str) -> (usize, usize) {
    yaml.lines()
        .enumerate()
        .find_map(|(i, l)| {
            let t = l.trim_start();
            (!t.is_empty() && !t.starts_with('#')).then(|| (i + 1, l.len() - t.len() + 1))
        })
        .unwrap_or((1, 1))
}

fn value_hint(message: &str) -> String {
    if message.contains("date") {
        "write dates as YYYY-MM-DD, e.g. 2025-03-12".into()
    } else if message.contains("time zone") {
        "use an IANA zone name, as listed at https://en.wikipedia.org/wiki/List_of_tz_database_time_zones".into()
    } else if message.contains("time") {
        "write times as \"10:30-12:00\" (quoted) or \"10:30\"".into()
    } else {
        "fix the value on this line".into()
    }
}

fn type_hint(key: &str) -> String {
    match key {
        "tools" | "tags" | "patterns" | "facilitators" | "aliases" | "related" | "coordinators" => {
            format!("`{key}` is a list: `{key}: [a, b]`, or one `- item` per line")
        }
        "resources" | "links" => {
            format!("`{key}` maps labels to URLs: `{key}: {{ Slides: https://... }}`")
        }
        "draft" | "menu" | "raw_html" | "enabled" => format!("`{key}` is `true` or `false`"),
        _ => format!("check the type of `{key}`; quote text values if in doubt"),
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(&s[i..j])
}

/// Where each top-level key of a front matter is written, found in one scan
/// when the file is parsed and used by every later error about a key or its
/// value (an unknown community, a missing pattern), instead of searching the
/// text again for each one. serde_yaml does not expose its parser's marks,
/// so this is a careful line scan: a top-level key starts its line (no
/// indent, not a `-` item, not a comment) and ends at the first `:`
/// followed by a space or the end of the line.
#[derive(Debug, Clone, Default)]
pub struct KeySpans {
    keys: Vec<KeySpan>,
}

/// One top-level key: its name, position in the file, and the lines of its
/// value (the key's line and the indented or `- item` lines under it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpan {
    pub key: String,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Byte range in the YAML of the key's line and its block.
    block: std::ops::Range<usize>,
}

impl KeySpans {
    /// Scans `yaml`, which starts at line `first_line` of its file.
    pub fn new(yaml: &str, first_line: usize) -> KeySpans {
        let mut keys: Vec<KeySpan> = Vec::new();
        let mut offset = 0;
        for (i, line) in yaml.split_inclusive('\n').enumerate() {
            let text = line.trim_end_matches(['\n', '\r']);
            let in_block = text.starts_with([' ', '\t', '-']);
            match top_level_key(text) {
                Some(key) => keys.push(KeySpan {
                    key,
                    line: first_line + i,
                    column: 1,
                    block: offset..offset + line.len(),
                }),
                None => {
                    if let Some(last) = keys.last_mut()
                        && in_block
                        && last.block.end == offset
                    {
                        last.block.end = offset + line.len();
                    }
                }
            }
            offset += line.len();
        }
        KeySpans { keys }
    }

    /// The top-level key whose line or block holds `line`.
    pub fn at_line(&self, line: usize) -> Option<&KeySpan> {
        self.keys.iter().rev().find(|k| k.line <= line)
    }

    /// The first occurrence of top-level `key`.
    pub fn key(&self, key: &str) -> Option<&KeySpan> {
        self.keys.iter().find(|k| k.key == key)
    }

    /// The second occurrence of the first key written twice: where a
    /// duplicate is reported, since the first one is the one that stands.
    pub fn duplicate(&self) -> Option<&KeySpan> {
        self.keys
            .iter()
            .enumerate()
            .find(|(i, k)| self.keys[..*i].iter().any(|o| o.key == k.key))
            .map(|(_, k)| k)
    }

    /// Where `value` is written under `key` (line, column, length in
    /// characters), falling back to the key itself.
    pub fn value(&self, yaml: &str, key: &str, value: &str) -> Option<(usize, usize, usize)> {
        let span = self.key(key)?;
        let block = yaml.get(span.block.clone())?;
        for (i, line) in block.lines().enumerate() {
            let search_from = if i == 0 { key.len() + 1 } else { 0 };
            if let Some(pos) = line.get(search_from..).and_then(|l| l.find(value)) {
                let col = line[..search_from + pos].chars().count() + 1;
                return Some((span.line + i, col, value.chars().count()));
            }
        }
        Some((span.line, span.column, key.chars().count()))
    }
}

/// The key a top-level `key: value` line starts with (quotes removed).
fn top_level_key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t', '-', '#']) || line.is_empty() {
        return None;
    }
    let colon = line
        .match_indices(':')
        .map(|(i, _)| i)
        .find(|&i| line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t']))?;
    let key = line[..colon].trim_end();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    (!key.is_empty()).then(|| key.to_string())
}

/// Finds the line and column of a top-level `key:` in a YAML snippet that
/// starts at line `first_line` of its file. For one-off lookups; a parsed
/// document keeps its [`KeySpans`].
pub fn locate_key(yaml: &str, first_line: usize, key: &str) -> Option<(usize, usize)> {
    KeySpans::new(yaml, first_line)
        .key(key)
        .map(|k| (k.line, k.column))
}

/// Finds where `value` is written under top-level `key` (on the key's line or in
/// the lines of its block), falling back to the key itself.
pub fn locate_value(
    yaml: &str,
    first_line: usize,
    key: &str,
    value: &str,
) -> Option<(usize, usize, usize)> {
    KeySpans::new(yaml, first_line).value(yaml, key, value)
}

/// Reads a top-level `kind:` before the real parse, because the kind decides
/// which struct the front matter is parsed into.
pub fn peek_kind(yaml: &str) -> Option<&str> {
    yaml.lines().find_map(|line| {
        let rest = line.strip_prefix("kind")?.trim_start().strip_prefix(':')?;
        Some(rest.trim().trim_matches(['"', '\'']))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case::plain("---\ntitle: A\n---\nBody\n", Some("title: A\n"), "Body\n", 4)]
    #[case::no_front_matter("# Hello\n", None, "# Hello\n", 1)]
    #[case::empty_front_matter("---\n---\nBody", Some(""), "Body", 3)]
    #[case::no_trailing_newline("---\ntitle: A\n---", Some("title: A\n"), "", 4)]
    #[case::dots_close("---\ntitle: A\n...\nBody", Some("title: A\n"), "Body", 4)]
    #[case::four_dashes_is_not_a_fence("----\ntitle\n", None, "----\ntitle\n", 1)]
    #[case::trailing_spaces("--- \ntitle: A\n---  \nB", Some("title: A\n"), "B", 4)]
    fn splits(
        #[case] text: &str,
        #[case] yaml: Option<&str>,
        #[case] body: &str,
        #[case] body_line: usize,
    ) {
        let s = split(text, Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, yaml);
        assert_eq!(s.body, body);
        assert_eq!(s.body_first_line, body_line);
    }

    #[rstest]
    #[case::flat("title: A\ntags: [a, b]\nextra: {k: [1, 2]}\n", None)]
    #[case::flow(&format!("a: {}", "[".repeat(100)), Some((1, 67)))]
    #[case::braces(&format!("a: {}", "{x: ".repeat(100)), Some((1, 0)))]
    #[case::block(&(0..100).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect::<String>(), Some((65, 65)))]
    #[case::dashes(&format!("a:\n{}x\n", "- ".repeat(100)), Some((2, 0)))]
    #[case::closers_in_quotes_do_not_count(&format!("a: {}\n", "[ ']]]', ".repeat(100)), Some((1, 0)))]
    #[case::closers_in_comments_do_not_count(&format!("a: {}\n", "[ # ]]\n".repeat(100)), Some((0, 0)))]
    #[case::brackets_in_text_are_fine("title: \"[[[x]]] and {y}\"\n", None)]
    fn bounds_yaml_nesting(#[case] yaml: &str, #[case] at: Option<(usize, usize)>) {
        let result = check_yaml_limits(yaml, 1, yaml, Path::new("a.md"), MAX_FRONT_MATTER_BYTES);
        match at {
            None => assert!(result.is_ok(), "{result:?}"),
            Some((line, column)) => {
                let d = result.unwrap_err();
                assert!(d.message.contains("nests more than 64"), "{}", d.message);
                // 0 stands for "somewhere": only the line or nothing is pinned.
                if line > 0 {
                    assert_eq!(d.line, line);
                }
                if column > 0 {
                    assert_eq!(d.column, column);
                }
            }
        }
    }

    #[test]
    fn bounds_yaml_size() {
        let yaml = "a: b\n".repeat(MAX_FRONT_MATTER_BYTES / 5 + 1);
        let d = check_yaml_limits(&yaml, 2, &yaml, Path::new("a.md"), MAX_FRONT_MATTER_BYTES)
            .unwrap_err();
        assert!(d.message.contains("too large"), "{}", d.message);
        assert_eq!(d.line, 2);
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        let d = split("---\ntitle: A\nbody", Path::new("a.md")).unwrap_err();
        assert_eq!((d.line, d.column), (1, 1));
        assert!(d.message.contains("not closed"));
    }

    #[test]
    fn decode_strips_bom_and_crlf() {
        let text = decode(b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\n", Path::new("a")).unwrap();
        assert_eq!(text, "---\ntitle: A\n---\n");
    }

    #[test]
    fn decode_reports_position_of_invalid_utf8() {
        let d = decode(b"ok\nab\xFFc", Path::new("a.md")).unwrap_err();
        assert_eq!((d.line, d.column), (2, 3));
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        date: Option<crate::parse::meta::IsoDate>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        draft: bool,
    }

    fn errors_of(text: &str) -> Vec<(usize, String)> {
        let split = split(text, Path::new("a.md")).expect("splits");
        match parse_yaml::<Meta>(
            &split,
            text,
            Path::new("a.md"),
            &["title", "date", "tags", "draft"],
        ) {
            Ok(m) => panic!("parsed: {m:?}"),
            Err(ds) => ds.into_iter().map(|d| (d.line, d.message)).collect(),
        }
    }

    /// Every error of a front matter in one run, each at its own line: a
    /// Docusaurus file's keys, a bad value among them, a wrong type after.
    #[test]
    fn reports_every_front_matter_error_at_once() {
        let got = errors_of(
            "---\nid: intro\ntitle: Intro\nsidebar_label: Start\ndate: 2024-13-45\ntags:\n  nested: map\nsidebar_position: 2\ndraft: maybe\n---\nBody\n",
        );
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [2, 4, 5, 7, 8, 9], "{got:#?}");
        assert!(got[0].1.contains("unknown key `id`"), "{got:#?}");
        assert!(got[1].1.contains("unknown key `sidebar_label`"));
        assert!(got[4].1.contains("unknown key `sidebar_position`"));
    }

    /// Hugo's `+++` TOML front matter reads into the same structs, bare
    /// dates included, every error in one run at its own line.
    #[test]
    fn reads_toml_front_matter() {
        let text =
            "+++\ntitle = \"Hugo post\"\ndate = 2024-03-12\ntags = [\"a\", \"b\"]\n+++\nBody\n";
        let parts = split(text, Path::new("a.md")).expect("splits");
        assert!(parts.toml);
        assert_eq!(parts.body, "Body\n");
        let m: Meta = parse_yaml(
            &parts,
            text,
            Path::new("a.md"),
            &["title", "date", "tags", "draft"],
        )
        .expect("reads");
        assert_eq!((m.title.as_str(), m.tags.len()), ("Hugo post", 2));
        assert!(m.date.is_some());
        let got = errors_of(
            "+++\ntitle = \"T\"\nweight = 3\ndraft = \"maybe\"\naliases = [\"/old/\"]\n+++\n",
        );
        let lines: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(lines, [3, 4, 5], "{got:#?}");
        assert!(got[0].1.contains("unknown key `weight`"), "{got:#?}");
        // Titled by its heading.
        let text = "+++\ndraft = false\n+++\n# From the heading\n";
        let parts = split(text, Path::new("a.md")).expect("splits");
        let m: Meta = parse_yaml(
            &parts,
            text,
            Path::new("a.md"),
            &["title", "date", "tags", "draft"],
        )
        .expect("reads");
        assert_eq!(m.title, "From the heading");
    }

    /// No Rust type name reaches the user.
    #[test]
    fn type_names_are_said_in_the_users_words() {
        let got = errors_of("---\njust a sentence\n---\n");
        assert_eq!(got.len(), 1, "{got:#?}");
        assert!(!got[0].1.contains("struct"), "{got:#?}");
        assert!(
            got[0].1.contains("expected front matter: keys with values"),
            "{got:#?}"
        );
        let (m, hint) =
            in_users_words("sessions[0]: invalid type: string \"x\", expected struct EntryMeta");
        assert_eq!(
            m,
            "sessions[0]: invalid type: string \"x\", expected an agenda session: keys with values"
        );
        assert!(hint.is_some_and(|h| h.contains("- date: 2024-12-04")));
    }

    /// A required key whose value was wrong is not also reported missing.
    #[test]
    fn a_blanked_required_key_is_not_missing() {
        let got = errors_of("---\ntitle: [a, b]\nfoo: 1\n---\n");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert_eq!((got[0].0, got[1].0), (2, 3));
        let got = errors_of("---\nfoo: 1\n---\n");
        assert_eq!(got.len(), 2, "{got:#?}");
        assert!(got[1].1.contains("missing required key `title`"));
    }

    #[test]
    fn locates_keys_and_list_values() {
        let yaml = "title: A\npatterns:\n  - tdd\n  - refactorin\ncommunity: x\n";
        assert_eq!(locate_key(yaml, 2, "community"), Some((6, 1)));
        assert_eq!(
            locate_value(yaml, 2, "patterns", "refactorin"),
            Some((5, 5, 10))
        );
        assert_eq!(locate_value(yaml, 2, "community", "x"), Some((6, 12, 1)));
    }

    /// Key spans: each top-level key at its line, values found in its block,
    /// a duplicate at its second occurrence.
    #[rstest]
    #[case::plain("title: A\ncommunity: dev\n", "community", Some(3))]
    #[case::quoted_key("\"community\": dev\n", "community", Some(2))]
    #[case::spaced_colon("community : dev\n", "community", Some(2))]
    #[case::nested_is_not_top_level("extra:\n  community: x\n", "community", None)]
    #[case::item_is_not_a_key("tags:\n- community: x\n", "community", None)]
    #[case::comment("# community: x\n", "community", None)]
    #[case::url_value_is_not_a_key("channel: https://x.org\n", "https", None)]
    #[case::prefix_is_not_the_key("communityx: 1\n", "community", None)]
    fn key_spans_find_top_level_keys(
        #[case] yaml: &str,
        #[case] key: &str,
        #[case] line: Option<usize>,
    ) {
        let spans = KeySpans::new(yaml, 2);
        assert_eq!(spans.key(key).map(|k| k.line), line);
    }

    #[rstest]
    #[case::on_the_key_line("patterns: [tdd, refactorin]\n", "refactorin", (2, 17, 10))]
    #[case::in_the_block("patterns:\n  - tdd\n  - refactorin\ntitle: x\n", "refactorin", (4, 5, 10))]
    #[case::not_past_the_block("patterns:\n  - tdd\ntitle: refactorin\n", "refactorin", (2, 1, 8))]
    fn key_spans_find_values_in_their_block(
        #[case] yaml: &str,
        #[case] value: &str,
        #[case] expected: (usize, usize, usize),
    ) {
        let spans = KeySpans::new(yaml, 2);
        assert_eq!(spans.value(yaml, "patterns", value), Some(expected));
    }

    #[rstest]
    #[case::none("a: 1\nb: 2\n", None)]
    #[case::second_occurrence("a: 1\nb: 2\na: 3\n", Some(4))]
    #[case::first_repeated_key("a: 1\nb: 2\nb: 3\na: 4\n", Some(4))]
    fn key_spans_report_a_duplicate_at_its_second_occurrence(
        #[case] yaml: &str,
        #[case] line: Option<usize>,
    ) {
        assert_eq!(KeySpans::new(yaml, 2).duplicate().map(|k| k.line), line);
    }

    #[test]
    fn peeks_kind() {
        assert_eq!(peek_kind("title: A\nkind: 'pattern'\n"), Some("pattern"));
        assert_eq!(peek_kind("title: kind\n"), None);
    }
}
