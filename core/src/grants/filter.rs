//! A grant's GROQ filter, parsed and compiled once, then tested against
//! each document as `*[filter]` would test it: the document is `@`, and the
//! grant applies only where the filter is `true` (null does not grant).
//!
//! Grant filters run on every document of every query result, so the common
//! shapes are compiled to plain tests: `_id in path("drafts.**")`, the
//! conditions the planner already compiles (`_type == "post"`,
//! `defined(x)`, `lang in ["en", "ar"]`), and `&&`/`||`/`!` of those.
//! Anything else runs through the evaluator, still without re-parsing.

use std::fmt;
use std::sync::Arc;

use crate::groq::ast::{BinaryOp, Expr, Query};
use crate::groq::eval::{and, attribute_path, or, path_matches, Context, Params, Scope};
use crate::groq::object::KeyPath;
use crate::groq::plan::{plan_filter, Matcher};
use crate::groq::value::Value;
use crate::groq::{Dataset, GroqError, Prepared, QueryOptions};

use super::error::GrantError;

/// A grant's filter: its text (what `/acl` returns and a host may push down
/// to SQL) and its compiled form.
pub struct GrantFilter {
    source: Arc<str>,
    test: Test,
}

impl GrantFilter {
    /// Parses `source` as the filter of `*[source]`.
    ///
    /// Refuses filters that read other documents (`*`, `->`,
    /// `documents::get`, `releases::all`): Studio judges grants on one
    /// document at a time with nothing else loaded, so such a filter would
    /// mean one thing in Studio and another here.
    pub fn parse(source: &str) -> Result<GrantFilter, GrantError> {
        let invalid = |message: String| GrantError::InvalidFilter {
            filter: source.to_string(),
            message,
        };
        // Parsed as the query `*[source]` so that the parser, the validator
        // and the parameter check see exactly what a query filter gets.
        const PREFIX: &str = "*[";
        let text = format!("{PREFIX}{source}]");
        let prepared = Prepared::new(&text, &QueryOptions::default()).map_err(|e| match e {
            GroqError::Parse(e) => invalid(format!(
                "{} (at {}..{})",
                e.message,
                e.start.saturating_sub(PREFIX.len()).min(source.len()),
                e.end.saturating_sub(PREFIX.len()).min(source.len())
            )),
            GroqError::Eval(e) => invalid(e.description),
        })?;
        let Query { functions, expr } = prepared.query;
        let predicate = match expr {
            Expr::Filter { base, predicate } if functions.is_empty() && is_everything(&base) => {
                predicate
            }
            _ => return Err(invalid("expected one filter expression".to_string())),
        };
        if let Some(reason) = reads_other_documents(&predicate) {
            return Err(invalid(format!(
                "{reason}; a grant filter may read only the document itself"
            )));
        }
        Ok(GrantFilter {
            source: source.into(),
            test: Test::compile(&predicate),
        })
    }

    /// `_id in path("<glob>")`: the filter of Sanity's built-in roles and
    /// of legacy grants written as `{"path": "drafts.**"}`.
    /// (Built directly, so the built-in roles need no fallible parse; a
    /// JSON string literal is also a GROQ one.)
    pub fn id_path(glob: &str) -> GrantFilter {
        let literal = serde_json::Value::String(glob.to_string());
        GrantFilter {
            source: format!("_id in path({literal})").into(),
            test: Test::InPath {
                field: KeyPath::new(["_id"]),
                glob: glob.into(),
            },
        }
    }

    /// The filter as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the filter is `true` for `doc`. `identity` is what
    /// `identity()` returns inside the filter.
    pub fn matches(&self, doc: &Value, identity: &str) -> bool {
        self.test.run(doc, identity) == Some(true)
    }
}

impl fmt::Debug for GrantFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GrantFilter").field(&self.source).finish()
    }
}

/// `*`, as the base of `*[...]` (which the parser may wrap as `*[]`).
fn is_everything(e: &Expr) -> bool {
    match e {
        Expr::Everything => true,
        Expr::ArrayCoerce(inner) => matches!(**inner, Expr::Everything),
        _ => false,
    }
}

/// The first thing in `e` that reads beyond the document, if any.
fn reads_other_documents(e: &Expr) -> Option<&'static str> {
    let mut found = None;
    e.walk(&mut |e| {
        let reason = match e {
            Expr::Everything => Some("`*` reads the whole dataset"),
            Expr::Deref { .. } => Some("`->` reads the referenced document"),
            Expr::Call {
                namespace, name, ..
            } => match (namespace.as_ref(), name.as_ref()) {
                ("documents", "get") => Some("documents::get() reads other documents"),
                ("releases", "all") => Some("releases::all() reads the release documents"),
                _ => None,
            },
            _ => None,
        };
        if found.is_none() {
            found = reason;
        }
    });
    found
}

