//! Built-in functions, dispatched by namespace and name. Arguments arrive
//! unevaluated (the spec lets each function choose how to evaluate them);
//! arity is checked before evaluation by [`signature`].

use std::sync::Arc;

use super::compare::equal;
use super::{Context, EvalResult, Scope};
use crate::groq::ast::Expr;
use crate::groq::datetime::DateTime;
use crate::groq::error::EvalError;
use crate::groq::value::Value;

/// The argument counts a built-in accepts: `(min, max)`; `None` if there is
/// no such function. Validation turns a mismatch into a parse error.
pub fn signature(namespace: &str, name: &str) -> Option<(usize, usize)> {
    const MANY: usize = usize::MAX;
    Some(match (namespace, name) {
        ("global", "after" | "before" | "now" | "identity") => (0, 0),
        ("global", "boost") => (2, 2),
        ("global", "coalesce") => (0, MANY),
        (
            "global",
            "count" | "defined" | "length" | "lower" | "upper" | "string" | "dateTime" | "path"
            | "pt",
        ) => (1, 1),
        ("string", "lower" | "upper") => (1, 1),
        ("global", "references") => (1, MANY),
        ("global", "round") => (1, 2),
        ("global", "select") => (0, MANY),
        ("global", "geo") => (1, 1),
        ("dateTime", "now") => (0, 0),
        ("diff", "changedAny" | "changedOnly") => (3, 3),
        ("delta", "changedAny" | "changedOnly") => (1, 1),
        ("delta", "operation") => (0, 0),
        ("array", "join" | "intersects") => (2, 2),
        ("array", "compact" | "unique") => (1, 1),
        ("string", "split" | "startsWith") => (2, 2),
        ("math", "sum" | "avg" | "min" | "max") => (1, 1),
        ("pt", "text") => (1, 1),
        ("geo", "latLng" | "contains" | "intersects" | "distance") => (2, 2),
        ("sanity", "projectId" | "dataset") => (0, 0),
        ("sanity", "versionOf" | "partOfRelease") => (1, 1),
        ("releases", "all") => (0, 0),
        ("text", "query") => (1, 2),
        ("documents", "get") => (1, 1),
        _ => return None,
    })
}

fn arg(ctx: &Context, args: &[Expr], i: usize, scope: &Scope<'_>) -> EvalResult {
    match args.get(i) {
        Some(e) => ctx.eval(e, scope),
        None => Ok(Value::Null),
    }
}

