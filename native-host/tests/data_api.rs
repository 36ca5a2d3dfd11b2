//! The `/data` endpoints end to end through the real router, on SQLite and
//! on PostgreSQL: queries with params and perspectives, mutations and their
//! conflicts, documents by id, export, and listeners whose mendoza effects
//! rebuild each document.

mod common;

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use futures_util::StreamExt;
use qanat_core::mendoza;
use qanat_host::store::Db;
use serde_json::{json, Value as Json};
use tower::ServiceExt;

const V: &str = "/v2025-02-19/data";

fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", common::urlencode(k), common::urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

async fn call(app: &Router, method: &str, uri: &str, body: Option<Json>) -> (StatusCode, Json) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 16 << 20)
        .await
        .expect("body");
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, json)
}

async fn mutate(app: &Router, params: &str, mutations: Json) -> (StatusCode, Json) {
    call(
        app,
        "POST",
        &format!("{V}/mutate/production?{params}"),
        Some(json!({"mutations": mutations})),
    )
    .await
}

async fn query(app: &Router, pairs: &[(&str, &str)]) -> (StatusCode, Json) {
    call(
        app,
        "GET",
        &format!("{V}/query/production?{}", query_string(pairs)),
        None,
    )
    .await
}

/// The stream of a listen response, read a message (`…\n\n`) at a time.
struct Events {
    body: axum::body::BodyDataStream,
    buffer: String,
}

impl Events {
    async fn open(app: &Router, pairs: &[(&str, &str)], last_event_id: Option<&str>) -> Events {
        let mut request = Request::get(format!("{V}/listen/production?{}", query_string(pairs)));
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id);
        }
        let response = app
            .clone()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"text/event-stream"[..])
        );
        Events {
            body: response.into_body().into_data_stream(),
            buffer: String::new(),
        }
    }

    /// The next `(event name, data)`, skipping heartbeats.
    async fn next(&mut self) -> (String, Json) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let message: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    message
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(str::to_owned)
                };
                let (Some(event), Some(data)) = (field("event: "), field("data: ")) else {
                    continue;
                };
                return (
                    event,
                    serde_json::from_str(&data).expect("event data is JSON"),
                );
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.body.next())
                .await
                .expect("an event within 5 s")
                .expect("the stream is open")
                .expect("a chunk");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

