//! `/tags/` and `/formats/`, and the page of one tag or format.

use serde::Serialize;
use tera::Value;

use super::paging::{self, Pagination};
use super::{Cards, Cx, View};
use crate::model::*;
use crate::plan::List;

#[derive(Clone, Copy)]
pub(crate) enum Taxonomy {
    Tags,
    Formats,
}

impl Taxonomy {
    fn name(self) -> &'static str {
        match self {
            Taxonomy::Tags => "tags",
            Taxonomy::Formats => "formats",
        }
    }
}

#[derive(Serialize)]
pub(crate) struct Terms<'a> {
    taxonomy: &'static str,
    #[serde(serialize_with = "super::shared_slice")]
    terms: &'a [Value],
}

pub(crate) fn taxonomy<'a>(cx: &Cx<'a>, taxonomy: Taxonomy) -> View<'a, Terms<'a>> {
    let (title, terms) = match taxonomy {
        Taxonomy::Tags => ("Tags", &cx.views.tags.raw),
        Taxonomy::Formats => ("Formats", &cx.views.formats.raw),
    };
    View::new(
        "taxonomy.html",
        title,
        Terms {
            taxonomy: taxonomy.name(),
            terms,
        },
    )
}

#[derive(Serialize)]
pub(crate) struct TermPage<'a> {
    taxonomy: &'static str,
    #[serde(serialize_with = "super::shared")]
    term: &'a Value,
    sessions: Cards<'a, SessionId>,
    patterns: Cards<'a, PatternId>,
    pagination: Pagination,
}

/// Page `page` (from 1) of a tag or format: its sessions newest first, then
/// its patterns, 100 a page.
fn term<'a>(
    cx: &Cx<'a>,
    taxonomy: Taxonomy,
    t: &'a Term,
    card: &'a Value,
    pagination: Pagination,
) -> View<'a, TermPage<'a>> {
    let mut sessions = t.sessions.clone();
    sessions.reverse();
    let [on_sessions, on_patterns] =
        paging::ranges([sessions.len(), t.patterns.len()], pagination.current());
    View::new(
        "term.html",
        paging::title(&t.name, pagination.current(), pagination.total()),
        TermPage {
            taxonomy: taxonomy.name(),
            term: card,
            sessions: cx.views.sessions(sessions[on_sessions].to_vec()),
            patterns: cx.views.patterns(t.patterns[on_patterns].to_vec()),
            pagination,
        },
    )
}

pub(crate) fn tag<'a>(cx: &Cx<'a>, i: TagId, page: usize) -> View<'a, TermPage<'a>> {
    let pagination = Pagination::of(cx.site, List::Tag(i), page);
    term(
        cx,
        Taxonomy::Tags,
        &cx.site.tags[i],
        &cx.views.tags[i],
        pagination,
    )
}

pub(crate) fn format<'a>(cx: &Cx<'a>, i: FormatId, page: usize) -> View<'a, TermPage<'a>> {
    let pagination = Pagination::of(cx.site, List::Format(i), page);
    term(
        cx,
        Taxonomy::Formats,
        &cx.site.formats[i],
        &cx.views.formats[i],
        pagination,
    )
}
