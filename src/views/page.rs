//! Plain pages (`content/*.md`) and the not-found page.

use serde::Serialize;
use tera::Value;

use super::{Backlink, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;

#[derive(Serialize)]
pub(crate) struct PlainPage<'a> {
    #[serde(serialize_with = "super::shared")]
    page: &'a Value,
    content: Content<'a>,
    toc: &'a [TocEntry],
    referenced_by: Vec<Backlink<'a>>,
    extra: &'a serde_json::Value,
    description: &'a str,
    freshness: Option<super::knowledge::FreshnessView<'a>>,
    edit_url: Option<String>,
    history: Option<super::knowledge::HistoryView<'a>>,
}

pub(crate) fn page<'a>(cx: &Cx<'a>, i: PageId) -> View<'a, PlainPage<'a>> {
    let p = &cx.site.pages[i];
    View::new(
        "page.html",
        p.title.as_str(),
        PlainPage {
            page: &cx.views.pages[i],
            content: content(cx.views, Some(&p.body)),
            toc: toc(Some(&p.body)),
            referenced_by: referenced_by(cx.site, &p.referenced_by),
            extra: &p.extra,
            description: p.description.as_deref().unwrap_or_default(),
            freshness: super::knowledge::freshness(cx.site, &p.freshness),
            edit_url: super::knowledge::edit_url(cx.site, &p.source),
            history: super::knowledge::history(cx.site, &p.source),
        },
    )
}

/// The not-found page reads only the common values.
#[derive(Serialize)]
pub(crate) struct NotFound {}

pub(crate) fn not_found() -> View<'static, NotFound> {
    View::new("404.html", "Page not found", NotFound {})
}
