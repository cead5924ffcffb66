//! HTML read as a browser's tokenizer reads it (html5ever's, the one the
//! sanitiser uses): tags with their attributes decoded, comments, text.
//!
//! Two readers need it: the Markdown renderer, to tell a harmless raw tag
//! (`<br>`, `<kbd>`) or a comment from markup it must not pass, and to find
//! the links and anchors raw HTML writes; and the link checker, which reads
//! every generated page. Scanning text for ` href="` instead would take HTML
//! shown inside `<code>` for links and miss `href=/x` without quotes.

use std::cell::RefCell;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token as Raw, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// One token of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Tag(Tag),
    Comment,
    /// Characters that are not all white space.
    Text,
}

/// A start or end tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lower-case name.
    pub name: String,
    pub end: bool,
    /// (name, value) pairs, character references decoded.
    pub attrs: Vec<(String, String)>,
    /// 1-based line of the tag in the input.
    pub line: usize,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Tags whose content the tokenizer reads as text, not markup: without a
/// tree builder to tell it, it would find "links" in a script's strings.
fn raw_kind(tag: &str) -> Option<RawKind> {
    match tag {
        "script" => Some(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
        "textarea" | "title" => Some(RawKind::Rcdata),
        _ => None,
    }
}

struct Sink(RefCell<Vec<Token>>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Raw, line_number: u64) -> TokenSinkResult<()> {
        let mut out = self.0.borrow_mut();
        match token {
            Raw::TagToken(tag) => {
                let end = tag.kind == TagKind::EndTag;
                let raw = (!end && !tag.self_closing)
                    .then(|| raw_kind(&tag.name))
                    .flatten();
                out.push(Token::Tag(Tag {
                    name: tag.name.to_string(),
                    end,
                    attrs: tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect(),
                    line: usize::try_from(line_number).unwrap_or(usize::MAX),
                }));
                if let Some(kind) = raw {
                    return TokenSinkResult::RawData(kind);
                }
            }
            Raw::CommentToken(_) => out.push(Token::Comment),
            Raw::CharacterTokens(t) if !t.trim().is_empty() && out.last() != Some(&Token::Text) => {
                out.push(Token::Text);
            }
            Raw::NullCharacterToken => out.push(Token::Text),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// The tokens of `html`, in order.
pub fn tokens(html: &str) -> Vec<Token> {
    let input = BufferQueue::default();
    input.push_back(html.into());
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    // Without a tree builder the sink never asks to run a script, so one
    // feed consumes the whole input.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// The start tags of `html`.
pub fn start_tags(html: &str) -> impl Iterator<Item = Tag> {
    tokens(html).into_iter().filter_map(|t| match t {
        Token::Tag(tag) if !tag.end => Some(tag),
        _ => None,
    })
}

/// The fragment targets a start tag makes: its `id`, and the `name` of an
/// `<a>` (old-style anchors still work in every browser, and much Markdown
/// in the wild uses them).
pub fn anchors(tag: &Tag) -> impl Iterator<Item = &str> {
    tag.attrs
        .iter()
        .filter(|(n, _)| n == "id" || (n == "name" && tag.name == "a"))
        .map(|(_, v)| v.as_str())
}

/// The URLs a start tag links to or loads: `href` (but not `<base>`'s) and `src`.
pub fn urls(tag: &Tag) -> impl Iterator<Item = &str> {
    tag.attrs
        .iter()
        .filter(|(n, _)| (n == "href" && tag.name != "base") || n == "src")
        .map(|(_, v)| v.as_str())
}
