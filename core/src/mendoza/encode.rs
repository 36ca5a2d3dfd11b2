//! The encoder: a small patch that turns one JSON value into another.
//!
//! For every value that differs, the encoder prices the ways of producing the
//! right-hand value in bytes of compact JSON and keeps the cheapest: writing
//! it literally, or editing the left value in place (starting from a copy of
//! it, or from a blank value and copying back what survives). Edits recurse
//! into fields matched by key and into array elements matched by content,
//! `_key` or position (`encode_array`), and reuse unchanged runs of strings
//! (`encode_string`). Unchanged parts cost nothing or one slice.
//!
//! The work is linear in the two values (one hashing pass each, then each
//! left value is compared or edited against at most one right value), so the
//! encoder can run on every committed write.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use super::op::Op;
use super::size;
use super::tree::{NodeId, Tree, ROOT};

/// The operations that turn `left` into `right`.
pub fn encode_ops<'a>(left: &'a Value, right: &'a Value) -> Vec<Op<'a>> {
    let literal = vec![Op::Value(right)];
    let (Some(left_tree), Some(right_tree)) = (Tree::build(left), Tree::build(right)) else {
        return literal;
    };
    let encoder = Encoder {
        left: &left_tree,
        right: &right_tree,
    };
    if encoder.equal(ROOT, ROOT) {
        return Vec::new();
    }
    let literal_cost = op_cost(&literal[0], right_tree.node(ROOT).size);
    // At the root the output already holds the left value (a copy for free);
    // starting blank costs a `Blank` operation.
    let blank = op_cost(&Op::Blank, 0);
    match encoder.body(ROOT, ROOT, blank) {
        Some(body) if body.cost + if body.copy { 0 } else { blank } < literal_cost => {
            let mut ops = Vec::with_capacity(body.ops.len() + 1);
            if !body.copy {
                ops.push(Op::Blank);
            }
            ops.extend(body.ops);
            ops
        }
        _ => literal,
    }
}

/// Operations with their cost in bytes (each item of the flat array plus
/// its comma).
#[derive(Default)]
pub(crate) struct Fragment<'a> {
    pub ops: Vec<Op<'a>>,
    pub cost: usize,
}

impl<'a> Fragment<'a> {
    pub(crate) fn push(&mut self, op: Op<'a>) {
        self.push_sized(op, 0);
    }

    /// Pushes an operation carrying a JSON value of `value_size` bytes.
    pub(crate) fn push_sized(&mut self, op: Op<'a>, value_size: usize) {
        self.cost += op_cost(&op, value_size);
        self.ops.push(op);
    }

    pub(crate) fn append(&mut self, other: Fragment<'a>) {
        self.cost += other.cost;
        self.ops.extend(other.ops);
    }
}

/// How to build a right value from the input value it is read against.
pub(crate) struct Body<'a> {
    pub ops: Vec<Op<'a>>,
    /// Bytes of `ops`, not counting the operation that enters the value.
    pub cost: usize,
    /// The output starts as a copy of the input value; otherwise blank.
    pub copy: bool,
}

impl<'a> Body<'a> {
    pub(crate) fn new(fragment: Fragment<'a>, copy: bool) -> Self {
        Body {
            ops: fragment.ops,
            cost: fragment.cost,
            copy,
        }
    }
}

/// Bytes an operation adds to the flat JSON array, commas included.
pub(crate) fn op_cost(op: &Op<'_>, value_size: usize) -> usize {
    let code = size::uint(op.code() as usize) + 1;
    code + match *op {
        Op::Value(_) | Op::ArrayAppendValue(_) => value_size + 1,
        Op::ObjectSetFieldValue(_, key) => value_size + 1 + size::string(key) + 1,
        Op::ReturnIntoObject(text)
        | Op::ReturnIntoObjectPop(text)
        | Op::StringAppendString(text) => size::string(text) + 1,
        Op::PushField(i)
        | Op::PushElement(i)
        | Op::PushParent(i)
        | Op::PushFieldCopy(i)
        | Op::PushFieldBlank(i)
        | Op::PushElementCopy(i)
        | Op::PushElementBlank(i)
        | Op::ObjectCopyField(i)
        | Op::ObjectDeleteField(i) => size::uint(i) + 1,
        Op::ArrayAppendSlice(a, b) | Op::StringAppendSlice(a, b) => {
            size::uint(a) + 1 + size::uint(b) + 1
        }
        Op::Copy
        | Op::Blank
        | Op::ReturnIntoArray
        | Op::ReturnIntoObjectSameKey
        | Op::Pop
        | Op::ReturnIntoObjectSameKeyPop
        | Op::ReturnIntoArrayPop => 0,
    }
}

pub(crate) struct Encoder<'a, 't> {
    pub left: &'t Tree<'a>,
    pub right: &'t Tree<'a>,
}

