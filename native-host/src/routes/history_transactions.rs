//! `GET /{version}/data/history/{dataset}/transactions/{documentIds?}`: the
//! transaction log as NDJSON, a line per transaction, oldest first; with
//! document ids, only the transactions that touched one of them.
//!
//! A caller sees a transaction's documents only where they may read those
//! documents' history ([`history_access`]); a transaction that touched
//! anything else loses its `mutations` (they carry the hidden content) and
//! the hidden documents' ids and effects.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use qanat_core::grants::Grants;
use serde_json::{json, Map, Value};

use super::data::{self, Pairs};
use super::history_access;
use crate::auth::Caller;
use crate::dataset::clock;
use crate::error::AppError;
use crate::serve::AppState;
use crate::store::{LogQuery, LoggedTransaction};

/// How many transactions one response lists at most without `limit`.
const DEFAULT_LIMIT: i64 = 10_000;
/// How many transactions one response reads at most while looking for ones
/// the caller may see: a role that sees little of a long log gets a short
/// answer rather than a request that reads all of it.
const MAX_SCANNED: usize = 100_000;

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

/// What a line holds besides the id, time, author and document ids.
struct Content {
    mutations: bool,
    effects: bool,
    /// `includeIdentifiedDocumentsOnly`: list only the documents asked for.
    only: Option<HashSet<String>>,
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
    let grants = caller.grants(state, dataset).await?;
    let mut documents = ids.map(data::comma_list);
    // Asking for the history of a document one may not read selects nothing
    // through it (not even the transactions it shares with readable ones).
    if let Some(asked) = &mut documents {
        let readable = history_access::readable(state, &grants, dataset, asked).await?;
        asked.retain(|id| readable.contains(id));
    }
    let mut query = log_query(state, dataset, documents.clone(), pairs).await?;
    let identified_only = data::flag(pairs, "includeIdentifiedDocumentsOnly", false)?;
    // `excludeContent` leaves out what carries document bodies (the
    // mutations) but not the effects: Studio's timeline asks for both
    // `excludeContent` and `effectFormat=mendoza` and diffs with the effects.
    let content = Content {
        mutations: !data::flag(pairs, "excludeMutations", false)?
            && !data::flag(pairs, "excludeContent", false)?,
        effects: data::value(pairs, "effectFormat") == Some("mendoza"),
        only: documents
            .filter(|_| identified_only)
            .map(|ids| ids.into_iter().collect()),
    };
    // `limit` counts the lines the caller sees: a transaction of documents
    // it may not read takes no place, so the log is read a page at a time
    // until the lines are there or the log ends.
    let mut out = String::new();
    let (mut shown, mut scanned) = (0, 0);
    loop {
        let log = state.db.transactions(dataset, &query).await?;
        scanned += log.len();
        let room = query.limit - shown;
        shown += lines(state, &grants, dataset, &log, &content, room, &mut out).await?;
        let Some(last) = log.last() else { break };
        if shown >= query.limit || (log.len() as i64) < query.limit || scanned >= MAX_SCANNED {
            break;
        }
        if query.newest_first {
            query.up_to_seq = last.seq - 1;
        } else {
            query.after_seq = last.seq;
        }
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], out))
}

/// Writes the lines of `log` the caller may see, at most `room` of them, to
/// `out`; returns how many.
async fn lines(
    state: &AppState,
    grants: &Grants,
    dataset: &str,
    log: &[LoggedTransaction],
    content: &Content,
    room: i64,
    out: &mut String,
) -> Result<i64, AppError> {
    let touched: Vec<String> = log
        .iter()
        .flat_map(|entry| entry.effects.as_object().into_iter().flat_map(Map::keys))
        .cloned()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let visible = history_access::readable(state, grants, dataset, &touched).await?;
    let mut written = 0;
    for entry in log {
        if written >= room {
            break;
        }
        let Some(effects) = entry.effects.as_object() else {
            continue;
        };
        let shown: Vec<&String> = effects
            .keys()
            .filter(|id| visible.contains(*id))
            .filter(|id| content.only.as_ref().is_none_or(|only| only.contains(*id)))
            .collect();
        if shown.is_empty() {
            continue;
        }
        let mut line = json!({
            "id": entry.id,
            "timestamp": entry.timestamp,
            "author": entry.author,
            "documentIDs": shown,
        });
        let hides_something = effects.keys().any(|id| !visible.contains(id));
        if content.mutations && !hides_something {
            line["mutations"] = entry.mutations.clone();
        }
        if content.effects {
            let shown_effects: Map<String, Value> = shown
                .iter()
                .filter_map(|id| Some(((*id).clone(), effects.get(*id)?.clone())))
                .collect();
            line["effects"] = Value::Object(shown_effects);
        }
        out.push_str(&Value::to_string(&line));
        out.push('\n');
        written += 1;
    }
    Ok(written)
}

/// The log selection the query string asks for: `limit`, `reverse`,
/// `fromTime`/`toTime`, `fromTransaction`/`toTransaction` (both included),
/// `authors`.
async fn log_query(
    state: &AppState,
    dataset: &str,
    documents: Option<Vec<String>>,
    pairs: &Pairs,
) -> Result<LogQuery, AppError> {
    let limit = match data::value(pairs, "limit") {
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| data::bad_request(format!("Invalid limit: {text:?}")))?,
        None => DEFAULT_LIMIT,
    };
    let time = |name: &str| {
        data::value(pairs, name)
            .map(|text| {
                clock::stored_form(text)
                    .ok_or_else(|| data::bad_request(format!("Invalid {name}: {text:?}")))
            })
            .transpose()
    };
    let mut query = LogQuery {
        documents,
        limit,
        newest_first: data::flag(pairs, "reverse", false)?,
        from_time: time("fromTime")?,
        to_time: time("toTime")?,
        authors: data::value(pairs, "authors").map(data::comma_list),
        ..LogQuery::default()
    };
    if let Some(id) = data::value(pairs, "fromTransaction") {
        query.after_seq = seq_of(state, dataset, id).await? - 1;
    }
    if let Some(id) = data::value(pairs, "toTransaction") {
        query.up_to_seq = seq_of(state, dataset, id).await?;
    }
    Ok(query)
}

async fn seq_of(state: &AppState, dataset: &str, id: &str) -> Result<i64, AppError> {
    state
        .db
        .transaction_seq(dataset, id)
        .await?
        .ok_or_else(|| data::bad_request(format!("Unknown transaction: {id:?}")))
}
