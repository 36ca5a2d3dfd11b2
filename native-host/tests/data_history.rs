//! History, `/doc` options, the streamed export and Studio's per-user
//! settings through the real router, on SQLite and on PostgreSQL: every
//! selection the transactions endpoint offers, `lastRevision` of a deleted
//! document, and what a role that may not read a document never sees of it.

mod common;

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{header::AUTHORIZATION, Request, StatusCode};
use axum::Router;
use qanat_host::cli::{StoreArgs, TokenCreateArgs};
use qanat_host::serve::AppState;
use qanat_host::store::{identity, Db};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

const V: &str = "/v2025-02-19";

/// A caller: the router and the bearer it sends (none: anonymous).
struct Client {
    app: Router,
    bearer: Option<String>,
}

impl Client {
    async fn send(&self, method: &str, uri: &str, body: Option<Json>) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json");
        if let Some(bearer) = &self.bearer {
            request = request.header(AUTHORIZATION, format!("Bearer {bearer}"));
        }
        let request = request
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .expect("request");
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let bytes = to_bytes(response.into_body(), 64 << 20)
            .await
            .expect("body");
        (status, bytes.to_vec())
    }

    async fn json(&self, method: &str, uri: &str, body: Option<Json>) -> (StatusCode, Json) {
        let (status, bytes) = self.send(method, uri, body).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(Json::Null))
    }

    async fn ndjson(&self, uri: &str) -> Vec<Json> {
        let (status, bytes) = self.send("GET", uri, None).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        assert_eq!(status, StatusCode::OK, "{uri}: {text}");
        text.lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect()
    }

    /// Commits `mutations`; the transaction id.
    async fn mutate(&self, mutations: Json) -> String {
        let (status, body) = self
            .json(
                "POST",
                &format!("{V}/data/mutate/production"),
                Some(json!({"mutations": mutations})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["transactionId"].as_str().expect("an id").to_owned()
    }
}

async fn token(db: &Db, roles: &[&str], user: Option<&str>) -> String {
    let args = TokenCreateArgs {
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        user: user.map(str::to_owned),
        label: "tests".into(),
        dataset: "*".into(),
        store: StoreArgs {
            data_dir: "unused".into(),
            database_url: None,
        },
    };
    qanat_host::auth::commands::create_token(db, &args)
        .await
        .expect("a token")
}

async fn clients(db: Db) -> (Client, Client, Client) {
    identity::put_role(
        &db,
        &identity::RoleDefinition {
            name: "no-secrets".into(),
            title: "Reads all but secrets".into(),
            description: String::new(),
            grants: vec![(
                "*".into(),
                "!(secret == true)".into(),
                r#"["read", "history"]"#.into(),
            )],
        },
    )
    .await
    .expect("a custom role");
    let admin = token(&db, &["administrator"], None).await;
    let restricted = token(&db, &["no-secrets"], None).await;
    let app = qanat_host::routes::router(Arc::new(AppState::new(db)));
    let client = |bearer: Option<String>| Client {
        app: app.clone(),
        bearer,
    };
    (client(Some(admin)), client(Some(restricted)), client(None))
}

fn ids(lines: &[Json]) -> Vec<&str> {
    lines
        .iter()
        .map(|line| line["id"].as_str().expect("an id"))
        .collect()
}

async fn history(db: Db) {
    let (admin, restricted, _) = clients(db).await;
    let t1 = admin
        .mutate(json!([
            {"create": {"_id": "a", "_type": "post", "title": "A1"}},
            {"create": {"_id": "s", "_type": "post", "secret": true}}
        ]))
        .await;
    let t2 = admin
        .mutate(json!([{"patch": {"id": "a", "set": {"title": "A2"}}}]))
        .await;
    let t3 = admin
        .mutate(json!([{"create": {"_id": "b", "_type": "post", "title": "B1"}}]))
        .await;
    let t4 = admin.mutate(json!([{"delete": {"id": "b"}}])).await;
    let t5 = admin
        .mutate(json!([{"patch": {"id": "s", "set": {"n": 1}}}]))
        .await;
    let tx = |query: &str| format!("{V}/data/history/production/transactions{query}");

    // A slice the store cuts in SQL for a caller who reads everything; for
    // one who may not read `s`, `s` must not take the one slot.
    let newest = format!(
        "{V}/data/query/production?query=*%5B_type%20%3D%3D%20%22post%22%5D%20%7C%20order(_id%20desc)%5B0...1%5D._id"
    );
    let (_, body) = admin.json("GET", &newest, None).await;
    assert_eq!(body["result"], json!(["s"]), "{body}");
    let (_, body) = restricted.json("GET", &newest, None).await;
    assert_eq!(body["result"], json!(["a"]), "{body}");

    // Document ids in the path select the transactions that touched them.
    assert_eq!(ids(&admin.ndjson(&tx("/a")).await), [&t1, &t2]);
    assert_eq!(ids(&admin.ndjson(&tx("/a,b")).await), [&t1, &t2, &t3, &t4]);
    assert_eq!(
        ids(&admin.ndjson(&tx("?reverse=true&limit=2")).await),
        [&t5, &t4]
    );
    assert_eq!(
        ids(&admin
            .ndjson(&tx(&format!("?fromTransaction={t2}&toTransaction={t4}")))
            .await),
        [&t2, &t3, &t4]
    );
    let (status, _) = admin.send("GET", &tx("?fromTransaction=nope"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        ids(&admin.ndjson(&tx("?toTime=2000-01-01T00:00:00Z")).await),
        Vec::<&str>::new()
    );
    assert_eq!(
        ids(&admin.ndjson(&tx("?fromTime=2000-01-01T00:00:00Z")).await).len(),
        5
    );
    let (status, _) = admin.send("GET", &tx("?fromTime=yesterday"), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let author = admin.ndjson(&tx("/a")).await[0]["author"].clone();
    let author = author.as_str().expect("an author");
    assert_eq!(
        ids(&admin.ndjson(&tx(&format!("?authors={author}"))).await).len(),
        5
    );
    assert!(admin.ndjson(&tx("?authors=someone-else")).await.is_empty());

    // `excludeContent` drops the mutations but keeps the effects Studio diffs with.
    let lines = admin
        .ndjson(&tx("/a?excludeContent=true&effectFormat=mendoza"))
        .await;
    assert!(lines[1].get("mutations").is_none(), "{}", lines[1]);
    assert!(lines[1]["effects"]["a"]["apply"].is_array(), "{}", lines[1]);
    // `includeIdentifiedDocumentsOnly` keeps only the documents asked for.
    let lines = admin
        .ndjson(&tx(
            "/a?includeIdentifiedDocumentsOnly=true&effectFormat=mendoza",
        ))
        .await;
    assert_eq!(lines[0]["documentIDs"], json!(["a"]));
    assert!(lines[0]["effects"].get("s").is_none(), "{}", lines[0]);
    let lines = admin.ndjson(&tx("/a?effectFormat=mendoza")).await;
    assert_eq!(lines[0]["documentIDs"], json!(["a", "s"]));

    // A role that may not read `s` never sees it: not its id, not its
    // effects, not the mutations of a transaction that wrote it.
    let lines = restricted.ndjson(&tx("?effectFormat=mendoza")).await;
    assert_eq!(ids(&lines), [&t1, &t2, &t3, &t4], "t5 wrote only s");
    assert_eq!(lines[0]["documentIDs"], json!(["a"]));
    assert!(lines[0].get("mutations").is_none(), "{}", lines[0]);
    assert!(lines[0]["effects"].get("s").is_none(), "{}", lines[0]);
    assert!(
        lines[1]["mutations"].is_array(),
        "t2 wrote only a: {}",
        lines[1]
    );
    assert!(restricted.ndjson(&tx("/s")).await.is_empty());
    // `limit` counts what the caller sees: t5 takes no place.
    let newest = restricted.ndjson(&tx("?reverse=true&limit=2")).await;
    assert_eq!(ids(&newest), [&t4, &t3]);
    assert_eq!(
        ids(&restricted.ndjson(&tx("?limit=3")).await),
        [&t1, &t2, &t3]
    );
    let all = String::from_utf8(
        restricted
            .send("GET", &tx("?effectFormat=mendoza"), None)
            .await
            .1,
    )
    .expect("utf-8");
    assert!(!all.contains("secret"), "{all}");

    // Documents at a point in their history.
    let doc = |query: &str| format!("{V}/data/history/production/documents/{query}");
    let (status, body) = admin
        .json("GET", &doc(&format!("a?revision={t1}")), None)
        .await;
    assert_eq!(
        (status, &body["documents"][0]["title"]),
        (StatusCode::OK, &json!("A1"))
    );
    let (status, body) = admin.json("GET", &doc("a?lastRevision=true"), None).await;
    assert_eq!(
        (status, &body["documents"][0]["title"]),
        (StatusCode::OK, &json!("A2"))
    );
    // A deleted document's last revision is its state before the deletion.
    let (status, body) = admin.json("GET", &doc("b?lastRevision=true"), None).await;
    assert_eq!(
        (status, &body["documents"][0]["title"]),
        (StatusCode::OK, &json!("B1")),
        "{body}"
    );
    let (status, _) = admin
        .json("GET", &doc(&format!("b?revision={t4}")), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "b does not exist after t4");
    let (status, body) = admin
        .json("GET", &doc("a?time=2999-01-01T00:00:00Z"), None)
        .await;
    assert_eq!(
        (status, &body["documents"][0]["title"]),
        (StatusCode::OK, &json!("A2"))
    );
    let (status, _) = admin
        .json("GET", &doc("a?time=2000-01-01T00:00:00Z"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a did not exist yet");
    for bad in [
        format!("a?revision={t1}&lastRevision=true"),
        "a".to_owned(),
        "a?time=soon".to_owned(),
    ] {
        let (status, body) = admin.json("GET", &doc(&bad), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, body) = restricted
        .json("GET", &doc(&format!("s?revision={t1}")), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = restricted
        .json("GET", &doc("a?lastRevision=true"), None)
        .await;
    assert_eq!(
        (status, &body["documents"][0]["title"]),
        (StatusCode::OK, &json!("A2"))
    );
}

async fn doc_options(db: Db) {
    let (admin, restricted, _) = clients(db).await;
    admin
        .mutate(json!([
            {"create": {"_id": "p", "_type": "post", "title": "Published"}},
            {"create": {"_id": "drafts.p", "_type": "post", "title": "Draft"}},
            {"create": {"_id": "versions.r1.p", "_type": "post", "title": "In r1"}},
            {"create": {"_id": "versions.r1.x.p", "_type": "post", "title": "Another document"}},
            {"create": {"_id": "versions.r2.p", "_type": "post", "title": "In r2", "secret": true}}
        ]))
        .await;
    let doc = |query: &str| format!("{V}/data/doc/production/{query}");
    let (_, body) = admin.json("GET", &doc("p,q"), None).await;
    assert_eq!(body["documents"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["omitted"], json!([{"id": "q", "reason": "existence"}]));

    let (_, body) = admin
        .json("GET", &doc("p,q?includeAllVersions=true"), None)
        .await;
    let mut got: Vec<&str> = body["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| d["_id"].as_str().expect("an id"))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        ["drafts.p", "p", "versions.r1.p", "versions.r2.p"],
        "{body}"
    );
    assert_eq!(
        body["omitted"],
        json!([{"id": "q", "reason": "existence"}]),
        "{body}"
    );
    let (_, body) = restricted
        .json("GET", &doc("p?includeAllVersions=true"), None)
        .await;
    assert_eq!(
        body["documents"].as_array().map(Vec::len),
        Some(3),
        "{body}"
    );
    assert_eq!(
        body["omitted"],
        json!([{"id": "versions.r2.p", "reason": "permission"}])
    );

    let (_, body) = admin.json("GET", &doc("p?excludeContent=true"), None).await;
    let only = &body["documents"][0];
    assert_eq!(only["_id"], "p");
    assert!(
        only["_rev"].is_string() && only["_updatedAt"].is_string(),
        "{only}"
    );
    assert!(only.get("title").is_none(), "{only}");
    let (status, _) = admin
        .json("GET", &doc("p?excludeContent=maybe"), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn export_streams(db: Db) {
    let (admin, restricted, _) = clients(db).await;
    // More than one page of the stream (a page is 1,000 documents).
    let count = 2_345;
    let mutations: Vec<Json> = (0..count)
        .map(|i| {
            json!({"create": {"_id": format!("doc-{i:05}"), "_type": if i % 2 == 0 { "even" } else { "odd" },
                              "secret": i % 100 == 0}})
        })
        .collect();
    admin.mutate(Json::Array(mutations)).await;
    let export = |query: &str| format!("{V}/data/export/production{query}");
    let lines = admin.ndjson(&export("")).await;
    let mut got: Vec<&str> = lines
        .iter()
        .map(|d| d["_id"].as_str().expect("id"))
        .collect();
    assert_eq!(got.len(), count, "every document once");
    got.sort_unstable();
    got.dedup();
    assert_eq!(got.len(), count, "no document twice");
    assert_eq!(
        admin.ndjson(&export("?types=even")).await.len(),
        count.div_ceil(2)
    );
    let hidden = restricted.ndjson(&export("")).await;
    assert_eq!(hidden.len(), count - count.div_ceil(100));
    assert!(hidden.iter().all(|d| d["secret"] == false));
}

async fn keyvalue(db: Db) {
    let other = token(&db, &["viewer"], None).await;
    let (admin, _, anonymous) = clients(db).await;
    let other = Client {
        app: admin.app.clone(),
        bearer: Some(other),
    };
    let kv = |rest: &str| format!("{V}/users/me/keyvalue{rest}");
    let (status, body) = admin
        .json("GET", &kv("/studio.sort,studio.recent"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!([{"key": "studio.sort", "value": null}, {"key": "studio.recent", "value": null}])
    );
    let (status, body) = admin
        .json(
            "PUT",
            &kv(""),
            Some(json!([{"key": "studio.sort", "value": {"by": "title"}}])),
        )
        .await;
    assert_eq!(
        (status, &body["value"]),
        (StatusCode::OK, &json!({"by": "title"}))
    );
    let (_, body) = admin
        .json("GET", &kv("/studio.recent,studio.sort"), None)
        .await;
    assert_eq!(
        body,
        json!([{"key": "studio.recent", "value": null}, {"key": "studio.sort", "value": {"by": "title"}}])
    );
    // Another user's settings are their own.
    let (_, body) = other.json("GET", &kv("/studio.sort"), None).await;
    assert_eq!(body, json!([{"key": "studio.sort", "value": null}]));
    let (status, _) = admin.json("DELETE", &kv("/studio.sort"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, body) = admin.json("GET", &kv("/studio.sort"), None).await;
    assert_eq!(body, json!([{"key": "studio.sort", "value": null}]));
    let (status, _) = anonymous.json("GET", &kv("/studio.sort"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    for bad in [
        json!({"key": "x"}),
        json!([{"value": 1}]),
        json!([{"key": ""}]),
    ] {
        let (status, body) = admin.json("PUT", &kv(""), Some(bad.clone())).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    let (status, body) = anonymous
        .json("GET", &format!("{V}/intake/telemetry-status"), None)
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({"status": "denied"}))
    );
}

macro_rules! on_both_stores {
    ($($name:ident),*) => {
        mod sqlite {
            $(#[tokio::test]
            async fn $name() {
                let store = super::common::sqlite().await;
                super::$name(store.db.clone()).await;
                store.finish().await;
            })*
        }
        mod postgres {
            $(#[tokio::test]
            async fn $name() {
                let store = super::common::postgres().await;
                super::$name(store.db.clone()).await;
                store.finish().await;
            })*
        }
    };
}

on_both_stores!(history, doc_options, export_streams, keyvalue);
