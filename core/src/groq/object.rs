//! GROQ objects: insertion-ordered maps from keys to values.
//!
//! Documents are small objects (a handful to a few dozen keys) read far more
//! often than they are built, and most reads look up a key the query names
//! (`_type`, `views`). For a few keys a linear scan that compares lengths
//! first beats hashing the key; only large objects get a hash index, so a
//! 10,000-key object is not scanned per lookup. Each key also keeps a
//! fingerprint (its first bytes and length in one word) so the scan compares
//! words, and most keys, being short, never need a byte comparison.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

use super::hash::BuildKeyHasher;
use super::value::{Value, NULL};

/// A key prepared for [`Object::get_key`].
#[derive(Debug)]
pub struct Key {
    name: Arc<str>,
    print: u64,
    /// Where the key was found last time. Documents of one type list their
    /// keys in the same order, so the next document usually has it there
    /// too, and the scan is skipped. (Atomic only so that a compiled filter
    /// can be shared; relaxed loads and stores are plain moves.)
    hint: AtomicUsize,
}

impl Clone for Key {
    fn clone(&self) -> Key {
        Key {
            name: self.name.clone(),
            print: self.print,
            hint: AtomicUsize::new(self.hint.load(Relaxed)),
        }
    }
}

/// Keys compare by name: the fingerprint follows from it and the hint is a cache.
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.name == other.name
    }
}

impl std::ops::Deref for Key {
    type Target = str;

    fn deref(&self) -> &str {
        &self.name
    }
}

impl AsRef<str> for Key {
    fn as_ref(&self) -> &str {
        &self.name
    }
}

impl From<&str> for Key {
    fn from(name: &str) -> Key {
        Key::new(name)
    }
}

impl Key {
    pub fn new(name: &str) -> Key {
        Key {
            name: Arc::from(name),
            print: fingerprint(name),
            hint: AtomicUsize::new(0),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The name as the shared string object keys are made of.
    pub fn shared(&self) -> &Arc<str> {
        &self.name
    }
}

/// `a.b.c` from a value, with its keys prepared: null when a step is
/// missing or not an object. For paths read from thousands of documents (a
/// pushed-down filter, an `order()` key).
#[derive(Debug, Clone)]
pub struct KeyPath(Vec<Key>);

impl KeyPath {
    pub fn new<'a>(segments: impl IntoIterator<Item = &'a str>) -> KeyPath {
        KeyPath(segments.into_iter().map(Key::new).collect())
    }

    #[inline]
    pub fn get<'v>(&self, value: &'v Value) -> &'v Value {
        // Most paths are one attribute (`_type`, `views`).
        if let [key] = self.0.as_slice() {
            return match value {
                Value::Object(o) => o.get_key(key).unwrap_or(&NULL),
                _ => &NULL,
            };
        }
        let mut v = value;
        for key in &self.0 {
            v = match v {
                Value::Object(o) => o.get_key(key).unwrap_or(&NULL),
                _ => return &NULL,
            };
        }
        v
    }
}

/// One key and its value (fields private: only `Object` keeps them consistent).
#[derive(Debug, Clone)]
pub struct Entry {
    /// `fingerprint(&key)`, compared before the key itself.
    print: u64,
    key: Arc<str>,
    value: Value,
}

/// Past this many keys, lookups go through a hash index.
const INDEX_FROM: usize = 16;

#[derive(Debug, Clone, Default)]
pub struct Object {
    entries: Vec<Entry>,
    /// Key → position in `entries`; present once the object is large.
    index: Option<HashMap<Arc<str>, usize, BuildKeyHasher>>,
}

impl Object {
    pub fn new() -> Object {
        Object::default()
    }

