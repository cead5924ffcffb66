//! The resolve stage: from independent parsed documents to one linked site.
//!
//! It links sessions to facilitators, communities, patterns and agendas,
//! merges agenda entries with their write-ups, derives tags, formats and
//! backlinks, and resolves every link and wikilink in Markdown. It is a pure
//! function of its inputs and reports every problem it finds, not the first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::AmbiguousOffset;
use jiff::{Timestamp, ZonedDateTime};
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, LineIndex, did_you_mean};
use crate::load::CopiedFile;
use crate::model::slug::slugify;
use crate::model::*;
use crate::parse::agenda::{AgendaDoc, AgendaEntry, title_from_file};
use crate::parse::markdown::{LinkTarget, PLACEHOLDER, Rendered, TocEntry, github_id};
use crate::parse::meta::{self, SessionMeta, Status, TimeRange};
use crate::parse::{Doc, Parsed};

mod knowledge;
mod occurrences;
mod registry;
mod series;
pub mod sessions;

use registry::Registry;

/// Everything the resolve stage needs. Documents are borrowed: a long-lived
/// build (`fireside serve`) keeps them between builds and resolves again.
pub struct ResolveInput<'a> {
    pub config: Config,
    pub now: Timestamp,
    pub docs: Vec<&'a Parsed>,
    pub assets: Vec<CopiedFile>,
    pub static_files: Vec<CopiedFile>,
    /// The output paths the theme publishes (`Templates::asset_outputs`),
    /// which a file under `content/` must not replace.
    pub theme_assets: Vec<String>,
    /// Sources that did not parse (relative to `content/`), resolved
    /// anyway so that one run reports every error: a link to one of them is
    /// not broken, and a name no parsed file has may be theirs
    /// ([`Resolver::unresolved_name`]).
    pub unparsed: Vec<PathBuf>,
    /// Bodies' HTML that a one-shot build moved out of `docs` (by source
    /// file, see `Parsed::take_html`): each is resolved and freed in turn, so
    /// that the site's bodies and the documents' are never all held at once.
    /// A body not here is read from its document.
    pub taken_html: HashMap<PathBuf, String>,
    /// Keep the site's bodies packed ([`crate::model::BodyHtml::packed`]):
    /// for a one-shot build, whose site is read once by the render.
    pub pack_bodies: bool,
}

/// Builds the site, or returns every error found.
pub fn resolve(input: ResolveInput<'_>) -> Result<Site, Vec<Diagnostic>> {
    let mut r = Resolver::new(input.config, input.now);
    r.unparsed = input.unparsed.into_iter().collect();
    r.pack_bodies = input.pack_bodies;
    let mut session_docs = Vec::new();
    let mut pattern_docs = Vec::new();
    let mut community_docs = Vec::new();
    let mut person_docs = Vec::new();
    let mut page_docs = Vec::new();
    let mut agenda_docs = Vec::new();
    for doc in input.docs {
        match doc {
            Parsed::Session(d) => session_docs.push(d),
            Parsed::Pattern(d) => pattern_docs.push(d),
            Parsed::Community(d) => community_docs.push(d),
            Parsed::Person(d) => person_docs.push(d),
            Parsed::Page(d) => page_docs.push(d),
            Parsed::Agenda(a) if !a.draft => agenda_docs.push(a),
            Parsed::Agenda(_) | Parsed::Draft => {}
        }
    }
    r.assets = input.assets.iter().map(|a| a.output.clone()).collect();
    r.add_communities(&community_docs);
    r.add_people(&person_docs);
    r.add_patterns(&pattern_docs);
    r.add_pages(&page_docs);
    r.add_agendas(&agenda_docs);
    r.add_sessions(&session_docs, &agenda_docs);
    r.link_agenda_refs(&agenda_docs);
    r.add_series(&session_docs);
    r.link_community_coordinators(&community_docs);
    r.link_pattern_relations(&pattern_docs);
    r.derive_indexes();
    r.resolve_bodies(
        input.taken_html,
        &session_docs,
        &pattern_docs,
        &community_docs,
        &person_docs,
        &page_docs,
        &agenda_docs,
    );
    r.resolve_knowledge(knowledge::KnowledgeDocs {
        sessions: &session_docs,
        patterns: &pattern_docs,
        communities: &community_docs,
        people: &person_docs,
        pages: &page_docs,
        agendas: &agenda_docs,
    });
    r.finish(input.assets, input.static_files, &input.theme_assets)
}

struct Resolver<'d> {
    site: Site,
    errors: Vec<Diagnostic>,
    /// Normalised name keys (slugs of names and aliases) to people.
    people_by_key: Registry<PersonId>,
    communities_by_key: Registry<CommunityId>,
    patterns_by_key: Registry<PatternId>,
    /// Content paths (`patterns/tdd.md`) to the item each file became.
    by_content_path: HashMap<PathBuf, ItemRef>,
    /// Anchors of each item's body, for `#fragment` checks (borrowed from
    /// the parsed documents).
    anchors: HashMap<ItemRef, &'d HashSet<String>>,
    /// Headings of each item's body (their text and the id each got), for
    /// wikilinks that name a heading by its text.
    headings: HashMap<ItemRef, &'d [TocEntry]>,
    assets: HashSet<String>,
    /// Sources of the session slugs taken so far, for duplicate reports.
    session_slugs: HashMap<String, String>,
    tag_ids: BTreeMap<String, TagId>,
    format_ids: BTreeMap<String, FormatId>,
    /// `ResolveInput::unparsed`.
    unparsed: HashSet<PathBuf>,
    /// `ResolveInput::pack_bodies`.
    pack_bodies: bool,
}

fn new_body() -> Body {
    Body::default()
}

impl<'d> Resolver<'d> {
    fn new(config: Config, now: Timestamp) -> Self {
        Resolver {
            site: Site {
                config,
                now,
                sessions: TiVec::new(),
                patterns: TiVec::new(),
                communities: TiVec::new(),
                people: TiVec::new(),
                pages: TiVec::new(),
                agendas: TiVec::new(),
                series: TiVec::new(),
                tags: TiVec::new(),
                formats: TiVec::new(),
                assets: Vec::new(),
                static_files: Vec::new(),
                redirects: Vec::new(),
            },
            errors: Vec::new(),
            people_by_key: Registry::default(),
            communities_by_key: Registry::default(),
            patterns_by_key: Registry::default(),
            by_content_path: HashMap::new(),
            anchors: HashMap::new(),
            headings: HashMap::new(),
            assets: HashSet::new(),
            session_slugs: HashMap::new(),
            tag_ids: BTreeMap::new(),
            format_ids: BTreeMap::new(),
            unparsed: HashSet::new(),
            pack_bodies: false,
        }
    }

