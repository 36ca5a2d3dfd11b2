//! Signing Studio in: `GET /{version}/auth/providers`, the token login page
//! it links to, `GET /{version}/auth/fetch?sid=`, `POST /{version}/auth/logout`.
//! The password provider's page and endpoint are in `password_login.rs`.
//!
//! Qanat has no OAuth: a person signs in with an API token made by
//! `qanat token create --user <id>`, or with a password set by
//! `qanat user password`. Studio sends the browser to the provider's `url`
//! with `?origin=<studio>`; the login page sends the browser back to
//! `origin` with `#sid=<token or session JWT>`, the hash Sanity's own login
//! returns, which Studio then trades for a token at `/auth/fetch`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{
        header::{AUTHORIZATION, HOST},
        HeaderMap, StatusCode,
    },
    response::Html,
    Json,
};
use serde_json::{json, Value};

use super::version;
use crate::{auth, error::AppError, serve::AppState};

pub async fn providers(Path(v): Path<String>, headers: HeaderMap) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    // Studio opens the provider's `url` in the browser, so it must be
    // absolute: built from the address the request came to.
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', '\\', '@', ' ']))
        .ok_or_else(|| AppError::BadRequest("The request has no usable Host header".to_owned()))?;
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    Ok(Json(qanat_core::users::providers(
        &format!("{scheme}://{host}"),
        &v,
        true,
    )))
}

/// The page a person pastes their token into.
pub async fn token_page(Path(v): Path<String>) -> Result<Html<&'static str>, AppError> {
    version::check(&v)?;
    Ok(Html(include_str!("pages/token_login.html")))
}

/// Studio's `#sid=` flow trades a session id for a token. Qanat's `sid` is
/// already the credential (an API token or a session JWT), so a live one is
/// handed back as it is.
pub async fn fetch(
    State(state): State<Arc<AppState>>,
    Path(v): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, AppError> {
    version::check(&v)?;
    let sid = query.get("sid").map(String::as_str).unwrap_or_default();
    if sid.is_empty() || auth::identify(&state.db, sid).await?.is_none() {
        return Err(AppError::Unauthorized("Session not found".to_owned()));
    }
    Ok(Json(json!({ "token": sid })))
}

/// Logging out with a session JWT ends that session on every node. API
/// tokens are revoked with the CLI, not by logging out: Studio forgets its
/// copy, which is all a logout asks for, so anything else is a no-op.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    Path(v): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, AppError> {
    version::check(&v)?;
    let credential = headers
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(qanat_core::grants::credential::bearer_token);
    if let Some(jwt) = credential.filter(|c| auth::jwt::looks_like_jwt(c)) {
        auth::session::end(&state.db, jwt).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
