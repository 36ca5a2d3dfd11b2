//! The `/{version}/` prefix every Sanity API path starts with.

use crate::error::AppError;

/// Only `v…` segments are API versions (`v1`, `v2021-06-07`, `vX`);
/// anything else is a path we do not serve.
pub fn check(version: &str) -> Result<(), AppError> {
    if qanat_core::request::is_api_version(version) {
        Ok(())
    } else {
        Err(AppError::NotFound("Not Found".to_owned()))
    }
}
