//! `GET /{version}/data/history/{dataset}/transactions/{documentIds?}`: the
//! transaction log as NDJSON, a line per transaction, oldest first; with
//! document ids, only the transactions that touched one of them. Core
//! (`history::transactions_ndjson`) decides what each caller sees.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use qanat_core::history::{transactions_ndjson, TransactionsRequest};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;
use crate::store::DatasetHistory;

pub async fn all(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    list(&state, &caller, &version, &dataset, None, &pairs).await
}

pub async fn by_documents(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, ids)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    list(&state, &caller, &version, &dataset, Some(&ids), &pairs).await
}

async fn list(
    state: &AppState,
    caller: &Caller,
    version: &str,
    dataset: &str,
    ids: Option<&str>,
    pairs: &Pairs,
) -> Result<impl IntoResponse, AppError> {
    data::api_version(version)?;
    let request = TransactionsRequest::new(ids, pairs)?;
    let grants = caller.grants(state, dataset).await?;
    let history = DatasetHistory {
        db: &state.db,
        dataset,
    };
    let out = transactions_ndjson(&history, &grants, request).await?;
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out))
}
