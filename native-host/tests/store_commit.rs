//! The store's dataset writes on SQLite and PostgreSQL alike: concurrent
//! writers on one revision get exactly one winner, whether they read under
//! the dataset's write lock or (PostgreSQL) lock only at the commit, which
//! then refuses reads another writer made stale; a commit that fails
//! writes nothing; an abandoned write releases the lock; and the log
//! records each transaction with effects that replay it.

mod common;

use std::sync::Arc;
use std::time::Duration;

use qanat_core::listen::PreparedCommit;
use qanat_core::mendoza;
use qanat_core::mutation::{apply_transaction, parse_mutations, required_ids, TransactionContext};
use qanat_host::store::{Db, Locking, StoreError};
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

#[derive(Debug)]
enum Failure {
    /// Core refused the transaction, with this HTTP status.
    Refused(u16),
    Store(StoreError),
}

/// Takes the lock, reads, lets core apply `mutations` and commits, as the
/// dataset writer does.
async fn run(db: &Db, mutations: Json, transaction_id: &str) -> Result<i64, Failure> {
    run_with(db, mutations, transaction_id, Locking::BeforeReads).await
}

/// [`run`], taking the lock as `locking` says.
async fn run_with(
    db: &Db,
    mutations: Json,
    transaction_id: &str,
    locking: Locking,
) -> Result<i64, Failure> {
    let parsed = parse_mutations(&mutations).expect("valid mutations");
    let list = mutations.as_array().cloned().unwrap_or_default();
    let mut locked = db
        .begin_write(DATASET, locking)
        .await
        .map_err(Failure::Store)?;
    let current = locked
        .read_documents(&required_ids(&parsed))
        .await
        .map_err(Failure::Store)?;
    match apply_transaction(&parsed, &current, &context(transaction_id)) {
        Ok(commit) => locked
            .commit(&PreparedCommit::new(&commit, &list), &list)
            .await
            .map_err(Failure::Store),
        Err(e) => {
            locked.rollback().await;
            Err(Failure::Refused(e.http_status()))
        }
    }
}

async fn rev_of(db: &Db, id: &str) -> Option<String> {
    db.read_documents(DATASET, &[id.to_owned()])
        .await
        .expect("read")
        .get(id)
        .and_then(|doc| doc.rev().map(str::to_owned))
}

async fn value_of(db: &Db, id: &str) -> Json {
    db.read_documents(DATASET, &[id.to_owned()])
        .await
        .expect("read")
        .get(id)
        .map_or(Json::Null, |doc| doc.to_value())
}

/// Writers that all read one revision: one commits; the others get core's
/// 409 (they read under the lock, after the winner) or, reading before the
/// lock, a stale commit that writes nothing.
async fn one_winner_per_revision(db: Db, locking: Locking) {
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
                // Every writer has seen the same revision before any commits.
                barrier.wait().await;
                let mutations =
                    json!([{"patch": {"id": "counter", "ifRevisionID": rev, "inc": {"n": 1}}}]);
                run_with(&db, mutations, &format!("tx-{round}-{writer}"), locking).await
            })
        });
        let mut winners = 0;
        for task in tasks.collect::<Vec<_>>() {
            match task.await.expect("writer task") {
                Ok(_) => winners += 1,
                Err(Failure::Refused(status)) => assert_eq!(status, 409),
                Err(Failure::Store(StoreError::Stale { .. })) if locking == Locking::AtCommit => {}
                Err(e) => panic!("round {round}: unexpected error {e:?}"),
            }
        }
        assert_eq!(winners, 1, "round {round}: exactly one writer wins");
    }
    assert_eq!(value_of(&db, "counter").await["n"], json!(ROUNDS));
    let log = db.transactions_after(DATASET, 0, 100).await.expect("log");
    let seqs: Vec<i64> = log.iter().map(|t| t.seq).collect();
    assert_eq!(seqs, (1..=ROUNDS as i64 + 1).collect::<Vec<_>>());
    assert_eq!(
        db.last_seq(DATASET).await.expect("last seq"),
        ROUNDS as i64 + 1
    );
}

