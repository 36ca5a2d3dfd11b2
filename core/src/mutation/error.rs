//! The error a failed transaction returns, in the shape of Sanity's
//! `mutationError` body: one item per failing mutation, with its index.

use serde_json::Value;

/// Why one mutation failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed input: a bad id, a missing `_type`, an unknown operation.
    Validation,
    /// `patch` or `delete` of a document that does not exist.
    DocumentNotFound,
    /// `create` of an id that is taken.
    DocumentAlreadyExists,
    /// `ifRevisionID` did not match the document's `_rev`.
    RevisionMismatch,
    /// A limit on size or depth was exceeded.
    LimitExceeded,
    /// A query selection reached core unresolved: a host bug, not the client's.
    Unresolved,
}

impl ErrorKind {
    /// The `type` Sanity puts in an item's error.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validationError",
            ErrorKind::DocumentNotFound => "documentNotFoundError",
            ErrorKind::DocumentAlreadyExists => "documentAlreadyExistsError",
            ErrorKind::RevisionMismatch => "documentRevisionMismatchError",
            ErrorKind::LimitExceeded => "limitExceededError",
            ErrorKind::Unresolved => "internalError",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MutationErrorItem {
    /// Position of the failing mutation in the transaction.
    pub index: usize,
    pub kind: ErrorKind,
    pub description: String,
    /// The document the mutation addressed, when known.
    pub id: Option<String>,
    /// The offending input, when echoing it helps (a bad id, a bad path).
    pub value: Option<Box<Value>>,
}

/// A transaction that failed as a whole: nothing of it may be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MutationError {
    pub items: Vec<MutationErrorItem>,
}

impl MutationErrorItem {
    pub fn new(index: usize, kind: ErrorKind, description: impl Into<String>) -> Self {
        MutationErrorItem {
            index,
            kind,
            description: description.into(),
            id: None,
            value: None,
        }
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn with_value(mut self, value: Value) -> Self {
        self.value = Some(Box::new(value));
        self
    }
}

impl From<MutationErrorItem> for MutationError {
    fn from(item: MutationErrorItem) -> Self {
        MutationError { items: vec![item] }
    }
}

impl MutationError {
    /// Sanity's top-level description: the first failure, prefixed.
    pub fn description(&self) -> String {
        match self.items.first() {
            Some(first) => format!("The mutation(s) failed: {}", first.description),
            None => "The mutation(s) failed".to_string(),
        }
    }

    /// The HTTP status Sanity answers with: 409 for conflicts with the stored
    /// state, 404 for a missing document, 400 for bad input.
    pub fn http_status(&self) -> u16 {
        let kinds = || self.items.iter().map(|i| i.kind);
        if kinds().any(|k| {
            matches!(
                k,
                ErrorKind::RevisionMismatch | ErrorKind::DocumentAlreadyExists
            )
        }) {
            409
        } else if kinds().any(|k| k == ErrorKind::Unresolved) {
            500
        } else if kinds().all(|k| k == ErrorKind::DocumentNotFound) {
            404
        } else {
            400
        }
    }

    /// The response body: `{"error": {"type": "mutationError", "description", "items"}}`.
    pub fn to_json(&self) -> Value {
        let items = self
            .items
            .iter()
            .map(|item| {
                crate::error_body::Item {
                    kind: item.kind.as_str(),
                    description: &item.description,
                    id: item.id.as_deref(),
                    value: item.value.as_deref(),
                    index: Some(item.index),
                }
                .to_json()
            })
            .collect();
        crate::error_body::with_items("mutationError", self.description(), items)
    }
}

impl std::fmt::Display for MutationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description())
    }
}

impl std::error::Error for MutationError {}
