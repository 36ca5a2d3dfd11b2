//! `GET /{version}/data/history/{dataset}/documents/{id}`: a document as it
//! was at `revision=<rev>` or at `time=<RFC 3339>`, or its last revision
//! (`lastRevision=true`: today's document, or the last state of a deleted
//! one), rebuilt by core (`history`) from the log and the document read
//! here.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::history::{allows, state_at, Point};
use serde_json::{json, Value};

use super::data::{self, Pairs};
use super::history_access;
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;
use crate::store::LogQuery;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, id)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let point = Point::parse(&pairs)?;
    let grants = caller.grants(&state, &dataset).await?;
    let ids = std::slice::from_ref(&id);
    let Some(latest) = history_access::latest_states(&state, &dataset, ids)
        .await?
        .remove(&id)
    else {
        return Err(no_such_revision(&id));
    };
    if !allows(&grants, &latest) {
        return Err(AppError::Forbidden(format!(
            "You may not read the history of {id}"
        )));
    }
    let log = if point == Point::Last {
        Vec::new()
    } else {
        state
            .db
            .transactions(
                &dataset,
                &LogQuery {
                    documents: Some(vec![id.clone()]),
                    newest_first: true,
                    ..LogQuery::default()
                },
            )
            .await?
    };
    let current = state
        .db
        .read_documents(&dataset, ids)
        .await?
        .remove(&id)
        .map(|doc| doc.to_value());
    match state_at(&id, &point, current, latest, &log)
        .map_err(|e| AppError::Internal(e.to_string()))?
    {
        Some(doc) => Ok(Json(json!({"documents": [doc]}))),
        None => Err(no_such_revision(&id)),
    }
}

fn no_such_revision(id: &str) -> AppError {
    AppError::NotFound(format!("The document {id} has no such revision"))
}
