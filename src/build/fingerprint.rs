//! Fingerprints of page inputs: a hash of everything a page is rendered
//! from, so an incremental build renders only pages whose input changed.
//!
//! A page's output is a pure function of its template set and its
//! [`PageInput`] (the template name and typed context, or finished text), so
//! equal fingerprints mean equal bytes, whatever kind of page it is. Hashing
//! the input costs far less than rendering it: a context is hashed as the
//! typed values its view made, without making template values of them (only
//! a page that is rendered gets those), and the views it shares with other
//! pages (the site, one card per session, long bodies) are hashed once per
//! build and then found by address.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::ser::{self, Serialize, Serializer};
use tera::Value;

use crate::render::PageInput;

/// A page's fingerprint. 128 bits: collisions are not a practical concern.
pub type Fingerprint = [u8; 16];

/// Hashes template values, remembering the hashes of shared values.
///
/// A shared value is fed as its remembered hash, not its content, so a
/// fingerprint is comparable only with fingerprints made by a hasher that
/// shares the same kind of values: every build shares all its views.
/// Cloning it is cheap (the hashes are shared): each page's fingerprint
/// holds a clone while its context is hashed ([`serialize_shared`]).
#[derive(Default, Clone)]
pub struct ValueHasher {
    /// Address of a shared map or array -> its hash. Only values that stay
    /// alive as long as the hasher are entered (the build's views), so an
    /// address cannot be reused by another value meanwhile.
    /// Looked up for every shared value of every page: FxHash, as an
    /// address needs no protection from crafted collisions.
    known: Arc<FxHashMap<usize, Fingerprint>>,
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
        ValueHasher {
            known: Arc::new(known),
        }
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
                let outer = HASHING.replace(Some(self.clone()));
                let fed = context.serialize(&mut TypedFeed { feed: &mut f });
                HASHING.set(outer);
                // A context that cannot be serialised cannot be rendered
                // either: the render reports it.
                if let Err(HashError(message)) = fed {
                    f.tag(b'E');
                    f.str(&message);
                }
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

thread_local! {
    /// The hasher of the context being fingerprinted on this thread, while
    /// [`ValueHasher::page`] hashes one: [`serialize_shared`] reads it.
    static HASHING: RefCell<Option<ValueHasher>> = const { RefCell::new(None) };
}

/// Runs `work` with no fingerprint in progress on this thread, so that any
/// template values it makes hold the values themselves, not their hashes:
/// rayon may run another page's render on a thread that is waiting inside a
/// fingerprint.
pub fn outside_fingerprint<T>(work: impl FnOnce() -> T) -> T {
    let outer = HASHING.take();
    let result = work();
    HASHING.set(outer);
    result
}

/// The newtype name that carries a template value's hash into [`TypedFeed`].
const PRINT: &str = "$fireside::fingerprint::Print";

/// Serialises a template value that a typed context holds (`#[serde(serialize_with)]`).
///
/// Making template values, it is the value itself (tera passes it through
/// by pointer). Fingerprinting, it is the value's hash: remembered by
/// address for the views this build shares, else worked out over the value.
/// Either way the hash tells a safe string from a plain one with the same
/// text, which a serde walk of the value cannot (tera serialises both as a
/// string): so every template value in a context goes through here.
pub fn serialize_shared<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
    let print = HASHING.with_borrow(|hasher| {
        hasher
            .as_ref()
            .map(|h| h.known_of(value).unwrap_or_else(|| h.hash(value)))
    });
    match print {
        Some(print) => serializer.serialize_newtype_struct(PRINT, &Print(print)),
        None => value.serialize(serializer),
    }
}

/// The newtype name that carries what a derived value is made from into [`TypedFeed`].
const DERIVED: &str = "$fireside::fingerprint::Derived";

