//! `GET /{version}/projects/{p}/datasets`, and `PUT`/`DELETE
//! /{version}/projects/{p}/datasets/{name}` (administrators only). Core's
//! `project` checks and answers; this reads and writes the rows.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    Json,
};
use qanat_core::project;
use serde_json::Value;

use super::version;
use crate::{
    auth::{clock, Caller},
    error::AppError,
    serve::AppState,
    store::datasets,
};

pub async fn list(
    State(state): State<Arc<AppState>>,
    Path((v, _project)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    project::signed_in(&caller.identity)?;
    let rows = datasets::list(&state.db).await?;
    Ok(Json(project::dataset_list(&rows)))
}

/// Creates a dataset or changes its `aclMode`.
pub async fn put(
    State(state): State<Arc<AppState>>,
    Path((v, _project, name)): Path<(String, String, String)>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    project::require_administrator(&caller.identity)?;
    project::check_dataset_name(&name)?;
    let mode = project::acl_mode_of(&body)?;
    datasets::put(&state.db, &name, mode.as_str(), &clock::now_rfc3339()).await?;
    Ok(Json(project::dataset_put(&name, mode)))
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    Path((v, _project, name)): Path<(String, String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    project::require_administrator(&caller.identity)?;
    let listed = datasets::delete(&state.db, &name).await?;
    Ok(Json(project::dataset_deleted(&name, listed)?))
}
