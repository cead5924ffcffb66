//! Fingerprints of page inputs: a hash of everything a page is rendered
//! from, so an incremental build renders only pages whose input changed.
//!
//! A page's output is a pure function of its template set and its
//! [`PageInput`] (the template name and context values, or finished text), so equal
//! fingerprints mean equal bytes, whatever kind of page it is. Hashing the
//! input costs far less than rendering it: contexts are mostly views shared
//! by many pages (the site, one card per session), and those are hashed once
//! per build and then found by address.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::Value;

use crate::render::PageInput;

/// A page's fingerprint. 128 bits: collisions are not a practical concern.
pub type Fingerprint = [u8; 16];

/// Hashes template values, remembering the hashes of shared values.
///
/// A shared value is fed as its remembered hash, not its content, so a
/// fingerprint is comparable only with fingerprints made by a hasher that
/// shares the same kind of values: every build shares all its views.
#[derive(Default)]
pub struct ValueHasher {
    /// Address of a shared map or array -> its hash. Only values that stay
    /// alive as long as the hasher are entered (the build's views), so an
    /// address cannot be reused by another value meanwhile.
    /// Looked up for every map and array of every page: FxHash, as an
    /// address needs no protection from crafted collisions.
    known: FxHashMap<usize, Fingerprint>,
}

impl ValueHasher {
    /// A hasher that knows the hashes of `shared`, computed in parallel,
    /// and of `strings` (long strings, such as bodies, with their hash when
    /// a previous build knew it). The values must outlive every use of the
    /// hasher.
    pub fn with_shared<'v>(
        shared: &[&Value],
        strings: impl Iterator<Item = (&'v Value, Option<Fingerprint>)>,
    ) -> ValueHasher {
        let empty = ValueHasher::default();
        let strings: Vec<(&Value, Option<Fingerprint>)> = strings.collect();
        let mut known: FxHashMap<usize, Fingerprint> = shared
            .par_iter()
            .filter_map(|v| address(v).map(|a| (a, empty.hash(v))))
            .collect();
        known.par_extend(strings.into_par_iter().filter_map(|(v, print)| {
            address(v).map(|a| (a, print.unwrap_or_else(|| empty.hash(v))))
        }));
        ValueHasher { known }
    }

    /// The hash of a shared value, if this hasher knows it.
    pub fn known_of(&self, value: &Value) -> Option<Fingerprint> {
        address(value).and_then(|a| self.known.get(&a).copied())
    }

    /// The hash of one value.
    pub fn hash(&self, value: &Value) -> Fingerprint {
        let mut f = Feed::default();
        self.feed(&mut f, value);
        f.finish()
    }

    /// The fingerprint of a page: its template set, template and context,
    /// or its finished text.
    pub fn page(&self, templates: &Fingerprint, input: &PageInput) -> Fingerprint {
        let mut f = Feed::default();
        f.bytes(templates);
        match input {
            PageInput::Template { template, context } => {
                f.tag(b'P');
                f.str(template);
                self.feed(&mut f, context);
            }
            PageInput::Text(text) => {
                f.tag(b'X');
                f.str(text);
            }
            PageInput::Image(card) => {
                f.tag(b'I');
                f.bytes(crate::render::social::fingerprint_salt());
                for text in [
                    &card.title,
                    &card.subtitle,
                    &card.kind,
                    &card.site,
                    &card.accent,
                ] {
                    f.str(text);
                }
            }
        }
        f.finish()
    }

    fn feed(&self, f: &mut Feed, value: &Value) {
        if let Some(known) = address(value).and_then(|a| self.known.get(&a)) {
            f.tag(b'k');
            f.bytes(known);
            return;
        }
        if let Some(map) = value.as_map() {
            f.tag(b'm');
            f.len(map.len());
            for (k, v) in map {
                match k.as_str() {
                    Some(s) => f.str(s),
                    None => {
                        f.tag(b'K');
                        self.feed(f, &k.as_value());
                    }
                }
                self.feed(f, v);
            }
        } else if let Some(items) = value.as_array() {
            f.tag(b'a');
            f.len(items.len());
            for v in items {
                self.feed(f, v);
            }
        } else if let Some(s) = value.as_str() {
            // Safe strings print unescaped: the same text renders differently.
            f.tag(if value.is_safe() { b'S' } else { b's' });
            f.str(s);
        } else if let Some(b) = value.as_bool() {
            f.tag(if b { b'T' } else { b'F' });
        } else if let Some(n) = value.as_number() {
            match n.as_integer() {
                Some(i) => {
                    f.tag(b'i');
                    f.bytes(&i.to_le_bytes());
                }
                None => {
                    f.tag(b'f');
                    f.bytes(&n.as_float().to_bits().to_le_bytes());
                }
            }
        } else if let Some(bytes) = value.as_bytes() {
            f.tag(b'b');
            f.len(bytes.len());
            f.bytes(bytes);
        } else if value.is_none() {
            f.tag(b'n');
        } else {
            f.tag(b'u');
        }
    }
}

