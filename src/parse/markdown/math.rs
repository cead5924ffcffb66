//! Maths (`$...$` inline, `$$...$$` display) to MathML at build time, so a
//! page needs no script to show a formula: browsers render MathML Core.
//!
//! The LaTeX is converted by `pulldown-latex` (a pull parser with a MathML
//! Core writer). Its output is then passed through an allow-list of MathML
//! elements and attributes ([`SANITIZER`]): the converter escapes text, but
//! maths is content, and content reaches a page only through a sanitiser or
//! an escaper. No MathML element can run script or load anything, and
//! `href`, `style` with URLs and event handlers are not on the list.

use pulldown_latex::{Parser, RenderConfig, Storage, config::DisplayMode};

/// Why a formula did not convert: the converter's reason and the part of
/// the formula it points at (its own quote with a caret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MathError {
    pub reason: String,
    pub context: String,
}

/// `latex` as a `<math>` element, or why it does not convert. `display` is
/// `$$...$$` (a block, centred, big operators).
pub fn to_mathml(latex: &str, display: bool) -> Result<String, MathError> {
    let storage = Storage::new();
    let mut events = Vec::new();
    for event in Parser::new(latex, &storage) {
        match event {
            Ok(e) => events.push(e),
            Err(e) => {
                let reason = std::error::Error::source(&e)
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| e.to_string());
                let full = e.to_string();
                let context = full
                    .split_once('\n')
                    .map(|(_, rest)| rest.trim_end().to_string())
                    .unwrap_or_default();
                return Err(MathError { reason, context });
            }
        }
    }
    // The source goes in an annotation (copy and paste, assistive tools);
    // the writer puts it in verbatim, so it is escaped here.
    let annotation = crate::escape::escape_html(latex);
    let config = RenderConfig {
        display_mode: if display {
            DisplayMode::Block
        } else {
            DisplayMode::Inline
        },
        annotation: Some(&annotation),
        ..RenderConfig::default()
    };
    let mut out = String::new();
    let written = pulldown_latex::push_mathml(
        &mut out,
        events.into_iter().map(Ok::<_, std::io::Error>),
        config,
    );
    if let Err(e) = written {
        return Err(MathError {
            reason: e.to_string(),
            context: String::new(),
        });
    }
    Ok(SANITIZER.clean(&out).to_string())
}

/// MathML Core's presentation elements and the attributes the converter
/// writes; nothing that links, loads or runs anything.
static SANITIZER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut b = ammonia::Builder::empty();
    b.add_tags([
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mmultiscripts",
        "mprescripts",
        "none",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "mpadded",
        "mphantom",
        "menclose",
        "merror",
        "mtable",
        "mtr",
        "mtd",
    ])
    .add_generic_attributes([
        "display",
        "displaystyle",
        "scriptlevel",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "largeop",
        "movablelimits",
        "symmetric",
        "lspace",
        "rspace",
        "minsize",
        "maxsize",
        "accent",
        "accentunder",
        "linethickness",
        "width",
        "height",
        "depth",
        "voffset",
        "columnalign",
        "rowalign",
        "columnspan",
        "rowspan",
        "notation",
        "encoding",
        "class",
        "style",
    ])
    .strip_comments(true)
    .link_rel(None);
    b
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_mathml() {
        let m = to_mathml(r"\frac{a}{b} < c", false).expect("converts");
        assert!(m.starts_with("<math"), "{m}");
        assert!(m.contains("<mfrac>"), "{m}");
        assert!(m.contains("&lt;"), "{m}");
        assert!(m.contains("application/x-tex"), "{m}");
        let block = to_mathml(r"\sum_{i=1}^n i", true).expect("converts");
        assert!(block.contains("display=\"block\""), "{block}");
    }

    #[test]
    fn text_in_maths_cannot_become_markup() {
        let m = to_mathml(r"\text{<script>alert(1)</script>} x", false).expect("converts");
        assert!(!m.contains("<script"), "{m}");
        assert!(m.contains("&lt;script&gt;"), "{m}");
    }

    #[test]
    fn what_does_not_convert_says_why() {
        let e = to_mathml(r"\frac{a}{b", false).expect_err("unbalanced");
        assert!(e.reason.contains("unbalanced"), "{e:?}");
        let e = to_mathml(r"x + \notacommand", false).expect_err("unknown command");
        assert!(!e.reason.is_empty(), "{e:?}");
    }
}
