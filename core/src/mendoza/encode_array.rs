//! Editing an array: reuse runs of unchanged elements as slices of the left
//! array, edit changed elements in place, write new ones literally.
//!
//! Each right element is matched, in this order of preference, to an equal
//! left element (continuing the previous run when it can, so moved blocks
//! stay one slice), to the left element with the same `_key` (Sanity's
//! identity for array items, so an edited, moved item is still edited rather
//! than rewritten), or to the left element after the previous match (an
//! edit in place). A match to edit is kept only when the edit is smaller than
//! the literal value. Every left element is edited against at most one right
//! element, which keeps the work linear.

use std::collections::HashMap;

use serde_json::Value;

use super::encode::{op_cost, Body, Encoder, Fragment, HashIndex};
use super::op::Op;
use super::tree::NodeId;

/// Where one right element comes from.
enum Source<'a> {
    /// Equal to the left element at this index.
    Same(usize),
    /// The left element at this index, edited.
    Edit(usize, Body<'a>),
    /// Written literally.
    New,
}

impl<'a> Encoder<'a, '_> {
    pub(crate) fn array_body(&self, l: NodeId, r: NodeId, _blank_extra: usize) -> Option<Body<'a>> {
        let (lk, rk) = (self.left.kids(l), self.right.kids(r));
        if rk.is_empty() {
            // Only a literal `[]` makes an empty array (a blank value that
            // nothing is appended to decodes as null).
            return None;
        }
        let n = lk.len();
        // Elements only appended: keep a copy of the left array (no slice
        // needed, and cheaper than any other start).
        let copy = rk.len() > n && lk.iter().zip(rk).all(|(&a, &b)| self.equal(a, b));
        let rk = if copy {
            rk.get(n..).unwrap_or_default()
        } else {
            rk
        };

        let mut sources = self.exact_sources(lk, rk);
        let mut claimed = vec![false; n];
        self.keyed_edits(lk, rk, &mut sources, &mut claimed);
        self.positional_edits(lk, rk, &mut sources, &mut claimed, copy);

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
                    let literal: usize = rk[j..j + len]
                        .iter()
                        .map(|&id| self.append_value_cost(id))
                        .sum();
                    if op_cost(&slice, 0) <= literal {
                        out.push(slice);
                    } else {
                        for &id in &rk[j..j + len] {
                            let node = self.right.node(id);
                            out.push_sized(Op::ArrayAppendValue(node.value), node.size);
                        }
                    }
                    j += len;
                }
                Source::Edit(i, body) => {
                    out.push(if body.copy {
                        Op::PushElementCopy(i)
                    } else {
                        Op::PushElementBlank(i)
                    });
                    out.append(Fragment {
                        ops: body.ops,
                        cost: body.cost,
                    });
                    out.push(Op::ReturnIntoArrayPop);
                    j += 1;
                }
                Source::New => {
                    let node = self.right.node(rk[j]);
                    out.push_sized(Op::ArrayAppendValue(node.value), node.size);
                    j += 1;
                }
            }
        }
        Some(Body::new(out, copy))
    }

    fn append_value_cost(&self, r: NodeId) -> usize {
        let node = self.right.node(r);
        op_cost(&Op::ArrayAppendValue(node.value), node.size)
    }

    /// Right elements equal to some left element.
    fn exact_sources(&self, lk: &[NodeId], rk: &[NodeId]) -> Vec<Source<'a>> {
        let index = (!lk.is_empty()).then(|| HashIndex::new(self.left, lk));
        let mut next = 0;
        rk.iter()
            .map(|&r| {
                let hash = self.right.node(r).hash;
                let found = if lk.get(next).is_some_and(|&l| self.equal(l, r)) {
                    Some(next)
                } else {
                    index
                        .as_ref()
                        .and_then(|index| index.find(hash, next))
                        .filter(|&i| self.equal(lk[i], r))
                };
                match found {
                    Some(i) => {
                        next = i + 1;
                        Source::Same(i)
                    }
                    None => {
                        next += 1;
                        Source::New
                    }
                }
            })
            .collect()
    }

    /// Edits of left elements with the same `_key`.
    fn keyed_edits(
        &self,
        lk: &[NodeId],
        rk: &[NodeId],
        sources: &mut [Source<'a>],
        claimed: &mut [bool],
    ) {
        let mut keys: Option<HashMap<&str, usize>> = None;
        for (j, &r) in rk.iter().enumerate() {
            if !matches!(sources[j], Source::New) {
                continue;
            }
            let Some(key) = array_key(self.right.node(r).value) else {
                continue;
            };
            let keys = keys.get_or_insert_with(|| {
                let mut keys = HashMap::new();
                for (i, &l) in lk.iter().enumerate() {
                    if let Some(key) = array_key(self.left.node(l).value) {
                        keys.entry(key).or_insert(i);
                    }
                }
                keys
            });
            if let Some(&i) = keys.get(key) {
                self.try_edit(lk, i, r, &mut sources[j], claimed);
            }
        }
    }

    /// Edits of the left element after the previous element's source, or
    /// else of the one at the same index, or the previous element's source.
    fn positional_edits(
        &self,
        lk: &[NodeId],
        rk: &[NodeId],
        sources: &mut [Source<'a>],
        claimed: &mut [bool],
        copy: bool,
    ) {
        // After a copied left array there is no next left element, and
        // indices into the appended tail are not positions in it.
        let mut next = if copy { lk.len() } else { 0 };
        for (j, &r) in rk.iter().enumerate() {
            match &sources[j] {
                Source::Same(i) | Source::Edit(i, _) => next = i + 1,
                Source::New => {
                    self.try_edit(lk, next, r, &mut sources[j], claimed);
                    if !copy && j != next {
                        self.try_edit(lk, j, r, &mut sources[j], claimed);
                    }
                    // A new item often looks like the one before it
                    // (another block of the same shape).
                    if let Some(before) = next.checked_sub(1).filter(|&b| b != j) {
                        self.try_edit(lk, before, r, &mut sources[j], claimed);
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
    ///
    /// A left element is edited against one right element freely; against
    /// more only when it is not much larger than the right one, so the
    /// total work stays proportional to the two arrays.
    fn try_edit(
        &self,
        lk: &[NodeId],
        i: usize,
        r: NodeId,
        source: &mut Source<'a>,
        claimed: &mut [bool],
    ) {
        if !matches!(source, Source::New) || i >= lk.len() {
            return;
        }
        let affordable =
            !claimed[i] || self.left.node(lk[i]).size <= 2 * self.right.node(r).size + 64;
        if !affordable {
            return;
        }
        claimed[i] = true;
        let Some(body) = self.body(lk[i], r, 0) else {
            return;
        };
        let enter = op_cost(&Op::PushElementCopy(i), 0);
        let exit = op_cost(&Op::ReturnIntoArrayPop, 0);
        if enter + body.cost + exit < self.append_value_cost(r) {
            *source = Source::Edit(i, body);
        }
    }
}

/// An array item's `_key`, when it has one.
fn array_key(value: &Value) -> Option<&str> {
    value.get("_key").and_then(Value::as_str)
}
