//! Evaluating straight into JSON text.
//!
//! A query's result is usually sent, not kept. The commonest shape,
//! `*[...]{a, "b": c->d}`, would otherwise build one object per element only
//! to serialize and free it: here a projection over an array writes each
//! attribute as it is evaluated, reading fields borrowed from the documents.
//! Everything else is evaluated as usual and its value serialized. The text
//! is the same either way (the conformance suite checks: its wasm run goes
//! through here, its native run through values).

use std::borrow::Cow;

use super::{attribute_path, Context, EvalError, Scope};
use crate::groq::ast::{Expr, ObjectAttribute};
use crate::groq::object::{Key, KeyPath};
use crate::groq::value::Value;

impl Context {
    /// Appends the JSON text of `expr`'s value to `out`.
    pub fn write_json(
        &self,
        expr: &Expr,
        scope: &Scope<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), EvalError> {
        match expr {
            Expr::Map { base, expr: each } if writes_itself(each) => {
                // `*[filter]{...}`: elements are tested and written in one
                // pass, without collecting the filtered array first.
                let (source, matcher) = self.filtered_source(base, scope);
                // (A filter leaves a non-array as it is, and a map of one is null.)
                let Value::Array(items) = self.eval(source, scope)? else {
                    out.extend_from_slice(b"null");
                    return Ok(());
                };
                // A guess at the size, to spare most of the buffer's regrowth.
                out.reserve(items.len().saturating_mul(16));
                out.push(b'[');
                let plan = Projection::plan(each);
                let mut first = true;
                self.for_each_kept(&items, matcher.as_deref(), |item| {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    let inner = scope.hidden(Cow::Borrowed(item));
                    match &plan {
                        Some(plan) => self.write_projection(plan, item, &inner, out),
                        None => self.write_json(each, &inner, out),
                    }
                })?;
                out.push(b']');
                Ok(())
            }
            Expr::Projection { base, object } => match &**object {
                Expr::Object(attributes) if distinct_entries(attributes) => {
                    let base = self.operand(base, scope)?;
                    if !matches!(*base, Value::Object(_)) {
                        out.extend_from_slice(b"null");
                        return Ok(());
                    }
                    let inner = scope.nested(base);
                    out.push(b'{');
                    let entries = attributes.iter().filter_map(|a| match a {
                        ObjectAttribute::Entry { key, value } => Some((key, value)),
                        ObjectAttribute::Splat(_) => None,
                    });
                    for (i, (key, value)) in entries.enumerate() {
                        if i > 0 {
                            out.push(b',');
                        }
                        write_str(key, out)?;
                        out.push(b':');
                        match self.peek(value, &inner) {
                            Some(v) => write_value(v, out)?,
                            None => self.write_json(value, &inner, out)?,
                        }
                    }
                    out.push(b'}');
                    Ok(())
                }
                _ => serialize(&self.eval(expr, scope)?, out),
            },
            _ => write_value(&self.eval(expr, scope)?, out),
        }
    }
}

/// `{a, "b": c->d, ...}` applied to every element of an array, prepared once
/// for all of them: each key's JSON text, and for values that are attribute
/// paths or dereferences of one, the path with its keys.
struct Projection<'q> {
    fields: Vec<(Vec<u8>, Field<'q>)>,
}

