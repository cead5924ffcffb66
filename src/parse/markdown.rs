//! Markdown to HTML: CommonMark plus tables, footnotes, strikethrough, task
//! lists, smart punctuation and wikilinks, with stable heading ids, a table of
//! contents and build-time highlighting.
//!
//! Rendering is a pure function of one file, so it runs in parallel and can
//! be cached per file. Links to other files cannot be resolved here (their
//! URLs and anchors are only known once every file is parsed), so each one is
//! written as a placeholder (`\u{1A}N\u{1A}`, N indexing [`Rendered::links`])
//! that the resolve stage replaces in one pass over the HTML.
//!
//! Content cannot forge a placeholder or put a control character in the
//! page: every event is cleaned as it leaves the parser, after character
//! references are decoded (`&#x1A;` arrives as the character itself), so the
//! only `\u{1A}` in the HTML are the ones written here. Raw HTML, where a
//! site allows it, goes through a sanitiser (ammonia) with an allow-list.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, LineIndex};
use crate::model::slug::slugify;
use crate::parse::highlight::{Highlighted, Highlighter, escape};

mod callouts;
mod extensions;
mod math;
mod mermaid;

/// Marks a link placeholder in rendered HTML. It cannot occur in user text:
/// decoding strips it from every file and [`clean_event`] from every
/// decoded character reference.
pub const PLACEHOLDER: char = '\u{1A}';

#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    pub raw_html: bool,
    pub smart_punctuation: bool,
}

/// A Markdown body rendered to HTML, with what later stages need to know.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML with link placeholders.
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Every `id` in the HTML (headings, footnotes), for `#anchor` checks.
    pub anchors: HashSet<String>,
    pub links: Vec<LinkRef>,
    /// The text without markup or code, for search and summaries: shared
    /// with the resolved body, so a site holds it once, not once per stage.
    pub plain_text: Arc<str>,
    /// The first paragraph as plain text.
    pub first_paragraph: String,
    /// Warnings found while rendering (an unknown code language).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the body holds a Mermaid diagram (its page loads the script).
    pub has_diagram: bool,
    /// URLs written in raw HTML (`<a href>`, `<img src>`), with their
    /// positions, so that the link checker reports a broken one at its line.
    pub raw_links: Vec<RawLink>,
}

/// A URL in raw HTML, as written (character references decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    pub href: String,
    /// 1-based line and column of the URL in the source file.
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    /// Where the heading's text lies in `plain_text` (byte offsets), so
    /// search can cut the text into sections without parsing it again.
    #[serde(skip)]
    pub plain: (usize, usize),
}

/// A link or image whose URL the resolve stage decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub target: LinkTarget,
    /// 1-based line and column in the source file.
    pub line: usize,
    pub column: usize,
    /// The link as written, for messages.
    pub written: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// `#anchor` in the same document.
    Fragment(String),
    /// A relative path to another file (`../patterns/tdd.md#when`).
    Relative {
        path: String,
        fragment: Option<String>,
    },
    /// A path from the site root (`/guidelines/`): made relative to base_url.
    SiteAbsolute(String),
    /// `[[Target#Heading|text]]`.
    Wiki {
        target: String,
        fragment: Option<String>,
    },
}

/// Renders `body`, which starts at line `first_line` of `file` (for messages).
pub fn render(
    body: &str,
    first_line: usize,
    file: &Path,
    options: MarkdownOptions,
    highlighter: &Highlighter,
) -> Rendered {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        | extensions::OPTIONS;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let lines = LineIndex::from_line(body, first_line);
    let mut r = Renderer {
        out: Rendered::default(),
        plain_text: String::new(),
        options,
        highlighter,
        file,
        lines: &lines,
        events: Vec::new(),
        heading: None,
        code: None,
        image: None,
        footnote: None,
        footnotes: Vec::new(),
        footnote_numbers: HashMap::new(),
        used_ids: HashMap::new(),
        in_first_paragraph: Capture::NotYet,
        tables: 0,
        has_raw_html: false,
        maths: extensions::Maths::new(body),
        passed_raw: false,
        html_block: None,
        raw_open: HashMap::new(),
    };
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        r.event(event, range.start);
    }
    r.finish()
}

struct HeadingState<'a> {
    level: HeadingLevel,
    offset: usize,
    /// `plain_text.len()` when the heading started.
    plain_start: usize,
    id: Option<String>,
    classes: Vec<String>,
    events: Vec<Event<'a>>,
    text: String,
}

struct CodeState {
    lang: String,
    code: String,
    offset: usize,
}

