//! `GET /{version}/data/export/{dataset}`: every document the caller may
//! read, one JSON object per line (`types=a,b` keeps only those `_type`s).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use qanat_core::groq::store::Store;

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    data::api_version(&version)?;
    let grants = caller.grants(&state, &dataset).await?;
    let types: Option<Vec<&str>> = data::value(&pairs, "types").map(|list| {
        list.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect()
    });
    let documents = state.db.documents(&dataset).scan(None).await?;
    let mut out = String::new();
    for doc in documents.iter().filter(|doc| grants.can_read(doc)) {
        let json = doc.to_json();
        let keep = types.as_ref().is_none_or(|types| {
            json.get("_type")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|t| types.contains(&t))
        });
        if keep {
            out.push_str(&json.to_string());
            out.push('\n');
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out))
}
