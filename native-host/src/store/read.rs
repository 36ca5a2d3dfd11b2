//! Reading documents by id, as a transaction needs them before core runs it.

use std::collections::HashMap;

use qanat_core::document::Document;
use sqlx::Row;

use super::{sqlite::StoreError, Db};

impl Db {
    /// The stored documents among `ids` in `dataset`, by id; an id that is not
    /// stored is absent from the map.
    pub async fn read_documents(
        &self,
        dataset: &str,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, StoreError> {
        let rows: Vec<String> = match self {
            Db::Sqlite(pool) => {
                // One JSON array parameter however many ids: D1 binds at most 100.
                let list = serde_json::Value::from(ids.to_vec()).to_string();
                sqlx::query(
                    "SELECT body FROM documents WHERE dataset = ? \
                     AND id IN (SELECT value FROM json_each(?))",
                )
                .bind(dataset)
                .bind(list)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|row| row.try_get("body"))
                .collect::<Result<_, _>>()?
            }
            Db::Postgres(pool) => sqlx::query(
                "SELECT body::text AS body FROM documents WHERE dataset = $1 AND id = ANY($2)",
            )
            .bind(dataset)
            .bind(ids)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| row.try_get("body"))
            .collect::<Result<_, _>>()?,
        };
        rows.into_iter()
            .map(|body| {
                let doc = serde_json::from_str(&body)
                    .ok()
                    .and_then(Document::from_stored)
                    .ok_or_else(|| StoreError::Corrupt(format!("a stored body: {body}")))?;
                Ok((doc.id().to_owned(), doc))
            })
            .collect()
    }
}

impl Db {
    /// Every stored id of `dataset` that starts with `prefix`.
    pub async fn ids_with_prefix(
        &self,
        dataset: &str,
        prefix: &str,
    ) -> Result<Vec<String>, StoreError> {
        // `substr` rather than LIKE: ids may hold `_` and `%`, and substr
        // means the same in both dialects.
        Ok(match self {
            Db::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT id FROM documents WHERE dataset = ? AND substr(id, 1, ?) = ?",
                )
                .bind(dataset)
                .bind(prefix.chars().count() as i64)
                .bind(prefix)
                .fetch_all(pool)
                .await?
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT id FROM documents WHERE dataset = $1 AND substr(id, 1, $2) = $3",
                )
                .bind(dataset)
                .bind(prefix.chars().count() as i32)
                .bind(prefix)
                .fetch_all(pool)
                .await?
            }
        })
    }
}
