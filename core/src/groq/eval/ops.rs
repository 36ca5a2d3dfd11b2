//! The binary operators.

use std::cmp::Ordering;
use std::sync::Arc;

use super::compare::{equal, partial_compare};
use super::{Context, EvalResult, Scope};
use crate::groq::ast::{BinaryOp, Expr};
use crate::groq::text;
use crate::groq::value::{Object, Value};

pub fn binary(
    ctx: &Context,
    op: BinaryOp,
    left: &Expr,
    right: &Expr,
    scope: &Scope<'_>,
) -> EvalResult {
    if op == BinaryOp::In {
        return in_op(ctx, left, right, scope);
    }
    let a = ctx.operand(left, scope)?;
    let b = ctx.operand(right, scope)?;
    Ok(match op {
        BinaryOp::Eq => Value::Bool(equal(&a, &b)),
        BinaryOp::NotEq => Value::Bool(!equal(&a, &b)),
        BinaryOp::Lt => ordering(&a, &b, |o| o == Ordering::Less),
        BinaryOp::LtEq => ordering(&a, &b, |o| o != Ordering::Greater),
        BinaryOp::Gt => ordering(&a, &b, |o| o == Ordering::Greater),
        BinaryOp::GtEq => ordering(&a, &b, |o| o != Ordering::Less),
        BinaryOp::Match => match_op(&a, &b),
        _ => arithmetic(ctx, op, a.into_owned(), b.into_owned())?,
    })
}

fn arithmetic(ctx: &Context, op: BinaryOp, a: Value, b: Value) -> EvalResult {
    Ok(match op {
        BinaryOp::Add => add(ctx, a, b)?,
        BinaryOp::Sub => match (a, b) {
            (Value::Number(x), Value::Number(y)) => Value::number(x - y),
            (Value::DateTime(t), Value::Number(s)) => t
                .add_seconds(-s)
                .map(Value::DateTime)
                .unwrap_or(Value::Null),
            (Value::DateTime(x), Value::DateTime(y)) => Value::number(x.seconds_since(&y)),
            _ => Value::Null,
        },
        BinaryOp::Mul => numbers(a, b, |x, y| x * y),
        BinaryOp::Div => numbers(a, b, |x, y| x / y),
        BinaryOp::Rem => numbers(a, b, |x, y| x % y),
        BinaryOp::Pow => numbers(a, b, f64::powf),
        _ => Value::Null,
    })
}

fn ordering(a: &Value, b: &Value, test: impl Fn(Ordering) -> bool) -> Value {
    match partial_compare(a, b) {
        Some(o) => Value::Bool(test(o)),
        None => Value::Null,
    }
}

fn numbers(a: Value, b: Value, f: impl Fn(f64, f64) -> f64) -> Value {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::number(f(x, y)),
        _ => Value::Null,
    }
}

fn add(ctx: &Context, a: Value, b: Value) -> EvalResult {
    Ok(match (a, b) {
        (Value::Number(x), Value::Number(y)) => Value::number(x + y),
        (Value::String(x), Value::String(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(&x);
            s.push_str(&y);
            Value::String(Arc::from(s))
        }
        (Value::Array(x), Value::Array(y)) => {
            ctx.check_len(x.len() + y.len())?;
            let mut out = Vec::with_capacity(x.len() + y.len());
            out.extend(x.iter().cloned());
            out.extend(y.iter().cloned());
            Value::array(out)
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut out: Object = (*x).clone();
            for (k, v) in y.iter() {
                out.insert(k.clone(), v.clone());
            }
            Value::object(out)
        }
        (Value::DateTime(t), Value::Number(s)) | (Value::Number(s), Value::DateTime(t)) => {
            t.add_seconds(s).map(Value::DateTime).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    })
}

/// `left in right`: membership in an array, or position within a range.
fn in_op(ctx: &Context, left: &Expr, right: &Expr, scope: &Scope<'_>) -> EvalResult {
    let value = ctx.eval(left, scope)?;
    let mut right = right;
    while let Expr::Group(inner) = right {
        right = inner;
    }
    if let Expr::Range {
        start,
        end,
        exclusive,
    } = right
    {
        let lower = ctx.eval(start, scope)?;
        let upper = ctx.eval(end, scope)?;
        let (Some(l), Some(u)) = (
            partial_compare(&value, &lower),
            partial_compare(&value, &upper),
        ) else {
            return Ok(Value::Null);
        };
        return Ok(Value::Bool(
            !(l == Ordering::Less
                || u == Ordering::Greater
                || (*exclusive && u == Ordering::Equal)),
        ));
    }
    Ok(match ctx.eval(right, scope)? {
        Value::Array(items) => {
            ctx.charge(items.len() as u64)?;
            Value::Bool(items.iter().any(|item| equal(&value, item)))
        }
        Value::Path(glob) => match &value {
            Value::String(id) | Value::Path(id) => {
                Value::Bool(crate::groq::eval::functions::path_matches(&glob, id))
            }
            _ => Value::Bool(false),
        },
        _ => Value::Null,
    })
}

/// `left match right`: text against one or more patterns.
pub fn match_op(left: &Value, right: &Value) -> Value {
    let mut texts: Vec<&str> = Vec::new();
    match left {
        Value::String(s) => texts.push(s),
        Value::Array(items) => texts.extend(items.iter().filter_map(Value::as_str)),
        _ => {}
    }
    let mut patterns = Vec::new();
    match right {
        Value::String(s) => patterns.push(text::compile_pattern(s)),
        Value::Array(items) => {
            for item in items.iter() {
                match item {
                    Value::String(s) => patterns.push(text::compile_pattern(s)),
                    _ => return Value::Bool(false),
                }
            }
        }
        _ => {}
    }
    if patterns.is_empty() {
        return Value::Bool(false);
    }
    Value::Bool(text::matches(&texts, &patterns))
}
