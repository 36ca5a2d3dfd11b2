//! Reading documents by id, as a transaction needs them before core runs it.

use std::collections::HashMap;

use qanat_core::document::{Document, DocumentId};
use sqlx::Row;

use super::{identity::on_pool, sqlite::StoreError, Db};

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

impl Db {
    /// The ids every version of the documents `published_ids` may have: the
    /// ids themselves and their drafts (stored or not), and the
    /// `versions.<release>.` copies `dataset` stores.
    pub async fn all_version_ids(
        &self,
        dataset: &str,
        published_ids: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::new();
        for published in published_ids {
            // LIKE narrows the scan to this document's release copies; the
            // parse below drops `versions.r.a.b` matched for `b`.
            let pattern = format!("versions.%.{}", like_escaped(published));
            let versions: Vec<String> = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT id FROM documents WHERE dataset = $1 AND id LIKE $2 ESCAPE '\\'",
                )
                .bind(dataset)
                .bind(&pattern)
                .fetch_all(pool)
                .await?
            });
            ids.push(published.clone());
            ids.push(format!("drafts.{published}"));
            ids.extend(versions.into_iter().filter(|id| {
                DocumentId::parse(id).is_ok_and(|parsed| parsed.published_id() == published)
            }));
        }
        Ok(ids)
    }
}

/// `text` with LIKE's wildcards and the escape character escaped.
fn like_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Db {
    /// Up to `limit` documents of `dataset` whose id sorts after `after`
    /// (`""` for the first page), in id order: a keyset page, so reading a
    /// whole dataset holds one page in memory and each page is an index
    /// range, however far in.
    pub async fn documents_page(
        &self,
        dataset: &str,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, CAST(body AS TEXT) FROM documents \
                 WHERE dataset = $1 AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(dataset)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, body)| {
                let json = serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt(format!("document {id}: {e}")))?;
                Ok((id, json))
            })
            .collect()
    }
}
