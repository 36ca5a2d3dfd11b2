//! `POST /{version}/data/actions/{dataset}`: Studio's document actions,
//! lowered to one transaction by core and run by the dataset's writer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::write::actions_request;
use serde_json::Value;

use super::data::{self, Pairs};
use crate::auth::Caller;
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
    let request = actions_request(&body, &pairs)
        .map_err(|(status, body)| AppError::Sanity { status, body })?;
    super::mutate::perform(&state, caller, &dataset, &request).await
}
