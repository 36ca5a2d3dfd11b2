//! `/{version}/users/me/keyvalue`: where Studio keeps a person's settings
//! (sort orders, recent searches) across browsers. `GET …/keyvalue/{keys}`
//! answers `[{key, value}]` in the order asked, `value` null when unset;
//! `PUT …/keyvalue` takes `[{key, value}]`; `DELETE …/keyvalue/{keys}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::{data, version};
use crate::{auth::Caller, dataset::clock, error::AppError, serve::AppState};

/// Keys longer than this are refused: Studio's are short dotted names.
const MAX_KEY_CHARS: usize = 256;
/// How many keys one request may name or set.
const MAX_KEYS: usize = 100;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((v, keys)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let user = signed_in(&caller)?;
    let keys = parse_keys(&keys)?;
    let values = state.db.user_values(user, &keys).await?;
    let pairs: Vec<Value> = keys
        .iter()
        .zip(values)
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    Ok(Json(Value::Array(pairs)))
}

pub async fn put(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(v): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let user = signed_in(&caller)?;
    let Value::Array(items) = data::body_json(body)? else {
        return Err(data::bad_request("Expected an array of {key, value}"));
    };
    if items.len() > MAX_KEYS {
        return Err(data::bad_request(format!(
            "At most {MAX_KEYS} keys at once"
        )));
    }
    let mut pairs = Vec::with_capacity(items.len());
    for item in &items {
        let key = item
            .get("key")
            .and_then(Value::as_str)
            .filter(|key| valid_key(key))
            .ok_or_else(|| data::bad_request(format!("Invalid key in {item}")))?;
        let value = item.get("value").cloned().unwrap_or(Value::Null);
        pairs.push((key.to_owned(), value));
    }
    state
        .db
        .put_user_values(user, &pairs, &clock::now_rfc3339())
        .await?;
    let stored: Vec<Value> = pairs
        .into_iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    // Studio sets one key per request and reads `.value` off the answer to
    // refresh its cache, so a single pair comes back as that pair.
    Ok(Json(match <[Value; 1]>::try_from(stored) {
        Ok([one]) => one,
        Err(many) => Value::Array(many),
    }))
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((v, keys)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    version::check(&v)?;
    let user = signed_in(&caller)?;
    let keys = parse_keys(&keys)?;
    state.db.delete_user_values(user, &keys).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Settings belong to a person: an anonymous caller has none to keep.
fn signed_in(caller: &Caller) -> Result<&str, AppError> {
    if caller.identity.anonymous {
        return Err(AppError::Unauthorized("Not logged in".to_owned()));
    }
    Ok(&caller.identity.id)
}

fn parse_keys(list: &str) -> Result<Vec<String>, AppError> {
    let keys = data::comma_list(list);
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(data::bad_request(format!(
            "Name between 1 and {MAX_KEYS} keys"
        )));
    }
    match keys.iter().find(|key| !valid_key(key)) {
        Some(bad) => Err(data::bad_request(format!("Invalid key: {bad:?}"))),
        None => Ok(keys),
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= MAX_KEY_CHARS && !key.contains(',')
}
