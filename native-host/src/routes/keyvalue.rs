//! `/{version}/users/me/keyvalue`: where Studio keeps a person's settings
//! (sort orders, recent searches) across browsers. `GET …/keyvalue/{keys}`
//! answers `[{key, value}]` in the order asked, `value` null when unset;
//! `PUT …/keyvalue` takes `[{key, value}]`; `DELETE …/keyvalue/{keys}`.
//! Core's `project` checks and answers; this reads and writes the rows.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use qanat_core::project;
use serde_json::Value;

use super::{data, version};
use crate::{auth::Caller, dataset::clock, error::AppError, serve::AppState};

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((v, keys)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let user = project::signed_in(&caller.identity)?;
    let keys = project::setting_keys(&keys)?;
    let values = state.db.user_values(user, &keys).await?;
    Ok(Json(project::settings(&keys, values)))
}

pub async fn put(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(v): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let user = project::signed_in(&caller.identity)?;
    let pairs = project::settings_to_store(&data::body_json(body)?)?;
    state
        .db
        .put_user_values(user, &pairs, &clock::now_rfc3339())
        .await?;
    Ok(Json(project::stored_settings(pairs)))
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((v, keys)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    version::check(&v)?;
    let user = project::signed_in(&caller.identity)?;
    let keys = project::setting_keys(&keys)?;
    state.db.delete_user_values(user, &keys).await?;
    Ok(StatusCode::NO_CONTENT)
}
