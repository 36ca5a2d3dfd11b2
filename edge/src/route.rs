//! What every route reads first: the API version and the other segments
//! of its path, and a body within Sanity's size limit.

use qanat_core::request::{self, BadRequest};
use serde_json::Value;
use worker::{Request, RouteContext};

use crate::error::{EdgeError, EdgeResult};

fn not_found() -> EdgeError {
    EdgeError::NotFound("Not found".to_owned())
}

/// The `{version}` of a `/{version}/…` route, once it is one (`v…`).
pub fn version(ctx: &RouteContext<()>) -> EdgeResult<&str> {
    ctx.param("version")
        .map(String::as_str)
        .filter(|v| request::is_api_version(v))
        .ok_or_else(not_found)
}

/// The `{dataset}` of a `/{version}/data/…/{dataset}` route, once the
/// version is one (`v…`).
pub fn dataset(ctx: &RouteContext<()>) -> EdgeResult<&String> {
    version(ctx)?;
    ctx.param("dataset").ok_or_else(not_found)
}

/// A segment of the path, percent-decoded as the native host's router
/// hands it on: workers-rs matches the encoded path and keeps it encoded.
pub fn segment(ctx: &RouteContext<()>, name: &str) -> EdgeResult<String> {
    let raw = ctx.param(name).ok_or_else(not_found)?;
    percent_decoded(raw)
        .ok_or_else(|| BadRequest(format!("Invalid URL: {raw:?} does not decode to UTF-8")).into())
}

/// The request's body; 413 past [`request::MAX_BODY_BYTES`].
pub async fn body(request: &mut Request) -> EdgeResult<Vec<u8>> {
    let bytes = request.bytes().await?;
    if bytes.len() > request::MAX_BODY_BYTES {
        return Err(EdgeError::Sanity {
            status: 413,
            body: request::payload_too_large(),
        });
    }
    Ok(bytes)
}

/// The request's body as JSON; 413 past [`request::MAX_BODY_BYTES`].
pub async fn json_body(request: &mut Request) -> EdgeResult<Value> {
    Ok(request::body_json(&body(request).await?)?)
}

/// `%XX` escapes decoded; a `%` that starts none is kept, as axum keeps it.
fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = bytes
            .get(i + 1..i + 3)
            .filter(|hex| bytes[i] == b'%' && hex.iter().all(u8::is_ascii_hexdigit));
        match escape {
            Some(hex) => {
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::percent_decoded;

    #[test]
    fn segments_are_percent_decoded() {
        for (raw, decoded) in [
            ("studio.sort", Some("studio.sort")),
            ("a%20b%2Cc", Some("a b,c")),
            ("%D9%85", Some("م")),
            ("100%", Some("100%")),
            ("%zz%2", Some("%zz%2")),
            ("%FF", None),
        ] {
            assert_eq!(percent_decoded(raw).as_deref(), decoded, "{raw}");
        }
    }
}
