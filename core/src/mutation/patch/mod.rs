//! What each patch operation does to a document.
//!
//! Every operation is a [`Visitor`] of the path walk: the walk finds where the
//! path ends, the operation changes the node there. Operations follow Sanity's
//! mutator: `set` and `setIfMissing` create the objects on their way, the
//! others do nothing where the path leads nowhere.

mod merge;
mod number;
mod ops;

use serde_json::Value;

use super::model::PatchOp;
use super::path::{select, TooDeep};

pub use merge::deep_merge;

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    #[error(
        "the patch reaches deeper than {} levels",
        crate::limits::MAX_DOCUMENT_DEPTH
    )]
    TooDeep,
}

impl From<TooDeep> for PatchError {
    fn from(_: TooDeep) -> Self {
        PatchError::TooDeep
    }
}

/// Applies the operations of one patch, in order, to `doc`.
pub fn apply_operations(doc: &mut Value, operations: &[PatchOp]) -> Result<(), PatchError> {
    for op in operations {
        match op {
            PatchOp::Set { path, value } => select(doc, path, &mut ops::Set { value })?,
            PatchOp::SetIfMissing { path, value } => {
                select(doc, path, &mut ops::SetIfMissing { value })?
            }
            PatchOp::Merge(object) => deep_merge(doc, object),
            PatchOp::Unset { path } => select(doc, path, &mut ops::Unset)?,
            PatchOp::Inc { path, by } => select(doc, path, &mut ops::Inc { by })?,
            PatchOp::Insert {
                position,
                path,
                items,
            } => select(
                doc,
                path,
                &mut ops::Insert {
                    position: *position,
                    items,
                },
            )?,
            PatchOp::DiffMatchPatch { path, patch } => {
                select(doc, path, &mut ops::DiffMatchPatch { patch })?
            }
        }
    }
    Ok(())
}

/// Applies a patch given as Sanity's JSON (`{"set": {...}, "inc": {...}}`, or
/// an array of such objects applied in turn) to a bare value, ignoring any
/// `id`. This is the patch engine without a transaction around it: what the
/// fixture and differential suites exercise.
pub fn apply_patch_json(doc: &mut Value, patch: &Value) -> Result<(), String> {
    let patches: Vec<&Value> = match patch {
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    for p in patches {
        let map = p.as_object().ok_or("a patch must be an object")?;
        let ops = super::parse::parse_patch_operations(map).map_err(|(msg, _)| msg)?;
        apply_operations(doc, &ops).map_err(|e| e.to_string())?;
    }
    Ok(())
}
