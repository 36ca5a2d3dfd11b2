//! Identity end to end inside one process: users and tokens made the way
//! the CLI makes them, then requests through the real router on an
//! in-memory SQLite store.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

use axum::{
    body::{to_bytes, Body},
    http::{Request, StatusCode},
    Router,
};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::commands::{add_user, create_token};
use crate::cli::{StoreArgs, TokenCreateArgs, UserAddArgs};
use crate::routes::router;
use crate::serve::AppState;
use crate::store::{datasets, identity, Db};

struct Fixture {
    state: Arc<AppState>,
}

impl Fixture {
    async fn new() -> Fixture {
        Fixture {
            state: Arc::new(AppState::for_tests().await),
        }
    }

    fn db(&self) -> &Db {
        &self.state.db
    }

    fn router(&self) -> Router {
        router(self.state.clone())
    }

    /// A user holding `roles` on `dataset`, and a token for them.
    async fn user_with_token(&self, id: &str, roles: &[&str], dataset: &str) -> String {
        let args = UserAddArgs {
            id: id.to_owned(),
            name: format!("Name of {id}"),
            email: Some(format!("{id}@example.com")),
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            dataset: dataset.to_owned(),
            password_stdin: false,
            store: store_args(),
        };
        add_user(self.db(), &args).await.expect("user added");
        create_token(self.db(), &token_args(Some(id), &[]))
            .await
            .expect("token created")
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &str,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = self
            .router()
            .oneshot(request.body(Body::from(body.to_owned())).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        (status, value)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.request("GET", path, token, "").await
    }
}

fn store_args() -> StoreArgs {
    StoreArgs {
        data_dir: PathBuf::from("unused"),
        database_url: None,
    }
}

fn token_args(user: Option<&str>, roles: &[&str]) -> TokenCreateArgs {
    TokenCreateArgs {
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        user: user.map(str::to_owned),
        label: String::new(),
        dataset: "*".to_owned(),
        store: store_args(),
    }
}

/// Every permission the `/acl` body grants, whatever the filter.
fn acl_permissions(acl: &Value) -> BTreeSet<String> {
    acl.as_array()
        .expect("acl is an array")
        .iter()
        .flat_map(|entry| entry["permissions"].as_array().cloned().unwrap_or_default())
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn a_token_signs_in_as_its_user() {
    let f = Fixture::new().await;
    let token = f.user_with_token("ada", &["editor"], "*").await;
    let (status, me) = f.get("/v2021-06-07/users/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(
        me,
        json!({
            "id": "ada",
            "name": "Name of ada",
            "email": "ada@example.com",
            "provider": "sanity",
            "role": "editor",
            "roles": [{"name": "editor", "title": "Editor"}],
        })
    );
}

#[tokio::test]
async fn a_robot_token_acts_with_its_role() {
    let f = Fixture::new().await;
    let token = create_token(f.db(), &token_args(None, &["viewer"]))
        .await
        .expect("robot token");
    assert!(token.starts_with("qn_") && token.len() >= 35, "{token}");
    let (status, me) = f.get("/v1/users/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert!(
        me["id"].as_str().is_some_and(|id| id.starts_with("robot-")),
        "{me}"
    );
    assert_eq!(me["role"], "viewer");
    // Only the hash is stored.
    let stored: Vec<(String,)> = match f.db() {
        Db::Sqlite { pool, .. } => sqlx::query_as("SELECT token_sha256 FROM tokens")
            .fetch_all(pool)
            .await
            .expect("tokens"),
        Db::Postgres(_) => unreachable!("tests run on SQLite"),
    };
    assert_eq!(stored, [(super::token::sha256_hex(&token),)]);
}

#[tokio::test]
async fn bad_credentials_answer_401_and_no_credentials_are_anonymous() {
    let f = Fixture::new().await;
    let good = f.user_with_token("ada", &["administrator"], "*").await;
    let unknown = format!("{good}x");
    for (header, why) in [
        (format!("Bearer {unknown}"), "unknown token"),
        ("Bearer ".to_owned(), "empty token"),
        (format!("Basic {good}"), "wrong scheme"),
    ] {
        let response = f
            .router()
            .oneshot(
                Request::get("/v1/projects/p/datasets/production/acl")
                    .header("authorization", header)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{why}");
        let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        let body: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            body,
            json!({"statusCode": 401, "error": "Unauthorized", "message": "Session not found"}),
            "{why}"
        );
    }
    // No header: anonymous, which on a private dataset may do nothing.
    let (status, acl) = f.get("/v1/projects/p/datasets/production/acl", None).await;
    assert_eq!((status, acl), (StatusCode::OK, json!([])));
    let (status, _) = f.get("/v1/users/me", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_expired_token_is_refused_and_use_is_stamped_at_most_once_a_minute() {
    let f = Fixture::new().await;
    let token = f.user_with_token("ada", &["viewer"], "*").await;
    let Db::Sqlite { pool, .. } = f.db() else {
        unreachable!("tests run on SQLite")
    };
    let (status, _) = f.get("/v1/users/me", Some(&token)).await;
    assert_eq!(status, StatusCode::OK);
    let used: Option<String> = sqlx::query_scalar("SELECT last_used_at FROM tokens")
        .fetch_one(pool)
        .await
        .expect("row");
    assert!(used.is_some_and(|t| t.ends_with('Z')));

    // Rewritten only when more than a minute old.
    let last_used = |pool| async move {
        sqlx::query_scalar::<_, Option<String>>("SELECT last_used_at FROM tokens")
            .fetch_one(pool)
            .await
            .expect("row")
    };
    for (stored, rewritten) in [
        ("2001-01-01T00:00:00.000Z".to_owned(), true),
        (super::clock::now_rfc3339(), false),
    ] {
        sqlx::query("UPDATE tokens SET last_used_at = $1")
            .bind(&stored)
            .execute(pool)
            .await
            .expect("stamp");
        let (status, _) = f.get("/v1/users/me", Some(&token)).await;
        assert_eq!(status, StatusCode::OK);
        let now = last_used(pool).await;
        assert_eq!(
            now.as_deref() != Some(stored.as_str()),
            rewritten,
            "{stored}"
        );
    }

    sqlx::query("UPDATE tokens SET expires_at = '2001-01-01T00:00:00.000Z'")
        .execute(pool)
        .await
        .expect("expire");
    let (status, _) = f.get("/v1/users/me", Some(&token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn acl_follows_roles_and_acl_mode() {
    let f = Fixture::new().await;
    let admin = f.user_with_token("root", &["administrator"], "*").await;
    let viewer = f.user_with_token("vic", &["viewer"], "*").await;
    let staging_editor = f.user_with_token("sam", &["editor"], "staging").await;
    datasets::put(f.db(), "open", "public", "2024-01-01T00:00:00.000Z")
        .await
        .expect("dataset");

    let cases: [(&str, Option<&str>, &[&str]); 7] = [
        (
            "production",
            Some(&admin),
            &["read", "create", "update", "history", "editHistory"],
        ),
        ("production", Some(&viewer), &["read", "history"]),
        // A role held on one dataset gives nothing on another.
        ("production", Some(&staging_editor), &[]),
        (
            "staging",
            Some(&staging_editor),
            &["read", "create", "update", "history"],
        ),
        ("production", None, &[]),
        // Public datasets let everyone read, signed in or not.
        ("open", None, &["read"]),
        ("open", Some(&viewer), &["read", "history"]),
    ];
    for (dataset, token, expected) in cases {
        let (status, acl) = f
            .get(&format!("/v1/projects/p/datasets/{dataset}/acl"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{dataset}: {acl}");
        assert_eq!(
            acl_permissions(&acl),
            set(expected),
            "{dataset} {token:?}: {acl}"
        );
    }
}

#[tokio::test]
async fn custom_roles_give_their_grants_on_their_datasets() {
    let f = Fixture::new().await;
    identity::put_role(
        f.db(),
        &identity::RoleDefinition {
            name: "translator".to_owned(),
            title: "Translator".to_owned(),
            description: String::new(),
            grants: vec![
                (
                    "*".to_owned(),
                    "_type == \"post\"".to_owned(),
                    r#"["read"]"#.to_owned(),
                ),
                (
                    "staging".to_owned(),
                    "_type == \"post\"".to_owned(),
                    r#"["update"]"#.to_owned(),
                ),
            ],
        },
    )
    .await
    .expect("role stored");
    let token = f.user_with_token("tia", &["translator"], "*").await;
    for (dataset, expected) in [
        (
            "production",
            json!([{"filter": "_type == \"post\"", "permissions": ["read"]}]),
        ),
        (
            "staging",
            json!([{"filter": "_type == \"post\"", "permissions": ["read", "update"]}]),
        ),
    ] {
        let (status, acl) = f
            .get(
                &format!("/v1/projects/p/datasets/{dataset}/acl"),
                Some(&token),
            )
            .await;
        assert_eq!((status, acl), (StatusCode::OK, expected), "{dataset}");
    }
    let (_, me) = f.get("/v1/users/me", Some(&token)).await;
    assert_eq!(
        me["roles"],
        json!([{"name": "translator", "title": "Translator"}])
    );
}

#[tokio::test]
async fn only_administrators_manage_datasets() {
    let f = Fixture::new().await;
    let admin = f.user_with_token("root", &["administrator"], "*").await;
    let editor = f.user_with_token("ed", &["editor"], "*").await;
    let private = r#"{"aclMode": "private"}"#;
    let path = "/v2021-06-07/projects/p/datasets/staging";

    let refused = [
        ("PUT", None, StatusCode::UNAUTHORIZED),
        ("PUT", Some(&editor), StatusCode::FORBIDDEN),
        ("DELETE", Some(&editor), StatusCode::FORBIDDEN),
    ];
    for (method, token, status) in refused {
        let (got, body) = f
            .request(method, path, token.map(String::as_str), private)
            .await;
        assert_eq!(got, status, "{method} {token:?}: {body}");
    }

    let (status, body) = f.request("PUT", path, Some(&admin), private).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({"datasetName": "staging", "aclMode": "private"})
    );
    let (status, list) = f.get("/v1/projects/p/datasets", Some(&editor)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list, json!([{"name": "staging", "aclMode": "private"}]));

    let (status, body) = f
        .request(
            "PUT",
            "/v1/projects/p/datasets/Bad%20Name",
            Some(&admin),
            "",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = f
        .request("PUT", path, Some(&admin), r#"{"aclMode": "custom"}"#)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = f.request("DELETE", path, Some(&admin), "").await;
    assert_eq!((status, body), (StatusCode::OK, json!({"deleted": true})));
    let (status, _) = f.request("DELETE", path, Some(&admin), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = f.get("/v1/projects/p/datasets", Some(&admin)).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn users_by_id_and_the_project_members() {
    let f = Fixture::new().await;
    let ada = f.user_with_token("ada", &["administrator"], "*").await;
    f.user_with_token("bob", &["viewer"], "*").await;

    let (status, users) = f.get("/v1/users/bob,nobody,ada", Some(&ada)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        users,
        json!([
            {"id": "bob", "displayName": "Name of bob", "imageUrl": null, "email": "bob@example.com"},
            {"id": "ada", "displayName": "Name of ada", "imageUrl": null, "email": "ada@example.com"},
        ])
    );
    let (status, _) = f.get("/v1/users/ada", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let many = vec!["ada"; 101].join(",");
    let (status, _) = f.get(&format!("/v1/users/{many}"), Some(&ada)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (status, project) = f.get("/v1/projects/abc123", Some(&ada)).await;
    assert_eq!(status, StatusCode::OK, "{project}");
    assert_eq!(project["id"], "abc123");
    let members: Vec<(String, String, bool)> = project["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap_or_default().to_owned(),
                m["role"].as_str().unwrap_or_default().to_owned(),
                m["isCurrentUser"].as_bool().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        members,
        [
            ("ada".to_owned(), "administrator".to_owned(), true),
            ("bob".to_owned(), "viewer".to_owned(), false),
        ]
    );
}

#[tokio::test]
async fn login_endpoints() {
    let f = Fixture::new().await;
    let token = f.user_with_token("ada", &["editor"], "*").await;
    let response = f
        .router()
        .oneshot(
            Request::get("/v1/auth/providers")
                .header("host", "localhost:3333")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
    let providers: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(
        providers["providers"][0]["url"],
        "http://localhost:3333/v1/auth/login/token"
    );
    let (status, page) = f.get("/v1/auth/login/token", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page
        .as_str()
        .is_some_and(|p| p.contains("\"sid=\"") && p.contains("../users/me")));

    let (status, body) = f.get(&format!("/v1/auth/fetch?sid={token}"), None).await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "token": token })));
    let (status, _) = f.get("/v1/auth/fetch?sid=qn_nope", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = f.request("POST", "/v1/auth/logout", None, "").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        f.get("/v1/features", None).await,
        (StatusCode::OK, json!([]))
    );
    // Not an API version: not served.
    assert_eq!(f.get("/x1/features", None).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn cors_reflects_the_origin_and_answers_preflights() {
    let f = Fixture::new().await;
    let origin = "http://localhost:3333";
    let preflight = f
        .router()
        .oneshot(
            Request::builder()
                .method("OPTIONS")
                .uri("/v1/users/me")
                .header("origin", origin)
                .header("access-control-request-method", "GET")
                .header("access-control-request-headers", "authorization")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    assert_eq!(headers["access-control-allow-credentials"], "true");
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .expect("ascii");
    for name in [
        "authorization",
        "content-type",
        "x-sanity-app",
        "x-sanity-project-id",
    ] {
        assert!(allowed.contains(name), "{name} in {allowed}");
    }
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .is_ok_and(|m| m.contains("PUT") && m.contains("DELETE")));

    // Ordinary responses, errors included, carry the origin too.
    for path in ["/v1/features", "/v1/users/me", "/nope"] {
        let response = f
            .router()
            .oneshot(
                Request::get(path)
                    .header("origin", origin)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("infallible");
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            origin,
            "{path}"
        );
        assert_eq!(response.headers()["vary"], "Origin", "{path}");
    }
    // Without an Origin there is nothing to allow.
    let (status, _) = f.get("/v1/features", None).await;
    assert_eq!(status, StatusCode::OK);
    let response = f
        .router()
        .oneshot(
            Request::get("/v1/features")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert!(!response
        .headers()
        .contains_key("access-control-allow-origin"));
}
