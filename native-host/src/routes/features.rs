//! `GET /{version}/features`: the project's paid features. Qanat has no
//! plans, and Studio treats an empty list as "nothing extra".

use axum::{extract::Path, Json};
use serde_json::{json, Value};

use super::version;
use crate::error::AppError;

pub async fn features(Path(v): Path<String>) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    Ok(Json(json!([])))
}