/// A filter compiled to what runs per document. Results are GROQ truth
/// values: `Some(true)`, `Some(false)`, or `None` for null.
enum Test {
    Constant(Option<bool>),
    /// `a.b in path("glob")`.
    InPath {
        field: KeyPath,
        glob: Arc<str>,
    },
    /// `a.b == identity()` (either way round): the usual "own documents"
    /// grant, which would otherwise need the evaluator for every document.
    IsIdentity(KeyPath),
    /// A filter the planner compiles exactly.
    Planned(Matcher),
    And(Box<Test>, Box<Test>),
    Or(Box<Test>, Box<Test>),
    Not(Box<Test>),
    /// Anything else: the expression, through the evaluator.
    Evaluated {
        query: Query,
        /// Empty: the filter was checked not to read it.
        dataset: Arc<Dataset>,
        params: Arc<Params>,
    },
}

impl Test {
    fn compile(e: &Expr) -> Test {
        match e {
            Expr::Group(inner) => Test::compile(inner),
            Expr::Bool(b) => Test::Constant(Some(*b)),
            // The evaluator takes the truth value of each operand, exactly
            // as `run` combines them below.
            Expr::And(a, b) => Test::And(Box::new(Test::compile(a)), Box::new(Test::compile(b))),
            Expr::Or(a, b) => Test::Or(Box::new(Test::compile(a)), Box::new(Test::compile(b))),
            Expr::Not(a) => Test::Not(Box::new(Test::compile(a))),
            Expr::Binary {
                op: BinaryOp::In,
                left,
                right,
            } => match (attribute_path(left), path_literal(right)) {
                (Some(field), Some(glob)) => Test::InPath {
                    field,
                    glob: glob.clone(),
                },
                _ => Test::planned_or_evaluated(e),
            },
            Expr::Binary {
                op: BinaryOp::Eq,
                left,
                right,
            } => match (attribute_path(left), attribute_path(right)) {
                (Some(field), None) if is_identity_call(right) => Test::IsIdentity(field),
                (None, Some(field)) if is_identity_call(left) => Test::IsIdentity(field),
                _ => Test::planned_or_evaluated(e),
            },
            _ => Test::planned_or_evaluated(e),
        }
    }

    fn planned_or_evaluated(e: &Expr) -> Test {
        match plan_filter(e, &Params::new()) {
            Some(plan) if plan.complete => Test::Planned(plan.predicate.matcher()),
            _ => Test::Evaluated {
                query: Query {
                    functions: Vec::new(),
                    expr: e.clone(),
                },
                dataset: Arc::new(Dataset::default()),
                params: Arc::new(Params::new()),
            },
        }
    }

    fn run(&self, doc: &Value, identity: &str) -> Option<bool> {
        match self {
            Test::Constant(t) => *t,
            // As the evaluator's `in`: a string (or path) field is matched
            // against the glob; anything else is simply not in the path.
            Test::InPath { field, glob } => Some(match field.get(doc) {
                Value::String(id) | Value::Path(id) => path_matches(glob, id),
                _ => false,
            }),
            // `==` of a string and anything else is false, never null.
            Test::IsIdentity(field) => Some(field.get(doc).as_str() == Some(identity)),
            Test::Planned(matcher) => matcher.matches(doc),
            Test::And(a, b) => match a.run(doc, identity) {
                Some(false) => Some(false),
                a => and(a, b.run(doc, identity)),
            },
            Test::Or(a, b) => match a.run(doc, identity) {
                Some(true) => Some(true),
                a => or(a, b.run(doc, identity)),
            },
            Test::Not(a) => a.run(doc, identity).map(|t| !t),
            Test::Evaluated {
                query,
                dataset,
                params,
            } => {
                let mut ctx = Context::new(query, dataset.clone());
                ctx.identity = Some(identity.to_string());
                // An error (a limit, a bad argument) grants nothing.
                ctx.eval(&query.expr, &Scope::root(doc.clone(), params))
                    .ok()?
                    .truth()
            }
        }
    }
}

/// `identity()`.
fn is_identity_call(e: &Expr) -> bool {
    match e {
        Expr::Group(inner) => is_identity_call(inner),
        Expr::Call {
            namespace,
            name,
            args,
            ..
        } => namespace.as_ref() == "global" && name.as_ref() == "identity" && args.is_empty(),
        _ => false,
    }
}

