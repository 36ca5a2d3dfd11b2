//! Editing an array: reuse runs of unchanged elements as slices of the left
//! array, edit changed elements in place, write new ones literally.
//!
//! The common prefix and suffix are found by comparing in place. In the
//! middle, each right element is matched, in this order of preference, to an
//! equal left element (continuing the previous run when it can, so a moved
//! block stays one slice), to the left element with the same `_key`
//! (Sanity's identity for array items, so an item that was edited and moved
//! is still edited rather than rewritten), or to a left element near its
//! position (the one after the previous match, the one at the same index,
//! or the previous match itself, which new items often resemble). An edit
//! is kept only when it is smaller than the literal value, and a left
//! element is edited against more than one right element only when it is
//! not much larger than them, which keeps the work linear.

use std::collections::HashMap;

use serde_json::Value;

use super::content::{hash, same};
use super::encode::{cheaper_literal, op_cost, Body, Fragment, HashIndex};
use super::op::Op;
use super::size;

/// Where one right element comes from.
enum Source<'a> {
    /// Equal to the left element at this index.
    Same(usize),
    /// The left element at this index, edited.
    Edit(usize, Body<'a>),
    /// Written literally.
    New,
}

/// The cheapest edit of left array `la` into right array `ra`.
pub(crate) fn body<'a>(la: &'a [Value], ra: &'a [Value], depth: usize) -> Option<Body<'a>> {
    let (n, m) = (la.len(), ra.len());
    let prefix = la
        .iter()
        .zip(ra)
        .take_while(|(a, b)| same(a, b, depth + 1))
        .count();
    if prefix == n && n == m {
        return Some(Body::unchanged());
    }
    if ra.is_empty() {
        // Only a literal `[]` makes an empty array (a blank value that
        // nothing is appended to decodes as null).
        return None;
    }
    let suffix = la[prefix..]
        .iter()
        .rev()
        .zip(ra[prefix..].iter().rev())
        .take_while(|(a, b)| same(a, b, depth + 1))
        .count();
    // Elements only appended: keep a copy of the left array (no slice
    // needed, and cheaper than any other start).
    let copy = prefix == n && m > n;
    let (first, ra) = if copy { (n, &ra[n..]) } else { (0, ra) };

    let mut sources: Vec<Source<'a>> = (first..m)
        .map(|j| {
            if j < prefix {
                Source::Same(j)
            } else if j >= m - suffix {
                Source::Same(j + n - m)
            } else {
                Source::New
            }
        })
        .collect();
    let middle = Middle {
        la,
        left: prefix..n - suffix,
        right: prefix.max(first) - first..m - suffix - first,
        depth,
    };
    let mut claimed = vec![false; n];
    middle.exact(ra, &mut sources);
    middle.keyed(ra, &mut sources, &mut claimed);
    middle.positional(ra, &mut sources, &mut claimed, copy);
    Some(Body::new(emit(ra, sources), copy))
}

/// The part between the common prefix and suffix: left indices `left`,
/// right indices `right` (into the right elements being written).
struct Middle<'a> {
    la: &'a [Value],
    left: std::ops::Range<usize>,
    right: std::ops::Range<usize>,
    depth: usize,
}

impl<'a> Middle<'a> {
    /// Right elements equal to a left element of the middle.
    fn exact(&self, ra: &[Value], sources: &mut [Source<'a>]) {
        if self.left.is_empty() || self.right.is_empty() {
            return;
        }
        let hashes: Vec<u64> = self.la[self.left.clone()]
            .iter()
            .map(|v| hash(v, self.depth + 1))
            .collect();
        let index = HashIndex::new(&hashes);
        let mut next = self.left.start;
        for j in self.right.clone() {
            let r = &ra[j];
            let found = if self.left.contains(&next) && same(&self.la[next], r, self.depth + 1) {
                Some(next)
            } else {
                index
                    .find(hash(r, self.depth + 1), next - self.left.start)
                    .map(|k| k + self.left.start)
                    .filter(|&i| same(&self.la[i], r, self.depth + 1))
            };
            match found {
                Some(i) => {
                    sources[j] = Source::Same(i);
                    next = i + 1;
                }
                None => next += 1,
            }
        }
    }

    /// Edits of the left element with the same `_key`.
    fn keyed(&self, ra: &'a [Value], sources: &mut [Source<'a>], claimed: &mut [bool]) {
        let mut keys: Option<HashMap<&str, usize>> = None;
        for j in self.right.clone() {
            if !matches!(sources[j], Source::New) {
                continue;
            }
            let Some(key) = array_key(&ra[j]) else {
                continue;
            };
            let keys = keys.get_or_insert_with(|| {
                let mut keys = HashMap::new();
                for i in self.left.clone() {
                    if let Some(key) = array_key(&self.la[i]) {
                        keys.entry(key).or_insert(i);
                    }
                }
                keys
            });
            if let Some(&i) = keys.get(key) {
                self.try_edit(i, &ra[j], &mut sources[j], claimed);
            }
        }
    }

