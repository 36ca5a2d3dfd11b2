//! `GET /{version}/features`: the project's paid features (core's
//! `project::features`).

use axum::{extract::Path, Json};
use serde_json::Value;

use super::version;
use crate::error::AppError;

pub async fn features(Path(v): Path<String>) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    Ok(Json(qanat_core::project::features()))
}
