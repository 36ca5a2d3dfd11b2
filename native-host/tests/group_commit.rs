//! Writes that queue up for a dataset's writer on PostgreSQL are committed
//! together (`dataset/writer/group.rs`): each must still be answered as if
//! it had been committed alone. Increments all count, a failed
//! `ifRevisionID` fails only its own transaction, a transaction id used
//! twice is stored once, and the log has no gap.

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::call;
use qanat_host::store::Db;
use serde_json::{json, Value as Json};

const MUTATE: &str = "/v2025-02-19/data/mutate/production";

async fn mutate(app: &Router, body: Json) -> (StatusCode, Json) {
    call(app, "POST", MUTATE, Some(body)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn queued_writes_commit_together_and_each_is_answered_alone() {
    let store = common::postgres().await;
    let app = common::admin_router(store.db.clone()).await;
    let (status, body) = mutate(
        &app,
        json!({"mutations": [{"create": {"_id": "counter", "_type": "counter", "n": 0}}]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    const INCREMENTS: usize = 40;
    const CREATES: usize = 10;
    // Every kind of write at once, so that they queue behind each other.
    let bodies: Vec<Json> = (0..INCREMENTS)
        .map(|_| json!({"mutations": [{"patch": {"id": "counter", "inc": {"n": 1}}}]}))
        .chain((0..CREATES).map(|i| {
            json!({"mutations": [{"create": {"_id": format!("new-{i}"), "_type": "t", "i": i}}]})
        }))
        .chain((0..2).map(|i| {
            json!({"mutations": [{"patch": {"id": "counter", "ifRevisionID": "not-its-revision", "set": {"lost": i}}}]})
        }))
        .chain((0..2).map(|i| {
            json!({"transactionId": "chosen-once", "mutations": [{"createOrReplace": {"_id": format!("twice-{i}"), "_type": "t"}}]})
        }))
        .collect();
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let app = app.clone();
            tokio::spawn(async move { mutate(&app, body).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("request task"));
    }

    let (writes, rest) = results.split_at(INCREMENTS + CREATES);
    for (status, body) in writes {
        assert_eq!(*status, StatusCode::OK, "{body}");
    }
    let (stale, twice) = rest.split_at(2);
    for (status, body) in stale {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["type"], "mutationError", "{body}");
    }
    let chosen: Vec<_> = twice
        .iter()
        .filter(|(status, _)| *status == StatusCode::OK)
        .collect();
    assert_eq!(
        chosen.len(),
        1,
        "one of the two with the same id: {twice:?}"
    );

    let (_, doc) = call(
        &app,
        "GET",
        "/v2025-02-19/data/doc/production/counter",
        None,
    )
    .await;
    assert_eq!(doc["documents"][0]["n"], json!(INCREMENTS), "{doc}");
    assert!(doc["documents"][0].get("lost").is_none(), "{doc}");
    for i in 0..CREATES {
        let path = format!("/v2025-02-19/data/doc/production/new-{i}");
        let (_, doc) = call(&app, "GET", &path, None).await;
        assert_eq!(doc["documents"][0]["i"], json!(i), "{doc}");
    }

    let Db::Postgres(pool) = &store.db else {
        panic!("a PostgreSQL store");
    };
    let expected = (1 + INCREMENTS + CREATES + 1) as i64;
    let seqs: Vec<i64> = sqlx::query_scalar(
        "SELECT seq FROM transactions WHERE dataset = 'production' ORDER BY seq",
    )
    .fetch_all(pool)
    .await
    .expect("the log");
    assert_eq!(
        seqs,
        (1..=expected).collect::<Vec<_>>(),
        "no gap, nothing twice"
    );
    let touched: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM transaction_documents WHERE dataset = 'production'",
    )
    .fetch_one(pool)
    .await
    .expect("touched rows");
    assert_eq!(touched, expected, "one touched document per transaction");
    // Rows one PostgreSQL transaction wrote share its id: fewer ids than
    // log entries means some writes were committed together.
    let commits: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT xmin::text) FROM transactions WHERE dataset = 'production'",
    )
    .fetch_one(pool)
    .await
    .expect("transaction ids");
    assert!(
        commits < expected,
        "{commits} commits for {expected} transactions"
    );

    store.finish().await;
}
