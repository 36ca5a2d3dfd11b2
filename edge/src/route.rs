//! What every data route reads first: the API version and dataset in the
//! path, and a JSON body within Sanity's size limit.

use qanat_core::request;
use serde_json::Value;
use worker::{Request, RouteContext};

use crate::error::{EdgeError, EdgeResult};

/// The `{dataset}` of a `/{version}/data/…/{dataset}` route, once the
/// version is one (`v…`).
pub fn dataset(ctx: &RouteContext<()>) -> EdgeResult<&String> {
    let not_found = || EdgeError::NotFound("Not found".to_owned());
    let version = ctx.param("version").ok_or_else(not_found)?;
    if !request::is_api_version(version) {
        return Err(not_found());
    }
    ctx.param("dataset").ok_or_else(not_found)
}

/// The request's body as JSON; 413 past [`request::MAX_BODY_BYTES`].
pub async fn json_body(request: &mut Request) -> EdgeResult<Value> {
    let bytes = request.bytes().await?;
    if bytes.len() > request::MAX_BODY_BYTES {
        return Err(EdgeError::Sanity {
            status: 413,
            body: request::payload_too_large(),
        });
    }
    Ok(request::body_json(&bytes)?)
}
