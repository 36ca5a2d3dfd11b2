//! The decoder: a small stack machine that runs a patch over the left value.
//!
//! The machine keeps an input stack (where in the left value the patch is
//! reading, with the key each entry was reached by) and an output stack
//! (values being built). Both start with the left value; the result is the
//! top of the output stack when the patch ends.
//!
//! Semantics follow the `mendoza` npm decoder, which is what Sanity's
//! clients run: an untouched `Blank` yields `null`, a `Blank` first written
//! as a string, array or object becomes one (so a `Blank` given only an empty
//! string append is `""`). Key indices count the input object's keys sorted
//! by UTF-8 bytes, as the Go encoder that defines them sorts; the npm decoder
//! sorts by UTF-16 code units, which disagrees only for keys mixing
//! characters above U+E000 with ones above U+FFFF, and this crate's encoder
//! never refers to such keys by index.
//!
//! Nothing a patch says can panic: unknown opcodes, out-of-range indices,
//! values of the wrong type, and slices inside a character are errors. Values
//! taken from the left side are borrowed until the end and cloned once, and
//! the machine counts the work a patch makes it do (cloned nodes, copied
//! bytes, sorted keys) against a fixed allowance, so a few bytes of patch
//! cannot make it build gigabytes.

use std::collections::BTreeMap;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::error::{kind, MendozaError};
use super::op::{parse, Op};
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH};

/// Deepest either stack may grow: documents nest at most
/// [`MAX_DOCUMENT_DEPTH`] levels, so a patch never needs more than that, and
/// the slack covers `PushParent`.
const MAX_STACK: usize = 2 * MAX_DOCUMENT_DEPTH + 56;

/// Units of work (nodes cloned, bytes appended, keys sorted) one patch may
/// cost; a patch producing a document of the largest allowed size stays well
/// within it.
const WORK_ALLOWANCE: usize = MAX_DOCUMENT_BYTES;

/// Applies a patch (its flat JSON array) to `left`.
pub fn apply(left: &Value, patch: &Value) -> Result<Value, MendozaError> {
    let ops = parse(patch)?;
    apply_ops(left, &ops)
}

/// Applies parsed operations to `left`.
pub fn apply_ops<'a>(left: &'a Value, ops: &[Op<'a>]) -> Result<Value, MendozaError> {
    let mut machine = Machine {
        input: vec![Input::new(left, None)],
        output: vec![Output::Source(left)],
        work: WORK_ALLOWANCE,
        at: 0,
        op: "",
    };
    for op in ops {
        machine.op = op.name();
        machine.step(*op)?;
        machine.at += op.width();
    }
    let top = machine.output.pop().unwrap_or(Output::Blank);
    let item = machine.finish(top)?;
    machine.materialize(item)
}

impl Op<'_> {
    /// How many array items the operation takes in the flat form.
    pub fn width(&self) -> usize {
        match self {
            Op::ObjectSetFieldValue(..) | Op::ArrayAppendSlice(..) | Op::StringAppendSlice(..) => 3,
            Op::Copy
            | Op::Blank
            | Op::ReturnIntoArray
            | Op::ReturnIntoObjectSameKey
            | Op::Pop
            | Op::ReturnIntoObjectSameKeyPop
            | Op::ReturnIntoArrayPop => 1,
            _ => 2,
        }
    }
}

/// A place in the left value.
#[derive(Clone)]
struct Input<'a> {
    value: &'a Value,
    /// The key it was reached by, for `ReturnIntoObjectSameKey`.
    key: Option<&'a str>,
    /// Its fields sorted by key, made on first use (shared by `PushParent`).
    sorted: Option<Rc<[(&'a str, &'a Value)]>>,
}

impl<'a> Input<'a> {
    fn new(value: &'a Value, key: Option<&'a str>) -> Self {
        Input {
            value,
            key,
            sorted: None,
        }
    }
}

