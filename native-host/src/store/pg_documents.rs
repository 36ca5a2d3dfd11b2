//! Documents read from the PostgreSQL store for GROQ: core's
//! [`Store`](qanat_core::groq::store::Store) over the `documents` table, with
//! filters pushed down as core's PostgreSQL rendering (`plan::to_postgres`).

use std::sync::Arc;

use qanat_core::groq::plan::{order_postgres, to_postgres, Predicate, SqlParam};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
use sqlx::postgres::PgArguments;
use sqlx::{query::Query, PgPool, Postgres, Row};

/// One dataset of the PostgreSQL store, as GROQ reads it.
pub struct PgDocuments<'a> {
    pub pool: &'a PgPool,
    pub dataset: &'a str,
}

impl Store for PgDocuments<'_> {
    type Error = sqlx::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, sqlx::Error> {
        // `COLLATE "C"` orders ids by code point, as the SQLite store does,
        // whatever collation the database was created with.
        let rows = match filter {
            None => {
                sqlx::query(
                    "SELECT body::text AS body FROM documents WHERE dataset = $1 \
                     ORDER BY id COLLATE \"C\"",
                )
                .bind(self.dataset)
                .fetch_all(self.pool)
                .await?
            }
            Some(filter) => {
                // `$1` is the dataset; the filter's parameters follow it.
                let sql = to_postgres(filter, 2);
                let text = format!(
                    "SELECT body::text AS body FROM documents WHERE dataset = $1 AND ({}) \
                     ORDER BY id COLLATE \"C\"",
                    sql.sql
                );
                let query = sqlx::query(&text).bind(self.dataset);
                bind_all(query, &sql.params).fetch_all(self.pool).await?
            }
        };
        rows.iter()
            .map(|row| parse_body(row.try_get("body")?))
            .collect()
    }

    async fn scan_ordered(
        &self,
        scan: &OrderedScan<'_>,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        let sql = to_postgres(scan.filter, 2);
        let published = if scan.published_only {
            " AND substr(id, 1, 7) <> 'drafts.' AND substr(id, 1, 9) <> 'versions.'"
        } else {
            ""
        };
        let text = format!(
            "SELECT body::text AS body FROM documents WHERE dataset = $1 AND ({}){published} \
             ORDER BY {} LIMIT ${}",
            sql.sql,
            order_postgres(scan.keys),
            sql.params.len() + 2
        );
        let query = bind_all(sqlx::query(&text).bind(self.dataset), &sql.params)
            .bind(i64::try_from(scan.limit).unwrap_or(i64::MAX));
        let rows = query.fetch_all(self.pool).await?;
        rows.iter()
            .map(|row| parse_body(row.try_get("body")?))
            .collect::<Result<_, _>>()
            .map(Some)
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, sqlx::Error> {
        let ids: Vec<String> = ids.iter().map(|id| id.to_string()).collect();
        let rows = sqlx::query(
            "SELECT body::text AS body FROM documents WHERE dataset = $1 AND id = ANY($2)",
        )
        .bind(self.dataset)
        .bind(ids)
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| parse_body(row.try_get("body")?))
            .collect()
    }
}

/// Binds `params`, in order, as `to_postgres` rendered them.
pub fn bind_all<'q>(
    mut query: Query<'q, Postgres, PgArguments>,
    params: &'q [SqlParam],
) -> Query<'q, Postgres, PgArguments> {
    for param in params {
        query = match param {
            SqlParam::Text(s) => query.bind(s.as_str()),
            SqlParam::Real(n) => query.bind(*n),
            SqlParam::Bool(b) => query.bind(*b),
            SqlParam::TextArray(items) => query.bind(items.clone()),
            SqlParam::RealArray(items) => query.bind(items.clone()),
        };
    }
    query
}

fn parse_body(body: String) -> Result<Value, sqlx::Error> {
    serde_json::from_str::<serde_json::Value>(&body)
        .map(|json| Value::from_json(&json))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
