//! What every host reads from a data request the same way: the last value
//! of a name in the query string, comma lists, boolean flags,
//! `$name=<JSON>` parameters, a query's text and parameters from a GET or a
//! POST, the body size limit, and Sanity's 400 body for a value it cannot
//! take.

use serde_json::{json, Map, Value as Json};

/// Request bodies past this are refused with 413, as Sanity refuses its own.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Sanity's 413 body for a request past [`MAX_BODY_BYTES`].
pub fn payload_too_large() -> Json {
    json!({"error": {
        "type": "httpPayloadTooLarge",
        "description": format!("Request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
    }})
}

/// The body Sanity's API gateway answers with for authentication and
/// project-management failures, which differs from the data API's
/// `{"error":{…}}`: a 401 for an unknown token reads
/// `{"statusCode":401,"error":"Unauthorized","message":"Session not found"}`,
/// and `@sanity/client` builds its message from `error` and `message`.
pub fn gateway_body(status: u16, message: &str) -> Json {
    let reason = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
    json!({"statusCode": status, "error": reason, "message": message})
}

/// A request body as JSON.
pub fn body_json(bytes: &[u8]) -> Result<Json, BadRequest> {
    serde_json::from_slice(bytes)
        .map_err(|e| BadRequest(format!("The request body is not valid JSON: {e}")))
}

/// Only `v…` path segments are API versions (`v1`, `vX`, `v2025-02-19`).
pub fn is_api_version(segment: &str) -> bool {
    segment.starts_with('v')
}

/// Query-string pairs, decoded, in order.
pub type Pairs = Vec<(String, String)>;

/// A value the request cannot have: a 400, described for the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest(pub String);

impl BadRequest {
    /// Sanity's body for it.
    pub fn to_json(&self) -> Json {
        json!({"error": {"type": "httpBadRequest", "description": self.0}})
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
pub fn flag(pairs: &Pairs, name: &str, default: bool) -> Result<bool, BadRequest> {
    match value(pairs, name) {
        None => Ok(default),
        Some("true" | "1" | "") => Ok(true),
        Some("false" | "0") => Ok(false),
        Some(other) => Err(BadRequest(format!(
            "Invalid value for `{name}`: {other:?}; expected true or false"
        ))),
    }
}

/// Every `$name=<JSON>` pair as a parameter.
pub fn params(pairs: &Pairs) -> Result<Map<String, Json>, BadRequest> {
    let mut params = Map::new();
    for (key, raw) in pairs {
        if let Some(name) = key.strip_prefix('$') {
            let value = serde_json::from_str(raw).map_err(|_| {
                BadRequest(format!(
                    "Unable to parse value of \"${name}={raw}\". Please quote string values."
                ))
            })?;
            params.insert(name.to_owned(), value);
        }
    }
    Ok(params)
}

/// A GROQ query's text and parameters: from the query string (`query`,
/// `$name=…`) for a GET, or from the JSON body `{query, params}` for a POST
/// (which clients switch to past ~11 KB of query string), whose `params`
/// are added to any given in the query string.
pub fn query_request(
    pairs: &Pairs,
    body: Option<&Json>,
) -> Result<(String, Map<String, Json>), BadRequest> {
    let mut params = params(pairs)?;
    let Some(body) = body else {
        let text = value(pairs, "query")
            .ok_or_else(|| BadRequest("Missing query parameter `query`".to_owned()))?;
        return Ok((text.to_owned(), params));
    };
    let text = body
        .get("query")
        .and_then(Json::as_str)
        .ok_or_else(|| BadRequest("Missing `query` in the request body".to_owned()))?;
    match body.get("params") {
        Some(Json::Object(given)) => params.extend(given.clone()),
        None | Some(Json::Null) => {}
        Some(_) => return Err(BadRequest("`params` must be an object".to_owned())),
    }
    Ok((text.to_owned(), params))
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
        let err = params(&pairs(&[("$s", "x")])).expect_err("a bare string");
        assert_eq!(err.to_json()["error"]["type"], "httpBadRequest");
    }

    #[test]
    fn a_query_comes_from_the_query_string_or_the_body() {
        let url = pairs(&[("query", "*[a == $a]"), ("$a", "1"), ("$b", "2")]);
        let (text, params) = query_request(&url, None).expect("a GET");
        assert_eq!(
            (text.as_str(), Json::Object(params)),
            ("*[a == $a]", json!({"a": 1, "b": 2}))
        );
        let body = json!({"query": "*[b == $b]", "params": {"b": 3}});
        let (text, params) = query_request(&url, Some(&body)).expect("a POST");
        assert_eq!(
            (text.as_str(), Json::Object(params)),
            ("*[b == $b]", json!({"a": 1, "b": 3}))
        );
        assert!(query_request(&pairs(&[]), None).is_err());
        assert!(query_request(&url, Some(&json!({"params": {}}))).is_err());
        assert!(query_request(&url, Some(&json!({"query": "*", "params": [1]}))).is_err());
    }

    #[test]
    fn the_last_value_wins_and_lists_drop_empty_items() {
        let given = pairs(&[("perspective", "raw"), ("perspective", "drafts")]);
        assert_eq!(value(&given, "perspective"), Some("drafts"));
        assert_eq!(comma_list(" a, ,b,"), ["a", "b"]);
    }
}
