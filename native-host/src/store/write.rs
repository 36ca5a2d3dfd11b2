//! Writing a dataset: its write lock, the reads core decides on, and the
//! commit, all on one connection.
//!
//! What core decides from the reads is exactly what the commit replaces: no
//! other writer (another dataset's writer in this process, another node on
//! the same PostgreSQL, `qanat import`) changes a document between the read
//! and the write. Either the lock is taken before anything is read and held
//! until the commit ([`Locking::BeforeReads`]), or, on PostgreSQL, the reads
//! run without it and the commit, under the lock, first checks that they
//! still hold ([`Locking::AtCommit`]; [`StoreError::Stale`] if not).
//!
//! SQLite has one write lock per file (`BEGIN IMMEDIATE`), always taken
//! before the reads: every call crosses to the connection's thread, so
//! `BEGIN IMMEDIATE` travels with the first read and `COMMIT` with the
//! commit's statements, and a write is two calls. PostgreSQL takes a
//! transaction-scoped advisory lock per dataset, which also makes the next
//! `seq` exact; there each statement is a round trip, and a write that
//! locks at commit is two (read, commit) instead of four. A dataset's
//! writer keeps its own PostgreSQL connection between writes
//! ([`WriteConnection`](super::WriteConnection)): a pool checks a connection with a round trip each
//! time it hands one out and again when it takes it back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use qanat_core::commit_sql::{CommitRows, SQLITE_COMMIT};
use qanat_core::document::Document;
use qanat_core::listen::PreparedCommit;
use serde_json::Value as Json;
use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgConnection, Postgres, Sqlite, Transaction};

use super::conn::Conn;
use super::read::{
    ids_with_prefix_with, read_documents_with, stored_documents, IDS_WITH_PREFIX, SQLITE_READ,
};
use super::read_set::ReadSet;
use super::{postgres::COMMITS_CHANNEL, sqlite::StoreError, Db};

/// When a write takes its dataset's lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Locking {
    /// Before the first read: the commit cannot find its reads stale.
    BeforeReads,
    /// On PostgreSQL, only for the commit, which fails with
    /// [`StoreError::Stale`] if another writer changed what was read. SQLite
    /// locks before the reads all the same (its lock costs no extra call).
    AtCommit,
}

/// One write of a dataset, from its reads to [`DatasetWrite::commit`] or
/// [`DatasetWrite::rollback`], on a connection from the pool (`'static`) or
/// on one a [`WriteConnection`](super::WriteConnection) lends it.
pub struct DatasetWrite<'c> {
    dataset: String,
    session: Option<Session<'c>>,
    /// What was read, for a commit that checks it: kept only by a write that
    /// has not taken the lock before its reads (PostgreSQL, `AtCommit`).
    reads: Option<ReadSet>,
}

enum Session<'c> {
    /// A transaction begun by hand with the first statement (`begun`), so
    /// that BEGIN and COMMIT need no calls of their own.
    Sqlite {
        conn: PoolConnection<Sqlite>,
        begun: bool,
    },
    /// A transaction holding the dataset's lock.
    Postgres(Transaction<'c, Postgres>),
    /// No transaction, no lock: each statement commits on its own, and the
    /// commit's function takes the lock and checks the reads.
    PostgresUnlocked(PgConn<'c>),
}

/// A PostgreSQL connection taken from the pool or lent by a writer.
pub(super) enum PgConn<'c> {
    Pooled(PoolConnection<Postgres>),
    Lent(&'c mut PgConnection),
}

impl PgConn<'_> {
    fn get(&mut self) -> &mut PgConnection {
        match self {
            PgConn::Pooled(conn) => conn,
            PgConn::Lent(conn) => conn,
        }
    }
}

const SQLITE_BEGIN: &str = "BEGIN IMMEDIATE;\n";

/// The commit's statements then `COMMIT`, run as one batch.
static SQLITE_BATCH: LazyLock<String> =
    LazyLock::new(|| format!("{};\nCOMMIT", SQLITE_COMMIT.join(";\n")));

/// PostgreSQL writes the same rows, after checking the reads, in one call
/// of `qanat_commit` (`pg-migrations/0006_commit_function.sql`), which also
/// announces the commit to every node on the database; through
/// `qanat_commit_or_current` (0007), which answers stale reads (a NULL
/// `seq`) with the documents as they are now.
const POSTGRES_COMMIT: &str =
    "SELECT seq, current FROM qanat_commit_or_current($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

