//! Moved pages: the small page left at each old path, and `_redirects`.
//!
//! The page works on any host: a meta refresh for browsers, a canonical
//! link for search engines (so the old URL's standing passes to the new
//! one), and a plain link for everyone else. `_redirects` says the same to
//! hosts that read one (Netlify, Cloudflare Pages), which then answer with
//! a real 301 instead of serving the page.

use serde::Serialize;

use super::{Cx, View};

#[derive(Serialize)]
pub(crate) struct RedirectPage<'a> {
    /// The new page: its title, its URL (with the base path) and its
    /// absolute URL (or the URL, when the site has no absolute base).
    target_title: &'a str,
    target_url: String,
    target_permalink: String,
}

pub(crate) fn redirect<'a>(cx: &Cx<'a>, i: usize) -> View<'a, RedirectPage<'a>> {
    let site = cx.site;
    let r = &site.redirects[i];
    let to = site.path_of(r.to);
    View::new(
        "redirect.html",
        format!("Moved: {}", site.title_of(r.to)),
        RedirectPage {
            target_title: site.title_of(r.to),
            target_url: site.config.url(to),
            target_permalink: site.config.permalink(to),
        },
    )
}

#[derive(Serialize)]
pub(crate) struct Rule {
    from: String,
    to: String,
}

#[derive(Serialize)]
pub(crate) struct RedirectsFile {
    rules: Vec<Rule>,
}

/// `_redirects` (template `redirects.txt`): one `from to 301` rule per old
/// path, both with the base path, since the host reads the file at its
/// root. A folder's old path also matches without its trailing slash.
pub(crate) fn redirects_file<'a>(cx: &Cx<'a>) -> View<'a, RedirectsFile> {
    let c = &cx.site.config;
    let mut rules = Vec::new();
    for r in &cx.site.redirects {
        let to = c.url(cx.site.path_of(r.to));
        let from = c.url(&r.from);
        if let Some(bare) = from.strip_suffix('/') {
            rules.push(Rule {
                from: bare.to_string(),
                to: to.clone(),
            });
        }
        rules.push(Rule { from, to });
    }
    View::new("redirects.txt", "Moved pages", RedirectsFile { rules })
}
