//! One connection of either store, for statements that must share it (a
//! dataset's write lock and everything done under it) or that take any
//! connection from the pool.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection};

use super::Db;

/// A borrowed connection to the SQLite file or to PostgreSQL.
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A connection taken from a [`Db`]'s pool, returned to it on drop.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(conn) => Conn::Sqlite(conn),
            Pooled::Postgres(conn) => Conn::Postgres(conn),
        }
    }
}

impl Db {
    pub async fn acquire(&self) -> Result<Pooled, sqlx::Error> {
        Ok(match self {
            Db::Sqlite { pool, .. } => Pooled::Sqlite(pool.acquire().await?),
            Db::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
        })
    }
}
