//! The history endpoints over a host's reads: a document at a point, who
//! may read which documents' history, and the log as NDJSON. Hosts
//! implement [`HistoryReads`]; the rest is decided here.

use std::collections::{HashMap, HashSet};

use serde_json::{json, Value as Json};

use super::access::{allows, last_states};
use super::document::{state_at, Point};
use super::log_query::LogQuery;
use super::transactions::TransactionsRequest;
use super::{HistoryError, LogEntry};
use crate::grants::Grants;
use crate::request::BadRequest;

/// What the history endpoints read from a dataset.
#[allow(async_fn_in_trait)]
pub trait HistoryReads {
    type Error;

    /// The stored documents among `ids`, by id.
    async fn documents(&self, ids: &[String]) -> Result<HashMap<String, Json>, Self::Error>;

    /// The transactions `query` selects, in its order.
    async fn transactions(&self, query: &LogQuery) -> Result<Vec<LogEntry>, Self::Error>;

    /// The `seq` of the transaction `id`, if the log has it.
    async fn seq_of(&self, id: &str) -> Result<Option<i64>, Self::Error>;
}

/// Why a history request has no answer.
#[derive(Debug)]
pub enum HistoryFailure<E> {
    BadRequest(BadRequest),
    /// No such document or revision (a 404 `notFoundError`).
    NotFound(String),
    /// The caller may not read this history (a 403).
    Forbidden(String),
    /// The log and the documents disagree.
    Corrupt(HistoryError),
    Store(E),
}

impl<E> From<BadRequest> for HistoryFailure<E> {
    fn from(e: BadRequest) -> Self {
        HistoryFailure::BadRequest(e)
    }
}

impl<E> From<HistoryError> for HistoryFailure<E> {
    fn from(e: HistoryError) -> Self {
        HistoryFailure::Corrupt(e)
    }
}

/// Each of `ids` as it is now or, when deleted, as it was just before its
/// deletion; ids the log has never seen are absent.
pub async fn latest_states<R: HistoryReads>(
    reads: &R,
    ids: &[String],
) -> Result<HashMap<String, Json>, HistoryFailure<R::Error>> {
    let stored = reads.documents(ids).await.map_err(HistoryFailure::Store)?;
    let gone: Vec<String> = ids
        .iter()
        .filter(|id| !stored.contains_key(*id))
        .cloned()
        .collect();
    let log = if gone.is_empty() {
        Vec::new()
    } else {
        reads
            .transactions(&LogQuery {
                documents: Some(gone),
                newest_first: true,
                ..LogQuery::default()
            })
            .await
            .map_err(HistoryFailure::Store)?
    };
    Ok(last_states(ids, stored, &log)?)
}

/// The ids among `ids` whose history `grants` may read.
pub async fn readable<R: HistoryReads>(
    reads: &R,
    grants: &Grants,
    ids: &[String],
) -> Result<HashSet<String>, HistoryFailure<R::Error>> {
    Ok(latest_states(reads, ids)
        .await?
        .into_iter()
        .filter(|(_, doc)| allows(grants, doc))
        .map(|(id, _)| id)
        .collect())
}

/// `data/history/{dataset}/documents/{id}`'s answer, `{"documents": [doc]}`.
pub async fn document_at<R: HistoryReads>(
    reads: &R,
    grants: &Grants,
    id: &str,
    point: &Point,
) -> Result<Json, HistoryFailure<R::Error>> {
    let no_such_revision =
        || HistoryFailure::NotFound(format!("The document {id} has no such revision"));
    let ids = [id.to_owned()];
    let Some(latest) = latest_states(reads, &ids).await?.remove(id) else {
        return Err(no_such_revision());
    };
    if !allows(grants, &latest) {
        return Err(HistoryFailure::Forbidden(format!(
            "You may not read the history of {id}"
        )));
    }
    let (current, log) = if *point == Point::Last {
        (None, Vec::new())
    } else {
        let current = reads
            .documents(&ids)
            .await
            .map_err(HistoryFailure::Store)?
            .remove(id);
        let log = reads
            .transactions(&LogQuery {
                documents: Some(ids.to_vec()),
                newest_first: true,
                ..LogQuery::default()
            })
            .await
            .map_err(HistoryFailure::Store)?;
        (current, log)
    };
    match state_at(id, point, current, latest, &log)? {
        Some(doc) => Ok(json!({"documents": [doc]})),
        None => Err(no_such_revision()),
    }
}

/// `data/history/{dataset}/transactions/{ids?}`'s answer, NDJSON.
pub async fn transactions_ndjson<R: HistoryReads>(
    reads: &R,
    grants: &Grants,
    mut request: TransactionsRequest,
) -> Result<String, HistoryFailure<R::Error>> {
    // Asking for the history of a document one may not read selects nothing
    // through it (not even the transactions it shares with readable ones).
    if let Some(asked) = &mut request.query.documents {
        let visible = readable(reads, grants, asked).await?;
        asked.retain(|id| visible.contains(id));
    }
    if let Some(id) = request.from_transaction.take() {
        request.query.after_seq = seq_of(reads, &id).await? - 1;
    }
    if let Some(id) = request.to_transaction.take() {
        request.query.up_to_seq = seq_of(reads, &id).await?;
    }
    // `limit` counts the lines the caller sees: a transaction of documents
    // it may not read takes no place, so the log is read a page at a time
    // until the lines are there or the log ends.
    let query = &mut request.query;
    let mut out = String::new();
    let (mut shown, mut scanned) = (0, 0);
    loop {
        let log = reads
            .transactions(query)
            .await
            .map_err(HistoryFailure::Store)?;
        scanned += log.len();
        let visible = readable(reads, grants, &super::touched_ids(&log)).await?;
        let room = query.limit - shown;
        shown += request.content.lines(&log, &visible, room, &mut out);
        let Some(last) = log.last() else { break };
        let full_page = i64::try_from(log.len()).unwrap_or(i64::MAX) >= query.limit;
        if shown >= query.limit || !full_page || scanned >= super::transactions::MAX_SCANNED {
            break;
        }
        if query.newest_first {
            query.up_to_seq = last.seq - 1;
        } else {
            query.after_seq = last.seq;
        }
    }
    Ok(out)
}

async fn seq_of<R: HistoryReads>(reads: &R, id: &str) -> Result<i64, HistoryFailure<R::Error>> {
    reads
        .seq_of(id)
        .await
        .map_err(HistoryFailure::Store)?
        .ok_or_else(|| {
            HistoryFailure::BadRequest(BadRequest(format!("Unknown transaction: {id:?}")))
        })
}
