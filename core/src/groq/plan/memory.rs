//! A [`Predicate`] evaluated on a document in memory, for stores that hold
//! their documents loaded (the CLI, the wasm module) and for the evaluator's
//! filters: a complete predicate answers `*[...]` without walking the syntax
//! tree per document, and without copying a value.

use std::cmp::Ordering;

use super::predicate::{FieldPath, Order, Ordered, Predicate, Scalar, ScalarList};
use crate::groq::eval::has_reference;
use crate::groq::value::Value;

impl Predicate {
    /// GROQ's value of the predicate for `doc`: `Some(true)`, `Some(false)`
    /// or `None` for null. Unlike the SQL renderings, `References` is exact
    /// here (it is GROQ's own search).
    pub fn matches(&self, doc: &Value) -> Option<bool> {
        match self {
            Predicate::Equals { path, value } => Some(equals(value, field(doc, path))),
            Predicate::Compare { path, op, value } => {
                let ordering = match (value, field(doc, path)) {
                    (Ordered::Number(n), Value::Number(x)) => x.partial_cmp(n)?,
                    (Ordered::String(s), Value::String(x)) => x.as_bytes().cmp(s.as_bytes()),
                    _ => return None,
                };
                Some(match op {
                    Order::Lt => ordering == Ordering::Less,
                    Order::LtEq => ordering != Ordering::Greater,
                    Order::Gt => ordering == Ordering::Greater,
                    Order::GtEq => ordering != Ordering::Less,
                })
            }
            Predicate::In { path, values } => {
                let v = field(doc, path);
                Some(match values {
                    ScalarList::Strings(list) => {
                        matches!(v, Value::String(s) if list.iter().any(|l| l.as_str() == &**s))
                    }
                    ScalarList::Numbers(list) => {
                        matches!(v, Value::Number(n) if list.contains(n))
                    }
                })
            }
            Predicate::Contains { path, value } => match field(doc, path) {
                Value::Array(items) => Some(items.iter().any(|item| equals(value, item))),
                _ => None,
            },
            Predicate::Defined(path) => Some(!field(doc, path).is_null()),
            Predicate::References(ids) => {
                let ids: Vec<std::sync::Arc<str>> = ids.iter().map(|s| s.as_str().into()).collect();
                Some(!ids.is_empty() && has_reference(doc, &ids))
            }
            // Kleene logic, as GROQ's `&&`, `||` and `!`.
            Predicate::And(a, b) => match a.matches(doc) {
                Some(false) => Some(false),
                left => match (left, b.matches(doc)) {
                    (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                },
            },
            Predicate::Or(a, b) => match a.matches(doc) {
                Some(true) => Some(true),
                left => match (left, b.matches(doc)) {
                    (_, Some(true)) => Some(true),
                    (Some(false), Some(false)) => Some(false),
                    _ => None,
                },
            },
            Predicate::Not(a) => a.matches(doc).map(|b| !b),
        }
    }
}

/// The value at `path`, null when any step is missing or not an object.
fn field<'v>(doc: &'v Value, path: &FieldPath) -> &'v Value {
    static NULL: Value = Value::Null;
    let mut v = doc;
    for segment in path.segments() {
        v = match v {
            Value::Object(o) => o.get(segment).unwrap_or(&NULL),
            _ => return &NULL,
        };
    }
    v
}

/// GROQ's `==` between a constant and a value.
fn equals(scalar: &Scalar, v: &Value) -> bool {
    match (scalar, v) {
        (Scalar::Null, Value::Null) => true,
        (Scalar::Bool(a), Value::Bool(b)) => a == b,
        (Scalar::Number(a), Value::Number(b)) => a == b,
        (Scalar::String(a), Value::String(b)) => a.as_str() == &**b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::groq::eval::Params;
    use crate::groq::{evaluate_json, parse, QueryOptions};
    use serde_json::json;

    /// The in-memory predicate and the evaluator agree on every document,
    /// for filters whose predicate is the whole filter.
    #[test]
    fn matches_agrees_with_the_evaluator() {
        let docs = vec![
            json!({"_id": "a", "_type": "post", "views": 600, "title": "Zed", "tags": ["x", "y"], "author": {"_ref": "p1"}}),
            json!({"_id": "b", "_type": "post", "views": "600", "title": "apple"}),
            json!({"_id": "c", "_type": "author", "views": null, "tags": "x"}),
            json!({"_id": "d", "_type": "post", "views": 12.5, "title": "مرحبا", "tags": [1, "x"]}),
            json!({"_id": "e", "_type": "post", "flag": true}),
            json!(["not", "an", "object"]),
            json!(5),
        ];
        let filters = [
            r#"_type == "post""#,
            r#"_type != "post""#,
            "views > 500",
            "!(views > 500)",
            "views <= 12.5 || title < \"b\"",
            r#"title >= "Z" && _type == "post""#,
            "defined(views)",
            "!defined(title)",
            r#"_id in ["a", "c", "zz"]"#,
            "views in [600, 12.5]",
            r#""x" in tags"#,
            "flag == true",
            "views == null",
            r#"author._ref == "p1""#,
            r#"!(_type == "post" && views > 100)"#,
        ];
        let values: Vec<_> = docs
            .iter()
            .map(crate::groq::value::Value::from_json)
            .collect();
        for filter in filters {
            let query = format!("*[{filter}]");
            let parsed = parse(&query).expect("parses");
            let crate::groq::ast::Expr::Filter { predicate, .. } = &parsed.expr else {
                panic!("{query} is not a filter: {:?}", parsed.expr);
            };
            let plan = super::super::plan_filter(predicate, &Params::new())
                .unwrap_or_else(|| panic!("{filter} pushes down"));
            assert!(plan.complete, "{filter} is complete");
            let expected = evaluate_json(&query, &docs, &QueryOptions::default()).expect("runs");
            let kept: Vec<serde_json::Value> = values
                .iter()
                .zip(&docs)
                .filter(|(v, _)| plan.predicate.matches(v) == Some(true))
                .map(|(_, d)| d.clone())
                .collect();
            assert_eq!(serde_json::Value::Array(kept), expected, "{filter}");
        }
    }
}
