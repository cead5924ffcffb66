//! Diagnostics: errors and warnings about a user's files, as data.
//!
//! Every problem found in a build becomes a [`Diagnostic`] that carries the
//! file, the line and column (1-based, counted from the top of the file), the
//! offending line and a hint. The build collects all of them and reports them
//! together, rustc-style, so a contributor fixes everything in one round.

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
            Some(f) => display_path(f),
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
        let mut group = Group::with_title(level.primary_title(&self.message));
        match (&self.source_line, &path) {
            (Some(line_text), Some(path)) if self.line > 0 => {
                let start = char_to_byte(line_text, self.column.saturating_sub(1));
                let end = char_to_byte(line_text, self.column.saturating_sub(1) + self.span_chars)
                    .max(start);
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
                Level::HELP.secondary_title(hint.as_str()),
            ));
        }
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        renderer.render(&report).to_string()
    }

    /// A GitHub Actions workflow command, so the error shows on the pull request.
    pub fn github_annotation(&self) -> String {
        let command = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut props = Vec::new();
        if let Some(f) = &self.file {
            props.push(format!("file={}", escape_gh_property(&display_path(f))));
            if self.line > 0 {
                props.push(format!("line={}", self.line));
                if self.column > 0 {
                    props.push(format!("col={}", self.column));
                }
            }
        }
        let mut message = self.message.clone();
        if let Some(h) = &self.hint {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        format!(
            "::{command} {}::{}",
            props.join(","),
            escape_gh_data(&message)
        )
    }

    fn location_path(&self) -> Option<String> {
        self.file.as_deref().map(display_path)
    }
}

fn char_to_byte(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
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
    fn github_annotation_escapes_properties_and_newlines() {
        let d = Diagnostic::error("bad\nthing")
            .in_file("content/a,b.md")
            .at_line_only(3, 7);
        assert_eq!(
            d.github_annotation(),
            "::error file=content/a%2Cb.md,line=3,col=7::bad%0Athing"
        );
    }

    #[test]
    fn suggests_the_nearest_known_word() {
        let keys = ["title", "facilitators", "format", "tags"];
        assert_eq!(did_you_mean("facilitater", keys), Some("facilitators"));
        assert_eq!(did_you_mean("tittle", keys), Some("title"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }
}
