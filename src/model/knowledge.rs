//! Keeping knowledge fresh and moved pages working: who owns a pattern or
//! a page and when it is due for review, and the old paths that redirect to
//! it. Resolved in `resolve/knowledge.rs`; read by the views, the plan
//! (redirect pages, `_redirects`) and `fireside check --stale`.

use jiff::civil::Date;

use super::{ItemRef, PersonId, Site};

/// Who keeps an item current, and until when it is known to be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Freshness {
    pub owner: Option<PersonId>,
    pub review_by: Option<Date>,
}

impl Freshness {
    /// Past its review date on `today` (the build's clock, in the site's zone).
    pub fn is_overdue(&self, today: Date) -> bool {
        self.review_by.is_some_and(|d| d < today)
    }
}

/// An old path (`old/path/`, relative to the base, as a planned page's
/// path) that now lives at `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub from: String,
    pub to: ItemRef,
}

impl Redirect {
    /// The output file of the redirect page: `old/path/index.html`, or the
    /// path itself when it names a file (`old.html`).
    pub fn output(&self) -> String {
        if self.from.ends_with('/') || self.from.is_empty() {
            format!("{}index.html", self.from)
        } else {
            self.from.clone()
        }
    }
}

/// An item past its review date, for `/insights/` and `check --stale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub item: ItemRef,
    pub review_by: Date,
    pub owner: Option<PersonId>,
}

impl Site {
    /// The build's date in the site's zone: what "past its review date" means.
    pub fn today(&self) -> Date {
        let zone = crate::parse::meta::tzdb()
            .get(&self.config.timezone)
            .unwrap_or(jiff::tz::TimeZone::UTC);
        self.now.to_zoned_datetime(zone).date()
    }

    /// The freshness of an item that has one (patterns and plain pages).
    pub fn freshness_of(&self, item: ItemRef) -> Option<&Freshness> {
        match item {
            ItemRef::Pattern(i) => Some(&self.patterns[i].freshness),
            ItemRef::Page(i) => Some(&self.pages[i].freshness),
            _ => None,
        }
    }

    /// Every pattern and page past its review date, longest overdue first
    /// (then by title, so the list is the same every build).
    pub fn overdue(&self) -> Vec<Overdue> {
        let today = self.today();
        let items = self
            .patterns
            .keys()
            .map(ItemRef::Pattern)
            .chain(self.pages.keys().map(ItemRef::Page));
        let mut list: Vec<Overdue> = items
            .filter_map(|item| {
                let f = self.freshness_of(item)?;
                f.is_overdue(today).then_some(Overdue {
                    item,
                    review_by: f.review_by?,
                    owner: f.owner,
                })
            })
            .collect();
        list.sort_by(|a, b| {
            (a.review_by, self.title_of(a.item)).cmp(&(b.review_by, self.title_of(b.item)))
        });
        list
    }

    /// `fireside check --stale`: one line per overdue item, with its file,
    /// or a line saying there is none.
    pub fn stale_report(&self) -> String {
        let list = self.overdue();
        if list.is_empty() {
            return "Nothing is past its review date.\n".to_string();
        }
        let mut out = format!(
            "{} past {} review date:\n",
            match list.len() {
                1 => "1 page is".to_string(),
                n => format!("{n} pages are"),
            },
            if list.len() == 1 { "its" } else { "their" }
        );
        for o in &list {
            let source = match o.item {
                ItemRef::Pattern(i) => Some(&self.patterns[i].source),
                ItemRef::Page(i) => Some(&self.pages[i].source),
                _ => None,
            };
            let file = source.map_or_else(String::new, |s| {
                format!("{}: ", crate::diagnostic::display_path(s))
            });
            let owner = o.owner.map_or_else(
                || "no owner".to_string(),
                |p| format!("owner {}", self.people[p].name),
            );
            out.push_str(&format!(
                "  {file}{} (review by {}, {owner})\n",
                self.title_of(o.item),
                o.review_by
            ));
        }
        out
    }
}
