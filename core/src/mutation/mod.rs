//! Sanity's mutations: parsing them from JSON, applying patches, and running a
//! whole transaction as one pure function.
//!
//! - [`model`]: the request types (`Mutation`, `Patch`, `PatchOp`, `Selection`).
//! - [`parse`]: from Sanity's JSON, with errors that name the failing mutation.
//! - [`path`]: JSONMatch paths.
//! - [`patch`]: what each patch operation does to a document.
//! - [`transaction`]: `(mutations, current documents, context) -> Commit`.

mod array_keys;
mod context;
mod error;
pub mod model;
mod parse;
pub mod patch;
pub mod path;
pub mod stamps;
mod transaction;

pub use array_keys::add_missing_keys;
pub use context::{IdSource, TransactionContext};
pub use error::{ErrorKind, MutationError, MutationErrorItem};
pub use model::{InsertPosition, Mutation, Patch, PatchOp, Selection};
pub use parse::{parse_mutations, parse_mutations_json, parse_patch_operations};
pub use patch::apply_operations;
pub use transaction::{
    apply_transaction, required_ids, Commit, DocumentChange, MutationResult, Operation,
};
