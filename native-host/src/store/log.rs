//! Reading the transaction log: what listeners resume from and history reads.

use std::collections::HashMap;

use qanat_core::history::{Dialect, HistoryReads, LogParam};
use serde_json::Value as Json;
use sqlx::Row;

use super::{identity::on_pool, sqlite::StoreError, Db};

/// One committed transaction as the log keeps it (core's, which rebuilds
/// history from it).
pub use qanat_core::history::LogEntry as LoggedTransaction;

pub use qanat_core::history::LogQuery;

impl Db {
    /// Up to `limit` transactions of `dataset` committed after `seq`, oldest first.
    pub async fn transactions_after(
        &self,
        dataset: &str,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<LoggedTransaction>, StoreError> {
        let query = LogQuery {
            after_seq: seq,
            limit,
            ..LogQuery::default()
        };
        self.transactions(dataset, &query).await
    }

    /// The transactions of `dataset` that `query` selects, in `seq` order.
    pub async fn transactions(
        &self,
        dataset: &str,
        query: &LogQuery,
    ) -> Result<Vec<LoggedTransaction>, StoreError> {
        let dialect = match self {
            Db::Sqlite { .. } => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        };
        let statement = query.statement(dataset, dialect);
        let rows = on_pool!(self, pool => {
            let mut bound = sqlx::query(&statement.sql);
            for param in &statement.params {
                bound = match param {
                    LogParam::Text(text) => bound.bind(text.as_str()),
                    LogParam::Int(n) => bound.bind(*n),
                };
            }
            bound
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| {
                    let mutations: String = row.try_get("mutations")?;
                    let effects: String = row.try_get("effects")?;
                    LoggedTransaction::from_row(
                        row.try_get("seq")?,
                        row.try_get("id")?,
                        row.try_get("timestamp")?,
                        row.try_get("author")?,
                        &mutations,
                        &effects,
                    )
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
                })
                .collect::<Result<Vec<_>, StoreError>>()?
        });
        Ok(rows)
    }

    /// The `seq` of transaction `id` in `dataset`, if the log has it.
    pub async fn transaction_seq(
        &self,
        dataset: &str,
        id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT seq FROM transactions WHERE dataset = $1 AND id = $2")
                .bind(dataset)
                .bind(id)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// The `seq` of the newest transaction of `dataset` (0 when none).
    pub async fn last_seq(&self, dataset: &str) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) FROM transactions WHERE dataset = $1",
            )
            .bind(dataset)
            .fetch_one(pool)
            .await?
        }))
    }
}

/// One dataset's history, as core's history endpoints read it.
pub struct DatasetHistory<'a> {
    pub db: &'a Db,
    pub dataset: &'a str,
}

impl HistoryReads for DatasetHistory<'_> {
    type Error = StoreError;

    async fn documents(&self, ids: &[String]) -> Result<HashMap<String, Json>, StoreError> {
        Ok(self
            .db
            .read_documents(self.dataset, ids)
            .await?
            .into_iter()
            .map(|(id, doc)| (id, doc.to_value()))
            .collect())
    }

    async fn transactions(&self, query: &LogQuery) -> Result<Vec<LoggedTransaction>, StoreError> {
        self.db.transactions(self.dataset, query).await
    }

    async fn seq_of(&self, id: &str) -> Result<Option<i64>, StoreError> {
        self.db.transaction_seq(self.dataset, id).await
    }
}
