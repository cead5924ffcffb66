//! `/search/`: the page the browser's search engine runs on.

use serde::Serialize;

use super::{Cx, View};

#[derive(Serialize)]
pub(crate) struct Search {
    manifest_url: String,
}

pub(crate) fn search<'a>(cx: &Cx<'a>) -> View<'a, Search> {
    View::new(
        "search.html",
        "Search",
        Search {
            manifest_url: cx.site.config.url(crate::search::MANIFEST),
        },
    )
}
