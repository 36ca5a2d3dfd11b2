//! The encoder: a small patch that turns one JSON value into another.
//!
//! For every value that differs, the encoder prices the ways of producing the
//! right-hand value in bytes of compact JSON and keeps the cheapest: writing
//! it literally, or editing the left value in place (starting from a copy of
//! it, or from a blank value and copying back what survives). Edits recurse
//! into fields matched by key (or found moved under another key), into array
//! elements matched by content, `_key` or position (`encode_array`), and
//! reuse unchanged runs of strings (`encode_string`).
//!
//! The two values are compared top-down, so an unchanged part is walked once
//! and costs nothing; hashes and sizes are computed only for the parts that
//! changed (a literal's size only up to the size of the edit it competes
//! with). Each left value is edited against a bounded number of right
//! values, so the work stays linear in the two documents: the encoder runs on
//! every committed write, to feed listeners.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::{Map, Value};

use super::content::{hash, same, sorted_fields, Field, MAX_DEPTH};
use super::op::Op;
use super::size;

/// The operations that turn `left` into `right`.
pub fn encode_ops<'a>(left: &'a Value, right: &'a Value) -> Vec<Op<'a>> {
    // At the root the output already holds the left value (a copy for free);
    // starting blank costs a `Blank` operation.
    let blank = op_cost(&Op::Blank, 0);
    if let Some(body) = body(left, right, blank, 0) {
        if body.is_unchanged() {
            return Vec::new();
        }
        let cost = body.cost + if body.copy { 0 } else { blank };
        let literal_overhead = op_cost(&Op::Value(right), 0);
        if cheaper_literal(right, literal_overhead, cost).is_none() {
            let mut ops = Vec::with_capacity(body.ops.len() + 1);
            if !body.copy {
                ops.push(Op::Blank);
            }
            ops.extend(body.ops);
            return ops;
        }
    }
    if same(left, right, 0) {
        return Vec::new();
    }
    vec![Op::Value(right)]
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

    /// `enter`, the body's operations, `exit`.
    pub(crate) fn wrapped(enter: Op<'a>, body: Body<'a>, exit: Op<'a>) -> Self {
        let mut out = Fragment::default();
        out.push(enter);
        out.cost += body.cost;
        out.ops.extend(body.ops);
        out.push(exit);
        out
    }

    /// One operation writing `value` literally.
    pub(crate) fn literal(op: Op<'a>, value: &Value) -> Self {
        let mut out = Fragment::default();
        out.push_sized(op, size::value(value));
        out
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

    /// The body of a value that did not change: keep the copy.
    pub(crate) fn unchanged() -> Self {
        Body::new(Fragment::default(), true)
    }

    pub(crate) fn is_unchanged(&self) -> bool {
        self.copy && self.ops.is_empty()
    }
}

/// Bytes an operation adds to the flat JSON array, commas included; a
/// value parameter counts `value_size`.
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

/// The size of `value` when writing it with `overhead` more bytes costs
/// less than `than`; `None` when it does not (found without measuring all
/// of a large value).
pub(crate) fn cheaper_literal(value: &Value, overhead: usize, than: usize) -> Option<usize> {
    let cap = than.checked_sub(overhead + 1)?;
    size::value_within(value, cap)
}

/// The cheapest edit of left value `l` into right value `r`, or `None` when
/// only writing `r` literally will do; [`Body::unchanged`] when they are
/// equal containers or strings. `blank_extra` is what starting from a blank
/// value costs beyond starting from a copy.
pub(crate) fn body<'a>(
    l: &'a Value,
    r: &'a Value,
    blank_extra: usize,
    depth: usize,
) -> Option<Body<'a>> {
    if depth > MAX_DEPTH {
        return None;
    }
    match (l, r) {
        (Value::Object(a), Value::Object(b)) => object_body(a, b, blank_extra, depth),
        (Value::Array(a), Value::Array(b)) => super::encode_array::body(a, b, depth),
        (Value::String(a), Value::String(b)) => super::encode_string::body(a, b),
        _ => None,
    }
}

/// A right field still to be written, the left field with its key, and
/// the edit of that field when it was already worked out.
struct Pending<'a> {
    field: Field<'a>,
    same_key: Option<usize>,
    edit: Option<Option<Body<'a>>>,
}

