//! The transaction log in D1, for history (core's `HistoryReads`) and for
//! resumed listeners. Core writes the SELECT (`LogQuery::statement`).

use std::collections::HashMap;

use qanat_core::history::{Dialect, HistoryReads, LogEntry, LogParam, LogQuery};
use serde::Deserialize;
use serde_json::Value as Json;
use worker::wasm_bindgen::JsValue;
use worker::D1DatabaseSession;

use crate::documents::D1Documents;
use crate::error::{EdgeError, EdgeResult};

/// JavaScript numbers hold integers exactly up to 2^53; seqs and limits
/// past it mean "no bound".
const MAX_EXACT: i64 = 1 << 53;

#[derive(Deserialize)]
struct LogRow {
    seq: i64,
    id: String,
    timestamp: String,
    author: Option<String>,
    mutations: String,
    effects: String,
}

/// One dataset's log and documents in D1.
pub struct D1History<'a> {
    pub db: &'a D1DatabaseSession,
    pub dataset: &'a str,
}

impl HistoryReads for D1History<'_> {
    type Error = EdgeError;

    async fn documents(&self, ids: &[String]) -> EdgeResult<HashMap<String, Json>> {
        let documents = D1Documents {
            db: self.db,
            dataset: self.dataset,
        };
        Ok(documents
            .documents(ids)
            .await?
            .into_iter()
            .map(|(id, doc)| (id, doc.to_value()))
            .collect())
    }

    async fn transactions(&self, query: &LogQuery) -> EdgeResult<Vec<LogEntry>> {
        let statement = query.statement(self.dataset, Dialect::Sqlite);
        let params: Vec<JsValue> = statement
            .params
            .iter()
            .map(|param| match param {
                LogParam::Text(text) => JsValue::from_str(text),
                LogParam::Int(n) => JsValue::from_f64((*n).clamp(-MAX_EXACT, MAX_EXACT) as f64),
            })
            .collect();
        self.db
            .prepare(&statement.sql)
            .bind(&params)?
            .all()
            .await?
            .results::<LogRow>()?
            .into_iter()
            .map(|row| {
                LogEntry::from_row(
                    row.seq,
                    row.id,
                    row.timestamp,
                    row.author,
                    &row.mutations,
                    &row.effects,
                )
                .map_err(EdgeError::internal)
            })
            .collect()
    }

    async fn seq_of(&self, id: &str) -> EdgeResult<Option<i64>> {
        Ok(self
            .db
            .prepare("SELECT seq FROM transactions WHERE dataset = ?1 AND id = ?2")
            .bind(&[self.dataset.into(), id.into()])?
            .first::<i64>(Some("seq"))
            .await?)
    }
}

impl D1History<'_> {
    /// Up to `limit` transactions after `seq`, oldest first.
    pub async fn after(&self, seq: i64, limit: usize) -> EdgeResult<Vec<LogEntry>> {
        self.transactions(&LogQuery {
            after_seq: seq,
            limit: i64::try_from(limit).unwrap_or(MAX_EXACT),
            ..LogQuery::default()
        })
        .await
    }
}
