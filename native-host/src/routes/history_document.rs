//! `GET /{version}/data/history/{dataset}/documents/{id}`: a document as it
//! was at `revision=<rev>` or at `time=<RFC 3339>`, rebuilt backwards from
//! its current state with the log's `revert` effects.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::grants::Permission;
use qanat_core::mendoza;
use serde_json::{json, Value};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, id)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let grants = caller.grants(&state, &dataset).await?;
    let revision = data::value(&pairs, "revision");
    let time = data::value(&pairs, "time");
    if revision.is_none() && time.is_none() {
        return Err(data::bad_request("Give `revision` or `time`"));
    }
    let mut log = state.db.transactions_after(&dataset, 0, i64::MAX).await?;
    log.retain(|t| t.effects.get(&id).is_some());
    let current = state
        .db
        .read_documents(&dataset, std::slice::from_ref(&id))
        .await?;
    let mut doc = current.get(&id).map_or(Value::Null, |doc| doc.to_value());
    // Newest first: `doc` is the state after `entry`, until it is undone.
    let mut found = None;
    for entry in log.iter().rev() {
        let matches = match (revision, time) {
            (Some(rev), _) => entry.id == rev,
            (None, Some(time)) => entry.timestamp.as_str() <= time,
            (None, None) => false,
        };
        if matches {
            found = Some(doc.clone());
            break;
        }
        let revert = &entry.effects[&id]["revert"];
        doc = mendoza::apply(&doc, revert)
            .map_err(|e| AppError::Internal(format!("history of {id}: {e}")))?;
    }
    let documents: Vec<Value> = found
        .into_iter()
        .filter(|doc| !doc.is_null() && grants.allows_json(Permission::Read, doc))
        .collect();
    if documents.is_empty() {
        return Err(AppError::NotFound(format!(
            "The document {id} has no such revision"
        )));
    }
    Ok(Json(json!({"documents": documents})))
}
