//! Build-time syntax highlighting with syntect, emitting CSS classes (never
//! inline styles) so one stylesheet serves a light and a dark theme.
//!
//! Highlighting dominates build time, so results are cached by a hash of the
//! language and the code: in memory for the build, and on disk between builds
//! (`.fireside-cache/highlight.bin` in the site). The cache file holds only
//! the blocks used by the last build, so it never grows without bound.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const CACHE_MAGIC: &[u8; 8] = b"FSHL0001";

type Key = [u8; 32];

/// Highlights code blocks; shared by all rayon workers of a build.
pub struct Highlighter {
    syntaxes: SyntaxSet,
    /// Blocks highlighted in an earlier build, read from disk.
    previous: HashMap<Key, Arc<str>>,
    /// Blocks used in this build (hits and new ones), written back to disk.
    current: Mutex<HashMap<Key, Arc<str>>>,
}

/// Whether a fence's language was recognised.
pub enum Highlighted {
    Html(Arc<str>),
    UnknownLanguage,
}

impl Highlighter {
    pub fn new() -> Self {
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            previous: HashMap::new(),
            current: Mutex::new(HashMap::new()),
        }
    }

    /// A highlighter primed with the cache file at `path` (missing or corrupt
    /// files are ignored: the cache is only an accelerator).
    pub fn with_cache_file(path: &Path) -> Self {
        let mut h = Highlighter::new();
        if let Ok(entries) = read_cache(path) {
            h.previous = entries;
        }
        h
    }

    /// Names of languages that highlight, for error hints.
    pub fn language_names(&self) -> impl Iterator<Item = &str> {
        self.syntaxes
            .syntaxes()
            .iter()
            .flat_map(|s| s.file_extensions.iter().map(String::as_str))
    }

    fn find_syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.trim().to_ascii_lowercase();
        let token = match lang.as_str() {
            "shell" | "sh" | "zsh" | "console" => "bash",
            "csharp" | "c#" => "cs",
            "yml" => "yaml",
            "golang" => "go",
            "c++" => "cpp",
            "py" | "python3" => "python",
            "js" | "node" | "mjs" => "js",
            "jsonc" => "json",
            "objc" => "m",
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// Highlights `code` written in `lang` into HTML spans with `hl-` classes.
    pub fn highlight(&self, lang: &str, code: &str) -> Highlighted {
        let Some(syntax) = self.find_syntax(lang) else {
            return Highlighted::UnknownLanguage;
        };
        let key = cache_key(&syntax.name, code);
        if let Some(hit) = self.previous.get(&key) {
            self.remember(key, hit.clone());
            return Highlighted::Html(hit.clone());
        }
        if let Some(hit) = self.current.lock().expect("cache lock").get(&key) {
            return Highlighted::Html(hit.clone());
        }
        let mut generator =
            ClassedHTMLGenerator::new_with_class_style(syntax, &self.syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if generator
                .parse_html_for_line_which_includes_newline(line)
                .is_err()
            {
                // syntect fails only on pathological input; plain text is a safe fallback.
                return Highlighted::Html(escape(code).into());
            }
        }
        let html: Arc<str> = generator.finalize().into();
        self.remember(key, html.clone());
        Highlighted::Html(html)
    }

    fn remember(&self, key: Key, html: Arc<str>) {
        self.current.lock().expect("cache lock").insert(key, html);
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
                let html = &current[key];
                w.write_all(key)?;
                w.write_all(&(html.len() as u32).to_le_bytes())?;
                w.write_all(html.as_bytes())?;
            }
            w.flush()?;
        }
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// The stylesheet: the light theme, and the dark one under
    /// `prefers-color-scheme: dark`.
    pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
        let themes = ThemeSet::load_defaults();
        let get = |name: &str| {
            themes.themes.get(name).ok_or_else(|| {
                let mut names: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
                names.sort();
                format!(
                    "unknown highlight theme `{name}`; available: {}",
                    names.join(", ")
                )
            })
        };
        let light_css =
            css_for_theme_with_class_style(get(light)?, CLASS_STYLE).map_err(|e| e.to_string())?;
        let dark_css =
            css_for_theme_with_class_style(get(dark)?, CLASS_STYLE).map_err(|e| e.to_string())?;
        Ok(format!(
            "/* Syntax highlighting: {light} (light) and {dark} (dark). Generated by Fireside. */\n{light_css}\n@media (prefers-color-scheme: dark) {{\n{dark_css}\n}}\n"
        ))
    }
}

impl Default for Highlighter {
    fn default() -> Self {
        Highlighter::new()
    }
}

fn cache_key(syntax: &str, code: &str) -> Key {
    let mut h = blake3::Hasher::new();
    h.update(syntax.as_bytes());
    h.update(&[0]);
    h.update(code.as_bytes());
    *h.finalize().as_bytes()
}

fn read_cache(path: &Path) -> std::io::Result<HashMap<Key, Arc<str>>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    let invalid = || std::io::Error::new(std::io::ErrorKind::InvalidData, "bad cache");
    let mut rest = bytes.strip_prefix(CACHE_MAGIC).ok_or_else(invalid)?;
    let mut map = HashMap::new();
    while !rest.is_empty() {
        if rest.len() < 36 {
            return Err(invalid());
        }
        let key: Key = rest[..32].try_into().expect("32 bytes");
        let len = u32::from_le_bytes(rest[32..36].try_into().expect("4 bytes")) as usize;
        let html = rest.get(36..36 + len).ok_or_else(invalid)?;
        let html = std::str::from_utf8(html).map_err(|_| invalid())?;
        map.insert(key, Arc::from(html));
        rest = &rest[36 + len..];
    }
    Ok(map)
}

/// The conventional cache location of a site.
pub fn cache_path(site_root: &Path) -> PathBuf {
    site_root.join(".fireside-cache").join("highlight.bin")
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    pulldown_cmark_escape::escape_html_body_text(&mut out, text).expect("writing to a String");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_with_classes_and_caches_across_builds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c/highlight.bin");
        let h = Highlighter::with_cache_file(&path);
        let Highlighted::Html(html) = h.highlight("rust", "fn main() { let s = \"<x>\"; }\n")
        else {
            panic!("rust should be known");
        };
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;x&gt;"), "{html}");
        assert!(!html.contains("style="), "{html}");
        h.save_cache(&path).unwrap();

        let again = Highlighter::with_cache_file(&path);
        assert_eq!(again.previous.len(), 1);
        let Highlighted::Html(cached) = again.highlight("rs", "fn main() { let s = \"<x>\"; }\n")
        else {
            panic!()
        };
        assert_eq!(cached, html);
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

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = Highlighter::stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains(".hl-"));
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(Highlighter::stylesheet("Nope", "base16-ocean.dark").is_err());
    }

    #[test]
    fn corrupt_cache_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("highlight.bin");
        std::fs::write(&path, b"FSHL0001garbage").unwrap();
        assert!(Highlighter::with_cache_file(&path).previous.is_empty());
    }
}
