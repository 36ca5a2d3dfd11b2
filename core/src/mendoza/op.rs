//! The operations of a Mendoza patch and their flat JSON form.
//!
//! A patch is one JSON array: each operation is its opcode followed by its
//! parameters (`[19, 0, 10, 2, 14, "name"]`). The opcode numbers and
//! parameter lists follow the reference implementation (Go
//! `sanity-io/mendoza`, and the `mendoza` npm decoder), which differ from the
//! format document in a few places: 17 `ObjectSetFieldValue` takes the value
//! before the key, 18 is `ObjectCopyField` taking a key index, 19
//! `ObjectDeleteField` takes a key index too, and `PushElement` takes an
//! element index.
//!
//! Parameters borrow from the JSON they were read from (or, in the encoder,
//! from the right-hand document), so reading a patch copies nothing.

use serde_json::Value;

use super::error::{kind, MendozaError};

/// One operation. Key indices count the keys of the input object sorted
/// by their UTF-8 bytes; string offsets are UTF-8 byte offsets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op<'a> {
    Value(&'a Value),
    Copy,
    Blank,
    ReturnIntoArray,
    ReturnIntoObject(&'a str),
    ReturnIntoObjectSameKey,
    PushField(usize),
    PushElement(usize),
    PushParent(usize),
    Pop,
    PushFieldCopy(usize),
    PushFieldBlank(usize),
    PushElementCopy(usize),
    PushElementBlank(usize),
    ReturnIntoObjectPop(&'a str),
    ReturnIntoObjectSameKeyPop,
    ReturnIntoArrayPop,
    ObjectSetFieldValue(&'a Value, &'a str),
    ObjectCopyField(usize),
    ObjectDeleteField(usize),
    ArrayAppendValue(&'a Value),
    ArrayAppendSlice(usize, usize),
    StringAppendString(&'a str),
    StringAppendSlice(usize, usize),
}

/// Opcode numbers, in the order of the reference's table.
pub(crate) mod code {
    pub const VALUE: u8 = 0;
    pub const COPY: u8 = 1;
    pub const BLANK: u8 = 2;
    pub const RETURN_INTO_ARRAY: u8 = 3;
    pub const RETURN_INTO_OBJECT: u8 = 4;
    pub const RETURN_INTO_OBJECT_SAME_KEY: u8 = 5;
    pub const PUSH_FIELD: u8 = 6;
    pub const PUSH_ELEMENT: u8 = 7;
    pub const PUSH_PARENT: u8 = 8;
    pub const POP: u8 = 9;
    pub const PUSH_FIELD_COPY: u8 = 10;
    pub const PUSH_FIELD_BLANK: u8 = 11;
    pub const PUSH_ELEMENT_COPY: u8 = 12;
    pub const PUSH_ELEMENT_BLANK: u8 = 13;
    pub const RETURN_INTO_OBJECT_POP: u8 = 14;
    pub const RETURN_INTO_OBJECT_SAME_KEY_POP: u8 = 15;
    pub const RETURN_INTO_ARRAY_POP: u8 = 16;
    pub const OBJECT_SET_FIELD_VALUE: u8 = 17;
    pub const OBJECT_COPY_FIELD: u8 = 18;
    pub const OBJECT_DELETE_FIELD: u8 = 19;
    pub const ARRAY_APPEND_VALUE: u8 = 20;
    pub const ARRAY_APPEND_SLICE: u8 = 21;
    pub const STRING_APPEND_STRING: u8 = 22;
    pub const STRING_APPEND_SLICE: u8 = 23;
}

impl<'a> Op<'a> {
    /// The opcode number.
    pub fn code(&self) -> u8 {
        use code::*;
        match self {
            Op::Value(_) => VALUE,
            Op::Copy => COPY,
            Op::Blank => BLANK,
            Op::ReturnIntoArray => RETURN_INTO_ARRAY,
            Op::ReturnIntoObject(_) => RETURN_INTO_OBJECT,
            Op::ReturnIntoObjectSameKey => RETURN_INTO_OBJECT_SAME_KEY,
            Op::PushField(_) => PUSH_FIELD,
            Op::PushElement(_) => PUSH_ELEMENT,
            Op::PushParent(_) => PUSH_PARENT,
            Op::Pop => POP,
            Op::PushFieldCopy(_) => PUSH_FIELD_COPY,
            Op::PushFieldBlank(_) => PUSH_FIELD_BLANK,
            Op::PushElementCopy(_) => PUSH_ELEMENT_COPY,
            Op::PushElementBlank(_) => PUSH_ELEMENT_BLANK,
            Op::ReturnIntoObjectPop(_) => RETURN_INTO_OBJECT_POP,
            Op::ReturnIntoObjectSameKeyPop => RETURN_INTO_OBJECT_SAME_KEY_POP,
            Op::ReturnIntoArrayPop => RETURN_INTO_ARRAY_POP,
            Op::ObjectSetFieldValue(..) => OBJECT_SET_FIELD_VALUE,
            Op::ObjectCopyField(_) => OBJECT_COPY_FIELD,
            Op::ObjectDeleteField(_) => OBJECT_DELETE_FIELD,
            Op::ArrayAppendValue(_) => ARRAY_APPEND_VALUE,
            Op::ArrayAppendSlice(..) => ARRAY_APPEND_SLICE,
            Op::StringAppendString(_) => STRING_APPEND_STRING,
            Op::StringAppendSlice(..) => STRING_APPEND_SLICE,
        }
    }

    /// The operation's name in the reference, for error messages.
    pub fn name(&self) -> &'static str {
        NAMES.get(self.code() as usize).copied().unwrap_or("?")
    }

    /// Appends the opcode and parameters to a flat patch array.
    pub fn write_to(&self, out: &mut Vec<Value>) {
        out.push(Value::from(self.code()));
        match *self {
            Op::Value(v) | Op::ArrayAppendValue(v) => out.push(v.clone()),
            Op::ReturnIntoObject(k) | Op::ReturnIntoObjectPop(k) | Op::StringAppendString(k) => {
                out.push(Value::from(k))
            }
            Op::PushField(i)
            | Op::PushElement(i)
            | Op::PushParent(i)
            | Op::PushFieldCopy(i)
            | Op::PushFieldBlank(i)
            | Op::PushElementCopy(i)
            | Op::PushElementBlank(i)
            | Op::ObjectCopyField(i)
            | Op::ObjectDeleteField(i) => out.push(Value::from(i)),
            Op::ObjectSetFieldValue(v, k) => {
                out.push(v.clone());
                out.push(Value::from(k));
            }
            Op::ArrayAppendSlice(l, r) | Op::StringAppendSlice(l, r) => {
                out.push(Value::from(l));
                out.push(Value::from(r));
            }
            Op::Copy
            | Op::Blank
            | Op::ReturnIntoArray
            | Op::ReturnIntoObjectSameKey
            | Op::Pop
            | Op::ReturnIntoObjectSameKeyPop
            | Op::ReturnIntoArrayPop => {}
        }
    }
}

const NAMES: [&str; 24] = [
    "Value",
    "Copy",
    "Blank",
    "ReturnIntoArray",
    "ReturnIntoObject",
    "ReturnIntoObjectSameKey",
    "PushField",
    "PushElement",
    "PushParent",
    "Pop",
    "PushFieldCopy",
    "PushFieldBlank",
    "PushElementCopy",
    "PushElementBlank",
    "ReturnIntoObjectPop",
    "ReturnIntoObjectSameKeyPop",
    "ReturnIntoArrayPop",
    "ObjectSetFieldValue",
    "ObjectCopyField",
    "ObjectDeleteField",
    "ArrayAppendValue",
    "ArrayAppendSlice",
    "StringAppendString",
    "StringAppendSlice",
];

/// A list of operations as the flat JSON array the wire carries.
pub fn to_json(ops: &[Op<'_>]) -> Value {
    let mut out = Vec::with_capacity(ops.len() * 2);
    for op in ops {
        op.write_to(&mut out);
    }
    Value::Array(out)
}

/// Reads a flat JSON patch into operations; each one is checked for a known
/// opcode and parameters of the right kinds, not yet against any document.
pub fn parse(patch: &Value) -> Result<Vec<Op<'_>>, MendozaError> {
    let items = match patch {
        Value::Array(items) => items,
        other => return Err(MendozaError::NotAnArray { found: kind(other) }),
    };
    let mut reader = Reader { items, at: 0 };
    let mut ops = Vec::new();
    while reader.at < items.len() {
        ops.push(reader.op()?);
    }
    Ok(ops)
}

struct Reader<'a> {
    items: &'a [Value],
    at: usize,
}

impl<'a> Reader<'a> {
    fn op(&mut self) -> Result<Op<'a>, MendozaError> {
        use code::*;
        let at = self.at;
        let item = self.items.get(at).unwrap_or(&Value::Null);
        self.at += 1;
        let code = item
            .as_u64()
            .filter(|c| *c < NAMES.len() as u64)
            .ok_or_else(|| MendozaError::UnknownOpcode {
                at,
                found: item.to_string(),
            })? as u8;
        let name = NAMES.get(code as usize).copied().unwrap_or("?");
        Ok(match code {
            VALUE => Op::Value(self.value(name)?),
            COPY => Op::Copy,
            BLANK => Op::Blank,
            RETURN_INTO_ARRAY => Op::ReturnIntoArray,
            RETURN_INTO_OBJECT => Op::ReturnIntoObject(self.string(name)?),
            RETURN_INTO_OBJECT_SAME_KEY => Op::ReturnIntoObjectSameKey,
            PUSH_FIELD => Op::PushField(self.uint(name)?),
            PUSH_ELEMENT => Op::PushElement(self.uint(name)?),
            PUSH_PARENT => Op::PushParent(self.uint(name)?),
            POP => Op::Pop,
            PUSH_FIELD_COPY => Op::PushFieldCopy(self.uint(name)?),
            PUSH_FIELD_BLANK => Op::PushFieldBlank(self.uint(name)?),
            PUSH_ELEMENT_COPY => Op::PushElementCopy(self.uint(name)?),
            PUSH_ELEMENT_BLANK => Op::PushElementBlank(self.uint(name)?),
            RETURN_INTO_OBJECT_POP => Op::ReturnIntoObjectPop(self.string(name)?),
            RETURN_INTO_OBJECT_SAME_KEY_POP => Op::ReturnIntoObjectSameKeyPop,
            RETURN_INTO_ARRAY_POP => Op::ReturnIntoArrayPop,
            OBJECT_SET_FIELD_VALUE => {
                let value = self.value(name)?;
                Op::ObjectSetFieldValue(value, self.string(name)?)
            }
            OBJECT_COPY_FIELD => Op::ObjectCopyField(self.uint(name)?),
            OBJECT_DELETE_FIELD => Op::ObjectDeleteField(self.uint(name)?),
            ARRAY_APPEND_VALUE => Op::ArrayAppendValue(self.value(name)?),
            ARRAY_APPEND_SLICE => {
                let left = self.uint(name)?;
                Op::ArrayAppendSlice(left, self.uint(name)?)
            }
            STRING_APPEND_STRING => Op::StringAppendString(self.string(name)?),
            _ => {
                let left = self.uint(name)?;
                Op::StringAppendSlice(left, self.uint(name)?)
            }
        })
    }

    fn value(&mut self, op: &'static str) -> Result<&'a Value, MendozaError> {
        let at = self.at;
        let value = self
            .items
            .get(at)
            .ok_or(MendozaError::Truncated { at, op })?;
        self.at += 1;
        Ok(value)
    }

    fn uint(&mut self, op: &'static str) -> Result<usize, MendozaError> {
        let at = self.at;
        let value = self.value(op)?;
        value
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| MendozaError::BadParameter {
                at,
                op,
                expected: "a non-negative integer",
                found: value.to_string(),
            })
    }

    fn string(&mut self, op: &'static str) -> Result<&'a str, MendozaError> {
        let at = self.at;
        let value = self.value(op)?;
        value.as_str().ok_or_else(|| MendozaError::BadParameter {
            at,
            op,
            expected: "a string",
            found: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_writes_every_opcode() {
        let flat = json!([
            0, {"a": 1}, 1, 2, 3, 4, "k", 5, 6, 0, 7, 1, 8, 0, 9, 10, 2, 11, 3, 12, 4, 13, 5,
            14, "x", 15, 16, 17, [1], "y", 18, 6, 19, 7, 20, null, 21, 0, 2, 22, "s", 23, 1, 3
        ]);
        let ops = parse(&flat).unwrap();
        let codes: Vec<u8> = ops.iter().map(Op::code).collect();
        assert_eq!(codes, (0..24).collect::<Vec<u8>>());
        assert_eq!(ops[17], Op::ObjectSetFieldValue(&json!([1]), "y"));
        assert_eq!(to_json(&ops), flat);
    }

    #[test]
    fn rejects_malformed_patches() {
        let cases = [
            (
                json!({}),
                "a Mendoza patch is a JSON array, found an object",
            ),
            (json!([24]), "position 0: unknown opcode 24"),
            (json!([-1]), "position 0: unknown opcode -1"),
            (json!(["1"]), "position 0: unknown opcode \"1\""),
            (json!([1.5]), "position 0: unknown opcode 1.5"),
            (
                json!([0]),
                "position 1: the patch ends in the middle of Value",
            ),
            (
                json!([17, 1]),
                "position 2: the patch ends in the middle of ObjectSetFieldValue",
            ),
            (
                json!([21, 0]),
                "position 2: the patch ends in the middle of ArrayAppendSlice",
            ),
            (
                json!([6, -1]),
                "position 1: PushField takes a non-negative integer, found -1",
            ),
            (
                json!([6, 1.0]),
                "position 1: PushField takes a non-negative integer, found 1.0",
            ),
            (
                json!([4, 3]),
                "position 1: ReturnIntoObject takes a string, found 3",
            ),
            (
                json!([17, 1, null]),
                "position 2: ObjectSetFieldValue takes a string, found null",
            ),
        ];
        for (patch, message) in cases {
            let err = parse(&patch).unwrap_err();
            assert_eq!(err.to_string(), message, "{patch}");
        }
    }
}