impl<'a> Encoder<'a, '_> {
    /// Whether left value `l` equals right value `r`. Equal hashes are
    /// confirmed by walking both mirrors (whose fields are in the same sorted
    /// order), so a crafted collision cannot make the encoder skip a change.
    pub(crate) fn equal(&self, l: NodeId, r: NodeId) -> bool {
        let (ln, rn) = (self.left.node(l), self.right.node(r));
        if ln.hash != rn.hash {
            return false;
        }
        match (ln.value, rn.value) {
            (Value::Object(_), Value::Object(_)) | (Value::Array(_), Value::Array(_)) => {
                let (lk, rk) = (self.left.kids(l), self.right.kids(r));
                lk.len() == rk.len()
                    && lk.iter().zip(rk).all(|(&a, &b)| {
                        self.left.node(a).key == self.right.node(b).key && self.equal(a, b)
                    })
            }
            (a, b) => a == b,
        }
    }

    /// The cheapest edit of left value `l` into right value `r` (which
    /// differ), or `None` when only writing `r` literally will do.
    /// `blank_extra` is what starting from a blank value costs beyond
    /// starting from a copy.
    pub(crate) fn body(&self, l: NodeId, r: NodeId, blank_extra: usize) -> Option<Body<'a>> {
        match (self.left.node(l).value, self.right.node(r).value) {
            (Value::Object(_), Value::Object(_)) => self.object_body(l, r, blank_extra),
            (Value::Array(_), Value::Array(_)) => self.array_body(l, r, blank_extra),
            (Value::String(a), Value::String(b)) => super::encode_string::body(a, b, blank_extra),
            _ => None,
        }
    }

    fn object_body(&self, l: NodeId, r: NodeId, blank_extra: usize) -> Option<Body<'a>> {
        let (lk, rk) = (self.left.kids(l), self.right.kids(r));
        // Operations both starting points need (changed and new fields), and
        // what each adds: deleting dropped fields from a copy, or copying
        // kept fields onto a blank object.
        let mut fields = Fragment::default();
        let mut deletes = Fragment::default();
        let mut deletes_possible = true;
        let mut copies = Fragment::default();
        let mut siblings = None;
        let (mut i, mut j) = (0, 0);
        loop {
            let order = match (lk.get(i), rk.get(j)) {
                (Some(&a), Some(&b)) => self.left.node(a).key.cmp(self.right.node(b).key),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => break,
            };
            match order {
                std::cmp::Ordering::Less => {
                    if self.left.node(lk[i]).addressable {
                        deletes.push(Op::ObjectDeleteField(i));
                    } else {
                        deletes_possible = false;
                    }
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    fields.append(self.field(l, None, rk[j], &mut siblings));
                    j += 1;
                }
                std::cmp::Ordering::Equal => {
                    if self.equal(lk[i], rk[j]) {
                        let rn = self.right.node(rk[j]);
                        if self.left.node(lk[i]).addressable {
                            copies.push(Op::ObjectCopyField(i));
                        } else {
                            copies.push_sized(Op::ObjectSetFieldValue(rn.value, rn.key), rn.size);
                        }
                    } else {
                        fields.append(self.field(l, Some(i), rk[j], &mut siblings));
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        let copy_cost = deletes_possible.then_some(deletes.cost);
        // A blank object nothing is written into decodes as null.
        let blank_cost = (!rk.is_empty()).then_some(copies.cost + blank_extra);
        let copy = match (copy_cost, blank_cost) {
            (Some(c), Some(b)) => c <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let mut body = if copy { deletes } else { copies };
        body.append(fields);
        Some(Body::new(body, copy))
    }

    /// The cheapest way to write field `r` into the object being built from
    /// left object `parent`, whose field `same` has the same key.
    fn field(
        &self,
        parent: NodeId,
        same: Option<usize>,
        r: NodeId,
        siblings: &mut Option<HashIndex>,
    ) -> Fragment<'a> {
        let rn = self.right.node(r);
        let lk = self.left.kids(parent);
        let mut best = Fragment::default();
        best.push_sized(Op::ObjectSetFieldValue(rn.value, rn.key), rn.size);

        if let Some(i) = same.filter(|&i| self.left.node(lk[i]).addressable) {
            if let Some(body) = self.body(lk[i], r, 0) {
                let mut edit = Fragment::default();
                edit.push(if body.copy {
                    Op::PushFieldCopy(i)
                } else {
                    Op::PushFieldBlank(i)
                });
                edit.append(Fragment {
                    ops: body.ops,
                    cost: body.cost,
                });
                edit.push(Op::ReturnIntoObjectSameKeyPop);
                if edit.cost < best.cost {
                    best = edit;
                }
            }
        }

        // The value may sit unchanged under another key (a renamed field).
        let index = siblings.get_or_insert_with(|| HashIndex::new(self.left, lk));
        if let Some(i) = index.find(rn.hash, 0) {
            if Some(i) != same && self.left.node(lk[i]).addressable && self.equal(lk[i], r) {
                let mut moved = Fragment::default();
                moved.push(Op::PushFieldCopy(i));
                moved.push(Op::ReturnIntoObjectPop(rn.key));
                if moved.cost < best.cost {
                    best = moved;
                }
            }
        }
        best
    }
}

/// Positions of a list of left values by content hash.
pub(crate) struct HashIndex {
    positions: HashMap<u64, Vec<u32>, BuildHasherDefault<Prehashed>>,
}

impl HashIndex {
    pub(crate) fn new(tree: &Tree<'_>, ids: &[NodeId]) -> Self {
        let mut positions: HashMap<u64, Vec<u32>, BuildHasherDefault<Prehashed>> =
            HashMap::with_capacity_and_hasher(ids.len(), Default::default());
        for (i, &id) in ids.iter().enumerate() {
            positions
                .entry(tree.node(id).hash)
                .or_default()
                .push(i as u32);
        }
        HashIndex { positions }
    }

    /// The first position at or after `from` with this hash, else the first
    /// one at all.
    pub(crate) fn find(&self, hash: u64, from: usize) -> Option<usize> {
        let list = self.positions.get(&hash)?;
        let at = list.partition_point(|&p| (p as usize) < from);
        list.get(at).or(list.first()).map(|&p| p as usize)
    }
}

/// The keys are already well-mixed hashes; hashing them again is waste, and
/// std's default hasher would seed itself from the system.
#[derive(Default)]
pub(crate) struct Prehashed(u64);

impl Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
