//! `GET`/`POST /{version}/data/query/{dataset}`: a GROQ query over what the
//! caller may read, the filter pushed down to D1 by core.
//!
//! Only anonymous callers so far, who read what the dataset's access mode
//! lets them (a public dataset's published documents; nothing on a private
//! one); a request with a token is refused until the edge checks tokens.

use qanat_core::grants::{AclMode, Identity, ReadableStore, Roles};
use qanat_core::groq::store::{query, QueryError};
use qanat_core::groq::QueryOptions;
use qanat_core::request::{self, BadRequest, Pairs};
use serde_json::{json, Value};
use worker::{Date, Request, Response, Result, RouteContext};

use crate::documents::D1Documents;

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    run(request, ctx, None).await
}

/// `{query, params}` in the body, the other options still in the URL.
pub async fn post(mut request: Request, ctx: RouteContext<()>) -> Result<Response> {
    let bytes = request.bytes().await?;
    if bytes.len() > request::MAX_BODY_BYTES {
        return sanity_error(413, request::payload_too_large());
    }
    match request::body_json(&bytes) {
        Ok(body) => run(request, ctx, Some(body)).await,
        Err(e) => bad_request(e),
    }
}

async fn run(request: Request, ctx: RouteContext<()>, body: Option<Value>) -> Result<Response> {
    let start = Date::now().as_millis();
    let (Some(version), Some(dataset)) = (ctx.param("version"), ctx.param("dataset")) else {
        return Response::error("Not Found", 404);
    };
    if !request::is_api_version(version) {
        return Response::error("Not Found", 404);
    }
    if request.headers().has("authorization")? {
        return sanity_error(
            401,
            json!({"error": {"type": "httpUnauthorized",
                "description": "Tokens are not checked at the edge yet"}}),
        );
    }
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let ((text, params), return_query) = match (
        request::query_request(&pairs, body.as_ref()),
        request::flag(&pairs, "returnQuery", true),
    ) {
        (Ok(query), Ok(return_query)) => (query, return_query),
        (Err(e), _) | (_, Err(e)) => return bad_request(e),
    };
    let db = ctx.env.d1("DB")?;
    let mode = db
        .prepare("SELECT acl_mode FROM datasets WHERE name = ?")
        .bind(&[dataset.as_str().into()])?
        .first::<String>(Some("acl_mode"))
        .await?
        .as_deref()
        .and_then(AclMode::parse)
        .unwrap_or(AclMode::Private);
    let grants = Roles::new()
        .with_acl_mode(mode)
        .grants_for(&Identity::anonymous())
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    let options = QueryOptions {
        params,
        perspective: request::value(&pairs, "perspective").map(str::to_owned),
        now: worker::js_sys::Date::new_0().to_iso_string().as_string(),
        identity: Some(grants.identity().to_owned()),
    };
    let documents = D1Documents { db: &db, dataset };
    let readable = ReadableStore::new(&documents, &grants);
    let result = match query(&readable, &text, &options).await {
        Ok(value) => value.to_json(),
        Err(QueryError::Groq(e)) => return sanity_error(400, e.to_json(&text)),
        Err(QueryError::Store(e)) => return Err(e),
    };
    let mut body = json!({"ms": Date::now().as_millis().saturating_sub(start), "result": result});
    if return_query {
        body["query"] = Value::String(text);
    }
    Response::from_json(&body)
}

fn bad_request(e: BadRequest) -> Result<Response> {
    sanity_error(400, e.to_json())
}

fn sanity_error(status: u16, body: Value) -> Result<Response> {
    Ok(Response::from_json(&body)?.with_status(status))
}
