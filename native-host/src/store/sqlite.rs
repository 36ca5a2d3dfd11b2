//! The embedded SQLite store: open the file, bring its schema up to date.
//!
//! The schema is `d1-migrations/`, the same files wrangler applies to D1, and
//! they are recorded the way wrangler records them (a `d1_migrations` table
//! with the file names), so a database made by either tool looks the same.

use std::{collections::HashMap, path::Path, time::Duration};

use qanat_core::document::Document;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqliteConnection, SqlitePool,
};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}
pub use embedded::MIGRATIONS;

/// The database file inside `--data-dir`.
pub const FILE_NAME: &str = "qanat.sqlite";

/// wrangler's own definition of its bookkeeping table, kept verbatim.
const CREATE_MIGRATIONS_TABLE: &str = "CREATE TABLE IF NOT EXISTS d1_migrations(
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT UNIQUE,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("could not create the data folder {path}: {source}")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not open the SQLite database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not connect to PostgreSQL at {target}: {source}")]
    Connect {
        target: String,
        #[source]
        source: sqlx::Error,
    },
    /// A write that read without the dataset's lock (or assumed what it
    /// would read) found, at its commit, that what it read is not what is
    /// stored; nothing was written. `current`: the documents it read, as
    /// they are now (an id not stored is absent).
    #[error("the documents this write read changed before it committed")]
    Stale { current: HashMap<String, Document> },
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    /// The connection failed while a commit was under way: it may or may
    /// not have been stored.
    #[error("the commit's outcome is unknown: {0}")]
    OutcomeUnknown(String),
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
}

/// Opens (creating if needed) `<data_dir>/qanat.sqlite` and applies every
/// migration it has not seen yet. Returns the readers' pool and the
/// writer's (see [`Db::Sqlite`](super::Db::Sqlite)).
pub async fn open(data_dir: &Path) -> Result<(SqlitePool, SqlitePool), StoreError> {
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
        path: data_dir.display().to_string(),
        source,
    })?;
    let path = data_dir.join(FILE_NAME);
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        // WAL lets queries read while the dataset's writer commits.
        .journal_mode(SqliteJournalMode::Wal)
        // With WAL, NORMAL is durable across application crashes and only a
        // power loss can drop the last commits; FULL would fsync every commit.
        .synchronous(SqliteSynchronous::Normal)
        // D1 always enforces foreign keys; SQLite only when asked.
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let opened = |source| StoreError::Open {
        path: path.display().to_string(),
        source,
    };
    // A file connection does not die by itself: testing each one before
    // use would only cost a call to its thread.
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options.clone())
        .await
        .map_err(opened)?;
    migrate(&pool).await?;
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(opened)?;
    Ok((pool, writer))
}

/// A private in-memory database with the schema applied, for tests.
#[cfg(test)]
pub async fn open_in_memory() -> Result<SqlitePool, StoreError> {
    // Each connection to `:memory:` is its own database, so keep exactly one.
    use std::str::FromStr;
    let options = SqliteConnectOptions::from_str("sqlite::memory:")?.foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies the embedded migrations that `d1_migrations` does not list yet, in
/// order, each in its own transaction together with its bookkeeping row (as
/// wrangler sends a migration and its `INSERT INTO d1_migrations` as one
/// batch). Returns the names it applied.
pub async fn migrate(pool: &SqlitePool) -> Result<Vec<&'static str>, StoreError> {
    let mut conn = pool.acquire().await?;
    sqlx::raw_sql(CREATE_MIGRATIONS_TABLE)
        .execute(&mut *conn)
        .await?;

    let mut applied = Vec::new();
    for &(name, sql) in MIGRATIONS {
        // IMMEDIATE takes the write lock before we look, so two processes
        // starting on one file cannot both apply the same migration.
        sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *conn).await?;
        match apply_one(&mut conn, name, sql).await {
            Ok(did_apply) => {
                sqlx::raw_sql("COMMIT").execute(&mut *conn).await?;
                if did_apply {
                    tracing::info!("applied migration {name}");
                    applied.push(name);
                }
            }
            Err(e) => {
                if sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await.is_err() {
                    // Never hand a connection stuck in a transaction back to the pool.
                    conn.close_on_drop();
                }
                return Err(e);
            }
        }
    }
    Ok(applied)
}

async fn apply_one(
    conn: &mut SqliteConnection,
    name: &'static str,
    sql: &'static str,
) -> Result<bool, StoreError> {
    let seen: Option<i64> = sqlx::query_scalar("SELECT 1 FROM d1_migrations WHERE name = ?")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    if seen.is_some() {
        return Ok(false);
    }
    let migration_error = |source| StoreError::Migration { name, source };
    sqlx::raw_sql(sql)
        .execute(&mut *conn)
        .await
        .map_err(migration_error)?;
    sqlx::query("INSERT INTO d1_migrations (name) VALUES (?)")
        .bind(name)
        .execute(&mut *conn)
        .await
        .map_err(migration_error)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn tables(pool: &SqlitePool) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(pool)
        .await
        .expect("list tables")
    }

    #[test]
    fn migrations_are_embedded_in_order() {
        assert!(!MIGRATIONS.is_empty());
        assert_eq!(MIGRATIONS[0].0, "0001_init.sql");
        let names: Vec<_> = MIGRATIONS.iter().map(|m| m.0).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[tokio::test]
    async fn creates_the_d1_schema() {
        let pool = open_in_memory().await.expect("open");
        let tables = tables(&pool).await;
        for expected in [
            "assets",
            "d1_migrations",
            "datasets",
            "documents",
            "grants",
            "roles",
            "tokens",
            "transaction_documents",
            "transactions",
            "user_roles",
            "users",
        ] {
            assert!(
                tables.iter().any(|t| t == expected),
                "{expected} missing from {tables:?}"
            );
        }
    }

    #[tokio::test]
    async fn migrating_twice_applies_nothing_new() {
        let pool = open_in_memory().await.expect("open");
        assert_eq!(
            migrate(&pool).await.expect("second run"),
            Vec::<&str>::new()
        );
        let recorded: Vec<String> =
            sqlx::query_scalar("SELECT name FROM d1_migrations ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("read d1_migrations");
        let embedded: Vec<String> = MIGRATIONS.iter().map(|m| m.0.to_owned()).collect();
        assert_eq!(recorded, embedded);
    }

    #[tokio::test]
    async fn reopening_a_file_keeps_its_data() {
        let dir = std::env::temp_dir().join(format!("qanat-sqlite-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (pool, writer) = open(&dir).await.expect("first open");
        sqlx::query(
            "INSERT INTO datasets (name, created_at) VALUES ('production', '2024-01-01T00:00:00Z')",
        )
        .execute(&writer)
        .await
        .expect("insert");
        pool.close().await;
        writer.close().await;

        let (pool, writer) = open(&dir).await.expect("second open");
        let acl: String =
            sqlx::query_scalar("SELECT acl_mode FROM datasets WHERE name = 'production'")
                .fetch_one(&pool)
                .await
                .expect("select");
        assert_eq!(acl, "public");
        pool.close().await;
        writer.close().await;
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[tokio::test]
    async fn foreign_keys_are_enforced_like_d1() {
        let pool = open_in_memory().await.expect("open");
        let orphan = sqlx::query(
            "INSERT INTO tokens (id, token_sha256, user_id, created_at) \
             VALUES ('t1', printf('%064d', 0), 'no-such-user', '2024-01-01T00:00:00Z')",
        )
        .execute(&pool)
        .await;
        assert!(orphan.is_err(), "a token for a missing user was accepted");
    }
}
