//! A document filter compiled to what runs per document. Results are GROQ
//! truth values: `Some(true)`, `Some(false)`, or `None` for null.
//!
//! Grant and listener filters run on every document a query returns or a
//! commit touches, so the common shapes become plain tests:
//! `_id in path("drafts.**")`, `a.b == identity()`, whatever the planner
//! compiles exactly (`_type == "post"`, `defined(x)`, `lang in [...]`), and
//! `&&`/`||`/`!` of those. Anything else runs through the evaluator, still
//! without re-parsing.

use std::sync::Arc;

use crate::groq::ast::{BinaryOp, Expr, Query};
use crate::groq::eval::{and, attribute_path, or, path_matches, Context, Params, Scope};
use crate::groq::object::KeyPath;
use crate::groq::plan::{plan_filter, Matcher};
use crate::groq::value::Value;
use crate::groq::Dataset;

/// A filter compiled to what runs per document. Results are GROQ truth
/// values: `Some(true)`, `Some(false)`, or `None` for null.
pub(crate) enum Test {
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
    pub(crate) fn compile(e: &Expr, params: &Arc<Params>) -> Test {
        match e {
            Expr::Group(inner) => Test::compile(inner, params),
            Expr::Bool(b) => Test::Constant(Some(*b)),
            // The evaluator takes the truth value of each operand, exactly
            // as `run` combines them below.
            Expr::And(a, b) => Test::And(
                Box::new(Test::compile(a, params)),
                Box::new(Test::compile(b, params)),
            ),
            Expr::Or(a, b) => Test::Or(
                Box::new(Test::compile(a, params)),
                Box::new(Test::compile(b, params)),
            ),
            Expr::Not(a) => Test::Not(Box::new(Test::compile(a, params))),
            Expr::Binary {
                op: BinaryOp::In,
                left,
                right,
            } => match (attribute_path(left), path_literal(right)) {
                (Some(field), Some(glob)) => Test::InPath {
                    field,
                    glob: glob.clone(),
                },
                _ => Test::planned_or_evaluated(e, params),
            },
            Expr::Binary {
                op: BinaryOp::Eq,
                left,
                right,
            } => match (attribute_path(left), attribute_path(right)) {
                (Some(field), None) if is_identity_call(right) => Test::IsIdentity(field),
                (None, Some(field)) if is_identity_call(left) => Test::IsIdentity(field),
                _ => Test::planned_or_evaluated(e, params),
            },
            _ => Test::planned_or_evaluated(e, params),
        }
    }

    fn planned_or_evaluated(e: &Expr, params: &Arc<Params>) -> Test {
        match plan_filter(e, params) {
            Some(plan) if plan.complete => Test::Planned(plan.predicate.matcher()),
            _ => Test::Evaluated {
                query: Query {
                    functions: Vec::new(),
                    expr: e.clone(),
                },
                dataset: Arc::new(Dataset::default()),
                params: params.clone(),
            },
        }
    }

    pub(crate) fn run(&self, doc: &Value, identity: Option<&str>) -> Option<bool> {
        match self {
            Test::Constant(t) => *t,
            // As the evaluator's `in`: a string (or path) field is matched
            // against the glob; anything else is simply not in the path.
            Test::InPath { field, glob } => Some(match field.get(doc) {
                Value::String(id) | Value::Path(id) => path_matches(glob, id),
                _ => false,
            }),
            // `==` of a string and anything else is false, never null.
            // Without an identity, `identity()` is the evaluator's default.
            Test::IsIdentity(field) => {
                Some(field.get(doc).as_str() == Some(identity.unwrap_or("me")))
            }
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
                ctx.identity = identity.map(str::to_string);
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

impl Test {
    /// `_id in path(glob)`, built without a parse.
    pub(crate) fn id_in_path(glob: &str) -> Test {
        Test::InPath {
            field: KeyPath::new(["_id"]),
            glob: glob.into(),
        }
    }

    /// Whether any part needs the evaluator (the slow path).
    pub(crate) fn evaluates(&self) -> bool {
        match self {
            Test::Evaluated { .. } => true,
            Test::And(a, b) | Test::Or(a, b) => a.evaluates() || b.evaluates(),
            Test::Not(a) => a.evaluates(),
            _ => false,
        }
    }
}
