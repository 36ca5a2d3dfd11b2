//! Which filter of a query a store may apply while reading `*`.

use crate::groq::ast::{Expr, Query};
use crate::groq::eval::Params;
use crate::groq::value::Value;

use super::predicate::{FieldPath, SortKey};

/// The predicate of the query's `*[...]`, when the store may hand the
/// evaluator only the documents that could pass it.
///
/// `*` reads the one list of documents the store scanned, so a narrower list
/// is only safe when that list is read nowhere else: exactly one `*`,
/// directly filtered, no `releases::all()` (which lists `*`'s documents) and
/// no custom function (whose body may read `*`, and which may shadow
/// `defined` or `references`). `->` and `documents::get()` do not count:
/// they look documents up by id, which a partial [`crate::groq::Dataset`]
/// fetches separately (see [`crate::groq::store`]). `None` means: read the
/// whole dataset.
///
/// The predicate speaks about documents as the filter sees them, which under
/// the `drafts` perspective or a release stack are overlays (`drafts.x` seen
/// as `x`), not the stored rows. Push it down for the `raw` and `published`
/// perspectives only.
pub fn document_filter(query: &Query) -> Option<&Expr> {
    if !query.functions.is_empty() {
        return None;
    }
    let mut everything = 0;
    let mut filter = None;
    let mut other_reads = false;
    query.expr.walk(&mut |e| match e {
        Expr::Everything => everything += 1,
        Expr::Filter { base, predicate } if reads_everything(base) => filter = Some(&**predicate),
        Expr::Call {
            namespace, name, ..
        } if namespace.as_ref() == "releases" && name.as_ref() == "all" => other_reads = true,
        _ => {}
    });
    if everything != 1 || other_reads {
        return None;
    }
    filter
}

/// `*[filter] | order(a, b desc)[s...e]` (then perhaps a projection of
/// each row): the one shape where a store may sort and cut the rows itself.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedSlice<'q> {
    /// The predicate of `*[...]`, as [`document_filter`] finds it.
    pub filter: &'q Expr,
    pub keys: Vec<SortKey>,
    /// How many rows, from the first in that order, the slice can reach.
    /// The store returns these and the evaluator still orders and slices
    /// them, so a slice that starts later needs no offset in SQL.
    pub limit: usize,
}

/// The [`OrderedSlice`] of `query`, when its result is cut from
/// `*[filter] | order(...)` by a constant, non-negative slice or index and
/// every key is a plain field path. `None` otherwise.
///
/// The caller must still check what makes sorting in the store right: the
/// filter pushed down completely (every row the store returns passes it,
/// so the first `limit` rows are the first `limit` GROQ keeps), and the
/// rows are the ones `*` stands for (no perspective drops or overlays
/// them afterwards, no grant hides one of them).
pub fn ordered_slice<'q>(query: &'q Query, params: &Params) -> Option<OrderedSlice<'q>> {
    let filter = document_filter(query)?;
    let mut e = &query.expr;
    // A projection or attribute mapped over each row of the slice does
    // not change which rows they are.
    while let Expr::Map { base, .. } = e {
        e = base;
    }
    let (base, limit) = match e {
        Expr::Slice {
            base,
            start,
            end,
            exclusive,
        } => {
            // The start only has to be one the evaluator slices from as
            // SQL would (not counted from the end).
            constant_index(start, params)?;
            let end = constant_index(end, params)?;
            (base, if *exclusive { end } else { end.checked_add(1)? })
        }
        Expr::Element { base, index } => (base, constant_index(index, params)?.checked_add(1)?),
        _ => return None,
    };
    let piped = match &**base {
        Expr::ArrayCoerce(inner) => &**inner,
        other => other,
    };
    let Expr::PipeCall {
        base: ordered,
        name,
        args,
        ..
    } = piped
    else {
        return None;
    };
    if &**name != "order" || args.is_empty() {
        return None;
    }
    let Expr::Filter {
        base: source,
        predicate,
    } = &**ordered
    else {
        return None;
    };
    if !reads_everything(source) || !std::ptr::eq(&**predicate, filter) {
        return None;
    }
    let keys = args.iter().map(sort_key).collect::<Option<Vec<_>>>()?;
    Some(OrderedSlice {
        filter,
        keys,
        limit,
    })
}

/// A literal or `$param` that is a whole number from 0 up.
fn constant_index(e: &Expr, params: &Params) -> Option<usize> {
    let n = match e {
        Expr::Number(n) => *n,
        Expr::Param(name) => match params.get(name)? {
            Value::Number(n) => *n,
            _ => return None,
        },
        _ => return None,
    };
    if n < 0.0 || n.fract() != 0.0 || n > u32::MAX as f64 {
        return None;
    }
    Some(n as usize)
}

/// `a.b`, `a.b asc` or `a.b desc`.
fn sort_key(arg: &Expr) -> Option<SortKey> {
    let (e, descending) = match arg {
        Expr::Asc(e) => (&**e, false),
        Expr::Desc(e) => (&**e, true),
        e => (e, false),
    };
    let mut names = Vec::new();
    let mut e = e;
    loop {
        match e {
            Expr::Attribute { base, name } => {
                names.push(name.as_ref().to_string());
                e = base;
            }
            Expr::This if !names.is_empty() => break,
            _ => return None,
        }
    }
    names.reverse();
    Some(SortKey {
        path: FieldPath::new(names)?,
        descending,
    })
}

/// Whether the query lists documents at all (`*` or `releases::all()`); a
/// query that does not needs no scan, only lookups by id.
pub fn reads_dataset(query: &Query) -> bool {
    let mut reads = false;
    let mut visit = |e: &Expr| match e {
        Expr::Everything => reads = true,
        Expr::Call {
            namespace, name, ..
        } if namespace.as_ref() == "releases" && name.as_ref() == "all" => reads = true,
        _ => {}
    };
    query.expr.walk(&mut visit);
    for f in &query.functions {
        f.body.walk(&mut visit);
    }
    reads
}

/// `*`, which the parser wraps in `[]` before a traversal.
pub(crate) fn reads_everything(e: &Expr) -> bool {
    match e {
        Expr::Everything => true,
        Expr::ArrayCoerce(inner) => matches!(**inner, Expr::Everything),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter_text(query: &str) -> Option<String> {
        let parsed = crate::groq::parse(query).expect("query parses");
        document_filter(&parsed).map(|e| format!("{e:?}"))
    }

    #[test]
    fn finds_the_filter_over_everything() {
        let plain = filter_text(r#"*[_type == "post"]"#).expect("found");
        for query in [
            r#"*[_type == "post"]._id"#,
            r#"*[_type == "post"]{_id, title}"#,
            r#"*[_type == "post"] | order(_id desc)[0...10]"#,
            r#"count(*[_type == "post"])"#,
            r#"{"posts": *[_type == "post"]}"#,
            r#"*[_type == "post"][n > 1]"#,
            r#"*[_type == "post"]{author->}"#,
            r#"*[_type == "post"]{"a": documents::get(author)}"#,
        ] {
            assert_eq!(
                filter_text(query).as_deref(),
                Some(plain.as_str()),
                "{query}"
            );
        }
    }

    #[test]
    fn declines_when_the_dataset_is_read_elsewhere() {
        for query in [
            "*",
            "count(*)",
            r#"*[_type == "post"]{"n": count(*)}"#,
            r#"*[_type == "post"]{"r": releases::all()}"#,
            r#"fn ex::f($d) = $d; *[_type == "post"]"#,
            r#"[1, 2][@ > 1]"#,
        ] {
            assert_eq!(filter_text(query), None, "{query}");
        }
    }
}
