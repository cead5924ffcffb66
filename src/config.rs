//! Site settings: `site.yaml`, merged with command-line overrides.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::parse::agenda::DateOrder;
use crate::parse::front_matter;
use crate::parse::meta::ZoneName;

/// Site settings (`site.yaml` at the site's root).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteFile {
    /// The site's title; required.
    title: String,
    /// Where the site is published: a full URL, may include a sub-path (`https://org.github.io/cop/`), or a path (`/cop/`). Default `/`.
    base_url: Option<String>,
    /// The site's language, for `<html lang>` and the clock style. Default `en`.
    language: Option<String>,
    /// IANA time zone for sessions whose zone is not given anywhere else. Default `UTC`.
    timezone: Option<ZoneName>,
    /// Meta description and feed subtitle.
    description: Option<String>,
    /// `default` (built into the binary) or a path to a theme folder, relative to site.yaml.
    theme: Option<String>,
    /// How Markdown is rendered.
    #[serde(default)]
    markdown: MarkdownConfig,
    /// Calendar pages.
    #[serde(default)]
    calendar: CalendarConfig,
    /// The search index and page.
    #[serde(default)]
    search: SearchConfig,
    /// Descriptions of session formats, by slug or name.
    #[serde(default)]
    formats: indexmap::IndexMap<String, String>,
    /// How agendas read all-numeric dates like `04/12/2024` when the agenda does not say; the only way for CSV agendas.
    date_order: Option<DateOrder>,
    /// Prefix of the "Edit this page" links (docs/knowledge-base.md).
    edit_url: Option<String>,
    /// Dates and contributors from the Git history; on by default inside a work tree.
    git: Option<bool>,
    /// Preview images (`og:image`) for sessions and patterns, drawn at build time. Default `true`.
    social_images: Option<bool>,
    /// Free-form data for templates (`site.extra`); any YAML.
    #[serde(default)]
    extra: serde_json::Value,
}

/// Every key site.yaml accepts, read from [`SiteFile`] itself.
pub fn site_keys() -> &'static [&'static str] {
    crate::parse::meta::field_names::<SiteFile>()
}

/// How Markdown is rendered.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through (sanitised) instead of escaping it.
    #[serde(default)]
    pub raw_html: bool,
    /// Code highlighting theme for light mode.
    #[serde(default = "default_light_theme")]
    pub highlight_theme: String,
    /// Code highlighting theme for dark mode.
    #[serde(default = "default_dark_theme")]
    pub highlight_theme_dark: String,
    /// Curly quotes, en and em dashes, ellipses.
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            raw_html: false,
            highlight_theme: default_light_theme(),
            highlight_theme_dark: default_dark_theme(),
            smart_punctuation: true,
        }
    }
}

fn default_light_theme() -> String {
    crate::parse::highlight::DEFAULT_LIGHT_THEME.into()
}
fn default_dark_theme() -> String {
    crate::parse::highlight::DEFAULT_DARK_THEME.into()
}
fn yes() -> bool {
    true
}

/// The first column of the month grids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Weeks start on Monday (ISO 8601).
    #[default]
    Monday,
    /// Weeks start on Sunday.
    Sunday,
}

/// Calendar pages.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarConfig {
    /// The first column of the month grids: `monday` or `sunday`.
    #[serde(default)]
    pub first_weekday: Weekday,
    /// How far ahead of the build's clock open-ended recurring sessions are
    /// shown (`6 months`): their occurrences are pages, so they must stop.
    #[serde(default)]
    pub horizon: Horizon,
    /// An alarm this long before each event in the iCalendar feeds
    /// (`15 minutes`, `1 hour`; `none`, the default, writes none).
    #[serde(default)]
    pub reminder: Reminder,
}

/// `calendar.horizon`, read while deserializing so a bad value is an error
/// at its line in site.yaml.
#[derive(Debug, Clone)]
pub struct Horizon(pub jiff::Span, pub String);

impl Default for Horizon {
    fn default() -> Self {
        Horizon(jiff::Span::new().months(6), "6 months".into())
    }
}

impl<'de> Deserialize<'de> for Horizon {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::model::recurrence::parse_calendar_span(&s)
            .map(|span| Horizon(span, s.trim().to_string()))
            .map_err(serde::de::Error::custom)
    }
}

/// `calendar.reminder`: `None` writes no alarm.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminder(pub Option<jiff::SignedDuration>);

impl<'de> Deserialize<'de> for Reminder {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        crate::model::recurrence::parse_reminder(&s)
            .map(Reminder)
            .map_err(serde::de::Error::custom)
    }
}

/// The search index and page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Build the search index, the `/search/` page and the header's search box.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