enum Field<'q> {
    /// `a.b`
    Path(KeyPath),
    /// `a.b->` or `a.b->c` (and the expression, for documents not at hand)
    Deref(KeyPath, Option<Key>, &'q Expr),
    /// Anything else, evaluated per element.
    Other(&'q Expr),
}

impl<'q> Projection<'q> {
    /// A plan for `@{...}` with plain, distinct entries.
    fn plan(expr: &'q Expr) -> Option<Projection<'q>> {
        let Expr::Projection { base, object } = expr else {
            return None;
        };
        let (Expr::This, Expr::Object(attributes)) = (&**base, &**object) else {
            return None;
        };
        if !distinct_entries(attributes) {
            return None;
        }
        let mut fields = Vec::with_capacity(attributes.len());
        for attribute in attributes {
            let ObjectAttribute::Entry { key, value } = attribute else {
                return None;
            };
            let mut key_json = Vec::with_capacity(key.len() + 3);
            write_str(key, &mut key_json).ok()?;
            key_json.push(b':');
            let field = match value {
                Expr::Deref { base, attribute } => match attribute_path(base) {
                    Some(path) => Field::Deref(path, attribute.clone(), value),
                    None => Field::Other(value),
                },
                other => match attribute_path(other) {
                    Some(path) => Field::Path(path),
                    None => Field::Other(value),
                },
            };
            fields.push((key_json, field));
        }
        Some(Projection { fields })
    }
}

impl Context {
    /// One element through a [`Projection`]; `scope` is the map's scope for it.
    fn write_projection(
        &self,
        plan: &Projection<'_>,
        item: &Value,
        scope: &Scope<'_>,
        out: &mut Vec<u8>,
    ) -> Result<(), EvalError> {
        if !matches!(item, Value::Object(_)) {
            out.extend_from_slice(b"null");
            return Ok(());
        }
        // The scope the projection's attributes see, as `write_json` makes it.
        let inner = scope.nested(Cow::Borrowed(item));
        out.push(b'{');
        for (i, (key_json, field)) in plan.fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(key_json);
            match field {
                Field::Path(path) => write_value(path.get(item), out)?,
                Field::Deref(path, attribute, value) => {
                    let target = match path.get(item).get_str("_ref") {
                        Some(id) => self.dataset.lookup(id),
                        None => Some(&Value::Null),
                    };
                    match (target, attribute) {
                        (Some(target), None) => write_value(target, out)?,
                        (Some(Value::Object(o)), Some(name)) => {
                            write_value(o.get_key(name).unwrap_or(&Value::Null), out)?
                        }
                        (Some(_), Some(_)) => out.extend_from_slice(b"null"),
                        // Not held by a partial dataset: eval records the id.
                        (None, _) => self.write_json(value, &inner, out)?,
                    }
                }
                Field::Other(value) => self.write_json(value, &inner, out)?,
            }
        }
        out.push(b'}');
        Ok(())
    }
}

/// Whether [`Context::write_json`] has a way of its own for `expr`.
fn writes_itself(expr: &Expr) -> bool {
    matches!(expr, Expr::Projection { object, .. }
        if matches!(&**object, Expr::Object(attributes) if distinct_entries(attributes)))
}

/// An object literal of plain `key: value` entries with no key twice (a
/// repeated key or a splat could overwrite an earlier attribute, which only
/// building the object gets right). Projections are short, and this runs per
/// element: compared pairwise, without allocating.
fn distinct_entries(attributes: &[ObjectAttribute]) -> bool {
    attributes.iter().enumerate().all(|(i, a)| match a {
        ObjectAttribute::Entry { key, .. } => attributes[..i].iter().all(|b| match b {
            ObjectAttribute::Entry { key: other, .. } => other != key,
            ObjectAttribute::Splat(_) => false,
        }),
        ObjectAttribute::Splat(_) => false,
    })
}

/// A JSON string. Most keys and values need no escaping; those are copied
/// as they are, the rest go through serde_json.
fn write_str(s: &str, out: &mut Vec<u8>) -> Result<(), EvalError> {
    // No early exit: a branch-free pass the compiler can vectorize.
    let needs_escape = s.bytes().fold(false, |acc, b| {
        acc | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if needs_escape {
        return serialize(s, out);
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

/// A value read from the documents: strings the quick way.
fn write_value(v: &Value, out: &mut Vec<u8>) -> Result<(), EvalError> {
    match v {
        Value::String(s) => write_str(s, out),
        other => serialize(other, out),
    }
}

fn serialize<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), EvalError> {
    serde_json::to_writer(out, value)
        .map_err(|e| EvalError::execution(format!("the result cannot be written as JSON: {e}")))
}