impl Db {
    /// Begins a write of `dataset`, taking its lock as `locking` says (on
    /// SQLite, with the first statement).
    pub async fn begin_write(
        &self,
        dataset: &str,
        locking: Locking,
    ) -> Result<DatasetWrite<'static>, StoreError> {
        let session = match (self, locking) {
            (Db::Sqlite { writer, .. }, _) => Session::Sqlite {
                conn: writer.acquire().await?,
                begun: false,
            },
            (Db::Postgres(pool), Locking::BeforeReads) => {
                Session::Postgres(pool.begin_with(begin_locked(dataset)).await?)
            }
            (Db::Postgres(pool), Locking::AtCommit) => {
                Session::PostgresUnlocked(PgConn::Pooled(pool.acquire().await?))
            }
        };
        Ok(DatasetWrite::new(dataset, session))
    }
}

/// BEGIN and the dataset's lock, as one simple query: one round trip.
fn begin_locked(dataset: &str) -> String {
    format!(
        "BEGIN; SELECT pg_advisory_xact_lock(hashtextextended({}, 0))",
        sql_literal(dataset)
    )
}

/// Begins a write of `dataset` on `conn`, a connection a writer keeps.
pub(super) async fn begin_on<'c>(
    conn: &'c mut PgConnection,
    dataset: &str,
    locking: Locking,
) -> Result<DatasetWrite<'c>, StoreError> {
    let session = match locking {
        Locking::BeforeReads => Session::Postgres(conn.begin_with(begin_locked(dataset)).await?),
        Locking::AtCommit => Session::PostgresUnlocked(PgConn::Lent(conn)),
    };
    Ok(DatasetWrite::new(dataset, session))
}

impl<'c> DatasetWrite<'c> {
    fn new(dataset: &str, session: Session<'c>) -> DatasetWrite<'c> {
        let reads = matches!(session, Session::PostgresUnlocked(_)).then(ReadSet::default);
        DatasetWrite {
            dataset: dataset.to_owned(),
            session: Some(session),
            reads,
        }
    }

    /// The connection, and the SQLite statement `sql` as it must run now:
    /// led by BEGIN if the transaction has not begun.
    fn next<'s>(&mut self, sql: &'s str) -> Result<(Conn<'_>, Cow<'s, str>), StoreError> {
        match &mut self.session {
            Some(Session::Sqlite { conn, begun }) => {
                let sql = if *begun {
                    Cow::Borrowed(sql)
                } else {
                    Cow::Owned(format!("{SQLITE_BEGIN}{sql}"))
                };
                *begun = true;
                Ok((Conn::Sqlite(conn), sql))
            }
            Some(Session::Postgres(tx)) => Ok((Conn::Postgres(tx), Cow::Borrowed(sql))),
            Some(Session::PostgresUnlocked(conn)) => {
                Ok((Conn::Postgres(conn.get()), Cow::Borrowed(sql)))
            }
            None => Err(StoreError::Corrupt("a finished dataset write".to_owned())),
        }
    }

