//! Signing Studio in: `GET /{version}/auth/providers`, the token login page
//! it links to, `GET /{version}/auth/fetch?sid=`, `POST /{version}/auth/logout`.
//!
//! Qanat has no passwords or OAuth: a person signs in with an API token
//! made by `qanat token create --user <id>`. Studio sends the browser to the
//! provider's `url` with `?origin=<studio>`; the login page checks the token
//! against `/users/me` and sends the browser back to `origin` with
//! `#sid=<token>`, the hash Sanity's own login returns, which Studio then
//! trades for a token at `/auth/fetch`.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, State},
    http::{header::HOST, HeaderMap, StatusCode},
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
    Ok(Json(json!({
        "providers": [{
            "name": "qanat-token",
            "title": "API token",
            "url": format!("{scheme}://{host}/{v}/auth/login/token"),
        }]
    })))
}

/// The page a person pastes their token into.
pub async fn token_page(Path(v): Path<String>) -> Result<Html<&'static str>, AppError> {
    version::check(&v)?;
    Ok(Html(TOKEN_PAGE))
}

/// Studio's `#sid=` flow trades a session id for a token. Qanat's sessions
/// are its tokens, so a valid one is handed back as it is.
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

/// Tokens are revoked with the CLI, not by logging out: Studio forgets its
/// copy, which is all a logout asks for.
pub async fn logout(Path(v): Path<String>) -> Result<StatusCode, AppError> {
    version::check(&v)?;
    Ok(StatusCode::NO_CONTENT)
}

const TOKEN_PAGE: &str = r#"<!doctype html>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in to Qanat</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}
input{width:100%;box-sizing:border-box;padding:.5rem;font:inherit}button{margin-top:1rem;padding:.5rem 1rem;font:inherit}
#error{color:#b00020}</style>
<h1>Sign in with an API token</h1>
<p>Make one with <code>qanat token create --user &lt;your id&gt;</code>.</p>
<form id="form">
<label>Token <input id="token" type="password" autocomplete="off" required></label>
<button>Sign in</button>
<p id="error" role="alert"></p>
</form>
<script>
document.getElementById("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("error");
  const token = document.getElementById("token").value.trim();
  const origin = new URLSearchParams(location.search).get("origin");
  let back;
  try {
    back = new URL(origin);
    if (back.protocol !== "http:" && back.protocol !== "https:") throw new Error();
  } catch {
    error.textContent = "This page was opened without a valid ?origin= to return to.";
    return;
  }
  const response = await fetch("../users/me", {headers: {authorization: "Bearer " + token}});
  if (!response.ok) {
    error.textContent = "This token was not accepted.";
    return;
  }
  back.hash = "sid=" + encodeURIComponent(token);
  location.assign(back.toString());
});
</script>
"#;