    pub fn with_capacity(n: usize) -> Object {
        Object {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Where `key` sits in insertion order.
    pub fn get_index_of(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.scan(key, fingerprint(key)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].value)
    }

    /// As [`Object::get`], with the key's fingerprint computed beforehand:
    /// for one key looked up in thousands of documents.
    #[inline]
    pub fn get_key(&self, key: &Key) -> Option<&Value> {
        let hint = key.hint.load(Relaxed);
        if let Some(e) = self.entries.get(hint) {
            if e.print == key.print && same_key(&e.key, &key.name) {
                return Some(&e.value);
            }
        }
        let i = match &self.index {
            Some(index) => index.get(key.name.as_ref()).copied(),
            None => self.scan(&key.name, key.print),
        }?;
        key.hint.store(i, Relaxed);
        Some(&self.entries[i].value)
    }

    fn scan(&self, key: &str, print: u64) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.print == print && same_key(&e.key, key))
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get_index_of(key).is_some()
    }

    /// Sets `key`; an existing key keeps its position, as in a JSON object
    /// whose attribute is overwritten.
    pub fn insert(&mut self, key: Arc<str>, value: Value) -> Option<Value> {
        if let Some(i) = self.get_index_of(&key) {
            return Some(std::mem::replace(&mut self.entries[i].value, value));
        }
        let position = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), position);
        }
        self.entries.push(Entry {
            print: fingerprint(&key),
            key,
            value,
        });
        if self.index.is_none() && self.entries.len() > INDEX_FROM {
            self.reindex();
        }
        None
    }

    /// Removes `key`, keeping the order of the others.
    pub fn shift_remove(&mut self, key: &str) -> Option<Value> {
        let i = self.get_index_of(key)?;
        let value = self.entries.remove(i).value;
        if self.index.is_some() {
            self.reindex();
        }
        Some(value)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Arc<str>, &Value)> + ExactSizeIterator {
        self.entries.iter().map(|e| (&e.key, &e.value))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Arc<str>> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.key)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.value)
    }

    fn reindex(&mut self) {
        let mut index = HashMap::with_capacity_and_hasher(self.entries.len(), Default::default());
        for (i, e) in self.entries.iter().enumerate() {
            index.insert(e.key.clone(), i);
        }
        self.index = Some(index);
    }
}

/// Whether two keys with equal fingerprints are equal: the fingerprint
/// covers the first eight bytes, so only the length and the rest are left.
#[inline]
fn same_key(a: &str, b: &str) -> bool {
    a.len() == b.len() && (a.len() <= 8 || a.as_bytes()[8..] == b.as_bytes()[8..])
}

/// The first eight bytes of `key` with its length mixed in: equal keys have
/// equal prints, and for keys of up to eight bytes equal prints (and lengths)
/// mean equal keys.
#[inline]
fn fingerprint(key: &str) -> u64 {
    let bytes = key.as_bytes();
    // Short keys are read as two overlapping loads whose shared bytes agree,
    // so OR-ing them places every byte at its position without a loop.
    let n = bytes.len();
    let word = match (bytes.first_chunk::<8>(), bytes.first_chunk::<4>()) {
        (Some(first), _) => u64::from_le_bytes(*first),
        (None, Some(first)) => {
            let mut last = [0u8; 4];
            last.copy_from_slice(&bytes[n - 4..]);
            u64::from(u32::from_le_bytes(*first))
                | (u64::from(u32::from_le_bytes(last)) << (8 * (n - 4)))
        }
        (None, None) if n > 0 => {
            u64::from(bytes[0])
                | (u64::from(bytes[n / 2]) << (8 * (n / 2)))
                | (u64::from(bytes[n - 1]) << (8 * (n - 1)))
        }
        _ => 0,
    };
    word ^ (bytes.len() as u64).rotate_right(8)
}

impl FromIterator<(Arc<str>, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (Arc<str>, Value)>>(iter: I) -> Object {
        let iter = iter.into_iter();
        let mut out = Object::with_capacity(iter.size_hint().0);
        for (k, v) in iter {
            out.insert(k, v);
        }
        out
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a Arc<str>, &'a Value);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, Entry>, fn(&'a Entry) -> (&'a Arc<str>, &'a Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|e| (&e.key, &e.value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_overwrites_in_place() {
        let mut o = Object::new();
        o.insert("b".into(), Value::Number(1.0));
        o.insert("a".into(), Value::Number(2.0));
        o.insert("b".into(), Value::Number(3.0));
        let keys: Vec<&str> = o.keys().map(|k| k.as_ref()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(o.get("b").and_then(Value::as_f64), Some(3.0));
    }

    #[test]
    fn fingerprints_place_each_byte() {
        for key in [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "abcde",
            "abcdefg",
            "abcdefgh",
            "abcdefghij",
        ] {
            let mut word = [0u8; 8];
            let n = key.len().min(8);
            word[..n].copy_from_slice(&key.as_bytes()[..n]);
            let expected = u64::from_le_bytes(word) ^ (key.len() as u64).rotate_right(8);
            assert_eq!(fingerprint(key), expected, "{key}");
        }
    }

    #[test]
    fn large_objects_are_indexed_and_stay_consistent_after_removal() {
        let mut o: Object = (0..100)
            .map(|i| (Arc::from(format!("k{i}")), Value::Number(i as f64)))
            .collect();
        assert!(o.index.is_some());
        assert_eq!(o.shift_remove("k10").and_then(|v| v.as_f64()), Some(10.0));
        assert_eq!(o.get("k11").and_then(Value::as_f64), Some(11.0));
        assert_eq!(o.get_index_of("k11"), Some(10));
        assert!(o.get("k10").is_none());
        assert_eq!(o.len(), 99);
    }
}
