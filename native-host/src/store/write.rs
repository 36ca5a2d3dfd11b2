//! Writing a dataset: its write lock, the reads core decides on, and the
//! commit, all on one connection.
//!
//! The lock is taken before anything is read and held until the commit, so
//! what core decides from those reads is exactly what the commit replaces:
//! no other writer (another dataset's writer in this process, another node
//! on the same PostgreSQL, `qanat import`) can change a document between
//! the read and the write. SQLite has one write lock per file (`BEGIN
//! IMMEDIATE`); PostgreSQL takes a transaction-scoped advisory lock per
//! dataset, which also makes the next `seq` exact.
//!
//! On SQLite every call crosses to the connection's thread, which costs more
//! than most statements, so `BEGIN IMMEDIATE` travels with the first read
//! and `COMMIT` with the commit's statements: a write is two calls.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use qanat_core::commit_sql::{CommitRows, SQLITE_COMMIT};
use qanat_core::document::Document;
use qanat_core::listen::PreparedCommit;
use serde_json::Value as Json;
use sqlx::pool::PoolConnection;
use sqlx::{Postgres, Sqlite, Transaction};

use super::conn::Conn;
use super::read::{ids_with_prefix_with, read_documents_with, IDS_WITH_PREFIX, SQLITE_READ};
use super::{postgres::COMMITS_CHANNEL, sqlite::StoreError, Db};

/// The dataset's write lock, held until [`DatasetWrite::commit`] or
/// [`DatasetWrite::rollback`].
pub struct DatasetWrite {
    dataset: String,
    locked: Option<Locked>,
}

enum Locked {
    /// A transaction begun by hand with the first statement (`begun`), so
    /// that BEGIN and COMMIT need no calls of their own.
    Sqlite {
        conn: PoolConnection<Sqlite>,
        begun: bool,
    },
    Postgres(Transaction<'static, Postgres>),
}

const SQLITE_BEGIN: &str = "BEGIN IMMEDIATE;\n";

/// The commit's statements then `COMMIT`, run as one batch.
static SQLITE_BATCH: LazyLock<String> =
    LazyLock::new(|| format!("{};\nCOMMIT", SQLITE_COMMIT.join(";\n")));

/// PostgreSQL writes the same rows in one statement, and announces the
/// commit to every node on the database: `pg_notify` is delivered only if
/// the transaction commits, and in commit order.
const POSTGRES_COMMIT: &str = r#"
WITH written AS (
    INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body)
    SELECT $1, d.id, d.type, d.rev, d."createdAt", d."updatedAt", CAST(d.body AS jsonb)
    FROM jsonb_to_recordset(CAST($2 AS jsonb))
        AS d(id text, type text, rev text, "createdAt" text, "updatedAt" text, body text)
    ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, rev = excluded.rev,
        created_at = excluded.created_at, updated_at = excluded.updated_at, body = excluded.body
), removed AS (
    DELETE FROM documents
    WHERE dataset = $1 AND id IN (SELECT jsonb_array_elements_text(CAST($3 AS jsonb)))
), logged AS (
    INSERT INTO transactions (dataset, seq, id, timestamp, author, mutations, effects)
    SELECT $1, COALESCE(MAX(seq), 0) + 1, $5, $6, $7, CAST($8 AS jsonb), CAST($9 AS jsonb)
    FROM transactions WHERE dataset = $1
    RETURNING seq
), touched AS (
    INSERT INTO transaction_documents (dataset, seq, doc_id, previous_rev, result_rev)
    SELECT $1, logged.seq, t.id, t."previousRev", t."resultRev"
    FROM logged, jsonb_to_recordset(CAST($4 AS jsonb))
        AS t(id text, "previousRev" text, "resultRev" text)
)
SELECT seq, CAST(pg_notify($10, $1 || ':' || seq) AS text) FROM logged
"#;

impl Db {
    /// Takes `dataset`'s write lock (on SQLite, with the first statement).
    pub async fn begin_write(&self, dataset: &str) -> Result<DatasetWrite, StoreError> {
        let locked = match self {
            Db::Sqlite { writer, .. } => Locked::Sqlite {
                conn: writer.acquire().await?,
                begun: false,
            },
            // One round trip: BEGIN and the lock travel as one simple query.
            Db::Postgres(pool) => Locked::Postgres(
                pool.begin_with(format!(
                    "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended({}, 0))",
                    sql_literal(dataset)
                ))
                .await?,
            ),
        };
        Ok(DatasetWrite {
            dataset: dataset.to_owned(),
            locked: Some(locked),
        })
    }
}

