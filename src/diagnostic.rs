//! Diagnostics: errors and warnings about a user's files, as data.
//!
//! Every problem found in a build becomes a [`Diagnostic`] that carries the
//! file, the line and column (1-based, counted from the top of the file), the
//! offending line and a hint. The build collects all of them and reports them
//! together, rustc-style, so a contributor fixes everything in one round.
//!
//! Everything a diagnostic quotes may come from a hostile pull request: a
//! file name, a link target, a line of the file. Rendering is the one place
//! that makes it safe for a log: control characters become visible escapes
//! ([`printable`]), so content cannot start a line of its own (a forged
//! error, or a GitHub workflow command such as `::add-mask::` or
//! `::stop-commands::`) nor send a terminal an escape sequence.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. Errors fail the build; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the user's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root (`content/sessions/x.md`), if any.
    pub file: Option<PathBuf>,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// How many characters to underline from `column`.
    pub span_chars: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The text of the offending line, quoted under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: 0,
            column: 0,
            span_chars: 1,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Points at `line:column` and quotes that line from `text` (the whole file).
    pub fn at(mut self, text: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.source_line = text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        self
    }

    /// Like [`Diagnostic::at`], finding the line through `lines`, built once
    /// per file: a file with thousands of diagnostics (20,000 broken links)
    /// would otherwise be scanned from the top for each one.
    pub fn at_indexed(mut self, lines: &LineIndex<'_>, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column.max(1);
        self.source_line = lines.line(line).map(str::to_string);
        self
    }

    pub fn at_line_only(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn underline(mut self, chars: usize) -> Self {
        self.span_chars = chars.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or as much of it as is known).
    pub fn location(&self) -> String {
        let mut s = match &self.file {
            Some(f) => printable(&display_path(f)).into_owned(),
            None => String::new(),
        };
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.column > 0 {
                let _ = write!(s, ":{}", self.column);
            }
        }
        s
    }

    /// Renders the diagnostic the way rustc does: message, location, the
    /// quoted line with a caret, and the hint.
    pub fn render(&self, color: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self.location_path();
        let message = printable(&self.message);
        let mut group = Group::with_title(level.primary_title(message.as_ref()));
        let quoted = self.source_line.as_deref().map(printable_with_offsets);
        match (&quoted, &path) {
            (Some((line_text, at)), Some(path)) if self.line > 0 => {
                let first = self.column.saturating_sub(1);
                let start = at(first);
                let end = at(first + self.span_chars).max(start);
                group = group.element(
                    Snippet::source(line_text.as_str())
                        .line_start(self.line)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
            }
            (_, Some(_)) => {
                group = group.element(annotate_snippets::Origin::path(self.location()));
            }
            _ => {}
        }
        let mut report = vec![group];
        if let Some(hint) = &self.hint {
            report.push(Group::with_title(
                Level::HELP.secondary_title(printable(hint).into_owned()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }

    /// The diagnostic as one JSON object, for editors and bots
    /// (`--message-format json`, one per line as cargo writes them).
    ///
    /// Positions are 1-based, columns in characters; `end` is where the
    /// underline stops (exclusive, on the same line). Unknown positions are
    /// `null` rather than 0, so a reader never jumps to line 0. Text is as
    /// written: JSON's own escaping already keeps control characters from
    /// forging a line, so nothing is replaced.
    pub fn to_json(&self) -> serde_json::Value {
        let known = |n: usize| (n > 0).then_some(n);
        let (line, column) = (
            known(self.line),
            known(self.column).filter(|_| self.line > 0),
        );
        serde_json::json!({
            "reason": "diagnostic",
            "level": match self.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            "message": self.message,
            "file": self.file.as_deref().map(display_path),
            "line": line,
            "column": column,
            "end": column.map(|c| serde_json::json!({
                "line": self.line,
                "column": c + self.span_chars,
            })),
            "hint": self.hint,
            "source_line": self.source_line,
        })
    }

    /// A GitHub Actions workflow command, so the error shows on the pull request.
    /// It is one line whatever the content: newlines are `%0A` (GitHub shows
    /// them inside the annotation), other control characters are escaped as
    /// in the terminal, and the properties escape `:` and `,` too.
    pub fn github_annotation(&self) -> String {
        let command = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &self.file {
            let file = display_path(f);
            let file = escape_controls(&file, true);
            props.push(format!("file={}", escape_gh_property(&file)));
            if self.line > 0 {
                props.push(format!("line={}", self.line));
                if self.column > 0 {
                    props.push(format!("col={}", self.column));
                }
            }
        }
        let mut message = escape_controls(&self.message, true).into_owned();
        if let Some(h) = &self.hint {
            message.push_str("\nhelp: ");
            message.push_str(&escape_controls(h, true));
        }
        format!(
            "::{command} {}::{}",
            props.join(","),
            escape_gh_data(&message)
        )
    }

    fn location_path(&self) -> Option<String> {
        self.file
            .as_deref()
            .map(|f| printable(&display_path(f)).into_owned())
    }
}

/// Text from a user's file as a log may show it: control characters (line
/// breaks, carriage returns, ESC, NUL...), Unicode line and paragraph
/// separators and bidirectional overrides become visible escapes (`\n`,
/// `\u{1b}`, `\u{202e}`). Tabs stay: they can neither break a line nor
/// start an escape sequence.
/// The start of every line of one file, or of a part of it that starts a
/// line (a Markdown body after its front matter), made once, so that quoting
/// line `n` is a binary search away instead of a scan from the top.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first character of each line.
    starts: Vec<usize>,
    /// The file's line number of the text's first line.
    first_line: usize,
}

impl<'a> LineIndex<'a> {
    /// The lines of a whole file.
    pub fn new(text: &'a str) -> Self {
        LineIndex::from_line(text, 1)
    }

    /// The lines of `text`, a part of a file that starts at the beginning of
    /// the file's line `first_line`: lines are numbered as in the file.
    pub fn from_line(text: &'a str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex {
            text,
            starts,
            first_line: first_line.max(1),
        }
    }

    /// The text the lines are of.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The file's line `n` (1-based) without its line ending, as
    /// `str::lines` gives it; `None` outside the text.
    pub fn line(&self, n: usize) -> Option<&'a str> {
        let i = n.checked_sub(self.first_line)?;
        let start = *self.starts.get(i)?;
        if start == self.text.len() {
            // After a final newline (or in an empty file) there is no line.
            return None;
        }
        let end = self.starts.get(i + 1).map_or(self.text.len(), |&e| e - 1);
        Some(self.text[start..end].trim_end_matches('\r'))
    }

    /// The file's 1-based line and column (in characters) of byte `offset`
    /// of the text.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let i = self.starts.partition_point(|&s| s <= offset) - 1;
        let column = self.text[self.starts[i]..offset].chars().count() + 1;
        (self.first_line + i, column)
    }
}

