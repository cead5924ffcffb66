//! `/patterns/radar/`: the practice catalogue as a technology-radar picture,
//! drawn at build time as inline SVG (no script), with a table that says
//! the same for screen readers and for anyone who prefers text.
//!
//! Rings from the centre out: adopt, trial, assess, hold (unrated patterns
//! are not placed; the table lists them). The circle is cut into one sector
//! per tag, by tag name; a pattern sits in the sector of its first tag by
//! name (or "untagged"), so the picture is grouped by tag as the table is.
//! Positions are spread evenly within a sector's ring in title order, so
//! the same catalogue always gives the same picture.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::{Cx, View};
use crate::model::*;
use crate::parse::meta::Maturity;

const SIZE: f64 = 640.0;
const RINGS: [Maturity; 4] = [
    Maturity::Adopt,
    Maturity::Trial,
    Maturity::Assess,
    Maturity::Hold,
];

#[derive(Serialize)]
struct Blip<'a> {
    number: usize,
    title: &'a str,
    url: String,
    ring: &'static str,
}

#[derive(Serialize)]
struct Sector<'a> {
    tag: &'a str,
    patterns: Vec<Blip<'a>>,
}

#[derive(Serialize)]
pub(crate) struct Radar<'a> {
    /// The picture, escaped SVG.
    svg: String,
    /// The same, by tag: each pattern with its number in the picture.
    sectors: Vec<Sector<'a>>,
    /// Patterns without a maturity: not on the rings.
    unrated: Vec<Blip<'a>>,
}

fn esc(s: &str) -> String {
    crate::escape::escape_html(s)
}

pub(crate) fn radar<'a>(cx: &Cx<'a>) -> View<'a, Radar<'a>> {
    let site = cx.site;
    let mut by_tag: BTreeMap<&str, Vec<PatternId>> = BTreeMap::new();
    let mut unrated = Vec::new();
    for (i, p) in site.patterns.iter_enumerated() {
        let tag = p
            .tags
            .iter()
            .map(|&t| site.tags[t].name.as_str())
            .min()
            .unwrap_or("untagged");
        if p.maturity.is_some() {
            by_tag.entry(tag).or_default().push(i);
        } else {
            unrated.push(i);
        }
    }
    let blip = |number: usize, i: PatternId| {
        let p = &site.patterns[i];
        Blip {
            number,
            title: &p.title,
            url: site.config.url(&p.path),
            ring: p.maturity.map_or("unrated", Maturity::name),
        }
    };
    let mut number = 0;
    let mut sectors = Vec::new();
    for (tag, mut ids) in by_tag {
        ids.sort_by_key(|&i| {
            let p = &site.patterns[i];
            (p.maturity, p.title.as_str())
        });
        let patterns = ids
            .into_iter()
            .map(|i| {
                number += 1;
                blip(number, i)
            })
            .collect();
        sectors.push(Sector { tag, patterns });
    }
    let unrated = unrated
        .into_iter()
        .map(|i| {
            number += 1;
            blip(number, i)
        })
        .collect();
    View::new(
        "radar.html",
        "Pattern radar",
        Radar {
            svg: draw(&sectors),
            sectors,
            unrated,
        },
    )
}

fn draw(sectors: &[Sector<'_>]) -> String {
    let c = SIZE / 2.0;
    let ring_w = (c - 20.0) / RINGS.len() as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"radar\" role=\"img\" aria-labelledby=\"radar-title radar-desc\" viewBox=\"0 0 {SIZE} {SIZE}\" width=\"100%\"><title id=\"radar-title\">Pattern radar</title><desc id=\"radar-desc\">Patterns on four rings from the centre out: adopt, trial, assess, hold, in one sector per tag. The table below lists the same.</desc>"
    );
    for (k, m) in RINGS.iter().enumerate().rev() {
        let r = ring_w * (k as f64 + 1.0);
        let _ = write!(
            svg,
            "<circle class=\"radar-ring radar-ring-{}\" cx=\"{c}\" cy=\"{c}\" r=\"{r:.1}\"/><text class=\"radar-ring-label\" x=\"{c}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            m.name(),
            c - r + 14.0,
            m.name()
        );
    }
    let n = sectors.len().max(1) as f64;
    let sweep = std::f64::consts::TAU / n;
    for (s, sector) in sectors.iter().enumerate() {
        let start = sweep * s as f64 - std::f64::consts::FRAC_PI_2;
        if sectors.len() > 1 {
            let (x, y) = (c + (c - 20.0) * start.cos(), c + (c - 20.0) * start.sin());
            let _ = write!(
                svg,
                "<line class=\"radar-axis\" x1=\"{c}\" y1=\"{c}\" x2=\"{x:.1}\" y2=\"{y:.1}\"/>"
            );
        }
        let mid = start + sweep / 2.0;
        let (lx, ly) = (c + (c - 8.0) * mid.cos(), c + (c - 8.0) * mid.sin());
        let anchor = if mid.cos() < -0.1 {
            "end"
        } else if mid.cos() > 0.1 {
            "start"
        } else {
            "middle"
        };
        let _ = write!(
            svg,
            "<text class=\"radar-sector-label\" x=\"{lx:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\">{}</text>",
            esc(sector.tag)
        );
        for (k, m) in RINGS.iter().enumerate() {
            let in_ring: Vec<&Blip> = sector
                .patterns
                .iter()
                .filter(|b| b.ring == m.name())
                .collect();
            for (j, b) in in_ring.iter().enumerate() {
                let angle = start + sweep * (j as f64 + 1.0) / (in_ring.len() as f64 + 1.0);
                let r = ring_w * (k as f64 + 0.5 + if j % 2 == 0 { -0.15 } else { 0.15 });
                let (x, y) = (c + r * angle.cos(), c + r * angle.sin());
                let _ = write!(
                    svg,
                    "<circle class=\"radar-blip radar-blip-{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\"><title>{}</title></circle><text class=\"radar-blip-number\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                    m.name(),
                    esc(b.title),
                    y + 4.0,
                    b.number
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}
