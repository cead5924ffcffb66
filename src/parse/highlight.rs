//! Build-time syntax highlighting with syntect, emitting CSS classes (never
//! inline styles) so one stylesheet serves a light and a dark theme.
//!
//! syntect's own classed output names every token by its whole scope stack
//! (`<span class="hl-meta hl-function-call hl-python">`, about 1 KB per line
//! of code), which made highlighted code most of a site's bytes. Instead each
//! line is parsed once and styled by both themes, and a token carries short
//! classes named for its colours: `hl-l183691` (light) and `hl-d8fa1b3`
//! (dark). The stylesheet defines each palette under its own
//! `prefers-color-scheme` query, so the two can never mix, and nudges
//! colours that fail WCAG AA contrast against their background.
//!
//! Highlighting dominates build time, so results are cached by a hash of the
//! language and the code: in memory for the build, and on disk between builds
//! (in the user's cache folder, or `--cache-dir`; never in the site, which
//! may be a read-only checkout). The cache file holds only the blocks used
//! by the last build, so it never grows without bound.
//!
//! The cache file is untrusted input: anyone can commit one, or poison a CI
//! cache. So it holds no markup at all, only (classes, text) spans. Classes
//! must match the grammar this module writes, the text is escaped when the
//! HTML is built from the spans, and a hit is used only if its text is
//! exactly the code being highlighted. Anything else is a miss.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use syntect::highlighting::{Color, FontStyle, Highlighter as StyleResolver, Style, Theme};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;
use two_face::theme::LazyThemeSet;

#[cfg(not(any(feature = "onig", feature = "fancy")))]
compile_error!(
    "highlighting needs a regex engine: build with the default `onig` feature, or `--features fancy`"
);

/// Bumped whenever the HTML the highlighter writes changes, so stale cache
/// files are ignored rather than reused.
const CACHE_MAGIC: &[u8; 8] = b"FSHL0003";

/// The regex engine syntect runs, part of every cache key: the two engines
/// may tokenise a pathological line differently, and a cache written by one
/// build of Fireside must never change the bytes of another's.
const ENGINE: &str = if cfg!(feature = "onig") {
    "onig"
} else {
    "fancy"
};

/// bat's themes made for terminals: their "colours" are palette indexes
/// encoded in the alpha channel, meaningless in CSS.
const TERMINAL_THEMES: &[&str] = &["ansi", "base16", "base16-256"];

/// The cache file's name in its folder.
pub const CACHE_FILE: &str = "highlight.bin";

/// A run of code text sharing one set of `hl-` classes (empty: plain text).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    classes: String,
    text: String,
}

/// Spans as the (classes, text) pairs [`spans_html`], [`spans_spell`] and
/// [`encode`] read, the same shape [`decode`] gives from a cache file.
fn borrowed(spans: &[Span]) -> Vec<(&str, &str)> {
    spans
        .iter()
        .map(|s| (s.classes.as_str(), s.text.as_str()))
        .collect()
}

/// A highlighted block: its spans as the cache file stores them (see
/// [`encode`]: one allocation, a fraction of the size of `Vec<Span>`) and
/// the HTML built from them.
struct Block {
    encoded: Vec<u8>,
    html: Arc<str>,
}

/// The last build's cache file, read whole. Entries are found by key and
/// checked only when a block asks for them: a warm build reads each once,
/// in parallel, and never allocates spans it does not use.
#[derive(Default)]
struct Previous {
    bytes: Vec<u8>,
    /// Key -> the entry's encoded spans, a range of `bytes`.
    index: HashMap<Key, std::ops::Range<usize>>,
}

impl Previous {
    fn get(&self, key: &Key) -> Option<&[u8]> {
        self.index.get(key).map(|r| &self.bytes[r.clone()])
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.index.len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

/// Common names for languages that syntect knows by another token: what
/// people write after a fence (`sh`, `yml`, `py`), mapped to a name or file
/// extension syntect finds. Used to highlight and to suggest.
const ALIASES: &[(&str, &str)] = &[
    ("shell", "bash"),
    ("sh", "bash"),
    ("zsh", "bash"),
    ("console", "bash"),
    ("csharp", "cs"),
    ("c#", "cs"),
    ("yml", "yaml"),
    ("golang", "go"),
    ("c++", "cpp"),
    ("py", "python"),
    ("python3", "python"),
    ("js", "js"),
    ("node", "js"),
    ("mjs", "js"),
    ("jsonc", "json"),
    ("objc", "m"),
    ("rb", "ruby"),
    ("docker", "dockerfile"),
    ("containerfile", "dockerfile"),
    ("pwsh", "ps1"),
    ("starlark", "bzl"),
    ("kts", "kt"),
    ("protobuf", "proto"),
];

type Key = [u8; 32];

/// Highlights code blocks; shared by all rayon workers of a build.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    light: Theme,
    dark: Theme,
    /// Part of every cache key: the same code looks different in other
    /// themes (and, on pathological lines, with the other regex engine).
    theme_names: String,
    /// Blocks highlighted in an earlier build, read from disk (not yet
    /// checked: see [`decode`]).
    previous: Previous,
    /// Blocks used in this build (hits and new ones), written back to disk.
    current: Mutex<HashMap<Key, Arc<Block>>>,
    /// The classes of every scope stack met so far.
    styles: StyleMemo,
    /// The syntax each fence language found so far names (an index into
    /// `syntaxes`), as [`Highlighter::find_syntax`] would find it again:
    /// syntect's lookup compares the word with every syntax's extensions
    /// and name, once per code block otherwise.
    syntax_of: RwLock<FxHashMap<Box<str>, Option<usize>>>,
}

/// Whether a fence's language was recognised.
pub enum Highlighted {
    Html(Arc<str>),
    UnknownLanguage,
}

pub const DEFAULT_LIGHT_THEME: &str = "InspiredGitHub";
pub const DEFAULT_DARK_THEME: &str = "base16-ocean.dark";

impl Highlighter {
    /// A highlighter with the default light and dark themes.
    pub fn new() -> Self {
        Highlighter::with_themes(DEFAULT_LIGHT_THEME, DEFAULT_DARK_THEME)
            .expect("the default themes are bundled")
    }

