//! `GET /{version}/projects/{p}/datasets`, and `PUT`/`DELETE
//! /{version}/projects/{p}/datasets/{name}` (administrators only).

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, State},
    Json,
};
use qanat_core::grants::AclMode;
use serde_json::{json, Value};

use super::version;
use crate::{
    auth::{clock, Caller},
    error::AppError,
    serve::AppState,
    store::datasets,
};

pub async fn list(
    State(state): State<Arc<AppState>>,
    Path((v, _project)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    if caller.identity.anonymous {
        return Err(AppError::Unauthorized("Not logged in".to_owned()));
    }
    let list: Vec<Value> = datasets::list(&state.db)
        .await?
        .into_iter()
        .map(|(name, acl_mode)| json!({"name": name, "aclMode": acl_mode}))
        .collect();
    Ok(Json(Value::Array(list)))
}

/// Creates a dataset or changes its `aclMode` (`{"aclMode": "private"}`;
/// public when the body leaves it out, as Sanity's default is).
pub async fn put(
    State(state): State<Arc<AppState>>,
    Path((v, _project, name)): Path<(String, String, String)>,
    caller: Caller,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    require_administrator(&caller)?;
    check_name(&name)?;
    let mode = acl_mode_of(&body)?;
    datasets::put(&state.db, &name, mode.as_str(), &clock::now_rfc3339()).await?;
    Ok(Json(json!({"datasetName": name, "aclMode": mode.as_str()})))
}

pub async fn delete(
    State(state): State<Arc<AppState>>,
    Path((v, _project, name)): Path<(String, String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    require_administrator(&caller)?;
    if !datasets::delete(&state.db, &name).await? {
        return Err(AppError::NotFound(format!("Dataset \"{name}\" not found")));
    }
    Ok(Json(json!({"deleted": true})))
}

/// Managing datasets is a project-wide right: the administrator role held
/// on every dataset.
fn require_administrator(caller: &Caller) -> Result<(), AppError> {
    if caller.identity.anonymous {
        return Err(AppError::Unauthorized("Not logged in".to_owned()));
    }
    if caller.identity.roles.iter().any(|r| r == "administrator") {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "Only administrators may create, change or delete datasets".to_owned(),
        ))
    }
}

/// Sanity's rule for dataset names: 1 to 64 characters, lowercase letters,
/// digits, `_` and `-`, starting with a letter or digit.
fn check_name(name: &str) -> Result<(), AppError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if first_ok && rest_ok && name.len() <= 64 {
        Ok(())
    } else {
        Err(AppError::BadRequest(format!(
            "Invalid dataset name {name:?}: use 1 to 64 lowercase letters, digits, `_` or `-`, starting with a letter or digit"
        )))
    }
}

fn acl_mode_of(body: &[u8]) -> Result<AclMode, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(AclMode::Public);
    }
    let json: Value = serde_json::from_slice(body)
        .map_err(|e| AppError::BadRequest(format!("The body is not JSON: {e}")))?;
    match json.get("aclMode") {
        None | Some(Value::Null) => Ok(AclMode::Public),
        Some(Value::String(mode)) => AclMode::parse(mode).ok_or_else(|| {
            AppError::BadRequest(format!(
                "Invalid aclMode {mode:?}: expected \"public\" or \"private\""
            ))
        }),
        Some(_) => Err(AppError::BadRequest(
            "`aclMode` must be \"public\" or \"private\"".to_owned(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names() {
        for (name, ok) in [
            ("production", true),
            ("staging-2", true),
            ("a_b", true),
            ("9lives", true),
            ("", false),
            ("Production", false),
            ("-x", false),
            ("*", false),
            ("a b", false),
            (&"a".repeat(65), false),
        ] {
            assert_eq!(check_name(name).is_ok(), ok, "{name:?}");
        }
    }

    #[test]
    fn acl_modes_in_bodies() {
        for (body, mode) in [
            ("", Some(AclMode::Public)),
            ("{}", Some(AclMode::Public)),
            (r#"{"aclMode":"private"}"#, Some(AclMode::Private)),
            (r#"{"aclMode":"public"}"#, Some(AclMode::Public)),
            (r#"{"aclMode":"custom"}"#, None),
            (r#"{"aclMode":1}"#, None),
            ("nope", None),
        ] {
            assert_eq!(acl_mode_of(body.as_bytes()).ok(), mode, "{body}");
        }
    }
}
