//! The error a failed action request returns, in the shape of Sanity's
//! `actionError` body: one item per failing action, with its index.

use serde_json::Value;

use crate::mutation::{ErrorKind, MutationError};

/// Why one action failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionErrorKind {
    /// Malformed input: an unknown action type, a missing field, a bad id or patch.
    Validation,
    /// The document the action needs does not exist (publish without a draft,
    /// unpublish of an unpublished document, edit of nothing).
    DocumentNotFound,
    /// The document the action would create exists already.
    DocumentAlreadyExists,
    /// An `ifDraftRevisionId`, `ifPublishedRevisionId`, `ifBaseRevisionId` or
    /// `ifRevisionID` did not match.
    RevisionMismatch,
    /// The stored state forbids the action: a release in the wrong state, a
    /// version in a locked release, a draft `delete` would leave behind.
    Conflict,
    /// A limit on size, depth or count was exceeded.
    LimitExceeded,
    /// Core built something it cannot apply: a bug, not the client's fault.
    Internal,
}

impl ActionErrorKind {
    /// The `type` of an item's error.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionErrorKind::Validation => "validationError",
            ActionErrorKind::DocumentNotFound => "documentNotFoundError",
            ActionErrorKind::DocumentAlreadyExists => "documentAlreadyExistsError",
            ActionErrorKind::RevisionMismatch => "documentRevisionMismatchError",
            ActionErrorKind::Conflict => "conflictError",
            ActionErrorKind::LimitExceeded => "limitExceededError",
            ActionErrorKind::Internal => "internalError",
        }
    }

    /// Conflicts with the stored state answer 409, so a client knows that
    /// re-reading and retrying may succeed where resending the same body won't.
    fn is_conflict(self) -> bool {
        matches!(
            self,
            ActionErrorKind::DocumentNotFound
                | ActionErrorKind::DocumentAlreadyExists
                | ActionErrorKind::RevisionMismatch
                | ActionErrorKind::Conflict
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActionErrorItem {
    /// Position of the failing action in the request's `actions`.
    pub index: usize,
    pub kind: ActionErrorKind,
    pub description: String,
    /// The document the action addressed, when known.
    pub id: Option<String>,
    /// The offending input, when echoing it helps.
    pub value: Option<Box<Value>>,
}

impl ActionErrorItem {
    pub fn new(index: usize, kind: ActionErrorKind, description: impl Into<String>) -> Self {
        ActionErrorItem {
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

/// A request that failed as a whole: nothing of it may be stored.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", self.description())]
pub struct ActionError {
    pub items: Vec<ActionErrorItem>,
}

impl From<ActionErrorItem> for ActionError {
    fn from(item: ActionErrorItem) -> Self {
        ActionError { items: vec![item] }
    }
}

impl ActionError {
    /// The mutations an action lowered to failed: the same failures, charged
    /// to the action at `index`.
    pub fn from_mutation_error(index: usize, error: MutationError) -> Self {
        let items = error
            .items
            .into_iter()
            .map(|item| ActionErrorItem {
                index,
                kind: match item.kind {
                    ErrorKind::Validation => ActionErrorKind::Validation,
                    ErrorKind::DocumentNotFound => ActionErrorKind::DocumentNotFound,
                    ErrorKind::DocumentAlreadyExists => ActionErrorKind::DocumentAlreadyExists,
                    ErrorKind::RevisionMismatch => ActionErrorKind::RevisionMismatch,
                    ErrorKind::LimitExceeded => ActionErrorKind::LimitExceeded,
                    ErrorKind::Unresolved => ActionErrorKind::Internal,
                },
                description: item.description,
                id: item.id,
                value: item.value,
            })
            .collect();
        ActionError { items }
    }

    pub(super) fn not_found(index: usize, id: &str, description: String) -> Self {
        ActionErrorItem::new(index, ActionErrorKind::DocumentNotFound, description)
            .with_id(id)
            .into()
    }

    pub(super) fn already_exists(index: usize, id: &str, description: String) -> Self {
        ActionErrorItem::new(index, ActionErrorKind::DocumentAlreadyExists, description)
            .with_id(id)
            .into()
    }

    /// An `if...RevisionId` that did not match `actual` (`None`: no such document).
    pub(super) fn revision_mismatch(
        index: usize,
        id: &str,
        actual: Option<&str>,
        expected: &str,
    ) -> Self {
        let description = match actual {
            Some(actual) => format!(
                "Document \"{id}\" has unexpected revision ID (\"{actual}\"), expected \"{expected}\""
            ),
            None => format!("Document \"{id}\" does not exist; expected revision \"{expected}\""),
        };
        ActionErrorItem::new(index, ActionErrorKind::RevisionMismatch, description)
            .with_id(id)
            .into()
    }

    /// The top-level description: the first failure, prefixed.
    pub fn description(&self) -> String {
        match self.items.first() {
            Some(first) => format!("The action(s) failed: {}", first.description),
            None => "The action(s) failed".to_string(),
        }
    }

    /// 500 for core's own bugs, 409 for conflicts with the stored state
    /// (existence, revisions, release states), 400 for bad input.
    pub fn http_status(&self) -> u16 {
        let kinds = || self.items.iter().map(|i| i.kind);
        if kinds().any(|k| k == ActionErrorKind::Internal) {
            500
        } else if kinds().any(ActionErrorKind::is_conflict) {
            409
        } else {
            400
        }
    }

    /// The response body: `{"error": {"type": "actionError", "description", "items"}}`.
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
        crate::error_body::with_items("actionError", self.description(), items)
    }
}
