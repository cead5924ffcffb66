//! The parse stage: one source file in, one typed document out (front matter
//! deserialized, Markdown rendered). Files are independent of each other, so
//! the stage runs on all cores and is the natural unit for caching.

pub mod agenda;
pub mod front_matter;
pub mod highlight;
pub mod html;
pub mod markdown;
pub mod meta;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;
use crate::parse::agenda::AgendaDoc;
use crate::parse::front_matter::Split;
use crate::parse::highlight::Highlighter;
use crate::parse::markdown::{MarkdownOptions, Rendered};
use crate::parse::meta::{CommunityMeta, Kind, PageMeta, PatternMeta, PersonMeta, SessionMeta};

/// What the parse stage needs besides the file itself.
pub struct ParseContext<'a> {
    pub markdown: MarkdownOptions,
    pub highlighter: &'a Highlighter,
    pub include_drafts: bool,
    /// `date_order` from site.yaml: the default for agendas.
    pub date_order: Option<crate::parse::agenda::DateOrder>,
}

/// A parsed Markdown document of any kind.
#[derive(Debug, Clone)]
pub struct Doc<M> {
    /// Relative to the site root, for messages.
    pub file: PathBuf,
    /// Relative to `content/`, for kinds, URLs and relative links.
    pub content_path: PathBuf,
    pub meta: M,
    pub body: Rendered,
    /// The file (normalised) as far as later diagnostics quote it, every
    /// line at its number: the front matter and the body's lines that write
    /// links; other body lines are empty (see [`quotable_text`]).
    pub text: String,
    pub yaml: String,
    pub yaml_first_line: usize,
    /// Where each front-matter key is, found once at parse time.
    pub keys: front_matter::KeySpans,
}

impl<M> Doc<M> {
    /// A diagnostic pointing at `value` under front-matter key `key`.
    pub fn error_at_value(&self, key: &str, value: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(message).in_file(&self.file);
        match self.keys.value(&self.yaml, key, value) {
            Some((line, col, len)) => d.at(&self.text, line, col).underline(len),
            None => d.at(&self.text, 1, 1).underline(3),
        }
    }

    /// A diagnostic pointing at front-matter key `key` (or the top of the file).
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(message).in_file(&self.file);
        match self.keys.key(key) {
            Some(k) => d
                .at(&self.text, k.line, k.column)
                .underline(key.chars().count()),
            None => d.at(&self.text, 1, 1).underline(3),
        }
    }

    /// The file stem (`clean-code` for `sessions/sd/clean-code.md`).
    pub fn stem(&self) -> String {
        file_stem(&self.content_path)
    }
}

pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// One per source file; all but `Draft` are large, so boxing would only add
/// an allocation per file.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Parsed {
    Session(Doc<SessionMeta>),
    Pattern(Doc<PatternMeta>),
    Community(Doc<CommunityMeta>),
    Person(Doc<PersonMeta>),
    Page(Doc<PageMeta>),
    Agenda(AgendaDoc),
    /// A draft left out of this build.
    Draft,
}

impl Parsed {
    /// Moves the body's HTML out of the document, with the file it came
    /// from: a one-shot build hands it to resolve (`ResolveInput::taken_html`),
    /// which frees each as soon as its links are substituted.
    pub fn take_html(&mut self) -> Option<(PathBuf, String)> {
        let (file, body) = match self {
            Parsed::Session(d) => (&d.file, &mut d.body),
            Parsed::Pattern(d) => (&d.file, &mut d.body),
            Parsed::Community(d) => (&d.file, &mut d.body),
            Parsed::Person(d) => (&d.file, &mut d.body),
            Parsed::Page(d) => (&d.file, &mut d.body),
            Parsed::Agenda(a) => (&a.file, a.body.as_mut()?),
            Parsed::Draft => return None,
        };
        Some((file.clone(), std::mem::take(&mut body.html)))
    }
}

/// The kind a file has by its folder under `content/`.
pub fn kind_by_folder(content_path: &Path) -> Kind {
    let first = content_path
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let nested = content_path.components().count() > 1;
    match first.as_str() {
        "sessions" if nested => Kind::Session,
        "patterns" if nested => Kind::Pattern,
        "communities" if nested => Kind::Community,
        "people" if nested => Kind::Person,
        "agendas" if nested => Kind::Agenda,
        _ => Kind::Page,
    }
}

/// Parses one file: its document if it parsed, and every diagnostic about
/// it (errors, and warnings from its body).
pub fn parse_source(file: &SourceFile, cx: &ParseContext<'_>) -> (Option<Parsed>, Vec<Diagnostic>) {
    match parse_file(file, cx) {
        Ok(doc) => {
            let diagnostics = body_diagnostics(&doc);
            (Some(doc), diagnostics)
        }
        Err(d) => (None, d),
    }
}

