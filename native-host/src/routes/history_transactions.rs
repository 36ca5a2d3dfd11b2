//! `GET /{version}/data/history/{dataset}/transactions/{ids?}`: the
//! transaction log as NDJSON, a line per transaction, oldest first.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{json, Value};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

/// How many transactions one response lists at most without `limit`.
const DEFAULT_LIMIT: i64 = 10_000;

pub async fn all(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    list(&state, &caller, &version, &dataset, None, &pairs).await
}

pub async fn by_ids(
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
    // Reading history needs a caller the dataset knows; grants decide more later.
    caller.grants(state, dataset).await?;
    let limit = match data::value(pairs, "limit") {
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| data::bad_request(format!("Invalid limit: {text:?}")))?,
        None => DEFAULT_LIMIT,
    };
    let wanted: Option<Vec<&str>> = ids.map(|ids| ids.split(',').map(str::trim).collect());
    let exclude_mutations = data::flag(pairs, "excludeMutations", false)?;
    let with_effects = data::value(pairs, "effectFormat") == Some("mendoza");
    let mut log = state.db.transactions_after(dataset, 0, i64::MAX).await?;
    log.retain(|t| {
        wanted
            .as_ref()
            .is_none_or(|ids| ids.contains(&t.id.as_str()))
    });
    if data::flag(pairs, "reverse", false)? {
        log.reverse();
    }
    let mut out = String::new();
    for entry in log
        .iter()
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
    {
        let document_ids: Vec<&String> = entry
            .effects
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        let mut line = json!({
            "id": entry.id,
            "timestamp": entry.timestamp,
            "author": entry.author,
            "documentIDs": document_ids,
        });
        if !exclude_mutations {
            line["mutations"] = entry.mutations.clone();
        }
        if with_effects {
            line["effects"] = entry.effects.clone();
        }
        out.push_str(&Value::to_string(&line));
        out.push('\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out))
}
