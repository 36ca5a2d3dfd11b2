//! `GET /ping` and `GET /v{version}/ping`: liveness, answered like Sanity does.

use axum::extract::Path;

use crate::error::AppError;

pub async fn ping() -> &'static str {
    "PONG"
}

/// Only `v…` segments are API versions; anything else under `/{x}/ping` is a 404,
/// not a second liveness endpoint.
pub async fn versioned_ping(Path(version): Path<String>) -> Result<&'static str, AppError> {
    if qanat_core::request::is_api_version(&version) {
        Ok("PONG")
    } else {
        Err(AppError::NotFound("Not Found".to_owned()))
    }
}