fn body_diagnostics(doc: &Parsed) -> Vec<Diagnostic> {
    match doc {
        Parsed::Session(d) => d.body.diagnostics.clone(),
        Parsed::Pattern(d) => d.body.diagnostics.clone(),
        Parsed::Community(d) => d.body.diagnostics.clone(),
        Parsed::Person(d) => d.body.diagnostics.clone(),
        Parsed::Page(d) => d.body.diagnostics.clone(),
        Parsed::Agenda(a) => a.diagnostics.clone(),
        Parsed::Draft => Vec::new(),
    }
}

/// Parses one file.
pub fn parse_file(file: &SourceFile, cx: &ParseContext<'_>) -> Result<Parsed, Vec<Diagnostic>> {
    let text = front_matter::decode(&file.bytes, &file.path).map_err(|d| vec![d])?;
    let folder_kind = kind_by_folder(&file.content_path);
    let ext = file
        .content_path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    // MDX is Markdown with JSX components and `import`s, which only a
    // React build can render: refused by name rather than copied raw into
    // the site or shown with its code as text.
    if ext == "mdx" {
        return Err(vec![
            Diagnostic::error("`.mdx` files are not supported: MDX mixes Markdown with React components that a static build cannot render")
                .in_file(&file.path)
                .at(&text, 1, 1)
                .hint("remove the `import` lines and JSX components (`<Tabs>`...) and rename the file to `.md`"),
        ]);
    }
    if folder_kind == Kind::Agenda && ext != "md" {
        return agenda::parse_agenda_file(file, &text, &ext, cx).map(Parsed::Agenda);
    }
    if text.trim().is_empty() {
        return Err(vec![
            Diagnostic::error("file is empty")
                .in_file(&file.path)
                .hint("start the file with front matter: a line `---`, then `title: My title`, then `---`"),
        ]);
    }
    let split = front_matter::split(&text, &file.path).map_err(|d| vec![d])?;
    // A file without front matter is a page titled by its `# Heading`.
    let headed = split.title_from_heading().is_some();
    let Some(yaml) = split.yaml.or(headed.then_some("")) else {
        return Err(vec![
            Diagnostic::error("missing front matter")
                .in_file(&file.path)
                .at(&text, 1, 1)
                .hint("start the file with front matter: a line `---`, then `title: My title`, then `---`"),
        ]);
    };
    let kind = match front_matter::peek_kind(yaml) {
        None => folder_kind,
        Some(name) => Kind::from_name(name).ok_or_else(|| {
            let (line, col) =
                front_matter::locate_key(yaml, split.yaml_first_line, "kind").unwrap_or((1, 1));
            vec![
                Diagnostic::error(format!("unknown kind `{name}`"))
                    .in_file(&file.path)
                    .at(&text, line, col)
                    .underline(4)
                    .hint("kind is one of: session, pattern, community, person, page, agenda"),
            ]
        })?,
    };
    let parsed = match kind {
        Kind::Session => Parsed::Session(doc(
            file,
            &text,
            &split,
            cx,
            SessionMeta::keys(),
            |m: &SessionMeta| m.draft,
        )?),
        Kind::Pattern => Parsed::Pattern(doc(
            file,
            &text,
            &split,
            cx,
            PatternMeta::keys(),
            |m: &PatternMeta| m.draft,
        )?),
        Kind::Community => Parsed::Community(doc(
            file,
            &text,
            &split,
            cx,
            CommunityMeta::keys(),
            |m: &CommunityMeta| m.draft,
        )?),
        Kind::Person => Parsed::Person(doc(
            file,
            &text,
            &split,
            cx,
            PersonMeta::keys(),
            |m: &PersonMeta| m.draft,
        )?),
        Kind::Page => Parsed::Page(doc(
            file,
            &text,
            &split,
            cx,
            PageMeta::keys(),
            |m: &PageMeta| m.draft,
        )?),
        Kind::Agenda => Parsed::Agenda(agenda::parse_agenda_markdown(file, &text, &split, cx)?),
    };
    Ok(match parsed {
        Parsed::Session(d) if d.meta.draft && !cx.include_drafts => Parsed::Draft,
        Parsed::Pattern(d) if d.meta.draft && !cx.include_drafts => Parsed::Draft,
        Parsed::Community(d) if d.meta.draft && !cx.include_drafts => Parsed::Draft,
        Parsed::Person(d) if d.meta.draft && !cx.include_drafts => Parsed::Draft,
        Parsed::Page(d) if d.meta.draft && !cx.include_drafts => Parsed::Draft,
        other => other,
    })
}

