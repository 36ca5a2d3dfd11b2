//! `GET /{version}/projects/{p}`: the project Studio shows in its header and
//! member lists. A Qanat server is one project, so any id answers with it.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use serde_json::{json, Value};

use super::{users, version};
use crate::{auth::Caller, error::AppError, serve::AppState, store::identity};

pub async fn project(
    State(state): State<Arc<AppState>>,
    Path((v, project)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    // The member list names people: members only.
    users::signed_in_user(&state, &caller).await?;
    let held = identity::project_roles(&state.db).await?;
    let titles = identity::role_titles(&state.db).await?;
    let mut members = Vec::new();
    for (user, is_robot, created_at) in identity::all_users(&state.db).await? {
        let names: Vec<String> = held
            .iter()
            .filter(|(id, _)| *id == user.id)
            .map(|(_, role)| role.clone())
            .collect();
        let roles = qanat_core::users::named_roles(&titles, &names);
        members.push(json!({
            "id": user.id,
            "createdAt": created_at,
            "isCurrentUser": user.id == caller.identity.id,
            "isRobot": is_robot,
            "role": names.first().cloned().unwrap_or_default(),
            "roles": roles,
        }));
    }
    Ok(Json(json!({
        "id": project,
        "displayName": project,
        "studioHost": null,
        "isBlocked": false,
        "isDisabled": false,
        "isDisabledByUser": false,
        "activityFeedEnabled": false,
        "metadata": {},
        "members": members,
    })))
}
