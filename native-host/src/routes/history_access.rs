//! Who may read a document's history. Sanity judges it on the document as
//! it is today (for a deleted document, as it was last): whoever may read
//! that version may read every earlier one, and nobody else any.

use std::collections::{HashMap, HashSet};

use qanat_core::grants::{Grants, Permission};
use qanat_core::mendoza;
use serde_json::Value as Json;

use crate::error::AppError;
use crate::serve::AppState;
use crate::store::LogQuery;

/// The ids among `ids` whose history `grants` may read.
pub async fn readable(
    state: &AppState,
    grants: &Grants,
    dataset: &str,
    ids: &[String],
) -> Result<HashSet<String>, AppError> {
    Ok(latest_states(state, dataset, ids)
        .await?
        .into_iter()
        .filter(|(_, doc)| allows(grants, doc))
        .map(|(id, _)| id)
        .collect())
}

/// Read and History on the document.
pub fn allows(grants: &Grants, doc: &Json) -> bool {
    grants.allows_json(Permission::Read, doc) && grants.allows_json(Permission::History, doc)
}

/// Each of `ids` as it is now or, when deleted, as it was just before its
/// deletion; ids the log has never seen are absent.
pub async fn latest_states(
    state: &AppState,
    dataset: &str,
    ids: &[String],
) -> Result<HashMap<String, Json>, AppError> {
    let mut states: HashMap<String, Json> = state
        .db
        .read_documents(dataset, ids)
        .await?
        .into_iter()
        .map(|(id, doc)| (id, doc.to_value()))
        .collect();
    let gone: Vec<String> = ids
        .iter()
        .filter(|id| !states.contains_key(*id))
        .cloned()
        .collect();
    if gone.is_empty() {
        return Ok(states);
    }
    // The newest transaction of a deleted document is its deletion; its
    // revert, applied to nothing, is the last state.
    let log = state
        .db
        .transactions(
            dataset,
            &LogQuery {
                documents: Some(gone.clone()),
                newest_first: true,
                ..LogQuery::default()
            },
        )
        .await?;
    for entry in &log {
        for id in &gone {
            if states.contains_key(id) {
                continue;
            }
            if let Some(effect) = entry.effects.get(id) {
                let last = mendoza::apply(&Json::Null, &effect["revert"])
                    .map_err(|e| AppError::Internal(format!("history of {id}: {e}")))?;
                states.insert(id.clone(), last);
            }
        }
        if states.len() == ids.len() {
            break;
        }
    }
    states.retain(|_, doc| !doc.is_null());
    Ok(states)
}
