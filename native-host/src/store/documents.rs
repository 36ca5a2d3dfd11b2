//! Documents read from the SQLite store for GROQ: core's
//! [`Store`](qanat_core::groq::store::Store) over the `documents` table.
//!
//! Core decides what to read (the filter it pushed down, the ids `->` needs)
//! and writes the statements (`read_sql`, which D1 runs too); this file
//! binds them and turns rows into values.

use std::sync::Arc;

use qanat_core::groq::plan::{Predicate, SqlParam};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
use qanat_core::read_sql::{self, ReadStatement};
use sqlx::sqlite::SqliteArguments;
use sqlx::{query::Query, Row, Sqlite, SqlitePool};

/// One dataset of the SQLite store, as GROQ reads it.
pub struct SqliteDocuments<'a> {
    pub pool: &'a SqlitePool,
    pub dataset: &'a str,
}

impl Store for SqliteDocuments<'_> {
    type Error = sqlx::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, sqlx::Error> {
        self.read(read_sql::scan(self.dataset, filter)).await
    }

    async fn scan_ordered(
        &self,
        scan: &OrderedScan<'_>,
    ) -> Result<Option<Vec<Value>>, sqlx::Error> {
        self.read(read_sql::scan_ordered(self.dataset, scan))
            .await
            .map(Some)
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, sqlx::Error> {
        self.read(read_sql::get(self.dataset, ids)).await
    }
}

impl SqliteDocuments<'_> {
    /// The bodies `statement` selects, as GROQ values.
    async fn read(&self, statement: ReadStatement) -> Result<Vec<Value>, sqlx::Error> {
        let rows = bind_all(sqlx::query(&statement.sql), &statement.params)
            .fetch_all(self.pool)
            .await?;
        rows.iter()
            .map(|row| parse_body(row.try_get("body")?))
            .collect()
    }
}

/// Binds `params`, in order, as core's SQLite statements give them.
pub fn bind_all<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments<'q>>,
    params: &'q [SqlParam],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for param in params {
        query = match param {
            SqlParam::Text(s) => query.bind(s.as_str()),
            SqlParam::Real(n) => query.bind(*n),
            SqlParam::Bool(b) => query.bind(*b),
            // The SQLite rendering passes lists as JSON text; these are
            // PostgreSQL's and never appear here.
            SqlParam::TextArray(items) => {
                query.bind(serde_json::Value::from(items.clone()).to_string())
            }
            SqlParam::RealArray(items) => {
                query.bind(serde_json::Value::from(items.clone()).to_string())
            }
        };
    }
    query
}

/// A stored body is JSON the store wrote itself; a row that is not is
/// reported as a decode error rather than skipped.
fn parse_body(body: String) -> Result<Value, sqlx::Error> {
    serde_json::from_str::<serde_json::Value>(&body)
        .map(|json| Value::from_json(&json))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

#[cfg(test)]
mod tests {
    use qanat_core::groq::{evaluate_json, store, QueryOptions};
    use serde_json::{json, Value as Json};

    use super::*;
    use crate::store::sqlite::open_in_memory;

    async fn insert(pool: &SqlitePool, dataset: &str, doc: &Json) {
        sqlx::query(
            "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
             VALUES (?, ?, ?, 'r1', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', ?)",
        )
        .bind(dataset)
        .bind(doc["_id"].as_str())
        .bind(doc["_type"].as_str())
        .bind(doc.to_string())
        .execute(pool)
        .await
        .expect("insert");
    }

    fn docs() -> Vec<Json> {
        let mut docs = vec![
            json!({"_id": "company-1", "_type": "company", "name": "Qanat"}),
            json!({"_id": "drafts.author-1", "_type": "author", "name": "Draft One"}),
        ];
        for i in 0..5 {
            docs.push(json!({"_id": format!("author-{i}"), "_type": "author", "name": format!("أ{i}"), "company": {"_ref": "company-1"}}));
        }
        for i in 0..40 {
            docs.push(json!({
                "_id": format!("post-{i:02}"), "_type": "post", "views": i * 25,
                "title": format!("Post {i}"), "tags": if i % 3 == 0 { json!(["news"]) } else { json!([]) },
                "author": {"_ref": format!("author-{}", i % 6)}
            }));
        }
        docs
    }

    /// The store gives every query the answer core gives over all documents
    /// in memory, with and without push-down, dereferences and perspectives.
    #[tokio::test]
    async fn queries_through_sqlite_match_core_in_memory() {
        let pool = open_in_memory().await.expect("in-memory store");
        let docs = docs();
        for doc in &docs {
            insert(&pool, "production", doc).await;
        }
        // Another dataset's rows must never leak in.
        insert(
            &pool,
            "staging",
            &json!({"_id": "post-99", "_type": "post", "views": 1000}),
        )
        .await;
        let documents = SqliteDocuments {
            pool: &pool,
            dataset: "production",
        };
        let queries = [
            r#"*[_type == "post" && views > 500] | order(views desc)[0...5]{title, "author": author->name}"#,
            r#"count(*[_type == "post" && views > 500])"#,
            r#"*[_type == "post" && "news" in tags]{_id, "company": author->company->name}"#,
            r#"*[_type == "author"] | order(_id)"#,
            r#"*[_id in ["post-01", "author-2", "nope"]]._id"#,
            r#"*[references("author-1")]._id"#,
            r#"*[_type == "post" && title match "Post 1*"]._id"#,
            r#"*[views > $min]._id"#,
            r#"documents::get("author-3").name"#,
            r#"count(*)"#,
        ];
        for perspective in [None, Some("published"), Some("drafts")] {
            let options = QueryOptions {
                perspective: perspective.map(str::to_string),
                params: json!({"min": 900}).as_object().cloned().unwrap_or_default(),
                ..QueryOptions::default()
            };
            for q in queries {
                let expected = evaluate_json(q, &docs, &options).expect("runs in memory");
                let got = store::query(&documents, q, &options)
                    .await
                    .unwrap_or_else(|e| panic!("{q}: {e:?}"))
                    .to_json();
                assert_eq!(got, expected, "{q} under {perspective:?}");
            }
        }
    }
}
