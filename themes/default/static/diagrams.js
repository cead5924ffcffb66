/* Draws the page's ```mermaid blocks with the Mermaid build the theme ships
   (assets/vendor/mermaid/, loaded before this script and only on pages that
   have a diagram). Each <pre class="mermaid"> holds the diagram's source,
   which is what a reader without scripts sees; here it becomes the drawing,
   in the theme's own colours (the tokens of 00-tokens.css, whose text and
   background pairs meet WCAG AA) for the reader's colour scheme, and is
   drawn again when that scheme changes. `securityLevel: "strict"`: labels
   are text, never HTML or script, and clicks call nothing. */
(() => {
  const mermaid = window.mermaid;
  const blocks = [...document.querySelectorAll("pre.mermaid")];
  if (!mermaid || !blocks.length) return;
  // Mermaid replaces a block's text with its drawing: keep the source to
  // draw it again in the other scheme.
  const sources = new Map(blocks.map((b) => [b, b.textContent]));
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  // Mermaid's "base" theme, coloured from the stylesheet's tokens as they
  // are now (light or dark): Mermaid's own dark theme puts edge labels on a
  // background too close to their text.
  function colours() {
    const css = getComputedStyle(document.documentElement);
    const token = (name) => css.getPropertyValue(`--${name}`).trim();
    return {
      darkMode: dark.matches,
      fontFamily: token("font-sans"),
      background: token("bg"),
      primaryColor: token("surface-2"),
      primaryTextColor: token("text"),
      primaryBorderColor: token("border-strong"),
      secondaryColor: token("note-bg"),
      tertiaryColor: token("surface"),
      lineColor: token("text-soft"),
      textColor: token("text"),
      edgeLabelBackground: token("surface"),
      noteBkgColor: token("mark"),
      noteTextColor: token("text"),
      noteBorderColor: token("border-strong"),
    };
  }
  let drawing = Promise.resolve();
  function draw() {
    drawing = drawing.then(async () => {
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: "strict",
        theme: "base",
        themeVariables: colours(),
      });
      for (const b of blocks) {
        b.removeAttribute("data-processed");
        b.textContent = sources.get(b);
      }
      // A diagram Mermaid cannot read shows Mermaid's own error drawing;
      // the others are still drawn.
      await mermaid.run({ nodes: blocks, suppressErrors: true });
    });
  }
  draw();
  dark.addEventListener("change", draw);
})();