/// Where the theme comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeSource {
    /// The default theme, embedded in the binary.
    Embedded,
    /// A theme folder on disk (absolute path).
    Folder(PathBuf),
}

/// The settings of one build.
#[derive(Debug, Clone)]
pub struct Config {
    /// The site folder (holds site.yaml).
    pub root: PathBuf,
    pub title: String,
    /// The full base URL as given, always ending in `/` (`https://x.org/cop/` or `/`).
    pub base_url: String,
    /// The path part of `base_url`, starting and ending with `/` (`/cop/`).
    pub base_path: String,
    /// Set when `base_url` is a bare path (`/`, `/kb/`): the build's one
    /// warning that feeds, the sitemap and subscriptions lack a host, placed
    /// at site.yaml's `base_url` line (or naming `--base-url`).
    pub base_url_warning: Option<Diagnostic>,
    pub language: String,
    pub timezone: String,
    pub description: String,
    pub theme: ThemeSource,
    pub markdown: MarkdownConfig,
    pub calendar: CalendarConfig,
    pub search: SearchConfig,
    pub formats: indexmap::IndexMap<String, String>,
    /// How agendas read all-numeric dates (`04/12/2024`) when they do not say
    /// themselves; the only way for CSV agendas, which have no front matter.
    pub date_order: Option<DateOrder>,
    /// Prefix of "Edit this page" links, ending in `/`: an http(s) URL the
    /// source file's path from the site root is appended to.
    pub edit_url: Option<String>,
    /// `git:` as written; `None` means on inside a Git work tree.
    pub git: Option<bool>,
    /// The Git history of the site folder, read once with the settings
    /// (`load/git.rs`); `None` when off or not in a work tree.
    pub history: Option<std::sync::Arc<crate::load::git::GitHistory>>,
    /// Draw a social preview image for each session and pattern (`social_images:`, default on).
    pub social_images: bool,
    pub extra: serde_json::Value,
}

/// What a path segment of an edit link escapes: everything but RFC 3986's
/// unreserved characters, so a file name cannot end the URL or add a query.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'_')
    .remove(b'~');