/// Serialises a value of a context that is a pure function of `inputs` (for
/// this build of Fireside), named by `kind`.
///
/// Fingerprinting, it is `kind` and `inputs`, so a page's fingerprint costs
/// none of the work of making the value: only a page that renders makes it,
/// with `make`. Every build fingerprints every page and renders few of them
/// again, so a value that is dear to make and cheap to name (an Atom entry's
/// content, whose links are rewritten by an HTML parser) is made only where
/// it is read. `make` must depend on nothing but `inputs`, or a page whose
/// value changed could keep its fingerprint.
pub fn serialize_derived<S, I, V>(
    kind: &'static str,
    inputs: &I,
    make: impl FnOnce() -> V,
    serializer: S,
) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    I: Serialize + ?Sized,
    V: Serialize,
{
    if HASHING.with_borrow(Option::is_some) {
        serializer.serialize_newtype_struct(DERIVED, &(kind, inputs))
    } else {
        make().serialize(serializer)
    }
}

struct Print(Fingerprint);

impl Serialize for Print {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

/// Why a context could not be hashed: it cannot be rendered either.
#[derive(Debug)]
struct HashError(String);

impl fmt::Display for HashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HashError {}

impl ser::Error for HashError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        HashError(message.to_string())
    }
}

/// A serde serialiser that feeds a typed context into a hash.
///
/// Every value starts with a tag and every compound ends with `e`, strings
/// and bytes are length-prefixed: the encoding is prefix-free, so two
/// contexts that would make different template values feed different bytes.
/// Structs and maps feed alike, as do a newtype and its inner value: tera
/// makes the same template values of them.
struct TypedFeed<'f> {
    feed: &'f mut Feed,
}

impl TypedFeed<'_> {
    fn end(&mut self) -> Result<(), HashError> {
        self.feed.tag(b'e');
        Ok(())
    }
}

