//! Query latency: `/data/query`'s path against the raw SQL that returns the
//! same rows on the same database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use qanat_core::grants::{Grants, ReadableStore};
use qanat_core::groq::store::query;
use qanat_core::groq::QueryOptions;
use qanat_host::serve::AppState;
use qanat_host::store::Db;
use serde_json::{json, Value as Json};

use crate::data::{CATEGORIES, DATASET};
use crate::stats::{ms, percentile};

const QUERY: &str = r#"*[_type == "article" && category == $c] | order(publishedAt desc)[0...20]"#;

pub async fn run(state: &Arc<AppState>, grants: &Grants, iterations: usize) {
    let db = &state.db;
    let store = db.kind();
    let run = |c: usize| {
        let state = state.clone();
        let grants = grants.clone();
        async move {
            let options = QueryOptions {
                params: json!({"c": format!("c{c}")})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                identity: Some("bench".to_owned()),
                ..QueryOptions::default()
            };
            let documents = state
                .indexes
                .watching(&state.db, state.db.documents(DATASET));
            let readable = ReadableStore::new(&documents, &grants);
            query(&readable, QUERY, &options)
                .await
                .expect("query")
                .to_json()
        }
    };
    // Warm up: the frequent filter earns its index, as on a live server.
    for c in 0..30 {
        run(c % CATEGORIES).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (mut qanat, mut raw) = (Vec::new(), Vec::new());
    for n in 0..iterations {
        let c = (n * 7) % CATEGORIES;
        let t = Instant::now();
        let result = run(c).await;
        qanat.push(t.elapsed());
        let t = Instant::now();
        let ids = raw_query(db, &format!("c{c}")).await;
        raw.push(t.elapsed());
        let ours: Vec<String> = result
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|d| d["_id"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        if ours != ids {
            eprintln!("MISMATCH for c{c}: qanat {ours:?}\nraw SQL {ids:?}");
            std::process::exit(1);
        }
    }
    qanat.sort();
    raw.sort();
    let ratio = qanat[qanat.len() / 2].as_secs_f64() / raw[raw.len() / 2].as_secs_f64();
    println!(
        "query      {store:<8} qanat p50 {} p99 {} | raw SQL p50 {} p99 {} | ratio p50 {ratio:.2}x (target <= 2x) {}",
        ms(percentile(&qanat, 0.5)),
        ms(percentile(&qanat, 0.99)),
        ms(percentile(&raw, 0.5)),
        ms(percentile(&raw, 0.99)),
        if ratio <= 2.0 { "PASS" } else { "FAIL" }
    );
}

/// The same rows as QUERY, in raw SQL on the same database.
async fn raw_query(db: &Db, category: &str) -> Vec<String> {
    let bodies: Vec<String> = match db {
        Db::Sqlite { pool, .. } => sqlx::query_scalar(
            "SELECT body FROM documents WHERE dataset = ? AND type = 'article' \
             AND json_extract(body, '$.category') = ? \
             ORDER BY json_extract(body, '$.publishedAt') DESC, id LIMIT 20",
        )
        .bind(DATASET)
        .bind(category)
        .fetch_all(pool)
        .await
        .expect("raw query"),
        Db::Postgres(pool) => sqlx::query_scalar(
            "SELECT body::text FROM documents WHERE dataset = $1 AND type = 'article' \
             AND (body->>'category') = $2 \
             ORDER BY (body->>'publishedAt') COLLATE \"C\" DESC, id COLLATE \"C\" LIMIT 20",
        )
        .bind(DATASET)
        .bind(category)
        .fetch_all(pool)
        .await
        .expect("raw query"),
    };
    bodies
        .iter()
        .map(|body| {
            let doc: Json = serde_json::from_str(body).expect("a stored body");
            doc["_id"].as_str().unwrap_or_default().to_owned()
        })
        .collect()
}
