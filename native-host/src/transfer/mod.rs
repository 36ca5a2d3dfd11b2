//! `qanat import` and `qanat export`: a dataset to and from the NDJSON that
//! `sanity dataset export` writes (one document per line).
//!
//! - `lines` — reading and checking an NDJSON file before anything is written.
//! - `import` — writing its documents in batches of transactions through core.
//! - `export` — every live document of a dataset, sorted by id.
//! - `progress` — the progress line on stderr.
//! - `error` — what either command can fail with.

pub mod error;
pub mod export;
pub mod import;
pub mod lines;
pub mod progress;

pub use error::TransferError;
