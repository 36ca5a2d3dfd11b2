//! Mutation throughput: one-document transactions through the dataset
//! writer against plain inserts on the same database.

use std::time::{Duration, Instant};

use qanat_core::grants::Grants;
use qanat_host::serve::AppState;
use qanat_host::store::Db;
use serde_json::json;

use crate::data::{document, write, DATASET};

pub async fn run(state: &AppState, grants: &Grants, transactions: usize) {
    let db = &state.db;
    let store = db.kind();
    // Mutations: one-document transactions through the writer and plain
    // inserts, in alternating rounds so that the machine's noise falls on both.
    let (mut ours, mut plain) = (Duration::ZERO, Duration::ZERO);
    let round = 100.min(transactions.max(1));
    for start in (0..transactions).step_by(round) {
        let end = (start + round).min(transactions);
        let t = Instant::now();
        for i in start..end {
            let mut doc = document(i);
            doc["_id"] = json!(format!("tx-{i:07}"));
            write(state, grants, vec![json!({"createOrReplace": doc})], None).await;
        }
        ours += t.elapsed();
        let t = Instant::now();
        for i in start..end {
            plain_insert(db, i, &document(i).to_string()).await;
        }
        plain += t.elapsed();
    }
    let ours = transactions as f64 / ours.as_secs_f64();
    let plain = transactions as f64 / plain.as_secs_f64();
    let share = ours / plain * 100.0;
    println!(
        "mutations  {store:<8} qanat {ours:.0} tx/s | plain inserts {plain:.0} tx/s | {share:.1}% (target >= 50%) {}",
        if share >= 50.0 { "PASS" } else { "FAIL" }
    );
}

/// The baseline: one document's `INSERT … ON CONFLICT`, in its own
/// transaction. Only the JSON column's parameter differs between stores.
const PLAIN_SQLITE: &str =
    "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
     VALUES ($1, $2, 'article', $3, $4, $4, $5) ON CONFLICT (dataset, id) DO UPDATE \
     SET rev = excluded.rev, updated_at = excluded.updated_at, body = excluded.body";
const PLAIN_POSTGRES: &str =
    "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
     VALUES ($1, $2, 'article', $3, $4, $4, CAST($5 AS jsonb)) ON CONFLICT (dataset, id) DO UPDATE \
     SET rev = excluded.rev, updated_at = excluded.updated_at, body = excluded.body";

/// The same statements on either pool (sqlx's types differ, the code does not).
macro_rules! insert_in_transaction {
    ($pool:expr, $sql:expr, $i:expr, $body:expr) => {{
        let mut tx = $pool.begin().await.expect("begin");
        sqlx::query($sql)
            .bind(DATASET)
            .bind(format!("plain-{:07}", $i))
            .bind(format!("r{}", $i))
            .bind("2026-11-22T00:00:00.000Z")
            .bind($body)
            .execute(&mut *tx)
            .await
            .expect("insert");
        tx.commit().await.expect("commit");
    }};
}

async fn plain_insert(db: &Db, i: usize, body: &str) {
    match db {
        Db::Sqlite { pool, .. } => insert_in_transaction!(pool, PLAIN_SQLITE, i, body),
        Db::Postgres(pool) => insert_in_transaction!(pool, PLAIN_POSTGRES, i, body),
    }
}
