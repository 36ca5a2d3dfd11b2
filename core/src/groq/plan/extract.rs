//! From a filter's syntax tree to the [`Predicate`] a store can answer.
//!
//! The result is implied by the filter: every document the filter keeps
//! satisfies it, so the store may return fewer rows but never drops one the
//! filter wants. Core still evaluates the whole filter on what comes back,
//! unless [`Pushdown::complete`] says there is nothing left to check.

use crate::groq::ast::{BinaryOp, Expr};
use crate::groq::eval::Params;
use crate::groq::value::Value;

use super::predicate::{FieldPath, Order, Ordered, Predicate, Scalar, ScalarList};

/// What [`plan_filter`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Pushdown {
    pub predicate: Predicate,
    /// The predicate is true for exactly the documents the filter keeps, so
    /// the rows the store returns need no further check.
    pub complete: bool,
}

/// The indexable part of `filter` (the predicate of `*[filter]`), or `None`
/// when no part of it is.
pub fn pushdown(filter: &Expr, params: &Params) -> Option<Predicate> {
    plan_filter(filter, params).map(|p| p.predicate)
}

/// As [`pushdown`], and whether the predicate captures the whole filter.
///
/// `$param`s are resolved from `params` now, so the result is for this one
/// execution of the query.
pub fn plan_filter(filter: &Expr, params: &Params) -> Option<Pushdown> {
    extract(filter, params).map(|found| Pushdown {
        predicate: found.predicate,
        complete: found.exact,
    })
}

struct Found {
    predicate: Predicate,
    /// The predicate has the expression's value (true, false or null) on
    /// every document, not merely true whenever the expression is.
    exact: bool,
}

fn exact(predicate: Predicate) -> Option<Found> {
    Some(Found {
        predicate,
        exact: true,
    })
}

fn extract(e: &Expr, params: &Params) -> Option<Found> {
    match e {
        Expr::Group(inner) => extract(inner, params),
        // Either side alone is implied by `a && b`, so keep what can be kept.
        Expr::And(a, b) => match (extract(a, params), extract(b, params)) {
            (Some(a), Some(b)) => Some(Found {
                exact: a.exact && b.exact,
                predicate: Predicate::and(a.predicate, b.predicate),
            }),
            (Some(one), None) | (None, Some(one)) => Some(Found {
                predicate: one.predicate,
                exact: false,
            }),
            (None, None) => None,
        },
        // A document kept by `a || b` may satisfy only the side we cannot
        // index, so both sides are needed.
        Expr::Or(a, b) => {
            let (a, b) = (extract(a, params)?, extract(b, params)?);
            Some(Found {
                exact: a.exact && b.exact,
                predicate: Predicate::or(a.predicate, b.predicate),
            })
        }
        // `!a` is true where `a` is false; a looser `a` (one that is true for
        // extra documents) would drop those documents from `!a`.
        Expr::Not(inner) => {
            let inner = extract(inner, params)?;
            if !inner.exact {
                return None;
            }
            exact(Predicate::negate(inner.predicate))
        }
        Expr::Binary { op, left, right } => binary(*op, left, right, params),
        Expr::Call {
            namespace,
            name,
            args,
            ..
        } if namespace.as_ref() == "global" => match (name.as_ref(), args.as_slice()) {
            ("defined", [arg]) => exact(Predicate::Defined(field_path(arg)?)),
            ("references", args) if !args.is_empty() => {
                references(args, params).map(|predicate| Found {
                    predicate,
                    exact: false,
                })
            }
            _ => None,
        },
        _ => None,
    }
}

