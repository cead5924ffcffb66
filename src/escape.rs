//! What content may put into an output: text without control characters,
//! HTML/XML escaping, and the one rule for URL schemes.
//!
//! Every value from a user's file reaches a page through one of three doors:
//! tera's escape function (every `{{ value }}` of an `.html` or `.xml`
//! template; see `templates.rs`), the Markdown renderer (which cleans every
//! event's text as it arrives, entities already decoded; see `markdown.rs`)
//! and the builders of SVG and iCalendar text (`insights.rs`, `ics.rs`). Each
//! calls [`clean_text`] or [`escape_html`], so no door lets a control
//! character through: XML 1.0 forbids them (a form feed pasted from a PDF made
//! `feed.xml` unreadable), and `\u{1A}` is the link placeholder of
//! `markdown.rs`, which content must not be able to forge.

use std::borrow::Cow;

/// Whether `c` may not appear in any output: C0 and C1 controls other than
/// tab and newline, DEL, and U+FFFE/U+FFFF (not XML `Char`s either). A
/// carriage return is dropped too: decoding already turned CRLF into LF.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Whether `text` holds a character of [`is_forbidden`]: `text.chars().any(is_forbidden)`,
/// found by UTF-8 bytes as [`escape_html_into`] finds them, because every text
/// of every Markdown body is tested (decoding chars was a tenth of parsing).
/// The first pass is a plain byte test the compiler vectorises; a text with a
/// byte it cannot clear (a control byte, or the lead bytes of C1 controls and
/// U+FFFE/U+FFFF) is looked at again, exactly.
pub fn has_forbidden(text: &str) -> bool {
    let bytes = text.as_bytes();
    let suspect = |b: u8| matches!(b, 0x00..=0x08 | 0x0B..=0x1F | 0x7F | 0xC2 | 0xEF);
    if !bytes.iter().any(|&b| suspect(b)) {
        return false;
    }
    bytes.iter().enumerate().any(|(i, &b)| match b {
        0x00..=0x08 | 0x0B..=0x1F | 0x7F => true,
        0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
        0xEF => bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)),
        _ => false,
    })
}

/// `text` without the characters of [`is_forbidden`], borrowed when it has
/// none (the common case costs one scan).
pub fn clean_text(text: &str) -> Cow<'_, str> {
    if has_forbidden(text) {
        Cow::Owned(text.chars().filter(|&c| !is_forbidden(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Appends `text` to `out`, cleaned and escaped for HTML or XML text and for
/// attribute values in either kind of quotes.
///
/// Every value every template writes passes here, so it copies runs of
/// bytes that need nothing (nearly all of them) instead of going char by
/// char; the forbidden characters are found by their UTF-8 bytes: C0 and DEL
/// are single bytes, C1 controls `C2 80..=9F`, U+FFFE/U+FFFF `EF BF BE/BF`.
pub fn escape_html_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(text.len());
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, width) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            0x00..=0x1F | 0x7F => ("", 1),
            0xC2 if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) => ("", 2),
            0xEF if bytes.get(i + 1) == Some(&0xBF)
                && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        i += width;
        run = i;
    }
    out.push_str(&text[run..]);
}

/// `text` cleaned and escaped for HTML or XML (text or attribute value).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_html_into(&mut out, text);
    out
}

/// A URL cleaned and written for an `href`/`src` attribute as CommonMark
/// writes it (pulldown-cmark's `escape_href`): characters a URL cannot hold
/// percent-encoded (a space is `%20`, a backslash `%5C` and so kept, not
/// turned into a `/`), `%XX` escapes already there kept, `&` and `'`
/// escaped for the attribute.
pub fn url_attr(url: &str) -> String {
    let url = clean_text(url);
    let mut out = String::with_capacity(url.len() + 8);
    pulldown_cmark_escape::escape_href(&mut out, &url).expect("writing to a String");
    out.replace('"', "&quot;")
}

/// tera's escape function (`Tera::set_escape_fn`): the same escaping for
/// every value a template writes, so a template cannot forget it.
pub fn tera_escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // Most values (names, dates, paths) need nothing: written as they are,
    // without a copy. The test is conservative: any byte that may start
    // something to escape or drop takes the escaping path.
    let plain = input.bytes().all(|b| {
        !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0x00..=0x08 | 0x0B..=0x1F | 0x7F | 0xC2 | 0xEF)
    });
    if plain {
        return out.write_all(input.as_bytes());
    }
    let mut s = String::with_capacity(input.len() + 8);
    escape_html_into(&mut s, input);
    out.write_all(s.as_bytes())
}

