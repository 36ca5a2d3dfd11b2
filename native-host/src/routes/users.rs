//! `GET /{version}/users/me` and `GET /{version}/users/{ids}`: who is
//! signed in, and the names Studio shows beside documents.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use qanat_core::grants::Roles;
use serde_json::{json, Value as JsonValue};

use super::version;
use crate::{auth::Caller, error::AppError, serve::AppState, store::identity};

/// Role names from most to least powerful, for the single `role` Sanity
/// still reports beside `roles` (older clients read only that one).
const PRECEDENCE: [&str; 5] = [
    "administrator",
    "developer",
    "editor",
    "contributor",
    "viewer",
];

/// How many ids one `/users/{ids}` request may name.
const MAX_IDS: usize = 100;

pub async fn me(
    State(state): State<Arc<AppState>>,
    Path(v): Path<String>,
    caller: Caller,
) -> Result<Json<JsonValue>, AppError> {
    version::check(&v)?;
    let user = signed_in_user(&state, &caller).await?;
    let titles = identity::role_titles(&state.db).await?;
    let roles = named_roles(&titles, &caller.identity.roles);
    let role = PRECEDENCE
        .iter()
        .find(|r| caller.identity.roles.iter().any(|held| held == *r))
        .map(|r| (*r).to_owned())
        .or_else(|| caller.identity.roles.first().cloned())
        .unwrap_or_default();
    // No `profileImage`: Sanity sends it only when there is one, and Studio
    // falls back to initials without it.
    Ok(Json(json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "provider": "sanity",
        "role": role,
        "roles": roles,
    })))
}

pub async fn by_ids(
    State(state): State<Arc<AppState>>,
    Path((v, ids)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<JsonValue>, AppError> {
    version::check(&v)?;
    // Names and emails are for project members, not for the public.
    signed_in_user(&state, &caller).await?;
    let ids = super::data::comma_list(&ids);
    // One lookup per id: a bound keeps one request from running thousands.
    if ids.len() > MAX_IDS {
        return Err(AppError::BadRequest(format!(
            "At most {MAX_IDS} user ids may be asked for at once"
        )));
    }
    let mut users = Vec::new();
    for id in ids {
        // Unknown ids are left out, as Sanity does, so one deleted user
        // does not fail a whole list.
        if let Some(user) = identity::user(&state.db, &id).await? {
            users.push(json!({
                "id": user.id,
                "displayName": user.name,
                "imageUrl": null,
                "email": user.email,
            }));
        }
    }
    Ok(Json(JsonValue::Array(users)))
}

/// The caller's row; 401 for an anonymous caller.
pub(super) async fn signed_in_user(
    state: &AppState,
    caller: &Caller,
) -> Result<identity::User, AppError> {
    if caller.identity.anonymous {
        return Err(AppError::Unauthorized("Not logged in".to_owned()));
    }
    identity::user(&state.db, &caller.identity.id)
        .await?
        .ok_or_else(|| AppError::Unauthorized("Session not found".to_owned()))
}

/// `[{name, title}]` for role names: built-in titles from core, custom
/// ones from `stored` (the store's `(name, title)` list).
pub(super) fn named_roles(stored: &[(String, String)], names: &[String]) -> Vec<JsonValue> {
    let builtin = Roles::new();
    names
        .iter()
        .map(|name| {
            let title = builtin
                .get(name)
                .map(|r| r.title().to_owned())
                .or_else(|| {
                    stored
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, t)| t.clone())
                })
                .unwrap_or_else(|| name.clone());
            json!({"name": name, "title": title})
        })
        .collect()
}
