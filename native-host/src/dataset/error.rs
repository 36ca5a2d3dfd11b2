//! What a write can fail with, and the Sanity error body each becomes.

use qanat_core::action::ActionError;
use qanat_core::grants::PermissionError;
use qanat_core::mutation::MutationError;
use qanat_core::write::DecideError;
use serde_json::Value as Json;

use crate::error::AppError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Core refused the mutations (bad input, a failed `ifRevisionID`, …).
    #[error("{}", .0.description())]
    Mutation(MutationError),
    /// Core refused the actions.
    #[error("{}", .0.description())]
    Action(ActionError),
    /// The caller's grants do not allow a change.
    #[error("{0}")]
    Permission(PermissionError),
    /// A `delete`/`patch` by query whose query failed: the error body core rendered.
    #[error("{0}")]
    Query(Json),
    /// The dataset's writer is gone (the server is shutting down).
    #[error("the dataset's writer stopped")]
    WriterStopped,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DecideError<StoreError>> for WriteError {
    fn from(error: DecideError<StoreError>) -> WriteError {
        match error {
            DecideError::Mutation(e) => WriteError::Mutation(e),
            DecideError::Action(e) => WriteError::Action(e),
            DecideError::Permission(e) => WriteError::Permission(e),
            DecideError::Query(body) => WriteError::Query(body),
            DecideError::Store(e) => WriteError::Store(e),
        }
    }
}

impl From<WriteError> for AppError {
    fn from(error: WriteError) -> AppError {
        let sanity = |status, body| AppError::Sanity { status, body };
        match error {
            WriteError::Mutation(e) => e.into(),
            WriteError::Action(e) => e.into(),
            WriteError::Permission(e) => e.into(),
            WriteError::Query(body) => sanity(400, body),
            WriteError::Store(StoreError::Sqlx(e)) => AppError::Database(e),
            WriteError::Store(e) => AppError::Internal(e.to_string()),
            WriteError::WriterStopped => {
                AppError::Internal("the dataset's writer stopped".to_owned())
            }
        }
    }
}

/// Store errors reach handlers that read, too; they answer as a write would.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> AppError {
        WriteError::Store(error).into()
    }
}
