//! `GET /{version}/intake/telemetry-status`: Studio asks before sending
//! usage telemetry. Qanat collects none, so the answer is always no.

use axum::{extract::Path, Json};
use serde_json::{json, Value};

use super::version;
use crate::error::AppError;

pub async fn telemetry_status(Path(v): Path<String>) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    Ok(Json(json!({"status": "denied"})))
}