pub fn call(
    ctx: &Context,
    namespace: &str,
    name: &str,
    args: &[Expr],
    scope: &Scope<'_>,
) -> EvalResult {
    if let Some(decl) = ctx
        .functions
        .get(&(namespace.to_string(), name.to_string()))
    {
        return ctx.call_custom(decl, args, scope);
    }
    let a = |i| arg(ctx, args, i, scope);
    Ok(match (namespace, name) {
        ("global", "coalesce") => {
            for e in args {
                let v = ctx.eval(e, scope)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Value::Null
        }
        ("global", "count") => match ctx.count_filter(&args[0], scope) {
            Some(counted) => counted?,
            None => match a(0)? {
                Value::Array(items) => Value::Number(items.len() as f64),
                _ => Value::Null,
            },
        },
        ("global", "defined") => Value::Bool(!a(0)?.is_null()),
        ("global", "length") => match a(0)? {
            Value::String(s) => Value::Number(s.chars().count() as f64),
            Value::Array(items) => Value::Number(items.len() as f64),
            _ => Value::Null,
        },
        ("global" | "string", "lower") => match a(0)? {
            Value::String(s) => Value::string(s.to_lowercase()),
            _ => Value::Null,
        },
        ("global" | "string", "upper") => match a(0)? {
            Value::String(s) => Value::string(s.to_uppercase()),
            _ => Value::Null,
        },
        ("global", "now") => match ctx.now {
            Some(t) => Value::string(t.to_rfc3339()),
            None => Value::Null,
        },
        ("dateTime", "now") => ctx.now.map(Value::DateTime).unwrap_or(Value::Null),
        ("global", "dateTime") => match a(0)? {
            Value::String(s) => DateTime::parse(&s)
                .map(Value::DateTime)
                .unwrap_or(Value::Null),
            v @ Value::DateTime(_) => v,
            _ => Value::Null,
        },
        ("global", "string") => to_string(&a(0)?).map(Value::string).unwrap_or(Value::Null),
        ("global", "round") => {
            let n = a(0)?;
            let precision = if args.len() > 1 {
                a(1)?
            } else {
                Value::Number(0.0)
            };
            match (n, precision) {
                (Value::Number(n), Value::Number(p)) => round(n, p),
                _ => Value::Null,
            }
        }
        ("global", "select") => {
            for e in args {
                match e {
                    Expr::Pair(cond, value) => {
                        if ctx.eval(cond, scope)?.is_true() {
                            return ctx.eval(value, scope);
                        }
                    }
                    other => return ctx.eval(other, scope),
                }
            }
            Value::Null
        }
        ("global", "references") => {
            let mut ids: Vec<Arc<str>> = Vec::new();
            for i in 0..args.len() {
                match a(i)? {
                    Value::String(s) => ids.push(s),
                    Value::Array(items) => ids.extend(items.iter().filter_map(|v| match v {
                        Value::String(s) => Some(s.clone()),
                        _ => None,
                    })),
                    _ => {}
                }
            }
            Value::Bool(!ids.is_empty() && has_reference(&scope.this, &ids))
        }
        ("global", "identity") => {
            Value::string(ctx.identity.clone().unwrap_or_else(|| "me".to_string()))
        }
        ("global", "path") => match a(0)? {
            Value::String(s) => Value::Path(s),
            _ => Value::Null,
        },
        ("global", "boost") => {
            let result = a(0)?;
            match a(1)? {
                Value::Number(n) if n >= 0.0 => result,
                _ => Value::Null,
            }
        }
        ("global", "before" | "after") | ("delta", _) => {
            return Err(EvalError::execution(format!(
                "{namespace}::{name}() is only valid in delta mode"
            )))
        }
        ("array", "join") => match (a(0)?, a(1)?) {
            (Value::Array(items), Value::String(sep)) => {
                let mut out = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&sep);
                    }
                    match to_string(item) {
                        Some(s) => out.push_str(&s),
                        None => return Ok(Value::Null),
                    }
                }
                Value::string(out)
            }
            _ => Value::Null,
        },
        ("array", "compact") => match a(0)? {
            Value::Array(items) => {
                Value::array(items.iter().filter(|v| !v.is_null()).cloned().collect())
            }
            _ => Value::Null,
        },
        ("array", "unique") => match a(0)? {
            Value::Array(items) => {
                let mut out: Vec<Value> = Vec::new();
                for item in items.iter() {
                    let comparable = matches!(
                        item,
                        Value::Null
                            | Value::Bool(_)
                            | Value::Number(_)
                            | Value::String(_)
                            | Value::DateTime(_)
                    );
                    if !comparable || !out.iter().any(|o| equal(o, item)) {
                        out.push(item.clone());
                    }
                }
                ctx.charge((items.len() as u64).saturating_mul(out.len() as u64) / 8)?;
                Value::array(out)
            }
            _ => Value::Null,
        },
        ("array", "intersects") => match (a(0)?, a(1)?) {
            (Value::Array(x), Value::Array(y)) => {
                ctx.charge((x.len() as u64).saturating_mul(y.len() as u64) / 8)?;
                Value::Bool(x.iter().any(|p| y.iter().any(|q| equal(p, q))))
            }
            _ => Value::Null,
        },
        ("string", "split") => match (a(0)?, a(1)?) {
            (Value::String(s), Value::String(sep)) => {
                let parts: Vec<Value> = if s.is_empty() {
                    Vec::new()
                } else if sep.is_empty() {
                    s.chars().map(|c| Value::string(c.to_string())).collect()
                } else {
                    s.split(sep.as_ref()).map(Value::string).collect()
                };
                Value::array(parts)
            }
            _ => Value::Null,
        },
        ("string", "startsWith") => match (a(0)?, a(1)?) {
            (Value::String(s), Value::String(prefix)) => {
                Value::Bool(s.starts_with(prefix.as_ref()))
            }
            _ => Value::Null,
        },
        ("math", "sum" | "avg" | "min" | "max") => math(name, a(0)?),
        ("pt", "text") => pt_text(&a(0)?),
        ("releases", "all") => Value::array(
            ctx.dataset
                .documents()
                .iter()
                .filter(|d| d.get("_type").as_str() == Some("system.release"))
                .cloned()
                .collect(),
        ),
        ("documents", "get") => match a(0)? {
            Value::String(id) => ctx.document(&id),
            Value::Object(o) => match o.get("_ref") {
                Some(Value::String(id)) => ctx.document(id),
                _ => Value::Null,
            },
            _ => Value::Null,
        },
        ("sanity", "versionOf") => match a(0)? {
            Value::String(id) => match scope.this.get_str("_id") {
                Some(doc) => Value::Bool(
                    crate::document::DocumentId::parse(doc)
                        .is_ok_and(|d| d.published_id() == id.as_ref()),
                ),
                None => Value::Null,
            },
            _ => Value::Null,
        },
        ("sanity", "partOfRelease") => match a(0)? {
            Value::String(release) => match scope.this.get("_id").as_str() {
                Some(doc) => Value::Bool(
                    doc.strip_prefix("versions.")
                        .and_then(|r| r.split_once('.'))
                        .is_some_and(|(r, _)| r == release.as_ref()),
                ),
                None => Value::Null,
            },
            _ => Value::Null,
        },
        ("sanity", "projectId" | "dataset") => Value::Null,
        ("global", "geo") => crate::groq::geo::geo(&a(0)?),
        ("geo", "latLng") => crate::groq::geo::lat_lng(&a(0)?, &a(1)?),
        ("geo", "contains") => crate::groq::geo::contains(&a(0)?, &a(1)?),
        ("geo", "intersects") => crate::groq::geo::intersects(&a(0)?, &a(1)?),
        ("geo", "distance") => crate::groq::geo::distance(&a(0)?, &a(1)?),
        ("text", "query") => match a(0)? {
            Value::String(q) => Value::string(q),
            _ => Value::Null,
        },
        ("diff", _) => return super::diff::call(ctx, name, args, scope),
        _ => {
            return Err(EvalError::execution(format!(
                "unknown function {namespace}::{name}()"
            )))
        }
    })
}