struct ImageState {
    src: String,
    title: String,
    alt: String,
}

#[derive(PartialEq)]
enum Capture {
    NotYet,
    Capturing,
    Done,
}

struct Renderer<'a, 'h> {
    out: Rendered,
    /// `out.plain_text` while it grows.
    plain_text: String,
    options: MarkdownOptions,
    highlighter: &'h Highlighter,
    file: &'h Path,
    lines: &'h LineIndex<'h>,
    events: Vec<Event<'a>>,
    heading: Option<HeadingState<'a>>,
    code: Option<CodeState>,
    image: Option<ImageState>,
    /// The footnote definition being collected: (name, events).
    footnote: Option<(String, Vec<Event<'a>>)>,
    footnotes: Vec<(String, Vec<Event<'a>>)>,
    footnote_numbers: HashMap<String, usize>,
    used_ids: HashMap<String, usize>,
    in_first_paragraph: Capture,
    tables: usize,
    /// Whether the document holds raw HTML (only such documents are sanitised).
    has_raw_html: bool,
    /// Converted formulas, kept out of the HTML until it is finished.
    maths: extensions::Maths,
    /// Whether harmless raw tags were let through with raw HTML off (the
    /// document is then sanitised too).
    passed_raw: bool,
    /// With raw HTML off, the HTML block being read: its text and offset.
    html_block: Option<(String, usize)>,
    /// With raw HTML off, how many of each harmless tag passed open.
    raw_open: HashMap<String, usize>,
}

impl<'a> Renderer<'a, '_> {
    fn event(&mut self, event: Event<'a>, offset: usize) {
        let event = clean_event(event);
        if matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            self.has_raw_html = true;
        }
        if let Some(code) = &mut self.code {
            match event {
                Event::Text(t) => code.code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.finish_code_block(),
                _ => {}
            }
            return;
        }
        if let Some(image) = &mut self.image {
            match event {
                Event::Text(t) | Event::Code(t) => image.alt.push_str(&t),
                Event::End(TagEnd::Image) => self.finish_image(),
                _ => {}
            }
            return;
        }
        let Some(event) = self.extension_event(event, offset) else {
            return;
        };
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                self.heading = Some(HeadingState {
                    level,
                    offset,
                    plain_start: self.plain_text.len(),
                    id: id.map(|s| s.to_string()),
                    classes: classes.into_iter().map(|c| c.to_string()).collect(),
                    events: Vec::new(),
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) => self.finish_heading(),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or("")
                        .to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some(CodeState {
                    lang,
                    code: String::new(),
                    offset,
                });
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let src = self.link_href(&dest_url, LinkType::Inline, offset);
                self.image = Some(ImageState {
                    src,
                    title: title.to_string(),
                    alt: String::new(),
                });
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let href = self.link_href(&dest_url, link_type, offset);
                let mut html = format!("<a href=\"{href}\"");
                if !title.is_empty() {
                    let _ = write!(html, " title=\"{}\"", escape_attr(&title));
                }
                html.push('>');
                self.emit(Event::Html(html.into()));
            }
            Event::Html(html) if !self.options.raw_html && self.html_block.is_some() => {
                if let Some((block, _)) = &mut self.html_block {
                    block.push_str(&html);
                }
            }
            Event::Start(Tag::HtmlBlock) if !self.options.raw_html => {
                self.html_block = Some((String::new(), offset));
            }
            Event::End(TagEnd::HtmlBlock) if !self.options.raw_html => {
                if let Some((block, at)) = self.html_block.take() {
                    self.restricted_html(&block, at, true);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) if !self.options.raw_html => {
                self.restricted_html(&html, offset, false);
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                self.raw_targets(&html, offset);
                self.emit(Event::Html(html));
            }
            Event::TaskListMarker(done) => {
                // The box is decoration; the state is said in words, next to the item.
                let html = if done {
                    "<input type=\"checkbox\" disabled checked aria-hidden=\"true\" tabindex=\"-1\"><span class=\"visually-hidden\">Done: </span> "
                } else {
                    "<input type=\"checkbox\" disabled aria-hidden=\"true\" tabindex=\"-1\"><span class=\"visually-hidden\">To do: </span> "
                };
                self.emit(Event::Html(html.into()));
            }
            Event::FootnoteReference(name) => {
                let n = self.footnote_number(&name);
                let id = slugify(&name);
                let ref_id = self.unique_id(&format!("fnref-{id}"));
                let html = format!(
                    "<sup class=\"footnote-ref\"><a href=\"#fn-{id}\" id=\"{ref_id}\" aria-label=\"Footnote {n}\">{n}</a></sup>"
                );
                self.emit(Event::Html(html.into()));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                self.footnote_number(&name);
                self.footnote = Some((name.to_string(), Vec::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(def) = self.footnote.take() {
                    self.footnotes.push(def);
                }
            }
            Event::Start(Tag::Table(aligns)) => {
                // A scrollable region must be focusable and named; number
                // the tables so a page's regions are told apart.
                self.tables += 1;
                let html = format!(
                    "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table {}\" tabindex=\"0\">",
                    self.tables
                );
                self.emit(Event::Html(html.into()));
                self.emit(Event::Start(Tag::Table(aligns)));
            }
            Event::End(TagEnd::Table) => {
                self.emit(Event::End(TagEnd::Table));
                self.emit(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Paragraph) => {
                if self.in_first_paragraph == Capture::NotYet && self.footnote.is_none() {
                    self.in_first_paragraph = Capture::Capturing;
                }
                self.emit(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                if self.in_first_paragraph == Capture::Capturing {
                    self.in_first_paragraph = Capture::Done;
                }
                self.emit(Event::End(TagEnd::Paragraph));
                self.plain_text.push('\n');
            }
            Event::Text(t) => {
                self.text(&t);
                self.emit(Event::Text(t));
            }
            Event::Code(t) => {
                self.text(&t);
                self.emit(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                self.text(" ");
                self.emit(event);
            }
            // Tight list items and table cells have no paragraph around their
            // text: separate them, or search would see `one` + `two` as `onetwo`.
            Event::End(TagEnd::Item | TagEnd::TableCell) => {
                self.plain_text.push('\n');
                self.emit(event);
            }
            other => self.emit(other),
        }
    }

    fn emit(&mut self, event: Event<'a>) {
        if let Some(h) = &mut self.heading {
            h.events.push(event);
        } else if let Some((_, events)) = &mut self.footnote {
            events.push(event);
        } else {
            self.events.push(event);
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(h) = &mut self.heading {
            h.text.push_str(t);
        }
        if let Some(img) = &mut self.image {
            img.alt.push_str(t);
        }
        if self.in_first_paragraph == Capture::Capturing && self.footnote.is_none() {
            self.out.first_paragraph.push_str(t);
        }
        self.plain_text.push_str(t);
    }

    /// Raw HTML in a site that does not allow it: comments are dropped (they
    /// are notes, not content), HTML made only of [`HARMLESS`] tags passes
    /// (and is sanitised with the rest), anything else is shown as text,
    /// quotes escaped too, so that nothing reading the page (the link
    /// checker included) sees an attribute in it.
    fn restricted_html(&mut self, html: &str, offset: usize, block: bool) {
        use crate::parse::html::Token;
        let tokens = crate::parse::html::tokens(html);
        if tokens.iter().all(|t| *t == Token::Comment) {
            return;
        }
        // An end tag passes only after its start tag passed: the `</a>` of
        // an `<a href>` shown as text must be text too.
        let mut open = self.raw_open.clone();
        let harmless = tokens.iter().all(|t| match t {
            Token::Tag(tag) => {
                let known = HARMLESS.iter().any(|(name, attrs)| {
                    tag.name == *name && tag.attrs.iter().all(|(a, _)| attrs.contains(&a.as_str()))
                });
                let count = open.entry(tag.name.clone()).or_insert(0);
                if !known || (tag.end && *count == 0) {
                    false
                } else {
                    if tag.end {
                        *count -= 1;
                    } else if tag.name != "br" {
                        *count += 1;
                    }
                    true
                }
            }
            Token::Comment | Token::Text => true,
        });
        if harmless {
            self.raw_open = open;
            self.passed_raw = true;
            self.raw_targets(html, offset);
            for t in &tokens {
                if let Token::Tag(tag) = t
                    && tag.name == "br"
                {
                    self.text(" ");
                }
            }
            self.emit(Event::Html(html.to_string().into()));
            return;
        }
        let shown = strip_comments(html);
        self.text(&shown);
        let escaped = crate::escape::escape_html(&shown);
        let html = if block {
            format!("<p class=\"raw-html\">{escaped}</p>\n")
        } else {
            escaped
        };
        self.emit(Event::Html(html.into()));
    }

    /// Records the anchors and URLs of raw HTML that reaches the page: an
    /// `<a name>` or `id` is a target for `#links`, and each URL's position
    /// is kept for the link checker's messages.
    fn raw_targets(&mut self, html: &str, offset: usize) {
        let mut from = 0;
        for tag in crate::parse::html::start_tags(html) {
            for id in crate::parse::html::anchors(&tag) {
                self.out.anchors.insert(id.to_string());
            }
            for url in crate::parse::html::urls(&tag) {
                // The URL as written is usually the decoded one; else the
                // tag's line is the best place there is.
                let at = html[from..].find(url).map(|i| from + i);
                let (line, column) = match at {
                    Some(i) => {
                        from = i + url.len();
                        self.lines.position(offset + i)
                    }
                    None => {
                        let start = html
                            .split_inclusive('\n')
                            .take(tag.line.saturating_sub(1))
                            .map(str::len)
                            .sum::<usize>();
                        self.lines.position(offset + start)
                    }
                };
                self.out.raw_links.push(RawLink {
                    href: url.to_string(),
                    line,
                    column,
                });
            }
        }
    }

    fn footnote_number(&mut self, name: &str) -> usize {
        let next = self.footnote_numbers.len() + 1;
        *self
            .footnote_numbers
            .entry(name.to_string())
            .or_insert(next)
    }

    /// Returns `base`, or `base-1`, `base-2`... if already used in this document.
    fn unique_id(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "section" } else { base };
        let mut id = base.to_string();
        while self.out.anchors.contains(&id) {
            let n = self.used_ids.entry(base.to_string()).or_insert(0);
            *n += 1;
            id = format!("{base}-{n}");
        }
        self.out.anchors.insert(id.clone());
        id
    }

    fn finish_heading(&mut self) {
        let Some(h) = self.heading.take() else { return };
        let text = h.text.trim().to_string();
        let id = match h.id {
            Some(given) if is_valid_id(&given) => self.unique_id(&given),
            Some(given) => {
                self.invalid_heading_id(&given, h.offset);
                self.unique_id(&github_id(&text))
            }
            None => self.unique_id(&github_id(&text)),
        };
        let level = h.level as u8;
        let mut inner = String::new();
        pulldown_cmark::html::push_html(&mut inner, h.events.into_iter());
        let class = if h.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", escape_attr(&h.classes.join(" ")))
        };
        let html = format!(
            "<h{level} id=\"{id}\"{class}>{inner} <a class=\"heading-anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></h{level}>\n"
        );
        self.emit(Event::Html(html.into()));
        self.out.toc.push(TocEntry {
            level,
            id,
            title: text,
            plain: (h.plain_start, self.plain_text.len()),
        });
        self.plain_text.push('\n');
    }

    /// Reports a `{#id}` outside [`is_valid_id`], at the `{#` of its heading.
    fn invalid_heading_id(&mut self, given: &str, offset: usize) {
        let text = self.lines.text();
        let line_end = text[offset..].find('\n').map_or(text.len(), |e| offset + e);
        let at = text[offset..line_end]
            .rfind("{#")
            .map_or(offset, |at| offset + at);
        let d = Diagnostic::error(format!(
            "invalid heading id `{}`",
            given.escape_default()
        ))
        .hint("a heading id is letters, digits, `-` and `_`, starting with a letter or digit (at most 100 characters), e.g. `{#when-to-use}`; leave it out to get one from the heading's text");
        self.report(d, at, 1);
    }

    fn finish_code_block(&mut self) {
        let Some(code) = self.code.take() else { return };
        let lang = code.lang.trim();
        if mermaid::is_mermaid(lang) {
            self.mermaid_block(&code.code, code.offset);
            return;
        }
        // A language the highlighter does not know keeps its class, as
        // CommonMark writes it: client-side highlighters and styles use it.
        let plain = || {
            let class = if lang.is_empty() {
                String::new()
            } else {
                format!(" class=\"language-{}\"", escape_attr(lang))
            };
            format!(
                "<pre class=\"code\"><code{class}>{}</code></pre>\n",
                escape(&code.code)
            )
        };
        let html = if lang.is_empty() || matches!(lang, "text" | "plain" | "txt" | "plaintext") {
            plain()
        } else {
            match self.highlighter.highlight(lang, &code.code) {
                Highlighted::Html(spans) => {
                    let lang_attr = escape_attr(lang);
                    format!(
                        "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{spans}</code></pre>\n"
                    )
                }
                Highlighted::UnknownLanguage => {
                    let suggestion = self.highlighter.suggest_language(lang);
                    let hint = match suggestion {
                        Some(s) => format!("did you mean `{s}`? The block is shown as plain text"),
                        None => "the block is shown as plain text; use a known language name (rust, python, java, js, go, bash, sql, yaml, ...) or `text`".to_string(),
                    };
                    let d = Diagnostic::warning(format!("unknown code block language `{lang}`"))
                        .hint(hint);
                    self.report(d, code.offset, 3);
                    plain()
                }
            }
        };
        self.emit(Event::Html(html.into()));
    }

    fn finish_image(&mut self) {
        let Some(img) = self.image.take() else { return };
        let mut html = format!(
            "<img src=\"{}\" alt=\"{}\" loading=\"lazy\"",
            img.src,
            escape_attr(&img.alt)
        );
        if !img.title.is_empty() {
            let _ = write!(html, " title=\"{}\"", escape_attr(&img.title));
        }
        html.push('>');
        self.emit(Event::Html(html.into()));
    }

    /// The `href` to write for a link: external URLs as they are (escaped),
    /// everything else as a placeholder recorded in `links`.
    fn link_href(&mut self, dest: &CowStr<'_>, link_type: LinkType, offset: usize) -> String {
        // `<ana@example.org>`: CommonMark's email autolink, a `mailto:` link.
        let mailto;
        let dest = if link_type == LinkType::Email {
            mailto = format!("mailto:{}", dest.trim());
            mailto.as_str()
        } else {
            dest.trim()
        };
        let target = if let LinkType::WikiLink { .. } = link_type {
            let (target, fragment) = split_fragment(dest);
            LinkTarget::Wiki {
                target: target.trim().to_string(),
                fragment,
            }
        } else if let Err(scheme) = crate::escape::check_url_scheme(dest) {
            // Scripts in URLs are raw HTML by another name, and no sanitiser
            // would let them through either: refuse them, whatever the site allows.
            let d = Diagnostic::error(format!("links with the `{scheme}:` scheme are not allowed"))
                .hint(crate::escape::SCHEME_HINT);
            self.report(d, offset, 1);
            return "#".into();
        } else if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return crate::escape::url_attr(dest);
        } else if let Some(fragment) = dest.strip_prefix('#') {
            LinkTarget::Fragment(percent_decode(fragment))
        } else if dest.starts_with('/') {
            LinkTarget::SiteAbsolute(dest.to_string())
        } else {
            let (path, fragment) = split_fragment(dest);
            LinkTarget::Relative {
                path: percent_decode(&path),
                fragment,
            }
        };
        let (line, column) = self.lines.position(offset);
        let index = self.out.links.len();
        self.out.links.push(LinkRef {
            target,
            line,
            column,
            written: dest.to_string(),
        });
        format!("{PLACEHOLDER}{index}{PLACEHOLDER}")
    }

    fn finish(mut self) -> Rendered {
        let mut html = String::with_capacity(self.lines.text().len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        if !self.footnotes.is_empty() {
            let mut defs = std::mem::take(&mut self.footnotes);
            defs.sort_by_key(|(name, _)| self.footnote_numbers.get(name).copied().unwrap_or(0));
            html.push_str("<section class=\"footnotes\" aria-label=\"Footnotes\">\n<ol>\n");
            for (name, events) in defs {
                let id = slugify(&name);
                self.out.anchors.insert(format!("fn-{id}"));
                let mut body = String::new();
                pulldown_cmark::html::push_html(&mut body, events.into_iter());
                let backref = format!(
                    " <a href=\"#fnref-{id}\" class=\"footnote-backref\" aria-label=\"Back to reference\">↩</a>"
                );
                // Put the back-link inside the last paragraph, as GitHub does.
                let body = match body.rfind("</p>") {
                    Some(i) => format!("{}{backref}{}", &body[..i], &body[i..]),
                    None => format!("{body}{backref}"),
                };
                let _ = writeln!(html, "<li id=\"fn-{id}\">{body}</li>");
            }
            html.push_str("</ol>\n</section>\n");
        }
        self.out.html = if (self.has_raw_html && self.options.raw_html) || self.passed_raw {
            sanitize(&html)
        } else {
            html
        };
        self.out.html = self.maths.restore(std::mem::take(&mut self.out.html));
        self.out.first_paragraph = self.out.first_paragraph.trim().to_string();
        // A document is kept until the site is resolved (by a preview, for
        // the whole session): the room its strings grew into is not.
        self.out.html.shrink_to_fit();
        self.out.plain_text = Arc::from(std::mem::take(&mut self.plain_text));
        self.out.links.shrink_to_fit();
        self.out.raw_links.shrink_to_fit();
        self.out
    }
}

/// The raw tags that pass with raw HTML off, each with the attributes it may
/// have: what people write in READMEs and wikis for line breaks, keys,
/// exponents, foldable sections and anchors, none of which can run, load or
/// link to anything.
const HARMLESS: &[(&str, &[&str])] = &[
    ("br", &[]),
    ("kbd", &[]),
    ("sup", &[]),
    ("sub", &[]),
    ("details", &["open"]),
    ("summary", &[]),
    ("a", &["name", "id"]),
];

/// `html` without its `<!-- comments -->` (an unclosed one runs to the end).
fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        rest = match rest[i + 4..].find("-->") {
            Some(j) => &rest[i + 4 + j + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The raw-HTML allow-list: what a write-up needs (ammonia's default tags:
/// text-level markup, tables, lists, `details`, `kbd`, images, links...)
/// plus what this renderer writes itself (footnote sections, task-list
/// boxes, heading anchors, ARIA labels, highlight classes). Scripts, event
/// handlers, `style`, forms, frames, `svg` and `math` are dropped, and URLs
/// keep only the schemes of [`crate::escape::check_url_scheme`].
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["section", "input"])
        .add_generic_attributes([
            "id",
            "class",
            "role",
            "aria-label",
            "aria-hidden",
            "tabindex",
        ])
        .add_tag_attributes("pre", ["data-lang"])
        .add_tag_attributes("img", ["loading"])
        .add_tag_attributes("input", ["disabled", "checked"])
        .add_tag_attributes("a", ["name"])
        .add_tag_attributes("details", ["open"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .url_schemes(crate::escape::SAFE_SCHEMES.iter().copied().collect())
        // Links are written as the rest of the site's: no `rel` added.
        .link_rel(None);
    b
});

/// Runs a document that holds raw HTML through [`SANITIZER`]. The link
/// placeholders are hidden from it behind a token made from the document's
/// own hash (content cannot contain a hash of itself), then put back.
fn sanitize(html: &str) -> String {
    let hash = blake3::hash(html.as_bytes()).to_hex();
    let token = format!("fireside{}", &hash.as_str()[..24]);
    let hidden = html.replace(PLACEHOLDER, &token);
    let clean = SANITIZER.clean(&hidden).to_string();
    clean.replace(&token, PLACEHOLDER.encode_utf8(&mut [0; 4]))
}

/// A heading's id as GitHub makes it (and GitLab, and most renderers that
/// copied it), so that `#links` that work on GitHub work here: lower case,
/// every character that is not a letter, a digit, `-`, `_` or a space
/// removed, each space a `-` (no collapsing: `A & B` is `a--b`). Repeats get
/// `-1`, `-2`... from [`Renderer::unique_id`], as on GitHub.
pub fn github_id(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The id grammar for `{#id}`: conservative, so that an id is safe in an
/// attribute, a URL fragment and a CSS selector without escaping.
pub fn is_valid_id(id: &str) -> bool {
    id.len() <= 100
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `event` with every string it carries cleaned by
/// [`crate::escape::clean_text`]: text, code, raw HTML, URLs, titles, ids,
/// classes, attributes, info strings and footnote names. This is the one
/// place Markdown content enters the renderer, so nothing decoded from a
/// character reference can reach the HTML without passing here.
fn clean_event<'a>(event: Event<'a>) -> Event<'a> {
    fn c(s: CowStr<'_>) -> CowStr<'_> {
        if crate::escape::has_forbidden(&s) {
            CowStr::from(crate::escape::clean_text(&s).into_owned())
        } else {
            s
        }
    }
    fn o(s: Option<CowStr<'_>>) -> Option<CowStr<'_>> {
        s.map(c)
    }
    fn tag(t: Tag<'_>) -> Tag<'_> {
        match t {
            Tag::Heading {
                level,
                id,
                classes,
                attrs,
            } => Tag::Heading {
                level,
                id: o(id),
                classes: classes.into_iter().map(c).collect(),
                attrs: attrs.into_iter().map(|(k, v)| (c(k), o(v))).collect(),
            },
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                Tag::CodeBlock(CodeBlockKind::Fenced(c(info)))
            }
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Link {
                link_type,
                dest_url: c(dest_url),
                title: c(title),
                id: c(id),
            },
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => Tag::Image {
                link_type,
                dest_url: c(dest_url),
                title: c(title),
                id: c(id),
            },
            Tag::FootnoteDefinition(name) => Tag::FootnoteDefinition(c(name)),
            other => other,
        }
    }
    match event {
        Event::Start(t) => Event::Start(tag(t)),
        Event::Text(s) => Event::Text(c(s)),
        Event::Code(s) => Event::Code(c(s)),
        Event::Html(s) => Event::Html(c(s)),
        Event::InlineHtml(s) => Event::InlineHtml(c(s)),
        Event::InlineMath(s) => Event::InlineMath(c(s)),
        Event::DisplayMath(s) => Event::DisplayMath(c(s)),
        Event::FootnoteReference(s) => Event::FootnoteReference(c(s)),
        other => other,
    }
}

fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let scheme = &dest[..i];
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

fn split_fragment(dest: &str) -> (String, Option<String>) {
    match dest.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(percent_decode(f))),
        None => (dest.to_string(), None),
    }
}

/// Decodes `%XX` escapes in a link's path or fragment so that it matches the
/// file or heading it names. Escapes that do not form UTF-8 leave the text as
/// written (the link check then reports it as it stands in the file).
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .unwrap_or_else(|_| s.to_string())
}

/// Escapes text for an HTML attribute value (control characters dropped).
pub fn escape_attr(s: &str) -> String {
    crate::escape::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        render(
            body,
            1,
            Path::new("content/a.md"),
            MarkdownOptions {
                raw_html: false,
                smart_punctuation: true,
            },
            &Highlighter::new(),
        )
    }

    #[test]
    fn headings_get_unique_ids_anchor_links_and_a_toc() {
        let r = md("# Intro\n\n## When to use\n\n## When to use\n\n### Café & co {#custom}\n");
        assert!(r.html.contains("<h2 id=\"when-to-use\">When to use <a class=\"heading-anchor\" href=\"#when-to-use\" aria-hidden=\"true\""), "{}", r.html);
        assert!(r.html.contains("id=\"when-to-use-1\""));
        assert!(r.html.contains("<h3 id=\"custom\">"));
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["intro", "when-to-use", "when-to-use-1", "custom"]);
        assert_eq!(r.toc[3].title, "Café & co");
    }

    #[test]
    fn raw_html_is_escaped_by_default() {
        let r = md("Hello <script>alert(1)</script>\n\n<div onclick=x>hi</div>\n");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<div onclick"));
    }

    #[test]
    fn raw_html_passes_when_enabled() {
        let r = render(
            "<kbd>Ctrl</kbd>\n",
            1,
            Path::new("a.md"),
            MarkdownOptions {
                raw_html: true,
                smart_punctuation: false,
            },
            &Highlighter::new(),
        );
        assert!(r.html.contains("<kbd>Ctrl</kbd>"));
    }

    #[test]
    fn links_become_placeholders_with_positions() {
        let r = md(
            "Intro\n\nSee [TDD](../patterns/tdd.md#when-to-use), [x](#intro),\n[[Refactoring|refactor]] and [site](https://example.org/?a=1&b=2).\n",
        );
        assert_eq!(r.links.len(), 3);
        assert_eq!(
            r.links[0].target,
            LinkTarget::Relative {
                path: "../patterns/tdd.md".into(),
                fragment: Some("when-to-use".into())
            }
        );
        assert_eq!((r.links[0].line, r.links[0].column), (3, 5));
        assert_eq!(r.links[1].target, LinkTarget::Fragment("intro".into()));
        assert_eq!(
            r.links[2].target,
            LinkTarget::Wiki {
                target: "Refactoring".into(),
                fragment: None
            }
        );
        assert_eq!(r.links[2].line, 4);
        assert!(r.html.contains("href=\"\u{1A}0\u{1A}\""));
        assert!(r.html.contains(">refactor</a>"));
        assert!(r.html.contains("href=\"https://example.org/?a=1&amp;b=2\""));
    }

    #[test]
    fn code_is_highlighted_and_unknown_languages_warn() {
        let r = md("Text\n\n```rust\nfn main() {}\n```\n\n```klingon\nqapla\n```\n");
        assert!(r.html.contains("class=\"language-rust\""));
        assert!(r.html.contains("hl-"));
        assert!(
            r.html.contains(
                "<pre class=\"code\"><code class=\"language-klingon\">qapla\n</code></pre>"
            )
        );
        assert_eq!(r.diagnostics.len(), 1);
        assert_eq!(r.diagnostics[0].line, 7);
        assert!(!r.plain_text.contains("fn main"));
    }

    #[test]
    fn plain_text_separates_list_items_and_table_cells() {
        let r = md("- one\n- two\n\n| a | b |\n|---|---|\n| c | d |\n");
        let words: Vec<&str> = r.plain_text.split_whitespace().collect();
        assert_eq!(words, ["one", "two", "a", "b", "c", "d"]);
    }

    #[test]
    fn footnotes_and_task_lists_are_accessible() {
        let r = md("Claim[^src].\n\n- [x] done\n- [ ] todo\n\n[^src]: A source.\n");
        assert!(
            r.html.contains("href=\"#fn-src\" id=\"fnref-src\""),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<li id=\"fn-src\"><p>A source. <a href=\"#fnref-src\"")
        );
        assert!(r.html.contains("Done: </span>"));
        assert!(r.anchors.contains("fn-src"));
        assert_eq!(r.first_paragraph, "Claim.");
    }

    #[test]
    fn script_urls_are_refused() {
        let r = md(
            "[x](javascript:alert(1)) [y](JavaScript:void) [z](data:text/html,hi) [ok](mailto:a@b.c)\n",
        );
        assert!(!r.html.to_lowercase().contains("javascript:"), "{}", r.html);
        assert!(!r.html.contains("data:"));
        assert!(r.html.contains("mailto:a@b.c"));
        assert_eq!(r.diagnostics.iter().filter(|d| d.is_error()).count(), 3);
    }

    fn raw(body: &str) -> Rendered {
        render(
            body,
            1,
            Path::new("a.md"),
            MarkdownOptions {
                raw_html: true,
                smart_punctuation: false,
            },
            &Highlighter::new(),
        )
    }

    /// With raw HTML off: what passes, what is dropped, what is shown as text.
    #[test]
    fn harmless_raw_tags_pass_comments_go_the_rest_is_text() {
        let rows: &[(&str, &str, &str)] = &[
            ("Line<br>break\n", "Line<br>break", "&lt;br"),
            (
                "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>\n",
                "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
                "&lt;kbd",
            ),
            (
                "x<sup>2</sup> H<sub>2</sub>O\n",
                "x<sup>2</sup> H<sub>2</sub>O",
                "&lt;sup",
            ),
            (
                "<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n",
                "<summary>More</summary>",
                "&lt;details",
            ),
            (
                "<a name=\"install\"></a>\n\n## Install\n",
                "<a name=\"install\"></a>",
                "&lt;a",
            ),
            ("Text <!-- a note --> more\n", "Text  more", "note"),
            ("<!--\nblock note\n-->\n\nAfter\n", "<p>After</p>", "note"),
            (
                "<div onclick=x>hi</div>\n",
                "&lt;div onclick=x&gt;hi&lt;/div&gt;",
                "<div",
            ),
            ("<a href=\"/x/\">x</a>\n", "&lt;a href=", "<a href"),
            (
                "<a href=\"/x/\">x</a> <kbd>k</kbd>\n",
                "x&lt;/a&gt; <kbd>k</kbd>",
                "<a href",
            ),
            ("<kbd onclick=\"x\">k</kbd>\n", "&lt;kbd onclick", "<kbd"),
        ];
        for (body, has, lacks) in rows {
            let r = md(body);
            assert!(
                r.html.contains(has),
                "{body:?} should give {has:?}:\n{}",
                r.html
            );
            assert!(
                !r.html.contains(lacks),
                "{body:?} should not give {lacks:?}:\n{}",
                r.html
            );
        }
        assert!(md("<a name=\"install\"></a>\n").anchors.contains("install"));
    }

    #[test]
    fn heading_ids_follow_github() {
        let r = md(
            "# Client closed\n\n## `npm install`\n\n## A & B: C.D\n\n## Café\n\n## Client closed\n\n## Client closed\n",
        );
        let ids: Vec<&str> = r.toc.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "client-closed",
                "npm-install",
                "a--b-cd",
                "café",
                "client-closed-1",
                "client-closed-2"
            ]
        );
    }

    #[test]
    fn email_autolinks_are_mailto_links() {
        let r = md("Write <ana@example.org>.\n");
        assert!(
            r.html
                .contains("<a href=\"mailto:ana@example.org\">ana@example.org</a>"),
            "{}",
            r.html
        );
        assert!(r.links.is_empty());
    }

    #[test]
    fn raw_html_anchors_and_links_are_recorded() {
        let r = raw(
            "Intro\n\n<p>See <a href=\"img/a.png\">a</a>\nand <img src='/b.png'></p>\n\nText <a id=\"here\" href=\"#x\">h</a>\n",
        );
        assert!(r.anchors.contains("here"));
        let got: Vec<(&str, usize, usize)> = r
            .raw_links
            .iter()
            .map(|l| (l.href.as_str(), l.line, l.column))
            .collect();
        assert_eq!(
            got,
            [("img/a.png", 3, 17), ("/b.png", 4, 15), ("#x", 6, 25)]
        );
    }

    #[test]
    fn smart_punctuation_and_tables() {
        let r = md("\"Quotes\" -- and...\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(r.html.contains("“Quotes” – and…"), "{}", r.html);
        assert!(r.html.contains("<div class=\"table-wrap\""));
    }
}
