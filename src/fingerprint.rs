//! Fingerprints of page inputs: a hash of everything a page is rendered
//! from, so an incremental build renders only pages whose input changed.
//!
//! A page's output is a pure function of its template set and its
//! [`PageInput`] (the template name and context values), so equal
//! fingerprints mean equal bytes, whatever kind of page it is. Hashing the
//! input costs far less than rendering it: contexts are mostly views shared
//! by many pages (the site, one card per session), and those are hashed once
//! per build and then found by address.

use std::collections::HashMap;

use rayon::prelude::*;
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
    known: HashMap<usize, Fingerprint>,
}

impl ValueHasher {
    /// A hasher that knows the hashes of `shared`, computed in parallel.
    /// The values must outlive every use of the hasher.
    pub fn with_shared(shared: &[&Value]) -> ValueHasher {
        let empty = ValueHasher::default();
        let known = shared
            .par_iter()
            .filter_map(|v| address(v).map(|a| (a, empty.hash(v))))
            .collect();
        ValueHasher { known }
    }

    /// The hash of one value.
    pub fn hash(&self, value: &Value) -> Fingerprint {
        let mut h = blake3::Hasher::new();
        self.feed(&mut h, value);
        finish(&h)
    }

    /// The fingerprint of a page: its template set, template and context.
    pub fn page(&self, templates: &Fingerprint, input: &PageInput) -> Fingerprint {
        let mut h = blake3::Hasher::new();
        h.update(templates);
        feed_str(&mut h, input.template);
        for (key, value) in &input.values {
            feed_str(&mut h, key);
            self.feed(&mut h, value);
        }
        finish(&h)
    }

    fn feed(&self, h: &mut blake3::Hasher, value: &Value) {
        if let Some(known) = address(value).and_then(|a| self.known.get(&a)) {
            h.update(b"k");
            h.update(known);
            return;
        }
        if let Some(map) = value.as_map() {
            h.update(b"m");
            h.update(&(map.len() as u64).to_le_bytes());
            for (k, v) in map {
                match k.as_str() {
                    Some(s) => feed_str(h, s),
                    None => {
                        h.update(b"K");
                        self.feed(h, &k.as_value());
                    }
                }
                self.feed(h, v);
            }
        } else if let Some(items) = value.as_array() {
            h.update(b"a");
            h.update(&(items.len() as u64).to_le_bytes());
            for v in items {
                self.feed(h, v);
            }
        } else if let Some(s) = value.as_str() {
            // Safe strings print unescaped: the same text renders differently.
            h.update(if value.is_safe() { b"S" } else { b"s" });
            feed_str(h, s);
        } else if let Some(b) = value.as_bool() {
            h.update(if b { b"T" } else { b"F" });
        } else if let Some(n) = value.as_number() {
            match n.as_integer() {
                Some(i) => {
                    h.update(b"i");
                    h.update(&i.to_le_bytes());
                }
                None => {
                    h.update(b"f");
                    h.update(&n.as_float().to_bits().to_le_bytes());
                }
            }
        } else if let Some(bytes) = value.as_bytes() {
            h.update(b"b");
            h.update(&(bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        } else if value.is_none() {
            h.update(b"n");
        } else {
            h.update(b"u");
        }
    }
}

/// The address of a shared (reference-counted) map or array, if `value` is one.
fn address(value: &Value) -> Option<usize> {
    if let Some(map) = value.as_map() {
        return Some(map as *const _ as usize);
    }
    match value.as_array() {
        // Empty vectors share a dangling address: never look them up.
        Some(items) if !items.is_empty() => Some(items.as_ptr() as usize),
        _ => None,
    }
}

fn feed_str(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn finish(h: &blake3::Hasher) -> Fingerprint {
    let mut out = [0; 16];
    out.copy_from_slice(&h.finalize().as_bytes()[..16]);
    out
}

/// The fingerprint of some bytes (an output file's content).
pub fn of_bytes(bytes: &[u8]) -> Fingerprint {
    let mut h = blake3::Hasher::new();
    h.update(bytes);
    finish(&h)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(values: Vec<(&'static str, Value)>) -> PageInput {
        PageInput {
            template: "page.html",
            values,
        }
    }

    #[test]
    fn equal_inputs_have_equal_fingerprints() {
        // Two builds: equal views at different addresses.
        let card = || Value::from_serializable(&serde_json::json!({"title": "A", "tags": [1, 2]}));
        let (one, two) = (card(), card());
        let first = ValueHasher::with_shared(&[&one]);
        let second = ValueHasher::with_shared(&[&two]);
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
        let third = ValueHasher::with_shared(&[&other]);
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
