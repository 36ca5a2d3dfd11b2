//! The native host against raw SQL on the same database, in one run:
//!
//! - query: `*[_type == "article" && category == $c] | order(publishedAt desc)[0...20]`
//!   through what `/data/query` runs for an administrator (grants, the path
//!   index watcher, core's planner and store driver), against the SQL that
//!   returns the same rows; p50/p99 and their ratio (target: within 2x);
//! - mutations: one-document `createOrReplace` transactions through the
//!   dataset writer (core, grants, revision checks, the log with mendoza
//!   effects), against plain `INSERT … ON CONFLICT` statements, one
//!   transaction each, on the same pool; transactions per second and their
//!   ratio (target: at least 50%).
//!
//! `cargo run --release -p qanat-host --example host_bench -- [--docs N]
//! [--transactions N] [--database-url postgres://…]` (`scripts/bench-host.sh`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use qanat_core::grants::{Identity, ReadableStore, Roles};
use qanat_core::groq::store::query;
use qanat_core::groq::QueryOptions;
use qanat_core::mutation::parse_mutations;
use qanat_host::dataset::writer::{Write, WriteKind};
use qanat_host::serve::AppState;
use qanat_host::store::Db;
use serde_json::{json, Value as Json};

const DATASET: &str = "bench";
const QUERY: &str = r#"*[_type == "article" && category == $c] | order(publishedAt desc)[0...20]"#;
const CATEGORIES: usize = 50;

struct Args {
    docs: usize,
    transactions: usize,
    iterations: usize,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        docs: 100_000,
        transactions: 2_000,
        iterations: 200,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--docs" => args.docs = value.parse().unwrap_or(args.docs),
            "--transactions" => args.transactions = value.parse().unwrap_or(args.transactions),
            "--iterations" => args.iterations = value.parse().unwrap_or(args.iterations),
            "--database-url" => args.database_url = Some(value).filter(|v| !v.is_empty()),
            other => eprintln!("ignoring {other}"),
        }
    }
    args
}

fn document(i: usize) -> Json {
    let kind = match i % 10 {
        0 => "author",
        1 => "category",
        _ => "article",
    };
    let title = if i % 7 == 0 {
        format!("مقال رقم {i}")
    } else {
        format!("Article {i}")
    };
    json!({
        "_id": format!("doc-{i:07}"),
        "_type": kind,
        "title": title,
        "category": format!("c{}", i % CATEGORIES),
        "publishedAt": format!("20{:02}-{:02}-{:02}T{:02}:00:00Z", 10 + i % 16, 1 + i % 12, 1 + i % 28, i % 24),
        "views": (i * 37) % 10_000,
        "author": {"_type": "reference", "_ref": format!("doc-{:07}", (i / 10) * 10)},
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1000.0)
}

async fn write(state: &AppState, grants: &qanat_core::grants::Grants, mutations: Vec<Json>) {
    let parsed = parse_mutations(&Json::from(mutations.clone())).expect("mutations parse");
    let write = Write {
        kind: WriteKind::Mutations {
            mutations: parsed,
            json: mutations,
        },
        grants: grants.clone(),
        transaction_id: None,
        auto_generate_array_keys: false,
        dry_run: false,
    };
    if let Err(e) = state.hub.write(DATASET, write).await {
        panic!("write failed: {e:?}");
    }
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

async fn plain_insert(db: &Db, i: usize, body: &str) {
    let id = format!("plain-{i:07}");
    let sql_sqlite = "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
                      VALUES ($1, $2, 'article', $3, $4, $4, $5) ON CONFLICT (dataset, id) DO UPDATE \
                      SET rev = excluded.rev, updated_at = excluded.updated_at, body = excluded.body";
    let now = "2026-11-22T00:00:00.000Z";
    match db {
        Db::Sqlite { pool, .. } => {
            let mut tx = pool.begin().await.expect("begin");
            sqlx::query(sql_sqlite)
                .bind(DATASET)
                .bind(&id)
                .bind(format!("r{i}"))
                .bind(now)
                .bind(body)
                .execute(&mut *tx)
                .await
                .expect("insert");
            tx.commit().await.expect("commit");
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await.expect("begin");
            sqlx::query(&sql_sqlite.replace("$5)", "CAST($5 AS jsonb))"))
                .bind(DATASET)
                .bind(&id)
                .bind(format!("r{i}"))
                .bind(now)
                .bind(body)
                .execute(&mut *tx)
                .await
                .expect("insert");
            tx.commit().await.expect("commit");
        }
    }
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = std::env::temp_dir().join(format!("qanat-bench-{}", std::process::id()));
    let db = Db::open(&dir, args.database_url.as_deref())
        .await
        .expect("open the store");
    let store = db.kind();
    let state = Arc::new(AppState::new(db.clone()));
    let grants = Roles::new()
        .grants_for(&Identity::user("bench", ["administrator"]))
        .expect("administrator grants");

    // Load through the writer, as `/data/mutate` would, a thousand at a time.
    let start = Instant::now();
    for chunk in (0..args.docs).collect::<Vec<_>>().chunks(1_000) {
        let mutations = chunk
            .iter()
            .map(|&i| json!({"createOrReplace": document(i)}))
            .collect();
        write(&state, &grants, mutations).await;
    }
    eprintln!(
        "loaded {} documents in {:.1}s",
        args.docs,
        start.elapsed().as_secs_f64()
    );

    // Query: Qanat's path, then raw SQL, on the same rows.
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
    for n in 0..args.iterations {
        let c = (n * 7) % CATEGORIES;
        let t = Instant::now();
        let result = run(c).await;
        qanat.push(t.elapsed());
        let t = Instant::now();
        let ids = raw_query(&db, &format!("c{c}")).await;
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

    // Mutations: one-document transactions through the writer, then plain inserts.
    let start = Instant::now();
    for i in 0..args.transactions {
        let mut doc = document(i);
        doc["_id"] = json!(format!("tx-{i:07}"));
        write(&state, &grants, vec![json!({"createOrReplace": doc})]).await;
    }
    let ours = args.transactions as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    for i in 0..args.transactions {
        plain_insert(&db, i, &document(i).to_string()).await;
    }
    let plain = args.transactions as f64 / start.elapsed().as_secs_f64();
    let share = ours / plain * 100.0;
    println!(
        "mutations  {store:<8} qanat {ours:.0} tx/s | plain inserts {plain:.0} tx/s | {share:.0}% (target >= 50%) {}",
        if share >= 50.0 { "PASS" } else { "FAIL" }
    );

    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
