//! Checks the spec makes before evaluation (its `Validate...` algorithms):
//! known functions with the right number of arguments, `select()` defaults
//! last, `asc`/`desc` only in `order()`, pipe functions that exist. A failure
//! is a `queryParseError`, pointing at the offending call.

use super::ast::{Expr, ObjectAttribute, Query, Span};
use super::error::QueryParseError;
use super::eval::functions_signature;

fn fail(message: impl Into<String>, span: Span) -> QueryParseError {
    QueryParseError {
        message: message.into(),
        start: span.start,
        end: span.end,
    }
}

pub fn validate(query: &Query) -> Result<(), QueryParseError> {
    for f in &query.functions {
        if f.params.len() != 1 {
            return Err(fail(
                format!(
                    "custom function {}::{} must take exactly one parameter",
                    f.namespace, f.name
                ),
                Span::default(),
            ));
        }
        walk(query, &f.body, Context::default())?;
    }
    walk(query, &query.expr, Context::default())
}

#[derive(Clone, Copy, Default)]
struct Context {
    /// Directly inside `order(...)`'s arguments.
    in_order: bool,
}

fn walk(query: &Query, e: &Expr, ctx: Context) -> Result<(), QueryParseError> {
    let plain = Context::default();
    match e {
        Expr::Call {
            namespace,
            name,
            args,
            span,
        } => {
            let custom = query
                .functions
                .iter()
                .find(|f| f.namespace == namespace.as_ref() && f.name == name.as_ref());
            if let Some(f) = custom {
                if args.len() != f.params.len() {
                    return Err(fail(
                        format!("{namespace}::{name}() takes {} argument(s)", f.params.len()),
                        *span,
                    ));
                }
            } else {
                let Some((min, max)) = functions_signature(namespace, name) else {
                    return Err(fail(
                        format!("unknown function {namespace}::{name}()"),
                        *span,
                    ));
                };
                if args.len() < min || args.len() > max {
                    return Err(fail(
                        format!("wrong number of arguments to {namespace}::{name}()"),
                        *span,
                    ));
                }
                if name.as_ref() == "select" {
                    let mut seen_default = false;
                    for a in args {
                        if seen_default {
                            return Err(fail(
                                "select(): the default must be the last argument",
                                *span,
                            ));
                        }
                        seen_default = !matches!(a, Expr::Pair(..));
                    }
                }
                if name.as_ref() == "boost" {
                    return Err(fail("boost() is only valid inside score()", *span));
                }
            }
            let selector_arg = match (namespace.as_ref(), name.as_ref()) {
                ("diff", "changedAny" | "changedOnly") if custom.is_none() => Some(2),
                ("delta", "changedAny" | "changedOnly") if custom.is_none() => Some(0),
                _ => None,
            };
            if let Some(i) = selector_arg {
                if let Some(sel) = args.get(i) {
                    crate::groq::eval::diff::check_selector(sel).map_err(|m| fail(m, *span))?;
                    let mut result = Ok(());
                    crate::groq::eval::diff::for_each_selector_expr(sel, &mut |e| {
                        if result.is_ok() {
                            result = walk(query, e, plain);
                        }
                    });
                    result?;
                }
            }
            for (i, a) in args.iter().enumerate() {
                if Some(i) == selector_arg {
                    continue;
                }
                match a {
                    Expr::Pair(x, y) if name.as_ref() == "select" => {
                        walk(query, x, plain)?;
                        walk(query, y, plain)?;
                    }
                    other => walk(query, other, plain)?,
                }
            }
            Ok(())
        }
        Expr::PipeCall {
            base,
            name,
            args,
            span,
        } => {
            walk(query, base, plain)?;
            match name.as_ref() {
                "order" | "score" if args.is_empty() => {
                    Err(fail(format!("{name}() needs at least one argument"), *span))
                }
                "order" => args
                    .iter()
                    .try_for_each(|a| walk(query, a, Context { in_order: true })),
                "score" => {
                    // score() ranks documents: its input must be a filtered
                    // set, not a projection or a single element.
                    if !scorable(base) {
                        return Err(fail(
                            "score() must follow a filter, a slice or another pipe function",
                            *span,
                        ));
                    }
                    args.iter().try_for_each(|a| walk_score(query, a))
                }
                other => Err(fail(format!("unknown pipe function {other}()"), *span)),
            }
        }
        Expr::Asc(inner) | Expr::Desc(inner) => {
            if !ctx.in_order {
                return Err(fail(
                    "asc and desc are only valid inside order()",
                    Span::default(),
                ));
            }
            walk(query, inner, plain)
        }
        Expr::Pair(..) => Err(fail(
            "=> is only valid inside select() or a projection",
            Span::default(),
        )),
        Expr::Binary {
            op: super::ast::BinaryOp::In,
            left,
            right,
        } => {
            walk(query, left, plain)?;
            let mut right = &**right;
            while let Expr::Group(inner) = right {
                right = inner;
            }
            match right {
                Expr::Range { start, end, .. } => {
                    walk(query, start, plain)?;
                    walk(query, end, plain)
                }
                other => walk(query, other, plain),
            }
        }
        Expr::Range { .. } => Err(fail(
            "a range is only valid after `in` or inside [] as a slice",
            Span::default(),
        )),
        _ => {
            let mut result = Ok(());
            children(e, &mut |child| {
                if result.is_ok() {
                    result = walk(query, child, plain);
                }
            });
            result
        }
    }
}

fn scorable(base: &Expr) -> bool {
    matches!(
        base,
        Expr::Everything
            | Expr::Filter { .. }
            | Expr::Slice { .. }
            | Expr::ArrayCoerce(_)
            | Expr::PipeCall { .. }
    )
}

/// `score()` arguments may use `boost()`.
fn walk_score(query: &Query, e: &Expr) -> Result<(), QueryParseError> {
    match e {
        Expr::Call {
            name, args, span, ..
        } if name.as_ref() == "boost" => {
            if args.len() != 2 {
                return Err(fail("boost() takes 2 arguments", *span));
            }
            walk_score(query, &args[0])?;
            walk(query, &args[1], Context::default())
        }
        Expr::And(a, b) | Expr::Or(a, b) => {
            walk_score(query, a)?;
            walk_score(query, b)
        }
        Expr::Group(inner) => walk_score(query, inner),
        other => walk(query, other, Context::default()),
    }
}

/// Calls `f` on each direct sub-expression, looking through the `select()`
/// a conditional attribute (`cond => {...}`) arrives as.
fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    let Expr::Object(attrs) = e else {
        return e.children(f);
    };
    for a in attrs {
        match a {
            ObjectAttribute::Splat(Expr::Call { name, args, .. }) if name.as_ref() == "select" => {
                args.iter().for_each(|a| match a {
                    Expr::Pair(x, y) => {
                        f(x);
                        f(y)
                    }
                    other => f(other),
                })
            }
            ObjectAttribute::Entry { value: x, .. } | ObjectAttribute::Splat(x) => f(x),
        }
    }
}

/// Every `$name` a query uses.
pub fn params_used(query: &Query) -> Vec<String> {
    let mut out = Vec::new();
    fn go(e: &Expr, out: &mut Vec<String>) {
        if let Expr::Param(p) = e {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        children(e, &mut |c| go(c, out));
    }
    go(&query.expr, &mut out);
    out
}