    /// A highlighter for two of syntect's bundled themes; an unknown name is
    /// an error listing the available ones.
    pub fn with_themes(light: &str, dark: &str) -> Result<Self, String> {
        // bat's themes include syntect's defaults under the same names, so
        // every name a site could use before still works. The set is lazy:
        // only the two themes asked for are decoded.
        let themes = LazyThemeSet::from(two_face::theme::extra());
        let take = |name: &str| {
            let usable = !TERMINAL_THEMES.contains(&name);
            themes.get(name).filter(|_| usable).cloned().ok_or_else(|| {
                let mut names: Vec<&str> = themes
                    .theme_names()
                    .filter(|n| !TERMINAL_THEMES.contains(n))
                    .collect();
                names.sort();
                format!(
                    "unknown highlight theme `{name}`; available: {}",
                    names.join(", ")
                )
            })
        };
        let light_theme = take(light)?;
        let dark_theme = take(dark)?;
        Ok(Highlighter {
            // bat's curated set: syntect's defaults plus TypeScript, Kotlin,
            // Swift, TOML, Dockerfile and the rest company code is written in.
            syntaxes: two_face::syntax::extra_newlines(),
            light: light_theme,
            dark: dark_theme,
            theme_names: format!("{light}\0{dark}\0{ENGINE}"),
            previous: Previous::default(),
            current: Mutex::new(HashMap::new()),
            styles: StyleMemo::default(),
            syntax_of: RwLock::default(),
        })
    }

    /// Primes the highlighter with the cache file at `path` (a missing,
    /// corrupt or hostile file, or any entry of it, is ignored: the cache
    /// is only an accelerator).
    pub fn load_cache(&mut self, path: &Path) {
        self.previous = read_cache(path);
    }

    /// The nearest language name a fence could have meant, for the unknown
    /// language warning; `None` when nothing is close.
    ///
    /// The candidates are what a fence can say and get highlighted: the
    /// syntaxes' one-word names (`rust`, `javascript`), their file extensions
    /// of two letters or more, and the aliases in [`ALIASES`]. One-letter
    /// extensions (`t`, `d`, `r`) are left out: every short word is one edit
    /// from them. Closeness is edit distance (transpositions count once), not
    /// a similarity score: Jaro-Winkler rates `typescript` close to
    /// `applescript` for their shared ending. Words under four letters get no
    /// suggestion, since two-letter names (`ts`, `js`, `cs`, `rs`) are all one
    /// edit apart and any pick would be a guess; longer words may be one edit
    /// off, and from seven letters on two.
    pub fn suggest_language(&self, lang: &str) -> Option<String> {
        let word = lang.trim().to_lowercase();
        let budget = match word.chars().count() {
            0..=3 => return None,
            4..=6 => 1,
            _ => 2,
        };
        // (rank, name): on a tie, a language's name beats an alias, and an
        // alias beats a file extension (`rsut` is `rust`, not `rst`).
        let mut candidates: Vec<(u8, String)> =
            ALIASES.iter().map(|(a, _)| (1, a.to_string())).collect();
        for syntax in self.syntaxes.syntaxes() {
            let name = syntax.name.to_lowercase();
            if !name.contains(char::is_whitespace) {
                candidates.push((0, name));
            }
            candidates.extend(syntax.file_extensions.iter().map(|e| (2, e.to_lowercase())));
        }
        candidates.retain(|(_, c)| c.chars().count() >= 2 && self.find_syntax(c).is_some());
        candidates
            .into_iter()
            .map(|(rank, c)| (strsim::osa_distance(&word, &c), rank, c))
            .filter(|(distance, _, _)| *distance <= budget)
            .min()
            .map(|(_, _, c)| c)
    }

    fn find_syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.trim().to_ascii_lowercase();
        let known = self
            .syntax_of
            .read()
            .expect("syntax lookup lock")
            .get(lang.as_str())
            .copied();
        let index = known.unwrap_or_else(|| {
            let index = self.look_up_syntax(&lang);
            self.syntax_of
                .write()
                .expect("syntax lookup lock")
                .insert(lang.into(), index);
            index
        });
        index.map(|i| &self.syntaxes.syntaxes()[i])
    }

    /// syntect's lookup of a fence's lowercased language (or its alias's
    /// syntax), as an index into the set.
    fn look_up_syntax(&self, lang: &str) -> Option<usize> {
        let token = ALIASES
            .iter()
            .find(|(alias, _)| *alias == lang)
            .map_or(lang, |(_, token)| token);
        let found = self.syntaxes.find_syntax_by_token(token)?;
        self.syntaxes
            .syntaxes()
            .iter()
            .position(|s| std::ptr::eq(s, found))
    }

