//! What `qanat import` and `qanat export` can fail with.

use std::path::PathBuf;

use crate::store::sqlite::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("could not start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A line of the import file that is not a document; nothing was written.
    #[error("{path}:{line}: {message} (nothing was imported)")]
    BadLine {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// Core refused a batch: earlier batches stay imported, and a rerun
    /// skips what they wrote.
    #[error("the batch starting at line {line} was refused: {message}")]
    Refused { line: usize, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
