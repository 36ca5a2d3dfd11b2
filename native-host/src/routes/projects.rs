//! `GET /{version}/projects/{p}`: the project Studio shows in its header and
//! member lists (core's `project::project` builds it).

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    Json,
};
use qanat_core::project::{self, Member};
use serde_json::Value;

use super::{users, version};
use crate::{auth::Caller, error::AppError, serve::AppState, store::identity};

pub async fn project(
    State(state): State<Arc<AppState>>,
    Path((v, id)): Path<(String, String)>,
    caller: Caller,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    // The member list names people: members only.
    users::signed_in_user(&state, &caller).await?;
    let held = identity::project_roles(&state.db).await?;
    let titles = identity::role_titles(&state.db).await?;
    let members: Vec<Member> = identity::all_users(&state.db)
        .await?
        .into_iter()
        .map(|(user, is_robot, created_at)| Member {
            user,
            is_robot,
            created_at,
        })
        .collect();
    Ok(Json(project::project(
        &id,
        &caller.identity.id,
        &members,
        &held,
        &titles,
    )))
}