    /// Highlights `code` written in `lang` into HTML spans with `hl-` classes.
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let Some(syntax) = self.find_syntax(lang) else {
            return Highlighted::UnknownLanguage;
        };
        let key = cache_key(&self.theme_names, &syntax.name, code);
        if let Some(hit) = self.current.lock().expect("cache lock").get(&key) {
            return Highlighted::Html(hit.html.clone());
        }
        // A hit shows exactly this code with valid classes, whatever the
        // file claims; anything else is highlighted again.
        let hit = self.previous.get(&key).and_then(|encoded| {
            let spans = decode_spelling(encoded, code)?;
            Some(Block {
                html: spans_html(&spans).into(),
                encoded: encoded.to_vec(),
            })
        });
        let block = hit.unwrap_or_else(|| {
            let spans = self.render(syntax, code).unwrap_or_else(|| {
                // syntect fails only on pathological input; plain text is a safe fallback.
                vec![Span {
                    classes: String::new(),
                    text: code.to_string(),
                }]
            });
            let spans = borrowed(&spans);
            Block {
                html: spans_html(&spans).into(),
                encoded: encode(&spans),
            }
        });
        let block = Arc::new(block);
        let html = block.html.clone();
        self.current.lock().expect("cache lock").insert(key, block);
        Highlighted::Html(html)
    }

    /// Parses each line once and gives each run of text between two scope
    /// changes the classes of its scope stack in both themes, merging
    /// neighbours that share them.
    fn render(&self, syntax: &SyntaxReference, code: &str) -> Option<Vec<Span>> {
        let mut parser = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut styles = self.styles.local();
        let mut spans = Vec::new();
        let mut run = Run::default();
        for line in LinesWithEndings::from(code) {
            let ops = parser.parse_line(line, &self.syntaxes).ok()?;
            let mut pos = 0;
            for (at, op) in &ops {
                // syntect cuts at regex match bounds, always char boundaries;
                // the check keeps a pathological grammar from splitting a char.
                let at = (*at).min(line.len());
                if at > pos && line.is_char_boundary(at) {
                    run.push(
                        &mut spans,
                        styles.classes(self, stack.as_slice()),
                        &line[pos..at],
                    );
                    pos = at;
                }
                stack.apply(op).ok()?;
            }
            if pos < line.len() {
                run.push(
                    &mut spans,
                    styles.classes(self, stack.as_slice()),
                    &line[pos..],
                );
            }
        }
        run.flush(&mut spans);
        self.styles.absorb(styles);
        Some(spans)
    }

    /// Writes the blocks used by this build to the cache file, atomically.
    pub fn save_cache(&self, path: &Path) -> std::io::Result<()> {
        let current = self.current.lock().expect("cache lock");
        let mut keys: Vec<&Key> = current.keys().collect();
        keys.sort();
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            w.write_all(CACHE_MAGIC)?;
            for key in keys {
                w.write_all(key)?;
                w.write_all(&current[key].encoded)?;
            }
            w.flush()?;
        }
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Saves the blocks to `save_to` (if given), then forgets them and the
    /// last build's file. A one-shot build highlights nothing once its
    /// documents are parsed, and its blocks (spans and HTML of every code
    /// block, the largest thing it holds after the site) would otherwise be
    /// kept to the end of the build only to be saved. Highlighting still
    /// works afterwards, without the memo.
    pub fn release_cache(&mut self, save_to: Option<&Path>) -> std::io::Result<()> {
        let saved = save_to.map_or(Ok(()), |path| self.save_cache(path));
        *self.current.get_mut().expect("cache lock") = HashMap::new();
        self.previous = Previous::default();
        saved
    }

    /// How many highlighted blocks the memo holds (this build's and the
    /// last build's file's), for tests of what a build keeps.
    pub fn held_blocks(&self) -> usize {
        self.current.lock().expect("cache lock").len() + self.previous.index.len()
    }

    /// The stylesheet for this highlighter's themes: every colour either
    /// theme can give a token, each palette under its own colour-scheme query.
    pub fn stylesheet(&self) -> String {
        let mut css = format!(
            "/* Syntax highlighting, generated by Fireside from the {} (light) and {} (dark) themes.\n   Colours below WCAG AA contrast against the code background are adjusted. */\n",
            self.theme_names.split('\0').next().unwrap_or(""),
            self.theme_names.split('\0').nth(1).unwrap_or("")
        );
        css.push_str("@media not all and (prefers-color-scheme: dark) {\n");
        palette_css(&mut css, &self.light, 'l');
        css.push_str("}\n@media (prefers-color-scheme: dark) {\n");
        palette_css(&mut css, &self.dark, 'd');
        css.push_str("}\n");
        css
    }
}

/// The `hl-` classes of scope stacks, memoised for the whole build.
///
/// Resolving a stack against a theme's selectors was the costliest step of
/// highlighting (a third of it, in `ScopeStack::does_match`), and a site's
/// code meets the same few thousand stacks millions of times. A stack's
/// style depends on the stack and the theme alone, so the answer is
/// computed once per build: each block reads a local copy first, then the
/// shared map, and adds what it computed when it is done, so the workers
/// hardly ever wait for each other.
#[derive(Default)]
struct StyleMemo {
    shared: RwLock<FxHashMap<Vec<Scope>, Arc<str>>>,
}

