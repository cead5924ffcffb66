//! ` ```mermaid ` blocks: diagrams drawn in the browser by the Mermaid build
//! the theme ships. At build time a block is only its source, escaped, in a
//! `<pre class="mermaid">`: readable as text when scripts are off, and the
//! element the theme's script replaces with the drawing. Mermaid's grammar
//! is the script's business, so a block is never an error here; an empty
//! one is a warning, since it would draw nothing.

use crate::parse::highlight::escape;

/// Whether a fenced block's language names a Mermaid diagram.
pub fn is_mermaid(lang: &str) -> bool {
    lang.eq_ignore_ascii_case("mermaid")
}

/// The block's HTML. The figure is labelled so that a screen reader hears
/// what it is before the drawing (Mermaid gives the SVG its own role).
pub fn html(source: &str) -> String {
    format!(
        "<figure class=\"diagram\" aria-label=\"Diagram\"><pre class=\"mermaid\">{}</pre></figure>\n",
        escape(source)
    )
}