/// `edit_url` checked: an http(s) URL with a host (anything else would put
/// another scheme, `javascript:` among them, on every page), ending in `/`.
fn edit_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let host_ok = rest.is_some_and(|r| {
        let host = r.split('/').next().unwrap_or("");
        !host.is_empty() && !host.contains(['@', ' '])
    });
    if !host_ok
        || url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"')
    {
        return Err(format!(
            "`edit_url` must be an http(s) web address, not `{}`",
            url.escape_default()
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

impl Config {
    /// Parses `site.yaml`'s bytes (read by the loader,
    /// `crate::load::read_site_yaml`) for the site at `root`.
    /// `base_url_override` comes from `--base-url`.
    pub fn parse(
        root: &Path,
        bytes: &[u8],
        base_url_override: Option<&str>,
    ) -> Result<Config, Diagnostic> {
        let rel = PathBuf::from("site.yaml");
        let text = front_matter::decode(bytes, &rel)?;
        let file: SiteFile = if text.trim().is_empty() {
            return Err(Diagnostic::error("site.yaml is empty")
                .in_file(&rel)
                .hint("add at least `title: My community`"));
        } else {
            front_matter::check_yaml_limits(
                &text,
                1,
                &text,
                &rel,
                front_matter::MAX_SITE_YAML_BYTES,
            )?;
            serde_yaml::from_str(&text)
                .map_err(|e| front_matter::yaml_error(&e, &text, 1, &text, &rel, site_keys()))?
        };
        let base_url_raw = base_url_override
            .map(str::to_string)
            .or(file.base_url)
            .unwrap_or_else(|| "/".into());
        let base_url_at = |d: Diagnostic| match front_matter::locate_key(&text, 1, "base_url") {
            Some((line, col)) if base_url_override.is_none() => d.at(&text, line, col),
            _ => d,
        };
        let (base_url, base_path) = parse_base_url(&base_url_raw)
            .map_err(|msg| base_url_at(Diagnostic::error(msg).in_file(&rel)))?;
        let base_url_warning = (!base_url.contains("://")).then(|| {
            let d = bare_path_warning(&base_url, base_url_override.is_some());
            match base_url_override {
                Some(_) => d,
                None => base_url_at(d.in_file(&rel)),
            }
        });
        let theme = match file.theme.as_deref() {
            None | Some("default") => ThemeSource::Embedded,
            Some(p) => {
                let dir = root.join(p);
                if !dir.is_dir() {
                    let d = Diagnostic::error(format!("theme folder `{p}` does not exist"))
                        .in_file(&rel)
                        .hint("use `theme: default` or a path to a theme folder, relative to site.yaml");
                    return Err(match front_matter::locate_key(&text, 1, "theme") {
                        Some((line, col)) => d.at(&text, line, col),
                        None => d,
                    });
                }
                ThemeSource::Folder(dir)
            }
        };
        let edit_url = match file.edit_url {
            None => None,
            Some(url) => Some(edit_url(&url).map_err(|msg| {
                let d = Diagnostic::error(msg).in_file(&rel).hint(
                    "use the web address of your repository's edit view, e.g. `https://github.com/org/kb/edit/main/`",
                );
                match front_matter::locate_key(&text, 1, "edit_url") {
                    Some((line, col)) => d.at(&text, line, col),
                    None => d,
                }
            })?),
        };
        Ok(Config {
            root: root.to_path_buf(),
            title: file.title,
            base_url,
            base_path,
            base_url_warning,
            language: file.language.unwrap_or_else(|| "en".into()),
            timezone: file.timezone.map_or_else(|| "UTC".into(), |z| z.0),
            description: file.description.unwrap_or_default(),
            theme,
            markdown: file.markdown,
            calendar: file.calendar,
            search: file.search,
            formats: file.formats,
            date_order: file.date_order,
            edit_url,
            git: file.git,
            history: crate::load::git::history(root, file.git).map(std::sync::Arc::new),
            social_images: file.social_images.unwrap_or(true),
            extra: file.extra,
        })
    }

    /// What the Git history says about a source file (relative to the site root).
    pub fn file_history(&self, source: &Path) -> Option<&crate::load::git::FileHistory> {
        self.history.as_ref()?.of(source)
    }

    /// The "Edit this page" link of a source file (relative to the site root).
    pub fn edit_link(&self, source: &Path) -> Option<String> {
        let prefix = self.edit_url.as_ref()?;
        let rel = source.to_string_lossy().replace('\\', "/");
        let encoded: String = rel
            .split('/')
            .map(|seg| percent_encoding::utf8_percent_encode(seg, PATH_SEGMENT).to_string())
            .collect::<Vec<_>>()
            .join("/");
        Some(format!("{prefix}{encoded}"))
    }

    /// The site-absolute URL of an output path (`sessions/x/` ->
    /// `/cop/sessions/x/`), percent-encoded ([`url_path`]). Every link the
    /// views build (slugs, file names, static files) comes through here or
    /// [`Config::permalink`], so a file `my diagram.png` is `my%20diagram.png`
    /// everywhere.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_path,
            url_path(path.trim_start_matches('/'))
        )
    }

    /// The full URL of an output path, for feeds, sitemaps and calendars.
    pub fn permalink(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.base_url,
            url_path(path.trim_start_matches('/'))
        )
    }

    /// The Atom id of an output path (RFC 4287 requires an absolute IRI):
    /// its permalink when `base_url` has a host, else a `tag:` URI
    /// (RFC 4151) under the same `.invalid` name the iCalendar UIDs use
    /// (`tag:northwind-cop.invalid,2025:/kb/feed.xml`). Nobody can own an
    /// `.invalid` name, so such ids never collide with another site's; they
    /// stay the same from build to build as long as the title and path do.
    pub fn atom_id(&self, path: &str) -> String {
        if self.host().is_some() {
            return self.permalink(path);
        }
        let mut name = crate::model::slug::slugify(&self.title);
        if name.is_empty() {
            name.push_str("site");
        }
        let specific = self.url(path);
        format!("tag:{name}.invalid,{TAG_DATE}:{specific}")
    }

    /// The host of an absolute `base_url` (`org.github.io`); `None` for a
    /// path-only one (`/cop/`).
    pub fn host(&self) -> Option<&str> {
        let (_, rest) = self.base_url.split_once("://")?;
        rest.split('/').next().filter(|h| !h.is_empty())
    }

    /// The `webcal://` address that subscribes a calendar app to a feed.
    /// Needs an absolute `base_url`: with a path-only one there is no host to
    /// subscribe to, and pages offer only the download link.
    pub fn webcal(&self, path: &str) -> Option<String> {
        self.host()?;
        let url = self.permalink(path);
        let (_, rest) = url.split_once("://")?;
        Some(format!("webcal://{rest}"))
    }
}

/// What an output path's characters must be written as in a URL path:
/// besides controls, space and non-ASCII (always encoded), WHATWG's path
/// percent-encode set (`"`, `#`, `<`, `>`, `?`, `` ` ``, `{`, `}`), and `%`
/// (a file name is not a URL: `100%.png` is `100%25.png`), `\` (which a
/// browser would read as `/`), `[`, `]`, `^` and `|` (not URL code points).
/// `/` separates segments and stays.
const URL_PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// An output path (a file name as it is on disk) written as a URL path.
pub fn url_path(path: &str) -> std::borrow::Cow<'_, str> {
    percent_encoding::utf8_percent_encode(path, URL_PATH).into()
}

