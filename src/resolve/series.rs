//! Sessions joined after they are built: agenda items that name a session
//! file, and series (`series:`). Both run after the sessions are sorted, so
//! the ids they store are final.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Resolver, normalize};
use crate::diagnostic::{Diagnostic, did_you_mean, display_path};
use crate::model::slug::slugify;
use crate::model::*;
use crate::parse::Doc;
use crate::parse::agenda::AgendaDoc;
use crate::parse::meta::SessionMeta;

impl<'d> Resolver<'d> {
    /// An agenda's `- sessions/dev/kata.md` items: the session keeps its
    /// own fields and joins the agenda at that place in its list.
    pub(super) fn link_agenda_refs(&mut self, agendas: &[&AgendaDoc]) {
        for doc in agendas {
            let Some(ItemRef::Agenda(agenda)) =
                self.by_content_path.get(&doc.content_path).copied()
            else {
                continue;
            };
            for r in &doc.refs {
                let here = doc.content_path.parent().unwrap_or(Path::new(""));
                let written = Path::new(&r.path);
                let candidates: Vec<PathBuf> = [here.join(written), written.to_path_buf()]
                    .iter()
                    .filter_map(|p| normalize(p))
                    .collect();
                let found = candidates
                    .iter()
                    .find_map(|p| match self.by_content_path.get(p) {
                        Some(ItemRef::Session(i)) => Some(*i),
                        _ => None,
                    });
                let at = |msg: String| {
                    Diagnostic::error(msg)
                        .in_file(&doc.file)
                        .at(&doc.text, r.line, r.column)
                };
                let Some(id) = found else {
                    // A session file that did not parse: not a wrong path.
                    if candidates.iter().any(|p| self.unparsed.contains(p)) {
                        continue;
                    }
                    let files: Vec<String> = self
                        .by_content_path
                        .iter()
                        .filter(|(_, v)| matches!(v, ItemRef::Session(_)))
                        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
                        .collect();
                    let hint = match did_you_mean(&r.path, files.iter().map(String::as_str)) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "name a session file relative to content/ (`sessions/dev/kata.md`) or to this agenda's folder".to_string(),
                    };
                    self.errors
                        .push(at(format!("no session file `{}`", r.path)).hint(hint));
                    continue;
                };
                match self.site.sessions[id].agenda {
                    Some((a, _)) if a == agenda => {}
                    Some((a, _)) => {
                        let other = display_path(&self.site.agendas[a].source);
                        self.errors.push(
                            at(format!("`{}` is already in the agenda {other}", r.path))
                                .hint("a session is part of one agenda: remove one of the two"),
                        );
                    }
                    None => self.site.sessions[id].agenda = Some((agenda, Some(r.position))),
                }
            }
        }
    }

    /// Series: sessions with the same `series:` (by slug), as parts by date.
    pub(super) fn add_series(&mut self, docs: &[&Doc<SessionMeta>]) {
        let mut groups: BTreeMap<String, (String, Vec<SessionId>)> = BTreeMap::new();
        for doc in docs {
            let Some(name) = doc.meta.series.as_deref() else {
                continue;
            };
            let Some(ItemRef::Session(id)) = self.by_content_path.get(&doc.content_path).copied()
            else {
                continue;
            };
            let slug = slugify(name);
            if slug.is_empty() {
                self.errors.push(
                    doc.error_at_value(
                        "series",
                        name,
                        format!("cannot make a URL slug from `{}`", name.escape_default()),
                    )
                    .hint("name the series with letters or digits"),
                );
                continue;
            }
            groups
                .entry(slug)
                .or_insert_with(|| (name.trim().to_string(), Vec::new()))
                .1
                .push(id);
        }
        for (slug, (title, mut parts)) in groups {
            // Site order is date order.
            parts.sort();
            let id = self.site.series.next_key();
            for (n, &s) in parts.iter().enumerate() {
                self.site.sessions[s].series = Some((id, n + 1));
            }
            self.site.series.push(Series {
                path: format!("series/{slug}/"),
                slug,
                title,
                sessions: parts,
            });
        }
    }
}
