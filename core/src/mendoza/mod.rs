//! Mendoza: compact patches that turn one JSON value into another.
//!
//! Sanity sends listeners a Mendoza patch with every mutation event
//! (`effects.apply` and `effects.revert`), and clients (Studio, through the
//! `mendoza` npm package) apply it to their copy of the document. A patch is
//! a program for a small stack machine that reads the old value and writes
//! the new one; see [`op`] for the operations and their JSON form,
//! [`apply`](fn@apply) for the machine and [`encode`] for how a patch is
//! made.
//!
//! The reference is Sanity's Go implementation (`sanity-io/mendoza`) and the
//! npm decoder. Where they disagree, or the npm decoder is wrong, the
//! encoder only writes patches on which both agree, so any client decodes
//! them exactly:
//! - The npm decoder (3.0.8) resolves the end of a `StringAppendSlice` by
//!   counting UTF-8 bytes from the UTF-16 index of its start, which is only
//!   right when everything before the start is ASCII (or the slice starts
//!   at 0, or ends at the end of the string). Other string slices are not
//!   written.
//! - Key indices count sorted keys; Go sorts by UTF-8 bytes, the npm
//!   decoder by UTF-16 units. They differ for keys mixing U+E000..=U+FFFF
//!   with characters above U+FFFF; such fields are never referred to by
//!   index. This decoder sorts as Go does.
//! - A `Blank` that receives nothing, or only empty strings or slices,
//!   decodes as null in Go (and partly in npm); a blank start is only used
//!   for a value that is not empty.
//! - The npm decoder has no `PushParent`; it is never written.

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
