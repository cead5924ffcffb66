//! The pattern catalogue and a pattern's own page.

use serde::Serialize;
use tera::Value;

use super::paging::{self, Pagination};
use super::{Backlink, Cards, Content, Cx, View, content, referenced_by, toc};
use crate::model::*;
use crate::parse::markdown::TocEntry;
use crate::parse::meta::Maturity;
use crate::plan::List;

#[derive(Serialize)]
struct ByMaturity<'a> {
    maturity: &'static str,
    patterns: Cards<'a, PatternId>,
}

/// A tag of the catalogue and how many patterns have it: the tag's own
/// page lists them (a list of every tag's patterns here grew with the
/// catalogue times its tags).
#[derive(Serialize)]
struct ByTag<'a> {
    #[serde(serialize_with = "super::shared")]
    tag: &'a Value,
    count: usize,
}

#[derive(Serialize)]
pub(crate) struct Patterns<'a> {
    groups: Vec<ByMaturity<'a>>,
    pagination: Pagination,
    tags: Cards<'a, TagId>,
    by_tag: Vec<ByTag<'a>>,
}

/// Page `page` (from 1) of the catalogue: patterns by maturity (adopt,
/// trial, assess, hold, then unrated), 100 a page; the tag index is on
/// page 1.
pub(crate) fn patterns<'a>(cx: &Cx<'a>, page: usize) -> View<'a, Patterns<'a>> {
    let (site, views) = (cx.site, cx.views);
    // Adopt, trial, assess, hold, then unrated.
    let [adopt, trial, assess, hold] = Maturity::ALL;
    let maturities = [Some(adopt), Some(trial), Some(assess), Some(hold), None];
    let by_maturity: [Vec<PatternId>; 5] = maturities.map(|m| {
        site.patterns
            .keys()
            .filter(|&i| site.patterns[i].maturity == m)
            .collect()
    });
    let pagination = Pagination::of(site, List::Patterns, page);
    let groups = paging::ranges(by_maturity.each_ref().map(Vec::len), pagination.current())
        .into_iter()
        .zip(maturities)
        .zip(&by_maturity)
        .filter(|((on_page, _), _)| !on_page.is_empty())
        .map(|((on_page, m), ids)| ByMaturity {
            maturity: m.map_or("unrated", Maturity::name),
            patterns: views.patterns(ids[on_page].to_vec()),
        })
        .collect();
    let first = pagination.current() == 1;
    let tag_ids: Vec<TagId> = site
        .tags
        .keys()
        .filter(|&t| first && !site.tags[t].patterns.is_empty())
        .collect();
    let by_tag = tag_ids
        .iter()
        .map(|&t| ByTag {
            tag: &views.tags[t],
            count: site.tags[t].patterns.len(),
        })
        .collect();
    View::new(
        "patterns.html",
        paging::title(
            "Pattern catalogue",
            pagination.current(),
            pagination.total(),
        ),
        Patterns {
            groups,
            pagination,
            tags: Cards::new(&views.tags, tag_ids),
            by_tag,
        },
    )
}

#[derive(Serialize)]
pub(crate) struct PatternPage<'a> {
    #[serde(serialize_with = "super::shared")]
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
            content: content(cx.views, Some(&p.body)),
            toc: toc(Some(&p.body)),
            related: cx.views.patterns(p.related.clone()),
            sessions: cx.views.sessions(sessions),
            referenced_by: referenced_by(cx.site, &p.referenced_by),
            extra: &p.extra,
            description: p.summary.as_deref().unwrap_or_default(),
            freshness: super::knowledge::freshness(cx.site, &p.freshness),
            edit_url: super::knowledge::edit_url(cx.site, &p.source),
            history: super::knowledge::history(cx.site, &p.source),
            related_content: cx.views.related.for_pattern(cx.site, i),
        },
    )
}