/// A value in the output: borrowed until written to, then a builder.
enum Output<'a> {
    /// Unchanged so far: the left value itself, a copy of an input value, or
    /// a literal from the patch.
    Source(&'a Value),
    /// Nothing yet; becomes whatever is first written into it.
    Blank,
    Object(Fields<'a>),
    Array(Vec<Item<'a>>),
    String(String),
}

/// A finished value: borrowed from the left value or the patch, or built.
enum Item<'a> {
    Borrowed(&'a Value),
    Owned(Value),
}

/// An object being built, keeping the order fields were first written in.
#[derive(Default)]
struct Fields<'a> {
    slots: Vec<Option<(&'a str, Item<'a>)>>,
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Fields<'a> {
    fn set(&mut self, key: &'a str, item: Item<'a>) {
        match self.index.get(key).and_then(|&i| self.slots.get_mut(i)) {
            Some(slot) => *slot = Some((key, item)),
            None => {
                self.index.insert(key, self.slots.len());
                self.slots.push(Some((key, item)));
            }
        }
    }

    fn delete(&mut self, key: &str) {
        if let Some(slot) = self.index.remove(key).and_then(|i| self.slots.get_mut(i)) {
            *slot = None;
        }
    }
}

struct Machine<'a> {
    input: Vec<Input<'a>>,
    output: Vec<Output<'a>>,
    work: usize,
    /// Position of the current operation in the flat patch, for errors.
    at: usize,
    op: &'static str,
}

impl<'a> Machine<'a> {
    fn step(&mut self, op: Op<'a>) -> Result<(), MendozaError> {
        match op {
            Op::Value(v) => self.push_output(Output::Source(v)),
            Op::Copy => self.copy(),
            Op::Blank => self.push_output(Output::Blank),
            Op::ReturnIntoArray => self.return_into_array(),
            Op::ReturnIntoObject(key) => self.return_into_object(key),
            Op::ReturnIntoObjectSameKey => self.return_into_object_same_key(),
            Op::PushField(i) => self.push_field(i),
            Op::PushElement(i) => self.push_element(i),
            Op::PushParent(n) => self.push_parent(n),
            Op::Pop => self.pop(),
            Op::PushFieldCopy(i) => {
                self.push_field(i)?;
                self.copy()
            }
            Op::PushFieldBlank(i) => {
                self.push_field(i)?;
                self.push_output(Output::Blank)
            }
            Op::PushElementCopy(i) => {
                self.push_element(i)?;
                self.copy()
            }
            Op::PushElementBlank(i) => {
                self.push_element(i)?;
                self.push_output(Output::Blank)
            }
            Op::ReturnIntoObjectPop(key) => {
                self.return_into_object(key)?;
                self.pop()
            }
            Op::ReturnIntoObjectSameKeyPop => {
                self.return_into_object_same_key()?;
                self.pop()
            }
            Op::ReturnIntoArrayPop => {
                self.return_into_array()?;
                self.pop()
            }
            Op::ObjectSetFieldValue(value, key) => {
                self.object()?.set(key, Item::Borrowed(value));
                Ok(())
            }
            Op::ObjectCopyField(i) => {
                let (key, value) = self.field(i)?;
                self.object()?.set(key, Item::Borrowed(value));
                Ok(())
            }
            Op::ObjectDeleteField(i) => {
                let (key, _) = self.field(i)?;
                self.object()?.delete(key);
                Ok(())
            }
            Op::ArrayAppendValue(value) => {
                self.array()?.push(Item::Borrowed(value));
                Ok(())
            }
            Op::ArrayAppendSlice(left, right) => self.array_append_slice(left, right),
            Op::StringAppendString(text) => {
                self.charge(text.len())?;
                self.string()?.push_str(text);
                Ok(())
            }
            Op::StringAppendSlice(left, right) => self.string_append_slice(left, right),
        }
    }

    fn charge(&mut self, units: usize) -> Result<(), MendozaError> {
        self.work = self
            .work
            .checked_sub(units)
            .ok_or(MendozaError::TooLarge { at: self.at })?;
        Ok(())
    }

