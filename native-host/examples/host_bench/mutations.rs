//! Mutation throughput: one-document transactions through the dataset
//! writer against plain inserts on the same database.
//!
//! Two baselines, both one `INSERT … ON CONFLICT` per transaction: on one
//! connection kept for a round of inserts (the database's own speed, the
//! one the target is measured against), and through the pool, taking a
//! connection per transaction as a request handler does (sqlx's pool checks
//! a connection with a round trip when it hands it out and again when it
//! takes it back; the dataset writer keeps its own and pays neither).

use std::sync::Arc;
use std::time::{Duration, Instant};

use qanat_core::grants::Grants;
use qanat_host::serve::AppState;
use qanat_host::store::Db;
use serde_json::json;

use crate::data::{document, write, DATASET};

/// One document's insert in its own transaction, on `$conn` (anything sqlx
/// can begin a transaction on). Only the JSON column's parameter differs
/// between stores; sqlx's types differ, the code does not.
macro_rules! insert_in_transaction {
    ($conn:expr, $sql:expr, $i:expr, $body:expr) => {{
        let mut tx = sqlx::Acquire::begin($conn).await.expect("begin");
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

/// One client at a time: each transaction waits for the one before it, so
/// this is their latency more than the store's throughput.
pub async fn run(state: &AppState, grants: &Grants, transactions: usize) {
    let db = &state.db;
    let store = db.kind();
    // In alternating rounds, so that the machine's noise falls on all three.
    let (mut ours, mut held, mut pooled) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
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
        insert_held(db, start..end).await;
        held += t.elapsed();
        let t = Instant::now();
        for i in start..end {
            insert_pooled(db, transactions + i).await;
        }
        pooled += t.elapsed();
    }
    let rate = |spent: Duration| transactions as f64 / spent.as_secs_f64();
    let (ours, held, pooled) = (rate(ours), rate(held), rate(pooled));
    println!(
        "mutations  {store:<8} one client: qanat {ours:.0} tx/s | plain inserts {held:.0} tx/s ({:.1}%) | plain inserts through the pool {pooled:.0} tx/s ({:.1}%)",
        ours / held * 100.0,
        ours / pooled * 100.0
    );
}

/// `clients` clients at once, each sending its transactions one after
/// another, against as many clients inserting plain rows, each on its own
/// connection and each row in its own transaction: the stores' throughput
/// under load (the target), where a dataset's writer commits the writes
/// waiting for it together.
pub async fn run_concurrent(
    state: &Arc<AppState>,
    grants: &Grants,
    transactions: usize,
    clients: usize,
) {
    let store = state.db.kind();
    let clients = clients.max(1);
    let (mut ours, mut plain) = (Duration::ZERO, Duration::ZERO);
    let round = (100 * clients).min(transactions.max(1));
    // Each client's share of the rows a round writes.
    let shares =
        |start: usize, end: usize| (0..clients).map(move |c| (start + c..end).step_by(clients));
    for start in (0..transactions).step_by(round) {
        let end = (start + round).min(transactions);
        let t = Instant::now();
        let tasks: Vec<_> = shares(start, end)
            .map(|share| {
                let (state, grants) = (state.clone(), grants.clone());
                tokio::spawn(async move {
                    for i in share {
                        let mut doc = document(i);
                        doc["_id"] = json!(format!("cc-{i:07}"));
                        write(&state, &grants, vec![json!({"createOrReplace": doc})], None).await;
                    }
                })
            })
            .collect();
        join(tasks).await;
        ours += t.elapsed();
        let t = Instant::now();
        let offset = 2 * transactions;
        let tasks: Vec<_> = shares(start, end)
            .map(|share| {
                let db = state.db.clone();
                tokio::spawn(async move { insert_held(&db, share.map(|i| offset + i)).await })
            })
            .collect();
        join(tasks).await;
        plain += t.elapsed();
    }
    let rate = |spent: Duration| transactions as f64 / spent.as_secs_f64();
    let (ours, plain) = (rate(ours), rate(plain));
    let share = ours / plain * 100.0;
    println!(
        "mutations  {store:<8} {clients} clients: qanat {ours:.0} tx/s | plain inserts on {clients} connections {plain:.0} tx/s | {share:.1}% (target >= 50%) {}",
        if share >= 50.0 { "PASS" } else { "FAIL" },
    );
}

async fn join(tasks: Vec<tokio::task::JoinHandle<()>>) {
    for task in tasks {
        if let Err(e) = task.await {
            std::panic::resume_unwind(e.into_panic());
        }
    }
}

const PLAIN_SQLITE: &str =
    "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
     VALUES ($1, $2, 'article', $3, $4, $4, $5) ON CONFLICT (dataset, id) DO UPDATE \
     SET rev = excluded.rev, updated_at = excluded.updated_at, body = excluded.body";
const PLAIN_POSTGRES: &str =
    "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
     VALUES ($1, $2, 'article', $3, $4, $4, CAST($5 AS jsonb)) ON CONFLICT (dataset, id) DO UPDATE \
     SET rev = excluded.rev, updated_at = excluded.updated_at, body = excluded.body";

/// Documents `range`, each in its own transaction, on one connection.
async fn insert_held(db: &Db, range: impl Iterator<Item = usize>) {
    match db {
        // SQLite's writes share one connection (the dataset writer's too).
        Db::Sqlite { writer, .. } => {
            let mut conn = writer.acquire().await.expect("a connection");
            for i in range {
                insert_in_transaction!(&mut *conn, PLAIN_SQLITE, i, document(i).to_string());
            }
        }
        Db::Postgres(pool) => {
            let mut conn = pool.acquire().await.expect("a connection");
            for i in range {
                insert_in_transaction!(&mut *conn, PLAIN_POSTGRES, i, document(i).to_string());
            }
        }
    }
}

/// Document `i` in its own transaction, on a connection from the pool.
async fn insert_pooled(db: &Db, i: usize) {
    let body = document(i).to_string();
    match db {
        Db::Sqlite { pool, .. } => insert_in_transaction!(pool, PLAIN_SQLITE, i, body),
        Db::Postgres(pool) => insert_in_transaction!(pool, PLAIN_POSTGRES, i, body),
    }
}
