//! A [`Predicate`] evaluated on a document in memory, for stores that hold
//! their documents loaded (the CLI, the wasm module) and for the evaluator's
//! filters: a complete predicate answers `*[...]` without walking the syntax
//! tree per document, and without copying a value.

use std::cmp::Ordering;
use std::sync::Arc;

use super::predicate::{FieldPath, Order, Ordered, Predicate, Scalar, ScalarList};
use crate::groq::eval::{and, has_reference, or};
use crate::groq::object::KeyPath;
use crate::groq::value::Value;

/// A predicate compiled for documents in memory: one closure per atom, with
/// keys prepared and constants converted once, so testing a document is a
/// few lookups and comparisons.
pub struct Matcher {
    test: Test,
    /// The `_type` a document must have to match, if the predicate says so
    /// (`_type == "post" && ...`), and the test left for documents of that
    /// type (`None`: they all match): a store with a type index visits only
    /// those, and does not test their type again.
    by_type: Option<(String, Option<Test>)>,
}

type Test = Box<dyn Fn(&Value) -> Option<bool> + Send + Sync>;

impl Matcher {
    /// GROQ's value of the predicate for `doc`: `Some(true)`, `Some(false)`
    /// or `None` for null. Unlike the SQL renderings, `references()` is
    /// exact here (it is GROQ's own search).
    pub fn matches(&self, doc: &Value) -> Option<bool> {
        (self.test)(doc)
    }

    /// The `_type` a matching document must have.
    pub fn required_type(&self) -> Option<&str> {
        self.by_type.as_ref().map(|(t, _)| t.as_str())
    }

    /// As [`Matcher::matches`], for a document known to have the
    /// [`Matcher::required_type`].
    pub fn matches_of_type(&self, doc: &Value) -> Option<bool> {
        match &self.by_type {
            Some((_, Some(rest))) => rest(doc),
            Some((_, None)) => Some(true),
            None => self.matches(doc),
        }
    }
}

impl Predicate {
    pub fn matcher(&self) -> Matcher {
        Matcher {
            test: compile(self),
            by_type: split_type(self).map(|(t, rest)| (t.to_string(), rest.as_ref().map(compile))),
        }
    }
}

fn compile(predicate: &Predicate) -> Test {
    match predicate {
        Predicate::Equals { path, value } => {
            let path = key_path(path);
            match value.clone() {
                Scalar::String(want) => Box::new(move |doc| {
                    Some(matches!(path.get(doc), Value::String(s) if **s == *want))
                }),
                Scalar::Number(want) => Box::new(move |doc| {
                    Some(matches!(path.get(doc), Value::Number(n) if *n == want))
                }),
                Scalar::Bool(want) => {
                    Box::new(move |doc| Some(matches!(path.get(doc), Value::Bool(b) if *b == want)))
                }
                Scalar::Null => Box::new(move |doc| Some(path.get(doc).is_null())),
            }
        }
        Predicate::Compare { path, op, value } => {
            let path = key_path(path);
            let op = *op;
            let test = move |o: Ordering| match op {
                Order::Lt => o == Ordering::Less,
                Order::LtEq => o != Ordering::Greater,
                Order::Gt => o == Ordering::Greater,
                Order::GtEq => o != Ordering::Less,
            };
            match value.clone() {
                Ordered::Number(want) => Box::new(move |doc| match path.get(doc) {
                    Value::Number(n) => n.partial_cmp(&want).map(test),
                    _ => None,
                }),
                Ordered::String(want) => Box::new(move |doc| match path.get(doc) {
                    Value::String(s) => Some(test(s.as_bytes().cmp(want.as_bytes()))),
                    _ => None,
                }),
            }
        }
        Predicate::In { path, values } => {
            let path = key_path(path);
            match values.clone() {
                ScalarList::Strings(list) => Box::new(move |doc| {
                    Some(
                        matches!(path.get(doc), Value::String(s) if list.iter().any(|l| l.as_str() == &**s)),
                    )
                }),
                ScalarList::Numbers(list) => Box::new(move |doc| {
                    Some(matches!(path.get(doc), Value::Number(n) if list.contains(n)))
                }),
            }
        }
        Predicate::Contains { path, value } => {
            let path = key_path(path);
            let value = value.clone();
            Box::new(move |doc| match path.get(doc) {
                Value::Array(items) => Some(items.iter().any(|item| equals(&value, item))),
                _ => None,
            })
        }
        Predicate::Defined(path) => {
            let path = key_path(path);
            Box::new(move |doc| Some(!path.get(doc).is_null()))
        }
        Predicate::References(ids) => {
            let ids: Vec<Arc<str>> = ids.iter().map(|s| Arc::from(s.as_str())).collect();
            Box::new(move |doc| Some(!ids.is_empty() && has_reference(doc, &ids)))
        }
        // GROQ's `&&` and `||`, skipping the right side when the left decides.
        Predicate::And(a, b) => {
            let (a, b) = (compile(a), compile(b));
            Box::new(move |doc| match a(doc) {
                Some(false) => Some(false),
                left => and(left, b(doc)),
            })
        }
        Predicate::Or(a, b) => {
            let (a, b) = (compile(a), compile(b));
            Box::new(move |doc| match a(doc) {
                Some(true) => Some(true),
                left => or(left, b(doc)),
            })
        }
        Predicate::Not(a) => {
            let a = compile(a);
            Box::new(move |doc| a(doc).map(|b| !b))
        }
    }
}

fn key_path(path: &FieldPath) -> KeyPath {
    KeyPath::new(path.segments().iter().map(String::as_str))
}

/// `t` when the predicate can only be true for documents with `_type == t`,
/// and what remains of it for those documents (`None`: nothing, they match).
/// `_type == t && b` is `b` once the type is known (Kleene `true && b`).
fn split_type(predicate: &Predicate) -> Option<(&str, Option<Predicate>)> {
    match predicate {
        Predicate::Equals {
            path,
            value: Scalar::String(t),
        } if path.top_level() == Some("_type") => Some((t, None)),
        Predicate::And(a, b) => {
            let both = |x: Option<Predicate>, y: Option<Predicate>| match (x, y) {
                (Some(x), Some(y)) => Some(Predicate::and(x, y)),
                (x, y) => x.or(y),
            };
            if let Some((t, rest)) = split_type(a) {
                Some((t, both(rest, Some((**b).clone()))))
            } else {
                let (t, rest) = split_type(b)?;
                Some((t, both(Some((**a).clone()), rest)))
            }
        }
        _ => None,
    }
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
            r#"_type == "post" && (views > 500 || !defined(title))"#,
            r#"defined(views) && _type == "post" && title < "b""#,
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
            let matcher = plan.predicate.matcher();
            let kept: Vec<serde_json::Value> = values
                .iter()
                .zip(&docs)
                .filter(|(v, _)| matcher.matches(v) == Some(true))
                .map(|(_, d)| d.clone())
                .collect();
            assert_eq!(serde_json::Value::Array(kept), expected, "{filter}");
            // What is left once the type is known agrees with the whole test.
            if let Some(t) = matcher.required_type() {
                for v in values.iter().filter(|v| v.get_str("_type") == Some(t)) {
                    assert_eq!(matcher.matches_of_type(v), matcher.matches(v), "{filter}");
                }
            }
        }
    }
}
