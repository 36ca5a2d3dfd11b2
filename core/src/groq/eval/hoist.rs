//! Finding subqueries that do not depend on the scope they sit in, such as
//! `*[_type == "author"]` inside a filter over posts, so the evaluator runs
//! them once per query instead of once per element. Without this a query
//! nesting `_id in *[...]` eight levels deep costs n^8.

use std::collections::HashSet;

use crate::groq::hash::BuildKeyHasher;

/// Expression addresses, hashed with a cheap hasher (they are not user input).
pub type AddressSet = HashSet<usize, BuildKeyHasher>;

use crate::groq::ast::{Expr, ObjectAttribute};

/// Addresses of the expressions worth evaluating once: scope-independent
/// and reading the dataset.
pub fn hoistable(roots: &[&Expr]) -> AddressSet {
    let mut out = AddressSet::default();
    for root in roots {
        analyze(root, &mut out);
    }
    out
}

/// What an expression reads from its surroundings.
#[derive(Clone, Copy, Default)]
struct Uses {
    /// Bit `k`: the `@` of the scope `k` levels up (0 = the current scope).
    scopes: u64,
    /// Reads `*`.
    dataset: bool,
}

impl Uses {
    fn join(self, other: Uses) -> Uses {
        Uses {
            scopes: self.scopes | other.scopes,
            dataset: self.dataset || other.dataset,
        }
    }

    /// Uses inside a nested scope, seen from outside it.
    fn outer(self) -> Uses {
        Uses {
            scopes: self.scopes >> 1,
            dataset: self.dataset,
        }
    }
}

fn analyze(e: &Expr, out: &mut AddressSet) -> Uses {
    let all = |es: &[&Expr], out: &mut AddressSet| {
        es.iter()
            .fold(Uses::default(), |u, e| u.join(analyze(e, out)))
    };
    let uses = match e {
        Expr::Everything => Uses {
            scopes: 0,
            dataset: true,
        },
        Expr::This => Uses {
            scopes: 1,
            dataset: false,
        },
        Expr::Parent(n) => Uses {
            scopes: if *n < 63 { 1 << n } else { u64::MAX },
            dataset: false,
        },
        Expr::Param(_) | Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) => {
            Uses::default()
        }
        Expr::Array(items) => items
            .iter()
            .fold(Uses::default(), |u, i| u.join(analyze(&i.expr, out))),
        Expr::Object(attrs) => attrs.iter().fold(Uses::default(), |u, a| {
            u.join(match a {
                ObjectAttribute::Entry { value, .. } => analyze(value, out),
                ObjectAttribute::Splat(e) => analyze(e, out),
            })
        }),
        Expr::Attribute { base, .. } | Expr::ArrayCoerce(base) | Expr::Deref { base, .. } => {
            analyze(base, out)
        }
        Expr::Element { base, index } => all(&[base, index], out),
        Expr::Slice {
            base, start, end, ..
        } => all(&[base, start, end], out),
        Expr::Filter { base, predicate } => {
            analyze(base, out).join(analyze(predicate, out).outer())
        }
        Expr::Projection { base, object } => analyze(base, out).join(analyze(object, out).outer()),
        Expr::Map { base, expr } | Expr::FlatMap { base, expr } => {
            analyze(base, out).join(analyze(expr, out).outer())
        }
        Expr::Group(inner)
        | Expr::Not(inner)
        | Expr::Neg(inner)
        | Expr::Pos(inner)
        | Expr::Asc(inner)
        | Expr::Desc(inner) => analyze(inner, out),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Pair(a, b) => all(&[a, b], out),
        Expr::Binary { left, right, .. } => all(&[left, right], out),
        Expr::Range { start, end, .. } => all(&[start, end], out),
        Expr::Tuple(items) => items
            .iter()
            .fold(Uses::default(), |u, e| u.join(analyze(e, out))),
        Expr::Call { name, args, .. } => {
            let mut u = args
                .iter()
                .fold(Uses::default(), |u, e| u.join(analyze(e, out)));
            // These read `@` without naming it.
            if matches!(name.as_ref(), "references" | "versionOf" | "partOfRelease") {
                u.scopes |= 1;
            }
            u
        }
        Expr::PipeCall { base, args, .. } => {
            let inner = args
                .iter()
                .fold(Uses::default(), |u, e| u.join(analyze(e, out)));
            analyze(base, out).join(inner.outer())
        }
    };
    if worth_caching(e) && uses.scopes == 0 && uses.dataset {
        out.insert(e as *const Expr as usize);
    }
    uses
}

/// The kinds of expression that can be worth evaluating once: the evaluator
/// checks this before looking an expression up, so the lookup stays off the
/// hot path of literals and attribute reads.
pub fn worth_caching(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Filter { .. }
            | Expr::Map { .. }
            | Expr::FlatMap { .. }
            | Expr::PipeCall { .. }
            | Expr::Call { .. }
            | Expr::Slice { .. }
            | Expr::Element { .. }
            | Expr::ArrayCoerce(_)
            | Expr::Projection { .. }
    )
}
