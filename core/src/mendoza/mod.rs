//! Mendoza: compact patches that turn one JSON value into another.
//!
//! Sanity sends listeners a Mendoza patch with every mutation event
//! (`effects.apply` and `effects.revert`), and clients (Studio, through the
//! `mendoza` npm package) apply it to their copy of the document. A patch is
//! a program for a small stack machine that reads the old value and writes
//! the new one; see [`op`] for the operations and their JSON form,
//! [`apply`](fn@apply) for the machine and [`encode`] for how a patch is
//! made.

mod apply;
mod content;
mod encode;
mod encode_array;
mod encode_string;
mod error;
pub mod op;
mod size;

use serde_json::Value;

pub use apply::{apply, apply_ops};
pub use encode::encode_ops;
pub use error::MendozaError;
pub use op::Op;

/// A patch turning `left` into `right`, as its flat JSON array.
pub fn encode(left: &Value, right: &Value) -> Value {
    op::to_json(&encode_ops(left, right))
}