async fn data_api(db: Db) {
    let app = common::admin_router(db).await;

    // Create.
    let (status, body) = mutate(
        &app,
        "returnIds=true",
        json!([
            {"create": {"_id": "post-1", "_type": "post", "title": "Hello", "views": 10}},
            {"create": {"_id": "post-2", "_type": "post", "title": "Second", "views": 3}},
            {"createOrReplace": {"_id": "drafts.post-1", "_type": "post", "title": "Hello draft", "views": 10}},
            {"create": {"_id": "author-1", "_type": "author", "name": "Ibn Battuta"}}
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let created_tx = body["transactionId"]
        .as_str()
        .expect("transactionId")
        .to_owned();
    assert_eq!(
        body["results"],
        json!([
            {"id": "post-1", "operation": "create"},
            {"id": "post-2", "operation": "create"},
            {"id": "drafts.post-1", "operation": "create"},
            {"id": "author-1", "operation": "create"}
        ])
    );

    // Query with a parameter, under perspectives.
    let q = r#"*[_type == "post" && views > $min] | order(_id){_id, title}"#;
    let (status, body) = query(&app, &[("query", q), ("$min", "5")]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["result"],
        json!([{"_id": "drafts.post-1", "title": "Hello draft"}, {"_id": "post-1", "title": "Hello"}])
    );
    assert_eq!(body["query"], q);
    assert!(body["ms"].is_u64(), "{body}");
    let (_, body) = query(
        &app,
        &[
            ("query", q),
            ("$min", "5"),
            ("perspective", "published"),
            ("returnQuery", "false"),
        ],
    )
    .await;
    assert_eq!(body["result"], json!([{"_id": "post-1", "title": "Hello"}]));
    assert!(body.get("query").is_none(), "{body}");
    let (_, body) = query(
        &app,
        &[("query", q), ("$min", "5"), ("perspective", "drafts")],
    )
    .await;
    assert_eq!(
        body["result"],
        json!([{"_id": "post-1", "title": "Hello draft"}])
    );

    // POST query, params in the body.
    let (status, body) = call(
        &app,
        "POST",
        &format!("{V}/query/production"),
        Some(json!({"query": "count(*[_type == $t])", "params": {"t": "post"}})),
    )
    .await;
    assert_eq!(
        (status, &body["result"]),
        (StatusCode::OK, &json!(3)),
        "{body}"
    );

    // A parse error.
    let (status, body) = query(&app, &[("query", "*[_type ==")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["type"], "queryParseError", "{body}");

    // A listener, opened before the patch.
    let mut events = Events::open(
        &app,
        &[
            ("query", "*[_type == \"post\"]"),
            ("includeResult", "true"),
            ("effectFormat", "mendoza"),
        ],
        None,
    )
    .await;
    let (name, _) = events.next().await;
    assert_eq!(name, "welcome");

    // Patch with the right revision, then the stale one.
    let before = call(&app, "GET", &format!("{V}/doc/production/post-1"), None)
        .await
        .1;
    let before = before["documents"][0].clone();
    let rev = before["_rev"].as_str().expect("_rev").to_owned();
    assert_eq!(rev, created_tx);
    let patch = json!([{"patch": {"id": "post-1", "ifRevisionID": rev, "set": {"title": "Hi"}, "inc": {"views": 1}}}]);
    let (status, body) = mutate(&app, "returnDocuments=true", patch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["results"][0]["operation"], "update");
    assert_eq!(body["results"][0]["document"]["title"], "Hi");
    let patched_tx = body["transactionId"]
        .as_str()
        .expect("transactionId")
        .to_owned();
    let (status, body) = mutate(&app, "", patch).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["type"], "mutationError", "{body}");
    assert_eq!(
        body["error"]["items"][0]["error"]["type"], "documentRevisionMismatchError",
        "{body}"
    );

    // The listener saw the patch; its effects turn the old document into the new.
    let (name, event) = events.next().await;
    assert_eq!(name, "mutation", "{event}");
    assert_eq!(event["documentId"], "post-1");
    assert_eq!(event["transactionId"], patched_tx.as_str());
    assert_eq!(event["transition"], "update");
    let rebuilt = mendoza::apply(&before, &event["effects"]["apply"]).expect("mendoza");
    assert_eq!(rebuilt, event["result"]);
    assert_eq!(rebuilt["title"], "Hi");
    assert_eq!(rebuilt["views"], 11);

    // A dry run changes nothing.
    let (status, _) = mutate(&app, "dryRun=true", json!([{"delete": {"id": "post-2"}}])).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(
        &app,
        "GET",
        &format!("{V}/doc/production/post-2,nope"),
        None,
    )
    .await;
    assert_eq!(body["documents"][0]["_id"], "post-2", "{body}");
    assert_eq!(
        body["omitted"],
        json!([{"id": "nope", "reason": "existence"}])
    );

    // Delete by query.
    let (status, body) = mutate(
        &app,
        "",
        json!([{"delete": {"query": "*[_type == $t && views < 5]", "params": {"t": "post"}}}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["results"],
        json!([{"id": "post-2", "operation": "delete"}])
    );
    let (name, event) = events.next().await;
    assert_eq!(
        (name.as_str(), &event["transition"]),
        ("mutation", &json!("disappear"))
    );

    // Export, all and by type.
    let export = |types: &'static str| {
        let app = app.clone();
        async move {
            let uri = format!("{V}/export/production{types}");
            let response = app
                .oneshot(Request::get(uri).body(Body::empty()).expect("request"))
                .await
                .expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
            let mut ids: Vec<String> = String::from_utf8_lossy(&bytes)
                .lines()
                .map(|line| {
                    serde_json::from_str::<Json>(line).expect("a JSON line")["_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect();
            ids.sort();
            ids
        }
    };
    assert_eq!(export("").await, ["author-1", "drafts.post-1", "post-1"]);
    assert_eq!(export("?types=author").await, ["author-1"]);

    // The transaction log as NDJSON, with effects on request.
    let history = |path: String| {
        let app = app.clone();
        async move {
            let response = app
                .oneshot(Request::get(path).body(Body::empty()).expect("request"))
                .await
                .expect("infallible");
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(|line| serde_json::from_str::<Json>(line).expect("a JSON line"))
                .collect::<Vec<_>>()
        }
    };
    let all = history(format!("{V}/history/production/transactions")).await;
    assert_eq!(
        all.len(),
        3,
        "create, patch, delete; the dry run left nothing"
    );
    assert_eq!(all[0]["id"], created_tx.as_str());
    assert_eq!(all[1]["documentIDs"], json!(["post-1"]));
    assert!(all[1]["mutations"].is_array() && all[1].get("effects").is_none());
    let one = history(format!(
        "{V}/history/production/transactions/post-1?effectFormat=mendoza&excludeMutations=true&fromTransaction={patched_tx}&toTransaction={patched_tx}"
    ))
    .await;
    assert_eq!(one.len(), 1);
    assert!(one[0].get("mutations").is_none());
    assert_eq!(
        mendoza::apply(&before, &one[0]["effects"]["post-1"]["apply"]).expect("mendoza")["title"],
        "Hi"
    );

    // A document at an earlier revision, and by time.
    let (status, body) = call(
        &app,
        "GET",
        &format!("{V}/history/production/documents/post-1?revision={created_tx}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["documents"][0], before);
    let (status, body) = call(
        &app,
        "GET",
        &format!("{V}/history/production/documents/post-2?time=2999-01-01T00:00:00Z"),
        None,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "post-2 is deleted by then: {body}"
    );
    let (status, body) = call(
        &app,
        "GET",
        &format!("{V}/history/production/documents/post-2?revision={created_tx}"),
        None,
    )
    .await;
    assert_eq!(
        (status, &body["documents"][0]["views"]),
        (StatusCode::OK, &json!(3)),
        "{body}"
    );

    // A resumed listener replays what came after its last event, then says welcomeback.
    let mut resumed = Events::open(
        &app,
        &[
            ("query", "*[_type == \"post\"]"),
            ("includeResult", "true"),
            ("enableResume", "true"),
        ],
        Some(&format!("{created_tx}#post-1")),
    )
    .await;
    let (name, event) = resumed.next().await;
    assert_eq!(name, "mutation", "{event}");
    assert_eq!(event["transactionId"], patched_tx.as_str());
    assert_eq!(event["result"]["title"], "Hi");
    assert_eq!(event["previousRev"], created_tx.as_str());
    let (name, event) = resumed.next().await;
    assert_eq!(
        (name.as_str(), &event["transition"]),
        ("mutation", &json!("disappear"))
    );
    assert_eq!(resumed.next().await.0, "welcomeback");
    let mut lost = Events::open(
        &app,
        &[("query", "*"), ("enableResume", "true")],
        Some("no-such-transaction#post-1"),
    )
    .await;
    assert_eq!(lost.next().await.0, "reset");

    // A body past the limit.
    let big = "x".repeat(5 << 20);
    let (status, body) = mutate(
        &app,
        "",
        json!([{"create": {"_id": "big", "_type": "t", "b": big}}]),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"]["type"].is_string(), "{body}");

    // Paths need an API version.
    let (status, _) = query(&app, &[("query", "1")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&app, "GET", "/data/data/query/production?query=1", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_api_on_sqlite() {
    let store = common::sqlite().await;
    data_api(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_api_on_postgres() {
    let store = common::postgres().await;
    data_api(store.db.clone()).await;
    store.finish().await;
}
