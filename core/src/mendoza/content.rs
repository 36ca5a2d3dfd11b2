//! What the encoder needs to know about JSON values, computed only where it
//! looks: equality, content hashes, and objects' fields in index order.
//!
//! Nothing is precomputed for the whole document: a small edit in a large
//! document is found by comparing the two values top-down, and hashes are
//! taken only of the array elements and fields that are candidates for a
//! move. Every function here stops recursing at [`MAX_DEPTH`] (deeper values
//! are then treated as different and written literally), so a hostile value
//! cannot exhaust the stack.

use serde_json::{Map, Number, Value};

/// Values nested deeper than this are not compared or edited, only written.
/// Documents are limited to
/// [`MAX_DOCUMENT_DEPTH`](crate::limits::MAX_DOCUMENT_DEPTH) levels.
pub(crate) const MAX_DEPTH: usize = 2 * crate::limits::MAX_DOCUMENT_DEPTH;

/// Whether two values are equal (as `==`), found quickly when both objects
/// list their fields in the same order, as a document and its edited copy
/// usually do.
pub(crate) fn same(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            for ((ka, va), (kb, vb)) in x.iter().zip(y) {
                if ka != kb {
                    // Another order: compare by key.
                    return x
                        .iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, depth + 1)));
                }
                if !same(va, vb, depth + 1) {
                    return false;
                }
            }
            true
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, depth + 1))
        }
        _ => a == b,
    }
}

/// A content hash: equal values hash equally whatever their field order.
/// Hashes only propose matches; the encoder confirms each with [`same`], so a
/// collision (even a crafted one) costs patch size, never correctness.
pub(crate) fn hash(value: &Value, depth: usize) -> u64 {
    if depth > MAX_DEPTH {
        return 0;
    }
    match value {
        Value::Null => mix(1, 0),
        Value::Bool(b) => mix(2, *b as u64),
        Value::Number(n) => number_hash(n),
        Value::String(s) => string_hash(5, s),
        Value::Array(items) => items.iter().fold(mix(6, items.len() as u64), |h, item| {
            mix(h, hash(item, depth + 1))
        }),
        Value::Object(map) => {
            // Fields are summed so their order does not matter.
            let fields = map.iter().fold(0u64, |sum, (k, v)| {
                sum.wrapping_add(mix(string_hash(8, k), hash(v, depth + 1)))
            });
            mix(mix(7, map.len() as u64), fields)
        }
    }
}

fn mix(hash: u64, word: u64) -> u64 {
    let m = (hash ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    m ^ (m >> 29)
}

fn string_hash(tag: u64, text: &str) -> u64 {
    let bytes = text.as_bytes();
    // Two independent lanes, so the multiplications overlap.
    let (mut a, mut b) = (mix(tag, bytes.len() as u64), tag);
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        let (x, y) = chunk.split_at(8);
        a = mix(a, word(x));
        b = mix(b, word(y));
    }
    for piece in chunks.remainder().chunks(8) {
        a = mix(a, word(piece));
    }
    mix(a, b)
}

/// Up to eight bytes as a little-endian word.
fn word(bytes: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = bytes.len().min(8);
    word[..n].copy_from_slice(&bytes[..n]);
    u64::from_le_bytes(word)
}

fn number_hash(n: &Number) -> u64 {
    if let Some(u) = n.as_u64() {
        mix(3, u)
    } else if let Some(i) = n.as_i64() {
        mix(4, i as u64)
    } else {
        mix(9, n.as_f64().unwrap_or(0.0).to_bits())
    }
}

/// A field of an object, at its index in the object's keys sorted by UTF-8
/// bytes (the order key indices count in).
#[derive(Clone, Copy)]
pub(crate) struct Field<'a> {
    pub key: &'a str,
    pub value: &'a Value,
    /// Whether the npm decoder, which sorts keys by UTF-16 code units, gives
    /// the field the same index. The orders differ only when keys mix
    /// characters in U+E000..=U+FFFF with ones above U+FFFF; such a field is
    /// never referred to by index.
    pub addressable: bool,
}

/// The fields of `map` in index order.
pub(crate) fn sorted_fields(map: &Map<String, Value>) -> Vec<Field<'_>> {
    let mut fields: Vec<Field<'_>> = map
        .iter()
        .map(|(key, value)| Field {
            key,
            value,
            addressable: true,
        })
        .collect();
    fields.sort_unstable_by(|a, b| a.key.cmp(b.key));
    // Only characters of U+E000 and above (a lead byte of 0xEE or more)
    // sort differently in UTF-16.
    if fields.iter().any(|f| f.key.bytes().any(|b| b >= 0xEE)) {
        let mut by_utf16: Vec<(usize, Vec<u16>)> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.key.encode_utf16().collect()))
            .collect();
        by_utf16.sort_by(|a, b| a.1.cmp(&b.1));
        for (rank, (index, _)) in by_utf16.iter().enumerate() {
            if rank != *index {
                if let Some(field) = fields.get_mut(*index) {
                    field.addressable = false;
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equality_and_hashes() {
        let a = json!({"b": [1, "x", null, true], "a": {"z": 1.5, "y": {}}, "c": []});
        let reordered = json!({"c": [], "a": {"y": {}, "z": 1.5}, "b": [1, "x", null, true]});
        assert!(same(&a, &reordered, 0));
        assert_eq!(hash(&a, 0), hash(&reordered, 0));
        let different = [
            json!({"b": [1, "x", null, false], "a": {"z": 1.5, "y": {}}, "c": []}),
            json!({"b": [1, "x", null, true], "a": {"z": 1.5, "y": []}, "c": []}),
            json!({"b": [1, "x", null, true], "a": {"z": 1.5, "y": {}}, "d": []}),
            json!({"b": [1, "x", null, true], "a": {"z": 1.5, "y": {}}}),
            json!([1, "x", null, true]),
        ];
        for d in &different {
            assert!(!same(&a, d, 0), "{d}");
            assert_ne!(hash(&a, 0), hash(d, 0), "{d}");
        }
        let strings: Vec<Value> = [
            "",
            "a",
            "b",
            "ab",
            "ba",
            "abcdefghijklmnopq",
            "abcdefghijklmnopr",
        ]
        .iter()
        .map(|s| json!(s))
        .collect();
        for (i, x) in strings.iter().enumerate() {
            for (j, y) in strings.iter().enumerate() {
                assert_eq!(hash(x, 0) == hash(y, 0), i == j, "{x} {y}");
            }
        }
    }

    #[test]
    fn deep_values_are_never_equal_but_do_not_overflow() {
        let mut value = json!(1);
        for _ in 0..=MAX_DEPTH {
            value = json!([value]);
        }
        assert!(!same(&value, &value.clone(), 0));
        hash(&value, 0);
    }

    #[test]
    fn keys_sorted_differently_by_utf16_are_not_addressable() {
        // U+FF21 sorts after U+1F600 in UTF-8 but before it in UTF-16.
        let value = json!({"a": 1, "\u{FF21}": 2, "\u{1F600}": 3, "b": 4});
        let Value::Object(map) = &value else {
            unreachable!()
        };
        let flags: Vec<(&str, bool)> = sorted_fields(map)
            .iter()
            .map(|f| (f.key, f.addressable))
            .collect();
        assert_eq!(
            flags,
            [
                ("a", true),
                ("b", true),
                ("\u{FF21}", false),
                ("\u{1F600}", false)
            ]
        );
    }
}