fn binary(op: BinaryOp, left: &Expr, right: &Expr, params: &Params) -> Option<Found> {
    if op == BinaryOp::In {
        return in_op(left, right, params);
    }
    let order = match op {
        BinaryOp::Eq | BinaryOp::NotEq => None,
        BinaryOp::Lt => Some(Order::Lt),
        BinaryOp::LtEq => Some(Order::LtEq),
        BinaryOp::Gt => Some(Order::Gt),
        BinaryOp::GtEq => Some(Order::GtEq),
        _ => return None,
    };
    let (path, value, flipped) = match (field_path(left), field_path(right)) {
        (Some(path), None) => (path, constant(right, params)?, false),
        (None, Some(path)) => (path, constant(left, params)?, true),
        _ => return None,
    };
    match order {
        None => {
            let equals = Predicate::Equals {
                path,
                value: scalar(value)?,
            };
            exact(if op == BinaryOp::NotEq {
                Predicate::negate(equals)
            } else {
                equals
            })
        }
        Some(order) => exact(Predicate::Compare {
            path,
            op: if flipped { order.flipped() } else { order },
            value: ordered(value)?,
        }),
    }
}

/// `path in [..]`, `path in a..b`, and `value in path`.
fn in_op(left: &Expr, right: &Expr, params: &Params) -> Option<Found> {
    // The evaluator looks through parentheses for a range; so do we.
    let mut right = right;
    while let Expr::Group(inner) = right {
        right = inner;
    }
    if let Some(path) = field_path(right) {
        let value = scalar(constant(left, params)?)?;
        return exact(Predicate::Contains { path, value });
    }
    let path = field_path(left)?;
    if let Expr::Range {
        start,
        end,
        exclusive,
    } = right
    {
        // Null unless the field compares with both bounds, which for bounds of
        // one type is exactly when both comparisons below are non-null.
        let (start, end) = (
            ordered(constant(start, params)?)?,
            ordered(constant(end, params)?)?,
        );
        if std::mem::discriminant(&start) != std::mem::discriminant(&end) {
            return None;
        }
        let upper = if *exclusive { Order::Lt } else { Order::LtEq };
        return exact(Predicate::and(
            Predicate::Compare {
                path: path.clone(),
                op: Order::GtEq,
                value: start,
            },
            Predicate::Compare {
                path,
                op: upper,
                value: end,
            },
        ));
    }
    let Value::Array(items) = constant(right, params)? else {
        return None;
    };
    let values = if items.iter().all(|v| matches!(v, Value::Number(_))) && !items.is_empty() {
        ScalarList::Numbers(items.iter().filter_map(Value::as_f64).collect())
    } else if items.iter().all(|v| matches!(v, Value::String(_))) {
        ScalarList::Strings(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        )
    } else {
        return None;
    };
    exact(Predicate::In { path, values })
}

/// `references()` collects the string arguments and the strings of array
/// arguments, and ignores anything else, as the evaluator does.
fn references(args: &[Expr], params: &Params) -> Option<Predicate> {
    let mut ids = Vec::new();
    for arg in args {
        match constant(arg, params)? {
            Value::String(s) => ids.push(s.to_string()),
            Value::Array(items) => {
                ids.extend(items.iter().filter_map(|v| v.as_str().map(str::to_string)))
            }
            _ => {}
        }
    }
    Some(Predicate::References(ids))
}

/// `a.b.c` read from the document itself (`@.a.b.c`, `a["b"]` alike).
fn field_path(e: &Expr) -> Option<FieldPath> {
    let mut segments = Vec::new();
    let mut e = e;
    loop {
        match e {
            Expr::Attribute { base, name } => {
                segments.push(name.to_string());
                e = base;
            }
            Expr::Group(inner) => e = inner,
            Expr::This => break,
            _ => return None,
        }
    }
    segments.reverse();
    FieldPath::new(segments)
}

/// A value known before any document is read: literals, `$params`, and
/// arrays of those, evaluated as the evaluator would.
fn constant(e: &Expr, params: &Params) -> Option<Value> {
    Some(match e {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => Value::number(*n),
        Expr::String(s) => Value::String(s.clone()),
        // A parameter the caller did not supply fails validation; planning
        // does not guess.
        Expr::Param(name) => params.get(name)?.clone(),
        Expr::Group(inner) => constant(inner, params)?,
        Expr::Neg(inner) => match constant(inner, params)? {
            Value::Number(n) => Value::number(-n),
            _ => Value::Null,
        },
        Expr::Pos(inner) => match constant(inner, params)? {
            v @ Value::Number(_) => v,
            _ => Value::Null,
        },
        Expr::Array(elements) => {
            let mut out = Vec::with_capacity(elements.len());
            for element in elements {
                let v = constant(&element.expr, params)?;
                if element.splat {
                    if let Value::Array(items) = v {
                        out.extend(items.iter().cloned());
                    }
                } else {
                    out.push(v);
                }
            }
            Value::array(out)
        }
        _ => return None,
    })
}