/// Bytes on their way into the hash. Small pieces are gathered in a buffer
/// first: the hash is much faster on a few long inputs than many tiny ones.
#[derive(Default)]
struct Feed {
    buffer: Vec<u8>,
    hasher: blake3::Hasher,
}

impl Feed {
    const FLUSH_AT: usize = 16 * 1024;

    fn tag(&mut self, tag: u8) {
        self.buffer.push(tag);
    }

    fn len(&mut self, len: usize) {
        self.buffer.extend_from_slice(&(len as u64).to_le_bytes());
    }

    /// Length-prefixed, so adjacent strings cannot run together.
    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.bytes(s.as_bytes());
    }

    fn bytes(&mut self, bytes: &[u8]) {
        if self.buffer.len() + bytes.len() > Self::FLUSH_AT {
            self.hasher.update(&self.buffer);
            self.buffer.clear();
            if bytes.len() > Self::FLUSH_AT {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buffer.extend_from_slice(bytes);
    }

    fn finish(mut self) -> Fingerprint {
        self.hasher.update(&self.buffer);
        let mut out = [0; 16];
        out.copy_from_slice(&self.hasher.finalize().as_bytes()[..16]);
        out
    }
}

/// The address of a shared (reference-counted) map, array or long string,
/// if `value` is one.
fn address(value: &Value) -> Option<usize> {
    if let Some(map) = value.as_map() {
        return Some(map as *const _ as usize);
    }
    if let Some(s) = value.as_str() {
        // Long strings live behind a shared pointer (tera keeps short ones
        // inline, where their address is the value's own and moves with it).
        return (s.len() >= crate::views::SHARED_BODY_MIN).then_some(s.as_ptr() as usize);
    }
    match value.as_array() {
        // Empty vectors share a dangling address: never look them up.
        Some(items) if !items.is_empty() => Some(items.as_ptr() as usize),
        _ => None,
    }
}

/// The fingerprint of some bytes (an output file's content).
pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
    let mut out = [0; 16];
    out.copy_from_slice(&blake3::hash(bytes).as_bytes()[..16]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(values: Vec<(&'static str, Value)>) -> PageInput {
        let mut map = tera::Map::new();
        for (k, v) in values {
            map.insert(tera::value::Key::Str(k), v);
        }
        PageInput::Template {
            template: "page.html",
            context: Value::from(map),
        }
    }

    #[test]
    fn equal_inputs_have_equal_fingerprints() {
        // Two builds: equal views at different addresses.
        let card = || Value::from_serializable(&serde_json::json!({"title": "A", "tags": [1, 2]}));
        let (one, two) = (card(), card());
        let first = ValueHasher::with_shared(&[&one], std::iter::empty());
        let second = ValueHasher::with_shared(&[&two], std::iter::empty());
        let page = |v: &Value| {
            input(vec![
                ("list", Value::from(vec![v.clone()])),
                ("x", Value::from(1)),
            ])
        };
        assert_eq!(
            first.page(&[0; 16], &page(&one)),
            second.page(&[0; 16], &page(&two))
        );
        let plain = ValueHasher::default();
        assert_eq!(
            plain.page(&[0; 16], &page(&one)),
            plain.page(&[0; 16], &page(&two))
        );
        // A changed view changes the pages that show it.
        let other = Value::from_serializable(&serde_json::json!({"title": "B", "tags": [1, 2]}));
        let third = ValueHasher::with_shared(&[&other], std::iter::empty());
        assert_ne!(
            first.page(&[0; 16], &page(&one)),
            third.page(&[0; 16], &page(&other))
        );
    }

    #[test]
    fn any_difference_changes_the_fingerprint() {
        let h = ValueHasher::default();
        let base = h.page(&[0; 16], &input(vec![("t", Value::from("a<b"))]));
        for other in [
            input(vec![("t", Value::safe_string("a<b"))]),
            input(vec![("t", Value::from("a<c"))]),
            input(vec![("u", Value::from("a<b"))]),
            input(vec![("t", Value::from(vec![Value::from("a<b")]))]),
        ] {
            assert_ne!(base, h.page(&[0; 16], &other));
        }
        assert_ne!(
            base,
            h.page(&[1; 16], &input(vec![("t", Value::from("a<b"))]))
        );
        // Adjacent strings cannot run together.
        let ab = input(vec![(
            "t",
            Value::from(vec![Value::from("ab"), Value::from("")]),
        )]);
        let a_b = input(vec![(
            "t",
            Value::from(vec![Value::from("a"), Value::from("b")]),
        )]);
        assert_ne!(h.page(&[0; 16], &ab), h.page(&[0; 16], &a_b));
    }
}
