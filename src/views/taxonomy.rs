//! `/tags/` and `/formats/`, and the page of one tag or format.

use serde::Serialize;
use tera::Value;

use super::{Cards, Cx, View};
use crate::model::*;

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
    term: &'a Value,
    sessions: Cards<'a, SessionId>,
    patterns: Cards<'a, PatternId>,
}

fn term<'a>(
    cx: &Cx<'a>,
    taxonomy: Taxonomy,
    t: &'a Term,
    card: &'a Value,
) -> View<'a, TermPage<'a>> {
    let mut sessions = t.sessions.clone();
    sessions.reverse();
    View::new(
        "term.html",
        t.name.as_str(),
        TermPage {
            taxonomy: taxonomy.name(),
            term: card,
            sessions: cx.views.sessions(sessions),
            patterns: cx.views.patterns(t.patterns.clone()),
        },
    )
}

pub(crate) fn tag<'a>(cx: &Cx<'a>, i: TagId) -> View<'a, TermPage<'a>> {
    term(cx, Taxonomy::Tags, &cx.site.tags[i], &cx.views.tags[i])
}

pub(crate) fn format<'a>(cx: &Cx<'a>, i: FormatId) -> View<'a, TermPage<'a>> {
    term(
        cx,
        Taxonomy::Formats,
        &cx.site.formats[i],
        &cx.views.formats[i],
    )
}