    fn push_output(&mut self, entry: Output<'a>) -> Result<(), MendozaError> {
        if self.output.len() >= MAX_STACK {
            return Err(MendozaError::TooDeep {
                at: self.at,
                limit: MAX_STACK,
            });
        }
        self.output.push(entry);
        Ok(())
    }

    fn push_input(&mut self, entry: Input<'a>) -> Result<(), MendozaError> {
        if self.input.len() >= MAX_STACK {
            return Err(MendozaError::TooDeep {
                at: self.at,
                limit: MAX_STACK,
            });
        }
        self.input.push(entry);
        Ok(())
    }

    fn top_input(&self) -> Result<&Input<'a>, MendozaError> {
        self.input.last().ok_or(MendozaError::EmptyInput {
            at: self.at,
            op: self.op,
        })
    }

    fn wrong_type(&self, expected: &'static str, found: &'static str) -> MendozaError {
        MendozaError::WrongType {
            at: self.at,
            op: self.op,
            expected,
            found,
        }
    }

    fn copy(&mut self) -> Result<(), MendozaError> {
        let value = self.top_input()?.value;
        self.push_output(Output::Source(value))
    }

    fn pop(&mut self) -> Result<(), MendozaError> {
        self.input.pop().map(drop).ok_or(MendozaError::EmptyInput {
            at: self.at,
            op: self.op,
        })
    }

    /// Field `index` of the input object, counting keys in sorted order.
    fn field(&mut self, index: usize) -> Result<(&'a str, &'a Value), MendozaError> {
        let (at, op) = (self.at, self.op);
        let top = self
            .input
            .last()
            .ok_or(MendozaError::EmptyInput { at, op })?;
        let sorted = match &top.sorted {
            Some(sorted) => sorted.clone(),
            None => {
                let Value::Object(map) = top.value else {
                    return Err(self.wrong_type("an input object", kind(top.value)));
                };
                let mut fields: Vec<(&'a str, &'a Value)> =
                    map.iter().map(|(k, v)| (k.as_str(), v)).collect();
                fields.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let sorted: Rc<[(&'a str, &'a Value)]> = fields.into();
                self.charge(sorted.len())?;
                if let Some(top) = self.input.last_mut() {
                    top.sorted = Some(sorted.clone());
                }
                sorted
            }
        };
        sorted.get(index).copied().ok_or(MendozaError::OutOfRange {
            at,
            op,
            index,
            len: sorted.len(),
        })
    }

    fn push_field(&mut self, index: usize) -> Result<(), MendozaError> {
        let (key, value) = self.field(index)?;
        self.push_input(Input::new(value, Some(key)))
    }

    fn push_element(&mut self, index: usize) -> Result<(), MendozaError> {
        let value = self.top_input()?.value;
        let Value::Array(items) = value else {
            return Err(self.wrong_type("an input array", kind(value)));
        };
        let element = items.get(index).ok_or(MendozaError::OutOfRange {
            at: self.at,
            op: self.op,
            index,
            len: items.len(),
        })?;
        self.push_input(Input::new(element, None))
    }

    fn push_parent(&mut self, n: usize) -> Result<(), MendozaError> {
        // `n = 0` is the parent of the current input value.
        let from_top = n.saturating_add(2);
        let entry = self
            .input
            .len()
            .checked_sub(from_top)
            .and_then(|i| self.input.get(i))
            .cloned()
            .ok_or(MendozaError::OutOfRange {
                at: self.at,
                op: self.op,
                index: n,
                len: self.input.len().saturating_sub(1),
            })?;
        self.push_input(entry)
    }

    /// Pops the finished child off the output stack; its parent stays.
    fn pop_child(&mut self) -> Result<Item<'a>, MendozaError> {
        if self.output.len() < 2 {
            return Err(MendozaError::NoParent {
                at: self.at,
                op: self.op,
            });
        }
        let child = self.output.pop().unwrap_or(Output::Blank);
        self.finish(child)
    }

    fn return_into_array(&mut self) -> Result<(), MendozaError> {
        let item = self.pop_child()?;
        self.array()?.push(item);
        Ok(())
    }

    fn return_into_object(&mut self, key: &'a str) -> Result<(), MendozaError> {
        let item = self.pop_child()?;
        self.object()?.set(key, item);
        Ok(())
    }

    fn return_into_object_same_key(&mut self) -> Result<(), MendozaError> {
        let key = self.top_input()?.key.ok_or(MendozaError::NoKey {
            at: self.at,
            op: self.op,
        })?;
        self.return_into_object(key)
    }

    fn array_append_slice(&mut self, left: usize, right: usize) -> Result<(), MendozaError> {
        let value = self.top_input()?.value;
        let Value::Array(items) = value else {
            return Err(self.wrong_type("an input array", kind(value)));
        };
        let slice = items.get(left..right).ok_or(MendozaError::BadSlice {
            at: self.at,
            op: self.op,
            left,
            right,
            len: items.len(),
        })?;
        self.charge(slice.len())?;
        self.array()?.extend(slice.iter().map(Item::Borrowed));
        Ok(())
    }

    fn string_append_slice(&mut self, left: usize, right: usize) -> Result<(), MendozaError> {
        let value = self.top_input()?.value;
        let Value::String(text) = value else {
            return Err(self.wrong_type("an input string", kind(value)));
        };
        let piece = text.get(left..right).ok_or_else(|| {
            match [left, right]
                .into_iter()
                .find(|&o| o <= text.len() && !text.is_char_boundary(o))
            {
                Some(offset) => MendozaError::NotCharBoundary {
                    at: self.at,
                    op: self.op,
                    offset,
                },
                None => MendozaError::BadSlice {
                    at: self.at,
                    op: self.op,
                    left,
                    right,
                    len: text.len(),
                },
            }
        })?;
        self.charge(piece.len())?;
        self.string()?.push_str(piece);
        Ok(())
    }

    /// The output value as an object being built, converting it on first
    /// write.
    fn object(&mut self) -> Result<&mut Fields<'a>, MendozaError> {
        let units = match self.output.last() {
            Some(Output::Source(Value::Object(map))) => map.len(),
            _ => 0,
        };
        self.charge(units)?;
        let (at, op) = (self.at, self.op);
        let top = self
            .output
            .last_mut()
            .ok_or(MendozaError::NoParent { at, op })?;
        match top {
            Output::Source(Value::Object(map)) => {
                let mut fields = Fields::default();
                for (k, v) in map.iter() {
                    fields.set(k, Item::Borrowed(v));
                }
                *top = Output::Object(fields);
            }
            Output::Blank => *top = Output::Object(Fields::default()),
            _ => {}
        }
        match top {
            Output::Object(fields) => Ok(fields),
            other => Err(MendozaError::WrongType {
                at,
                op,
                expected: "an output object",
                found: output_kind(other),
            }),
        }
    }

    fn array(&mut self) -> Result<&mut Vec<Item<'a>>, MendozaError> {
        let units = match self.output.last() {
            Some(Output::Source(Value::Array(items))) => items.len(),
            _ => 0,
        };
        self.charge(units)?;
        let (at, op) = (self.at, self.op);
        let top = self
            .output
            .last_mut()
            .ok_or(MendozaError::NoParent { at, op })?;
        match top {
            Output::Source(Value::Array(items)) => {
                *top = Output::Array(items.iter().map(Item::Borrowed).collect());
            }
            Output::Blank => *top = Output::Array(Vec::new()),
            _ => {}
        }
        match top {
            Output::Array(items) => Ok(items),
            other => Err(MendozaError::WrongType {
                at,
                op,
                expected: "an output array",
                found: output_kind(other),
            }),
        }
    }

    fn string(&mut self) -> Result<&mut String, MendozaError> {
        let units = match self.output.last() {
            Some(Output::Source(Value::String(text))) => text.len(),
            _ => 0,
        };
        self.charge(units)?;
        let (at, op) = (self.at, self.op);
        let top = self
            .output
            .last_mut()
            .ok_or(MendozaError::NoParent { at, op })?;
        match top {
            Output::Source(Value::String(text)) => *top = Output::String(text.clone()),
            Output::Blank => *top = Output::String(String::new()),
            _ => {}
        }
        match top {
            Output::String(text) => Ok(text),
            other => Err(MendozaError::WrongType {
                at,
                op,
                expected: "an output string",
                found: output_kind(other),
            }),
        }
    }

    /// The value an output entry stands for, still borrowing what it can.
    fn finish(&mut self, entry: Output<'a>) -> Result<Item<'a>, MendozaError> {
        Ok(match entry {
            Output::Source(value) => Item::Borrowed(value),
            Output::Blank => Item::Owned(Value::Null),
            Output::String(text) => Item::Owned(Value::String(text)),
            Output::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.materialize(item)?);
                }
                Item::Owned(Value::Array(out))
            }
            Output::Object(fields) => {
                let mut out = Map::new();
                for (key, item) in fields.slots.into_iter().flatten() {
                    let value = self.materialize(item)?;
                    out.insert(key.to_string(), value);
                }
                Item::Owned(Value::Object(out))
            }
        })
    }

    fn materialize(&mut self, item: Item<'a>) -> Result<Value, MendozaError> {
        match item {
            Item::Owned(value) => Ok(value),
            Item::Borrowed(value) => self.clone_counted(value),
        }
    }

    /// A deep copy that charges every node and string byte.
    fn clone_counted(&mut self, value: &Value) -> Result<Value, MendozaError> {
        self.charge(1)?;
        Ok(match value {
            Value::String(text) => {
                self.charge(text.len())?;
                Value::String(text.clone())
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.clone_counted(item)?);
                }
                Value::Array(out)
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, item) in map {
                    self.charge(key.len())?;
                    out.insert(key.clone(), self.clone_counted(item)?);
                }
                Value::Object(out)
            }
            scalar => scalar.clone(),
        })
    }
}

