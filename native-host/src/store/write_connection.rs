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

use sqlx::{ConnectOptions, Connection, PgConnection};

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
        let pool = match &self.db {
            Db::Sqlite { .. } => return self.db.begin_write(dataset, locking).await,
            Db::Postgres(pool) => pool,
        };
        let conn = match &mut self.own {
            Some(conn) => conn,
            own @ None => own.insert(pool.connect_options().connect().await?),
        };
        begin_on(conn, dataset, locking).await
    }

    /// Closes the connection, if one is open; the next write opens another.
    pub async fn release(&mut self) {
        if let Some(conn) = self.own.take() {
            // A broken connection fails to say goodbye; it is gone either way.
            let _ = conn.close().await;
        }
    }
}