/// A commit whose log entry cannot be written (its transaction id is taken)
/// leaves its documents unwritten too.
async fn all_or_nothing(db: Db) {
    run(
        &db,
        json!([{"create": {"_id": "b", "_type": "t", "v": 1}}]),
        "tx-1",
    )
    .await
    .expect("create b");
    let again = run(
        &db,
        json!([
            {"create": {"_id": "a", "_type": "t"}},
            {"patch": {"id": "b", "set": {"v": 2}}},
            {"delete": {"id": "b"}}
        ]),
        "tx-1",
    )
    .await;
    assert!(
        matches!(again, Err(Failure::Store(StoreError::Sqlx(_)))),
        "a duplicate transaction id is refused by the store: {again:?}"
    );
    assert_eq!(value_of(&db, "a").await, Json::Null, "a was created");
    assert_eq!(value_of(&db, "b").await["v"], json!(1), "b was changed");
    assert_eq!(db.last_seq(DATASET).await.expect("last seq"), 1);
    // The failed write released the lock: the next one goes through.
    run(&db, json!([{"create": {"_id": "a", "_type": "t"}}]), "tx-2")
        .await
        .expect("create a");
    assert_eq!(db.last_seq(DATASET).await.expect("last seq"), 2);
}

/// A second writer waits for the lock and then reads what the first
/// committed; a write abandoned without commit writes nothing and frees it.
async fn lock_orders_writers(db: Db) {
    run(
        &db,
        json!([{"create": {"_id": "c", "_type": "t", "n": 1}}]),
        "tx-c1",
    )
    .await
    .expect("create c");
    let mut first = db
        .begin_write(DATASET, Locking::BeforeReads)
        .await
        .expect("first lock");
    let c = first.read_documents(&["c".to_owned()]).await.expect("read");
    assert_eq!(
        c.get("c").map(|d| d.to_value()["n"].clone()),
        Some(json!(1))
    );

    let second = tokio::spawn({
        let db = db.clone();
        async move {
            let mut locked = db
                .begin_write(DATASET, Locking::BeforeReads)
                .await
                .expect("second lock");
            let seen = locked
                .read_documents(&["c".to_owned()])
                .await
                .expect("read");
            locked.rollback().await;
            seen.get("c").map(|d| d.to_value()["n"].clone())
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!second.is_finished(), "the second writer did not wait");
    let mutations = json!([{"patch": {"id": "c", "set": {"n": 2}}}]);
    let parsed = parse_mutations(&mutations).expect("valid");
    let list = mutations.as_array().cloned().unwrap_or_default();
    let commit = apply_transaction(&parsed, &c, &context("tx-c2")).expect("core");
    first
        .commit(&PreparedCommit::new(&commit, &list), &list)
        .await
        .expect("commit");
    let seen = tokio::time::timeout(Duration::from_secs(10), second)
        .await
        .expect("the second writer got the lock")
        .expect("second task");
    assert_eq!(seen, Some(json!(2)), "the second writer read a stale c");

    // Abandoned: dropped holding the lock, as a cancelled task would.
    let abandoned = db
        .begin_write(DATASET, Locking::BeforeReads)
        .await
        .expect("lock");
    drop(abandoned);
    let next = tokio::time::timeout(
        Duration::from_secs(10),
        db.begin_write(DATASET, Locking::BeforeReads),
    )
    .await
    .expect("the abandoned lock was released")
    .expect("lock");
    next.rollback().await;
    assert_eq!(value_of(&db, "c").await["n"], json!(2));
}

/// PostgreSQL, reading before the lock: the commit writes nothing when
/// another writer has since changed a document it read, created one it
/// found absent, or added an id under a prefix it listed, and answers with
/// the documents it read as they are now; a change to a document it did
/// not read does not stop it.
async fn stale_reads_are_refused(db: Db) {
    run(
        &db,
        json!([
            {"create": {"_id": "s", "_type": "t", "n": 1}},
            {"create": {"_id": "other", "_type": "t"}}
        ]),
        "tx-s",
    )
    .await
    .expect("create");
    let interferences = [
        (
            "a document it read changed",
            json!([{"patch": {"id": "s", "inc": {"n": 10}}}]),
            true,
        ),
        (
            "a document it found absent now exists",
            json!([{"create": {"_id": "absent", "_type": "t"}}]),
            true,
        ),
        (
            "a new id under a prefix it listed",
            json!([{"create": {"_id": "versions.r1.s", "_type": "t"}}]),
            true,
        ),
        (
            "a document it did not read changed",
            json!([{"patch": {"id": "other", "set": {"x": 1}}}]),
            false,
        ),
    ];
    for (i, (what, interference, stale)) in interferences.into_iter().enumerate() {
        let mut write = db
            .begin_write(DATASET, Locking::AtCommit)
            .await
            .expect("begin");
        let read = write
            .read_documents(&["s".to_owned(), "absent".to_owned()])
            .await
            .expect("read");
        write.ids_with_prefix("versions.").await.expect("list");
        run(&db, interference, &format!("tx-other-{i}"))
            .await
            .expect("the other writer commits");
        let before = db.last_seq(DATASET).await.expect("last seq");
        let mutations = json!([{"patch": {"id": "s", "inc": {"n": 1}}}]);
        let parsed = parse_mutations(&mutations).expect("valid");
        let list = mutations.as_array().cloned().unwrap_or_default();
        let commit = apply_transaction(&parsed, &read, &context(&format!("tx-{i}"))).expect("core");
        let result = write
            .commit(&PreparedCommit::new(&commit, &list), &list)
            .await;
        if stale {
            let Err(StoreError::Stale { current }) = result else {
                panic!("{what}: {result:?}");
            };
            // What the write should have read, as it is now.
            assert_eq!(
                current.get("s").map(|doc| doc.to_value()),
                Some(value_of(&db, "s").await),
                "{what}"
            );
            assert_eq!(current.contains_key("absent"), i >= 1, "{what}");
            assert_eq!(
                db.last_seq(DATASET).await.expect("last seq"),
                before,
                "{what}: the stale commit was logged"
            );
        } else {
            assert_eq!(result.expect(what), before + 1, "{what}");
        }
    }
    // 1, the other writer's +10, and the one commit that was not stale.
    assert_eq!(value_of(&db, "s").await["n"], json!(12));
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
    one_winner_per_revision(store.db.clone(), Locking::BeforeReads).await;
    store.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_one_winner_per_revision() {
    let store = common::postgres().await;
    one_winner_per_revision(store.db.clone(), Locking::BeforeReads).await;
    store.finish().await;
}

/// Also on a database whose default isolation is REPEATABLE READ, where the
/// commit's checks would see the snapshot from before its lock if `qanat`
/// did not set its connections to READ COMMITTED.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_one_winner_per_revision_locking_at_commit() {
    let store = common::postgres().await;
    let Db::Postgres(pool) = &store.db else {
        panic!("a PostgreSQL store")
    };
    sqlx::raw_sql(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_isolation \
         = %L', current_database(), 'repeatable read'); END $$",
    )
    .execute(pool)
    .await
    .expect("set the database's default isolation");
    let node = store.another_node().await;
    one_winner_per_revision(node.clone(), Locking::AtCommit).await;
    node.close().await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_stale_reads_are_refused() {
    let store = common::postgres().await;
    stale_reads_are_refused(store.db.clone()).await;
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
async fn sqlite_lock_orders_writers() {
    let store = common::sqlite().await;
    lock_orders_writers(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn postgres_lock_orders_writers() {
    let store = common::postgres().await;
    lock_orders_writers(store.db.clone()).await;
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

/// D1's guard (`commit_sql::D1_UNCHANGED_SINCE_READ`), run on real SQLite,
/// the engine D1 is: it passes while every touched document is as the
/// commit read it, and fails otherwise, which fails the whole batch.
#[tokio::test]
async fn the_d1_guard_fails_on_a_changed_document() {
    use qanat_core::commit_sql::D1_UNCHANGED_SINCE_READ;
    let store = common::sqlite().await;
    run(
        &store.db,
        json!([{"create": {"_id": "a", "_type": "t"}}]),
        "r1",
    )
    .await
    .expect("a commit");
    let Db::Sqlite { pool, .. } = &store.db else {
        panic!("a SQLite store");
    };
    let guard = |touched: Json| {
        sqlx::query(D1_UNCHANGED_SINCE_READ)
            .bind(DATASET)
            .bind("[]")
            .bind("[]")
            .bind(touched.to_string())
            .fetch_all(pool)
    };
    let as_read = json!([{"id": "a", "previousRev": "r1"}, {"id": "new", "previousRev": null}]);
    assert!(guard(as_read).await.is_ok());
    assert!(guard(json!([{"id": "a", "previousRev": "r0"}]))
        .await
        .is_err());
    assert!(guard(json!([{"id": "a", "previousRev": null}]))
        .await
        .is_err());
    store.finish().await;
}
