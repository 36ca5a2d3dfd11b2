//! GROQ's errors, in the shapes Sanity's API returns.

use serde_json::{json, Value as Json};

/// A query that does not parse: `queryParseError` with byte offsets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {start}..{end})")]
pub struct QueryParseError {
    pub message: String,
    /// Byte offsets into the query.
    pub start: usize,
    pub end: usize,
}

/// A query that parsed but could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{description}")]
pub struct EvalError {
    /// Sanity's error type, e.g. `queryExecutionError`, `queryTimeoutError`.
    pub kind: &'static str,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroqError {
    #[error(transparent)]
    Parse(#[from] QueryParseError),
    #[error(transparent)]
    Eval(#[from] EvalError),
}

impl EvalError {
    pub fn new(kind: &'static str, description: impl Into<String>) -> Self {
        EvalError {
            kind,
            description: description.into(),
        }
    }

    pub fn execution(description: impl Into<String>) -> Self {
        EvalError::new("queryExecutionError", description)
    }
}

impl GroqError {
    /// The HTTP error body: `{"error": {"type", "description", ...}}`.
    pub fn to_json(&self, query: &str) -> Json {
        match self {
            GroqError::Parse(e) => json!({"error": {
                "type": "queryParseError",
                "description": e.message,
                "start": e.start,
                "end": e.end,
                "query": query,
            }}),
            GroqError::Eval(e) => json!({"error": {"type": e.kind, "description": e.description}}),
        }
    }
}
