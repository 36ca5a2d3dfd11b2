//! Signing Studio in at the edge: `GET /{version}/auth/providers`, the
//! token page it links to, `GET /{version}/auth/fetch?sid=` and
//! `POST /{version}/auth/logout`; and `GET /{version}/projects/{p}/
//! datasets/{ds}/acl`, what the caller may do on a dataset.
//!
//! Only API tokens: the native host's password sign-in hashes with Argon2,
//! which a Worker's CPU budget per request does not cover (see the README).

use qanat_core::request::{self, Pairs};
use qanat_core::users;
use serde_json::json;
use worker::{Request, Response, Result, RouteContext};

use crate::auth;
use crate::d1;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::route::version;

/// The page a person pastes their token into: the native host's page.
const TOKEN_PAGE: &str = include_str!("../../native-host/src/routes/pages/token_login.html");

pub async fn providers(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_providers(&request, &ctx))
}

fn run_providers(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    let version = version(ctx)?;
    // Absolute, from the address the request came to: Studio opens it.
    let base = request.url()?.origin().ascii_serialization();
    Ok(Response::from_json(&users::providers(
        &base, version, false,
    ))?)
}

pub async fn token_page(_request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(version(&ctx).and_then(|_| Ok(Response::from_html(TOKEN_PAGE)?)))
}

pub async fn fetch(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_fetch(&request, &ctx).await)
}

/// Studio's `#sid=` flow trades a session id for a token; the `sid` is
/// already the token, so a live one is handed back as it is.
async fn run_fetch(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    version(ctx)?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let sid = request::value(&pairs, "sid").unwrap_or_default();
    let db = d1::for_reads(&ctx.env, request)?;
    if sid.is_empty() || !auth::is_live_token(&db, sid).await? {
        return Err(EdgeError::Unauthorized("Session not found".to_owned()));
    }
    Ok(Response::from_json(&json!({"token": sid}))?)
}

/// API tokens are revoked by operators, not by logging out: Studio
/// forgets its copy, which is all a logout asks for.
pub async fn logout(_request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(version(&ctx).and_then(|_| Ok(Response::empty()?.with_status(204))))
}

pub async fn acl(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_acl(&request, &ctx).await)
}

async fn run_acl(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    version(ctx)?;
    let dataset = ctx
        .param("dataset")
        .ok_or_else(|| EdgeError::NotFound("Not found".to_owned()))?;
    let db = d1::for_reads(&ctx.env, request)?;
    let grants = auth::grants(request, &db, dataset).await?;
    Ok(Response::from_json(&grants.acl_json())?)
}