fn doc<M: DeserializeOwned>(
    file: &SourceFile,
    text: &str,
    split: &Split<'_>,
    cx: &ParseContext<'_>,
    keys: &[&str],
    is_draft: impl Fn(&M) -> bool,
) -> Result<Doc<M>, Vec<Diagnostic>> {
    // The heading that gave the title is not repeated in the body.
    let body_split = split.title_from_heading().map_or(*split, |(_, s)| s);
    let render = || {
        markdown::render(
            body_split.body,
            body_split.body_first_line,
            &file.path,
            cx.markdown,
            cx.highlighter,
        )
    };
    let meta = front_matter::parse_yaml::<M>(split, text, &file.path, keys);
    let title_problem = check_title(split, text, &file.path);
    let meta = match (meta, title_problem) {
        (Ok(meta), None) => meta,
        // Report the body's errors with the front matter's: one round.
        (meta, title_problem) => {
            let mut errors = meta.err().unwrap_or_default();
            errors.extend(title_problem);
            errors.extend(
                render()
                    .diagnostics
                    .into_iter()
                    .filter(Diagnostic::is_error),
            );
            return Err(errors);
        }
    };
    // A draft that is left out is not worth rendering.
    let body = if is_draft(&meta) && !cx.include_drafts {
        Rendered::default()
    } else {
        render()
    };
    Ok(Doc {
        file: file.path.clone(),
        content_path: file.content_path.clone(),
        meta,
        text: quotable_text(text, body_split.body_first_line, &body),
        body,
        yaml: split.yaml.unwrap_or_default().to_string(),
        yaml_first_line: split.yaml_first_line,
        keys: front_matter::KeySpans::new(split.yaml.unwrap_or_default(), split.yaml_first_line),
    })
}

/// The lines of a Markdown document that messages made after parsing can
/// quote: everything before the body (the front matter, whose keys and
/// values later passes report at, and a `# Title` line), and each body line
/// that writes a link (resolve reports a broken relative link at its line,
/// the link checker a broken site link). The body's other lines are left
/// empty, so every kept line keeps its number. A document is held until the
/// site is resolved (in the preview, for the whole session), and its body
/// text is most of a site's source bytes; the body's own messages are made
/// while it is parsed, from the whole text.
fn quotable_text(text: &str, body_first_line: usize, body: &Rendered) -> String {
    let mut quoted: Vec<usize> = body
        .links
        .iter()
        .map(|l| l.line)
        .chain(body.raw_links.iter().map(|l| l.line))
        .collect();
    quoted.sort_unstable();
    quoted.dedup();
    let mut kept = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        if number < body_first_line || quoted.binary_search(&number).is_ok() {
            kept.push_str(line);
        } else {
            kept.push_str(&line[line.trim_end_matches(['\r', '\n']).len()..]);
        }
    }
    kept.shrink_to_fit();
    kept
}

/// A present but blank `title:` is as bad as a missing one.
fn check_title(split: &Split<'_>, text: &str, file: &Path) -> Option<Diagnostic> {
    let yaml = split.yaml?;
    let (line, col) = front_matter::locate_key(yaml, split.yaml_first_line, "title")?;
    let line_text = text.lines().nth(line - 1)?;
    let value = line_text
        .split_once(':')?
        .1
        .trim()
        .trim_matches(['"', '\'']);
    value.trim().is_empty().then(|| {
        Diagnostic::error("`title` is empty")
            .in_file(file)
            .at(text, line, col)
            .underline(5)
            .hint("give the page a title: `title: Clean Code Principles`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A parsed document keeps the lines later messages quote, each at
    /// its number, and empties the rest of its body.
    #[test]
    fn a_document_keeps_only_the_lines_later_messages_quote() {
        let text = "---\ntitle: T\nweight: 3\n---\nPlain prose here.\n\nSee [B](b.md) and <a href=\"/x/\">x</a>.\nMore prose.\n<img src=\"/i.png\">\n";
        let file = SourceFile {
            path: PathBuf::from("content/t.md"),
            content_path: PathBuf::from("t.md"),
            bytes: text.as_bytes().to_vec(),
        };
        let highlighter = Highlighter::new();
        let cx = ParseContext {
            markdown: MarkdownOptions {
                raw_html: true,
                smart_punctuation: false,
            },
            highlighter: &highlighter,
            include_drafts: false,
            date_order: None,
        };
        let parsed = parse_file(&file, &cx);
        let Ok(Parsed::Page(doc)) = parsed else {
            panic!("not a page: {parsed:?}");
        };
        let kept: Vec<&str> = doc.text.lines().collect();
        assert_eq!(
            kept,
            [
                "---",
                "title: T",
                "weight: 3",
                "---",
                "",
                "",
                "See [B](b.md) and <a href=\"/x/\">x</a>.",
                "",
                "<img src=\"/i.png\">",
            ]
        );
        // A key's message still quotes its line.
        let d = doc.error_at_key("weight", "bad weight");
        assert_eq!(d.line, 3);
        assert_eq!(d.source_line.as_deref(), Some("weight: 3"));
    }

    #[test]
    fn folders_decide_kinds() {
        assert_eq!(kind_by_folder(Path::new("sessions/sd/a.md")), Kind::Session);
        assert_eq!(kind_by_folder(Path::new("patterns/tdd.md")), Kind::Pattern);
        assert_eq!(kind_by_folder(Path::new("guidelines.md")), Kind::Page);
        assert_eq!(kind_by_folder(Path::new("sessions.md")), Kind::Page);
        assert_eq!(kind_by_folder(Path::new("how-to/run.md")), Kind::Page);
    }
}
