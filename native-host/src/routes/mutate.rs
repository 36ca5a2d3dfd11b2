//! `POST /{version}/data/mutate/{dataset}`: a transaction of mutations, run
//! by the dataset's writer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::write::{mutate_request, write_response, WriteRequest};
use serde_json::Value;

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::dataset::Write;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn post(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let body = data::body_json(body)?;
    let request = mutate_request(&body, &pairs)
        .map_err(|(status, body)| AppError::Sanity { status, body })?;
    perform(&state, caller, &dataset, &request).await
}

/// Runs `request` (of `/mutate` or `/actions`) as `caller` through the
/// dataset's writer, and answers as Sanity does.
pub(super) async fn perform(
    state: &AppState,
    caller: Caller,
    dataset: &str,
    request: &WriteRequest,
) -> Result<Json<Value>, AppError> {
    let write = Write {
        kind: request.kind.clone(),
        grants: caller.grants(state, dataset).await?,
        transaction_id: request.transaction_id.clone(),
        auto_generate_array_keys: request.auto_generate_array_keys,
        dry_run: request.dry_run,
    };
    let outcome = state.hub.write(dataset, write).await?;
    Ok(Json(write_response(&outcome.commit, request)))
}
