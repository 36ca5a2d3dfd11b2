//! The store's commit on SQLite and PostgreSQL alike: concurrent writers on
//! one revision get exactly one winner, a conflicting commit writes nothing,
//! and the log records each transaction with effects that replay it.

mod common;

use std::sync::Arc;

use qanat_core::listen::PreparedCommit;
use qanat_core::mendoza;
use qanat_core::mutation::{apply_transaction, parse_mutations, required_ids, TransactionContext};
use qanat_host::store::{Db, StoreError};
use serde_json::{json, Value as Json};
use tokio::sync::Barrier;

const DATASET: &str = "production";
const WRITERS: usize = 12;
const ROUNDS: usize = 3;

fn context(transaction_id: &str) -> TransactionContext {
    TransactionContext {
        transaction_id: transaction_id.to_owned(),
        now: "2026-01-02T03:04:05.678Z".to_owned(),
        identity: "p-test".to_owned(),
        auto_generate_array_keys: false,
        seed: 7,
    }
}

/// Core's commit for `mutations` over what the store holds now.
async fn prepare(db: &Db, mutations: &Json, transaction_id: &str) -> PreparedCommit {
    let parsed = parse_mutations(mutations).expect("valid mutations");
    let current = db
        .read_documents(DATASET, &required_ids(&parsed))
        .await
        .expect("read");
    let commit = apply_transaction(&parsed, &current, &context(transaction_id))
        .unwrap_or_else(|e| panic!("core rejected {mutations}: {}", e.to_json()));
    PreparedCommit::new(
        &commit,
        mutations.as_array().map(Vec::as_slice).unwrap_or(&[]),
    )
}

async fn run(db: &Db, mutations: Json, transaction_id: &str) -> Result<i64, StoreError> {
    let prepared = prepare(db, &mutations, transaction_id).await;
    let list = mutations.as_array().cloned().unwrap_or_default();
    db.commit(DATASET, &prepared, &list).await
}

async fn rev_of(db: &Db, id: &str) -> Option<String> {
    db.read_documents(DATASET, &[id.to_owned()])
        .await
        .expect("read")
        .get(id)
        .and_then(|doc| doc.rev().map(str::to_owned))
}

async fn one_winner_per_revision(db: Db) {
    run(
        &db,
        json!([{"create": {"_id": "counter", "_type": "counter", "n": 0}}]),
        "tx-0",
    )
    .await
    .expect("create the counter");
    let db = Arc::new(db);
    for round in 0..ROUNDS {
        let barrier = Arc::new(Barrier::new(WRITERS));
        let tasks = (0..WRITERS).map(|writer| {
            let db = db.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                let rev = rev_of(&db, "counter").await.expect("counter exists");
                let mutations =
                    json!([{"patch": {"id": "counter", "ifRevisionID": rev, "inc": {"n": 1}}}]);
                let prepared = prepare(&db, &mutations, &format!("tx-{round}-{writer}")).await;
                // Every writer has read the same revision before any commits.
                barrier.wait().await;
                let list = mutations.as_array().cloned().unwrap_or_default();
                db.commit(DATASET, &prepared, &list).await
            })
        });
        let mut winners = 0;
        for task in tasks.collect::<Vec<_>>() {
            match task.await.expect("writer task") {
                Ok(_) => winners += 1,
                Err(StoreError::Conflict { id }) => assert_eq!(id, "counter"),
                Err(e) => panic!("round {round}: unexpected error {e}"),
            }
        }
        assert_eq!(winners, 1, "round {round}: exactly one writer wins");
    }
    let counter = db
        .read_documents(DATASET, &["counter".to_owned()])
        .await
        .expect("read");
    assert_eq!(
        counter.get("counter").map(|d| d.to_value()["n"].clone()),
        Some(json!(ROUNDS))
    );
    let log = db.transactions_after(DATASET, 0, 100).await.expect("log");
    let seqs: Vec<i64> = log.iter().map(|t| t.seq).collect();
    assert_eq!(seqs, (1..=ROUNDS as i64 + 1).collect::<Vec<_>>());
    assert_eq!(
        db.last_seq(DATASET).await.expect("last seq"),
        ROUNDS as i64 + 1
    );
}

