//! `GET /{version}/data/doc/{dataset}/{id1,id2,…}`: documents by id.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::data;
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, ids)): Path<(String, String, String)>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let start = Instant::now();
    let grants = caller.grants(&state, &dataset).await?;
    let ids: Vec<String> = ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .collect();
    let found = state.db.read_documents(&dataset, &ids).await?;
    let mut documents = Vec::new();
    let mut omitted = Vec::new();
    for id in &ids {
        match found.get(id) {
            None => omitted.push(json!({"id": id, "reason": "existence"})),
            Some(doc) => {
                let doc = doc.to_value();
                if grants.allows_json(qanat_core::grants::Permission::Read, &doc) {
                    documents.push(doc);
                } else {
                    omitted.push(json!({"id": id, "reason": "permission"}));
                }
            }
        }
    }
    Ok(Json(json!({
        "ms": data::elapsed_ms(start),
        "documents": documents,
        "omitted": omitted,
    })))
}
