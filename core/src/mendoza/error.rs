//! Why a Mendoza patch could not be read or applied.
//!
//! A patch comes from outside (a listener's client, a stored transaction), so
//! every way it can be wrong is an error here, never a panic. `at` is the
//! position in the flat JSON array of the opcode (or parameter) at fault.

use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MendozaError {
    #[error("a Mendoza patch is a JSON array, found {found}")]
    NotAnArray { found: &'static str },
    #[error("position {at}: unknown opcode {found}")]
    UnknownOpcode { at: usize, found: String },
    #[error("position {at}: the patch ends in the middle of {op}")]
    Truncated { at: usize, op: &'static str },
    #[error("position {at}: {op} takes {expected}, found {found}")]
    BadParameter {
        at: usize,
        op: &'static str,
        expected: &'static str,
        found: String,
    },
    #[error("position {at}: {op} reads the input stack, which is empty")]
    EmptyInput { at: usize, op: &'static str },
    #[error("position {at}: {op} returns into a parent, but the output stack has none")]
    NoParent { at: usize, op: &'static str },
    #[error("position {at}: {op} needs {expected}, found {found}")]
    WrongType {
        at: usize,
        op: &'static str,
        expected: &'static str,
        found: &'static str,
    },
    #[error("position {at}: {op} index {index} is out of range (length {len})")]
    OutOfRange {
        at: usize,
        op: &'static str,
        index: usize,
        len: usize,
    },
    #[error("position {at}: {op} slice {left}..{right} is not within 0..{len}")]
    BadSlice {
        at: usize,
        op: &'static str,
        left: usize,
        right: usize,
        len: usize,
    },
    #[error("position {at}: {op} byte offset {offset} is inside a UTF-8 character")]
    NotCharBoundary {
        at: usize,
        op: &'static str,
        offset: usize,
    },
    #[error("position {at}: {op} uses the key of an input value that has none")]
    NoKey { at: usize, op: &'static str },
    #[error("position {at}: the patch nests deeper than {limit} levels")]
    TooDeep { at: usize, limit: usize },
    #[error("position {at}: the patch builds a value larger than the limit")]
    TooLarge { at: usize },
}

impl MendozaError {
    /// The error body in Sanity's shape: `{"error": {"type", "description"}}`.
    pub fn to_json(&self) -> Value {
        json!({"error": {"type": "badRequest", "description": self.to_string()}})
    }
}

/// A JSON value's kind, as error messages name it.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
