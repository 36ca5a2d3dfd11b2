//! One visitor per patch operation: what happens where a path ends.

use serde_json::{Map, Number, Value};

use super::number::increment;
use super::PatchError;
use crate::mutation::model::InsertPosition;
use crate::mutation::path::{Target, Visitor};
use crate::text::{apply_dmp_patch, DmpPatch};

/// Indexes a target list names, in ascending order without repeats. Indexes
/// may be negative or past the end; callers decide what that means.
fn indexes(targets: &[Target<'_>]) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    for t in targets {
        match t {
            Target::Index(i) => out.push(*i),
            Target::Slice { start, end } => out.extend((*start as i64)..(*end as i64)),
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Removes the elements at `sorted` (ascending) positions; others are ignored.
fn remove_indexes(items: &mut Vec<Value>, sorted: &[i64]) {
    let mut i = 0i64;
    items.retain(|_| {
        let keep = sorted.binary_search(&i).is_err();
        i += 1;
        keep
    });
}

fn in_range(i: i64, len: usize) -> Option<usize> {
    (i >= 0 && (i as usize) < len).then_some(i as usize)
}

pub struct Set<'a> {
    pub value: &'a Value,
}

impl Visitor for Set<'_> {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        true
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        if targets.contains(&Target::This) {
            *node = self.value.clone();
            return Ok(());
        }
        for target in targets {
            match (target, &mut *node) {
                (Target::Field(name), Value::Object(map)) => {
                    map.insert(name.to_string(), self.value.clone());
                }
                // A field of an array names nothing.
                (Target::Field(_), Value::Array(_)) => {}
                (Target::Field(name), primitive) => {
                    // Setting a field inside a primitive replaces it with an object.
                    let mut map = Map::new();
                    map.insert(name.to_string(), self.value.clone());
                    *primitive = Value::Object(map);
                }
                _ => {}
            }
        }
        if let Value::Array(items) = node {
            for i in indexes(targets) {
                match in_range(i, items.len()) {
                    Some(i) => items[i] = self.value.clone(),
                    // Like Sanity's mutator, setting the index one past the end appends.
                    None if i >= 0 && i as usize == items.len() => items.push(self.value.clone()),
                    None => {}
                }
            }
        }
        Ok(())
    }
}

pub struct SetIfMissing<'a> {
    pub value: &'a Value,
}

impl Visitor for SetIfMissing<'_> {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        true
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        for target in targets {
            let Target::Field(name) = target else {
                // An element or the node itself exists already, so nothing is missing.
                continue;
            };
            match &mut *node {
                Value::Object(map) => {
                    if !map.contains_key(*name) {
                        map.insert(name.to_string(), self.value.clone());
                    }
                }
                Value::Array(_) => {}
                primitive => {
                    let mut map = Map::new();
                    map.insert(name.to_string(), self.value.clone());
                    *primitive = Value::Object(map);
                }
            }
        }
        Ok(())
    }
}

pub struct Unset;

impl Visitor for Unset {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        false
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        match node {
            Value::Object(map) => {
                for target in targets {
                    if let Target::Field(name) = target {
                        map.shift_remove(*name);
                    }
                }
            }
            Value::Array(items) => {
                remove_indexes(items, &indexes(targets));
            }
            _ => {}
        }
        Ok(())
    }
}

pub struct Inc<'a> {
    pub by: &'a Number,
}

impl Visitor for Inc<'_> {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        false
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        match node {
            Value::Object(map) => {
                for target in targets {
                    if let Target::Field(name) = target {
                        if let Some(v) = map.get_mut(*name) {
                            if let Some(next) = increment(v, self.by) {
                                *v = next;
                            }
                        }
                    }
                }
            }
            Value::Array(items) => {
                for i in indexes(targets) {
                    if let Some(i) = in_range(i, items.len()) {
                        if let Some(next) = increment(&items[i], self.by) {
                            items[i] = next;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

pub struct Insert<'a> {
    pub position: InsertPosition,
    pub items: &'a [Value],
}

impl Visitor for Insert<'_> {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        false
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        let Value::Array(array) = node else {
            // Insert only ever addresses elements of an array.
            return Ok(());
        };
        let len = array.len() as i64;
        let named = indexes(targets);
        let clamp = |i: i64| i.clamp(0, len) as usize;
        match self.position {
            InsertPosition::Before => {
                let first = slice_bounds(targets)
                    .map(|(s, _)| s)
                    .chain(named.first().copied())
                    .min();
                let at = clamp(first.unwrap_or(0));
                array.splice(at..at, self.items.iter().cloned());
            }
            InsertPosition::After => {
                // `after: "a[-1]"` on an empty array resolves to -1: insert at 0.
                let last = slice_bounds(targets)
                    .map(|(_, e)| e - 1)
                    .chain(named.last().copied())
                    .max();
                let at = clamp(last.unwrap_or(-1) + 1);
                array.splice(at..at, self.items.iter().cloned());
            }
            InsertPosition::Replace => {
                let at = clamp(named.first().copied().unwrap_or(0));
                remove_indexes(array, &named);
                let at = at.min(array.len());
                array.splice(at..at, self.items.iter().cloned());
            }
        }
        Ok(())
    }
}

fn slice_bounds<'t>(targets: &'t [Target<'_>]) -> impl Iterator<Item = (i64, i64)> + 't {
    targets.iter().filter_map(|t| match t {
        Target::Slice { start, end } => Some((*start as i64, *end as i64)),
        _ => None,
    })
}

pub struct DiffMatchPatch<'a> {
    pub patch: &'a DmpPatch,
}

impl Visitor for DiffMatchPatch<'_> {
    type Error = PatchError;

    fn creates_path(&self) -> bool {
        false
    }

    fn apply(&mut self, node: &mut Value, targets: &[Target<'_>]) -> Result<(), PatchError> {
        let patch_string = |v: &mut Value| {
            if let Value::String(s) = v {
                *s = apply_dmp_patch(self.patch, s);
            }
        };
        match node {
            Value::Object(map) => {
                for target in targets {
                    if let Target::Field(name) = target {
                        if let Some(v) = map.get_mut(*name) {
                            patch_string(v);
                        }
                    }
                }
            }
            Value::Array(items) => {
                for i in indexes(targets) {
                    if let Some(i) = in_range(i, items.len()) {
                        patch_string(&mut items[i]);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}
