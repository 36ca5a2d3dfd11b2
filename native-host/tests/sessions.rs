//! Passwords and session JWTs end to end: passwords set by a real `qanat`
//! process reading stdin (SQLite) or by the same store calls (PostgreSQL),
//! logins over the real router, sessions checked against grants, tampered
//! tokens refused, logout ending one session, and a second node on the
//! same PostgreSQL database accepting a session the first one made.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::Engine;
use qanat_host::auth::{jwt, password, session};
use qanat_host::store::{identity, Db};
use serde_json::{json, Value as Json};
use tower::ServiceExt;

const ADA_PASSWORD: &str = "ada's long password";
const VIC_PASSWORD: &str = "vic's long password";

fn router(db: &Db) -> Router {
    qanat_host::routes::router(Arc::new(qanat_host::serve::AppState::new(db.clone())))
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    bearer: Option<&str>,
    body: Option<Json>,
) -> (StatusCode, Json) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(bearer) = bearer {
        request = request.header("authorization", format!("Bearer {bearer}"));
    }
    let request = request
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).unwrap_or(Json::Null))
}

async fn login(app: &Router, body: Json) -> (StatusCode, Json) {
    call(
        app,
        "POST",
        "/v2026-05-04/auth/login/password",
        None,
        Some(body),
    )
    .await
}

async fn token_of(app: &Router, email: &str, password: &str) -> String {
    let (status, body) = login(app, json!({"email": email, "password": password})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().expect("a token").to_owned()
}

async fn me(app: &Router, bearer: &str) -> (StatusCode, Json) {
    call(app, "GET", "/v2021-06-07/users/me", Some(bearer), None).await
}

async fn create(app: &Router, bearer: &str, id: &str) -> StatusCode {
    let mutations = json!({"mutations": [{"create": {"_id": id, "_type": "post", "title": id}}]});
    call(
        app,
        "POST",
        "/v2025-02-19/data/mutate/production",
        Some(bearer),
        Some(mutations),
    )
    .await
    .0
}

/// The same JWT with one part replaced.
fn with_part(jwt: &str, index: usize, part: &str) -> String {
    let mut parts: Vec<String> = jwt.split('.').map(str::to_owned).collect();
    parts[index] = part.to_owned();
    parts.join(".")
}

fn b64(json: &Json) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string())
}

/// Users `ada` (editor) and `vic` (viewer) with passwords must exist in `db`.
async fn sessions_behave(db: &Db) {
    let app = router(db);

    // The stored password is a PHC Argon2id string, never the password.
    let (_, stored) = identity::password_hash(db, identity::LoginName::Id("ada"))
        .await
        .expect("read")
        .expect("ada exists");
    let stored = stored.expect("ada has a password");
    assert!(stored.starts_with("$argon2id$v=19$"), "{stored}");
    assert!(!stored.contains(ADA_PASSWORD));

    // Wrong password, unknown email, no password at all: one 401, one body.
    let wrong = login(
        &app,
        json!({"email": "ada@example.com", "password": "nope"}),
    )
    .await;
    let unknown = login(
        &app,
        json!({"email": "who@example.com", "password": ADA_PASSWORD}),
    )
    .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED, "{}", wrong.1);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.1["statusCode"], 401);

    let ada = token_of(&app, "ada@example.com", ADA_PASSWORD).await;
    // An address is the same address in any case.
    token_of(&app, "Ada@Example.COM", ADA_PASSWORD).await;
    assert!(jwt::looks_like_jwt(&ada), "{ada}");
    let (status, body) = login(&app, json!({"id": "ada", "password": ADA_PASSWORD})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ada_elsewhere = body["token"].as_str().expect("token").to_owned();
    let vic = token_of(&app, "vic@example.com", VIC_PASSWORD).await;

    let (status, body) = me(&app, &ada).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["id"].as_str(), body["role"].as_str()),
        (Some("ada"), Some("editor"))
    );
    let (status, body) = call(
        &app,
        "GET",
        &format!("/v1/auth/fetch?sid={ada}"),
        None,
        None,
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, json!({"token": ada})));

    // Grants apply to sessions as to tokens.
    assert_eq!(create(&app, &ada, "by-ada").await, StatusCode::OK);
    assert_eq!(create(&app, &vic, "by-vic").await, StatusCode::FORBIDDEN);
    let (status, body) = call(
        &app,
        "GET",
        "/v2025-02-19/data/doc/production/by-ada",
        Some(&vic),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["documents"][0]["_id"], "by-ada");

    // Tampered tokens.
    let claims: Json = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(ada.split('.').nth(1).expect("payload"))
            .expect("base64"),
    )
    .expect("claims");
    let mut as_vic = claims.clone();
    as_vic["sub"] = json!("vic");
    let mut later = claims.clone();
    later["exp"] = json!(claims["exp"].as_i64().expect("exp") + 1000);
    let signature = ada.split('.').nth(2).expect("signature");
    let mut flipped = signature.as_bytes().to_vec();
    flipped[0] = if flipped[0] == b'A' { b'B' } else { b'A' };
    let none_header = b64(&json!({"alg": "none", "typ": "JWT"}));
    let key = session::signing_key(db).await.expect("key");
    let expired = jwt::issue(
        &key,
        jwt::SessionClaims {
            sub: "ada".into(),
            sid: claims["sid"].as_str().expect("sid").into(),
        },
        1_000_000_000,
        60,
    )
    .expect("issue");
    for (what, bad) in [
        ("payload changed", with_part(&ada, 1, &b64(&as_vic))),
        ("expiry pushed", with_part(&ada, 1, &b64(&later))),
        (
            "signature changed",
            with_part(&ada, 2, &String::from_utf8(flipped).expect("ascii")),
        ),
        (
            "alg none",
            format!("{none_header}.{}.", ada.split('.').nth(1).expect("payload")),
        ),
        ("alg none, signature kept", with_part(&ada, 0, &none_header)),
        ("expired", expired),
    ] {
        let (status, body) = me(&app, &bad).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert_eq!(body["message"], "Session not found", "{what}");
    }

    // Logout ends that session only.
    let (status, _) = call(&app, "POST", "/v1/auth/logout", Some(&ada), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me(&app, &ada).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        create(&app, &ada, "after-logout").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(&app, &ada_elsewhere).await.0, StatusCode::OK);
}

