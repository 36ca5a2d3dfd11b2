//! `GET /{version}/users/me` and `GET /{version}/users/{ids}`: who is
//! signed in, and the names Studio shows beside documents (core's
//! `users` builds the answers).

use qanat_core::request;
use qanat_core::users::{self, User};
use serde::Deserialize;
use worker::{D1DatabaseSession, Request, Response, Result, RouteContext};

use crate::d1;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::{auth, route};

pub async fn me(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_me(request, ctx).await)
}

async fn run_me(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let db = d1::for_reads(&ctx.env, &request)?;
    let user = signed_in_user(&request, &db).await?;
    let roles = auth::project_roles(&db, &user.id).await?;
    let titles: Vec<(String, String)> = db
        .prepare("SELECT name, title FROM roles ORDER BY name")
        .all()
        .await?
        .results::<TitleRow>()?
        .into_iter()
        .map(|r| (r.name, r.title))
        .collect();
    Ok(Response::from_json(&users::me(&user, &roles, &titles))?)
}

pub async fn by_ids(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_by_ids(request, ctx).await)
}

async fn run_by_ids(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let db = d1::for_reads(&ctx.env, &request)?;
    // Names and emails are for project members, not for the public.
    signed_in_user(&request, &db).await?;
    let ids = request::comma_list(&route::segment(&ctx, "ids")?);
    if ids.len() > users::MAX_IDS {
        return Err(request::BadRequest(format!(
            "At most {} user ids may be asked for at once",
            users::MAX_IDS
        ))
        .into());
    }
    let list = serde_json::Value::from(ids).to_string();
    // Unknown ids are left out, as Sanity does.
    let found: Vec<serde_json::Value> = db
        .prepare(
            "SELECT id, name, email FROM users \
             WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .bind(&[list.into()])?
        .all()
        .await?
        .results::<UserRow>()?
        .into_iter()
        .map(|row| users::public_user(&row.user()))
        .collect();
    Ok(Response::from_json(&found)?)
}

#[derive(Deserialize)]
struct TitleRow {
    name: String,
    title: String,
}

#[derive(Deserialize)]
struct UserRow {
    id: String,
    name: String,
    email: Option<String>,
}

impl UserRow {
    fn user(self) -> User {
        User {
            id: self.id,
            name: self.name,
            email: self.email,
        }
    }
}

/// The caller's row; 401 for an anonymous caller.
pub async fn signed_in_user(request: &Request, db: &D1DatabaseSession) -> EdgeResult<User> {
    let user_id = auth::caller(request, db)
        .await?
        .ok_or_else(|| EdgeError::Unauthorized("Not logged in".to_owned()))?;
    let row: Option<UserRow> = db
        .prepare("SELECT id, name, email FROM users WHERE id = ?1")
        .bind(&[user_id.into()])?
        .first(None)
        .await?;
    row.map(UserRow::user)
        .ok_or_else(|| EdgeError::Unauthorized("Session not found".to_owned()))
}
