//! The renderer's hooks for the knowledge-base extensions (callouts, maths,
//! Mermaid), kept apart from the core event loop so that each reads on its
//! own: [`Renderer::extension_event`] sees every event first and either
//! handles it or hands it back.

use pulldown_cmark::{Event, Options, Tag, TagEnd};

use super::{Renderer, callouts, math, mermaid};
use crate::diagnostic::{Diagnostic, did_you_mean};

/// The parser options the extensions need: GitHub's block-quote kinds and
/// `$` maths.
pub const OPTIONS: Options = Options::ENABLE_GFM.union(Options::ENABLE_MATH);

/// Formulas converted so far. The HTML holds a token per formula until the
/// document is finished, so that the raw-HTML sanitiser (which drops `math`
/// written by hand, as it should) never sees the MathML this renderer made
/// and checked itself. The token is made from the document's own hash, which
/// its text cannot contain.
pub struct Maths {
    token: String,
    formulas: Vec<String>,
}

impl Maths {
    pub fn new(body: &str) -> Maths {
        let hash = blake3::hash(body.as_bytes()).to_hex();
        Maths {
            token: format!("firesidemath{}n", &hash.as_str()[..24]),
            formulas: Vec::new(),
        }
    }

    fn hold(&mut self, mathml: String) -> String {
        let token = format!("{}{}n", self.token, self.formulas.len());
        self.formulas.push(mathml);
        token
    }

    /// `html` with every token replaced by its formula.
    pub fn restore(&self, html: String) -> String {
        if self.formulas.is_empty() {
            return html;
        }
        let mut out = String::with_capacity(
            html.len() + self.formulas.iter().map(String::len).sum::<usize>(),
        );
        let mut rest = html.as_str();
        while let Some(at) = rest.find(&self.token) {
            out.push_str(&rest[..at]);
            let after = &rest[at + self.token.len()..];
            let digits = after.find('n').unwrap_or(0);
            match after[..digits]
                .parse::<usize>()
                .ok()
                .and_then(|i| self.formulas.get(i))
            {
                Some(formula) => {
                    out.push_str(formula);
                    rest = &after[digits + 1..];
                }
                None => {
                    out.push_str(&self.token);
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

impl<'a> Renderer<'a, '_> {
    /// Handles the events of the extensions; hands every other event back.
    pub(super) fn extension_event(&mut self, event: Event<'a>, offset: usize) -> Option<Event<'a>> {
        match event {
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.emit(Event::Html(callouts::open(kind).into()));
                None
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                self.emit(Event::Html(callouts::CLOSE.into()));
                None
            }
            Event::Start(Tag::BlockQuote(None)) => {
                self.check_callout_marker(offset);
                Some(event)
            }
            Event::InlineMath(latex) => {
                self.text(&latex);
                self.formula(&latex, false, offset);
                None
            }
            Event::DisplayMath(latex) => {
                self.formula(&latex, true, offset);
                None
            }
            other => Some(other),
        }
    }

    /// A quote whose first line looks like a callout of an unknown kind is
    /// an error: on GitHub and here it would show as a plain quote starting
    /// with `[!NOET]`, which is never what the author meant.
    fn check_callout_marker(&mut self, offset: usize) {
        let source = &self.lines.text()[offset.min(self.lines.text().len())..];
        let Some((word, at)) = callouts::unknown_kind(source) else {
            return;
        };
        let suggestion = did_you_mean(&word.to_ascii_uppercase(), callouts::KINDS)
            .map(|k| format!("did you mean `[!{k}]`? "))
            .unwrap_or_default();
        let kinds = callouts::KINDS.map(|k| format!("`[!{k}]`")).join(", ");
        let d = Diagnostic::error(format!("unknown callout kind `{word}`")).hint(format!(
            "{suggestion}a callout is one of {kinds} on the first line of a quote"
        ));
        self.report(d, offset + at, word.chars().count());
    }

    fn formula(&mut self, latex: &str, display: bool, offset: usize) {
        match math::to_mathml(latex, display) {
            Ok(mathml) => {
                let token = self.maths.hold(mathml);
                self.emit(Event::Html(token.into()));
            }
            Err(e) => {
                let mut hint = String::from(
                    "write LaTeX maths that KaTeX or MathJax would accept (for a literal dollar sign, write `\\$`)",
                );
                if !e.context.is_empty() {
                    hint = format!("{hint}; where it stopped:\n{}", e.context);
                }
                let d = Diagnostic::error(format!(
                    "this maths does not convert to MathML: {}",
                    e.reason
                ))
                .hint(hint);
                let delimiter = if display { "$$" } else { "$" };
                let width = latex.chars().count() + 2 * delimiter.len();
                self.report(d, offset, width);
                let shown = format!("{delimiter}{latex}{delimiter}");
                self.emit(Event::Html(
                    format!(
                        "<code class=\"math-error\">{}</code>",
                        crate::escape::escape_html(&shown)
                    )
                    .into(),
                ));
            }
        }
    }

    pub(super) fn mermaid_block(&mut self, source: &str, offset: usize) {
        if source.trim().is_empty() {
            let d = Diagnostic::warning("empty Mermaid diagram").hint(
                "write the diagram between the fences (for example `graph LR` and `A --> B`), or remove the block",
            );
            self.report(d, offset, 3);
        }
        self.out.has_diagram = true;
        self.emit(Event::Html(mermaid::html(source).into()));
    }

    /// Places `d` at byte `offset` of the body, quoting its line, with the
    /// line counted from the top of the file.
    pub(super) fn report(&mut self, d: Diagnostic, offset: usize, underline: usize) {
        let (line, column) = self.lines.position(offset);
        let d = d
            .in_file(self.file)
            .at_indexed(self.lines, line, column)
            .underline(underline);
        self.out.diagnostics.push(d);
    }
}
