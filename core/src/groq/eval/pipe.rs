//! Pipe functions: `| order(...)` and `| score(...)`.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use super::compare::total_compare;
use super::{attribute_path, Context, EvalResult, Scope};
use crate::groq::ast::{BinaryOp, Expr};
use crate::groq::error::EvalError;
use crate::groq::object::KeyPath;
use crate::groq::text;
use crate::groq::value::Value;

pub fn call(
    ctx: &Context,
    name: &str,
    items: &Arc<Vec<Value>>,
    args: &[Expr],
    scope: &Scope<'_>,
) -> EvalResult {
    match name {
        "order" => order(ctx, &items.iter().collect::<Vec<_>>(), args, scope, None),
        "score" => score(ctx, items, args, scope),
        other => Err(EvalError::execution(format!(
            "unknown pipe function {other}()"
        ))),
    }
}

/// Sorts by each argument in turn (`asc` by default), with the spec's total
/// order; ties keep their input order. With `limit` (the query slices the
/// result, `| order(...)[0...20]`), only the first `limit` come back, found
/// by selection instead of sorting everything.
pub fn order(
    ctx: &Context,
    items: &[&Value],
    args: &[Expr],
    scope: &Scope<'_>,
    limit: Option<usize>,
) -> EvalResult {
    let n = items.len();
    ctx.charge((n as u64).saturating_mul(64 - (n as u64).leading_zeros() as u64 + 1))?;
    let width = args.len();
    let mut ascending = Vec::with_capacity(width);
    let mut exprs = Vec::with_capacity(width);
    for arg in args {
        ascending.push(!matches!(arg, Expr::Desc(_)));
        exprs.push(match arg {
            Expr::Asc(e) | Expr::Desc(e) => &**e,
            e => e,
        });
    }
    // Every key evaluated once, row-major: keys[i * width + k]. Keys that
    // are attribute paths (`views`, `author.name`) are borrowed from the
    // elements, the rest computed.
    let paths: Vec<Option<KeyPath>> = exprs.iter().map(|e| attribute_path(e)).collect();
    let all_paths = paths.iter().all(Option::is_some);
    let mut keys: Vec<Cow<'_, Value>> = Vec::with_capacity(n * width);
    for item in items.iter() {
        if all_paths {
            for path in paths.iter().flatten() {
                keys.push(Cow::Borrowed(path.get(item)));
            }
            continue;
        }
        let inner = scope.nested(Cow::Borrowed(item));
        for (expr, path) in exprs.iter().zip(&paths) {
            keys.push(match path {
                Some(path) => Cow::Borrowed(path.get(item)),
                None => Cow::Owned(ctx.operand(expr, &inner)?.into_owned()),
            });
        }
    }
    let compare = |&a: &usize, &b: &usize| {
        for (k, up) in ascending.iter().enumerate() {
            let o = total_compare(&keys[a * width + k], &keys[b * width + k]);
            if o != Ordering::Equal {
                return if *up { o } else { o.reverse() };
            }
        }
        // The input position breaks ties, which makes the unstable sorts
        // below stable.
        a.cmp(&b)
    };
    let index = match limit {
        Some(k) if k < n => top(n, k, compare),
        _ => {
            let mut index: Vec<usize> = (0..n).collect();
            index.sort_unstable_by(compare);
            index
        }
    };
    Ok(Value::array(
        index.into_iter().map(|i| items[i].clone()).collect(),
    ))
}