impl StyleMemo {
    fn local(&self) -> LocalStyles<'_> {
        LocalStyles {
            memo: self,
            resolvers: None,
            seen: FxHashMap::default(),
            new: Vec::new(),
        }
    }

    fn absorb(&self, local: LocalStyles<'_>) {
        if local.new.is_empty() {
            return;
        }
        let mut shared = self.shared.write().expect("style memo lock");
        shared.extend(local.new);
    }
}

/// One block's view of the [`StyleMemo`].
struct LocalStyles<'h> {
    memo: &'h StyleMemo,
    /// The two themes' resolvers, made on the block's first miss.
    resolvers: Option<Resolvers<'h>>,
    seen: FxHashMap<Vec<Scope>, Arc<str>>,
    /// Stacks this block resolved, for the shared map.
    new: Vec<(Vec<Scope>, Arc<str>)>,
}

struct Resolvers<'h> {
    light: StyleResolver<'h>,
    dark: StyleResolver<'h>,
    light_default: Style,
    dark_default: Style,
}

impl<'h> LocalStyles<'h> {
    fn classes(&mut self, highlighter: &'h Highlighter, stack: &[Scope]) -> &str {
        if stack.is_empty() {
            // The themes' defaults: no classes (what syntect's highlighter
            // gives a stack it has popped to empty).
            return "";
        }
        if !self.seen.contains_key(stack) {
            let known = self
                .memo
                .shared
                .read()
                .expect("style memo lock")
                .get(stack)
                .cloned();
            let classes = known.unwrap_or_else(|| {
                let r = self.resolvers.get_or_insert_with(|| Resolvers {
                    light: StyleResolver::new(&highlighter.light),
                    dark: StyleResolver::new(&highlighter.dark),
                    light_default: default_style(&highlighter.light),
                    dark_default: default_style(&highlighter.dark),
                });
                let classes: Arc<str> = token_classes(
                    r.light.style_for_stack(stack),
                    r.light_default,
                    r.dark.style_for_stack(stack),
                    r.dark_default,
                )
                .into();
                self.new.push((stack.to_vec(), classes.clone()));
                classes
            });
            self.seen.insert(stack.to_vec(), classes);
        }
        &self.seen[stack]
    }
}

/// A run of text sharing one set of classes, so neighbours merge into one span.
#[derive(Default)]
struct Run {
    classes: String,
    text: String,
}

impl Run {
    fn push(&mut self, spans: &mut Vec<Span>, classes: &str, text: &str) {
        if classes != self.classes {
            self.flush(spans);
            self.classes.clear();
            self.classes.push_str(classes);
        }
        self.text.push_str(text);
    }

    fn flush(&mut self, spans: &mut Vec<Span>) {
        if self.text.is_empty() {
            return;
        }
        spans.push(Span {
            classes: self.classes.clone(),
            text: std::mem::take(&mut self.text),
        });
    }
}

/// The HTML of a block's (classes, text) spans: each text escaped, its
/// classes (checked by [`valid_classes`] when they come from a file) in a
/// `class` attribute.
fn spans_html(spans: &[(&str, &str)]) -> String {
    let mut html = String::with_capacity(spans.iter().map(|s| s.1.len() * 2).sum());
    for &(classes, text) in spans {
        if classes.is_empty() {
            escape_into(&mut html, text);
        } else {
            html.push_str("<span class=\"");
            html.push_str(classes);
            html.push_str("\">");
            escape_into(&mut html, text);
            html.push_str("</span>");
        }
    }
    html
}

/// True if the spans' text is exactly `code`.
#[cfg(test)]
fn spans_spell(spans: &[(&str, &str)], code: &str) -> bool {
    let mut rest = code;
    for &(_, text) in spans {
        match rest.strip_prefix(text) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// A block's spans as the cache file holds them after the key: their count,
/// then each one's classes and text, each a little-endian `u32` length and
/// its bytes.
fn encode(spans: &[(&str, &str)]) -> Vec<u8> {
    let size: usize = spans.iter().map(|s| 8 + s.0.len() + s.1.len()).sum();
    let mut out = Vec::with_capacity(4 + size);
    out.extend_from_slice(&(spans.len() as u32).to_le_bytes());
    for (classes, text) in spans {
        for part in [classes, text] {
            out.extend_from_slice(&(part.len() as u32).to_le_bytes());
            out.extend_from_slice(part.as_bytes());
        }
    }
    out
}

/// Splits `rest` at `n` bytes, advancing it; `None` past its end.
fn take<'a>(rest: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
    *rest = tail;
    Some(head)
}

fn take_len(rest: &mut &[u8]) -> Option<usize> {
    Some(u32::from_le_bytes(take(rest, 4)?.try_into().ok()?) as usize)
}

/// Reads back what [`encode`] wrote for the block `code`, from a file anyone
/// may have written: the spans, their texts borrowed from `code`, or `None`
/// unless every length fits, every class passes [`valid_classes`], nothing
/// is left over and the texts spell exactly `code`. It is [`decode`] and
/// [`spans_spell`] in one pass: comparing a text's bytes with the code's
/// (cut at the code's char boundaries) proves it UTF-8 without decoding it,
/// which was most of the cost of a cache hit.
fn decode_spelling<'a>(mut encoded: &'a [u8], code: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
    let count = take_len(&mut encoded)?;
    // Each span takes at least 8 bytes: a hostile count cannot reserve more.
    let mut spans = Vec::with_capacity(count.min(encoded.len() / 8));
    let mut at = 0usize;
    for _ in 0..count {
        let len = take_len(&mut encoded)?;
        let classes = std::str::from_utf8(take(&mut encoded, len)?).ok()?;
        let len = take_len(&mut encoded)?;
        let text = take(&mut encoded, len)?;
        let end = at.checked_add(len)?;
        let spelled = code.as_bytes().get(at..end) == Some(text) && code.is_char_boundary(end);
        if !spelled || !valid_classes(classes) {
            return None;
        }
        spans.push((classes, &code[at..end]));
        at = end;
    }
    (encoded.is_empty() && at == code.len()).then_some(spans)
}