fn output_kind(entry: &Output<'_>) -> &'static str {
    match entry {
        Output::Source(value) => kind(value),
        Output::Blank => "a blank value",
        Output::Object(_) => "an object",
        Output::Array(_) => "an array",
        Output::String(_) => "a string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `(left, patch, right)`, mostly from the format's own examples.
    #[test]
    fn applies_patches() {
        let cases = [
            (json!({"a": 1}), json!([]), json!({"a": 1})),
            (json!(1), json!([0, {}]), json!({})),
            // Delete field 1 ("name"), copy field 0 back under a new key.
            (
                json!({"age": 20, "name": "Michael"}),
                json!([19, 1, 10, 1, 14, "fullName"]),
                json!({"age": 20, "fullName": "Michael"}),
            ),
            (
                json!({"age": 20, "name": "M"}),
                json!([2, 18, 1, 17, 30, "age"]),
                json!({"name": "M", "age": 30}),
            ),
            (
                json!({"user": {"address": {"zip": 1}}}),
                json!([10, 0, 10, 0, 17, 1234, "zip", 15, 15]),
                json!({"user": {"address": {"zip": 1234}}}),
            ),
            (
                json!({"skills": ["a", "b", "c"]}),
                json!([11, 0, 21, 0, 2, 20, "Go", 15]),
                json!({"skills": ["a", "b", "Go"]}),
            ),
            (json!([1, 2]), json!([20, 3]), json!([1, 2, 3])),
            (json!("abc"), json!([22, "déf"]), json!("abcdéf")),
            (json!("a:{},:{},"), json!([2, 23, 0, 5]), json!("a:{},")),
            // Byte offsets: "é" is two bytes, "🙂" four.
            (json!("é🙂x"), json!([2, 23, 2, 6, 23, 0, 2]), json!("🙂é")),
            (
                json!([[1], [2]]),
                json!([2, 12, 1, 16, 12, 0, 16]),
                json!([[2], [1]]),
            ),
            (
                json!([{"a": 1}]),
                json!([13, 0, 17, 2, "b", 16]),
                json!([{"a": 1}, {"b": 2}]),
            ),
            // An untouched Blank is null; one given "" is "".
            (json!({"a": 1}), json!([2]), json!(null)),
            (json!({"a": 1}), json!([2, 22, ""]), json!("")),
            (
                json!({"a": {"b": 1}}),
                json!([6, 0, 8, 0, 1]),
                json!({"a": {"b": 1}}),
            ),
            (json!({"a": 1}), json!([9, 0, 7]), json!(7)),
        ];
        for (left, patch, right) in cases {
            assert_eq!(apply(&left, &patch).unwrap(), right, "{left} + {patch}");
        }
    }

    #[test]
    fn rejects_patches_that_do_not_fit_the_document() {
        let cases = [
            (
                json!({}),
                json!([6, 0]),
                "position 0: PushField index 0 is out of range (length 0)",
            ),
            (
                json!([]),
                json!([6, 0]),
                "position 0: PushField needs an input object, found an array",
            ),
            (
                json!({"a": 1}),
                json!([7, 0]),
                "position 0: PushElement needs an input array, found an object",
            ),
            (
                json!([1]),
                json!([21, 0, 2]),
                "position 0: ArrayAppendSlice slice 0..2 is not within 0..1",
            ),
            (
                json!([1]),
                json!([21, 1, 0]),
                "position 0: ArrayAppendSlice slice 1..0 is not within 0..1",
            ),
            (
                json!("é"),
                json!([2, 23, 0, 1]),
                "position 1: StringAppendSlice byte offset 1 is inside a UTF-8 character",
            ),
            (
                json!("é"),
                json!([2, 23, 0, 9]),
                "position 1: StringAppendSlice slice 0..9 is not within 0..2",
            ),
            (
                json!(1),
                json!([3]),
                "position 0: ReturnIntoArray returns into a parent, but the output stack has none",
            ),
            (
                json!(1),
                json!([1, 5]),
                "position 1: ReturnIntoObjectSameKey uses the key of an input value that has none",
            ),
            (
                json!({}),
                json!([20, 1]),
                "position 0: ArrayAppendValue needs an output array, found an object",
            ),
            (
                json!({}),
                json!([2, 20, 1, 22, "x"]),
                "position 3: StringAppendString needs an output string, found an array",
            ),
            (
                json!(1),
                json!([9, 1]),
                "position 1: Copy reads the input stack, which is empty",
            ),
            (
                json!(1),
                json!([9, 9]),
                "position 1: Pop reads the input stack, which is empty",
            ),
            (
                json!(1),
                json!([8, 0]),
                "position 0: PushParent index 0 is out of range (length 0)",
            ),
        ];
        for (left, patch, message) in cases {
            let err = apply(&left, &patch).unwrap_err();
            assert_eq!(err.to_string(), message, "{left} + {patch}");
        }
    }

    #[test]
    fn limits_hostile_patches() {
        let deep: Vec<Value> = std::iter::repeat_n(json!(2), MAX_STACK + 1).collect();
        assert!(matches!(
            apply(&json!(1), &Value::Array(deep)),
            Err(MendozaError::TooDeep { .. })
        ));
        // Each `Copy, ReturnIntoArray` adds a reference to the whole left
        // value; cloning them all at the end would be ~100 GB.
        let left = Value::Array(vec![Value::from("x".repeat(1000)); 1000]);
        let mut patch = vec![json!(2)];
        for _ in 0..100_000 {
            patch.extend([json!(1), json!(3)]);
        }
        assert!(matches!(
            apply(&left, &Value::Array(patch)),
            Err(MendozaError::TooLarge { .. })
        ));
    }
}
