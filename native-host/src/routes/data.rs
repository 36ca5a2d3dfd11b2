//! What every `/{version}/data/...` handler shares: the API version check,
//! query-string flags and `$params`, the JSON body under its size limit.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use serde_json::{json, Map, Value as Json};

use crate::error::AppError;

/// Request bodies past this are refused with 413, as Sanity refuses its own.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Query-string pairs, decoded, in order.
pub type Pairs = Vec<(String, String)>;

/// Only `v…` segments are API versions (`v1`, `vX`, `v2025-02-19`);
/// anything else under `/{x}/data/...` is not an endpoint.
pub fn api_version(version: &str) -> Result<&str, AppError> {
    if version.starts_with('v') {
        Ok(version)
    } else {
        Err(AppError::NotFound("Not Found".to_owned()))
    }
}

/// A 400 in Sanity's error shape.
pub fn bad_request(description: impl Into<String>) -> AppError {
    AppError::Sanity {
        status: 400,
        body: json!({"error": {"type": "httpBadRequest", "description": description.into()}}),
    }
}

/// The last value given for `name`.
pub fn value<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A comma-separated list in a path or query string (`id1,id2`,
/// `types=a,b`), trimmed, without empty items.
pub fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A boolean option: `true`/`1`/empty (`?dryRun`) are true, `false`/`0`
/// false; absent is `default`.
pub fn flag(pairs: &Pairs, name: &str, default: bool) -> Result<bool, AppError> {
    match value(pairs, name) {
        None => Ok(default),
        Some("true" | "1" | "") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(bad_request(format!(
            "Invalid value for `{name}`: {other:?}; expected true or false"
        ))),
    }
}

/// Every `$name=<JSON>` pair as a parameter.
pub fn params(pairs: &Pairs) -> Result<Map<String, Json>, AppError> {
    let mut params = Map::new();
    for (key, raw) in pairs {
        if let Some(name) = key.strip_prefix('$') {
            let value = serde_json::from_str(raw).map_err(|_| {
                bad_request(format!(
                    "Unable to parse value of \"${name}={raw}\". Please quote string values."
                ))
            })?;
            params.insert(name.to_owned(), value);
        }
    }
    Ok(params)
}

/// The body as JSON; 413 past [`MAX_BODY_BYTES`], 400 when it is not JSON.
pub fn body_json(body: Result<Bytes, BytesRejection>) -> Result<Json, AppError> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::Sanity {
                status: 413,
                body: json!({"error": {
                    "type": "httpPayloadTooLarge",
                    "description": format!("Request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
                }}),
            }
        } else {
            bad_request(rejection.body_text())
        }
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| bad_request(format!("The request body is not valid JSON: {e}")))
}

/// Milliseconds since `start`, as the `ms` of query and doc responses.
pub fn elapsed_ms(start: std::time::Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn flags() {
        for (given, default, expected) in [
            (vec![], true, Some(true)),
            (vec![("dryRun", "true")], false, Some(true)),
            (vec![("dryRun", "")], false, Some(true)),
            (vec![("dryRun", "0")], true, Some(false)),
            (vec![("dryRun", "maybe")], true, None),
        ] {
            let got = flag(&pairs(&given), "dryRun", default).ok();
            assert_eq!(got, expected, "{given:?}");
        }
    }

    #[test]
    fn params_parse_json_and_reject_bare_strings() {
        let ok =
            params(&pairs(&[("$n", "3"), ("$s", "\"x\""), ("query", "*")])).expect("valid params");
        assert_eq!(Json::Object(ok), json!({"n": 3, "s": "x"}));
        assert!(params(&pairs(&[("$s", "x")])).is_err());
    }
}