/// A transaction whose second document conflicts leaves the first unwritten
/// and the log untouched.
async fn all_or_nothing(db: Db) {
    run(
        &db,
        json!([{"create": {"_id": "b", "_type": "t", "v": 1}}]),
        "tx-b1",
    )
    .await
    .expect("create b");
    // Prepared against b at tx-b1 ...
    let mutations = json!([
        {"create": {"_id": "a", "_type": "t"}},
        {"patch": {"id": "b", "set": {"v": 3}}}
    ]);
    let stale = prepare(&db, &mutations, "tx-ab").await;
    // ... but b moves on before it commits.
    run(
        &db,
        json!([{"patch": {"id": "b", "set": {"v": 2}}}]),
        "tx-b2",
    )
    .await
    .expect("patch b");
    let list = mutations.as_array().cloned().unwrap_or_default();
    match db.commit(DATASET, &stale, &list).await {
        Err(StoreError::Conflict { id }) => assert_eq!(id, "b"),
        other => panic!("expected a conflict on b, got {other:?}"),
    }
    let stored = db
        .read_documents(DATASET, &["a".to_owned(), "b".to_owned()])
        .await
        .expect("read");
    assert!(!stored.contains_key("a"), "the created document was kept");
    assert_eq!(
        stored.get("b").map(|d| d.to_value()["v"].clone()),
        Some(json!(2))
    );
    assert_eq!(db.last_seq(DATASET).await.expect("last seq"), 2);
    assert_eq!(
        db.transaction_seq(DATASET, "tx-ab").await.expect("seq"),
        None
    );

    // A create of an id someone else created meanwhile conflicts too.
    let create = json!([{"create": {"_id": "c", "_type": "t"}}]);
    let first = prepare(&db, &create, "tx-c1").await;
    let second = prepare(&db, &create, "tx-c2").await;
    let list = create.as_array().cloned().unwrap_or_default();
    db.commit(DATASET, &first, &list)
        .await
        .expect("first create");
    assert!(matches!(
        db.commit(DATASET, &second, &list).await,
        Err(StoreError::Conflict { .. })
    ));
}

/// The log's effects, applied in order, rebuild each document; another
/// dataset's log is separate.
async fn log_replays(db: Db) {
    let steps = [
        json!([{"create": {"_id": "d", "_type": "t", "title": "one", "tags": ["a"]}}]),
        json!([{"patch": {"id": "d", "set": {"title": "two"}, "insert": {"after": "tags[-1]", "items": ["b"]}}}]),
        json!([{"delete": {"id": "d"}}]),
    ];
    let mut expected = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        run(&db, step.clone(), &format!("tx-{i}"))
            .await
            .expect("commit");
        expected.push(
            db.read_documents(DATASET, &["d".to_owned()])
                .await
                .expect("read")
                .get("d")
                .map(|doc| doc.to_value())
                .unwrap_or(Json::Null),
        );
    }
    let log = db.transactions_after(DATASET, 0, 10).await.expect("log");
    assert_eq!(log.len(), steps.len());
    let mut doc = Json::Null;
    for ((entry, step), want) in log.iter().zip(&steps).zip(&expected) {
        assert_eq!(&entry.mutations, step);
        assert_eq!(entry.author.as_deref(), Some("p-test"));
        doc = mendoza::apply(&doc, &entry.effects["d"]["apply"]).expect("apply effects");
        assert_eq!(&doc, want, "after {}", entry.id);
    }
    let tail = db.transactions_after(DATASET, 2, 10).await.expect("tail");
    assert_eq!(
        tail.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["tx-2"]
    );
    assert_eq!(
        db.transaction_seq(DATASET, "tx-1").await.expect("seq"),
        Some(2)
    );
    assert!(db
        .transactions_after("other", 0, 10)
        .await
        .expect("other log")
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_one_winner_per_revision() {
    let store = common::sqlite().await;
    one_winner_per_revision(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_one_winner_per_revision() {
    let store = common::postgres().await;
    one_winner_per_revision(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn sqlite_commit_is_all_or_nothing() {
    let store = common::sqlite().await;
    all_or_nothing(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_commit_is_all_or_nothing() {
    let store = common::postgres().await;
    all_or_nothing(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn sqlite_log_replays() {
    let store = common::sqlite().await;
    log_replays(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_log_replays() {
    let store = common::postgres().await;
    log_replays(store.db.clone()).await;
    store.finish().await;
}