/// The date of every `tag:` id: RFC 4151 wants the day the name was held;
/// an `.invalid` name is held by nobody, so any fixed date does, and a
/// fixed one keeps ids stable.
const TAG_DATE: &str = "2025";

/// The warning of a build whose `base_url` has no host. Feeds, the sitemap
/// and calendar subscriptions need absolute URLs, so the build leaves out
/// what cannot be absolute (feed links, the sitemap, robots.txt's `Sitemap:`
/// line, `webcal://` links) and says so once, here, rather than once per file.
fn bare_path_warning(base_url: &str, from_flag: bool) -> Diagnostic {
    let source = if from_flag {
        "--base-url"
    } else {
        "site.yaml's `base_url`"
    };
    Diagnostic::warning(format!(
        "{source} is `{base_url}`, a path without a host: the Atom feeds have no links, there is no sitemap.xml, robots.txt names none, and calendars cannot be subscribed to"
    ))
    .hint(format!(
        "set `base_url` in site.yaml to the full address the site is published at, e.g. `base_url: https://cop.example.com{base_url}` (or pass `--base-url https://...` to the build)"
    ))
}

/// Checks a `base_url` as site.yaml would take it (for `fireside init`):
/// the normalised URL (ending in `/`), or what is wrong with it.
pub fn check_base_url(raw: &str) -> Result<String, String> {
    parse_base_url(raw).map(|(url, _)| url)
}

/// Splits a base URL into its normalised form and its path.
/// `https://org.github.io/cop` -> (`https://org.github.io/cop/`, `/cop/`).
fn parse_base_url(raw: &str) -> Result<(String, String), String> {
    let raw = raw.trim();
    let mut url = raw.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    if url.starts_with('/') {
        if url.starts_with("//") {
            return Err(format!(
                "base_url `{raw}` is not valid: write a full URL or a path starting with one `/`"
            ));
        }
        return Ok((url.clone(), url));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "base_url `{raw}` is not valid: write a full URL (`https://example.org/cop/`) or a path (`/cop/`)"
        ));
    };
    if !matches!(scheme, "http" | "https") || rest.starts_with('/') || rest.is_empty() {
        return Err(format!(
            "base_url `{raw}` is not valid: it must start with http:// or https:// and name a host"
        ));
    }
    let path = match rest.find('/') {
        Some(i) => rest[i..].to_string(),
        None => "/".to_string(),
    };
    if path.contains(['?', '#']) {
        return Err(format!(
            "base_url `{raw}` must not contain a query or fragment"
        ));
    }
    Ok((url, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(
            parse_base_url("https://org.github.io/cop").unwrap(),
            ("https://org.github.io/cop/".into(), "/cop/".into())
        );
        assert_eq!(parse_base_url("https://x.org").unwrap().1, "/");
        assert_eq!(parse_base_url("/").unwrap().1, "/");
        assert_eq!(parse_base_url("/docs").unwrap().1, "/docs/");
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("example.org").is_err());
    }

    fn with_base(url: &str) -> Config {
        let (base_url, base_path) = parse_base_url(url).unwrap();
        Config {
            root: PathBuf::new(),
            title: "T".into(),
            base_url,
            base_path,
            base_url_warning: None,
            language: "en".into(),
            timezone: "UTC".into(),
            description: String::new(),
            theme: ThemeSource::Embedded,
            markdown: MarkdownConfig::default(),
            calendar: CalendarConfig::default(),
            search: SearchConfig::default(),
            extra: serde_json::Value::Null,
            formats: indexmap::IndexMap::new(),
            date_order: None,
            edit_url: None,
            git: None,
            history: None,
            social_images: true,
        }
    }

    #[test]
    fn webcal_links_need_a_host() {
        let c = with_base("https://org.github.io/cop/");
        assert_eq!(c.host(), Some("org.github.io"));
        assert_eq!(
            c.webcal("calendar.ics").as_deref(),
            Some("webcal://org.github.io/cop/calendar.ics")
        );
        let c = with_base("http://localhost:1111");
        assert_eq!(
            c.webcal("/calendar.ics").as_deref(),
            Some("webcal://localhost:1111/calendar.ics")
        );
        let c = with_base("/cop/");
        assert_eq!(c.host(), None);
        assert_eq!(c.webcal("calendar.ics"), None);
    }
}
