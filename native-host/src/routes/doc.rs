//! `GET /{version}/data/doc/{dataset}/{id1,id2,…}`: documents by id.
//!
//! `includeAllVersions=true` adds each document's draft and release
//! versions; `excludeContent=true` keeps only the system fields, for a
//! caller that wants revisions and times without the bodies.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::grants::Permission;
use serde_json::{json, Map, Value};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

/// What `excludeContent` leaves of a document.
const SYSTEM_FIELDS: [&str; 5] = ["_id", "_type", "_rev", "_createdAt", "_updatedAt"];

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, ids)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let start = Instant::now();
    let all_versions = data::flag(&pairs, "includeAllVersions", false)?;
    let exclude_content = data::flag(&pairs, "excludeContent", false)?;
    let grants = caller.grants(&state, &dataset).await?;
    let requested = data::comma_list(&ids);
    let ids = if all_versions {
        let mut ids = requested.clone();
        for id in state.db.all_version_ids(&dataset, &requested).await? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    } else {
        requested.clone()
    };
    let found = state.db.read_documents(&dataset, &ids).await?;
    let mut documents = Vec::new();
    let mut omitted = Vec::new();
    for id in &ids {
        match found.get(id) {
            // Only the ids asked for are reported missing; a draft or
            // version that does not exist was never promised.
            None if requested.contains(id) => {
                omitted.push(json!({"id": id, "reason": "existence"}));
            }
            None => {}
            Some(doc) => {
                let doc = doc.to_value();
                if !grants.allows_json(Permission::Read, &doc) {
                    omitted.push(json!({"id": id, "reason": "permission"}));
                } else if exclude_content {
                    documents.push(system_fields(&doc));
                } else {
                    documents.push(doc);
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

fn system_fields(doc: &Value) -> Value {
    let kept: Map<String, Value> = SYSTEM_FIELDS
        .iter()
        .filter_map(|field| Some(((*field).to_owned(), doc.get(*field)?.clone())))
        .collect();
    Value::Object(kept)
}
