//! GROQ: the grammar (`grammar.pest`), the syntax tree, the evaluator and the
//! planner that pushes filters down to SQL.

pub mod ast;
pub mod datetime;
pub mod error;
pub mod geo;
pub mod text;
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
    let _ = (query, dataset, options);
    Err(EvalError::execution("the GROQ engine is not built yet").into())
}
