//! The transaction log in D1, read for history and for resumed listeners.

use qanat_core::history::LogEntry;
use serde::Deserialize;
use worker::D1Database;

use crate::error::{EdgeError, EdgeResult};

#[derive(Deserialize)]
struct LogRow {
    seq: i64,
    id: String,
    timestamp: String,
    author: Option<String>,
    mutations: String,
    effects: String,
}

impl LogRow {
    fn entry(self) -> EdgeResult<LogEntry> {
        let parse = |text: &str| {
            serde_json::from_str(text)
                .map_err(|e| EdgeError::internal(format!("transaction {}: {e}", self.id)))
        };
        Ok(LogEntry {
            seq: self.seq,
            mutations: parse(&self.mutations)?,
            effects: parse(&self.effects)?,
            id: self.id.clone(),
            timestamp: self.timestamp.clone(),
            author: self.author.clone(),
        })
    }
}

const COLUMNS: &str = "SELECT seq, id, timestamp, author, mutations, effects FROM transactions";

/// Every transaction that touched one of `ids`, newest first (from
/// `transaction_documents`, so a document's history reads only its own).
pub async fn touching(db: &D1Database, dataset: &str, ids: &[String]) -> EdgeResult<Vec<LogEntry>> {
    let list = serde_json::Value::from(ids.to_vec()).to_string();
    entries(
        db.prepare(format!(
            "{COLUMNS} WHERE dataset = ?1 AND seq IN (SELECT seq FROM transaction_documents \
             WHERE dataset = ?1 AND doc_id IN (SELECT value FROM json_each(?2))) \
             ORDER BY seq DESC"
        ))
        .bind(&[dataset.into(), list.into()])?,
    )
    .await
}

/// Up to `limit` transactions after `seq`, oldest first.
pub async fn after(
    db: &D1Database,
    dataset: &str,
    seq: i64,
    limit: usize,
) -> EdgeResult<Vec<LogEntry>> {
    entries(
        db.prepare(format!(
            "{COLUMNS} WHERE dataset = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
        ))
        .bind(&[dataset.into(), (seq as f64).into(), (limit as f64).into()])?,
    )
    .await
}

/// The `seq` of the transaction `id`, if the log has it.
pub async fn seq_of(db: &D1Database, dataset: &str, id: &str) -> EdgeResult<Option<i64>> {
    Ok(db
        .prepare("SELECT seq FROM transactions WHERE dataset = ?1 AND id = ?2")
        .bind(&[dataset.into(), id.into()])?
        .first::<i64>(Some("seq"))
        .await?)
}

async fn entries(statement: worker::D1PreparedStatement) -> EdgeResult<Vec<LogEntry>> {
    statement
        .all()
        .await?
        .results::<LogRow>()?
        .into_iter()
        .map(LogRow::entry)
        .collect()
}
