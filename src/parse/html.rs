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

/// What the link checker reads of a generated page: the fragment targets
/// ([`anchors`]) and the URLs ([`urls`]) of its start tags, in document order,
/// each URL with the line its tag ends on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LinkScan {
    pub ids: Vec<String>,
    pub urls: Vec<(usize, String)>,
}

/// Scans a whole generated page for [`LinkScan`].
///
/// Every page of a site is read this way, and html5ever's tokenizer (which
/// [`tokens`] runs, character by character, keeping every tag, attribute
/// and text) was a quarter of a cold build. lol_html, already the feeds'
/// rewriter, skims the page and stops only at tags the selector can match;
/// it tracks script, style and the other text-only elements as a browser
/// does. Its attribute values are as written, so character references are
/// decoded here by the HTML standard's rules for attributes (htmlize).
pub fn scan_links(html: &str) -> LinkScan {
    use std::cell::{Cell, RefCell};
    let found = RefCell::new(LinkScan::default());
    // Lines are counted forwards only, from the last tag seen.
    let counted = Cell::new((0usize, 1usize));
    let line_at = |offset: usize| {
        let (from, line) = counted.get();
        let offset = offset.clamp(from, html.len());
        let line = line + count_newlines(&html.as_bytes()[from..offset]);
        counted.set((offset, line));
        line
    };
    let read = |el: &mut lol_html::html_content::Element<'_, '_>| {
        let name = el.tag_name();
        let mut seen: Vec<String> = Vec::new();
        let mut found = found.borrow_mut();
        let mut line = None;
        for attr in el.attributes() {
            let attr_name = attr.name();
            // The first of repeated attributes counts, as in a browser.
            if seen.contains(&attr_name) {
                continue;
            }
            let is_anchor = attr_name == "id" || (attr_name == "name" && name == "a");
            let is_url = (attr_name == "href" && name != "base") || attr_name == "src";
            if is_anchor || is_url {
                let value = htmlize::unescape_attribute(attr.value()).into_owned();
                if is_anchor {
                    found.ids.push(value);
                } else {
                    let line =
                        *line.get_or_insert_with(|| line_at(el.source_location().bytes().end));
                    found.urls.push((line, value));
                }
            }
            seen.push(attr_name);
        }
        Ok(())
    };
    // Where lol_html reads otherwise than the tokenizer: it takes
    // `<noscript>` for text, as a browser running scripts does, but its links
    // are there for readers without JavaScript (the search page's are), and
    // `<plaintext>` for text to the end. Meeting either start tag stops the
    // scan (a handler's error ends the rewrite) and the page takes the slow
    // path; the same text inside a script, comment or attribute is no tag.
    let text_only = |_: &mut lol_html::html_content::Element<'_, '_>| {
        Err::<(), Box<dyn std::error::Error + Send + Sync>>("read by the tokenizer".into())
    };
    let settings = lol_html::Settings::new()
        .append_element_content_handler(lol_html::element!("noscript, plaintext", text_only))
        .append_element_content_handler(lol_html::element!("[id], a[name], [href], [src]", read));
    let mut rewriter = lol_html::HtmlRewriter::new(settings, |_: &[u8]| {});
    let scanned = rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end());
    if scanned.is_err() {
        // lol_html also refuses what exceeds its limits; the thorough
        // tokenizer reads anything.
        return slow_scan(html);
    }
    found.into_inner()
}

/// [`scan_links`] by html5ever's tokenizer: the fallback, and the reference
/// the tests hold the fast path to.
pub fn slow_scan(html: &str) -> LinkScan {
    let mut found = LinkScan::default();
    for tag in start_tags(html) {
        found.ids.extend(anchors(&tag).map(str::to_string));
        found
            .urls
            .extend(urls(&tag).map(|u| (tag.line, u.to_string())));
    }
    found
}

fn count_newlines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages and fragments that look like what templates and the Markdown
    /// renderer write, and what hostile content tries.
    const CASES: &[&str] = &[
        "<!doctype html>\n<html lang=en><head><title>A <a href=/no/>x</title>\n<link rel=stylesheet href=\"/assets/site.css\">\n<script>let a = '<a href=\"/in-script/\">';</script>\n<style>a[href=\"/in-style/\"]{}</style></head>\n<body><main id=main>\n<h2 id=\"history\">History</h2>\n<p>See <a href=\"/about/#history\">our history</a> and <a href='/x/?a=1&amp;b=2'>this</a>.</p>\n<pre><code>&lt;a href=\"/shown-not-linked/\"&gt;</code></pre>\n<a name=old-anchor></a><span name=not-an-anchor></span>\n<img src=/img/a.png alt=\"\"><base href=/ignored/>\n<!-- <a href=\"/in-comment/\"> -->\n<a\n  class=\"multi\"\n  href=\"/multi-line/\">multi</a>\n<textarea><a href=/in-textarea/></textarea>\n<a href=\"/first/\" href=\"/second/\">dup</a>\n<a href=\"&#x2F;hex&#47;dec&sol;named\">refs</a>\n<a href=\"/q?x=1&times=2&copy\">legacy</a>\n<svg><a href=\"/in-svg/\"><text>t</text></a></svg>\n</main></body></html>\n",
        "",
        "no tags at all",
        "<a href=/unterminated",
        "<p id=a id=b>two ids</p><div id=\"\">empty</div>",
        "<a href=\"/a/\"><A HREF=\"/UPPER/\">x</A>",
        "<iframe src=/frame/><a href=/after-frame/></iframe><a href=/real/>",
        "<noscript><a href=/in-noscript/></noscript>",
        "<NoScript><a href=/in-noscript/></NoScript>",
        "<plaintext><a href=/in-plaintext/>",
        "<p>&lt;noscript&gt; is text</p><script>let t = '<noscript><a href=/s/>';</script><a href=/after-script/>",
        "<!-- <noscript> --><a href=/after-comment/><b title=\"<plaintext>\">t</b><a href=/after-title/>",
        "<a href=/before/><noscript><a href=/inside/></noscript><a href=/after/><plaintext><a href=/in-plaintext/>",
        "<title>t</title><p>\r\n<a href=/crlf/>\r\n<a\r\nhref=/crlf2/>",
    ];

    #[test]
    fn the_fast_scan_reads_what_the_thorough_tokenizer_reads() {
        for case in CASES {
            assert_eq!(scan_links(case), slow_scan(case), "in {case:?}");
        }
    }

    #[test]
    fn the_scan_decodes_references_and_skips_text_only_elements() {
        let found = scan_links(CASES[0]);
        let urls: Vec<&str> = found.urls.iter().map(|(_, u)| u.as_str()).collect();
        assert!(urls.contains(&"/x/?a=1&b=2"), "{urls:?}");
        assert!(urls.contains(&"/hex/dec/named"), "{urls:?}");
        assert!(urls.contains(&"/first/") && !urls.contains(&"/second/"));
        for hidden in [
            "/in-script/",
            "/in-style/",
            "/in-comment/",
            "/in-textarea/",
            "/no/",
            "/shown-not-linked/",
            "/ignored/",
        ] {
            assert!(
                !urls.iter().any(|u| u.contains(hidden)),
                "{hidden} in {urls:?}"
            );
        }
        assert_eq!(found.ids, ["main", "history", "old-anchor"]);
        let multi = found
            .urls
            .iter()
            .find(|(_, u)| u == "/multi-line/")
            .unwrap();
        assert_eq!(multi.0, 15, "the line the tag ends on");
    }
}
