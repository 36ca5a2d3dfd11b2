//! The store a server runs on: the embedded SQLite file, or PostgreSQL.
//! Both hold the same tables (d1-migrations/ and its Postgres twin), and
//! every store operation matches on this enum, so a handler never knows which.

use std::path::Path;

use sqlx::{PgPool, SqlitePool};

use super::postgres;
use super::sqlite::{self, StoreError};

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite {
        /// Every read.
        pool: SqlitePool,
        /// Dataset writes ([`Db::begin_write`]), on one connection: SQLite
        /// lets one transaction write at a time anyway, so writers queue
        /// here instead of retrying on a busy file, and the connection's
        /// page cache stays warm with what the previous write touched (a
        /// pool hands out its connections in turn, and each finds its cache
        /// outdated by the others' writes).
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

impl Db {
    /// `database_url` of `postgres://…` selects PostgreSQL; otherwise the
    /// SQLite file under `data_dir`.
    pub async fn open(data_dir: &Path, database_url: Option<&str>) -> Result<Db, StoreError> {
        match database_url {
            Some(url) => Ok(Db::Postgres(postgres::open(url).await?)),
            None => {
                let (pool, writer) = sqlite::open(data_dir).await?;
                Ok(Db::Sqlite { pool, writer })
            }
        }
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { pool, writer } => {
                writer.close().await;
                pool.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// "SQLite" or "PostgreSQL", for people reading status pages and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Db::Sqlite { .. } => "SQLite",
            Db::Postgres(_) => "PostgreSQL",
        }
    }

    /// The newest migration applied, which names the schema the store is on.
    pub async fn schema_version(&self) -> Result<Option<String>, sqlx::Error> {
        const NEWEST: &str = "SELECT name FROM d1_migrations ORDER BY id DESC LIMIT 1";
        match self {
            Db::Sqlite { pool, .. } => sqlx::query_scalar(NEWEST).fetch_optional(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(NEWEST).fetch_optional(pool).await,
        }
    }
}
