//! Committing a transaction: every document it changed, its log entry and
//! its effects, in one database transaction or not at all.
//!
//! Core decided what the transaction does; the store only checks that no one
//! wrote those documents since they were read (each stored `_rev` must still
//! be the one core saw) and writes the rows.

use qanat_core::listen::PreparedCommit;
use serde_json::{json, Map, Value as Json};
use sqlx::{PgConnection, SqliteConnection};

use super::{sqlite::StoreError, Db};

/// One `documents` row to write, or `None` fields for a delete.
struct Row<'a> {
    id: &'a str,
    previous_rev: Option<&'a str>,
    result_rev: Option<&'a str>,
    /// `(type, created_at, updated_at, body)` of the document after, if it lives on.
    after: Option<(String, String, String, String)>,
}

/// What goes into the `transactions` row.
struct Entry<'a> {
    id: &'a str,
    timestamp: &'a str,
    author: Option<&'a str>,
    mutations: String,
    effects: String,
}

impl Db {
    /// Stores `commit` in `dataset` and returns its `seq` in the dataset's
    /// transaction log. Fails with [`StoreError::Conflict`], and writes
    /// nothing, when a changed document's stored `_rev` is no longer the one
    /// core read (or it was created or deleted meanwhile).
    pub async fn commit(
        &self,
        dataset: &str,
        commit: &PreparedCommit,
        mutations: &[Json],
    ) -> Result<i64, StoreError> {
        let rows = commit
            .changes
            .iter()
            .map(|change| Row {
                id: &change.id,
                previous_rev: change.before.as_ref().and_then(|s| s.rev.as_deref()),
                result_rev: change.after.as_ref().and_then(|s| s.rev.as_deref()),
                after: change
                    .after
                    .as_ref()
                    .map(|s| columns(&s.json, &commit.timestamp)),
            })
            .collect::<Vec<_>>();
        let effects: Map<String, Json> = commit
            .changes
            .iter()
            .map(|change| {
                let effects = change.effects();
                (
                    change.id.clone(),
                    json!({"apply": effects.apply, "revert": effects.revert}),
                )
            })
            .collect();
        let entry = Entry {
            id: &commit.transaction_id,
            timestamp: &commit.timestamp,
            author: Some(commit.identity.as_str()).filter(|i| !i.is_empty()),
            mutations: Json::from(mutations.to_vec()).to_string(),
            effects: Json::Object(effects).to_string(),
        };
        match self {
            Db::Sqlite(pool) => {
                // IMMEDIATE takes the write lock before the revision checks,
                // so no other commit can slip in between check and write.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let seq = commit_sqlite(&mut tx, dataset, &rows, &entry).await?;
                tx.commit().await?;
                Ok(seq)
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let seq = commit_postgres(&mut tx, dataset, &rows, &entry).await?;
                tx.commit().await?;
                Ok(seq)
            }
        }
    }
}

fn columns(body: &Json, timestamp: &str) -> (String, String, String, String) {
    let text = |key: &str| {
        body.get(key)
            .and_then(Json::as_str)
            .unwrap_or(timestamp)
            .to_owned()
    };
    (
        body.get("_type")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned(),
        text("_createdAt"),
        text("_updatedAt"),
        body.to_string(),
    )
}

fn check(row: &Row<'_>, stored: Option<String>) -> Result<(), StoreError> {
    if stored.as_deref() == row.previous_rev {
        Ok(())
    } else {
        Err(StoreError::Conflict {
            id: row.id.to_owned(),
        })
    }
}

/// The statements of a commit after the backend's own lock, written once:
/// `$conn` is a SQLite or PostgreSQL connection, `$json` how a parameter
/// becomes a JSON column (`$n` on SQLite, whose columns are TEXT; a jsonb
/// cast on PostgreSQL). Evaluates to the transaction's `seq`.
macro_rules! write_commit {
    ($conn:expr, $dataset:expr, $rows:expr, $entry:expr, $json:expr) => {{
        let conn = $conn;
        let json: fn(u8) -> String = $json;
        let upsert = format!(
            "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6, {}) \
             ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, \
             rev = excluded.rev, created_at = excluded.created_at, \
             updated_at = excluded.updated_at, body = excluded.body",
            json(7)
        );
        let log = format!(
            "INSERT INTO transactions (dataset, seq, id, timestamp, author, mutations, effects) \
             VALUES ($1, $2, $3, $4, $5, {}, {})",
            json(6),
            json(7)
        );
        for row in $rows {
            let stored: Option<String> =
                sqlx::query_scalar("SELECT rev FROM documents WHERE dataset = $1 AND id = $2")
                    .bind($dataset)
                    .bind(row.id)
                    .fetch_optional(&mut *conn)
                    .await?;
            check(row, stored)?;
            match (&row.after, row.result_rev) {
                (Some((doc_type, created_at, updated_at, body)), Some(rev)) => {
                    sqlx::query(&upsert)
                        .bind($dataset)
                        .bind(row.id)
                        .bind(doc_type)
                        .bind(rev)
                        .bind(created_at)
                        .bind(updated_at)
                        .bind(body)
                        .execute(&mut *conn)
                        .await?;
                }
                _ => {
                    sqlx::query("DELETE FROM documents WHERE dataset = $1 AND id = $2")
                        .bind($dataset)
                        .bind(row.id)
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
        let seq: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) FROM transactions WHERE dataset = $1",
        )
        .bind($dataset)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(&log)
            .bind($dataset)
            .bind(seq)
            .bind($entry.id)
            .bind($entry.timestamp)
            .bind($entry.author)
            .bind(&$entry.mutations)
            .bind(&$entry.effects)
            .execute(&mut *conn)
            .await?;
        for row in $rows {
            sqlx::query(
                "INSERT INTO transaction_documents (dataset, seq, doc_id, previous_rev, result_rev) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind($dataset)
            .bind(seq)
            .bind(row.id)
            .bind(row.previous_rev)
            .bind(row.result_rev)
            .execute(&mut *conn)
            .await?;
        }
        seq
    }};
}

async fn commit_sqlite(
    conn: &mut SqliteConnection,
    dataset: &str,
    rows: &[Row<'_>],
    entry: &Entry<'_>,
) -> Result<i64, StoreError> {
    Ok(write_commit!(conn, dataset, rows, entry, |n| format!(
        "${n}"
    )))
}

async fn commit_postgres(
    conn: &mut PgConnection,
    dataset: &str,
    rows: &[Row<'_>],
    entry: &Entry<'_>,
) -> Result<i64, StoreError> {
    // One commit per dataset at a time, across every process on this
    // database: the revision checks and the next `seq` are then exact.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(dataset)
        .execute(&mut *conn)
        .await?;
    let seq = write_commit!(&mut *conn, dataset, rows, entry, |n| format!(
        "CAST(${n} AS jsonb)"
    ));
    // Sent by PostgreSQL only if this transaction commits, and in commit
    // order: every node on this database then reads the log up to `seq`.
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(super::postgres::COMMITS_CHANNEL)
        .bind(format!("{dataset}:{seq}"))
        .execute(&mut *conn)
        .await?;
    Ok(seq)
}
