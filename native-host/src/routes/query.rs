//! `GET`/`POST /{version}/data/query/{dataset}`: a GROQ query over what the
//! caller may read, the filter pushed down to the store by core.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::grants::ReadableStore;
use qanat_core::groq::store::{query, QueryError};
use qanat_core::groq::QueryOptions;
use qanat_core::request;
use serde_json::{json, Map, Value};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::dataset::clock;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let (text, params) = request::query_request(&pairs, None)?;
    run(&state, &caller, &dataset, &pairs, text, params).await
}

/// `{query, params}` in the body, the other options still in the URL.
pub async fn post(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let body = data::body_json(body)?;
    let (text, params) = request::query_request(&pairs, Some(&body))?;
    run(&state, &caller, &dataset, &pairs, text, params).await
}

async fn run(
    state: &AppState,
    caller: &Caller,
    dataset: &str,
    pairs: &Pairs,
    text: String,
    params: Map<String, Value>,
) -> Result<Json<Value>, AppError> {
    let start = Instant::now();
    let grants = caller.grants(state, dataset).await?;
    let options = QueryOptions {
        params,
        perspective: data::value(pairs, "perspective").map(str::to_owned),
        now: Some(clock::now_rfc3339()),
        identity: Some(grants.identity().to_owned()),
    };
    let documents = state
        .indexes
        .watching(&state.db, state.db.documents(dataset));
    let readable = ReadableStore::new(&documents, &grants);
    let result = match query(&readable, &text, &options).await {
        Ok(value) => value.to_json(),
        Err(QueryError::Groq(e)) => {
            return Err(AppError::Sanity {
                status: 400,
                body: e.to_json(&text),
            })
        }
        Err(QueryError::Store(e)) => return Err(AppError::Database(e)),
    };
    let mut body = json!({"ms": data::elapsed_ms(start), "result": result});
    if data::flag(pairs, "returnQuery", true)? {
        body["query"] = Value::String(text);
    }
    Ok(Json(body))
}
