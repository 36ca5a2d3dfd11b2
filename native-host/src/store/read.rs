//! Reading documents by id, as a transaction needs them before core runs it.

use std::collections::HashMap;

use qanat_core::doc_response::{all_versions, versions_pattern};
use qanat_core::document::Document;

use super::conn::Conn;
use super::{identity::on_pool, sqlite::StoreError, Db};

impl Db {
    /// The stored documents among `ids` in `dataset`, by id; an id that is not
    /// stored is absent from the map.
    pub async fn read_documents(
        &self,
        dataset: &str,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, StoreError> {
        read_documents(self.acquire().await?.conn(), dataset, ids).await
    }

    /// Every stored id of `dataset` that starts with `prefix`.
    pub async fn ids_with_prefix(
        &self,
        dataset: &str,
        prefix: &str,
    ) -> Result<Vec<String>, StoreError> {
        ids_with_prefix(self.acquire().await?.conn(), dataset, prefix).await
    }
}

/// The bodies of the listed ids, bound as one JSON array however many (D1
/// binds at most 100 parameters).
pub(super) const SQLITE_READ: &str =
    "SELECT body FROM documents WHERE dataset = ?1 AND id IN (SELECT value FROM json_each(?2))";
/// [`SQLITE_READ`] on PostgreSQL. The array comes from a subquery, so the
/// planner cannot see its length: a plan made for one call is as good as a
/// plan made for any, and PostgreSQL keeps one instead of planning every
/// read again (as it does for `id = ANY($2)`, whose one-id plans look
/// cheaper than a general one). Most of a one-document read's time was that
/// planning.
const POSTGRES_READ: &str = "SELECT body::text FROM documents WHERE dataset = $1 \
     AND id = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST($2 AS jsonb))))";

/// Every id with a prefix. `substr` rather than LIKE: ids may hold `_` and
/// `%`, and substr means the same in both dialects. The length is bound as
/// text and cast, so one statement serves both (SQLite binds i64,
/// PostgreSQL wants int4).
pub(super) const IDS_WITH_PREFIX: &str =
    "SELECT id FROM documents WHERE dataset = $1 AND substr(id, 1, CAST($2 AS INTEGER)) = $3";

/// [`Db::read_documents`] on one connection.
pub(super) async fn read_documents(
    conn: Conn<'_>,
    dataset: &str,
    ids: &[String],
) -> Result<HashMap<String, Document>, StoreError> {
    read_documents_with(conn, SQLITE_READ, dataset, ids).await
}

/// [`read_documents`], with `sqlite_read` the statement SQLite runs (which
/// may begin with other statements of no parameters).
pub(super) async fn read_documents_with(
    conn: Conn<'_>,
    sqlite_read: &str,
    dataset: &str,
    ids: &[String],
) -> Result<HashMap<String, Document>, StoreError> {
    let ids = serde_json::Value::from(ids.to_vec()).to_string();
    let bodies: Vec<String> = match conn {
        Conn::Sqlite(conn) => {
            sqlx::query_scalar(sqlite_read)
                .bind(dataset)
                .bind(&ids)
                .fetch_all(conn)
                .await?
        }
        Conn::Postgres(conn) => {
            sqlx::query_scalar(POSTGRES_READ)
                .bind(dataset)
                .bind(&ids)
                .fetch_all(conn)
                .await?
        }
    };
    bodies
        .iter()
        .map(|body| serde_json::from_str(body))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("a stored body: {e}")))
        .and_then(stored_documents)
}

/// Stored bodies by id.
pub(super) fn stored_documents(
    bodies: Vec<serde_json::Value>,
) -> Result<HashMap<String, Document>, StoreError> {
    bodies
        .into_iter()
        .map(|body| {
            let doc = Document::from_stored(body)
                .ok_or_else(|| StoreError::Corrupt("a stored body without an _id".to_owned()))?;
            Ok((doc.id().to_owned(), doc))
        })
        .collect()
}

/// [`Db::ids_with_prefix`] on one connection.
pub(super) async fn ids_with_prefix(
    conn: Conn<'_>,
    dataset: &str,
    prefix: &str,
) -> Result<Vec<String>, StoreError> {
    ids_with_prefix_with(conn, IDS_WITH_PREFIX, dataset, prefix).await
}

/// [`ids_with_prefix`], with `sqlite_select` as in [`read_documents_with`].
pub(super) async fn ids_with_prefix_with(
    conn: Conn<'_>,
    sqlite_select: &str,
    dataset: &str,
    prefix: &str,
) -> Result<Vec<String>, StoreError> {
    let length = prefix.chars().count().to_string();
    Ok(match conn {
        Conn::Sqlite(c) => {
            sqlx::query_scalar(sqlite_select)
                .bind(dataset)
                .bind(&length)
                .bind(prefix)
                .fetch_all(c)
                .await?
        }
        Conn::Postgres(c) => {
            sqlx::query_scalar(IDS_WITH_PREFIX)
                .bind(dataset)
                .bind(&length)
                .bind(prefix)
                .fetch_all(c)
                .await?
        }
    })
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
            let matched: Vec<String> = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT id FROM documents WHERE dataset = $1 AND id LIKE $2 ESCAPE '\\'",
                )
                .bind(dataset)
                .bind(versions_pattern(published))
                .fetch_all(pool)
                .await?
            });
            ids.extend(all_versions(published, matched));
        }
        Ok(ids)
    }
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
