//! Typed indexes into the site's item lists.
//!
//! Every relation in the model is an index into one of [`Site`](super::Site)'s
//! lists. A plain `usize` would let a person's index be used to look up a
//! session, and nothing would notice until a page showed the wrong name; a
//! type per list makes that a compile error. The lists are
//! [`TiVec`]s, so `site.sessions[id]` takes only a [`SessionId`].

use serde::Serialize;
pub use typed_index_collections::TiVec;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(usize);

        impl $name {
            /// The position in its list, for code that keeps parallel lists.
            pub fn index(self) -> usize {
                self.0
            }
        }

        impl From<usize> for $name {
            fn from(index: usize) -> Self {
                Self(index)
            }
        }

        impl From<$name> for usize {
            fn from(id: $name) -> usize {
                id.0
            }
        }
    )*};
}

ids! {
    /// A session in `Site::sessions`.
    SessionId,
    /// A pattern in `Site::patterns`.
    PatternId,
    /// A community in `Site::communities`.
    CommunityId,
    /// A person in `Site::people`.
    PersonId,
    /// A plain page in `Site::pages`.
    PageId,
    /// An agenda in `Site::agendas`.
    AgendaId,
    /// A tag in `Site::tags`.
    TagId,
    /// A format in `Site::formats`.
    FormatId,
    /// A series in `Site::series`.
    SeriesId,
}
