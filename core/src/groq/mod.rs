//! GROQ: the grammar (`grammar.pest`), the syntax tree, the evaluator and the
//! planner that pushes filters down to SQL.

pub mod ast;
pub mod dataset;
pub mod datetime;
pub mod error;
pub mod eval;
pub mod filter;
pub mod geo;
pub(crate) mod hash;
pub mod text;
mod validate;
pub mod value;

pub use error::{EvalError, GroqError, QueryParseError};

use std::sync::Arc;

use serde_json::{Map, Value as Json};

pub use dataset::Dataset;
pub use filter::DocumentFilter;

/// What a query runs with besides its text and the documents.
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    /// `$name` values.
    pub params: Map<String, Json>,
    /// `raw` (the default), `published`, `drafts`, `previewDrafts`, or a
    /// comma-separated release stack ending in `drafts` or `published`.
    pub perspective: Option<String>,
    /// RFC 3339 time `now()` returns; the host's clock.
    pub now: Option<String>,
    /// What `identity()` returns.
    pub identity: Option<String>,
}

/// Runs `query` over `dataset` (documents as JSON) and returns the result as JSON.
pub fn evaluate_json(
    query: &str,
    dataset: &[Json],
    options: &QueryOptions,
) -> Result<Json, GroqError> {
    Ok(evaluate_in(query, &Arc::new(Dataset::from_json(dataset)), options)?.to_json())
}

/// Parses, validates and evaluates `query` over `docs`.
pub fn evaluate(
    query: &str,
    docs: Vec<value::Value>,
    options: &QueryOptions,
) -> Result<value::Value, GroqError> {
    evaluate_in(query, &Arc::new(Dataset::new(docs)), options)
}

/// As [`evaluate`], over a dataset a host keeps loaded between queries.
pub fn evaluate_in(
    query: &str,
    dataset: &Arc<Dataset>,
    options: &QueryOptions,
) -> Result<value::Value, GroqError> {
    let prepared = Prepared::new(query, options)?;
    let view = prepared.view(dataset);
    Ok(prepared.run(&view)?.0)
}

/// As [`evaluate_in`], returning the result as JSON text (what a host
/// sends), written as it is evaluated.
pub fn evaluate_in_json(
    query: &str,
    dataset: &Arc<Dataset>,
    options: &QueryOptions,
) -> Result<String, GroqError> {
    let prepared = Prepared::new(query, options)?;
    let view = prepared.view(dataset);
    let ctx = prepared.context(&view);
    let mut out = Vec::with_capacity(256);
    ctx.run_json(&prepared.query.expr, &prepared.params, &mut out)?;
    // serde_json writes UTF-8 only; the check cannot fail.
    String::from_utf8(out).map_err(|_| EvalError::execution("the result is not valid UTF-8").into())
}

/// A query parsed, validated and bound to its parameters: what is left is
/// to run it against documents.
pub struct Prepared {
    pub query: ast::Query,
    pub params: Arc<eval::Params>,
    pub perspective: eval::Perspective,
    now: Option<datetime::DateTime>,
    identity: Option<String>,
}

impl Prepared {
    pub fn new(query: &str, options: &QueryOptions) -> Result<Prepared, GroqError> {
        let parsed = parse(query)?;
        validate::validate(&parsed)?;
        let mut params = eval::Params::new();
        for (k, v) in &options.params {
            params.insert(k.clone(), value::Value::from_json(v));
        }
        for name in validate::params_used(&parsed) {
            if !params.contains_key(&name) {
                let at = query.find(&format!("${name}")).unwrap_or(0);
                return Err(QueryParseError {
                    message: format!("param ${name} referenced, but not provided"),
                    start: at,
                    end: at + name.len() + 1,
                }
                .into());
            }
        }
        Ok(Prepared {
            query: parsed,
            params: Arc::new(params),
            perspective: eval::Perspective::parse(options.perspective.as_deref())?,
            now: options.now.as_deref().and_then(datetime::DateTime::parse),
            identity: options.identity.clone(),
        })
    }

    /// A complete dataset as this query's perspective shows it.
    pub fn view(&self, dataset: &Arc<Dataset>) -> Arc<Dataset> {
        match self.perspective {
            eval::Perspective::Raw => dataset.clone(),
            ref p => Arc::new(Dataset::new(eval::apply_perspective(
                dataset.documents(),
                p,
            ))),
        }
    }

    /// Evaluates the query over `dataset` (its perspective already applied).
    /// Also returns the ids `->` asked for that a partial dataset lacked.
    pub fn run(&self, dataset: &Arc<Dataset>) -> Result<(value::Value, Vec<Arc<str>>), EvalError> {
        let ctx = self.context(dataset);
        let result = ctx.run(&self.query.expr, &self.params)?;
        Ok((result, ctx.take_missing()))
    }

    /// The evaluator's context for this query over `dataset`.
    fn context(&self, dataset: &Arc<Dataset>) -> eval::Context {
        let mut ctx = eval::Context::new(&self.query, dataset.clone());
        ctx.now = self.now;
        ctx.identity = self.identity.clone();
        if let eval::Perspective::Stack { releases, .. } = &self.perspective {
            ctx.releases = releases.clone();
        }
        ctx
    }
}

mod literal;
pub mod object;
pub mod parse;
pub mod plan;
pub mod store;
mod syntax;
mod traversal;

pub use parse::parse;
