//! Bad input at every data endpoint gets a 4xx with Sanity's error body, and
//! the server keeps answering afterwards.

mod common;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use serde_json::Value as Json;
use tower::ServiceExt;

const V: &str = "/v2025-02-19/data";

async fn send(app: &Router, method: &str, uri: &str, body: Body) -> (StatusCode, Json) {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body)
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

/// `depth` nested arrays around a number, as JSON text.
fn nested(depth: usize) -> String {
    format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn bad_input_gets_sanity_errors_and_the_server_stays_up() {
    let store = common::sqlite().await;
    let app = common::admin_router(store.db.clone()).await;
    let deep_query = format!("{}1{}", "(".repeat(5_000), ")".repeat(5_000));
    let slow_query = "count(*[0..1][0..1] {\"a\": [0..1000000] }) + \
                      count(((((((((((((((((((((((((((((((((((((((((((((([1])))))))))))))))))))))))))))))))))))))))))))))))"
        .to_string();
    let oversized = format!(
        "{{\"mutations\": [{{\"create\": {{\"_id\": \"big\", \"_type\": \"t\", \"s\": \"{}\"}}}}]}}",
        "x".repeat(5 << 20)
    );
    let deep_doc = format!(
        "{{\"mutations\": [{{\"create\": {{\"_id\": \"deep\", \"_type\": \"t\", \"a\": {}}}}}]}}",
        nested(20_000)
    );
    let cases: Vec<(&str, String, Body, &str)> = vec![
        // (method, uri, body, what it is)
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from("{not json"),
            "malformed JSON",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from("{\"mutations\": 3}"),
            "mutations not an array",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from(r#"{"mutations": [{"explode": {}}]}"#),
            "unknown mutation",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from(r#"{"mutations": [{"create": {"_id": "bad id!", "_type": "t"}}]}"#),
            "invalid id",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from(r#"{"mutations": [{"patch": {"id": "x", "set": {"a[": 1}}}]}"#),
            "bad patch path",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from(oversized),
            "oversized body",
        ),
        (
            "POST",
            format!("{V}/mutate/production"),
            Body::from(deep_doc),
            "deep nesting",
        ),
        (
            "POST",
            format!("{V}/actions/production"),
            Body::from(r#"{"actions": [{"actionType": "sanity.action.nope"}]}"#),
            "unknown action",
        ),
        (
            "POST",
            format!("{V}/actions/production"),
            Body::from("[]"),
            "actions not an object",
        ),
        (
            "GET",
            format!("{V}/query/production?query=*%5B"),
            Body::empty(),
            "query parse error",
        ),
        (
            "GET",
            format!("{V}/query/production?query=*&perspective=drafts%2Craw"),
            Body::empty(),
            "invalid perspective",
        ),
        (
            "GET",
            format!("{V}/query/production?query=%24p&%24p=notjson"),
            Body::empty(),
            "param not JSON",
        ),
        (
            "GET",
            format!("{V}/query/production"),
            Body::empty(),
            "missing query",
        ),
        (
            "POST",
            format!("{V}/query/production"),
            Body::from("{\"query\": 5}"),
            "query not a string",
        ),
        (
            "GET",
            format!("{V}/query/production?query={}", deep_query),
            Body::empty(),
            "deeply nested query",
        ),
        (
            "GET",
            format!(
                "{V}/query/production?query={}",
                common::urlencode(&slow_query)
            ),
            Body::empty(),
            "a query that runs too long",
        ),
        (
            "GET",
            format!("{V}/listen/production?query=count(*)"),
            Body::empty(),
            "listen query that is not a filter",
        ),
        (
            "GET",
            format!("{V}/listen/production?query=*&includeResult=maybe"),
            Body::empty(),
            "bad listen option",
        ),
        (
            "GET",
            format!("{V}/history/production/documents/x?revision="),
            Body::empty(),
            "empty revision",
        ),
    ];
    for (method, uri, body, what) in cases {
        let (status, json) = send(&app, method, &uri, body).await;
        assert!(
            status.is_client_error(),
            "{what}: expected a 4xx, got {status}: {json}"
        );
        let error = &json["error"];
        let described = error["description"].as_str().is_some_and(|d| !d.is_empty())
            || json["message"].as_str().is_some_and(|m| !m.is_empty());
        assert!(described, "{what}: no error description in {json}");
        // Still up: a plain query answers.
        let (status, json) = send(
            &app,
            "GET",
            &format!("{V}/query/production?query=count(*)"),
            Body::empty(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "after {what}: {json}");
    }
}