fn object_body<'a>(
    left: &'a Map<String, Value>,
    right: &'a Map<String, Value>,
    blank_extra: usize,
    depth: usize,
) -> Option<Body<'a>> {
    let (lf, rf) = (sorted_fields(left), sorted_fields(right));
    // What each starting point needs besides the changed and new fields:
    // deleting dropped fields from a copy, or copying kept fields onto a
    // blank object.
    let mut deletes = Fragment::default();
    let mut deletes_possible = true;
    let mut copies = Fragment::default();
    let mut pending = Vec::new();
    // Left fields whose value may have moved to another key.
    let mut vacated = Vec::new();
    let (mut i, mut j) = (0, 0);
    loop {
        let order = match (lf.get(i), rf.get(j)) {
            (Some(a), Some(b)) => a.key.cmp(b.key),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                if lf[i].addressable {
                    deletes.push(Op::ObjectDeleteField(i));
                } else {
                    deletes_possible = false;
                }
                vacated.push(i);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                pending.push(Pending {
                    field: rf[j],
                    same_key: None,
                    edit: None,
                });
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (lv, rv) = (lf[i].value, rf[j].value);
                // An array's edit begins by comparing it in place, which is
                // all an equality test would do: start with the edit.
                let edit = (lv.is_array() && rv.is_array()).then(|| body(lv, rv, 0, depth + 1));
                let unchanged = match &edit {
                    Some(edit) => edit.as_ref().is_some_and(Body::is_unchanged),
                    None => same(lv, rv, depth + 1),
                };
                if unchanged {
                    if lf[i].addressable {
                        copies.push(Op::ObjectCopyField(i));
                    } else {
                        let f = rf[j];
                        copies.append(Fragment::literal(
                            Op::ObjectSetFieldValue(f.value, f.key),
                            f.value,
                        ));
                    }
                } else {
                    pending.push(Pending {
                        field: rf[j],
                        same_key: Some(i),
                        edit,
                    });
                    vacated.push(i);
                }
                i += 1;
                j += 1;
            }
        }
    }

    // A field changed in place is its own only candidate: no move to find.
    let only_in_place =
        pending.len() == 1 && vacated.len() == 1 && pending[0].same_key == Some(vacated[0]);
    let may_move = !vacated.is_empty() && !only_in_place;
    let mut moves = may_move.then(|| Moves::new(&lf, &vacated));
    let mut fields = Fragment::default();
    for p in pending {
        fields.append(field(&lf, p, moves.as_mut(), depth));
    }

    let copy_cost = deletes_possible.then_some(deletes.cost);
    // A blank object nothing is written into decodes as null.
    let blank_cost = (!rf.is_empty()).then_some(copies.cost + blank_extra);
    let copy = match (copy_cost, blank_cost) {
        (Some(c), Some(b)) => c <= b,
        (Some(_), None) => true,
        (None, Some(_)) => false,
        (None, None) => return None,
    };
    let mut out = if copy { deletes } else { copies };
    out.append(fields);
    Some(Body::new(out, copy))
}

/// The cheapest way to write one changed or new field into the object
/// being built from the left fields `lf`.
fn field<'a>(
    lf: &[Field<'a>],
    pending: Pending<'a>,
    moves: Option<&mut Moves<'_, 'a>>,
    depth: usize,
) -> Fragment<'a> {
    let r = pending.field;
    let mut best: Option<Fragment<'a>> = None;
    if let Some(i) = pending.same_key.filter(|&i| lf[i].addressable) {
        let edit = pending
            .edit
            .unwrap_or_else(|| body(lf[i].value, r.value, 0, depth + 1));
        if let Some(body) = edit {
            let enter = if body.copy {
                Op::PushFieldCopy(i)
            } else {
                Op::PushFieldBlank(i)
            };
            best = Some(Fragment::wrapped(
                enter,
                body,
                Op::ReturnIntoObjectSameKeyPop,
            ));
        }
    }
    // The value may sit unchanged under another key (a renamed field).
    if let Some(i) = moves.and_then(|m| m.find(r.value, pending.same_key, depth)) {
        let mut moved = Fragment::default();
        moved.push(Op::PushFieldCopy(i));
        moved.push(Op::ReturnIntoObjectPop(r.key));
        if best.as_ref().is_none_or(|b| moved.cost < b.cost) {
            best = Some(moved);
        }
    }
    let literal = Op::ObjectSetFieldValue(r.value, r.key);
    match best {
        Some(best) => match cheaper_literal(r.value, op_cost(&literal, 0), best.cost) {
            Some(size) => {
                let mut out = Fragment::default();
                out.push_sized(literal, size);
                out
            }
            None => best,
        },
        None => Fragment::literal(literal, r.value),
    }
}

/// Finds a right value among left fields that lost theirs (deleted or
/// changed), comparing only values of the same kind and length, and
/// hashing each at most once.
struct Moves<'f, 'a> {
    fields: &'f [Field<'a>],
    by_shape: HashMap<(u8, usize), Vec<usize>>,
    hashes: HashMap<usize, u64>,
}

/// How many same-shaped candidates are checked per value: enough for real
/// renames, and a bound on the work for objects with many similar changes.
const MOVE_CANDIDATES: usize = 8;

