//! The pattern catalogue and a pattern's own page.

use serde::Serialize;
use tera::Value;

use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;
use crate::parse::meta::Maturity;

#[derive(Serialize)]
struct ByMaturity<'a> {
    maturity: &'static str,
    patterns: Cards<'a, PatternId>,
}

#[derive(Serialize)]
struct ByTag<'a> {
    tag: &'a Value,
    patterns: Cards<'a, PatternId>,
}

#[derive(Serialize)]
pub(crate) struct Patterns<'a> {
    groups: Vec<ByMaturity<'a>>,
    tags: Cards<'a, TagId>,
    by_tag: Vec<ByTag<'a>>,
}

pub(crate) fn patterns<'a>(cx: &Cx<'a>) -> View<'a, Patterns<'a>> {
    let (site, views) = (cx.site, cx.views);
    let groups = Maturity::ALL
        .iter()
        .map(|m| Some(*m))
        .chain(std::iter::once(None))
        .filter_map(|m| {
            let ids: Vec<PatternId> = site
                .patterns
                .keys()
                .filter(|&i| site.patterns[i].maturity == m)
                .collect();
            (!ids.is_empty()).then(|| ByMaturity {
                maturity: m.map_or("unrated", Maturity::name),
                patterns: views.patterns(ids),
            })
        })
        .collect();
    let tag_ids: Vec<TagId> = site
        .tags
        .keys()
        .filter(|&t| !site.tags[t].patterns.is_empty())
        .collect();
    let by_tag = tag_ids
        .iter()
        .map(|&t| ByTag {
            tag: &views.tags[t],
            patterns: views.patterns(site.tags[t].patterns.clone()),
        })
        .collect();
    View::new(
        "patterns.html",
        "Pattern catalogue",
        Patterns {
            groups,
            tags: Cards::new(&views.tags, tag_ids),
            by_tag,
        },
    )
}

#[derive(Serialize)]
pub(crate) struct PatternPage<'a> {
    pattern: &'a Value,
    content: Content<'a>,
    toc: &'a [TocEntry],
    related: Cards<'a, PatternId>,
    sessions: Cards<'a, SessionId>,
    referenced_by: Vec<Backlink<'a>>,
    extra: &'a serde_json::Value,
    description: &'a str,
    freshness: Option<super::knowledge::FreshnessView<'a>>,
    edit_url: Option<String>,
    history: Option<super::knowledge::HistoryView<'a>>,
    related_content: Vec<super::related::Related<'a>>,
}

pub(crate) fn pattern<'a>(cx: &Cx<'a>, i: PatternId) -> View<'a, PatternPage<'a>> {
    let p = &cx.site.patterns[i];
    let mut sessions = p.sessions.clone();
    sessions.reverse();
    View::new(
        "pattern.html",
        p.title.as_str(),
        PatternPage {
            pattern: &cx.views.patterns[i],
            content: content(Some(&p.body)),
            toc: toc(Some(&p.body)),
            related: cx.views.patterns(p.related.clone()),
            sessions: cx.views.sessions(sessions),
            referenced_by: referenced_by(cx.site, &p.referenced_by),
            extra: &p.extra,
            description: p.summary.as_deref().unwrap_or_default(),
            freshness: super::knowledge::freshness(cx.site, &p.freshness),
            edit_url: super::knowledge::edit_url(cx.site, &p.source),
            history: super::knowledge::history(cx.site, &p.source),
            related_content: super::related::for_pattern(cx.site, i),
        },
    )
}
