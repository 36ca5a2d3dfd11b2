//! Equality and ordering as the spec's "Equality and comparison" defines them.

use std::cmp::Ordering;

use crate::groq::value::Value;

/// `PartialCompare`: `None` when the values are of different types or not
/// comparable (arrays, objects, null).
pub fn partial_compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::String(x), Value::String(y)) => Some(x.as_ref().cmp(y.as_ref())),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::DateTime(x), Value::DateTime(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// `Equal`: null equals null; otherwise only comparable values can be equal.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        _ => partial_compare(a, b) == Some(Ordering::Equal),
    }
}

fn type_order(v: &Value) -> u8 {
    match v {
        Value::DateTime(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Bool(_) => 4,
        _ => 5,
    }
}

/// `TotalCompare`, which `order()` sorts by.
pub fn total_compare(a: &Value, b: &Value) -> Ordering {
    let (ta, tb) = (type_order(a), type_order(b));
    if ta != tb {
        return ta.cmp(&tb);
    }
    partial_compare(a, b).unwrap_or(Ordering::Equal)
}

/// GROQ's `&&` on truth values (`None` is null): Kleene logic, which is also
/// SQL's `AND`. Callers skip evaluating `b` when `a` is false.
pub fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// GROQ's `||` on truth values; callers skip `b` when `a` is true.
pub fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}