fn qanat_with_stdin(dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qanat"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("QANAT_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn qanat");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("qanat ran")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_sqlite_with_passwords_from_the_cli() {
    let dir = std::env::temp_dir().join(format!("qanat-sessions-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (id, role, password) in [
        ("ada", "editor", ADA_PASSWORD),
        ("vic", "viewer", VIC_PASSWORD),
    ] {
        let email = format!("{id}@example.com");
        let out = qanat_with_stdin(
            &dir,
            &[
                "user",
                "add",
                id,
                "--name",
                id,
                "--email",
                &email,
                "--role",
                role,
                "--password-stdin",
            ],
            &format!("{password}\n"),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let empty = qanat_with_stdin(&dir, &["user", "password", "ada", "--password-stdin"], "\n");
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("empty"));

    let db = Db::open(&dir, None).await.expect("open");
    sessions_behave(&db).await;

    // A password change by the CLI ends the user's sessions and takes the new one.
    let app = router(&db);
    let before = token_of(&app, "vic@example.com", VIC_PASSWORD).await;
    let changed = qanat_with_stdin(
        &dir,
        &["user", "password", "vic", "--password-stdin"],
        "new one\n",
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    assert_eq!(me(&app, &before).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        login(
            &app,
            json!({"email": "vic@example.com", "password": VIC_PASSWORD})
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );
    token_of(&app, "vic@example.com", "new one").await;

    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_on_postgres_are_shared_by_every_node() {
    let store = common::postgres().await;
    let db = store.db.clone();
    for (id, role, secret) in [
        ("ada", "editor", ADA_PASSWORD),
        ("vic", "viewer", VIC_PASSWORD),
    ] {
        let user = identity::User {
            id: id.into(),
            name: id.into(),
            email: Some(format!("{id}@example.com")),
        };
        identity::create_user(&db, &user, false, "2026-01-01T00:00:00.000Z")
            .await
            .expect("user");
        identity::ensure_role(&db, role, role).await.expect("role");
        identity::assign_role(&db, id, role, "*")
            .await
            .expect("assign");
        let hash = password::hash(secret).expect("hash");
        assert!(identity::set_password_hash(&db, id, Some(&hash))
            .await
            .expect("set"));
    }
    sessions_behave(&db).await;

    // A second node: its own pool on the same database.
    let Db::Postgres(pool) = &db else {
        panic!("a PostgreSQL store")
    };
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .expect("name");
    let url = common::postgres_url();
    let (base, _) = url.split_once('?').unwrap_or((&url, ""));
    let base = &base[..base.rfind('/').expect("a database in the URL")];
    let second = Db::open(
        std::path::Path::new("unused"),
        Some(&format!("{base}/{name}")),
    )
    .await
    .expect("second node");
    let (node_a, node_b) = (router(&db), router(&second));
    let made_on_b = token_of(&node_b, "ada@example.com", ADA_PASSWORD).await;
    assert_eq!(me(&node_a, &made_on_b).await.0, StatusCode::OK);
    let (status, _) = call(&node_a, "POST", "/v1/auth/logout", Some(&made_on_b), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me(&node_b, &made_on_b).await.0, StatusCode::UNAUTHORIZED);
    second.close().await;
    store.finish().await;
}
