//! Documents read from the SQLite store for GROQ: core's
//! [`Store`](qanat_core::groq::store::Store) over the `documents` table.
//!
//! Core decides what to read (the filter it pushed down, the ids `->` needs);
//! this file only turns that into SQL and rows into values.

use std::sync::Arc;

use qanat_core::groq::plan::{order_sqlite, to_sqlite, Predicate, SqlParam};
use qanat_core::groq::store::{OrderedScan, Store};
use qanat_core::groq::value::Value;
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
        let rows = match filter {
            None => {
                sqlx::query("SELECT body FROM documents WHERE dataset = ? ORDER BY id")
                    .bind(self.dataset)
                    .fetch_all(self.pool)
                    .await?
            }
            Some(filter) => {
                let sql = to_sqlite(filter);
                let text = format!(
                    "SELECT body FROM documents WHERE dataset = ? AND ({}) ORDER BY id",
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
        let sql = to_sqlite(scan.filter);
        // substr, not LIKE or GLOB: ids may hold their wildcards.
        let published = if scan.published_only {
            " AND substr(id, 1, 7) <> 'drafts.' AND substr(id, 1, 9) <> 'versions.'"
        } else {
            ""
        };
        let text = format!(
            "SELECT body FROM documents WHERE dataset = ? AND ({}){published} \
             ORDER BY {} LIMIT ?",
            sql.sql,
            order_sqlite(scan.keys)
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
        // One JSON array parameter however many ids: D1 binds at most 100.
        let list = serde_json::Value::from(ids.iter().map(|id| id.to_string()).collect::<Vec<_>>());
        let rows = sqlx::query(
            "SELECT body FROM documents WHERE dataset = ? \
             AND id IN (SELECT value FROM json_each(?))",
        )
        .bind(self.dataset)
        .bind(list.to_string())
        .fetch_all(self.pool)
        .await?;
        rows.iter()
            .map(|row| parse_body(row.try_get("body")?))
            .collect()
    }
}

/// Binds `params`, in order, as `to_sqlite` rendered them.
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