fn scalar(v: Value) -> Option<Scalar> {
    Some(match v {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(b),
        Value::Number(n) => Scalar::Number(n),
        Value::String(s) => Scalar::String(s.to_string()),
        _ => return None,
    })
}

fn ordered(v: Value) -> Option<Ordered> {
    Some(match v {
        Value::Number(n) => Ordered::Number(n),
        Value::String(s) => Ordered::String(s.to_string()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(json: serde_json::Value) -> Params {
        match json {
            serde_json::Value::Object(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), Value::from_json(v)))
                .collect(),
            _ => Params::new(),
        }
    }

    fn plan_with(filter: &str, p: &Params) -> Option<Pushdown> {
        let query = crate::groq::parse(&format!("*[{filter}]")).expect("query parses");
        let Expr::Filter { predicate, .. } = &query.expr else {
            panic!("*[{filter}] is not a filter: {:?}", query.expr)
        };
        plan_filter(predicate, p)
    }

    fn plan(filter: &str) -> Option<Pushdown> {
        plan_with(filter, &Params::new())
    }

    fn path(p: &str) -> FieldPath {
        FieldPath::parse(p).expect("path")
    }

    fn eq(p: &str, value: Scalar) -> Predicate {
        Predicate::Equals {
            path: path(p),
            value,
        }
    }

    fn s(v: &str) -> Scalar {
        Scalar::String(v.to_string())
    }

    fn cmp(p: &str, op: Order, value: Ordered) -> Predicate {
        Predicate::Compare {
            path: path(p),
            op,
            value,
        }
    }

    fn complete(filter: &str) -> Predicate {
        let found = plan(filter).unwrap_or_else(|| panic!("{filter} pushes down"));
        assert!(found.complete, "{filter} should be captured whole");
        found.predicate
    }

    fn partial(filter: &str) -> Predicate {
        let found = plan(filter).unwrap_or_else(|| panic!("{filter} pushes down"));
        assert!(!found.complete, "{filter} should leave a residue");
        found.predicate
    }

    #[test]
    fn comparisons_push_down_either_way_round() {
        assert_eq!(complete(r#"_type == "post""#), eq("_type", s("post")));
        assert_eq!(complete(r#""post" == _type"#), eq("_type", s("post")));
        assert_eq!(
            complete(r#"_type != "post""#),
            Predicate::negate(eq("_type", s("post")))
        );
        assert_eq!(
            complete("500 < views"),
            cmp("views", Order::Gt, Ordered::Number(500.0))
        );
        assert_eq!(
            complete("-1.5 >= a.b"),
            cmp("a.b", Order::LtEq, Ordered::Number(-1.5))
        );
        assert_eq!(
            complete(r#"title < "m""#),
            cmp("title", Order::Lt, Ordered::String("m".into()))
        );
        assert_eq!(complete("flag == true"), eq("flag", Scalar::Bool(true)));
        assert_eq!(complete("x == null"), eq("x", Scalar::Null));
        assert_eq!(complete("@.a[\"b\"] == 1"), eq("a.b", Scalar::Number(1.0)));
        assert_eq!(complete("(a) == 1"), eq("a", Scalar::Number(1.0)));
    }

    #[test]
    fn params_are_resolved_at_plan_time() {
        let p = params(serde_json::json!({
            "id": "person-1", "min": 3, "ids": ["a", "b"], "obj": {"a": 1}, "list": [1, 2]
        }));
        let found = plan_with("author._ref == $id", &p).expect("pushes");
        assert_eq!(found.predicate, eq("author._ref", s("person-1")));
        let found = plan_with("$min <= n", &p).expect("pushes");
        assert_eq!(found.predicate, cmp("n", Order::GtEq, Ordered::Number(3.0)));
        let found = plan_with("_id in $ids", &p).expect("pushes");
        assert_eq!(
            found.predicate,
            Predicate::In {
                path: path("_id"),
                values: ScalarList::Strings(vec!["a".into(), "b".into()])
            }
        );
        // Equality with an array or object is never true in GROQ, and not
        // worth a special case.
        assert_eq!(plan_with("a == $obj", &p), None);
        assert_eq!(plan_with("a == $list", &p), None);
        assert_eq!(plan_with("a > $obj", &p), None);
        assert_eq!(plan_with("a == $missing", &p), None);
    }

    #[test]
    fn in_lists_ranges_and_membership() {
        assert_eq!(
            complete(r#"_id in ["a", "b"]"#),
            Predicate::In {
                path: path("_id"),
                values: ScalarList::Strings(vec!["a".into(), "b".into()])
            }
        );
        assert_eq!(
            complete("n in [1, -2.5]"),
            Predicate::In {
                path: path("n"),
                values: ScalarList::Numbers(vec![1.0, -2.5])
            }
        );
        assert_eq!(
            complete("n in []"),
            Predicate::In {
                path: path("n"),
                values: ScalarList::Strings(vec![])
            }
        );
        assert_eq!(plan(r#"n in [1, "1"]"#), None);
        assert_eq!(plan("n in [null]"), None);
        assert_eq!(
            complete("n in 1...5"),
            Predicate::and(
                cmp("n", Order::GtEq, Ordered::Number(1.0)),
                cmp("n", Order::Lt, Ordered::Number(5.0))
            )
        );
        assert_eq!(plan(r#"n in 1.."z""#), None);
        assert_eq!(
            complete(r#""news" in tags"#),
            Predicate::Contains {
                path: path("tags"),
                value: s("news")
            }
        );
    }

    #[test]
    fn defined_and_references() {
        assert_eq!(
            complete("defined(seo.title)"),
            Predicate::Defined(path("seo.title"))
        );
        assert_eq!(plan("defined(tags[0])"), None);
        let refs = partial(r#"references("a", ["b", 1])"#);
        assert_eq!(refs, Predicate::References(vec!["a".into(), "b".into()]));
        assert_eq!(plan(r#"!references("a")"#), None);
        assert_eq!(plan("references(^._id)"), None);
    }

    #[test]
    fn combinators_keep_what_is_implied() {
        assert_eq!(
            complete(r#"_type == "post" && n > 1"#),
            Predicate::and(
                eq("_type", s("post")),
                cmp("n", Order::Gt, Ordered::Number(1.0))
            )
        );
        // The unindexable side of `&&` is left for core.
        assert_eq!(
            partial(r#"_type == "post" && title match "x""#),
            eq("_type", s("post"))
        );
        assert_eq!(
            partial(r#"count(tags) > 1 && (_type == "a" || _type == "b")"#),
            Predicate::or(eq("_type", s("a")), eq("_type", s("b")))
        );
        // `||` needs both sides.
        assert_eq!(plan(r#"_type == "post" || title match "x""#), None);
        // `!` needs an exact inside.
        assert_eq!(
            complete("!(a > 1)"),
            Predicate::negate(cmp("a", Order::Gt, Ordered::Number(1.0)))
        );
        assert_eq!(plan(r#"!(_type == "a" && title match "x")"#), None);
        assert_eq!(
            partial(r#"!(_type == "a") && references("x")"#),
            Predicate::and(
                Predicate::negate(eq("_type", s("a"))),
                Predicate::References(vec!["x".into()])
            )
        );
    }

    #[test]
    fn what_is_not_indexable() {
        for filter in [
            "a == b",
            "true",
            "a",
            "a.b[0] == 1",
            "tags[] == \"x\"",
            "author->name == \"x\"",
            "count(tags) > 1",
            "title match \"x\"",
            "a + 1 > 2",
            "flag > false",
            "a < null",
            "@[\"my-field\"] == 1",
            "^.a == 1",
            "dateTime(_createdAt) > dateTime(\"2020-01-01T00:00:00Z\")",
            "lower(title) == \"x\"",
        ] {
            assert_eq!(plan(filter), None, "{filter}");
        }
    }
}
