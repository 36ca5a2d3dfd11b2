//! A flat, hashed mirror of a JSON value for the encoder.
//!
//! Every node gets a content hash (so equal subtrees are found without
//! comparing them, and moved array elements through a hash table) and its
//! size in compact JSON (what writing it literally into a patch costs). Object
//! fields are listed sorted by key, which makes a field's position its index
//! in `PushField`-style operations. One pass builds it, linear in the value.
//!
//! Hashes only propose matches; the encoder confirms each with `==`, so a
//! collision costs patch size, never correctness.

use serde_json::{Number, Value};

use super::size;

pub(crate) type NodeId = u32;

/// The root is always the first node.
pub(crate) const ROOT: NodeId = 0;

/// Values nested deeper than this are not mirrored (the encoder then writes
/// the right value literally). Documents are limited to
/// [`MAX_DOCUMENT_DEPTH`](crate::limits::MAX_DOCUMENT_DEPTH) levels; the
/// margin keeps any value core accepts encodable.
const MAX_DEPTH: usize = 2 * crate::limits::MAX_DOCUMENT_DEPTH;

pub(crate) struct Node<'a> {
    pub value: &'a Value,
    /// The field's key when the parent is an object, else "".
    pub key: &'a str,
    pub hash: u64,
    /// Bytes of the value in compact JSON.
    pub size: usize,
    /// Whether the field's index is the same whether keys are sorted by UTF-8
    /// bytes (the Go encoder and this crate) or by UTF-16 code units (the npm
    /// decoder). They differ only when a key mixes characters in
    /// U+E000..=U+FFFF with ones above U+FFFF; such a field is never
    /// referred to by index.
    pub addressable: bool,
    kids_start: u32,
    kids_len: u32,
}

pub(crate) struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    kids: Vec<NodeId>,
}

