//! `GET /{version}/users/me` and `GET /{version}/users/{ids}`: who is
//! signed in, and the names Studio shows beside documents.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use qanat_core::users;
use serde_json::Value as JsonValue;

use super::version;
use crate::{auth::Caller, error::AppError, serve::AppState, store::identity};

pub async fn me(
    State(state): State<Arc<AppState>>,
    Path(v): Path<String>,
    caller: Caller,
) -> Result<Json<JsonValue>, AppError> {
    version::check(&v)?;
    let user = signed_in_user(&state, &caller).await?;
    let titles = identity::role_titles(&state.db).await?;
    Ok(Json(users::me(&user, &caller.identity.roles, &titles)))
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
    if ids.len() > users::MAX_IDS {
        return Err(AppError::BadRequest(format!(
            "At most {} user ids may be asked for at once",
            users::MAX_IDS
        )));
    }
    let mut found = Vec::new();
    for id in ids {
        // Unknown ids are left out, as Sanity does, so one deleted user
        // does not fail a whole list.
        if let Some(user) = identity::user(&state.db, &id).await? {
            found.push(users::public_user(&user));
        }
    }
    Ok(Json(JsonValue::Array(found)))
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
