//! Reading the transaction log: what listeners resume from and history reads.

use serde_json::Value as Json;
use sqlx::Row;

use super::{sqlite::StoreError, Db};

/// One committed transaction as the log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedTransaction {
    pub seq: i64,
    pub id: String,
    pub timestamp: String,
    pub author: Option<String>,
    /// The mutations as received (a JSON array).
    pub mutations: Json,
    /// `{docId: {apply, revert}}`, mendoza patches.
    pub effects: Json,
}

impl Db {
    /// Up to `limit` transactions of `dataset` committed after `seq`, oldest first.
    pub async fn transactions_after(
        &self,
        dataset: &str,
        seq: i64,
        limit: i64,
    ) -> Result<Vec<LoggedTransaction>, StoreError> {
        let rows = match self {
            Db::Sqlite(pool) => sqlx::query(
                "SELECT seq, id, timestamp, author, mutations, effects FROM transactions \
                     WHERE dataset = ? AND seq > ? ORDER BY seq LIMIT ?",
            )
            .bind(dataset)
            .bind(seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                logged(
                    row.try_get("seq")?,
                    row.try_get("id")?,
                    row.try_get("timestamp")?,
                    row.try_get("author")?,
                    row.try_get("mutations")?,
                    row.try_get("effects")?,
                )
            })
            .collect::<Result<Vec<_>, StoreError>>()?,
            Db::Postgres(pool) => sqlx::query(
                "SELECT seq, id, timestamp, author, mutations::text AS mutations, \
                 effects::text AS effects FROM transactions \
                 WHERE dataset = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(dataset)
            .bind(seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                logged(
                    row.try_get("seq")?,
                    row.try_get("id")?,
                    row.try_get("timestamp")?,
                    row.try_get("author")?,
                    row.try_get("mutations")?,
                    row.try_get("effects")?,
                )
            })
            .collect::<Result<Vec<_>, StoreError>>()?,
        };
        Ok(rows)
    }

    /// The `seq` of transaction `id` in `dataset`, if the log has it.
    pub async fn transaction_seq(
        &self,
        dataset: &str,
        id: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT seq FROM transactions WHERE dataset = ? AND id = ?")
                    .bind(dataset)
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT seq FROM transactions WHERE dataset = $1 AND id = $2")
                    .bind(dataset)
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
            }
        })
    }

    /// The `seq` of the newest transaction of `dataset` (0 when none).
    pub async fn last_seq(&self, dataset: &str) -> Result<i64, StoreError> {
        Ok(match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0) FROM transactions WHERE dataset = ?",
                )
                .bind(dataset)
                .fetch_one(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT COALESCE(MAX(seq), 0)::bigint FROM transactions WHERE dataset = $1",
                )
                .bind(dataset)
                .fetch_one(pool)
                .await?
            }
        })
    }
}

fn logged(
    seq: i64,
    id: String,
    timestamp: String,
    author: Option<String>,
    mutations: String,
    effects: String,
) -> Result<LoggedTransaction, StoreError> {
    let parse = |text: &str| {
        serde_json::from_str(text)
            .map_err(|e| StoreError::Corrupt(format!("transaction {id}: {e}")))
    };
    Ok(LoggedTransaction {
        seq,
        mutations: parse(&mutations)?,
        effects: parse(&effects)?,
        id,
        timestamp,
        author,
    })
}