/// `global::string()`: scalars as text, everything else null.
pub fn to_string(v: &Value) -> Option<String> {
    match v {
        Value::Bool(b) => Some(b.to_string()),
        Value::String(s) => Some(s.to_string()),
        Value::Number(n) => Some(number_to_string(*n)),
        Value::DateTime(t) => Some(t.to_rfc3339()),
        _ => None,
    }
}

/// Numbers printed as JavaScript prints them (`3`, `0.1`, `1e+21`, `1e-7`).
pub fn number_to_string(n: f64) -> String {
    if n == 0.0 {
        return "0".to_string();
    }
    let abs = n.abs();
    if (1e-7..1e21).contains(&abs) {
        if n.fract() == 0.0 {
            return format!("{}", n as i64);
        }
        return format!("{n}");
    }
    // Exponent form: shortest mantissa, JS-style exponent sign.
    let s = format!("{n:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if exp.starts_with('-') => format!("{mantissa}e{exp}"),
        Some((mantissa, exp)) => format!("{mantissa}e+{exp}"),
        None => s,
    }
}

fn round(n: f64, precision: f64) -> Value {
    if precision.fract() != 0.0 || precision < 0.0 {
        return Value::Null;
    }
    let factor = 10f64.powi(precision as i32);
    // Half away from zero, as Sanity's API rounds.
    let scaled = n * factor;
    let rounded = if scaled >= 0.0 {
        (scaled + 0.5).floor()
    } else {
        -((-scaled + 0.5).floor())
    };
    Value::number(rounded / factor)
}