    /// Edits of a left element near the right element's position.
    fn positional(
        &self,
        ra: &'a [Value],
        sources: &mut [Source<'a>],
        claimed: &mut [bool],
        copy: bool,
    ) {
        // After a copied left array there is no next left element, and
        // indices into the appended tail are not positions in it.
        let mut next = self.left.start;
        for j in self.right.clone() {
            match &sources[j] {
                Source::Same(i) | Source::Edit(i, _) => next = i + 1,
                Source::New => {
                    self.try_edit(next, &ra[j], &mut sources[j], claimed);
                    if !copy && j != next {
                        self.try_edit(j, &ra[j], &mut sources[j], claimed);
                    }
                    if let Some(before) = next.checked_sub(1).filter(|&b| b != j) {
                        self.try_edit(before, &ra[j], &mut sources[j], claimed);
                    }
                    next = match &sources[j] {
                        Source::Edit(i, _) => i + 1,
                        _ => next + 1,
                    };
                }
            }
        }
    }

    /// Makes `source` an edit of left element `i` if that beats the
    /// literal.
    fn try_edit(&self, i: usize, r: &'a Value, source: &mut Source<'a>, claimed: &mut [bool]) {
        let Some(l) = self.la.get(i) else {
            return;
        };
        if !matches!(source, Source::New) {
            return;
        }
        // A second edit of the same left element is only worth its work
        // when that element is not much larger than the right one.
        if claimed[i] && size::value_within(l, 2 * size::value(r) + 64).is_none() {
            return;
        }
        claimed[i] = true;
        let Some(body) = super::encode::body(l, r, 0, self.depth + 1) else {
            return;
        };
        let enter = op_cost(&Op::PushElementCopy(i), 0);
        let exit = op_cost(&Op::ReturnIntoArrayPop, 0);
        let edit = enter + body.cost + exit;
        if cheaper_literal(r, op_cost(&Op::ArrayAppendValue(r), 0), edit).is_none() {
            *source = Source::Edit(i, body);
        }
    }
}

/// The operations for the matched elements: runs of equal elements as one
/// slice (or literally, when that is smaller), edits, literals.
fn emit<'a>(ra: &'a [Value], mut sources: Vec<Source<'a>>) -> Fragment<'a> {
    let mut out = Fragment::default();
    let mut j = 0;
    while j < sources.len() {
        match std::mem::replace(&mut sources[j], Source::New) {
            Source::Same(i) => {
                let mut len = 1;
                while matches!(sources.get(j + len), Some(Source::Same(k)) if *k == i + len) {
                    len += 1;
                }
                let slice = Op::ArrayAppendSlice(i, i + len);
                let run = &ra[j..j + len];
                match literal_run(run, op_cost(&slice, 0)) {
                    Some(sizes) => {
                        for (value, size) in run.iter().zip(sizes) {
                            out.push_sized(Op::ArrayAppendValue(value), size);
                        }
                    }
                    None => out.push(slice),
                }
                j += len;
            }
            Source::Edit(i, body) => {
                let enter = if body.copy {
                    Op::PushElementCopy(i)
                } else {
                    Op::PushElementBlank(i)
                };
                out.append(Fragment::wrapped(enter, body, Op::ReturnIntoArrayPop));
                j += 1;
            }
            Source::New => {
                out.append(Fragment::literal(Op::ArrayAppendValue(&ra[j]), &ra[j]));
                j += 1;
            }
        }
    }
    out
}

/// The sizes of the values of `run` when writing them all literally costs
/// less than `than` (small numbers, say); else `None`.
fn literal_run(run: &[Value], than: usize) -> Option<Vec<usize>> {
    let mut left = than;
    let mut sizes = Vec::with_capacity(run.len());
    for value in run {
        let overhead = op_cost(&Op::ArrayAppendValue(value), 0);
        let size = cheaper_literal(value, overhead, left)?;
        left -= overhead + size;
        sizes.push(size);
    }
    Some(sizes)
}

/// An array item's `_key`, when it has one.
fn array_key(value: &Value) -> Option<&str> {
    value.get("_key").and_then(Value::as_str)
}
