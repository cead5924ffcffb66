//! The template contract as code: the variables docs/templates.md documents for each
//! template ("Templates and themes") are in that template's context, and the
//! default theme's templates read no top-level variable their context lacks.
//!
//! The tables are read from docs/templates.md itself, so the documentation and the
//! views cannot drift apart without this test failing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use fireside::build::{BuildOptions, load_site};
use fireside::render::templates::{Templates, ThemeFolder};
use fireside::render::{PageInput, PageKind, PlannedPage, page_input, plan};
use fireside::views::Views;
use tera::Value;

/// A documented variable and the fields documented for its items.
#[derive(Debug, Clone, PartialEq)]
struct Var {
    name: String,
    fields: Vec<Var>,
}

/// Parses a table cell such as "`groups` (by year: `label`, `slug`, `sessions`), `tags`"
/// into variables with their documented fields. A backticked name that is
/// not an identifier (`"tags"`, `/calendar.ics`, `menu: true`) is prose.
fn parse_vars(text: &str) -> Vec<Var> {
    fn items(chars: &[char], i: &mut usize) -> Vec<Var> {
        let mut out: Vec<Var> = Vec::new();
        // After "`months`:", the names that follow are fields of `months`.
        let mut under: Option<usize> = None;
        while *i < chars.len() {
            match chars[*i] {
                '`' => {
                    let end = chars[*i + 1..]
                        .iter()
                        .position(|&c| c == '`')
                        .map_or(chars.len(), |p| *i + 1 + p);
                    let name: String = chars[*i + 1..end].iter().collect();
                    *i = end + 1;
                    let ident = !name.is_empty()
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if !ident {
                        continue;
                    }
                    let var = Var {
                        name,
                        fields: Vec::new(),
                    };
                    let colon = chars.get(*i) == Some(&':');
                    match under {
                        Some(parent) => out[parent].fields.push(var),
                        None => out.push(var),
                    }
                    if colon && under.is_none() {
                        under = Some(out.len() - 1);
                    }
                }
                '(' => {
                    *i += 1;
                    let fields = items(chars, i);
                    let target = match under {
                        Some(parent) => out[parent].fields.last_mut(),
                        None => out.last_mut(),
                    };
                    if let Some(var) = target {
                        var.fields.extend(fields);
                    }
                }
                ')' => {
                    *i += 1;
                    return out;
                }
                _ => *i += 1,
            }
        }
        out
    }
    let chars: Vec<char> = text.chars().collect();
    items(&chars, &mut 0)
}

