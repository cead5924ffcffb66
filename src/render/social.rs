//! Social preview images: the picture a chat tool or a social site shows
//! when someone shares a session or a pattern (`og:image`). A pure function
//! from a [`Card`] to PNG bytes: the card is drawn as an SVG string (every
//! text escaped: titles are untrusted), then rasterised by resvg with the
//! DejaVu Sans faces embedded in the binary and no other font, so the same
//! card gives the same bytes on every machine.
//!
//! Rasterising is the slow part of a build that has these images (tens of
//! milliseconds each), so each image is a planned output of its own
//! (`plan::PageKind::SocialImage`) whose input fingerprint is its card plus
//! [`FINGERPRINT`] (the font and Fireside's version): a build of the same
//! builder skips every image whose card did not change, and the images are
//! drawn in parallel with the pages.

use std::sync::{Arc, OnceLock};

use resvg::tiny_skia;
use resvg::usvg;

/// The image's size in pixels: what Open Graph consumers crop the least
/// (1.91:1), and what `og:image:width`/`height` say.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

/// The bundled faces (themes/default/fonts/, Bitstream Vera licence).
const REGULAR: &[u8] = include_bytes!("../../themes/default/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../themes/default/fonts/DejaVuSans-Bold.ttf");
const FAMILY: &str = "DejaVu Sans";

/// What besides the card decides an image's bytes: the drawing code (by
/// Fireside's version) and the fonts. Part of each image's fingerprint.
pub fn fingerprint_salt() -> &'static [u8] {
    static SALT: OnceLock<Vec<u8>> = OnceLock::new();
    SALT.get_or_init(|| {
        let mut salt = format!("fireside {} social v2 ", env!("CARGO_PKG_VERSION")).into_bytes();
        salt.extend_from_slice(&crate::build::fingerprint::of_bytes(REGULAR));
        salt.extend_from_slice(&crate::build::fingerprint::of_bytes(BOLD));
        salt
    })
}

/// What one image shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Card {
    /// The session's or pattern's title.
    pub title: String,
    /// The line under it: a session's date, a pattern's ring and tags.
    pub subtitle: String,
    /// What it is ("Session", "Pattern"), above the title.
    pub kind: String,
    /// The site's title, at the foot.
    pub site: String,
    /// The accent: the community's colour (`#rrggbb`), or the theme's.
    pub accent: String,
}

/// The theme's accent when a card has no community colour (`--brand`).
pub const DEFAULT_ACCENT: &str = "#c0562a";

/// The longest title line, in characters, at the title's size: DejaVu Sans
/// Bold averages about 0.62 em a character, and the text column is 1000 px.
const TITLE_CHARS: usize = 26;
const TITLE_LINES: usize = 3;
const SUBTITLE_CHARS: usize = 48;

/// The card as an SVG document: every text escaped, the title wrapped on
/// words into at most three lines, the rest cut with an ellipsis.
pub fn svg(card: &Card) -> String {
    let accent = colour(&card.accent).unwrap_or(DEFAULT_ACCENT);
    let title = wrap(&card.title, TITLE_CHARS, TITLE_LINES);
    let mut lines = String::new();
    // The title sits above the subtitle: its last line at y = 400.
    let top = 400 - 78 * (title.len().saturating_sub(1) as i32);
    for (i, line) in title.iter().enumerate() {
        lines.push_str(&format!(
            r##"<text x="100" y="{}" font-size="68" font-weight="bold" fill="#f4f2ee">{}</text>"##,
            top + 78 * i as i32,
            xml(line)
        ));
    }
    format!(
        concat!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{family}">"##,
            r##"<rect width="{w}" height="{h}" fill="#16181d"/>"##,
            r##"<rect width="28" height="{h}" fill="{accent}"/>"##,
            r##"<rect x="100" y="{rule}" width="160" height="8" rx="4" fill="{accent}"/>"##,
            r##"<text x="100" y="{kind_y}" font-size="30" fill="#c9c7c1" letter-spacing="3">{kind}</text>"##,
            "{lines}",
            r##"<text x="100" y="470" font-size="38" fill="#e6e4df">{subtitle}</text>"##,
            r##"<text x="100" y="565" font-size="30" font-weight="bold" fill="#a6abb5">{site}</text>"##,
            "</svg>"
        ),
        w = WIDTH,
        h = HEIGHT,
        family = FAMILY,
        accent = accent,
        rule = top - 130,
        kind_y = top - 80,
        kind = xml(&truncate(&card.kind.to_uppercase(), SUBTITLE_CHARS)),
        lines = lines,
        subtitle = xml(&truncate(&card.subtitle, SUBTITLE_CHARS)),
        site = xml(&truncate(&card.site, 60)),
    )
}

