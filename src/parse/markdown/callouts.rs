//! Callouts in GitHub's syntax: a block quote whose first line is `[!NOTE]`,
//! `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]`, so that a file
//! reads the same on GitHub and on the site.
//!
//! pulldown-cmark recognises the five kinds itself (`Options::ENABLE_GFM`,
//! `BlockQuoteKind`); what it does not do is notice a misspelt kind, which it
//! leaves as an ordinary quote starting with `[!NOET]`. That is caught here
//! from the source line, so a typo is an error instead of a silent quote.

use pulldown_cmark::BlockQuoteKind;

/// The five kinds, as written in Markdown, for messages and suggestions.
pub const KINDS: [&str; 5] = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"];

/// The CSS modifier and the visible (and accessible) label of a kind.
fn name_and_label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

/// The opening HTML of a callout. It is a `div` with `role="note"` rather
/// than an `aside`: a landmark per callout would crowd a screen reader's
/// landmark list, while `note` is announced in place. The label is visible
/// text (not only colour or an icon), so it also survives forced colours
/// and print.
pub fn open(kind: BlockQuoteKind) -> String {
    let (name, label) = name_and_label(kind);
    format!(
        "<div class=\"callout callout-{name}\" role=\"note\" aria-label=\"{label}\">\n<p class=\"callout-title\"><span class=\"callout-icon\" aria-hidden=\"true\"></span>{label}</p>\n"
    )
}

pub const CLOSE: &str = "</div>\n";

/// A kind written as a callout marker that is none of the five: the first
/// line of a quote (`source` starts at its `>`) reading `[!WORD]` and
/// nothing else. Returns the word and its byte offset in `source`.
pub fn unknown_kind(source: &str) -> Option<(&str, usize)> {
    let line = source.split('\n').next().unwrap_or("");
    let after_marker = line.strip_prefix('>')?;
    let rest = after_marker.trim_start_matches([' ', '\t']);
    let inner = rest.strip_prefix("[!")?;
    let (word, tail) = inner.split_once(']')?;
    if word.is_empty()
        || !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        || !tail.trim().is_empty()
    {
        return None;
    }
    let at = line.len() - rest.len() + 2;
    Some((word, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[rstest::rstest]
    #[case("> [!NOET]\n> text", Some(("NOET", 4)))]
    #[case(">[!Danger]", Some(("Danger", 3)))]
    #[case("> [!NOTE] and more", None)]
    #[case("> [link] text", None)]
    #[case("> plain quote", None)]
    #[case("> [!]", None)]
    fn misspelt_markers_are_found(#[case] source: &str, #[case] expected: Option<(&str, usize)>) {
        assert_eq!(unknown_kind(source), expected);
    }
}
