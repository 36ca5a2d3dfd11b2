//! What every `/{version}/data/...` handler shares: the API version check,
//! query-string flags and `$params`, the JSON body under its size limit.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use serde_json::{Map, Value as Json};

use crate::error::AppError;

use qanat_core::request::{self, BadRequest};
pub use qanat_core::request::{comma_list, value, Pairs, MAX_BODY_BYTES};

/// `version` if it is an API version ([`super::version::check`]).
pub fn api_version(version: &str) -> Result<&str, AppError> {
    super::version::check(version)?;
    Ok(version)
}

/// A 400 in Sanity's error shape.
pub fn bad_request(description: impl Into<String>) -> AppError {
    AppError::from(BadRequest(description.into()))
}

impl From<BadRequest> for AppError {
    fn from(e: BadRequest) -> AppError {
        AppError::Sanity {
            status: 400,
            body: e.to_json(),
        }
    }
}

/// A boolean option ([`request::flag`]).
pub fn flag(pairs: &Pairs, name: &str, default: bool) -> Result<bool, AppError> {
    Ok(request::flag(pairs, name, default)?)
}

/// Every `$name=<JSON>` pair as a parameter ([`request::params`]).
pub fn params(pairs: &Pairs) -> Result<Map<String, Json>, AppError> {
    Ok(request::params(pairs)?)
}

/// The body as JSON; 413 past [`MAX_BODY_BYTES`], 400 when it is not JSON.
pub fn body_json(body: Result<Bytes, BytesRejection>) -> Result<Json, AppError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::Sanity {
                status: 413,
                body: request::payload_too_large(),
            }
        } else {
            bad_request(rejection.body_text())
        }
    })?;
    Ok(request::body_json(&bytes)?)
}

/// Milliseconds since `start`, as the `ms` of query and doc responses.
pub fn elapsed_ms(start: std::time::Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}
