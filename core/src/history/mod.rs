//! A document's history, from the transaction log every host keeps: a
//! document at a revision or a time (`document.rs`), who may read it
//! (`access.rs`), the log as NDJSON (`transactions.rs`), the commits a
//! resumed listener missed (`replay.rs`), the SELECT that reads the log
//! (`log_query.rs`), and the endpoints over a host's reads (`reads.rs`).
//! The log holds each transaction's mendoza effects, not its documents, so
//! earlier states are rebuilt backwards from today's with the `revert`
//! patches. Hosts read the log and the documents.

mod access;
mod document;
mod log_query;
mod reads;
mod replay;
mod transactions;

pub use access::{allows, last_states};
pub use document::{state_at, Point};
pub use log_query::{Dialect, LogParam, LogQuery, LogStatement};
pub use reads::{
    document_at, latest_states, readable, transactions_ndjson, HistoryFailure, HistoryReads,
};
pub use replay::{replay, touched_ids, MAX_REPLAY};
pub use transactions::{Content, TransactionsRequest};

use serde_json::Value as Json;

/// One committed transaction as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub seq: i64,
    pub id: String,
    pub timestamp: String,
    pub author: Option<String>,
    /// The mutations as received (a JSON array).
    pub mutations: Json,
    /// `{docId: {apply, revert}}`, mendoza patches.
    pub effects: Json,
}

/// The log and the documents disagree: a stored `revert` does not apply.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("history of {id} at transaction {transaction}: {message}")]
pub struct HistoryError {
    pub id: String,
    pub transaction: String,
    pub message: String,
}

impl LogEntry {
    /// The state of `id` before this transaction, given `after`, the state
    /// it left (`null`: absent).
    pub fn undo(&self, id: &str, after: &Json) -> Result<Json, HistoryError> {
        let revert = self
            .effects
            .get(id)
            .and_then(|e| e.get("revert"))
            .unwrap_or(&Json::Null);
        crate::mendoza::apply(after, revert).map_err(|e| HistoryError {
            id: id.to_owned(),
            transaction: self.id.clone(),
            message: e.to_string(),
        })
    }

    /// A log row as stored: `mutations` and `effects` as JSON text.
    pub fn from_row(
        seq: i64,
        id: String,
        timestamp: String,
        author: Option<String>,
        mutations: &str,
        effects: &str,
    ) -> Result<LogEntry, HistoryError> {
        let parse = |text: &str| {
            serde_json::from_str(text).map_err(|e| HistoryError {
                id: String::new(),
                transaction: id.clone(),
                message: format!("a stored log entry: {e}"),
            })
        };
        Ok(LogEntry {
            seq,
            mutations: parse(mutations)?,
            effects: parse(effects)?,
            id,
            timestamp,
            author,
        })
    }
}