pub fn printable(s: &str) -> Cow<'_, str> {
    escape_controls(s, false)
}

/// Whether a character must not reach a log as it is.
fn is_unsafe_in_log(c: char, keep_newlines: bool) -> bool {
    match c {
        '\t' => false,
        '\n' | '\r' => !keep_newlines,
        // Line and paragraph separators; bidirectional embeddings,
        // overrides and isolates ("Trojan Source"); zero-width marks.
        '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        '\u{200e}' | '\u{200f}' | '\u{061c}' => true,
        c => c.is_control(),
    }
}

/// [`printable`], optionally leaving `\n` and `\r` for a caller that
/// escapes them its own way (GitHub's `%0A`).
fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe_in_log(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe_in_log(c, keep_newlines) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`printable`] for a quoted source line, with a map from a character
/// index of the original line to the byte offset of that character in the
/// escaped one, so the caret still points at what it pointed at.
fn printable_with_offsets(line: &str) -> (String, impl Fn(usize) -> usize + use<>) {
    let mut out = String::with_capacity(line.len());
    let mut offsets = Vec::with_capacity(line.len() + 1);
    for c in line.chars() {
        offsets.push(out.len());
        if is_unsafe_in_log(c, false) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    let end = out.len();
    (out, move |chars: usize| {
        offsets.get(chars).copied().unwrap_or(end)
    })
}

/// Paths print with `/` on every platform so messages and tests agree.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn escape_gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_gh_property(s: &str) -> String {
    escape_gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Sorts diagnostics into a stable order (file, line, column, message), so
/// that parallel stages report in the same order every time.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// The nearest candidate to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index must quote exactly the line `str::lines` would.
    #[rstest::rstest]
    #[case("")]
    #[case("one")]
    #[case("one\n")]
    #[case("one\ntwo")]
    #[case("one\r\ntwo\r\n\n")]
    #[case("\n\nthree\n")]
    #[case("é\nß\n")]
    fn line_index_quotes_the_lines_str_lines_gives(#[case] text: &str) {
        let index = LineIndex::new(text);
        for n in 1..=text.lines().count() + 2 {
            let expected = text.lines().nth(n - 1).map(|l| l.trim_end_matches('\r'));
            assert_eq!(index.line(n), expected, "line {n} of {text:?}");
        }
        assert_eq!(index.line(0), None);
        // The same text as a part of a file that starts at its line 5.
        let part = LineIndex::from_line(text, 5);
        for n in 5..=text.lines().count() + 6 {
            assert_eq!(part.line(n), index.line(n - 4), "file line {n} of {text:?}");
        }
        assert_eq!(part.line(4), None, "before the part");
        assert_eq!(part.position(0).0, 5);
    }

    #[test]
    fn line_index_positions_count_characters() {
        let index = LineIndex::new("ab\néé x\n");
        assert_eq!(index.position(0), (1, 1));
        assert_eq!(index.position(3), (2, 1));
        assert_eq!(index.position(8), (2, 4));
    }

    #[test]
    fn renders_location_caret_and_hint() {
        let text = "---\ntitle: x\nfacilitater: Ana\n---\n";
        let d = Diagnostic::error("unknown key `facilitater`")
            .in_file("content/sessions/a.md")
            .at(text, 3, 1)
            .underline(11)
            .hint("did you mean `facilitators`?");
        let out = d.render(false);
        assert!(out.contains("error: unknown key `facilitater`"), "{out}");
        assert!(out.contains("content/sessions/a.md:3:1"), "{out}");
        assert!(out.contains("facilitater: Ana"), "{out}");
        assert!(out.contains("^^^^^^^^^^^"), "{out}");
        assert!(out.contains("help: did you mean `facilitators`?"), "{out}");
    }

    #[test]
    fn json_has_null_for_unknown_positions_and_keeps_text_on_one_line() {
        let d = Diagnostic::error("two\nlines\u{1b}[31m").in_file("site.yaml");
        let json = d.to_json();
        assert_eq!(json["file"], "site.yaml");
        assert!(json["line"].is_null() && json["column"].is_null() && json["end"].is_null());
        assert!(json["hint"].is_null());
        let line = json.to_string();
        assert!(!line.contains('\n') && !line.contains('\u{1b}'), "{line}");
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["message"], "two\nlines\u{1b}[31m");
    }

    #[test]
    fn github_annotation_escapes_properties_and_newlines() {
        let d = Diagnostic::error("bad\nthing")
            .in_file("content/a,b.md")
            .at_line_only(3, 7);
        assert_eq!(
            d.github_annotation(),
            "::error file=content/a%2Cb.md,line=3,col=7::bad%0Athing"
        );
    }

    /// Content that tries to write its own lines, workflow commands and
    /// terminal escapes into the log.
    const HOSTILE: &[&str] = &[
        "x\n::error::forged",
        "x\r\n::add-mask::secret",
        "x\r::stop-commands::token",
        "x\u{1b}[31mred\u{1b}[0m",
        "x\u{1b}]0;title\u{7}",
        "x\u{0}\u{8}\u{7f}\u{9b}31m",
        "x\u{2028}::error::forged",
        "x\u{202e}desrever",
        "x\u{b}\u{c}::warning::forged",
    ];

    fn assert_safe_for_a_log(out: &str, what: &str) {
        for line in out.lines() {
            assert!(
                !line.trim_start().starts_with("::"),
                "{what}: a line starts a workflow command: {out:?}"
            );
            assert!(!line.contains("error: forged"), "{what}: {out:?}");
        }
        assert!(
            !out.chars()
                .any(|c| c != '\n' && c != '\t' && is_unsafe_in_log(c, false)),
            "{what}: {out:?}"
        );
    }

    #[test]
    fn renders_hostile_text_on_one_line_without_escapes() {
        for &bad in HOSTILE {
            let text = format!("---\ntitle: {bad}\n---\n");
            let d = Diagnostic::error(format!("unknown link `{bad}`"))
                .in_file(format!("content/{bad}.md"))
                .at(&text, 2, 8)
                .underline(3)
                .hint(format!("did you mean `{bad}`?"));
            let out = d.render(false);
            assert_safe_for_a_log(&out, bad);
            assert_eq!(
                out.lines().filter(|l| l.contains("unknown link")).count(),
                1,
                "{out}"
            );
            let coloured = d.render(true);
            // The renderer's own colours are ESC sequences; the content's are not.
            assert!(!coloured.contains("\u{1b}]"), "{coloured:?}");
            assert!(!coloured.contains("\u{1b}[31m"), "{coloured:?}");
            let no_snippet = Diagnostic::error(bad).in_file(bad).at_line_only(3, 1);
            assert_safe_for_a_log(&no_snippet.render(false), bad);
        }
    }

    #[test]
    fn github_annotations_stay_one_command_whatever_the_content() {
        for &bad in HOSTILE {
            let d = Diagnostic::error(format!("broken link `{bad}`"))
                .in_file(format!("content/{bad}:x,y.md"))
                .at_line_only(3, 7)
                .hint(bad);
            let out = d.github_annotation();
            assert_eq!(out.lines().count(), 1, "{out:?}");
            assert!(out.starts_with("::error file=content/x"), "{out}");
            assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
            let (props, _) = out["::error ".len()..].split_once("::").unwrap();
            assert!(props.contains("%3Ax%2Cy.md,line=3,col=7"), "{props}");
        }
        let d = Diagnostic::error("100% broken").in_file("content/%0A.md");
        assert_eq!(
            d.github_annotation(),
            "::error file=content/%250A.md::100%25 broken"
        );
    }

    #[test]
    fn the_caret_follows_escaped_characters() {
        let text = "a\u{1b}b target\n";
        let d = Diagnostic::error("x")
            .in_file("a.md")
            .at(text, 1, 5)
            .underline(6);
        let out = d.render(false);
        let quoted = out.lines().find(|l| l.contains("target")).unwrap();
        let caret = out.lines().find(|l| l.contains('^')).unwrap();
        let at = quoted.find("target").unwrap();
        assert_eq!(caret.find('^'), Some(at), "{out}");
        assert!(quoted.contains("a\\u{1b}b"), "{out}");
    }

    #[test]
    fn suggests_the_nearest_known_word() {
        let keys = ["title", "facilitators", "format", "tags"];
        assert_eq!(did_you_mean("facilitater", keys), Some("facilitators"));
        assert_eq!(did_you_mean("tittle", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
