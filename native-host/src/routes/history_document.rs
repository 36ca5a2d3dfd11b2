//! `GET /{version}/data/history/{dataset}/documents/{id}`: a document as it
//! was at `revision=<rev>` or at `time=<RFC 3339>`, or its last revision
//! (`lastRevision=true`), rebuilt by core (`history::document_at`) from the
//! log and the documents this host reads.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::history::{document_at, Point};
use serde_json::Value;

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;
use crate::store::DatasetHistory;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, id)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let point = Point::parse(&pairs)?;
    let grants = caller.grants(&state, &dataset).await?;
    let history = DatasetHistory {
        db: &state.db,
        dataset: &dataset,
    };
    Ok(Json(document_at(&history, &grants, &id, &point).await?))
}
