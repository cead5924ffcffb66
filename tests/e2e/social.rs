//! Social preview images (`social_images:`, on by default): each session
//! and pattern of a site with a host gets `social.png` beside its page, a
//! 1200x630 PNG with its title, date or ring, the site's title and the
//! community's colour, named by `og:image` (absolute) with its size and
//! alt text and `twitter:card` `summary_large_image`. Decoded with the
//! `png` crate here; drawn only again when what it shows changes.

use fireside::build::{Changed, Target};
use fireside::render::social::{self, Card};

use crate::harness::*;

const KATA: &str = "---\ntitle: Gilded Rose kata\ndate: 2026-03-18\ncommunity: dev\n---\nNotes.\n";

fn site() -> SiteTest {
    SiteTest::new()
        .base_url("https://cop.example.org/kb/")
        .file("content/sessions/dev/kata.md", KATA)
}

/// Decodes a PNG: (width, height, RGBA pixels).
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    // Opaque, so without an alpha channel.
    assert_eq!(info.color_type, png::ColorType::Rgb, "RGB");
    pixels.truncate(info.buffer_size());
    (info.width, info.height, pixels)
}

fn pixel(pixels: &[u8], width: u32, x: u32, y: u32) -> [u8; 3] {
    let i = ((y * width + x) * 3) as usize;
    [pixels[i], pixels[i + 1], pixels[i + 2]]
}

/// How many pixels are neither the background nor the accent: text.
fn text_pixels(pixels: &[u8]) -> usize {
    pixels
        .chunks(3)
        .filter(|p| p[..3] != [0x16, 0x18, 0x1d] && p[..3] != [0x22, 0x55, 0x88])
        .count()
}

