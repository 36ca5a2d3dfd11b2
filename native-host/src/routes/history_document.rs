//! `GET /{version}/data/history/{dataset}/documents/{id}`: a document as it
//! was at `revision=<rev>` or at `time=<RFC 3339>`, or its last revision
//! (`lastRevision=true`: today's document, or the last state of a deleted
//! one), rebuilt backwards from its latest state with the log's `revert`
//! effects.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::mendoza;
use serde_json::{json, Value};

use super::data::{self, Pairs};
use super::history_access;
use crate::auth::Caller;
use crate::dataset::clock;
use crate::error::AppError;
use crate::serve::AppState;
use crate::store::LogQuery;

/// The one point in a document's history a request asks for.
enum Point {
    Revision(String),
    /// At or before this time, in the stored form.
    Time(String),
    Last,
}

impl Point {
    fn parse(pairs: &Pairs) -> Result<Point, AppError> {
        let revision = data::value(pairs, "revision");
        let time = data::value(pairs, "time");
        let last = data::flag(pairs, "lastRevision", false)?;
        match (revision, time, last) {
            (Some(rev), None, false) => Ok(Point::Revision(rev.to_owned())),
            (None, Some(time), false) => clock::stored_form(time)
                .map(Point::Time)
                .ok_or_else(|| data::bad_request(format!("Invalid time: {time:?}"))),
            (None, None, true) => Ok(Point::Last),
            (None, None, false) => Err(data::bad_request(
                "Give one of `revision`, `time` or `lastRevision`",
            )),
            _ => Err(data::bad_request(
                "`revision`, `time` and `lastRevision` are mutually exclusive",
            )),
        }
    }
}

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, id)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let point = Point::parse(&pairs)?;
    let grants = caller.grants(&state, &dataset).await?;
    let ids = std::slice::from_ref(&id);
    let Some(latest) = history_access::latest_states(&state, &dataset, ids)
        .await?
        .remove(&id)
    else {
        return Err(no_such_revision(&id));
    };
    if !history_access::allows(&grants, &latest) {
        return Err(AppError::Forbidden(format!(
            "You may not read the history of {id}"
        )));
    }
    let found = match point {
        Point::Last => Some(latest),
        Point::Revision(rev) => at(&state, &dataset, &id, |entry| entry.id == rev).await?,
        Point::Time(time) => at(&state, &dataset, &id, |entry| entry.timestamp <= time).await?,
    };
    match found {
        Some(doc) if !doc.is_null() => Ok(Json(json!({"documents": [doc]}))),
        _ => Err(no_such_revision(&id)),
    }
}

/// The document right after the newest transaction `wanted` accepts,
/// walking back from its current state; `None` when no transaction does.
async fn at(
    state: &AppState,
    dataset: &str,
    id: &str,
    wanted: impl Fn(&crate::store::LoggedTransaction) -> bool,
) -> Result<Option<Value>, AppError> {
    let log = state
        .db
        .transactions(
            dataset,
            &LogQuery {
                documents: Some(vec![id.to_owned()]),
                newest_first: true,
                ..LogQuery::default()
            },
        )
        .await?;
    let current = state.db.read_documents(dataset, &[id.to_owned()]).await?;
    let mut doc = current.get(id).map_or(Value::Null, |doc| doc.to_value());
    // Newest first: `doc` is the state after `entry`, until it is undone.
    for entry in &log {
        if wanted(entry) {
            return Ok(Some(doc));
        }
        doc = mendoza::apply(&doc, &entry.effects[id]["revert"])
            .map_err(|e| AppError::Internal(format!("history of {id}: {e}")))?;
    }
    Ok(None)
}

fn no_such_revision(id: &str) -> AppError {
    AppError::NotFound(format!("The document {id} has no such revision"))
}
