//! The connection a dataset's writer keeps between its writes.
//!
//! On PostgreSQL a write is two round trips (read, commit); a connection
//! from sqlx's pool adds a third before them (the pool checks a connection
//! it hands out) and a fourth after (and one it takes back). A writer that
//! keeps its own connection pays neither. It lets it go when the dataset
//! has been quiet for a while ([`WriteConnection::release`]), so that idle
//! datasets hold no server connections, and after a store error, so that a
//! broken connection (the server restarted) is replaced by a new one.
//!
//! SQLite's writes already share one connection that stays in this process
//! ([`Db::Sqlite`]'s `writer` pool, which checks nothing); there this is the
//! pool itself.

use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use qanat_core::listen::PreparedCommit;
use serde_json::Value as Json;

use super::commit_group::commit_group;
use super::read_set::ReadSet;
use super::write::{begin_on, DatasetWrite, Locking};
use super::{Db, StoreError};

pub struct WriteConnection {
    db: Db,
    /// PostgreSQL only: connected on the first write after a release.
    own: Option<PgConnection>,
}

impl WriteConnection {
    pub fn new(db: &Db) -> WriteConnection {
        WriteConnection {
            db: db.clone(),
            own: None,
        }
    }

    /// Begins a write of `dataset` on this connection.
    pub async fn begin(
        &mut self,
        dataset: &str,
        locking: Locking,
    ) -> Result<DatasetWrite<'_>, StoreError> {
        let Db::Postgres(pool) = &self.db else {
            return self.db.begin_write(dataset, locking).await;
        };
        begin_on(kept(&mut self.own, pool).await?, dataset, locking).await
    }

    /// Commits `members` as one group ([`commit_group`]); `None` on SQLite,
    /// whose writes take the lock before their reads and so are never
    /// decided ahead of the ones before them.
    pub async fn commit_group<'a>(
        &mut self,
        dataset: &str,
        members: impl IntoIterator<Item = (&'a PreparedCommit, &'a [Json])>,
        reads: &ReadSet,
    ) -> Option<Result<i64, StoreError>> {
        let Db::Postgres(pool) = &self.db else {
            return None;
        };
        Some(match kept(&mut self.own, pool).await {
            Ok(conn) => commit_group(conn, dataset, members, reads).await,
            Err(e) => Err(e),
        })
    }

    /// Closes the connection, if one is open; the next write opens another.
    pub async fn release(&mut self) {
        if let Some(conn) = self.own.take() {
            // A broken connection fails to say goodbye; it is gone either way.
            let _ = conn.close().await;
        }
    }
}

/// The connection kept in `own`, opened if there is none.
async fn kept<'a>(
    own: &'a mut Option<PgConnection>,
    pool: &PgPool,
) -> Result<&'a mut PgConnection, StoreError> {
    Ok(match own {
        Some(conn) => conn,
        None => own.insert(pool.connect_options().connect().await?),
    })
}
