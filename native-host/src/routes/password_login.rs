//! `GET /{version}/auth/login/password`: the page the "Email and password"
//! provider sends Studio's browser to; `POST` to the same path: check a
//! password and start a session.
//!
//! A POST takes `{"email": …, "password": …}` (or `"id"` instead of
//! `"email"`) and answers `{"token": "<session JWT>"}`. A wrong password,
//! an unknown email and a user without a password all get the same 401, in
//! the same time (see `auth::login`).

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    response::Html,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::version;
use crate::{auth, error::AppError, serve::AppState, store::identity::LoginName};

/// One message for every failed login: which part was wrong is not said.
const INVALID: &str = "Invalid email or password";

#[derive(Debug, Deserialize)]
pub struct PasswordLogin {
    email: Option<String>,
    id: Option<String>,
    password: String,
}

pub async fn page(Path(v): Path<String>) -> Result<Html<&'static str>, AppError> {
    version::check(&v)?;
    Ok(Html(include_str!("pages/password_login.html")))
}

pub async fn login(
    State(state): State<Arc<AppState>>,
    Path(v): Path<String>,
    body: Result<Json<PasswordLogin>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let Json(body) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let name = match (&body.email, &body.id) {
        (Some(email), _) => LoginName::Email(email),
        (None, Some(id)) => LoginName::Id(id),
        (None, None) => {
            return Err(AppError::BadRequest(
                "A login needs an `email` (or an `id`) and a `password`".to_owned(),
            ))
        }
    };
    let Some(user_id) = auth::login::with_password(&state.db, name, body.password).await? else {
        return Err(AppError::Unauthorized(INVALID.to_owned()));
    };
    let token = auth::session::start(&state.db, &user_id).await?;
    Ok(Json(json!({ "token": token })))
}