/// Reads back what [`encode`] wrote, from a file anyone may have written:
/// `None` unless every length fits, every text is UTF-8, every class
/// passes [`valid_classes`], and nothing is left over. The definition
/// [`decode_spelling`] is held to.
#[cfg(test)]
fn decode(mut encoded: &[u8]) -> Option<Vec<(&str, &str)>> {
    let count = take_len(&mut encoded)?;
    // Each span takes at least 8 bytes: a hostile count cannot reserve more.
    let mut spans = Vec::with_capacity(count.min(encoded.len() / 8));
    fn take_str<'a>(rest: &mut &'a [u8]) -> Option<&'a str> {
        let len = take_len(rest)?;
        std::str::from_utf8(take(rest, len)?).ok()
    }
    for _ in 0..count {
        let classes = take_str(&mut encoded)?;
        let text = take_str(&mut encoded)?;
        if !valid_classes(classes) {
            return None;
        }
        spans.push((classes, text));
    }
    encoded.is_empty().then_some(spans)
}

/// The grammar of the classes [`token_classes`] writes: space-separated
/// `hl-l` or `hl-d` followed by six lowercase hex digits or one of `b`,
/// `i`, `u`. Nothing else (no quote, no `<`) can pass.
fn valid_classes(classes: &str) -> bool {
    classes.is_empty()
        || classes.split(' ').all(|class| {
            let Some(rest) = class
                .strip_prefix("hl-l")
                .or_else(|| class.strip_prefix("hl-d"))
            else {
                return false;
            };
            matches!(rest, "b" | "i" | "u")
                || (rest.len() == 6
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        })
}

fn default_style(theme: &Theme) -> Style {
    Style {
        foreground: theme.settings.foreground.unwrap_or(Color::BLACK),
        background: theme.settings.background.unwrap_or(Color::WHITE),
        font_style: FontStyle::empty(),
    }
}

fn hex(c: Color) -> String {
    format!("{:02x}{:02x}{:02x}", c.r, c.g, c.b)
}

/// The classes of a token: its colour and font style in each theme, left out
/// where they are the theme's defaults (most text needs no span at all).
fn token_classes(light: Style, light_default: Style, dark: Style, dark_default: Style) -> String {
    let mut classes = String::new();
    for (style, default, mode) in [(light, light_default, 'l'), (dark, dark_default, 'd')] {
        if style.foreground != default.foreground {
            let _ = write!(classes, " hl-{mode}{}", hex(style.foreground));
        }
        for (flag, letter) in [
            (FontStyle::BOLD, 'b'),
            (FontStyle::ITALIC, 'i'),
            (FontStyle::UNDERLINE, 'u'),
        ] {
            if style.font_style.contains(flag) {
                let _ = write!(classes, " hl-{mode}{letter}");
            }
        }
    }
    classes.trim_start().to_string()
}

/// CSS rules for every colour a theme can give, nudged to AA contrast.
fn palette_css(css: &mut String, theme: &Theme, mode: char) {
    let default = default_style(theme);
    let background = default.background;
    let _ = writeln!(
        css,
        "pre.code {{ color: #{}; background: #{}; }}",
        hex(readable(default.foreground, background)),
        hex(background)
    );
    let mut colours: Vec<Color> = theme
        .scopes
        .iter()
        .filter_map(|item| item.style.foreground)
        .filter(|c| *c != default.foreground)
        .collect();
    colours.sort_by_key(|c| (c.r, c.g, c.b, c.a));
    colours.dedup();
    for c in colours {
        let _ = writeln!(
            css,
            ".hl-{mode}{} {{ color: #{}; }}",
            hex(c),
            hex(readable(c, background))
        );
    }
    let _ = writeln!(
        css,
        ".hl-{mode}b {{ font-weight: bold; }}\n.hl-{mode}i {{ font-style: italic; }}\n.hl-{mode}u {{ text-decoration: underline; }}"
    );
}

fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

/// WCAG 2 contrast ratio of two colours.
pub fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `fg`, moved toward black or white (away from the background) just far
/// enough to reach 4.5:1 against `bg`.
fn readable(fg: Color, bg: Color) -> Color {
    let target = if luminance(bg) > 0.5 { 0u8 } else { 255u8 };
    let mix = |v: u8, t: f64| (f64::from(v) + (f64::from(target) - f64::from(v)) * t).round() as u8;
    (0..=20)
        .map(|step| f64::from(step) / 20.0)
        .map(|t| Color {
            r: mix(fg.r, t),
            g: mix(fg.g, t),
            b: mix(fg.b, t),
            a: 0xff,
        })
        .find(|c| contrast(*c, bg) >= 4.5)
        .unwrap_or(Color {
            r: target,
            g: target,
            b: target,
            a: 0xff,
        })
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter::new()
    }
}

