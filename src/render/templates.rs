//! The template engine: the default theme embedded in the binary, a theme
//! folder layered over it, and the site's own `templates/` over both.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;
use tera::{Kwargs, State, Tera, TeraResult};

use crate::config::Config;
use crate::diagnostic::Diagnostic;

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// A theme file to publish: its path under `assets/`, and its bytes.
pub type ThemeFile = (String, Cow<'static, [u8]>);

/// A theme folder as the loader read it (`crate::load::theme`): plain data,
/// so that this module layers themes without touching the disk. The
/// default (empty) value is the embedded theme alone.
#[derive(Debug, Clone, Default)]
pub struct ThemeFolder {
    /// The folder's `templates/`, in name order.
    pub templates: Vec<ThemeTemplate>,
    /// The folder's `static/` files, as (path under `static/` with `/`,
    /// bytes), in name order.
    pub static_files: Vec<(String, Vec<u8>)>,
}

/// One template of a theme folder.
#[derive(Debug, Clone)]
pub struct ThemeTemplate {
    /// Its name for tera: the path under `templates/`, with `/`.
    pub name: String,
    pub text: String,
    /// The file it was read from, for error messages.
    pub path: PathBuf,
}

/// Where a theme keeps its stylesheet parts, under `static/`.
const CSS_PARTS: &str = "css/";
/// The one stylesheet the parts become, under `static/` (so `assets/fireside.css`).
const STYLESHEET: &str = "fireside.css";
/// The syntax-highlighting stylesheet, made by the highlighter, not the theme.
const HIGHLIGHT_CSS: &str = "assets/highlight.css";

/// Theme static files (CSS, JS), as (path under `assets/`, bytes).
///
/// The default theme and a theme folder are layered by file name, then the
/// stylesheet parts (`static/css/*.css`) are joined in name order into
/// `fireside.css`: one request for the reader, one concern per file for the
/// author, and a theme replaces one part by shipping a file of the same name.
/// A theme's own `static/fireside.css` replaces the joined stylesheet.
fn theme_static_files(folder: &ThemeFolder) -> Vec<ThemeFile> {
    let mut files: std::collections::BTreeMap<String, Cow<'static, [u8]>> = DefaultTheme::iter()
        .filter_map(|name| {
            let rest = name.strip_prefix("static/")?.to_string();
            let file = DefaultTheme::get(&name)?;
            Some((rest, file.data))
        })
        .collect();
    for (rel, bytes) in &folder.static_files {
        files.insert(rel.clone(), Cow::Owned(bytes.clone()));
    }
    join_stylesheet(&mut files);
    files.into_iter().collect()
}

/// Replaces the stylesheet parts with `fireside.css`, their concatenation in
/// name order (the map's order), each part ending in a newline. The parts
/// are not published themselves.
fn join_stylesheet(files: &mut std::collections::BTreeMap<String, Cow<'static, [u8]>>) {
    let parts: Vec<String> = files
        .keys()
        .filter(|name| name.starts_with(CSS_PARTS))
        .cloned()
        .collect();
    let mut joined = Vec::new();
    for name in parts {
        let Some(part) = files.remove(&name) else {
            continue;
        };
        if !name.ends_with(".css") {
            continue;
        }
        joined.extend_from_slice(&part);
        if !joined.is_empty() && !joined.ends_with(b"\n") {
            joined.push(b'\n');
        }
    }
    if !joined.is_empty() {
        files
            .entry(STYLESHEET.to_string())
            .or_insert(Cow::Owned(joined));
    }
}

/// The theme a build renders with: the templates (the embedded theme, a
/// theme folder and the site's `templates/`, layered by name) and the
/// theme's static files to publish.
pub struct Templates {
    pub tera: Tera,
    /// Where each template came from, so errors name the file a user can open.
    origins: std::collections::HashMap<String, PathBuf>,
    /// The theme's files to publish under `assets/`, from the same folder
    /// read as the templates.
    assets: Vec<ThemeFile>,
    /// A hash of every template's name and text and of what the helpers
    /// read: equal fingerprints render equal pages from equal contexts.
    pub fingerprint: crate::build::fingerprint::Fingerprint,
}

impl Templates {
    /// Layers the embedded theme, the theme folder the loader read
    /// (`theme`; empty for the embedded theme alone) and the site's
    /// overrides: `site_templates` are (name, text) pairs read from the
    /// site's `templates/` folder. Reads nothing from disk.
    pub fn new(
        config: &Config,
        theme: &ThemeFolder,
        site_templates: &[(String, String)],
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        // Every value a template writes goes through this one function, which
        // also drops control characters (invalid in XML, and never text).
        tera.set_escape_fn(crate::escape::tera_escape);
        register_helpers(&mut tera, config);
        let mut layers: std::collections::BTreeMap<String, (String, PathBuf)> =
            std::collections::BTreeMap::new();
        for name in DefaultTheme::iter() {
            if let Some(rest) = name.strip_prefix("templates/")
                && let Some(file) = DefaultTheme::get(&name)
            {
                let text = String::from_utf8_lossy(&file.data).into_owned();
                layers.insert(
                    rest.to_string(),
                    (text, PathBuf::from("themes/default").join(name.as_ref())),
                );
            }
        }
        for t in &theme.templates {
            layers.insert(t.name.clone(), (t.text.clone(), t.path.clone()));
        }
        for (name, text) in site_templates {
            layers.insert(
                name.clone(),
                (text.clone(), Path::new("templates").join(name)),
            );
        }
        let origins = layers
            .iter()
            .map(|(k, (_, p))| (k.clone(), p.clone()))
            .collect();
        let mut text = config.base_path.clone();
        for (name, (body, _)) in &layers {
            text.push_str(&format!("\0{name}\0{}\0{body}", body.len()));
        }
        let fingerprint = crate::build::fingerprint::of_bytes(text.as_bytes());
        let mut t = Templates {
            tera,
            origins,
            assets: theme_static_files(theme),
            fingerprint,
        };
        if let Err(e) = t.tera.add_raw_templates(
            layers
                .iter()
                .map(|(k, (text, _))| (k.as_str(), text.as_str())),
        ) {
            return Err(vec![t.error(&e, None)]);
        }
        Ok(t)
    }

    /// The theme's static files, as (path under `assets/`, bytes).
    pub fn assets(&self) -> &[ThemeFile] {
        &self.assets
    }

    /// The output paths of the theme's assets (`assets/fireside.css`, ...,
    /// and the highlighting stylesheet): what a file under `content/` must
    /// not replace. Derived from the files the theme publishes, so the two
    /// lists cannot drift.
    pub fn asset_outputs(&self) -> Vec<String> {
        self.assets
            .iter()
            .map(|(path, _)| format!("assets/{path}"))
            .chain([HIGHLIGHT_CSS.to_string()])
            .collect()
    }

    /// The file a template was read from, when the site or its theme
    /// folder has it; `None` for the theme embedded in the binary.
    pub fn file_of(&self, name: &str) -> Option<&Path> {
        self.origins
            .get(name)
            .map(PathBuf::as_path)
            .filter(|p| !p.starts_with("themes/default"))
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(&e, Some(name)))
    }

    /// A template error as a diagnostic naming the template file and line.
    pub fn error(&self, e: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let mut message = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            message.push_str(&format!(": {s}"));
            source = s.source();
        }
        let mut d = Diagnostic::error(format!("template error: {}", message.trim()));
        // Tera points at the failing template as `--> name:line:col`.
        let named = message.find("--> ").and_then(|i| {
            let rest = &message[i + 4..];
            rest.split(':').next().map(|n| n.trim().to_string())
        });
        let name = named
            .filter(|n| self.origins.contains_key(n))
            .or(rendering.map(str::to_string));
        if let Some(n) = name
            && let Some(path) = self.origins.get(&n)
        {
            d = d.in_file(path.clone());
            if let Some(line) = line_in_message(&message, &n) {
                d = d.at_line_only(line.0, line.1);
            }
        }
        if let Some(page) = rendering {
            d = d.hint(format!("while rendering with `{page}`; templates can override the theme by name in the site's templates/ folder"));
        }
        d
    }
}

/// Finds `name:LINE:COL` in a tera message.
fn line_in_message(message: &str, name: &str) -> Option<(usize, usize)> {
    let pos = message.find(&format!("{name}:"))? + name.len() + 1;
    let mut parts = message[pos..].split(|c: char| !c.is_ascii_digit());
    let line = parts.next()?.parse().ok()?;
    let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
    Some((line, col))
}

fn register_helpers(tera: &mut Tera, config: &Config) {
    let base = config.base_path.clone();
    // `url(path="assets/site.css")` -> `/cop/assets/site.css`
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{base}{}", path.trim_start_matches('/')))
        },
    );
    tera.register_filter(
        "count_label",
        |n: i64, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let one: String = kwargs.must_get("one")?;
            let many: String = kwargs.get("many")?.unwrap_or_else(|| format!("{one}s"));
            Ok(format!("{n} {}", if n == 1 { one } else { many }))
        },
    );
}
