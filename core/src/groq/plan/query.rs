//! Which filter of a query a store may apply while reading `*`.

use crate::groq::ast::{Expr, Query};

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