/// Schemes that only navigate. Anything else (`javascript:`, `vbscript:`,
/// `data:`, `file:`, and schemes nobody has heard of yet) could run code or
/// read the reader's machine, so it is refused rather than guessed about.
pub const SAFE_SCHEMES: &[&str] = &[
    "http", "https", "mailto", "tel", "webcal", "ftp", "sftp", "ssh", "git", "irc", "ircs", "xmpp",
    "slack", "msteams", "zoommtg",
];

/// The one scheme rule for every URL from content (Markdown links and images,
/// and front-matter values that become an `href` or `src`): `Err(scheme)`
/// when `url` names a scheme outside [`SAFE_SCHEMES`], lowercased for the
/// message. Relative URLs, `/paths`, `#fragments` and protocol-relative
/// `//host` (plain navigation) pass.
///
/// The scheme is read the way a browser reads it, and then some: tabs and
/// newlines anywhere are removed (the URL standard strips them, so
/// `jav\tascript:` runs), leading spaces and control characters are trimmed,
/// and character references (`&#x3A;`, `&colon;`) and percent escapes are
/// decoded first, in case the value is ever decoded before a browser sees it.
pub fn check_url_scheme(url: &str) -> Result<(), String> {
    let mut text = url.to_string();
    // Decoding can reveal another layer (`&amp;#58;`); a few rounds reach
    // anything a single decode by some later reader could.
    for _ in 0..3 {
        let decoded = percent_decode_lossy(&decode_char_refs(&text));
        if decoded == text {
            break;
        }
        text = decoded;
    }
    let text: String = text
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let text = text.trim_start_matches(|c: char| c.is_control() || c.is_whitespace());
    let Some(colon) = text.find(':') else {
        return Ok(());
    };
    let scheme = &text[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        // `/a:b`, `?q=a:b`, `#x:y`: the colon is not a scheme's.
        return Ok(());
    }
    let scheme = scheme.to_ascii_lowercase();
    if SAFE_SCHEMES.contains(&scheme.as_str()) {
        Ok(())
    } else {
        Err(scheme)
    }
}

/// The hint that goes with a refused scheme, the same wherever it was found.
pub const SCHEME_HINT: &str = "use an http, https, mailto, tel or webcal address, or a path on the site; other schemes (javascript:, data:, vbscript:, ...) can run code in readers' browsers";

