//! One dataset's documents as GROQ reads them, whichever store holds them.

use std::sync::Arc;

use qanat_core::groq::plan::Predicate;
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;

use super::{documents::SqliteDocuments, pg_documents::PgDocuments, Db};

pub enum DatasetDocuments<'a> {
    Sqlite(SqliteDocuments<'a>),
    Postgres(PgDocuments<'a>),
}

impl Db {
    /// Core's GROQ [`Store`] over `dataset`.
    pub fn documents<'a>(&'a self, dataset: &'a str) -> DatasetDocuments<'a> {
        match self {
            Db::Sqlite { pool, .. } => DatasetDocuments::Sqlite(SqliteDocuments { pool, dataset }),
            Db::Postgres(pool) => DatasetDocuments::Postgres(PgDocuments { pool, dataset }),
        }
    }
}

impl Store for DatasetDocuments<'_> {
    type Error = sqlx::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, sqlx::Error> {
        match self {
            DatasetDocuments::Sqlite(store) => store.scan(filter).await,
            DatasetDocuments::Postgres(store) => store.scan(filter).await,
        }
    }

    async fn scan_ordered(
        &self,
        scan: &OrderedScan<'_>,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        match self {
            DatasetDocuments::Sqlite(store) => store.scan_ordered(scan).await,
            DatasetDocuments::Postgres(store) => store.scan_ordered(scan).await,
        }
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, sqlx::Error> {
        match self {
            DatasetDocuments::Sqlite(store) => store.get(ids).await,
            DatasetDocuments::Postgres(store) => store.get(ids).await,
        }
    }
}
