//! The knowledge-base pass: `owner` and `review_by` on patterns and plain
//! pages, and `redirect_from` on every page made from a file: sessions,
//! patterns, communities, people, plain pages and agendas
//! (docs/knowledge-base.md).
//!
//! It runs last, when every person is known (an owner may be a facilitator
//! without a profile) and every page has its path: a redirect may not take
//! the place of a page the site publishes, and the plan ([`crate::plan`]) is
//! the one list of those, so the check asks it rather than keeping a second
//! list of reserved paths.

use std::collections::{BTreeMap, HashSet};

use super::Resolver;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::knowledge::{Freshness, Redirect};
use crate::model::slug::slugify;
use crate::model::*;
use crate::parse::Doc;
use crate::parse::agenda::AgendaDoc;
use crate::parse::meta::{
    CommunityMeta, IsoDate, PageMeta, PatternMeta, PersonMeta, SessionMeta, StringList,
};

/// The keys of one document this pass reads, whatever its kind.
struct Keys<'a> {
    owner: Option<&'a String>,
    review_by: Option<IsoDate>,
    redirect_from: &'a StringList,
}

fn pattern_keys(m: &PatternMeta) -> Keys<'_> {
    Keys {
        owner: m.owner.as_ref(),
        review_by: m.review_by,
        redirect_from: &m.redirect_from,
    }
}

fn page_keys(m: &PageMeta) -> Keys<'_> {
    Keys {
        owner: m.owner.as_ref(),
        review_by: m.review_by,
        redirect_from: &m.redirect_from,
    }
}

/// A redirect asked for, before it is checked against the site.
struct Claim<'d> {
    from: String,
    to: ItemRef,
    /// Points an error at the entry as written.
    error: Box<dyn Fn(String) -> Diagnostic + 'd>,
}

/// The documents of every kind whose files may carry `redirect_from`.
pub(super) struct KnowledgeDocs<'a, 'd> {
    pub sessions: &'a [&'d Doc<SessionMeta>],
    pub patterns: &'a [&'d Doc<PatternMeta>],
    pub communities: &'a [&'d Doc<CommunityMeta>],
    pub people: &'a [&'d Doc<PersonMeta>],
    pub pages: &'a [&'d Doc<PageMeta>],
    pub agendas: &'a [&'d AgendaDoc],
}

impl<'d> Resolver<'d> {
    pub(super) fn resolve_knowledge(&mut self, docs: KnowledgeDocs<'_, 'd>) {
        let mut claims = Vec::new();
        for doc in docs.patterns {
            self.check_radar_slug(doc);
            self.knowledge_of(doc, pattern_keys(&doc.meta), &mut claims);
        }
        for doc in docs.pages {
            self.knowledge_of(doc, page_keys(&doc.meta), &mut claims);
        }
        for doc in docs.sessions {
            self.redirects_of(doc, &doc.meta.redirect_from, &mut claims);
        }
        for doc in docs.communities {
            self.redirects_of(doc, &doc.meta.redirect_from, &mut claims);
        }
        for doc in docs.people {
            self.redirects_of(doc, &doc.meta.redirect_from, &mut claims);
        }
        for &agenda in docs.agendas {
            self.agenda_redirects(agenda, &mut claims);
        }
        self.add_redirects(claims);
    }

    /// `/patterns/radar/` is the radar page: a pattern there would be
    /// overwritten by it, or overwrite it.
    fn check_radar_slug(&mut self, doc: &Doc<PatternMeta>) {
        let Some(&ItemRef::Pattern(i)) = self.by_content_path.get(&doc.content_path) else {
            return;
        };
        if self.site.patterns[i].path == crate::plan::RADAR_PATH {
            let d = match &doc.meta.slug {
                Some(slug) => doc.error_at_value("slug", slug, "the slug `radar` is the pattern radar's page (`/patterns/radar/`)"),
                None => Diagnostic::error("this pattern would be published at `/patterns/radar/`, the pattern radar's page")
                    .in_file(&doc.file)
                    .at(&doc.text, 1, 1),
            };
            self.errors
                .push(d.hint("give the pattern another `slug:` (or rename the file)"));
        }
    }

    fn knowledge_of<M>(&mut self, doc: &'d Doc<M>, keys: Keys<'d>, claims: &mut Vec<Claim<'d>>) {
        let Some(&item) = self.by_content_path.get(&doc.content_path) else {
            return;
        };
        let owner = keys.owner.and_then(|name| {
            let found = self.people_by_key.get(&slugify(name));
            if found.is_none() {
                let names = self.site.people.iter().map(|p| p.name.as_str());
                let hint = match did_you_mean(name, names) {
                    Some(n) => format!("did you mean `{n}`? An owner is a person of the site: a profile in `content/people/` or a facilitator"),
                    None => "an owner is a person of the site: a profile in `content/people/` or a facilitator; add a profile for them".to_string(),
                };
                self.unresolved_name(
                    doc.error_at_value("owner", name, format!("no person named `{name}`"))
                        .hint(hint),
                );
            }
            found
        });
        let freshness = Freshness {
            owner,
            review_by: keys.review_by.map(|d| d.0),
        };
        match item {
            ItemRef::Pattern(i) => self.site.patterns[i].freshness = freshness,
            ItemRef::Page(i) => self.site.pages[i].freshness = freshness,
            _ => {}
        }
        self.redirects_of(doc, keys.redirect_from, claims);
    }

