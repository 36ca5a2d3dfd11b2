//! The native host measured against a baseline in the same run, on 100,000
//! generated documents (`scripts/bench-host.sh`):
//!
//! - query ([`query`]): `*[_type == "article" && category == $c] |
//!   order(publishedAt desc)[0...20]` through what `/data/query` runs for an
//!   administrator (grants, the path index watcher, core's planner and store
//!   driver), against the SQL that returns the same rows; p50/p99 and their
//!   ratio (target: within 2x);
//! - mutations ([`mutations`]): one-document `createOrReplace` transactions
//!   through the dataset writer (core, grants, the log with mendoza
//!   effects), against plain `INSERT … ON CONFLICT` statements, one
//!   transaction each, on the same database: with `--clients` clients at
//!   once against as many connections inserting (the throughput, target:
//!   at least 50%), and with one client at a time against one kept
//!   connection and against the pool (their latency, for reference);
//! - fan-out ([`fanout`]): SSE listeners on one node, the time from a
//!   commit's acknowledgement to the last listener receiving its event
//!   (p50/p99).
//!
//! `cargo run --release -p qanat-host --example host_bench -- [--docs N]
//! [--iterations N] [--transactions N] [--clients N] [--listeners N] [--rounds N]
//! [--database-url postgres://…]`.

mod data;
mod fanout;
mod mutations;
mod query;
mod stats;

use std::sync::Arc;
use std::time::Instant;

use qanat_core::grants::{Identity, Roles};
use qanat_host::serve::AppState;
use qanat_host::store::Db;

struct Args {
    docs: usize,
    iterations: usize,
    transactions: usize,
    listeners: usize,
    rounds: usize,
    clients: usize,
    database_url: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        docs: 100_000,
        iterations: 200,
        transactions: 2_000,
        listeners: 1_000,
        rounds: 100,
        clients: 8,
        database_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        let number = |default: usize| value.parse().unwrap_or(default);
        match flag.as_str() {
            "--docs" => args.docs = number(args.docs),
            "--iterations" => args.iterations = number(args.iterations),
            "--transactions" => args.transactions = number(args.transactions),
            "--listeners" => args.listeners = number(args.listeners),
            "--rounds" => args.rounds = number(args.rounds),
            "--clients" => args.clients = number(args.clients),
            "--database-url" => args.database_url = Some(value).filter(|v| !v.is_empty()),
            other => eprintln!("ignoring {other}"),
        }
    }
    args
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = std::env::temp_dir().join(format!("qanat-bench-{}", std::process::id()));
    let db = Db::open(&dir, args.database_url.as_deref())
        .await
        .expect("open the store");
    let state = Arc::new(AppState::new(db.clone()));
    let grants = Roles::new()
        .grants_for(&Identity::user("bench", ["administrator"]))
        .expect("administrator grants");

    let start = Instant::now();
    data::load(&state, &grants, args.docs).await;
    eprintln!(
        "loaded {} documents in {:.1}s",
        args.docs,
        start.elapsed().as_secs_f64()
    );
    query::run(&state, &grants, args.iterations).await;
    // On a runtime worker, as a request handler runs (the main thread would
    // wake the dataset's writer from outside the runtime).
    let (transactions, clients) = (args.transactions, args.clients);
    let measured = tokio::spawn({
        let (state, grants) = (state.clone(), grants.clone());
        async move {
            mutations::run(&state, &grants, transactions).await;
            mutations::run_concurrent(&state, &grants, transactions, clients).await;
        }
    });
    if let Err(e) = measured.await {
        std::panic::resume_unwind(e.into_panic());
    }
    if args.listeners > 0 {
        fanout::run(&state, &grants, args.listeners, args.rounds).await;
    }

    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
