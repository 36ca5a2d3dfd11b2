//! A write to a dataset, decided the same way on every host: the documents
//! it needs read through the host's [`WriteReads`], core's mutations or
//! actions applied to them, the caller's grants checked on the result
//! (`decide.rs`); `delete`/`patch` by query turned into ids first
//! (`resolve.rs`); and the `data/mutate` and `data/actions` requests and
//! answers (`response.rs`).
//!
//! Hosts order a dataset's writes (the native host's writer task, the
//! edge's Durable Object), make sure what was read still holds when they
//! store the commit, and store it; nothing here does I/O.

mod decide;
mod error;
mod resolve;
mod response;

pub use decide::{decide, decide_mutations, WriteKind, WriteReads};
pub use error::DecideError;
pub use resolve::resolve_queries;
pub use response::{
    actions_request, mutate_request, mutate_response, write_response, WriteRequest,
};