    /// The claims of one document's `redirect_from`, each pointing its
    /// errors at the entry as written.
    fn redirects_of<M>(
        &mut self,
        doc: &'d Doc<M>,
        redirect_from: &'d StringList,
        claims: &mut Vec<Claim<'d>>,
    ) {
        let Some(&item) = self.by_content_path.get(&doc.content_path) else {
            return;
        };
        for written in &redirect_from.0 {
            self.claim(
                item,
                written,
                Box::new(move |message| doc.error_at_value("redirect_from", written, message)),
                claims,
            );
        }
    }

    /// An agenda's claims: its entries were located when it was parsed.
    fn agenda_redirects(&mut self, agenda: &'d AgendaDoc, claims: &mut Vec<Claim<'d>>) {
        let Some(&item) = self.by_content_path.get(&agenda.content_path) else {
            return;
        };
        for written in &agenda.redirect_from {
            self.claim(
                item,
                &written.value,
                Box::new(move |message| {
                    Diagnostic::error(message)
                        .in_file(&agenda.file)
                        .at(&agenda.text, written.line, written.column)
                        .underline(written.len)
                }),
                claims,
            );
        }
    }

    /// `written` as a claim on its path, or its error if it is no path.
    fn claim(
        &mut self,
        item: ItemRef,
        written: &str,
        error: Box<dyn Fn(String) -> Diagnostic + 'd>,
        claims: &mut Vec<Claim<'d>>,
    ) {
        match redirect_path(written) {
            Ok(from) => claims.push(Claim {
                from,
                to: item,
                error,
            }),
            Err(why) => self.errors.push(
                error(format!(
                    "`{}` is not a path this site can redirect: {why}",
                    written.escape_default()
                ))
                .hint("write the old path from the site's root, e.g. `old/path/` or `guides/old-page.html`"),
            ),
        }
    }

    /// Checks the claims against the pages the site publishes and against
    /// each other, and keeps the good ones, sorted by path.
    fn add_redirects(&mut self, claims: Vec<Claim<'d>>) {
        if claims.is_empty() {
            return;
        }
        let planned: HashSet<String> = crate::plan::plan(&self.site)
            .into_iter()
            .flat_map(|p| [p.path, p.output])
            .chain(self.assets.iter().cloned())
            .collect();
        let mut taken: BTreeMap<String, ItemRef> = BTreeMap::new();
        for claim in claims {
            let redirect = Redirect {
                from: claim.from.clone(),
                to: claim.to,
            };
            let target = self.site.path_of(claim.to).to_string();
            if claim.from == target {
                self.errors.push(
                    (claim.error)(format!("`{}` redirects to itself, a loop", claim.from))
                        .hint("this is the page's own path: remove it from `redirect_from`"),
                );
            } else if planned.contains(&claim.from) || planned.contains(&redirect.output()) {
                self.errors.push(
                    (claim.error)(format!(
                        "`{}` is a page of this site; a redirect there would replace it",
                        claim.from
                    ))
                    .hint("a redirect is for a path nothing is published at any more: remove it, or move the page that is there"),
                );
            } else if let Some(&other) = taken.get(&claim.from) {
                let other_title = self.site.title_of(other).to_string();
                self.errors.push(
                    (claim.error)(format!(
                        "`{}` already redirects to `{other_title}`",
                        claim.from
                    ))
                    .hint("an old path can lead to one page only: keep it on one of them"),
                );
            } else {
                taken.insert(claim.from, claim.to);
            }
        }
        self.site.redirects = taken
            .into_iter()
            .map(|(from, to)| Redirect { from, to })
            .collect();
    }
}

/// `written` as a redirect's path relative to the site's base: no leading
/// `/`, a folder ending in `/` (`old/path` means `old/path/`) unless it
/// names an `.html` file. Only what a host's redirect rules and a folder on
/// disk both read the same way is accepted.
fn redirect_path(written: &str) -> Result<String, &'static str> {
    let path = written.trim().trim_start_matches('/');
    if path.is_empty() {
        return Err("it is the home page");
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it has spaces or control characters");
    }
    if path.contains(['?', '#', '\\', ':', '%', '*', '"', '<', '>', '|']) {
        return Err("write it as a plain path, without `?`, `#`, `%`, `:` or `*`");
    }
    if path.split('/').enumerate().any(|(i, seg)| {
        seg == "." || seg == ".." || (seg.is_empty() && i + 1 < path.split('/').count())
    }) {
        return Err("it has empty, `.` or `..` parts");
    }
    if path.ends_with('/') || path.ends_with(".html") {
        Ok(path.to_string())
    } else {
        Ok(format!("{path}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::redirect_path;

    #[rstest::rstest]
    #[case("old/path/", Ok("old/path/"))]
    #[case("/old/path", Ok("old/path/"))]
    #[case("guides/old.html", Ok("guides/old.html"))]
    #[case("/", Err(()))]
    #[case("../etc/", Err(()))]
    #[case("a//b/", Err(()))]
    #[case("a b/", Err(()))]
    #[case("javascript:alert(1)", Err(()))]
    #[case("a?x=1", Err(()))]
    fn redirect_paths(#[case] written: &str, #[case] expected: Result<&str, ()>) {
        assert_eq!(
            redirect_path(written).map_err(|_| ()),
            expected.map(String::from)
        );
    }
}