impl<'f, 'a> Moves<'f, 'a> {
    fn new(fields: &'f [Field<'a>], vacated: &[usize]) -> Self {
        let mut by_shape: HashMap<(u8, usize), Vec<usize>> = HashMap::new();
        for &i in vacated {
            if fields[i].addressable {
                by_shape.entry(shape(fields[i].value)).or_default().push(i);
            }
        }
        Moves {
            fields,
            by_shape,
            hashes: HashMap::new(),
        }
    }

    fn find(&mut self, value: &Value, not: Option<usize>, depth: usize) -> Option<usize> {
        let bucket = self.by_shape.get(&shape(value))?;
        let wanted = hash(value, depth + 1);
        for &i in bucket
            .iter()
            .filter(|&&i| Some(i) != not)
            .take(MOVE_CANDIDATES)
        {
            let candidate = self.fields[i].value;
            let h = *self
                .hashes
                .entry(i)
                .or_insert_with(|| hash(candidate, depth + 1));
            if h == wanted && same(candidate, value, depth + 1) {
                return Some(i);
            }
        }
        None
    }
}

/// A value's kind and length: equal values share it.
fn shape(value: &Value) -> (u8, usize) {
    match value {
        Value::Null => (0, 0),
        Value::Bool(b) => (1, *b as usize),
        Value::Number(_) => (2, 0),
        Value::String(s) => (3, s.len()),
        Value::Array(items) => (4, items.len()),
        Value::Object(map) => (5, map.len()),
    }
}

/// Positions of a list of values by content hash.
pub(crate) struct HashIndex {
    positions: HashMap<u64, Vec<u32>, BuildHasherDefault<Prehashed>>,
}

impl HashIndex {
    /// `hashes[i]` is the hash of the value at position `i`.
    pub(crate) fn new(hashes: &[u64]) -> Self {
        let mut positions: HashMap<u64, Vec<u32>, BuildHasherDefault<Prehashed>> =
            HashMap::with_capacity_and_hasher(hashes.len(), Default::default());
        for (i, &h) in hashes.iter().enumerate() {
            positions.entry(h).or_default().push(i as u32);
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

/// The keys are already well-mixed hashes; hashing them again is waste.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mendoza::{apply, op};
    use serde_json::json;

    /// `(left, right, patch)`: the exact patch the encoder makes.
    #[test]
    fn encodes_small_changes() {
        let block = |key: &str, text: &str| json!({"_key": key, "_type": "block", "text": text});
        let cases = [
            (json!({"a": 1}), json!({"a": 1}), json!([])),
            (
                json!({"a": 1}),
                json!({"a": 1, "b": 2}),
                json!([17, 2, "b"]),
            ),
            (json!({"a": 1, "b": 2}), json!({"a": 1}), json!([19, 1])),
            (json!(1), json!({}), json!([0, {}])),
            (json!({"a": 1}), json!([1]), json!([0, [1]])),
            (json!({"a": [1]}), json!({"a": []}), json!([17, [], "a"])),
            // A renamed field is copied from its old key.
            (
                json!({"a": {"deep": [1, 2, 3]}, "b": null}),
                json!({"a": null, "b": {"deep": [1, 2, 3]}}),
                json!([10, 1, 14, "a", 10, 0, 14, "b"]),
            ),
            // Appending keeps the copy of the array or string.
            (json!([1, 2, 3]), json!([1, 2, 3, 4]), json!([20, 4])),
            (
                json!({"s": "hello"}),
                json!({"s": "hello world"}),
                json!([10, 0, 22, " world", 15]),
            ),
            // Moved items are slices; small literals beat slices.
            (
                json!([block("a", "x"), block("b", "y")]),
                json!([block("b", "y"), block("a", "x")]),
                json!([2, 21, 1, 2, 21, 0, 1]),
            ),
            (
                json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
                json!([12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
                json!([2, 20, 12, 21, 0, 11]),
            ),
            (json!([1, 2]), json!([2, 1]), json!([0, [2, 1]])),
            // An item edited and moved is found by its `_key`.
            (
                json!([block("a", "some text"), block("b", "other text")]),
                json!([block("b", "other text!"), block("a", "some text")]),
                json!([2, 12, 1, 10, 2, 22, "!", 15, 16, 21, 0, 1]),
            ),
            // "😀" sorts before "ﬀ" in UTF-16 but after it in UTF-8: neither
            // may be addressed by index, so the object is written whole.
            (
                json!({"ﬀ": 1, "😀": 2}),
                json!({"ﬀ": 1}),
                json!([0, {"ﬀ": 1}]),
            ),
            (
                json!({"a": 1, "ﬀ": 1, "😀": 2}),
                json!({"a": 2, "ﬀ": 1, "😀": 2}),
                json!([17, 2, "a"]),
            ),
        ];
        for (left, right, expected) in cases {
            let patch = op::to_json(&encode_ops(&left, &right));
            assert_eq!(patch, expected, "{left} -> {right}");
            assert_eq!(apply(&left, &patch).unwrap(), right, "{left} -> {right}");
        }
    }
}