/// `references()`: some object in `v` has a string `_ref` among `ids` (the
/// fields of a reference itself are not searched).
pub fn has_reference(v: &Value, ids: &[Arc<str>]) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(o) => {
                if let Some(r) = o.get("_ref") {
                    if let Value::String(r) = r {
                        if ids.iter().any(|id| id == r) {
                            return true;
                        }
                    }
                    continue;
                }
                stack.extend(o.values());
            }
            _ => {}
        }
    }
    false
}

fn math(name: &str, v: Value) -> Value {
    let Value::Array(items) = v else {
        return Value::Null;
    };
    let mut numbers = Vec::with_capacity(items.len());
    for item in items.iter() {
        match item {
            Value::Null => {}
            Value::Number(n) => numbers.push(*n),
            _ => return Value::Null,
        }
    }
    match name {
        "sum" => Value::number(numbers.iter().sum()),
        "avg" if numbers.is_empty() => Value::Null,
        "avg" => Value::number(numbers.iter().sum::<f64>() / numbers.len() as f64),
        "min" => numbers
            .iter()
            .copied()
            .reduce(f64::min)
            .map(Value::number)
            .unwrap_or(Value::Null),
        _ => numbers
            .iter()
            .copied()
            .reduce(f64::max)
            .map(Value::number)
            .unwrap_or(Value::Null),
    }
}

/// `pt::text()`: the plain text of Portable Text. Every object with a
/// `children` array is a block (custom block types included); its text is
/// its spans' text; blocks are joined by a blank line. Null when there is no
/// block at all.
fn pt_text(v: &Value) -> Value {
    let mut blocks: Vec<&Value> = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(_) => blocks.push(v),
            _ => {}
        }
    }
    let mut paragraphs = Vec::new();
    for block in blocks {
        let Value::Array(children) = block.get("children") else {
            continue;
        };
        let text: String = children
            .iter()
            .filter(|c| c.get_str("_type") == Some("span"))
            .filter_map(|c| c.get_str("text"))
            .collect();
        paragraphs.push(text);
    }
    if paragraphs.is_empty() {
        return Value::Null;
    }
    Value::string(paragraphs.join("\n\n"))
}

/// `_id in path("drafts.**")`: `*` matches within one `.`-separated
/// segment, `**` across segments.
pub fn path_matches(glob: &str, id: &str) -> bool {
    fn go(g: &[u8], s: &[u8]) -> bool {
        // Iterative backtracking over at most one pending star of each kind keeps this linear-ish.
        let (mut gi, mut si) = (0, 0);
        let mut star: Option<(usize, usize, bool)> = None;
        while si < s.len() {
            if gi + 1 < g.len() && g[gi] == b'*' && g[gi + 1] == b'*' {
                star = Some((gi + 2, si, true));
                gi += 2;
            } else if gi < g.len() && g[gi] == b'*' {
                star = Some((gi + 1, si, false));
                gi += 1;
            } else if gi < g.len() && g[gi] == s[si] {
                gi += 1;
                si += 1;
            } else if let Some((sg, ss, deep)) = star {
                if !deep && s[ss] == b'.' {
                    return false;
                }
                star = Some((sg, ss + 1, deep));
                gi = sg;
                si = ss + 1;
            } else {
                return false;
            }
        }
        while gi < g.len() && g[gi] == b'*' {
            gi += 1;
        }
        gi == g.len()
    }
    go(glob.as_bytes(), id.as_bytes())
}
