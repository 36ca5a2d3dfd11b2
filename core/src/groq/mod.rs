//! GROQ: the grammar (`grammar.pest`), the syntax tree, the evaluator and the
//! planner that pushes filters down to SQL.

pub mod ast;
pub mod datetime;
pub mod error;
pub mod eval;
pub mod geo;
mod hash;
pub mod text;
mod validate;
pub mod value;

pub use error::{EvalError, GroqError, QueryParseError};

use serde_json::{Map, Value as Json};

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
    let docs: Vec<value::Value> = dataset.iter().map(value::Value::from_json).collect();
    Ok(evaluate(query, docs, options)?.to_json())
}

/// Parses, validates and evaluates `query` over `docs`.
pub fn evaluate(
    query: &str,
    docs: Vec<value::Value>,
    options: &QueryOptions,
) -> Result<value::Value, GroqError> {
    evaluate_shared(query, &std::sync::Arc::new(docs), options)
}

/// As [`evaluate`], over documents a host keeps loaded between queries.
pub fn evaluate_shared(
    query: &str,
    docs: &std::sync::Arc<Vec<value::Value>>,
    options: &QueryOptions,
) -> Result<value::Value, GroqError> {
    evaluate_inner(query, docs, options)
}

fn evaluate_inner(
    query: &str,
    docs: &std::sync::Arc<Vec<value::Value>>,
    options: &QueryOptions,
) -> Result<value::Value, GroqError> {
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
    let perspective = eval::Perspective::parse(options.perspective.as_deref())?;
    let docs = match perspective {
        eval::Perspective::Raw => docs.clone(),
        ref p => std::sync::Arc::new(eval::apply_perspective(docs, p)),
    };
    let mut ctx = eval::Context::new(&parsed, docs);
    ctx.now = options.now.as_deref().and_then(datetime::DateTime::parse);
    ctx.identity = options.identity.clone();
    if let eval::Perspective::Stack { releases, .. } = &perspective {
        ctx.releases = releases.clone();
    }
    Ok(ctx.run(&parsed.expr, &std::sync::Arc::new(params))?)
}

mod literal;
pub mod parse;
mod syntax;
mod traversal;

pub use parse::parse;
