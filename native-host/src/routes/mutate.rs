//! `POST /{version}/data/mutate/{dataset}`: a transaction of mutations, run
//! by the dataset's writer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::mutation::parse_mutations;
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
    let mutations = parse_mutations(&body)?;
    let json = match &body {
        Value::Array(list) => list.clone(),
        other => other
            .get("mutations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    };
    let transaction_id = data::value(&pairs, "transactionId")
        .or_else(|| body.get("transactionId").and_then(Value::as_str))
        .map(str::to_owned);
    let return_documents = data::flag(&pairs, "returnDocuments", false)?;
    let write = Write {
        kind: WriteKind::Mutations { mutations, json },
        grants: caller.grants(&state, &dataset).await?,
        transaction_id,
        auto_generate_array_keys: data::flag(&pairs, "autoGenerateArrayKeys", false)?,
        dry_run: data::flag(&pairs, "dryRun", false)?,
    };
    // `visibility` (sync, async, deferred) needs nothing here: a commit is
    // visible to queries as soon as the writer answers.
    let outcome = state.hub.write(&dataset, write).await?;
    let commit = outcome.commit;
    let results: Vec<Value> = commit
        .results
        .iter()
        .map(|result| {
            let mut entry = json!({"id": result.id, "operation": result.operation.as_str()});
            if return_documents {
                let document = commit
                    .changes
                    .iter()
                    .find(|c| c.id == result.id)
                    .and_then(|c| c.after.as_ref().or(c.before.as_ref()))
                    .map(|doc| doc.to_value());
                if let Some(document) = document {
                    entry["document"] = document;
                }
            }
            entry
        })
        .collect();
    let mut response = json!({"transactionId": commit.transaction_id, "results": results});
    if return_documents {
        response["documents"] = commit
            .changes
            .iter()
            .filter_map(|c| c.after.as_ref().map(|doc| doc.to_value()))
            .collect();
    }
    Ok(Json(response))
}
