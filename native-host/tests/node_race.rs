//! Two nodes on one PostgreSQL database, each with its own dataset writer,
//! taking writes to the same document at once. A node reads without the
//! dataset's lock and commits only if its reads still hold, so: no update
//! is lost (a write another node made stale is decided again on fresh
//! reads), the log has no gap, and `ifRevisionID` has exactly one winner
//! across both nodes. A node decides on the documents it remembers from its
//! own writes when it can; what another node changed since never decides a
//! write.

mod common;

use axum::http::StatusCode;
use axum::Router;
use common::call;
use serde_json::{json, Value as Json};

const MUTATE: &str = "/v2025-02-19/data/mutate/production";
const DOC: &str = "/v2025-02-19/data/doc/production/counter";

async fn mutate(app: &Router, mutations: Json) -> (StatusCode, Json) {
    call(app, "POST", MUTATE, Some(json!({ "mutations": mutations }))).await
}

/// Sends `mutations(i)` for every `i < count`, all at once, alternating
/// between the nodes; the statuses and bodies in order of `i`.
async fn at_once(
    nodes: &[Router; 2],
    count: usize,
    mutations: impl Fn(usize) -> Json,
) -> Vec<(StatusCode, Json)> {
    let tasks: Vec<_> = (0..count)
        .map(|i| {
            let app = nodes[i % 2].clone();
            let body = mutations(i);
            tokio::spawn(async move { mutate(&app, body).await })
        })
        .collect();
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("request task"));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_writing_at_once_lose_no_update() {
    let store = common::postgres().await;
    let second = store.another_node().await;
    let nodes = [
        common::admin_router(store.db.clone()).await,
        common::admin_router(second.clone()).await,
    ];
    let (status, body) = mutate(
        &nodes[0],
        json!([{"create": {"_id": "counter", "_type": "counter", "n": 0}}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    const INCREMENTS: usize = 40;
    for (status, body) in at_once(
        &nodes,
        INCREMENTS,
        |_| json!([{"patch": {"id": "counter", "inc": {"n": 1}}}]),
    )
    .await
    {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, doc) = call(&nodes[1], "GET", DOC, None).await;
    assert_eq!(doc["documents"][0]["n"], json!(INCREMENTS), "{doc}");
    assert_eq!(
        logged_seqs(&store.db).await,
        (1..=INCREMENTS as i64 + 1).collect::<Vec<_>>()
    );

    const CONTENDERS: usize = 12;
    let rev = doc["documents"][0]["_rev"]
        .as_str()
        .expect("_rev")
        .to_owned();
    let results = at_once(
        &nodes,
        CONTENDERS,
        |i| json!([{"patch": {"id": "counter", "ifRevisionID": rev, "set": {"winner": i}}}]),
    )
    .await;
    let mut winners = Vec::new();
    for (i, (status, body)) in results.into_iter().enumerate() {
        match status {
            StatusCode::OK => winners.push(i),
            StatusCode::CONFLICT => {
                assert_eq!(body["error"]["type"], "mutationError", "{body}");
            }
            _ => panic!("contender {i}: {status} {body}"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let (_, doc) = call(&nodes[0], "GET", DOC, None).await;
    assert_eq!(doc["documents"][0]["winner"], json!(winners[0]), "{doc}");

    second.close().await;
    store.finish().await;
}

/// The `seq` of every transaction in the log, in order.
async fn logged_seqs(db: &qanat_host::store::Db) -> Vec<i64> {
    let log = db
        .transactions_after("production", 0, 1000)
        .await
        .expect("log");
    log.iter().map(|t| t.seq).collect()
}

/// The document `id` as `node` serves it (`Null`: none).
async fn document(node: &Router, id: &str) -> Json {
    let path = format!("/v2025-02-19/data/doc/production/{id}");
    let (_, body) = call(node, "GET", &path, None).await;
    body["documents"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_node_remembers_never_decides_a_write_another_node_changed() {
    let store = common::postgres().await;
    let second = store.another_node().await;
    let [a, b] = [
        common::admin_router(store.db.clone()).await,
        common::admin_router(second.clone()).await,
    ];
    let ok = |(status, body): (StatusCode, Json)| {
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    };
    // A remembers `memo` at n = 0; B changes it.
    ok(mutate(
        &a,
        json!([{"create": {"_id": "memo", "_type": "t", "n": 0}}]),
    )
    .await);
    ok(mutate(&b, json!([{"patch": {"id": "memo", "set": {"n": 5}}}])).await);
    // An increment decided on what A remembers would make n = 1.
    ok(mutate(&a, json!([{"patch": {"id": "memo", "inc": {"n": 1}}}])).await);
    assert_eq!(document(&b, "memo").await["n"], json!(6));

    // A has never seen `fresh`: it assumes it absent, and is told otherwise.
    ok(mutate(&b, json!([{"create": {"_id": "fresh", "_type": "t"}}])).await);
    let (status, body) = mutate(&a, json!([{"create": {"_id": "fresh", "_type": "t"}}])).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["type"], "mutationError", "{body}");

    // A remembers `memo` as stored, B deletes it: a createIfNotExists that
    // changes nothing on what A remembers must not be skipped.
    ok(mutate(&b, json!([{"delete": {"id": "memo"}}])).await);
    ok(mutate(
        &a,
        json!([{"createIfNotExists": {"_id": "memo", "_type": "t", "n": 100}}]),
    )
    .await);
    assert_eq!(document(&b, "memo").await["n"], json!(100));

    // B changes `memo` again; A's remembered revision is not the one the
    // client names, the stored one is.
    ok(mutate(&b, json!([{"patch": {"id": "memo", "set": {"n": 7}}}])).await);
    let rev = document(&b, "memo").await["_rev"].clone();
    ok(mutate(
        &a,
        json!([{"patch": {"id": "memo", "ifRevisionID": rev, "inc": {"n": 1}}}]),
    )
    .await);
    assert_eq!(document(&b, "memo").await["n"], json!(8));

    // A node's own writes in a row: each decided on the one before.
    for _ in 0..5 {
        ok(mutate(&a, json!([{"patch": {"id": "memo", "inc": {"n": 1}}}])).await);
    }
    assert_eq!(document(&a, "memo").await["n"], json!(13));
    let seqs = logged_seqs(&store.db).await;
    assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gap");

    second.close().await;
    store.finish().await;
}