/// Decodes numeric character references and the named ones that spell URL
/// punctuation (`&colon;`, `&Tab;`, `&NewLine;`, `&sol;`, `&amp;`, `&quot;`,
/// `&lt;`, `&gt;`), enough to see a scheme hidden behind them and to read back
/// the URLs Fireside itself escaped. Anything else is left as written.
pub(crate) fn decode_char_refs(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |e| e + 1);
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "sol" => Some('/'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if end > 1 => {
                out.push(c);
                // The `;` is optional in browsers' legacy parsing.
                rest = rest[end..].strip_prefix(';').unwrap_or(&rest[end..]);
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Percent-decodes `s`, keeping escapes that do not decode to UTF-8 as they
/// were (byte-wise, so a `%` before a non-ASCII character is just text).
fn percent_decode_lossy(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition [`escape_html_into`] implements by bytes.
    fn escape_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c if is_forbidden(c) => {}
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_by_bytes_is_escaping_by_chars(
            text in "(\\PC|[&<>\"'\\t\\n\\r\\x00-\\x1f\\x7f\\u{80}-\\u{a0}\\u{fffd}-\\u{ffff}é€😀])*"
        ) {
            proptest::prop_assert_eq!(escape_html(&text), escape_by_chars(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn forbidden_characters_are_found_by_bytes_as_by_chars(
            text in "(\\PC|[\\t\\n\\r\\x00-\\x1f\\x7f\\u{80}-\\u{a0}\\u{fffd}-\\u{ffff}\\u{f000}-\\u{f0ff}\\u{fff0}-\\u{fffd}\\u{bf}\\u{c2}é€😀])*"
        ) {
            proptest::prop_assert_eq!(has_forbidden(&text), text.chars().any(is_forbidden));
        }
    }

    proptest::proptest! {
        #[test]
        fn templates_escape_as_escape_html_does(
            text in "(\\PC|[&<>\"'\\t\\n\\r\\x00-\\x1f\\x7f\\u{80}-\\u{a0}\\u{fffd}-\\u{ffff}])*"
        ) {
            let mut out = Vec::new();
            tera_escape(&text, &mut out).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), escape_html(&text));
        }
    }

    #[test]
    fn forbidden_characters_go_and_markup_is_escaped() {
        let text =
            "a&b<c>d\"e'f\tg\nh\ri\u{0}j\u{7f}k\u{85}l\u{9f}m\u{a0}n\u{fffe}o\u{ffff}p\u{fffd}q";
        let escaped = "a&amp;b&lt;c&gt;d&quot;e&#39;f\tg\nhijklm\u{a0}nop\u{fffd}q";
        assert_eq!(escape_html(text), escaped);
        assert_eq!(escape_by_chars(text), escaped);
    }

    #[test]
    fn urls_are_percent_encoded_for_attributes() {
        let rows = [
            ("/docs/my diagram.png", "/docs/my%20diagram.png"),
            ("foo\\bar", "foo%5Cbar"),
            ("/a/?q=1&r=2#x", "/a/?q=1&amp;r=2#x"),
            ("/already%20encoded/", "/already%20encoded/"),
            ("/caf\u{e9}/", "/caf%C3%A9/"),
            ("/say\"hi\"/", "/say%22hi%22/"),
        ];
        for (url, want) in rows {
            assert_eq!(url_attr(url), want, "{url}");
        }
    }
    use rstest::rstest;

    #[rstest]
    #[case("https://example.org/a?b=c:d")]
    #[case("mailto:a@b.c")]
    #[case("HTTPS://EXAMPLE.ORG")]
    #[case("/guidelines/")]
    #[case("../patterns/tdd.md#when")]
    #[case("#intro")]
    #[case("//cdn.example.org/x.png")]
    #[case("notes/a:b")]
    #[case("?q=a:b")]
    #[case("100%")]
    #[case("%E9t%C3%A9")]
    fn navigation_passes(#[case] url: &str) {
        assert_eq!(check_url_scheme(url), Ok(()), "{url}");
    }

    #[rstest]
    #[case("javascript:alert(1)", "javascript")]
    #[case("JaVaScRiPt:alert(1)", "javascript")]
    #[case("  javascript:alert(1)", "javascript")]
    #[case("\u{1}\u{0C} javascript:alert(1)", "javascript")]
    #[case("jav\tascript:alert(1)", "javascript")]
    #[case("java\nscript:alert(1)", "javascript")]
    #[case("jav&#x09;ascript:alert(1)", "javascript")]
    #[case("javascript&colon;alert(1)", "javascript")]
    #[case("javascript&#58;alert(1)", "javascript")]
    #[case("javascript&#x3A;alert(1)", "javascript")]
    #[case("javascript&amp;#58;alert(1)", "javascript")]
    #[case("javascript%3Aalert(1)", "javascript")]
    #[case("%6Aavascript:alert(1)", "javascript")]
    #[case("vbscript:msgbox", "vbscript")]
    #[case("data:text/html;base64,PHNjcmlwdD4=", "data")]
    #[case("DATA:image/svg+xml,<svg onload=alert(1)>", "data")]
    #[case("file:///etc/passwd", "file")]
    fn script_schemes_are_refused(#[case] url: &str, #[case] scheme: &str) {
        assert_eq!(check_url_scheme(url), Err(scheme.to_string()), "{url:?}");
    }

    #[test]
    fn control_characters_never_pass() {
        assert_eq!(clean_text("a\u{0C}b\u{1A}c\u{7F}\u{85}\u{FFFF}"), "abc");
        assert_eq!(clean_text("tab\tand\nnewline"), "tab\tand\nnewline");
        assert!(matches!(clean_text("plain"), Cow::Borrowed(_)));
        assert_eq!(
            escape_html("<a href=\"x\" title='y'>&\u{1A}0\u{1A}"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;0"
        );
    }
}