impl Serializer for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, v: bool) -> Result<(), HashError> {
        self.feed.tag(if v { b'T' } else { b'F' });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), HashError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), HashError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), HashError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), HashError> {
        self.feed.tag(b'i');
        self.feed.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), HashError> {
        self.feed.tag(b'I');
        self.feed.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), HashError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), HashError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), HashError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), HashError> {
        self.feed.tag(b'u');
        self.feed.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), HashError> {
        self.feed.tag(b'U');
        self.feed.bytes(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), HashError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), HashError> {
        self.feed.tag(b'f');
        self.feed.bytes(&v.to_bits().to_le_bytes());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), HashError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), HashError> {
        self.feed.tag(b's');
        self.feed.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), HashError> {
        self.feed.tag(b'b');
        self.feed.len(v.len());
        self.feed.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), HashError> {
        self.feed.tag(b'n');
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), HashError> {
        self.feed.tag(b'y');
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), HashError> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), HashError> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), HashError> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        if name == PRINT {
            self.feed.tag(b'k');
        } else if name == DERIVED {
            self.feed.tag(b'D');
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        self.feed.tag(b'V');
        self.feed.str(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, HashError> {
        self.feed.tag(b'a');
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, HashError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, HashError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, HashError> {
        self.feed.tag(b'V');
        self.feed.str(variant);
        self.feed.tag(b'a');
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, HashError> {
        self.feed.tag(b'm');
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self, HashError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, HashError> {
        self.feed.tag(b'V');
        self.feed.str(variant);
        self.feed.tag(b'm');
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeTuple for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeTupleStruct for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeTupleVariant for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeMap for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), HashError> {
        key.serialize(&mut **self)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), HashError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeStruct for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        self.feed.tag(b's');
        self.feed.str(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
    }
}

impl ser::SerializeStructVariant for &mut TypedFeed<'_> {
    type Ok = ();
    type Error = HashError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), HashError> {
        self.feed.tag(b's');
        self.feed.str(key);
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), HashError> {
        TypedFeed::end(self)
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
    use crate::render::TypedContext;
    use crate::views::Shared;

    /// A context of template values, each held as a view holds one.
    struct Values(Vec<(&'static str, Value)>);

    impl Serialize for Values {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                map.serialize_entry(k, &Shared(v))?;
            }
            map.end()
        }
    }

    fn input(values: Vec<(&'static str, Value)>) -> PageInput<'static> {
        PageInput::Template {
            template: "page.html",
            context: TypedContext::new(Values(values)),
        }
    }

    fn typed<'a>(context: impl Serialize + 'a) -> PageInput<'a> {
        PageInput::Template {
            template: "page.html",
            context: TypedContext::new(context),
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

    #[derive(serde::Serialize)]
    struct Card<'a> {
        title: &'a str,
        tags: Vec<u32>,
        note: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        extra: Option<&'a str>,
        #[serde(serialize_with = "crate::views::shared")]
        shared: &'a Value,
    }

    #[test]
    fn a_typed_context_is_hashed_field_by_field() {
        let h = ValueHasher::default();
        let card = Value::from("x");
        let base = Card {
            title: "A",
            tags: vec![1, 2],
            note: None,
            extra: None,
            shared: &card,
        };
        let print = |c: &Card| h.page(&[0; 16], &typed(c));
        let same = Card {
            tags: vec![1, 2],
            ..base
        };
        assert_eq!(print(&base), print(&same));
        let other_card = Value::safe_string("x");
        for other in [
            Card {
                title: "B",
                tags: vec![1, 2],
                ..base
            },
            Card {
                tags: vec![12],
                ..base
            },
            Card {
                tags: vec![1, 2],
                note: Some(""),
                ..base
            },
            Card {
                tags: vec![1, 2],
                extra: Some("A"),
                ..base
            },
            // The same text, but safe: it renders unescaped.
            Card {
                tags: vec![1, 2],
                shared: &other_card,
                ..base
            },
        ] {
            assert_ne!(print(&base), print(&other), "{:?}", other.title);
        }
    }

    #[test]
    fn a_shared_view_is_fed_as_its_remembered_hash() {
        let card = Value::from_serializable(&serde_json::json!({"title": "A"}));
        let knowing = ValueHasher::with_shared(&[&card], std::iter::empty());
        let plain = ValueHasher::default();
        let page = || input(vec![("card", card.clone())]);
        // Known or worked out, the hash is the value's.
        assert_eq!(
            knowing.page(&[0; 16], &page()),
            plain.page(&[0; 16], &page())
        );
        // Outside a fingerprint, the value serialises as itself.
        let PageInput::Template { context, .. } = page() else {
            unreachable!()
        };
        assert_eq!(
            context
                .value()
                .as_map()
                .and_then(|m| m.get(&tera::value::Key::Str("card")))
                .cloned(),
            Some(card)
        );
    }

    #[test]
    fn template_values_made_during_a_fingerprint_hold_the_values() {
        let card = Value::from_serializable(&serde_json::json!({"title": "A"}));
        let PageInput::Template { context, .. } = input(vec![("card", card.clone())]) else {
            unreachable!()
        };
        // As when rayon runs a page's render inside another page's fingerprint.
        HASHING.set(Some(ValueHasher::default()));
        let made = context.value();
        assert!(
            HASHING.take().is_some(),
            "the fingerprint in progress is restored"
        );
        assert_eq!(
            made.as_map()
                .and_then(|m| m.get(&tera::value::Key::Str("card")))
                .cloned(),
            Some(card)
        );
    }

    /// A context field that is derived from `input` by an expensive `make`.
    struct Derived<'a> {
        kind: &'static str,
        input: &'a str,
        made: &'a std::cell::Cell<u32>,
    }

    impl Serialize for Derived<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serialize_derived(
                self.kind,
                self.input,
                || {
                    self.made.set(self.made.get() + 1);
                    self.input.to_uppercase()
                },
                serializer,
            )
        }
    }

    #[test]
    fn a_derived_value_is_fingerprinted_by_its_inputs_and_made_only_to_render() {
        let h = ValueHasher::default();
        let made = std::cell::Cell::new(0);
        let derived = |kind, input| Derived {
            kind,
            input,
            made: &made,
        };
        let print = |d: Derived| h.page(&[0; 16], &typed(d));
        let base = print(derived("upper", "a"));
        assert_eq!(base, print(derived("upper", "a")));
        assert_ne!(base, print(derived("upper", "b")), "another input");
        assert_ne!(base, print(derived("lower", "a")), "another function");
        // Neither the value itself, nor the input as a plain string.
        assert_ne!(base, h.page(&[0; 16], &typed("A")));
        assert_ne!(base, h.page(&[0; 16], &typed("a")));
        assert_eq!(made.get(), 0, "fingerprints make nothing");

        let PageInput::Template { context, .. } = typed(derived("upper", "a")) else {
            unreachable!()
        };
        assert_eq!(context.value(), Value::from("A"));
        assert_eq!(made.get(), 1, "rendering makes it");
    }
}