    /// The stored documents among `ids`.
    pub async fn read_documents(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, StoreError> {
        let dataset = self.dataset.clone();
        let (conn, sql) = self.next(SQLITE_READ)?;
        let found = read_documents_with(conn, &sql, &dataset, ids).await?;
        if let Some(reads) = &mut self.reads {
            reads.documents(ids, &found);
        }
        Ok(found)
    }

    /// Whether the commit checks what this write read (PostgreSQL,
    /// [`Locking::AtCommit`]): only then may it [`assume`](Self::assume)
    /// documents instead of reading them.
    pub fn checks_reads(&self) -> bool {
        self.reads.is_some()
    }

    /// Takes `assumed` (ids of `ids` missing from it: not stored) as what
    /// reading `ids` would find, for the commit to check like a read; does
    /// nothing on a write whose commit checks nothing ([`Self::checks_reads`]).
    pub fn assume(&mut self, ids: &[String], assumed: &HashMap<String, Document>) {
        if let Some(reads) = &mut self.reads {
            reads.documents(ids, assumed);
        }
    }

    /// Every stored id that starts with `prefix`.
    pub async fn ids_with_prefix(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        let dataset = self.dataset.clone();
        let (conn, sql) = self.next(IDS_WITH_PREFIX)?;
        let ids = ids_with_prefix_with(conn, &sql, &dataset, prefix).await?;
        if let Some(reads) = &mut self.reads {
            reads.prefix(prefix, &ids);
        }
        Ok(ids)
    }

    /// Writes `commit` (documents, log entry with its mutations and effects)
    /// and releases the lock; returns the transaction's `seq`. On an error
    /// nothing is written; [`StoreError::Stale`] when the write did not lock
    /// before its reads and one of them no longer holds.
    pub async fn commit(
        mut self,
        commit: &PreparedCommit,
        mutations: &[Json],
    ) -> Result<i64, StoreError> {
        let rows = CommitRows::new(commit, mutations);
        let dataset = self.dataset.clone();
        let params = rows.params(&dataset);
        // Under the lock since the reads, there is nothing to check.
        let reads = self
            .reads
            .as_ref()
            .map_or_else(|| "{}".to_owned(), ReadSet::to_json);
        let (conn, sql) = self.next(&SQLITE_BATCH)?;
        let rows: Result<Vec<CommitRow>, sqlx::Error> = match conn {
            Conn::Sqlite(conn) => {
                let mut query = sqlx::query_scalar(&sql);
                for param in params {
                    query = query.bind(param);
                }
                let seqs: Result<Vec<Option<i64>>, _> = query.fetch_all(conn).await;
                seqs.map(|seqs| seqs.into_iter().map(|seq| (seq, None)).collect())
            }
            Conn::Postgres(conn) => {
                let mut query = sqlx::query_as(POSTGRES_COMMIT);
                for param in params {
                    query = query.bind(param);
                }
                query
                    .bind(COMMITS_CHANNEL)
                    .bind(reads)
                    .fetch_all(conn)
                    .await
            }
        };
        match (rows, self.session.take()) {
            (Ok(rows), Some(Session::Postgres(tx))) => {
                tx.commit().await?;
                one_seq(rows)
            }
            (Ok(rows), _) => one_seq(rows),
            (Err(e), session) => {
                rollback(session).await;
                Err(e.into())
            }
        }
    }

    /// Releases the lock, writing nothing.
    pub async fn rollback(mut self) {
        rollback(self.session.take()).await;
    }
}

impl Drop for DatasetWrite<'_> {
    /// A write abandoned mid-way (its task cancelled): a SQLite connection
    /// still inside the transaction must not go back to the pool; closing it
    /// rolls the transaction back. sqlx rolls PostgreSQL's back itself.
    fn drop(&mut self) {
        if let Some(Session::Sqlite { conn, begun: true }) = &mut self.session {
            conn.close_on_drop();
        }
    }
}

async fn rollback(session: Option<Session<'_>>) {
    match session {
        Some(Session::Sqlite {
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
        Some(Session::Postgres(tx)) => {
            // Dropped unfinished, it would roll back all the same.
            let _ = tx.rollback().await;
        }
        // Nothing begun, nothing held.
        Some(Session::Sqlite { begun: false, .. } | Session::PostgresUnlocked(_)) | None => {}
    }
}

/// What a commit returns: its `seq`, or none and the documents it read as
/// they are now (PostgreSQL; as a JSON array of bodies).
type CommitRow = (Option<i64>, Option<String>);

/// The commit's `seq` from the one row it returns, or the documents it
/// read as they are now if the reads were stale.
pub(super) fn one_seq(rows: Vec<CommitRow>) -> Result<i64, StoreError> {
    match rows.as_slice() {
        [(Some(seq), _)] => Ok(*seq),
        [(None, current)] => {
            let bodies = serde_json::from_str(current.as_deref().unwrap_or("[]"))
                .map_err(|e| StoreError::Corrupt(format!("the documents of a stale write: {e}")))?;
            Err(StoreError::Stale {
                current: stored_documents(bodies)?,
            })
        }
        _ => Err(StoreError::Corrupt(format!(
            "a commit logged {} transactions",
            rows.len()
        ))),
    }
}

/// `text` as a PostgreSQL string literal (standard strings: only `'` needs
/// doubling).
fn sql_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Core decides a write through these reads (`qanat_core::write::decide`).
impl qanat_core::write::WriteReads for DatasetWrite<'_> {
    type Error = StoreError;

    async fn read_documents(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, StoreError> {
        DatasetWrite::read_documents(self, ids).await
    }

    async fn ids_with_prefix(&mut self, prefix: &str) -> Result<Vec<String>, StoreError> {
        DatasetWrite::ids_with_prefix(self, prefix).await
    }
}
