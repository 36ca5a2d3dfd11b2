//! `POST /{version}/data/actions/{dataset}`: Studio's document actions,
//! lowered to one transaction by core and run by the dataset's writer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::action::parse_actions;
use serde_json::{json, Value};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::dataset::{Write, WriteKind};
use crate::error::AppError;
use crate::serve::AppState;

pub async fn post(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let body = data::body_json(body)?;
    let request = parse_actions(&body)?;
    let write = Write {
        kind: WriteKind::Actions(request.actions),
        grants: caller.grants(&state, &dataset).await?,
        transaction_id: request.transaction_id,
        auto_generate_array_keys: false,
        dry_run: request.dry_run || data::flag(&pairs, "dryRun", false)?,
    };
    let outcome = state.hub.write(&dataset, write).await?;
    Ok(Json(
        json!({"transactionId": outcome.commit.transaction_id}),
    ))
}
