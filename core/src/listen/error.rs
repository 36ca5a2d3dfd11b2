//! Why a listen request was refused, in Sanity's error shape.

use serde_json::{json, Value};

use crate::groq::GroqError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ListenError {
    #[error("the listen request needs a `query` parameter")]
    MissingQuery,
    /// `$name=<value>` whose value is not JSON.
    #[error("unable to parse the value of \"${name}\" ({value:?}): parameter values are JSON, so quote strings")]
    BadParam { name: String, value: String },
    #[error("invalid value {value:?} for listen option `{name}`")]
    BadOption { name: String, value: String },
    #[error("{error}")]
    Query { query: String, error: GroqError },
}

impl ListenError {
    /// Every refusal is the client's doing.
    pub fn http_status(&self) -> u16 {
        400
    }

    /// The body Sanity sends: a `queryParseError` with its span for a bad
    /// query, a `badRequest` otherwise.
    pub fn to_json(&self) -> Value {
        match self {
            ListenError::Query { query, error } => error.to_json(query),
            other => json!({"error": {"type": "badRequest", "description": other.to_string()}}),
        }
    }
}