fn meta(doc: &scraper::Html, sel: &str) -> Option<String> {
    select(doc, sel)
        .first()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

#[test]
fn a_session_and_a_pattern_get_a_1200_by_630_image_named_by_og_image() {
    let site = site();
    site.build().ok();
    for (page, image) in [
        (
            "sessions/2026-03-18-kata/",
            "sessions/2026-03-18-kata/social.png",
        ),
        ("patterns/tdd/", "patterns/tdd/social.png"),
    ] {
        let bytes = std::fs::read(site.out().join(image)).expect("the image is written");
        let (w, h, pixels) = decode(&bytes);
        assert_eq!((w, h), (1200, 630), "{image}");
        assert!(text_pixels(&pixels) > 5_000, "{image} is blank");
        let doc = site.html(&format!("{page}index.html"));
        assert_eq!(
            meta(&doc, "meta[property='og:image']").as_deref(),
            Some(format!("https://cop.example.org/kb/{image}").as_str())
        );
        assert_eq!(
            meta(&doc, "meta[property='og:image:width']").as_deref(),
            Some("1200")
        );
        assert_eq!(
            meta(&doc, "meta[property='og:image:height']").as_deref(),
            Some("630")
        );
        assert!(meta(&doc, "meta[property='og:image:alt']").is_some_and(|a| !a.is_empty()));
        assert_eq!(
            meta(&doc, "meta[name='twitter:card']").as_deref(),
            Some("summary_large_image")
        );
    }
    // The session's stripe is its community's colour (#225588).
    let bytes = std::fs::read(site.out().join("sessions/2026-03-18-kata/social.png")).expect("png");
    let (w, _, pixels) = decode(&bytes);
    assert_eq!(pixel(&pixels, w, 10, 300), [0x22, 0x55, 0x88]);
    let alt = meta(
        &site.html("sessions/2026-03-18-kata/index.html"),
        "meta[property='og:image:alt']",
    );
    assert_eq!(
        alt.as_deref(),
        Some("Dev CoP: Gilded Rose kata, Wednesday 18 March 2026")
    );
    // Other pages have none, and the images are no pages of the sitemap.
    let home = site.html("index.html");
    assert!(meta(&home, "meta[property='og:image']").is_none());
    assert_eq!(
        meta(&home, "meta[name='twitter:card']").as_deref(),
        Some("summary")
    );
    let sitemap = site.xml("sitemap.xml").texts("url", "loc");
    assert!(sitemap.iter().all(|u| !u.ends_with(".png")), "{sitemap:?}");
    assert!(broken_links(&site.out(), "/kb/").is_empty());
}

#[test]
fn a_hostile_title_is_text_in_the_picture_and_in_the_tags() {
    let title = "<script>alert(1)</script> & \"friends\" </svg><svg onload=x>";
    let site = site().file(
        "content/sessions/dev/kata.md",
        &format!("---\ntitle: '{title}'\ndate: 2026-03-18\ncommunity: dev\n---\nNotes.\n"),
    );
    site.build().ok();
    // Whatever its slug: the one session's image.
    let images: Vec<String> = snapshot(&site.out())
        .into_keys()
        .filter(|f| f.starts_with("sessions/") && f.ends_with("/social.png"))
        .collect();
    assert_eq!(images.len(), 1, "{images:?}");
    let bytes = std::fs::read(site.out().join(&images[0])).expect("the image is written");
    let (w, h, pixels) = decode(&bytes);
    assert_eq!((w, h), (1200, 630));
    assert!(text_pixels(&pixels) > 5_000, "blank");
    // The SVG it is drawn from keeps the title as text.
    let svg = social::svg(&Card {
        title: title.to_string(),
        subtitle: "x".into(),
        kind: "Session".into(),
        site: "A & B".into(),
        accent: "#225588".into(),
    });
    assert!(
        !svg.contains("<script") && !svg.contains("<svg onload"),
        "{svg}"
    );
    assert!(
        svg.contains("&lt;script&gt;") && svg.contains("A &amp; B"),
        "{svg}"
    );
}

#[test]
fn the_same_card_gives_the_same_bytes_and_a_long_title_is_wrapped() {
    let card = Card {
        title: "A very long title for a session that goes on and on about refactoring legacy code in small safe steps".into(),
        subtitle: "Wednesday 18 March 2026".into(),
        kind: "Software Development CoP".into(),
        site: "Northwind".into(),
        accent: "#3b5ba5".into(),
    };
    let first = social::png(&card).expect("drawn");
    assert_eq!(first, social::png(&card).expect("drawn again"));
    let (w, h, _) = decode(&first);
    assert_eq!((w, h), (1200, 630));
    let svg = social::svg(&card);
    assert_eq!(
        svg.matches("font-size=\"68\"").count(),
        3,
        "three title lines: {svg}"
    );
    assert!(svg.contains('…'), "cut with an ellipsis: {svg}");
    // And two builds of one site write the same files.
    let a = site();
    a.build().ok();
    let b = site();
    b.build().ok();
    let image = "sessions/2026-03-18-kata/social.png";
    assert_eq!(
        std::fs::read(a.out().join(image)).expect("a"),
        std::fs::read(b.out().join(image)).expect("b")
    );
}

#[test]
fn switched_off_or_without_a_host_there_are_no_images_and_no_og_image() {
    let off = site().file(
        "site.yaml",
        "title: Test CoP\ntimezone: Europe/Madrid\nsocial_images: false\n",
    );
    let hostless = SiteTest::new()
        .base_url("/")
        .file("content/sessions/dev/kata.md", KATA);
    for (what, site) in [("social_images: false", off), ("no host", hostless)] {
        site.build().ok();
        let pngs: Vec<_> = snapshot(&site.out())
            .into_keys()
            .filter(|f| f.ends_with("social.png"))
            .collect();
        assert!(pngs.is_empty(), "{what}: {pngs:?}");
        let doc = site.html("sessions/2026-03-18-kata/index.html");
        assert!(meta(&doc, "meta[property='og:image']").is_none(), "{what}");
        assert_eq!(
            meta(&doc, "meta[name='twitter:card']").as_deref(),
            Some("summary"),
            "{what}"
        );
    }
}

#[test]
fn a_second_build_of_the_same_builder_does_not_draw_them_again() {
    let site = site();
    let out = tempfile::tempdir().expect("temp dir");
    let out = out.path().canonicalize().expect("canonical");
    let mut builder = site.builder();
    let first = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("first build");
    assert!(
        first
            .written
            .iter()
            .any(|f| f == "sessions/2026-03-18-kata/social.png")
    );
    let second = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("second build");
    assert_eq!(second.rendered, 0, "nothing changed, nothing drawn");
    // A new title is a new picture.
    site.write(
        "content/sessions/dev/kata.md",
        &KATA.replace("Gilded Rose kata", "Gilded Rose, again"),
    );
    let third = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("third build");
    assert!(
        third.written.iter().any(|f| f.ends_with("social.png")),
        "{:?}",
        third.written
    );
    // A body change leaves it alone: the page is rendered, the image is not.
    site.write(
        "content/sessions/dev/kata.md",
        &KATA
            .replace("Gilded Rose kata", "Gilded Rose, again")
            .replace("Notes.", "Other notes."),
    );
    let fourth = builder
        .build(Target::Folder(&out), Changed::Unknown)
        .expect("fourth build");
    let off = SiteTest::new()
        .base_url("https://cop.example.org/kb/")
        .file(
            "content/sessions/dev/kata.md",
            &KATA.replace("Gilded Rose kata", "Gilded Rose, again"),
        )
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nsocial_images: false\n",
        );
    let off_out = tempfile::tempdir().expect("temp dir");
    let off_out = off_out.path().canonicalize().expect("canonical");
    let mut off_builder = off.builder();
    off_builder
        .build(Target::Folder(&off_out), Changed::Unknown)
        .expect("first build");
    off.write(
        "content/sessions/dev/kata.md",
        &KATA
            .replace("Gilded Rose kata", "Gilded Rose, again")
            .replace("Notes.", "Other notes."),
    );
    let off_fourth = off_builder
        .build(Target::Folder(&off_out), Changed::Unknown)
        .expect("second build");
    assert_eq!(
        fourth.rendered, off_fourth.rendered,
        "a body change redrew an image: {} pages rendered with images, {} without",
        fourth.rendered, off_fourth.rendered
    );
}
