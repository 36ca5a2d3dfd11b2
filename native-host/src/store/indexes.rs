//! Indexes on the JSON fields queries filter on often.
//!
//! A filter pushed down to SQL compares a string field with the expression
//! core's planner writes (`json_extract(body, '$.category')`,
//! `(body->>'category')`); an index built on that same expression answers
//! it without reading every document of the dataset. Which fields deserve
//! one is learnt from the queries: a field compared [`THRESHOLD`] times gets
//! an index, up to [`MAX_INDEXES`] of them. The database's own catalog is
//! the record, so every node and every restart sees the indexes made.

use std::collections::HashMap;
use std::sync::Mutex;

use qanat_core::groq::plan::{
    index_expression_postgres, index_expression_sqlite, indexable_paths, FieldPath, Predicate,
};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;

use super::{identity::on_pool, Db};

/// Uses of a field, in this process, before it gets an index.
pub const THRESHOLD: u32 = 20;
/// Path indexes a database may hold: each one costs every write.
pub const MAX_INDEXES: i64 = 32;
/// Every index made here is named with this prefix.
const PREFIX: &str = "documents_path_";

/// How often each field has been filtered on, and which got an index.
#[derive(Default)]
pub struct PathIndexes {
    uses: Mutex<HashMap<FieldPath, u32>>,
}

impl PathIndexes {
    /// Counts the fields `filter` compares; a field reaching the threshold
    /// gets its index built in the background, so the query that tipped it
    /// is not kept waiting.
    pub fn observe(&self, db: &Db, filter: &Predicate) {
        let due: Vec<FieldPath> = {
            let Ok(mut uses) = self.uses.lock() else {
                return;
            };
            indexable_paths(filter)
                .into_iter()
                .filter(|path| {
                    let n = uses.entry(path.clone()).or_insert(0);
                    *n = n.saturating_add(1);
                    *n == THRESHOLD
                })
                .collect()
        };
        for path in due {
            let db = db.clone();
            tokio::spawn(async move {
                match create(&db, &path).await {
                    Ok(true) => tracing::info!("indexed documents by {path}"),
                    Ok(false) => {}
                    Err(e) => tracing::warn!("could not index documents by {path}: {e}"),
                }
            });
        }
    }

    /// `store`, reporting the filters it is asked for to `self`.
    pub fn watching<'a, S>(&'a self, db: &'a Db, store: S) -> Watched<'a, S> {
        Watched {
            store,
            db,
            indexes: self,
        }
    }
}

/// The index name for `path`: segments are identifiers, so the name is one.
pub fn index_name(path: &FieldPath) -> String {
    format!("{PREFIX}{}", path.segments().join("__"))
}

/// Builds the index on `path` unless the cap is reached; `true` when made.
pub async fn create(db: &Db, path: &FieldPath) -> Result<bool, sqlx::Error> {
    let name = index_name(path);
    let (catalog, create) = match db {
        Db::Sqlite { .. } => (
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE $1",
            format!(
                "CREATE INDEX IF NOT EXISTS {name} ON documents (dataset, {})",
                index_expression_sqlite(path)
            ),
        ),
        // CONCURRENTLY: writers keep committing while it builds.
        Db::Postgres(_) => (
            "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'documents' AND indexname LIKE $1",
            format!(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON documents (dataset, {})",
                index_expression_postgres(path)
            ),
        ),
    };
    on_pool!(db, pool => {
        let count: i64 = sqlx::query_scalar(catalog)
            .bind(format!("{PREFIX}%"))
            .fetch_one(pool)
            .await?;
        if count >= MAX_INDEXES {
            return Ok(false);
        }
        sqlx::raw_sql(&create).execute(pool).await?;
    });
    analyze(db).await?;
    Ok(true)
}

/// Without fresh statistics SQLite prefers an index it already knows
/// (`documents_by_type`) to the new, far more selective one.
///
/// SQLite keeps only the per-index row counts (`sqlite_stat1`), not the
/// value samples (`sqlite_stat4`): with samples, every cached statement
/// that binds a value compared with an indexed column is compiled again
/// each time the value changes, which costs a dataset write more than its
/// statements do. The counts alone pick the selective index.
async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    match db {
        Db::Sqlite { pool, .. } => {
            // One transaction: other connections reload the statistics
            // when it commits, and never see the samples.
            let mut tx = pool.begin().await?;
            sqlx::query("ANALYZE documents").execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sqlite_stat4")
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }
        Db::Postgres(pool) => {
            sqlx::raw_sql("ANALYZE documents").execute(pool).await?;
            Ok(())
        }
    }
}

/// A GROQ store whose pushed-down filters are counted by [`PathIndexes`].
pub struct Watched<'a, S> {
    store: S,
    db: &'a Db,
    indexes: &'a PathIndexes,
}

impl<S: Store> Store for Watched<'_, S> {
    type Error = S::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, S::Error> {
        if let Some(filter) = filter {
            self.indexes.observe(self.db, filter);
        }
        self.store.scan(filter).await
    }

    async fn scan_ordered(&self, scan: &OrderedScan<'_>) -> Result<Option<Vec<Value>>, S::Error> {
        self.indexes.observe(self.db, scan.filter);
        self.store.scan_ordered(scan).await
    }

    async fn get(&self, ids: &[std::sync::Arc<str>]) -> Result<Vec<Value>, S::Error> {
        self.store.get(ids).await
    }
}
