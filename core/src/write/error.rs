//! What deciding a write can fail with, and Sanity's answer for each.

use serde_json::{json, Value as Json};

use crate::action::ActionError;
use crate::grants::PermissionError;
use crate::mutation::MutationError;

/// A write core refused, or one the host's store failed (`E`).
#[derive(Debug)]
pub enum DecideError<E> {
    /// Core refused the mutations (bad input, a failed `ifRevisionID`, …).
    Mutation(MutationError),
    /// Core refused the actions.
    Action(ActionError),
    /// The caller's grants do not allow a change.
    Permission(PermissionError),
    /// A `delete`/`patch` by query whose query failed: its error body.
    Query(Json),
    Store(E),
}

impl<E> DecideError<E> {
    /// The status and Sanity's error body, for every refusal; `Err` hands
    /// back a store error, which is the host's to report.
    pub fn into_response(self) -> Result<(u16, Json), E> {
        Ok(match self {
            DecideError::Mutation(e) => (e.http_status(), e.to_json()),
            DecideError::Action(e) => (e.http_status(), e.to_json()),
            DecideError::Permission(e) => (e.http_status(), e.to_json()),
            DecideError::Query(body) => (400, body),
            DecideError::Store(e) => return Err(e),
        })
    }

    /// The same refusal over another store's error.
    pub fn map_store<F>(self, f: impl FnOnce(E) -> F) -> DecideError<F> {
        match self {
            DecideError::Mutation(e) => DecideError::Mutation(e),
            DecideError::Action(e) => DecideError::Action(e),
            DecideError::Permission(e) => DecideError::Permission(e),
            DecideError::Query(body) => DecideError::Query(body),
            DecideError::Store(e) => DecideError::Store(f(e)),
        }
    }
}

impl<E: std::fmt::Display> std::fmt::Display for DecideError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecideError::Mutation(e) => f.write_str(&e.description()),
            DecideError::Action(e) => f.write_str(&e.description()),
            DecideError::Permission(e) => write!(f, "{e}"),
            DecideError::Query(body) => write!(f, "{}", json!(body)),
            DecideError::Store(e) => write!(f, "{e}"),
        }
    }
}