fn cache_key(themes: &str, syntax: &str, code: &str) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(themes.as_bytes());
    h.update(&[0]);
    h.update(syntax.as_bytes());
    h.update(&[0]);
    h.update(code.as_bytes());
    *h.finalize().as_bytes()
}

/// Reads a cache file written by [`Highlighter::save_cache`] and indexes its
/// entries by key, checking only that their lengths fit: what an entry
/// holds is checked when it is used ([`decode`]). A missing file, another
/// format, or a truncated entry ends the index where it is.
fn read_cache(path: &Path) -> Previous {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes));
    if read.is_err() || !bytes.starts_with(CACHE_MAGIC) {
        return Previous::default();
    }
    let mut index = HashMap::new();
    let mut rest = &bytes[CACHE_MAGIC.len()..];
    let entries = |rest: &mut &[u8]| -> Option<(Key, usize)> {
        let key = Key::try_from(take(rest, 32)?).ok()?;
        let before = rest.len();
        let count = take_len(rest)?;
        for _ in 0..count * 2 {
            let len = take_len(rest)?;
            take(rest, len)?;
        }
        Some((key, before - rest.len()))
    };
    while !rest.is_empty() {
        let start = bytes.len() - rest.len() + 32;
        let Some((key, len)) = entries(&mut rest) else {
            break;
        };
        index.insert(key, start..start + len);
    }
    Previous { bytes, index }
}

/// The default cache file of the site at `site_root`: in the user's cache
/// folder (`$XDG_CACHE_HOME/fireside` on Linux), one folder per site, so
/// that sites do not evict each other's blocks. `None` without a home.
pub fn default_cache_path(site_root: &Path) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "fireside")?;
    let root = site_root
        .canonicalize()
        .unwrap_or_else(|_| site_root.to_path_buf());
    let id = blake3::hash(root.as_os_str().as_encoded_bytes()).to_hex();
    Some(
        dirs.cache_dir()
            .join("sites")
            .join(&id.as_str()[..16])
            .join(CACHE_FILE),
    )
}