/// The cells of the Markdown table rows of `docs/templates.md`.
fn readme_tables() -> Vec<Vec<String>> {
    let section =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates.md"))
            .expect("docs/templates.md");
    section
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// What docs/templates.md documents: per template, its own variables; and the common ones.
fn documented() -> (BTreeMap<String, Vec<Var>>, Vec<Var>) {
    let mut per_template = BTreeMap::new();
    let mut common = Vec::new();
    for row in readme_tables() {
        match row.as_slice() {
            [template, _renders, vars] if template.starts_with('`') => {
                let names: Vec<String> = template
                    .split(',')
                    .map(|t| t.trim().trim_matches('`').to_string())
                    .collect();
                // "`agendas`; `agenda`, `content`" documents two templates in turn.
                let parts: Vec<&str> = vars.split(';').collect();
                for (n, name) in names.iter().enumerate() {
                    let part = if parts.len() == names.len() {
                        parts[n]
                    } else {
                        vars.as_str()
                    };
                    per_template.insert(name.clone(), parse_vars(part));
                }
            }
            [variable, contents] if variable.starts_with('`') => {
                common.push(Var {
                    name: variable.trim_matches('`').to_string(),
                    fields: parse_vars(contents),
                });
            }
            _ => {}
        }
    }
    (per_template, common)
}

/// The first map inside `value` (through lists of lists), if any.
fn first_map(value: &Value) -> Option<&Value> {
    if value.as_map().is_some() {
        return Some(value);
    }
    value.as_array()?.iter().find_map(first_map)
}

/// Whether some map inside `value` has `field`.
fn has_field(value: &Value, field: &str) -> Option<bool> {
    if let Some(map) = value.as_map() {
        return Some(map.iter().any(|(k, _)| k.as_str() == Some(field)));
    }
    let items = value.as_array()?;
    let found: Vec<bool> = items.iter().filter_map(|v| has_field(v, field)).collect();
    (!found.is_empty()).then(|| found.iter().any(|&f| f))
}

/// Every documented field of `var` exists in `value`, wherever a map shows it.
fn check_fields(page: &str, path: &str, var: &Var, value: &Value, missing: &mut Vec<String>) {
    for field in &var.fields {
        let here = format!("{path}.{}", field.name);
        match has_field(value, &field.name) {
            Some(false) => missing.push(format!("{page}: `{here}` is documented but missing")),
            Some(true) => {
                if let Some(map) = first_map(value).and_then(|m| m.as_map())
                    && let Some((_, v)) = map.iter().find(|(k, _)| k.as_str() == Some(&field.name))
                {
                    check_fields(page, &here, field, v, missing);
                }
            }
            // Null or an empty list: nothing to look into on this site.
            None => {}
        }
    }
}

fn example_site() -> (fireside::model::Site, Templates) {
    let fixture = crate::common::Fixture::copy_of(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site"),
    );
    let mut opts = BuildOptions::new(fixture.path());
    opts.now = Some(crate::common::NOW.parse().expect("a timestamp"));
    // With a host: a path-only base_url has no sitemap (tests/e2e/base_url.rs).
    opts.base_url = Some("https://example.org/cop/".into());
    let cache = tempfile::tempdir().expect("a cache folder");
    opts.cache_dir = Some(cache.path().to_path_buf());
    let site = load_site(&opts).expect("the example site loads");
    let templates = Templates::new(&site.config, &ThemeFolder::default(), &[])
        .expect("the default theme loads");
    // The fixture's folder may go: the site is in memory.
    drop(fixture);
    (site, templates)
}

fn context_keys(context: &Value) -> BTreeSet<String> {
    context
        .as_map()
        .expect("a context is a map")
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect()
}

#[test]
fn every_documented_variable_is_in_its_templates_context() {
    let (documented, common) = documented();
    assert!(
        documented.len() >= 20,
        "docs/templates.md's table was not found: {documented:?}"
    );
    assert!(
        common
            .iter()
            .any(|v| v.name == "site" && v.fields.len() > 10)
    );
    let (site, _) = example_site();
    let views = Views::new(&site);
    let mut pages = plan(&site);
    // A site past 50,000 pages splits its sitemap (`sitemap.xml` becomes the
    // index of `sitemap-N.xml`): a planned part makes the example site's
    // sitemap the index, so its template's variables are checked too.
    assert!(
        pages.iter().any(|p| p.kind == PageKind::Sitemap),
        "the example site has a host, so a sitemap"
    );
    pages.push(PlannedPage {
        output: "sitemap-1.xml".into(),
        path: "sitemap-1.xml".into(),
        kind: PageKind::SitemapPart(1),
    });
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for page in &pages {
        let input = page_input(&site, &views, page, &pages);
        let PageInput::Template { template, context } = &input else {
            assert!(
                page.output.ends_with(".ics") || page.output.ends_with(".png"),
                "{}: only feeds and social images are not templates",
                page.output
            );
            continue;
        };
        seen.insert(template.to_string());
        let Some(vars) = documented.get(*template) else {
            missing.push(format!(
                "{}: template `{template}` is not in docs/templates.md's table",
                page.output
            ));
            continue;
        };
        let context = context.value();
        let map = context.as_map().expect("a map");
        let untitled = matches!(
            *template,
            "atom.xml" | "sitemap.xml" | "sitemap_index.xml" | "robots.txt"
        );
        for var in vars.iter().chain(&common) {
            if untitled && var.name == "page_title" {
                continue;
            }
            match map.iter().find(|(k, _)| k.as_str() == Some(&var.name)) {
                None => missing.push(format!(
                    "{}: `{}` is documented but missing",
                    page.output, var.name
                )),
                Some((_, value)) => check_fields(&page.output, &var.name, var, value, &mut missing),
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    // Every page template docs/templates.md lists is one the example site renders.
    for template in documented.keys() {
        if !matches!(template.as_str(), "base.html" | "components.html") {
            assert!(
                seen.contains(template),
                "no page of the example site uses `{template}`"
            );
        }
    }
}

/// Names the default theme's templates test with `NAME is defined`.
fn defined_tests() -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).expect("the default theme's templates") {
        let text = std::fs::read_to_string(entry.expect("an entry").path()).expect("a template");
        for (at, _) in text.match_indices(" is defined") {
            let name: String = text[..at]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            names.insert(name);
        }
    }
    names
}

/// Per template, the context keys every page rendered with it has.
fn keys_per_template(site: &fireside::model::Site) -> BTreeMap<&'static str, BTreeSet<String>> {
    let views = Views::new(site);
    let pages = plan(site);
    let mut keys: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for page in &pages {
        if let PageInput::Template { template, context } = page_input(site, &views, page, &pages) {
            let these = context_keys(&context.value());
            keys.entry(template)
                .and_modify(|k| *k = k.intersection(&these).cloned().collect())
                .or_insert(these);
        }
    }
    keys
}

/// The top-level variables each template reads that its context lacks.
fn unknown_variables(
    templates: &Templates,
    keys: &BTreeMap<&'static str, BTreeSet<String>>,
) -> Vec<String> {
    // A template may test for a variable some pages have (`description is
    // defined` in base.html): those are optional by design.
    let optional = defined_tests();
    let mut unknown = Vec::new();
    for (template, keys) in keys {
        let used = templates
            .tera
            .get_template_variables(template)
            .unwrap_or_else(|e| panic!("{template}: {e}"));
        for var in used {
            if !keys.contains(var) && !optional.contains(var) {
                unknown.push(format!(
                    "`{template}` reads `{var}`, which its context lacks"
                ));
            }
        }
    }
    unknown.sort();
    unknown
}

#[test]
fn templates_read_only_what_their_context_has() {
    let (site, templates) = example_site();
    let unknown = unknown_variables(&templates, &keys_per_template(&site));
    assert!(unknown.is_empty(), "{}", unknown.join("\n"));
}

#[test]
fn a_template_reading_an_unknown_variable_is_caught() {
    let (site, _) = example_site();
    let overrides = [(
        "index.html".to_string(),
        "{% extends \"base.html\" %}{% block content %}{{ nope }}{% endblock content %}"
            .to_string(),
    )];
    let templates = Templates::new(&site.config, &ThemeFolder::default(), &overrides)
        .expect("the override loads");
    let unknown = unknown_variables(&templates, &keys_per_template(&site));
    assert_eq!(
        unknown,
        ["`index.html` reads `nope`, which its context lacks"]
    );
}

#[test]
fn the_table_parser_reads_nested_fields() {
    let vars = parse_vars(
        "`years` (`year`, `months`: `label`, `url`), `taxonomy` (`\"tags\"` or `\"formats\"`), `x`",
    );
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["years", "taxonomy", "x"]);
    assert_eq!(vars[0].fields[1].name, "months");
    let months: Vec<&str> = vars[0].fields[1]
        .fields
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(months, ["label", "url"]);
    assert!(vars[1].fields.is_empty());
}
