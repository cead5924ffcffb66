//! Authoring a knowledge base (issue 13): GitHub-style callouts, maths as
//! MathML and Mermaid blocks, built into fixture sites and read back.

use crate::harness::*;

const CALLOUTS: &str = "---\ntitle: Pairing\nsummary: Two people, one task.\n---\nIntro.\n\n> [!NOTE]\n> Rotate every 25 minutes.\n\n> [!tip]\n> Use a timer.\n\n> [!IMPORTANT]\n> Agree on the goal.\n\n> [!WARNING]\n> Do not pair all day.\n\n> [!CAUTION]\n> Never force it.\n\n> A plain quote.\n";

#[test]
fn the_five_callout_kinds_render_labelled_and_a_plain_quote_stays_a_quote() {
    let site = SiteTest::new().file("content/patterns/pairing.md", CALLOUTS);
    site.build().ok();
    let doc = site.html("patterns/pairing/index.html");
    let callouts = select(&doc, ".prose .callout[role=note]");
    let kinds: Vec<(String, String, String)> = callouts
        .iter()
        .map(|c| {
            let title = select_in(c, ".callout-title")
                .first()
                .map(|t| t.text().collect::<String>())
                .unwrap_or_default();
            (
                c.value().attr("class").unwrap_or_default().to_string(),
                c.value().attr("aria-label").unwrap_or_default().to_string(),
                title,
            )
        })
        .collect();
    let expected = [
        ("note", "Note"),
        ("tip", "Tip"),
        ("important", "Important"),
        ("warning", "Warning"),
        ("caution", "Caution"),
    ];
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    for ((class, label, title), (kind, name)) in kinds.iter().zip(expected) {
        assert_eq!(class, &format!("callout callout-{kind}"));
        assert_eq!(label, name);
        assert_eq!(title, name, "the label is visible text");
    }
    assert!(text_of(&doc, ".callout-tip").contains("Use a timer."));
    assert!(
        !text_of(&doc, ".prose").contains("[!"),
        "the marker is not shown"
    );
    assert_eq!(
        text_of(&doc, ".prose blockquote").trim(),
        "A plain quote.",
        "a quote without a marker stays a quote"
    );
    let css = site.read_out("assets/fireside.css");
    assert!(css.contains(".prose .callout-warning"));
}

#[test]
fn an_unknown_callout_kind_is_an_error_naming_the_five() {
    let site = SiteTest::new().file(
        "content/patterns/pairing.md",
        "---\ntitle: Pairing\n---\nIntro.\n\n> [!NOET]\n> Rotate.\n",
    );
    let failed = site.build().failed();
    let d = failed.at(
        "unknown callout kind `NOET`",
        "content/patterns/pairing.md:6:5",
    );
    let hint = d.hint.as_deref().unwrap_or_default();
    assert!(hint.contains("did you mean `[!NOTE]`"), "{hint}");
    for kind in ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"] {
        assert!(hint.contains(&format!("[!{kind}]")), "{hint}");
    }
}

#[test]
fn maths_is_mathml_at_build_time() {
    let site = SiteTest::new().file(
        "content/patterns/estimates.md",
        "---\ntitle: Estimates\n---\nThe cost is $O(n^2)$ per pair, and it costs $5 or $10 to fix.\n\n$$\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}$$\n",
    );
    site.build().ok();
    let doc = site.html("patterns/estimates/index.html");
    let maths = select(&doc, ".prose math");
    assert_eq!(maths.len(), 2, "one inline, one display formula");
    assert_eq!(maths[0].value().attr("display"), Some("inline"));
    assert_eq!(maths[1].value().attr("display"), Some("block"));
    assert!(!select_in(&maths[1], "mfrac").is_empty());
    assert!(
        text_of(&doc, ".prose").contains("costs $5 or $10 to fix"),
        "dollars that are not maths stay text"
    );
    assert!(select(&doc, "script[src*=math]").is_empty(), "no script");
}

#[test]
fn maths_survives_the_raw_html_sanitiser_and_cannot_carry_markup() {
    let site = SiteTest::new()
        .file(
            "site.yaml",
            "title: Test CoP\ntimezone: Europe/Madrid\nmarkdown:\n  raw_html: true\n",
        )
        .file(
            "content/patterns/estimates.md",
            "---\ntitle: Estimates\n---\n<kbd>Ctrl</kbd> and $\\text{<img src=x onerror=alert(1)>} x^2$.\n\n<math><mi onclick=\"alert(1)\">y</mi></math>\n",
        );
    site.build().ok();
    let doc = site.html("patterns/estimates/index.html");
    let maths = select(&doc, ".prose math");
    assert_eq!(maths.len(), 1, "ours is kept, the hand-written one dropped");
    assert!(select(&doc, ".prose img").is_empty());
    assert!(select(&doc, "[onclick], [onerror]").is_empty());
    assert!(
        text_of(&doc, ".prose math").contains("<img src=x"),
        "shown as text"
    );
    assert!(
        !select(&doc, ".prose kbd").is_empty(),
        "raw HTML still allowed"
    );
}

#[test]
fn maths_that_does_not_convert_is_an_error_at_its_position() {
    let site = SiteTest::new().file(
        "content/patterns/estimates.md",
        "---\ntitle: Estimates\n---\nFine $x$.\n\nBroken $a^b^c$ here.\n",
    );
    let failed = site.build().failed();
    let d = failed.at(
        "does not convert to MathML",
        "content/patterns/estimates.md:6:8",
    );
    assert!(d.message.contains("superscript"), "{}", d.message);
}

#[test]
fn mermaid_blocks_keep_their_source_readable_without_scripts() {
    let site = SiteTest::new().file(
        "content/patterns/flow.md",
        "---\ntitle: Flow\n---\nHow work moves.\n\n```mermaid\ngraph LR\n  A[Idea] --> B[Done]\n```\n",
    );
    site.build().ok();
    let doc = site.html("patterns/flow/index.html");
    let source = text_of(&doc, ".prose figure.diagram pre.mermaid");
    assert!(source.contains("A[Idea] --> B[Done]"), "{source}");
    assert!(
        select(&doc, ".prose pre.code").is_empty(),
        "not highlighted as code"
    );
}

#[test]
fn an_empty_mermaid_block_is_a_warning_not_an_error() {
    let site = SiteTest::new().file(
        "content/patterns/flow.md",
        "---\ntitle: Flow\n---\nHow work moves.\n\n```mermaid\n```\n",
    );
    let report = site.build().ok();
    let warning = report
        .warnings
        .iter()
        .find(|d| d.message.contains("empty Mermaid diagram"))
        .unwrap_or_else(|| panic!("no warning: {}", render(&report.warnings)));
    assert_eq!(warning.location(), "content/patterns/flow.md:6:1");
}
