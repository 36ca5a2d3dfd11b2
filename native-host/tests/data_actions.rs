//! `/data/actions` through the real router on SQLite and PostgreSQL: create,
//! edit and publish a draft, a version in a release, a delete that must see
//! the document's versions, and the error body of a failing action.

mod common;

use axum::http::StatusCode;
use axum::Router;
use qanat_host::store::Db;
use serde_json::{json, Value as Json};

const V: &str = "/vX/data";

use common::call;

async fn act(app: &Router, actions: Json) -> (StatusCode, Json) {
    call(
        app,
        "POST",
        &format!("{V}/actions/production"),
        Some(json!({"actions": actions})),
    )
    .await
}

/// The ids stored now, sorted.
async fn ids(app: &Router) -> Vec<String> {
    let (_, body) = call(
        app,
        "GET",
        &format!("{V}/query/production?query=*%5B%5D._id%20%7C%20order(%40)"),
        None,
    )
    .await;
    serde_json::from_value(body["result"].clone()).expect("a list of ids")
}

async fn actions(db: Db) {
    let app = common::admin_router(db).await;

    let (status, body) = act(
        &app,
        json!([
            {"actionType": "sanity.action.document.create", "publishedId": "post-1",
             "attributes": {"_id": "drafts.post-1", "_type": "post", "title": "Draft"}, "ifExists": "fail"},
            {"actionType": "sanity.action.document.edit", "draftId": "drafts.post-1",
             "publishedId": "post-1", "patch": {"set": {"title": "Edited"}}}
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["transactionId"].is_string(), "{body}");
    assert_eq!(ids(&app).await, ["drafts.post-1"]);

    let (status, body) = act(
        &app,
        json!([{"actionType": "sanity.action.document.publish",
                "draftId": "drafts.post-1", "publishedId": "post-1"}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&app).await, ["post-1"]);
    let (_, doc) = call(&app, "GET", &format!("{V}/doc/production/post-1"), None).await;
    assert_eq!(doc["documents"][0]["title"], "Edited", "{doc}");

    // A version in a release, then a delete that must name it to succeed.
    let (status, body) = act(
        &app,
        json!([{"actionType": "sanity.action.document.version.create", "publishedId": "post-1",
                "document": {"_id": "versions.r1.post-1", "_type": "post", "title": "In r1"}}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(ids(&app).await, ["post-1", "versions.r1.post-1"]);
    let (status, body) = act(
        &app,
        json!([{"actionType": "sanity.action.document.delete", "publishedId": "post-1"}]),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["type"], "actionError", "{body}");
    assert_eq!(ids(&app).await, ["post-1", "versions.r1.post-1"]);
    let (status, body) = act(
        &app,
        json!([{"actionType": "sanity.action.document.delete", "publishedId": "post-1",
                "includeVersions": ["versions.r1.post-1"]}]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(ids(&app).await.is_empty());

    // A dry run stores nothing.
    let (status, _) = call(
        &app,
        "POST",
        &format!("{V}/actions/production"),
        Some(json!({"dryRun": true, "actions": [
            {"actionType": "sanity.action.document.create", "publishedId": "post-2",
             "attributes": {"_id": "drafts.post-2", "_type": "post"}, "ifExists": "fail"}
        ]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ids(&app).await.is_empty());
}

#[tokio::test]
async fn actions_on_sqlite() {
    let store = common::sqlite().await;
    actions(store.db.clone()).await;
    store.finish().await;
}

#[tokio::test]
async fn actions_on_postgres() {
    let store = common::postgres().await;
    actions(store.db.clone()).await;
    store.finish().await;
}