impl<'a> Tree<'a> {
    /// The mirror of `value`, or `None` when it nests too deep.
    pub(crate) fn build(value: &'a Value) -> Option<Tree<'a>> {
        let mut tree = Tree {
            nodes: Vec::new(),
            kids: Vec::new(),
        };
        tree.add(value, "", 0)?;
        Some(tree)
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node<'a> {
        // Ids come only from this tree, so they are always in range.
        &self.nodes[id as usize]
    }

    /// Array elements in order, or object fields sorted by key.
    pub(crate) fn kids(&self, id: NodeId) -> &[NodeId] {
        let node = self.node(id);
        let start = node.kids_start as usize;
        &self.kids[start..start + node.kids_len as usize]
    }

    fn add(&mut self, value: &'a Value, key: &'a str, depth: usize) -> Option<NodeId> {
        if depth > MAX_DEPTH {
            return None;
        }
        let id = NodeId::try_from(self.nodes.len()).ok()?;
        self.nodes.push(Node {
            value,
            key,
            hash: 0,
            size: 0,
            addressable: true,
            kids_start: 0,
            kids_len: 0,
        });
        let (hash, size, kids) = match value {
            Value::Null => (mix(1, 0), 4, Vec::new()),
            Value::Bool(b) => (mix(2, *b as u64), if *b { 4 } else { 5 }, Vec::new()),
            Value::Number(n) => (number_hash(n), size::number(n), Vec::new()),
            Value::String(s) => (string_hash(5, s), size::string(s), Vec::new()),
            Value::Array(items) => {
                let mut kids = Vec::with_capacity(items.len());
                let (mut hash, mut size) = (mix(6, items.len() as u64), 1 + items.len().max(1));
                for item in items {
                    let kid = self.add(item, "", depth + 1)?;
                    let node = self.node(kid);
                    hash = mix(hash, node.hash);
                    size += node.size;
                    kids.push(kid);
                }
                (hash, size, kids)
            }
            Value::Object(map) => {
                let mut fields: Vec<(&'a str, &'a Value)> =
                    map.iter().map(|(k, v)| (k.as_str(), v)).collect();
                fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut kids = Vec::with_capacity(fields.len());
                let (mut hash, mut size) = (mix(7, fields.len() as u64), 1 + fields.len().max(1));
                for (k, v) in fields {
                    let kid = self.add(v, k, depth + 1)?;
                    let node = self.node(kid);
                    hash = mix(mix(hash, string_hash(8, k)), node.hash);
                    size += size::string(k) + 1 + node.size;
                    kids.push(kid);
                }
                self.mark_unaddressable(&kids);
                (hash, size, kids)
            }
        };
        let kids_start = u32::try_from(self.kids.len()).ok()?;
        let kids_len = u32::try_from(kids.len()).ok()?;
        self.kids.extend(kids);
        let node = self.nodes.get_mut(id as usize)?;
        node.hash = hash;
        node.size = size;
        node.kids_start = kids_start;
        node.kids_len = kids_len;
        Some(id)
    }

    /// Flags fields whose index the npm decoder would compute differently.
    fn mark_unaddressable(&mut self, kids: &[NodeId]) {
        // Both orders agree unless some key holds a byte of U+E000 or above
        // (0xEE..): only those characters sort differently in UTF-16.
        if !kids
            .iter()
            .any(|&k| self.node(k).key.bytes().any(|b| b >= 0xEE))
        {
            return;
        }
        let mut by_utf16: Vec<(usize, Vec<u16>)> = kids
            .iter()
            .enumerate()
            .map(|(i, &k)| (i, self.node(k).key.encode_utf16().collect()))
            .collect();
        by_utf16.sort_by(|a, b| a.1.cmp(&b.1));
        for (rank, (index, _)) in by_utf16.iter().enumerate() {
            if rank != *index {
                if let Some(&kid) = kids.get(*index) {
                    if let Some(node) = self.nodes.get_mut(kid as usize) {
                        node.addressable = false;
                    }
                }
            }
        }
    }
}

fn mix(hash: u64, word: u64) -> u64 {
    let m = (hash ^ word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    m ^ (m >> 29)
}

fn string_hash(tag: u64, text: &str) -> u64 {
    let bytes = text.as_bytes();
    let mut hash = mix(tag, bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        hash = mix(hash, u64::from_le_bytes(word));
    }
    hash
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_and_hashes() {
        let value = json!({"b": [1, "x", null, true], "a": {"z": 1.5, "y": {}}, "c": []});
        let tree = Tree::build(&value).unwrap();
        let mut same = 0;
        for id in 0..tree.nodes.len() as NodeId {
            let node = tree.node(id);
            assert_eq!(node.size, serde_json::to_string(node.value).unwrap().len());
            for other in 0..tree.nodes.len() as NodeId {
                if tree.node(other).hash == node.hash {
                    same += 1;
                }
            }
        }
        assert_eq!(same, tree.nodes.len(), "every node hashes differently");
        let keys: Vec<&str> = tree.kids(ROOT).iter().map(|&k| tree.node(k).key).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        // Field order does not change an object's hash.
        let reordered = json!({"c": [], "a": {"y": {}, "z": 1.5}, "b": [1, "x", null, true]});
        assert_eq!(
            Tree::build(&reordered).unwrap().node(ROOT).hash,
            tree.node(ROOT).hash
        );
    }

    #[test]
    fn keys_sorted_differently_by_utf16_are_not_addressable() {
        // U+FF21 sorts after U+1F600 in UTF-8 but before it in UTF-16.
        let value = json!({"a": 1, "\u{FF21}": 2, "\u{1F600}": 3, "b": 4});
        let tree = Tree::build(&value).unwrap();
        let flags: Vec<(&str, bool)> = tree
            .kids(ROOT)
            .iter()
            .map(|&k| (tree.node(k).key, tree.node(k).addressable))
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

    #[test]
    fn refuses_values_nested_too_deep() {
        let mut value = json!(1);
        for _ in 0..=MAX_DEPTH {
            value = json!([value]);
        }
        assert!(Tree::build(&value).is_none());
    }
}