    /// Reports a name that matches no item (a community, pattern, owner,
    /// wikilink), unless a file that did not parse could be the item: its
    /// title and aliases are unknown (and `kind:` can make any file any
    /// kind), so the error would be a guess. It comes in the run after the
    /// file is fixed; links by path are checked exactly instead.
    fn unresolved_name(&mut self, d: Diagnostic) {
        if self.unparsed.is_empty() {
            self.errors.push(d);
        }
    }

    /// Reports a second item of one kind with the same slug, naming both files.
    fn check_unique<'a>(
        &mut self,
        seen: &mut HashMap<String, &'a Path>,
        slug: &str,
        file: &'a Path,
        kind: &str,
    ) -> bool {
        if let Some(first) = seen.get(slug) {
            self.errors.push(
                Diagnostic::error(format!(
                    "duplicate {kind} slug `{slug}`: also used by {}",
                    crate::diagnostic::display_path(first)
                ))
                .in_file(file)
                .hint("rename one of the files, or set a different `slug:` in its front matter"),
            );
            return false;
        }
        seen.insert(slug.to_string(), file);
        true
    }

    fn slug_for<M>(&mut self, doc: &Doc<M>, explicit: Option<&String>) -> String {
        let slug = match explicit {
            Some(s) => slugify(s),
            None => slugify(&doc.stem()),
        };
        if slug.is_empty() {
            let d = match explicit {
                Some(s) => doc.error_at_value(
                    "slug",
                    s,
                    format!("cannot make a URL slug from `{}`", s.escape_default()),
                ),
                None => Diagnostic::error(format!(
                    "cannot make a URL slug from the file name `{}`",
                    doc.stem().escape_default()
                ))
                .in_file(&doc.file)
                .at(&doc.text, 1, 1),
            };
            self.errors.push(d.hint(EMPTY_NAME_HINT));
            return "untitled".into();
        }
        slug
    }

    fn add_communities(&mut self, docs: &[&Doc<meta::CommunityMeta>]) {
        let mut seen = HashMap::new();
        for doc in docs {
            let slug = self.slug_for(doc, doc.meta.slug.as_ref());
            if !self.check_unique(&mut seen, &slug, &doc.file, "community") {
                continue;
            }
            let id = self.site.communities.next_key();
            self.communities_by_key.claim_all(
                &mut self.errors,
                doc,
                id,
                "community",
                &slug,
                doc.meta.slug.is_some(),
                &doc.meta.title,
                &doc.meta.aliases.0,
            );
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Community(id));
            self.site.communities.push(Community {
                path: format!("communities/{slug}/"),
                slug,
                title: doc.meta.title.clone(),
                source: doc.file.clone(),
                purpose: doc.meta.purpose.clone(),
                coordinators: Vec::new(),
                channel: checked_url(
                    &mut self.errors,
                    doc,
                    "channel",
                    doc.meta.channel.as_deref(),
                ),
                timezone: doc.meta.timezone.as_ref().map(|z| z.0.clone()),
                color: doc.meta.color.clone(),
                aliases: doc.meta.aliases.0.clone(),
                extra: doc.meta.extra.clone(),
                body: new_body(),
                sessions: Vec::new(),
                referenced_by: Vec::new(),
            });
        }
    }

    fn add_people(&mut self, docs: &[&Doc<meta::PersonMeta>]) {
        let mut seen = HashMap::new();
        for doc in docs {
            let slug = self.slug_for(doc, doc.meta.slug.as_ref());
            if !self.check_unique(&mut seen, &slug, &doc.file, "person") {
                continue;
            }
            let id = self.site.people.next_key();
            self.people_by_key.claim_all(
                &mut self.errors,
                doc,
                id,
                "person",
                &slug,
                doc.meta.slug.is_some(),
                &doc.meta.title,
                &doc.meta.aliases.0,
            );
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Person(id));
            self.site.people.push(Person {
                path: format!("facilitators/{slug}/"),
                slug,
                name: doc.meta.title.clone(),
                source: Some(doc.file.clone()),
                role: doc.meta.role.clone(),
                aliases: doc.meta.aliases.0.clone(),
                links: doc
                    .meta
                    .links
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((
                            k.clone(),
                            checked_url(&mut self.errors, doc, "links", Some(v))?,
                        ))
                    })
                    .collect(),
                extra: doc.meta.extra.clone(),
                body: Some(new_body()),
                sessions: Vec::new(),
                referenced_by: Vec::new(),
            });
        }
    }

    /// The person a name refers to, creating a profile-less person if needed.
    fn person_named(&mut self, name: &str) -> Option<PersonId> {
        let key = slugify(name);
        if key.is_empty() {
            return None;
        }
        if let Some(id) = self.people_by_key.get(&key) {
            return Some(id);
        }
        let id = self.site.people.next_key();
        // A person without a profile has no file; the name is new, so the
        // claim cannot collide.
        let _ = self.people_by_key.claim(key.clone(), id, Path::new(""));
        self.site.people.push(Person {
            path: format!("facilitators/{key}/"),
            slug: key,
            name: name.trim().to_string(),
            source: None,
            role: None,
            aliases: Vec::new(),
            links: Vec::new(),
            extra: serde_json::Value::Null,
            body: None,
            sessions: Vec::new(),
            referenced_by: Vec::new(),
        });
        Some(id)
    }

    fn add_patterns(&mut self, docs: &[&Doc<meta::PatternMeta>]) {
        let mut seen = HashMap::new();
        for doc in docs {
            let slug = self.slug_for(doc, doc.meta.slug.as_ref());
            if !self.check_unique(&mut seen, &slug, &doc.file, "pattern") {
                continue;
            }
            let id = self.site.patterns.next_key();
            self.patterns_by_key.claim_all(
                &mut self.errors,
                doc,
                id,
                "pattern",
                &slug,
                doc.meta.slug.is_some(),
                &doc.meta.title,
                &doc.meta.aliases.0,
            );
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Pattern(id));
            self.site.patterns.push(Pattern {
                path: format!("patterns/{slug}/"),
                slug,
                title: doc.meta.title.clone(),
                source: doc.file.clone(),
                summary: doc.meta.summary.clone(),
                tags: Vec::new(),
                maturity: doc.meta.maturity,
                aliases: doc.meta.aliases.0.clone(),
                related: Vec::new(),
                sessions: Vec::new(),
                extra: doc.meta.extra.clone(),
                body: new_body(),
                referenced_by: Vec::new(),
                freshness: Default::default(),
            });
            let tags = doc.meta.tags.0.clone();
            check_names(&mut self.errors, &tags, "tag", |v, m| {
                doc.error_at_value("tags", v, m)
            });
            let tag_ids = tags.iter().filter_map(|t| self.tag(t)).collect();
            self.site.patterns[id].tags = tag_ids;
        }
    }

    fn add_pages(&mut self, docs: &[&Doc<meta::PageMeta>]) {
        let mut seen = HashMap::new();
        const RESERVED: &[&str] = &[
            "sessions",
            "patterns",
            "communities",
            "facilitators",
            "calendar",
            "backlog",
            "tags",
            "formats",
            "agendas",
            "search",
            "assets",
            "insights",
        ];
        for doc in docs {
            if let Some(s) = &doc.meta.slug
                && slugify(s).is_empty()
            {
                self.errors.push(
                    doc.error_at_value(
                        "slug",
                        s,
                        format!("cannot make a URL slug from `{}`", s.escape_default()),
                    )
                    .hint(EMPTY_NAME_HINT),
                );
                continue;
            }
            if let Some(part) = doc
                .content_path
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .find(|c| slugify(c).is_empty())
            {
                // `!!!.md` would be published as its folder (or the home page).
                self.errors.push(
                    Diagnostic::error(format!(
                        "cannot make a URL from the name `{}` in this file's path",
                        part.escape_default()
                    ))
                    .in_file(&doc.file)
                    .at(&doc.text, 1, 1)
                    .hint("rename the file or folder with letters or digits in its name"),
                );
                continue;
            }
            let path = page_path(&doc.content_path, doc.meta.slug.as_deref());
            let first = path.split('/').next().unwrap_or("");
            if RESERVED.contains(&first) {
                self.errors.push(
                    Diagnostic::error(format!("the page would be published at `/{path}`, which Fireside uses for its own pages"))
                        .in_file(&doc.file)
                        .hint(format!("move or rename the file so its path does not start with `{first}/`")),
                );
                continue;
            }
            if !self.check_unique(&mut seen, &path, &doc.file, "page") {
                continue;
            }
            let id = self.site.pages.next_key();
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Page(id));
            self.site.pages.push(Page {
                slug: path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                path,
                title: doc.meta.title.clone(),
                source: doc.file.clone(),
                description: doc.meta.description.clone(),
                menu: doc.meta.menu,
                weight: doc.meta.weight,
                aliases: doc.meta.aliases.0.clone(),
                extra: doc.meta.extra.clone(),
                body: new_body(),
                referenced_by: Vec::new(),
                freshness: Default::default(),
            });
        }
    }

    fn community_named(&self, name: &str) -> Option<CommunityId> {
        self.communities_by_key.get(&slugify(name))
    }

    fn unknown_community_hint(&self, name: &str) -> String {
        let slugs: Vec<&str> = self
            .site
            .communities
            .iter()
            .map(|c| c.slug.as_str())
            .collect();
        match did_you_mean(name, slugs.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if slugs.is_empty() => "add a file under content/communities/ for it".into(),
            None => format!("known communities: {}", slugs.join(", ")),
        }
    }

    fn add_agendas(&mut self, docs: &[&AgendaDoc]) {
        let mut seen = HashMap::new();
        for doc in docs {
            if !self.check_unique(&mut seen, &doc.slug, &doc.file, "agenda") {
                continue;
            }
            let community = match &doc.community {
                Some(name) => match self.community_named(name) {
                    Some(c) => Some(c),
                    None => {
                        let explicit = doc.title.is_some()
                            || doc.content_path.extension().is_some_and(|e| e != "csv");
                        if explicit || !self.site.communities.is_empty() {
                            let hint = self.unknown_community_hint(name);
                            self.unresolved_name(
                                Diagnostic::error(format!(
                                    "unknown community `{name}` for this agenda"
                                ))
                                .in_file(&doc.file)
                                .hint(hint),
                            );
                        }
                        None
                    }
                },
                None => None,
            };
            let title = doc.title.clone().unwrap_or_else(|| {
                let from_file = title_from_file(&doc.content_path);
                match community {
                    Some(c) => format!("{} {from_file}", self.site.communities[c].title),
                    None => from_file,
                }
            });
            let id = self.site.agendas.next_key();
            self.by_content_path
                .insert(doc.content_path.clone(), ItemRef::Agenda(id));
            self.site.agendas.push(Agenda {
                path: format!("agendas/{}/", doc.slug),
                slug: doc.slug.clone(),
                title,
                source: doc.file.clone(),
                community,
                description: doc.description.clone(),
                body: doc.body.as_ref().map(|_| new_body()),
                sessions: Vec::new(),
            });
        }
    }

    /// Interns a tag by its slug.
    fn tag(&mut self, name: &str) -> Option<TagId> {
        intern_term(&mut self.tag_ids, &mut self.site.tags, "tags", name)
    }

    /// Interns a format by its slug.
    fn format(&mut self, name: &str) -> Option<FormatId> {
        intern_term(
            &mut self.format_ids,
            &mut self.site.formats,
            "formats",
            name,
        )
    }

    /// The session's slug; `None`, with an error, when its `slug:` or file
    /// name has nothing to make one from (it would be `/sessions/` itself).
    fn session_slug(&mut self, doc: &Doc<SessionMeta>, date: Option<Date>) -> Option<String> {
        if let Some(s) = &doc.meta.slug {
            let slug = slugify(s);
            if slug.is_empty() {
                self.errors.push(
                    doc.error_at_value(
                        "slug",
                        s,
                        format!("cannot make a URL slug from `{}`", s.escape_default()),
                    )
                    .hint(EMPTY_NAME_HINT),
                );
                return None;
            }
            return Some(slug);
        }
        let stem = slugify(&doc.stem());
        if stem.is_empty() {
            self.errors.push(
                Diagnostic::error(format!(
                    "cannot make a URL slug from the file name `{}`",
                    doc.stem().escape_default()
                ))
                .in_file(&doc.file)
                .at(&doc.text, 1, 1)
                .hint("rename the file with letters or digits in its name, or set `slug:`"),
            );
            return None;
        }
        let starts_with_date = stem.len() >= 10 && meta::parse_iso_date(&stem[..10]).is_ok();
        Some(match date {
            Some(d) if !starts_with_date => format!("{d}-{stem}"),
            _ => stem,
        })
    }

    fn zone_for(
        &self,
        own: Option<&str>,
        agenda_zone: Option<&str>,
        community: Option<CommunityId>,
    ) -> String {
        own.or(agenda_zone)
            .map(str::to_string)
            .or_else(|| community.and_then(|c| self.site.communities[c].timezone.clone()))
            .unwrap_or_else(|| self.site.config.timezone.clone())
    }

    fn unknown_pattern_hint(&self, p: &str) -> String {
        let slugs: Vec<&str> = self.site.patterns.iter().map(|p| p.slug.as_str()).collect();
        match did_you_mean(p, slugs.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "patterns are named by the slug of their file in content/patterns/".into(),
        }
    }

    fn people_list(&mut self, names: &[String]) -> Vec<PersonId> {
        let ids = names.iter().filter_map(|n| self.person_named(n)).collect();
        dedup(ids)
    }

    /// Start and end instants of a session from its local date, times and
    /// zone. The end is on `end_date` for a multi-day session, and on the
    /// next day for one that crosses midnight (`23:00-01:00`).
    fn instants(
        &self,
        date: Option<Date>,
        end_date: Option<Date>,
        time: Option<TimeRange>,
        zone: &str,
    ) -> Result<(Option<ZonedDateTime>, Option<ZonedDateTime>), String> {
        let (Some(date), Some(time)) = (date, time) else {
            return Ok((None, None));
        };
        let tz = meta::tzdb().get(zone).map_err(|e| e.to_string())?;
        let start = local_instant(&tz, zone, date, time.start)?;
        let end_day = match (end_date, time.crosses_midnight()) {
            (Some(d), _) => d,
            (None, true) => date.tomorrow().map_err(|e| e.to_string())?,
            (None, false) => date,
        };
        let end = time
            .end
            .map(|t| local_instant(&tz, zone, end_day, t))
            .transpose()?;
        Ok((Some(start), end))
    }

    fn default_status(
        &self,
        date: Option<Date>,
        start: Option<&ZonedDateTime>,
        end: Option<&ZonedDateTime>,
        zone: &str,
    ) -> Status {
        let Some(date) = date else {
            return Status::Proposed;
        };
        let over = match (end, start) {
            (Some(e), _) => e.timestamp() <= self.site.now,
            (None, Some(s)) => s.timestamp() <= self.site.now,
            (None, None) => {
                let tz = meta::tzdb().get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
                date.tomorrow()
                    .ok()
                    .and_then(|d| d.to_zoned_datetime(tz).ok())
                    .is_some_and(|z| z.timestamp() <= self.site.now)
            }
        };
        if over { Status::Held } else { Status::Planned }
    }

    fn link_community_coordinators(&mut self, docs: &[&Doc<meta::CommunityMeta>]) {
        for doc in docs {
            let Some(ItemRef::Community(id)) = self.by_content_path.get(&doc.content_path).copied()
            else {
                continue;
            };
            check_names(
                &mut self.errors,
                &doc.meta.coordinators.0,
                "coordinator",
                |v, m| doc.error_at_value("coordinators", v, m),
            );
            let people = self.people_list(&doc.meta.coordinators.0);
            self.site.communities[id].coordinators = people;
        }
    }

    fn link_pattern_relations(&mut self, docs: &[&Doc<meta::PatternMeta>]) {
        for doc in docs {
            let Some(ItemRef::Pattern(id)) = self.by_content_path.get(&doc.content_path).copied()
            else {
                continue;
            };
            for rel in &doc.meta.related.0 {
                match self.patterns_by_key.get(&slugify(rel)) {
                    Some(other) if other != id => {
                        push_unique(&mut self.site.patterns[id].related, other);
                        push_unique(&mut self.site.patterns[other].related, id);
                    }
                    Some(_) => {}
                    None => {
                        let hint = self.unknown_pattern_hint(rel);
                        self.unresolved_name(
                            doc.error_at_value("related", rel, format!("unknown pattern `{rel}`"))
                                .hint(hint),
                        );
                    }
                }
            }
        }
        let titles: TiVec<PatternId, String> = self
            .site
            .patterns
            .iter()
            .map(|p| p.title.to_lowercase())
            .collect();
        for p in &mut self.site.patterns {
            p.related.sort_by(|&a, &b| titles[a].cmp(&titles[b]));
        }
    }

    /// Back-references from sessions to people, communities, patterns, terms and agendas.
    fn derive_indexes(&mut self) {
        for (i, s) in self.site.sessions.iter_enumerated() {
            // A recurring session is in these lists through its occurrences.
            if s.is_recurring() {
                continue;
            }
            for &p in &s.facilitators {
                self.site.people[p].sessions.push(i);
            }
            if let Some(c) = s.community {
                self.site.communities[c].sessions.push(i);
            }
            for &p in &s.patterns {
                self.site.patterns[p].sessions.push(i);
            }
            for &t in &s.tags {
                self.site.tags[t].sessions.push(i);
            }
            if let Some(f) = s.format {
                self.site.formats[f].sessions.push(i);
            }
            if let Some((a, _)) = s.agenda {
                self.site.agendas[a].sessions.push(i);
            }
        }
        for (i, p) in self.site.patterns.iter_enumerated() {
            for &t in &p.tags {
                self.site.tags[t].patterns.push(i);
            }
        }
        // Agenda order: by number where given, else by date.
        let sessions = &self.site.sessions;
        for a in &mut self.site.agendas {
            a.sessions
                .sort_by_key(|&s| (sessions[s].agenda.and_then(|x| x.1), sessions[s].sort_key()));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_bodies(
        &mut self,
        mut taken_html: HashMap<PathBuf, String>,
        sessions: &[&'d Doc<SessionMeta>],
        patterns: &[&'d Doc<meta::PatternMeta>],
        communities: &[&'d Doc<meta::CommunityMeta>],
        people: &[&'d Doc<meta::PersonMeta>],
        pages: &[&'d Doc<meta::PageMeta>],
        agendas: &[&'d AgendaDoc],
    ) {
        // Anchors of every item first: links may point forward.
        let mut bodies: Vec<(ItemRef, &Path, &Path, &Rendered, &str)> = Vec::new();
        macro_rules! collect {
            ($docs:expr) => {
                for d in $docs {
                    if let Some(&item) = self.by_content_path.get(&d.content_path) {
                        bodies.push((item, &d.file, &d.content_path, &d.body, &d.text));
                    }
                }
            };
        }
        collect!(sessions);
        collect!(patterns);
        collect!(communities);
        collect!(people);
        collect!(pages);
        for a in agendas {
            if let (Some(&item), Some(body)) = (self.by_content_path.get(&a.content_path), &a.body)
            {
                bodies.push((item, &a.file, &a.content_path, body, &a.text));
            }
        }
        for (item, _, _, body, _) in &bodies {
            self.anchors.insert(*item, &body.anchors);
            self.headings.insert(*item, &body.toc);
        }
        let wiki = self.wiki_index();
        // Each body is resolved on its own against the (now immutable)
        // indexes, in parallel; backlinks and errors are applied afterwards.
        let this = &*self;
        let bodies: Vec<_> = bodies
            .into_iter()
            .map(|body| (body, taken_html.remove(body.1)))
            .collect();
        let resolved: Vec<(ItemRef, Body, Vec<ItemRef>, Vec<Diagnostic>)> = bodies
            .into_par_iter()
            .map(|((item, file, content_path, rendered, text), taken)| {
                let mut urls = Vec::with_capacity(rendered.links.len());
                let mut targets = Vec::new();
                let mut errors = Vec::new();
                let lines = LineIndex::new(text);
                for link in &rendered.links {
                    match this.resolve_link(item, content_path, &link.target, &wiki) {
                        Ok((url, target)) => {
                            if let Some(t) = target
                                && t != item
                            {
                                targets.push(t);
                            }
                            urls.push(url);
                        }
                        Err((message, hint)) => {
                            errors.push(
                                Diagnostic::error(message)
                                    .in_file(file)
                                    .at_indexed(&lines, link.line, link.column)
                                    .underline(link.written.chars().count().max(1))
                                    .hint(hint),
                            );
                            urls.push("#".into());
                        }
                    }
                }
                // The taken HTML is freed here, as soon as it is resolved.
                let html =
                    substitute_placeholders(taken.as_deref().unwrap_or(&rendered.html), &urls);
                let body = Body {
                    html: if this.pack_bodies {
                        BodyHtml::packed(html)
                    } else {
                        html.into()
                    },
                    toc: rendered.toc.clone(),
                    plain_text: rendered.plain_text.clone(),
                    first_paragraph: rendered.first_paragraph.clone(),
                    has_diagram: rendered.has_diagram,
                };
                (item, body, targets, errors)
            })
            .collect();
        for (item, body, targets, mut errors) in resolved {
            self.errors.append(&mut errors);
            for t in targets {
                self.add_backlink(t, item);
            }
            match item {
                ItemRef::Session(i) => self.site.sessions[i].body = Some(body),
                ItemRef::Pattern(i) => self.site.patterns[i].body = body,
                ItemRef::Community(i) => self.site.communities[i].body = body,
                ItemRef::Person(i) => self.site.people[i].body = Some(body),
                ItemRef::Page(i) => self.site.pages[i].body = body,
                ItemRef::Agenda(i) => self.site.agendas[i].body = Some(body),
            }
        }
    }

    fn add_backlink(&mut self, target: ItemRef, from: ItemRef) {
        let list = match target {
            ItemRef::Session(i) => &mut self.site.sessions[i].referenced_by,
            ItemRef::Pattern(i) => &mut self.site.patterns[i].referenced_by,
            ItemRef::Community(i) => &mut self.site.communities[i].referenced_by,
            ItemRef::Person(i) => &mut self.site.people[i].referenced_by,
            ItemRef::Page(i) => &mut self.site.pages[i].referenced_by,
            ItemRef::Agenda(_) => return,
        };
        push_unique(list, from);
    }

    /// Keys a wikilink may use (slug of title, slug, aliases) to items.
    fn wiki_index(&self) -> HashMap<String, Vec<ItemRef>> {
        let mut index: HashMap<String, Vec<ItemRef>> = HashMap::new();
        let mut add = |keys: Vec<String>, item: ItemRef| {
            for k in keys {
                if k.is_empty() {
                    continue;
                }
                let v = index.entry(k).or_default();
                if !v.contains(&item) {
                    v.push(item);
                }
            }
        };
        let keys = |title: &str, slug: &str, aliases: &[String]| name_keys(slug, title, aliases);
        // Sessions repeat titles (every year has its "Lean Coffee"), so they
        // are linked by slug or alias only; titles would make links ambiguous.
        for (i, x) in self.site.sessions.iter_enumerated() {
            let mut k = vec![x.slug.clone()];
            k.extend(x.aliases.iter().map(|a| slugify(a)));
            add(k, ItemRef::Session(i));
        }
        for (i, x) in self.site.patterns.iter_enumerated() {
            add(keys(&x.title, &x.slug, &x.aliases), ItemRef::Pattern(i));
        }
        for (i, x) in self.site.communities.iter_enumerated() {
            add(keys(&x.title, &x.slug, &x.aliases), ItemRef::Community(i));
        }
        for (i, x) in self.site.people.iter_enumerated() {
            add(keys(&x.name, &x.slug, &x.aliases), ItemRef::Person(i));
        }
        for (i, x) in self.site.pages.iter_enumerated() {
            add(keys(&x.title, &x.slug, &x.aliases), ItemRef::Page(i));
        }
        for (i, x) in self.site.agendas.iter_enumerated() {
            add(keys(&x.title, &x.slug, &[]), ItemRef::Agenda(i));
        }
        index
    }

    /// The id a wikilink's `#fragment` means in `item`: the fragment itself
    /// when it is an id there (`#client-closed`, `#agenda-1`, a `{#custom}`
    /// id), else the id of the first heading whose text it spells
    /// (`[[Page#Client.closed]]`: the heading `Client.closed` got
    /// `clientclosed`), compared as GitHub makes ids, so a heading with its own
    /// `{#id}` is found by its text too. Failing both, the GitHub id of the
    /// text, which `check_anchor` then reports with the ids there are.
    fn wiki_fragment(&self, item: ItemRef, written: &str) -> String {
        if self.anchors.get(&item).is_some_and(|a| a.contains(written)) {
            return written.to_string();
        }
        let wanted = github_id(written);
        self.headings
            .get(&item)
            .and_then(|toc| toc.iter().find(|h| github_id(&h.title) == wanted))
            .map_or(wanted, |h| h.id.clone())
    }

    /// The URL a link points to, and the item it points at (for backlinks).
    fn resolve_link(
        &self,
        from: ItemRef,
        from_path: &Path,
        target: &LinkTarget,
        wiki: &HashMap<String, Vec<ItemRef>>,
    ) -> Result<(String, Option<ItemRef>), (String, String)> {
        let config = &self.site.config;
        match target {
            LinkTarget::Fragment(f) => {
                self.check_anchor(from, f)?;
                Ok((format!("#{f}"), None))
            }
            // As written (a query, a fragment, `%XX` escapes and all):
            // `url_attr` encodes it when the placeholder is replaced.
            LinkTarget::SiteAbsolute(p) => Ok((
                format!("{}{}", config.base_path, p.trim_start_matches('/')),
                None,
            )),
            LinkTarget::Relative { path, fragment } => {
                // A browser reads `\` in a relative URL as `/` (WHATWG), but
                // Markdown writes it as `%5C`, a file name with a backslash
                // in it: neither is what a Windows path meant, so it is
                // refused rather than quietly made a folder separator.
                if path.contains('\\') {
                    return Err((
                        format!(
                            "link `{path}` has a backslash: on the web `\\` is not a folder separator"
                        ),
                        format!("write the path with `/`: `{}`", path.replace('\\', "/")),
                    ));
                }
                let joined = normalize(&from_path.parent().unwrap_or(Path::new("")).join(path))
                    .ok_or_else(|| {
                        (
                            format!("link `{path}` points outside content/"),
                            "link to files inside content/ only".to_string(),
                        )
                    })?;
                if let Some(&item) = self.by_content_path.get(&joined) {
                    let mut url = config.url(self.site.path_of(item));
                    if let Some(f) = fragment {
                        self.check_anchor(item, f)?;
                        url.push('#');
                        url.push_str(f);
                    }
                    return Ok((url, Some(item)));
                }
                let as_asset = joined.to_string_lossy().replace('\\', "/");
                if self.assets.contains(&as_asset) {
                    return Ok((config.url(&as_asset), None));
                }
                // Its URL is unknown until it parses; the link is not broken.
                if self.unparsed.contains(&joined) {
                    return Ok(("#".into(), None));
                }
                let known: Vec<String> = self
                    .by_content_path
                    .keys()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                let hint = match did_you_mean(&as_asset, known.iter().map(String::as_str)) {
                    Some(s) => format!("did you mean `{s}`? (paths are relative to this file's folder)"),
                    None => "link to a Markdown file (`../patterns/tdd.md`) or a file next to it; paths are relative to this file's folder".into(),
                };
                Err((
                    format!("link to a missing file `{path}` (resolved to content/{as_asset})"),
                    hint,
                ))
            }
            LinkTarget::Wiki { target, fragment } => {
                let (kind_filter, name) = match target.split_once(':') {
                    Some((k, n)) if crate::parse::meta::Kind::from_name(k.trim()).is_some() => {
                        (Some(k.trim()), n)
                    }
                    _ => (None, target.as_str()),
                };
                let candidates: Vec<ItemRef> = wiki
                    .get(&slugify(name))
                    .map(|v| {
                        v.iter()
                            .copied()
                            .filter(|i| kind_filter.is_none_or(|k| kind_name(*i) == k))
                            .collect()
                    })
                    .unwrap_or_default();
                match candidates.as_slice() {
                    [item] => {
                        let mut url = config.url(self.site.path_of(*item));
                        if let Some(f) = fragment {
                            let f = self.wiki_fragment(*item, f);
                            self.check_anchor(*item, &f)?;
                            url.push('#');
                            url.push_str(&f);
                        }
                        Ok((url, Some(*item)))
                    }
                    // A file that did not parse may be the one: its title
                    // and aliases are unknown (`unresolved_name`).
                    [] if !self.unparsed.is_empty() => Ok(("#".into(), None)),
                    [] => {
                        let wanted = slugify(name);
                        let sessions: Vec<&Session> = self
                            .site
                            .sessions
                            .iter()
                            .filter(|s| slugify(&s.title) == wanted)
                            .collect();
                        if !sessions.is_empty() {
                            let slugs: Vec<String> = sessions
                                .iter()
                                .map(|s| format!("`[[{}]]`", s.slug))
                                .collect();
                            return Err((
                                format!(
                                    "wikilink `[[{target}]]` matches no pattern, person, community or page"
                                ),
                                format!(
                                    "sessions are linked by slug, because titles repeat: {}",
                                    slugs.join(" or ")
                                ),
                            ));
                        }
                        let titles: Vec<&str> = wiki.keys().map(String::as_str).collect();
                        let hint = match did_you_mean(&wanted, titles.iter().copied()) {
                            Some(s) => format!("did you mean `[[{s}]]`? Wikilinks use a title, slug or alias"),
                            None => "wikilinks use the title, slug or an alias of a session, pattern, person, community or page".into(),
                        };
                        Err((format!("wikilink `[[{target}]]` matches nothing"), hint))
                    }
                    many => {
                        let list: Vec<String> = many
                            .iter()
                            .map(|i| format!("{} `{}`", kind_name(*i), self.site.title_of(*i)))
                            .collect();
                        Err((
                            format!(
                                "wikilink `[[{target}]]` is ambiguous: it matches {}",
                                list.join(", ")
                            ),
                            format!(
                                "name the kind to choose one: `[[{}:{name}]]`",
                                kind_name(many[0])
                            ),
                        ))
                    }
                }
            }
        }
    }

    fn check_anchor(&self, item: ItemRef, fragment: &str) -> Result<(), (String, String)> {
        let anchors = self.anchors.get(&item);
        if fragment.is_empty() || anchors.is_some_and(|a| a.contains(fragment)) {
            return Ok(());
        }
        let list: Vec<&str> = anchors
            .map(|a| a.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let hint = match did_you_mean(fragment, list.iter().copied()) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if list.is_empty() => "that page has no headings to link to".into(),
            None => {
                let mut sorted = list.clone();
                sorted.sort();
                format!(
                    "its anchors are: {}",
                    sorted
                        .iter()
                        .map(|a| format!("#{a}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        };
        Err((
            format!(
                "`#{fragment}` is not an anchor in {} `{}`",
                kind_name(item),
                self.site.title_of(item)
            ),
            hint,
        ))
    }

    fn finish(
        mut self,
        assets: Vec<CopiedFile>,
        static_files: Vec<CopiedFile>,
        theme_assets: &[String],
    ) -> Result<Site, Vec<Diagnostic>> {
        self.check_asset_collisions(&assets, &static_files, theme_assets);
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        // Stable presentation orders.
        self.sort_terms();
        self.site.assets = assets;
        self.site.static_files = static_files;
        Ok(self.site)
    }

    /// A file next to the content is copied to the same path under the
    /// output; it must not replace a `static/` file, a theme asset or the
    /// search index (generated pages are checked against the plan when the
    /// output is assembled). A pull request could otherwise swap the site's
    /// script or stylesheet for its own.
    fn check_asset_collisions(
        &mut self,
        assets: &[CopiedFile],
        static_files: &[CopiedFile],
        theme_assets: &[String],
    ) {
        let statics: HashMap<&str, &Path> = static_files
            .iter()
            .map(|f| (f.output.as_str(), f.source.as_path()))
            .collect();
        let theme: HashSet<&str> = theme_assets.iter().map(String::as_str).collect();
        for a in assets {
            let other = if let Some(s) = statics.get(a.output.as_str()) {
                Some(format!(
                    "the static file {}",
                    crate::diagnostic::display_path(s)
                ))
            } else if theme.contains(a.output.as_str()) {
                Some(format!("the theme asset `{}`", a.output))
            } else if a.output.starts_with("search/") {
                Some("the generated search index (`search/`)".to_string())
            } else {
                None
            };
            if let Some(other) = other {
                self.errors.push(
                    Diagnostic::error(format!("`{}` would replace {other}", a.output))
                        .in_file(&a.source)
                        .hint("rename or move the file; files under content/ are published beside the pages, so they must not take a path Fireside or static/ already uses"),
                );
            }
        }
    }

    fn sort_terms(&mut self) {
        // Terms were numbered in order of appearance; sessions and patterns
        // refer to them by id, so sort a permutation and remap.
        let tags = sort_by_slug(&mut self.site.tags);
        let formats = sort_by_slug(&mut self.site.formats);
        for s in &mut self.site.sessions {
            for t in &mut s.tags {
                *t = tags[*t];
            }
            if let Some(f) = &mut s.format {
                *f = formats[*f];
            }
        }
        for p in &mut self.site.patterns {
            for t in &mut p.tags {
                *t = tags[*t];
            }
        }
    }
}

/// Interns a tag or a format (`dir` names which) by its slug; `None` for a
/// name with no slug.
/// A local date and time in a zone, as an instant. A time the clocks skip
/// (a DST gap) is an error naming the nearest time that exists; a time they
/// repeat (a fold) is its first occurrence, as RFC 5545 3.3.5 reads it.
pub(crate) fn local_instant(
    tz: &jiff::tz::TimeZone,
    zone: &str,
    date: Date,
    t: Time,
) -> Result<ZonedDateTime, String> {
    let dt = DateTime::from_parts(date, t);
    let ambiguous = tz.to_ambiguous_zoned_datetime(dt);
    if let AmbiguousOffset::Gap { before, .. } = ambiguous.offset() {
        // Read with the offset before the gap, the time lands after the
        // change; the change itself is the first time that exists again.
        let nearest = before
            .to_timestamp(dt)
            .ok()
            .and_then(|ts| tz.preceding(ts).next())
            .map(|tr| {
                tr.timestamp()
                    .to_zoned_datetime(tz.clone())
                    .strftime("%H:%M")
                    .to_string()
            });
        let nearest = match nearest {
            Some(n) => format!("; the nearest time that exists is {n}"),
            None => String::new(),
        };
        return Err(format!(
            "{} on {date} does not exist in {zone}: the clocks skip that hour{nearest}",
            t.strftime("%H:%M")
        ));
    }
    ambiguous.earlier().map_err(|e| e.to_string())
}

fn intern_term<I: From<usize> + Copy>(
    ids: &mut BTreeMap<String, I>,
    terms: &mut TiVec<I, Term>,
    dir: &str,
    name: &str,
) -> Option<I>
where
    usize: From<I>,
{
    let slug = slugify(name);
    if slug.is_empty() {
        return None;
    }
    Some(*ids.entry(slug.clone()).or_insert_with(|| {
        terms.push_and_get_key(Term {
            path: format!("{dir}/{slug}/"),
            slug,
            name: name.trim().to_string(),
            sessions: Vec::new(),
            patterns: Vec::new(),
        })
    }))
}

/// Sorts terms by slug and returns where each old id went.
fn sort_by_slug<I: From<usize> + Copy>(terms: &mut TiVec<I, Term>) -> TiVec<I, I>
where
    usize: From<I>,
{
    let mut order: Vec<I> = terms.keys().collect();
    order.sort_by(|&a, &b| terms[a].slug.cmp(&terms[b].slug));
    let mut remap: TiVec<I, I> = terms.keys().collect();
    for (new, &old) in order.iter().enumerate() {
        remap[old] = I::from(new);
    }
    let mut taken: TiVec<I, Option<Term>> = std::mem::take(terms).into_iter().map(Some).collect();
    *terms = order
        .iter()
        .map(|&i| taken[i].take().expect("each once"))
        .collect();
    remap
}

/// The names an item answers to: its slug, its title's slug and its aliases'.
fn name_keys(slug: &str, title: &str, aliases: &[String]) -> Vec<String> {
    let mut keys = vec![slug.to_string(), slugify(title)];
    keys.extend(aliases.iter().map(|a| slugify(a)));
    keys
}

fn dedup<T: PartialEq>(v: Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// A front-matter value that becomes an `href`, checked with the one
/// scheme rule Markdown links follow (`escape::check_url_scheme`):
/// `None`, with an error at the value, when it could run code.
/// A channel may be words (`Zoom`, `Room 4: north wing`) as well as a URL;
/// words are shown as text and never linked (`view.rs` links only
/// `http(s)://` values), so only a value without spaces inside is held to
/// the URL rule. A tab or newline inside still counts as a URL: browsers
/// strip them from URLs.
fn is_channel_text(value: &str) -> bool {
    value.trim().contains(' ')
}

fn checked_url<M>(
    errors: &mut Vec<Diagnostic>,
    doc: &Doc<M>,
    key: &str,
    value: Option<&str>,
) -> Option<String> {
    let value = value?;
    if key == "channel" && is_channel_text(value) {
        return Some(value.to_string());
    }
    match crate::escape::check_url_scheme(value) {
        Ok(()) => Some(value.to_string()),
        Err(scheme) => {
            errors.push(
                doc.error_at_value(
                    key,
                    value,
                    format!("`{key}` holds a `{scheme}:` URL, which is not allowed"),
                )
                .hint(crate::escape::SCHEME_HINT),
            );
            None
        }
    }
}

/// [`checked_url`] for an agenda entry's value, at the entry's line.
fn checked_entry_url(
    errors: &mut Vec<Diagnostic>,
    doc: &AgendaDoc,
    e: &AgendaEntry,
    value: Option<&str>,
) -> Option<String> {
    let value = value?;
    if is_channel_text(value) {
        return Some(value.to_string());
    }
    match crate::escape::check_url_scheme(value) {
        Ok(()) => Some(value.to_string()),
        Err(scheme) => {
            errors.push(
                Diagnostic::error(format!(
                    "the channel holds a `{scheme}:` URL, which is not allowed"
                ))
                .in_file(&doc.file)
                .at(&doc.text, e.line, 1)
                .hint(crate::escape::SCHEME_HINT),
            );
            None
        }
    }
}

/// What to do about a name that slugifies to nothing.
const EMPTY_NAME_HINT: &str =
    "a name needs at least one letter or digit (accents are fine) to have a page and a URL";

/// Reports every name in `names` that slugifies to nothing: it would get no
/// page and no link, and vanish from the site without a word.
fn check_names(
    errors: &mut Vec<Diagnostic>,
    names: &[String],
    what: &str,
    at: impl Fn(&str, String) -> Diagnostic,
) {
    for name in names {
        if slugify(name).is_empty() {
            errors.push(
                at(
                    name,
                    format!(
                        "the {what} `{}` has no letters or digits",
                        name.escape_default()
                    ),
                )
                .hint(EMPTY_NAME_HINT),
            );
        }
    }
}

/// The community slug a session's folder names (`sessions/<community>/x.md`).
fn folder_community(content_path: &Path) -> Option<String> {
    let mut parts = content_path.components();
    parts.next()?;
    let folder = parts.next()?;
    parts.next()?;
    Some(folder.as_os_str().to_string_lossy().into_owned())
}

/// A page's output path: its path under content/ without `.md`
/// (`how-to/run.md` -> `how-to/run/`; `index.md` -> its folder).
fn page_path(content_path: &Path, slug: Option<&str>) -> String {
    let mut parts: Vec<String> = content_path
        .with_extension("")
        .components()
        .map(|c| slugify(&c.as_os_str().to_string_lossy()))
        .collect();
    if let Some(s) = slug
        && let Some(last) = parts.last_mut()
    {
        *last = slugify(s);
    }
    if parts.last().is_some_and(|p| p == "index" || p == "readme") {
        parts.pop();
    }
    if parts.is_empty() {
        return String::new();
    }
    format!("{}/", parts.join("/"))
}

/// Resolves `.` and `..` without touching the file system; `None` if the
/// path climbs above its root.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Replaces each `\u{1A}N\u{1A}` in `html` with `urls[N]`, percent-encoded and escaped for an attribute.
pub fn substitute_placeholders(html: &str, urls: &[String]) -> String {
    if urls.is_empty() {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len() + urls.len() * 16);
    let mut rest = html;
    while let Some(start) = rest.find(PLACEHOLDER) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PLACEHOLDER.len_utf8()..];
        let Some(end) = after.find(PLACEHOLDER) else {
            rest = &rest[start..];
            break;
        };
        let url = after[..end].parse::<usize>().ok().and_then(|i| urls.get(i));
        if let Some(url) = url {
            out.push_str(&crate::escape::url_attr(url));
        }
        rest = &after[end + PLACEHOLDER.len_utf8()..];
    }
    out.push_str(rest);
    // Kept in the site for the whole build: without the room it grew into
    // when a URL was longer than the guess.
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths() {
        assert_eq!(page_path(Path::new("guidelines.md"), None), "guidelines/");
        assert_eq!(
            page_path(Path::new("how-to/Run It.md"), None),
            "how-to/run-it/"
        );
        assert_eq!(page_path(Path::new("how-to/index.md"), None), "how-to/");
        assert_eq!(page_path(Path::new("index.md"), None), "");
        assert_eq!(page_path(Path::new("a/b.md"), Some("Custom")), "a/custom/");
    }

    #[test]
    fn normalizes_relative_paths() {
        assert_eq!(
            normalize(Path::new("sessions/sd/../../patterns/tdd.md")),
            Some(PathBuf::from("patterns/tdd.md"))
        );
        assert_eq!(normalize(Path::new("../x.md")), None);
    }

    #[test]
    fn substitutes_placeholders() {
        let html = "<a href=\"\u{1A}0\u{1A}\">a</a> <a href=\"\u{1A}1\u{1A}\">b</a>";
        let out = substitute_placeholders(html, &["/x/".into(), "/y/?a=1&b=2".into()]);
        assert_eq!(
            out,
            "<a href=\"/x/\">a</a> <a href=\"/y/?a=1&amp;b=2\">b</a>"
        );
    }
}