/// The first `k` of `0..n` in `compare` order, sorted: a heap of the best
/// `k` so far, whose worst is the bar each newcomer must pass. On unsorted
/// input almost every element is compared once, with the bar.
fn top(n: usize, k: usize, compare: impl Fn(&usize, &usize) -> Ordering) -> Vec<usize> {
    if k == 0 {
        return Vec::new();
    }
    // A max-heap by `compare`: heap[0] is the worst kept.
    let mut heap: Vec<usize> = Vec::with_capacity(k);
    let sift_down = |heap: &mut Vec<usize>| {
        let mut i = 0;
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut worst = i;
            if l < heap.len() && compare(&heap[l], &heap[worst]) == Ordering::Greater {
                worst = l;
            }
            if r < heap.len() && compare(&heap[r], &heap[worst]) == Ordering::Greater {
                worst = r;
            }
            if worst == i {
                return;
            }
            heap.swap(i, worst);
            i = worst;
        }
    };
    for i in 0..n {
        if heap.len() < k {
            heap.push(i);
            // Sift up.
            let mut c = heap.len() - 1;
            while c > 0 {
                let p = (c - 1) / 2;
                if compare(&heap[c], &heap[p]) != Ordering::Greater {
                    break;
                }
                heap.swap(c, p);
                c = p;
            }
        } else if compare(&i, &heap[0]) == Ordering::Less {
            heap[0] = i;
            sift_down(&mut heap);
        }
    }
    heap.sort_unstable_by(&compare);
    heap
}

fn score(ctx: &Context, items: &Arc<Vec<Value>>, args: &[Expr], scope: &Scope<'_>) -> EvalResult {
    let mut scored: Vec<(f64, Value)> = Vec::with_capacity(items.len());
    for item in items.iter() {
        let Value::Object(obj) = item else {
            scored.push((f64::NEG_INFINITY, item.clone()));
            continue;
        };
        let inner = scope.nested(Cow::Borrowed(item));
        let mut sum = match obj.get("_score") {
            Some(Value::Number(n)) => *n,
            // The suite starts from 0 (the spec text says 1.0; see
            // tests/groq-spec-disagreements.md).
            _ => 0.0,
        };
        for arg in args {
            sum += score_of(ctx, arg, &inner)?;
        }
        let mut out = (**obj).clone();
        out.insert(Arc::from("_score"), Value::number(sum));
        scored.push((sum, Value::object(out)));
    }
    scored.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(Ordering::Equal));
    Ok(Value::array(scored.into_iter().map(|(_, v)| v).collect()))
}

/// How much one `score()` argument adds for the current element.
fn score_of(ctx: &Context, expr: &Expr, scope: &Scope<'_>) -> Result<f64, EvalError> {
    Ok(match expr {
        Expr::Binary {
            op: BinaryOp::Match,
            left,
            right,
        } => {
            let l = ctx.eval(left, scope)?;
            let r = ctx.eval(right, scope)?;
            let texts: Vec<&str> = match &l {
                Value::String(s) => vec![s],
                Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            let patterns: Vec<_> = match &r {
                Value::String(s) => vec![text::compile_pattern(s)],
                Value::Array(items) => items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(text::compile_pattern)
                    .collect(),
                _ => vec![],
            };
            text::match_score(&texts, &patterns)
        }
        Expr::Call { name, args, .. } if name.as_ref() == "boost" && args.len() == 2 => {
            let inner = score_of(ctx, &args[0], scope)?;
            let boost = ctx.eval(&args[1], scope)?.as_f64().unwrap_or(0.0);
            if inner > 0.0 {
                inner + boost
            } else {
                0.0
            }
        }
        Expr::Or(a, b) => score_of(ctx, a, scope)? + score_of(ctx, b, scope)?,
        Expr::And(a, b) => {
            let (x, y) = (score_of(ctx, a, scope)?, score_of(ctx, b, scope)?);
            if x == 0.0 || y == 0.0 {
                0.0
            } else {
                x + y
            }
        }
        Expr::Group(inner) => score_of(ctx, inner, scope)?,
        other => {
            if ctx.eval(other, scope)?.is_true() {
                1.0
            } else {
                0.0
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `top` gives the first `k` of a full stable sort, ties in input order.
    #[test]
    fn top_is_a_prefix_of_the_sort() {
        let mut state: u64 = 7;
        let values: Vec<u64> = (0..500)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 33) % 40
            })
            .collect();
        let compare = |a: &usize, b: &usize| values[*a].cmp(&values[*b]).then(a.cmp(b));
        let mut sorted: Vec<usize> = (0..values.len()).collect();
        sorted.sort_by(compare);
        for k in [0, 1, 2, 7, 50, 499, 500] {
            assert_eq!(top(values.len(), k, compare), sorted[..k], "k = {k}");
        }
    }
}
