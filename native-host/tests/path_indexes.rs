//! A JSON field that queries filter on often gets an index built on the
//! very expression the planner writes, and the database then uses it for
//! the pushed-down filter; at most `MAX_INDEXES` are made. On SQLite and
//! PostgreSQL, through the real router.

mod common;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use qanat_core::groq::plan::{
    document_filter, pushdown, to_postgres, to_sqlite, FieldPath, SqlParam,
};
use qanat_core::groq::value::Value;
use qanat_host::store::indexes::{self, index_name, MAX_INDEXES, THRESHOLD};
use qanat_host::store::Db;
use serde_json::{json, Value as Json};
use sqlx::Row;

const QUERY: &str =
    r#"*[_type == "article" && category == $c] | order(publishedAt desc)[0...5]._id"#;

use common::call;

async fn has_index(db: &Db, name: &str) -> bool {
    match db {
        Db::Sqlite { pool, .. } => {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = ?",
            )
            .bind(name)
            .fetch_one(pool)
            .await
            .expect("catalog")
                == 1
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM pg_indexes WHERE indexname = $1")
                .bind(name)
                .fetch_one(pool)
                .await
                .expect("catalog")
                == 1
        }
    }
}

/// The plan the database picks for the filter exactly as the store writes it.
async fn plan(db: &Db) -> String {
    let query = qanat_core::groq::parse(QUERY).expect("parses");
    let params = [("c".to_owned(), Value::from_json(&json!("c3")))]
        .into_iter()
        .collect();
    let filter =
        pushdown(document_filter(&query).expect("a filter"), &params).expect("pushed down");
    match db {
        Db::Sqlite { pool, .. } => {
            let sql = to_sqlite(&filter);
            let text = format!(
                "EXPLAIN QUERY PLAN SELECT body FROM documents WHERE dataset = ? AND ({})",
                sql.sql
            );
            let mut q = sqlx::query(&text).bind("production");
            for p in &sql.params {
                if let SqlParam::Text(s) = p {
                    q = q.bind(s.clone());
                }
            }
            q.fetch_all(pool)
                .await
                .expect("explain")
                .iter()
                .map(|row| row.get::<String, _>("detail"))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Db::Postgres(pool) => {
            let sql = to_postgres(&filter, 2);
            let text = format!(
                "EXPLAIN SELECT body FROM documents WHERE dataset = $1 AND ({})",
                sql.sql
            );
            let mut conn = pool.acquire().await.expect("a connection");
            // A table this small is cheaper to scan: ask whether the index
            // can serve the filter, not whether it is worth it here.
            sqlx::raw_sql("SET enable_seqscan = off")
                .execute(&mut *conn)
                .await
                .expect("set");
            let mut q = sqlx::query(&text).bind("production");
            for p in &sql.params {
                if let SqlParam::Text(s) = p {
                    q = q.bind(s.clone());
                }
            }
            let lines: Vec<String> = q
                .fetch_all(&mut *conn)
                .await
                .expect("explain")
                .iter()
                .map(|row| row.get::<String, _>(0))
                .collect();
            sqlx::raw_sql("RESET enable_seqscan")
                .execute(&mut *conn)
                .await
                .expect("reset");
            lines.join("\n")
        }
    }
}

async fn frequent_fields_get_indexes(db: Db) {
    let app = common::admin_router(db.clone()).await;
    let mutations: Vec<Json> = (0..200)
        .map(|i| {
            json!({"create": {"_id": format!("a{i}"), "_type": "article",
                              "category": format!("c{}", i % 10), "publishedAt": format!("2026-01-{:02}", i % 28 + 1)}})
        })
        .collect();
    let (status, body) = call(
        &app,
        "POST",
        "/v2025-02-19/data/mutate/production",
        Some(json!({"mutations": mutations})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let name = index_name(&FieldPath::parse("category").expect("a path"));
    let before = plan(&db).await;
    assert!(!before.contains(&name), "{before}");

    let ask = |i: u32| {
        let app = app.clone();
        async move {
            let uri = format!(
                "/v2025-02-19/data/query/production?query={}&%24c=%22c{}%22",
                common::urlencode(QUERY),
                i % 10
            );
            let (status, body) = call(&app, "GET", &uri, None).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["result"].as_array().map(Vec::len), Some(5), "{body}");
        }
    };
    for i in 0..THRESHOLD - 1 {
        ask(i).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!has_index(&db, &name).await, "not before {THRESHOLD} uses");
    ask(THRESHOLD).await;
    // Built (and, on SQLite, analysed) in the background: the plan switches
    // once it is done.
    let start = Instant::now();
    loop {
        let after = plan(&db).await;
        if after.contains(&name) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the filter does not use {name}:\n{after}\nindex made: {}",
            has_index(&db, &name).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The cap: however many fields come up, at most MAX_INDEXES are made.
    for i in 0..MAX_INDEXES + 5 {
        let path = FieldPath::parse(&format!("f{i}")).expect("a path");
        indexes::create(&db, &path).await.expect("create");
    }
    let made: i64 = match &db {
        Db::Sqlite { pool, .. } => sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'documents_path_%'",
        )
        .fetch_one(pool)
        .await
        .expect("count"),
        Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE 'documents_path_%'",
        )
        .fetch_one(pool)
        .await
        .expect("count"),
    };
    assert_eq!(made, MAX_INDEXES);
}

#[tokio::test]
async fn sqlite_frequent_fields_get_indexes() {
    let store = common::sqlite().await;
    frequent_fields_get_indexes(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_frequent_fields_get_indexes() {
    let store = common::postgres().await;
    frequent_fields_get_indexes(store.db.clone()).await;
    store.finish().await;
}