impl DatasetWrite {
    /// The connection, and the SQLite statement `sql` as it must run now:
    /// led by BEGIN if the transaction has not begun.
    fn next<'s>(&mut self, sql: &'s str) -> Result<(Conn<'_>, Cow<'s, str>), StoreError> {
        match &mut self.locked {
            Some(Locked::Sqlite { conn, begun }) => {
                let sql = if *begun {
                    Cow::Borrowed(sql)
                } else {
                    Cow::Owned(format!("{SQLITE_BEGIN}{sql}"))
                };
                *begun = true;
                Ok((Conn::Sqlite(conn), sql))
            }
            Some(Locked::Postgres(tx)) => Ok((Conn::Postgres(tx), Cow::Borrowed(sql))),
            None => Err(StoreError::Corrupt("a finished dataset write".to_owned())),
        }
    }

    /// The stored documents among `ids`, as of this lock.
    pub async fn read_documents(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, StoreError> {
        let dataset = self.dataset.clone();
        let (conn, sql) = self.next(SQLITE_READ)?;
        read_documents_with(conn, &sql, &dataset, ids).await
    }

    /// Every stored id that starts with `prefix`, as of this lock.
    pub async fn ids_with_prefix(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let dataset = self.dataset.clone();
        let (conn, sql) = self.next(IDS_WITH_PREFIX)?;
        ids_with_prefix_with(conn, &sql, &dataset, prefix).await
    }

    /// Writes `commit` (documents, log entry with its mutations and effects)
    /// and releases the lock; returns the transaction's `seq`. On an error
    /// nothing is written.
    pub async fn commit(
        mut self,
        commit: &PreparedCommit,
        mutations: &[Json],
    ) -> Result<i64, StoreError> {
        let rows = CommitRows::new(commit, mutations);
        let dataset = self.dataset.clone();
        let params = rows.params(&dataset);
        let (conn, sql) = self.next(&SQLITE_BATCH)?;
        let seqs: Result<Vec<i64>, sqlx::Error> = match conn {
            Conn::Sqlite(conn) => {
                let mut query = sqlx::query_scalar(&sql);
                for param in params {
                    query = query.bind(param);
                }
                query.fetch_all(conn).await
            }
            Conn::Postgres(conn) => {
                let mut query = sqlx::query_scalar(POSTGRES_COMMIT);
                for param in params {
                    query = query.bind(param);
                }
                query.bind(COMMITS_CHANNEL).fetch_all(conn).await
            }
        };
        match (seqs, self.locked.take()) {
            (Ok(seqs), Some(Locked::Postgres(tx))) => {
                tx.commit().await?;
                one_seq(seqs)
            }
            (Ok(seqs), _) => one_seq(seqs),
            (Err(e), locked) => {
                rollback(locked).await;
                Err(e.into())
            }
        }
    }

    /// Releases the lock, writing nothing.
    pub async fn rollback(mut self) {
        rollback(self.locked.take()).await;
    }
}

impl Drop for DatasetWrite {
    /// A write abandoned mid-way (its task cancelled): a SQLite connection
    /// still inside the transaction must not go back to the pool; closing it
    /// rolls the transaction back. sqlx rolls PostgreSQL's back itself.
    fn drop(&mut self) {
        if let Some(Locked::Sqlite { conn, begun: true }) = &mut self.locked {
            conn.close_on_drop();
        }
    }
}

async fn rollback(locked: Option<Locked>) {
    match locked {
        Some(Locked::Sqlite {
            mut conn,
            begun: true,
        }) => {
            // A failed statement may have ended the transaction already
            // (SQLite rolls back by itself on some errors); a connection
            // whose ROLLBACK fails is not reused.
            if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                conn.close_on_drop();
            }
        }
        Some(Locked::Postgres(tx)) => {
            // Dropped unfinished, it would roll back all the same.
            let _ = tx.rollback().await;
        }
        Some(Locked::Sqlite { begun: false, .. }) | None => {}
    }
}

fn one_seq(seqs: Vec<i64>) -> Result<i64, StoreError> {
    match seqs.as_slice() {
        [seq] => Ok(*seq),
        _ => Err(StoreError::Corrupt(format!(
            "a commit logged {} transactions",
            seqs.len()
        ))),
    }
}

/// `text` as a PostgreSQL string literal (standard strings: only `'` needs
/// doubling).
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