/// The card as PNG bytes, `WIDTH` x `HEIGHT`.
pub fn png(card: &Card) -> Result<Vec<u8>, String> {
    let svg = svg(card);
    let tree = usvg::Tree::from_str(&svg, options())
        .map_err(|e| format!("the social image's drawing is not valid SVG: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT)
        .ok_or_else(|| "no memory for the social image".to_string())?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode(pixmap).map_err(|e| format!("the social image could not be encoded: {e}"))
}

/// The picture as PNG: RGB when it is opaque (the card is: it has a
/// background), so a quarter less to compress and to download, and taken
/// straight from the premultiplied pixels, which are the plain colours when
/// every pixel is opaque; compressed with the encoder's fast setting,
/// because at the default level compressing took longer than drawing (a
/// cold build of a large site with a host draws one card per session and
/// pattern). The fastest setting's fixed `Up` filter made the cards a
/// third larger for a tenth less CPU.
fn encode(pixmap: tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let opaque = pixmap.data().chunks_exact(4).all(|p| p[3] == u8::MAX);
    let (color, pixels) = if opaque {
        let mut rgb = Vec::with_capacity(pixmap.data().len() / 4 * 3);
        for p in pixmap.data().chunks_exact(4) {
            rgb.extend_from_slice(&p[..3]);
        }
        (png::ColorType::Rgb, rgb)
    } else {
        (png::ColorType::Rgba, pixmap.take_demultiplied())
    };
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, WIDTH, HEIGHT);
    encoder.set_color(color);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(bytes)
}

/// The parser's options, made once: the bundled faces only (never the
/// system's, so the bytes do not depend on the machine), and no image
/// loading (the drawing has none; a file path must never be read).
fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_font_data(REGULAR.to_vec());
        fonts.load_font_data(BOLD.to_vec());
        usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: Arc::new(fonts),
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        }
    })
}

/// `text` escaped for SVG text content, control characters dropped.
fn xml(text: &str) -> String {
    crate::escape::escape_html(text)
}

/// A `#rrggbb` or `#rgb` colour as written, or `None` (anything else could
/// break out of the attribute).
fn colour(value: &str) -> Option<&str> {
    let hex = value.strip_prefix('#')?;
    ((hex.len() == 6 || hex.len() == 3) && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .then_some(value)
}

/// `text` on one line of at most `max` characters, cut at a word with `…`.
fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':', '·']))
}

/// `text` wrapped on words into at most `lines` lines of `width`
/// characters; a word longer than a line is split, and what does not fit
/// ends the last line with `…`.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let chars: Vec<char> = word.chars().collect();
        for piece in chars.chunks(width) {
            words.push(piece.iter().collect());
        }
    }
    let mut rest = words.into_iter().peekable();
    while let Some(word) = rest.next() {
        let fits =
            current.is_empty() || current.chars().count() + 1 + word.chars().count() <= width;
        if fits {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&word);
            continue;
        }
        out.push(std::mem::take(&mut current));
        current = word;
        if out.len() == lines - 1 {
            // The last line: everything left, cut to fit.
            let tail: Vec<String> = std::iter::once(current).chain(rest).collect();
            out.push(truncate(&tail.join(" "), width));
            return out;
        }
    }
    if !current.is_empty() || out.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(title: &str) -> Card {
        Card {
            title: title.to_string(),
            subtitle: "Wednesday 18 March 2026".to_string(),
            kind: "Session".to_string(),
            site: "Test CoP".to_string(),
            accent: "#225588".to_string(),
        }
    }

    #[rstest::rstest]
    #[case("Short title", 26, 3, &["Short title"])]
    #[case("Mobbing on the legacy invoicing code", 26, 3, &["Mobbing on the legacy", "invoicing code"])]
    #[case(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen",
        20, 3,
        &["one two three four", "five six seven eight", "nine ten eleven…"]
    )]
    #[case("Supercalifragilistic", 10, 3, &["Supercalif", "ragilistic"])]
    #[case("", 10, 3, &[""])]
    fn titles_wrap_on_words(
        #[case] text: &str,
        #[case] width: usize,
        #[case] lines: usize,
        #[case] expected: &[&str],
    ) {
        let got = wrap(text, width, lines);
        assert_eq!(got, expected);
        assert!(got.iter().all(|l| l.chars().count() <= width), "{got:?}");
    }

    #[rstest::rstest]
    #[case(
        "Trial · collaboration, legacy-code, knowledge-sharing",
        30,
        "Trial · collaboration…"
    )]
    #[case("Trial · collaboration", 30, "Trial · collaboration")]
    #[case("  spaced   out  ", 30, "spaced out")]
    fn subtitles_are_cut_at_a_word(#[case] text: &str, #[case] max: usize, #[case] expected: &str) {
        let got = truncate(text, max);
        assert!(got.chars().count() <= max, "{got}");
        assert_eq!(got, expected);
    }

    #[test]
    fn hostile_text_stays_text() {
        let svg = svg(&Card {
            accent: "red\" onload=\"x".to_string(),
            ..card("<script>alert(1)</script> & \"friends\"")
        });
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"), "{svg}");
        assert!(!svg.contains("onload"), "{svg}");
        assert!(usvg::Tree::from_str(&svg, options()).is_ok());
    }

    #[test]
    fn the_salt_names_the_version() {
        let salt = String::from_utf8_lossy(fingerprint_salt()).into_owned();
        assert!(salt.contains(env!("CARGO_PKG_VERSION")), "{salt}");
    }
}
