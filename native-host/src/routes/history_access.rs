//! Who may read a document's history (core's `history::allows`, on the
//! states read here).

use std::collections::{HashMap, HashSet};

use qanat_core::grants::Grants;
use qanat_core::history::{self, allows};
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

/// Each of `ids` as it is now or, when deleted, as it was just before its
/// deletion (core's `history::last_states`); ids the log has never seen
/// are absent.
pub async fn latest_states(
    state: &AppState,
    dataset: &str,
    ids: &[String],
) -> Result<HashMap<String, Json>, AppError> {
    let stored: HashMap<String, Json> = state
        .db
        .read_documents(dataset, ids)
        .await?
        .into_iter()
        .map(|(id, doc)| (id, doc.to_value()))
        .collect();
    let gone: Vec<String> = ids
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .cloned()
        .collect();
    let log = if gone.is_empty() {
        Vec::new()
    } else {
        state
            .db
            .transactions(
                dataset,
                &LogQuery {
                    documents: Some(gone),
                    newest_first: true,
                    ..LogQuery::default()
                },
            )
            .await?
    };
    history::last_states(ids, stored, &log).map_err(|e| AppError::Internal(e.to_string()))
}