/// The glob of `path("glob")`.
fn path_literal(e: &Expr) -> Option<&Arc<str>> {
    match e {
        Expr::Group(inner) => path_literal(inner),
        Expr::Call {
            namespace,
            name,
            args,
            ..
        } if namespace.as_ref() == "global" && name.as_ref() == "path" => match args.as_slice() {
            [Expr::String(glob)] => Some(glob),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn doc(json: serde_json::Value) -> Value {
        Value::from_json(&json)
    }

    /// The compiled filter agrees with `*[filter]` run by the evaluator, on
    /// every document, for each shape `compile` treats differently.
    #[test]
    fn compiled_filters_agree_with_the_evaluator() {
        let docs = vec![
            json!({"_id": "a", "_type": "post", "lang": "en", "n": 3, "author": {"_ref": "me-1"}}),
            json!({"_id": "drafts.a", "_type": "post", "lang": "ar", "locked": true}),
            json!({"_id": "versions.r1.a", "_type": "post", "locked": false}),
            json!({"_id": "_.releases.r1", "_type": "system.release"}),
            json!({"_id": "b.c.d", "_type": "author", "n": "x"}),
            json!({"_id": "me-1", "_type": "person", "tags": ["x", "me-1"]}),
            json!({"_type": "no-id"}),
        ];
        let filters = [
            r#"_id in path("**")"#,
            r#"_id in path("*")"#,
            r#"_id in path("drafts.**")"#,
            r#"_id in (path("versions.*.*"))"#,
            r#"!(_id in path("drafts.**"))"#,
            r#"_type == "post" && lang == "en""#,
            r#"_type == "post" || n > 2"#,
            r#"!locked"#,
            r#"n > 2 && !locked"#,
            r#"locked || _id in path("*")"#,
            r#"references("me-1")"#,
            r#"_id == identity() || author._ref == identity()"#,
            r#"(identity()) == author._ref"#,
            r#"identity() in tags"#,
            r#"count(tags) > 1"#,
            r#"lang match "e*""#,
            r#"true"#,
            r#"null"#,
            r#"lang in ["en", "ar"]"#,
        ];
        for filter in filters {
            let compiled = GrantFilter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
            let expected = crate::groq::evaluate_json(
                &format!("*[{filter}]._id"),
                &docs,
                &QueryOptions {
                    identity: Some("me-1".into()),
                    ..QueryOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{filter}: {e}"));
            let got: Vec<serde_json::Value> = docs
                .iter()
                .filter(|d| compiled.matches(&doc((*d).clone()), "me-1"))
                .map(|d| d.get("_id").cloned().unwrap_or(serde_json::Value::Null))
                .collect();
            assert_eq!(json!(got), expected, "{filter}");
        }
    }

    #[test]
    fn the_common_shapes_need_no_evaluator() {
        for (filter, fast) in [
            (r#"_id in path("drafts.**")"#, true),
            (r#"_id in path("**") && _type == "post""#, true),
            (r#"!(_id in path("versions.**")) || defined(x)"#, true),
            (r#"references("a")"#, false),
            (r#"_id == identity() || identity() == author._ref"#, true),
            (r#"identity() in authors[]._ref"#, false),
        ] {
            let f = GrantFilter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
            assert_eq!(!f.test.evaluates(), fast, "{filter}");
        }
    }

    #[test]
    fn bad_filters_are_refused_with_the_reason() {
        for (filter, says) in [
            ("_id in path(", "(at "),
            ("", "expected one filter expression"),
            ("a] [b", "expected one filter expression"),
            ("a][0", "expected one filter expression"),
            ("_type == $type", "$type"),
            ("count(*) > 0", "`*` reads the whole dataset"),
            ("author->name == 'x'", "`->`"),
            ("defined(documents::get('x'))", "documents::get()"),
            ("nosuch::fn(1)", "nosuch"),
        ] {
            match GrantFilter::parse(filter) {
                Err(GrantError::InvalidFilter { filter: f, message }) => {
                    assert_eq!(f, filter);
                    assert!(message.contains(says), "{filter}: {message}");
                }
                other => panic!("{filter}: {other:?}"),
            }
        }
    }

    #[test]
    fn id_paths_quote_their_glob() {
        let f = GrantFilter::id_path("drafts.**");
        assert_eq!(f.as_str(), r#"_id in path("drafts.**")"#);
        assert!(f.matches(&doc(json!({"_id": "drafts.x"})), ""));
        assert!(!f.matches(&doc(json!({"_id": "x"})), ""));
        // The text parses back to the same test.
        for glob in ["drafts.**", r#"a"b\c"#, "x\n*"] {
            let built = GrantFilter::id_path(glob);
            let parsed = GrantFilter::parse(built.as_str()).expect("the text is GROQ");
            for id in ["drafts.x", r#"a"b\c"#, "x\ny", "x"] {
                let d = doc(json!({ "_id": id }));
                assert_eq!(
                    built.matches(&d, ""),
                    parsed.matches(&d, ""),
                    "{glob} on {id}"
                );
            }
        }
    }

    impl Test {
        fn evaluates(&self) -> bool {
            match self {
                Test::Evaluated { .. } => true,
                Test::And(a, b) | Test::Or(a, b) => a.evaluates() || b.evaluates(),
                Test::Not(a) => a.evaluates(),
                _ => false,
            }
        }
    }
}
