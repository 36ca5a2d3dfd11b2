//! `GET /{version}/projects/{p}/datasets/{ds}/acl`: what the caller may do
//! on a dataset, as Studio's document pane asks before offering edits.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::Value;

use super::version;
use crate::{auth::Caller, error::AppError, serve::AppState};

pub async fn acl(
    State(state): State<Arc<AppState>>,
    Path((v, _project, dataset)): Path<(String, String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let grants = caller.grants(&state, &dataset).await?;
    Ok(Json(grants.acl_json()))
}