/// Removes the default caches of sites not built for `max_age` (a temp
/// folder built once, a deleted checkout), so the user's cache folder does
/// not fill up with them. Failing is harmless.
pub fn prune_default_caches(max_age: std::time::Duration) {
    let Some(dirs) = directories::ProjectDirs::from("", "", "fireside") else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dirs.cache_dir().join("sites")) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = std::fs::metadata(entry.path().join(CACHE_FILE))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > max_age);
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appending to `out`.
fn escape_into(out: &mut String, text: &str) {
    pulldown_cmark_escape::escape_html_body_text(out, text).expect("writing to a String");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(h: &Highlighter, lang: &str, code: &str) -> Arc<str> {
        match h.highlight(lang, code) {
            Highlighted::Html(html) => html,
            Highlighted::UnknownLanguage => panic!("{lang} should be known"),
        }
    }

    /// The classes of every byte of `code` as syntect's own highlighter
    /// resolves them, line by line with its incremental state: the reference
    /// the memoised [`StyleMemo`] must agree with.
    fn reference_classes(h: &Highlighter, lang: &str, code: &str) -> Vec<String> {
        use syntect::highlighting::{HighlightState, RangedHighlightIterator};
        let syntax = h.find_syntax(lang).expect("known language");
        let (light, dark) = (StyleResolver::new(&h.light), StyleResolver::new(&h.dark));
        let (light_default, dark_default) = (default_style(&h.light), default_style(&h.dark));
        let mut parser = ParseState::new(syntax);
        let mut light_state = HighlightState::new(&light, ScopeStack::new());
        let mut dark_state = HighlightState::new(&dark, ScopeStack::new());
        let mut per_byte = Vec::new();
        for line in LinesWithEndings::from(code) {
            let ops = parser.parse_line(line, &h.syntaxes).unwrap();
            let mut styles = vec![(light_default, dark_default); line.len()];
            for (style, _, range) in
                RangedHighlightIterator::new(&mut light_state, &ops, line, &light)
            {
                styles[range].iter_mut().for_each(|s| s.0 = style);
            }
            for (style, _, range) in
                RangedHighlightIterator::new(&mut dark_state, &ops, line, &dark)
            {
                styles[range].iter_mut().for_each(|s| s.1 = style);
            }
            per_byte.extend(
                styles
                    .into_iter()
                    .map(|(l, d)| token_classes(l, light_default, d, dark_default)),
            );
        }
        per_byte
    }

    #[test]
    fn memoised_styles_are_what_syntect_resolves_for_every_byte() {
        let samples = [
            (
                "rust",
                "/// Doc\n#[derive(Debug)]\npub struct S<'a> { x: &'a str }\nfn main() { let s = r#\"raw\"#; println!(\"{s:?} {}\", 1 + 2); }\n",
            ),
            (
                "python",
                "@decorator\nclass A(B):\n    \"\"\"Doc.\"\"\"\n    def f(self, x=1):\n        return f'{x!r}' if x else None  # comment\n",
            ),
            (
                "typescript",
                "interface P { name: string }\nexport const f = async <T,>(p: P): Promise<T> => { return await g(`x ${p.name}`); };\n",
            ),
            (
                "yaml",
                "title: \"A\"\nlist:\n  - one # c\n  - {a: 1, b: [x, y]}\n",
            ),
            (
                "bash",
                "for f in *.md; do\n  echo \"$f\" | sed -e 's/x/y/' > \"${f%.md}.txt\"\ndone\n",
            ),
            (
                "html",
                "<!doctype html>\n<p class=\"x\">Hi <b>there</b><script>let a = 1;</script>\n",
            ),
            (
                "sql",
                "SELECT a, COUNT(*) FROM t WHERE b = 'x' GROUP BY a; -- c\n",
            ),
        ];
        let h = Highlighter::new();
        for (lang, code) in samples {
            // Twice: the second pass reads the memo the first one filled.
            for pass in 0..2 {
                let spans = h.render(h.find_syntax(lang).unwrap(), code).unwrap();
                assert!(
                    spans_spell(&borrowed(&spans), code),
                    "{lang}: spans spell the code"
                );
                let ours: Vec<&str> = spans
                    .iter()
                    .flat_map(|s| std::iter::repeat_n(s.classes.as_str(), s.text.len()))
                    .collect();
                assert_eq!(
                    ours,
                    reference_classes(&h, lang, code),
                    "{lang}, pass {pass}"
                );
            }
        }
    }

    #[test]
    fn highlights_with_short_colour_classes_and_no_inline_styles() {
        let h = Highlighter::new();
        let out = html(&h, "rust", "fn main() { let s = \"<x>\"; }\n");
        assert!(out.contains("<span class=\"hl-l"), "{out}");
        assert!(out.contains(" hl-d"), "{out}");
        assert!(out.contains("&lt;x&gt;"), "{out}");
        assert!(!out.contains("style="), "{out}");
        // The text survives intact once the markup is stripped.
        let text: String = out
            .split('<')
            .map(|p| p.split_once('>').map_or(p, |x| x.1))
            .collect();
        assert_eq!(
            text.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\""),
            "fn main() { let s = \"<x>\"; }\n"
        );
    }

    #[test]
    fn every_class_used_is_defined_in_the_stylesheet() {
        let h = Highlighter::new();
        let css = h.stylesheet();
        let samples = [
            ("python", "def f(x):\n    return x  # c\n"),
            ("java", "public class A { int x = 1; }\n"),
            ("js", "const a = `t${1}`; // c\n"),
            ("bash", "for f in *; do echo \"$f\"; done\n"),
        ];
        for (lang, code) in samples {
            let out = html(&h, lang, code);
            for class in out
                .split("class=\"")
                .skip(1)
                .flat_map(|c| c.split('"').next().unwrap_or("").split(' '))
            {
                assert!(
                    css.contains(&format!(".{class} ")),
                    "{class} from {lang} has no rule"
                );
            }
        }
    }

    #[test]
    fn cache_round_trips_and_is_keyed_by_theme() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/highlight.bin");
        let h = Highlighter::new();
        let first = html(&h, "rust", "fn main() {}\n");
        h.save_cache(&path).unwrap();

        let mut again = Highlighter::new();
        again.load_cache(&path);
        assert_eq!(again.previous.len(), 1);
        assert_eq!(html(&again, "rs", "fn main() {}\n"), first);

        let mut other = Highlighter::with_themes("Solarized (light)", "base16-mocha.dark").unwrap();
        other.load_cache(&path);
        assert!(other.previous.len() == 1 && other.current.lock().unwrap().is_empty());
        let themed = html(&other, "rust", "fn main() {}\n");
        assert_ne!(
            themed, first,
            "another theme must not reuse the cached HTML"
        );
    }

    #[test]
    fn knows_common_aliases_and_rejects_unknown_languages() {
        let h = Highlighter::new();
        for lang in [
            "python", "py", "java", "js", "bash", "shell", "csharp", "yaml", "yml", "go", "sql",
            "ruby",
        ] {
            assert!(h.find_syntax(lang).is_some(), "{lang}");
        }
        assert!(matches!(
            h.highlight("klingon", "x"),
            Highlighted::UnknownLanguage
        ));
    }

    /// The remembered lookup finds what syntect's own lookup finds, for every
    /// word a fence can hold (names, extensions, aliases, in any case, with
    /// spaces around, unknown words), the first time and every time after.
    #[test]
    fn remembered_syntax_lookups_are_syntects_lookups() {
        let h = Highlighter::new();
        let mut words: Vec<String> = ALIASES.iter().map(|(a, _)| a.to_string()).collect();
        for syntax in h.syntaxes.syntaxes() {
            words.push(syntax.name.clone());
            words.extend(syntax.file_extensions.iter().cloned());
        }
        words.extend(["klingon", "", " Rust ", "TS", "c++", "objective-c"].map(String::from));
        let direct = |word: &str| {
            let lang = word.trim().to_ascii_lowercase();
            let token = ALIASES
                .iter()
                .find(|(alias, _)| *alias == lang)
                .map_or(lang.as_str(), |(_, token)| token);
            h.syntaxes
                .find_syntax_by_token(token)
                .map(|s| s.name.clone())
        };
        for round in 0..2 {
            for word in words.iter().flat_map(|w| [w.clone(), w.to_uppercase()]) {
                let found = h.find_syntax(&word).map(|s| s.name.clone());
                assert_eq!(found, direct(&word), "{word:?}, round {round}");
            }
        }
    }

    /// What the unknown-language warning suggests: a real language name one
    /// or two edits away, never a far-fetched one.
    #[rstest::rstest]
    #[case::transposed_letters("pyhton", Some("python"))]
    #[case::missing_letter("javscript", Some("javascript"))]
    #[case::two_edits_in_a_long_name("javscrpt", Some("javascript"))]
    #[case::a_name_beats_an_extension("markdwn", Some("markdown"))]
    #[case::an_alias_counts("bsah", Some("bash"))]
    #[case::case_is_ignored("Rsut", Some("rust"))]
    #[case::no_language_shares_only_an_ending("hackscript", None)]
    #[case::typescript_is_known_now("typescrpt", Some("typescript"))]
    #[case::short_words_get_no_guess("ts", None)]
    #[case::three_letters_get_no_guess("tsx", None)]
    #[case::nothing_near("klingon", None)]
    fn suggests_a_close_language_name_or_none(
        #[case] written: &str,
        #[case] expected: Option<&str>,
    ) {
        let h = Highlighter::new();
        assert_eq!(h.suggest_language(written).as_deref(), expected);
    }

    #[test]
    fn every_suggestion_and_alias_highlights() {
        let h = Highlighter::new();
        for (alias, _) in ALIASES {
            assert!(h.find_syntax(alias).is_some(), "alias {alias}");
        }
        for word in ["pyhton", "javscrpt", "bsah", "markdwn", "rsut"] {
            let s = h.suggest_language(word).expect("a suggestion");
            assert!(h.find_syntax(&s).is_some(), "{s} does not highlight");
        }
    }

    #[test]
    fn stylesheet_separates_the_schemes_and_meets_aa_contrast() {
        let h = Highlighter::new();
        let css = h.stylesheet();
        let dark_at = css.find("@media (prefers-color-scheme: dark)").unwrap();
        assert!(css[..dark_at].contains("@media not all and (prefers-color-scheme: dark)"));
        assert!(
            !css[..dark_at].contains(".hl-d"),
            "dark rules outside the dark query"
        );
        assert!(
            !css[dark_at..].contains(".hl-l"),
            "light rules inside the dark query"
        );
        for (block, theme) in [(&css[..dark_at], &h.light), (&css[dark_at..], &h.dark)] {
            let bg = default_style(theme).background;
            for rule in block
                .lines()
                .filter(|l| l.contains("color: #") && !l.starts_with("pre.code"))
            {
                let hex = rule
                    .split("color: #")
                    .nth(1)
                    .unwrap()
                    .trim_end_matches("; }");
                let c = Color {
                    r: u8::from_str_radix(&hex[0..2], 16).unwrap(),
                    g: u8::from_str_radix(&hex[2..4], 16).unwrap(),
                    b: u8::from_str_radix(&hex[4..6], 16).unwrap(),
                    a: 255,
                };
                assert!(contrast(c, bg) >= 4.5, "{rule}");
            }
        }
        assert!(Highlighter::with_themes("Nope", "base16-ocean.dark").is_err());
    }

    #[test]
    fn corrupt_or_old_caches_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("highlight.bin");
        for bytes in [&b"FSHL0002garbage"[..], b"FSHL0001"] {
            std::fs::write(&path, bytes).unwrap();
            let mut h = Highlighter::new();
            h.load_cache(&path);
            assert!(h.previous.is_empty());
        }
    }

    proptest::proptest! {
        /// A cache entry, intact or damaged anywhere (a byte changed, cut
        /// short, or checked against other code), gives from the one-pass
        /// reader exactly what decoding and then spelling it gives.
        #[test]
        fn reading_an_entry_for_its_code_is_decoding_then_spelling(
            sample in 0usize..3,
            flip in proptest::option::of((0usize..4096, 1u8..=255)),
            cut in proptest::option::of(0usize..4096),
            other_code in proptest::bool::ANY,
        ) {
            // Highlighted once for every case: loading the syntaxes is slow.
            static ENTRIES: std::sync::LazyLock<Vec<(&str, Vec<u8>)>> = std::sync::LazyLock::new(|| {
                let h = Highlighter::new();
                [
                    ("rust", "fn main() { let s = \"é€😀\"; }\n"),
                    ("python", "def f(x):\n    return x  # ünïcode\n"),
                    ("yaml", "a: [1, 2]\n"),
                ]
                .into_iter()
                .map(|(lang, code)| {
                    let spans = h.render(h.find_syntax(lang).unwrap(), code).unwrap();
                    (code, encode(&borrowed(&spans)))
                })
                .collect()
            });
            let (code, entry) = &ENTRIES[sample];
            let mut encoded = entry.clone();
            if let Some((at, xor)) = flip {
                let at = at % encoded.len();
                encoded[at] ^= xor;
            }
            if let Some(cut) = cut {
                encoded.truncate(cut % (encoded.len() + 1));
            }
            let code = if other_code { "fn main() {}\n" } else { code };
            let code: &str = code;
            let reference = decode(&encoded).filter(|spans| spans_spell(spans, code));
            proptest::prop_assert_eq!(decode_spelling(&encoded, code), reference);
        }
    }
}
