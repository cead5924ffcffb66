//! `/agendas/` and an agenda's own page.

use serde::Serialize;
use tera::Value;

use super::{Cards, Content, Cx, View, content};
use crate::model::*;

#[derive(Serialize)]
pub(crate) struct Agendas<'a> {
    agendas: Cards<'a, AgendaId>,
}

pub(crate) fn agendas<'a>(cx: &Cx<'a>) -> View<'a, Agendas<'a>> {
    View::new(
        "agendas.html",
        "Agendas",
        Agendas {
            agendas: Cards::all(&cx.views.agendas),
        },
    )
}

#[derive(Serialize)]
pub(crate) struct AgendaPage<'a> {
    #[serde(serialize_with = "super::shared")]
    agenda: &'a Value,
    content: Content<'a>,
    sessions: Cards<'a, SessionId>,
    description: &'a str,
}

pub(crate) fn agenda<'a>(cx: &Cx<'a>, i: AgendaId) -> View<'a, AgendaPage<'a>> {
    let a = &cx.site.agendas[i];
    View::new(
        "agenda.html",
        a.title.as_str(),
        AgendaPage {
            agenda: &cx.views.agendas[i],
            content: content(cx.views, a.body.as_ref()),
            sessions: cx.views.sessions(a.sessions.clone()),
            description: a.description.as_deref().unwrap_or_default(),
        },
    )
}
