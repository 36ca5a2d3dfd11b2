//! What several integration tests need: a fresh store of each kind.
//!
//! PostgreSQL comes from `QANAT_TEST_DATABASE_URL` (scripts/test.sh starts one
//! and exports it); each store gets a scratch database of its own, dropped
//! when the test ends. Without the variable the PostgreSQL tests fail rather
//! than skip, so a CI run can never pass without having run them.

#![allow(dead_code)]

use std::{path::PathBuf, str::FromStr};

use qanat_host::store::Db;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A store for one test, and what to clean up after it.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Database { url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// A SQLite file in a temporary folder (a file, not `:memory:`, so the pool
/// has several connections and writers really run concurrently).
pub async fn sqlite() -> TestDb {
    let dir = std::env::temp_dir().join(unique("qanat_test"));
    let db = Db::open(&dir, None).await.expect("open SQLite store");
    TestDb {
        db,
        cleanup: Cleanup::Dir(dir),
    }
}

pub fn postgres_url() -> String {
    std::env::var("QANAT_TEST_DATABASE_URL").unwrap_or_else(|_| {
        panic!(
            "QANAT_TEST_DATABASE_URL is not set: this test needs a PostgreSQL database. \
             Run scripts/test.sh, which starts one and exports the variable, or export \
             QANAT_TEST_DATABASE_URL=postgres://user:password@host:port/database yourself \
             (the role needs CREATEDB)."
        )
    })
}

/// A scratch PostgreSQL database, migrated by `Db::open` as `qanat serve` would.
pub async fn postgres() -> TestDb {
    let url = postgres_url();
    let name = unique("qanat_test");
    let admin = admin(&url).await;
    sqlx::raw_sql(&format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'"
    ))
    .execute(&admin)
    .await
    .unwrap_or_else(|e| panic!("CREATE DATABASE {name} failed (needs CREATEDB): {e}"));
    admin.close().await;
    let db = Db::open(
        std::path::Path::new("unused"),
        Some(&with_database(&url, &name)),
    )
    .await
    .unwrap_or_else(|e| panic!("open the scratch database {name}: {e}"));
    TestDb {
        db,
        cleanup: Cleanup::Database { url, name },
    }
}

async fn admin(url: &str) -> sqlx::PgPool {
    let options = PgConnectOptions::from_str(url)
        .unwrap_or_else(|e| panic!("QANAT_TEST_DATABASE_URL ({url}) is not a Postgres URL: {e}"));
    PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to QANAT_TEST_DATABASE_URL ({url}): {e}"))
}

/// `url` pointing at database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (without_query, query) = match url.split_once('?') {
        Some((u, q)) => (u, format!("?{q}")),
        None => (url, String::new()),
    };
    let base = match without_query.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((host, _)) => format!("{scheme}://{host}"),
            None => without_query.to_owned(),
        },
        None => without_query.to_owned(),
    };
    format!("{base}/{name}{query}")
}

impl TestDb {
    /// Another handle on this PostgreSQL database, with its own pool and
    /// dataset writers: what a second `qanat serve` on it would have.
    pub async fn another_node(&self) -> Db {
        match &self.cleanup {
            Cleanup::Database { url, name } => Db::open(
                std::path::Path::new("unused"),
                Some(&with_database(url, name)),
            )
            .await
            .unwrap_or_else(|e| panic!("open {name} again: {e}")),
            Cleanup::Dir(_) => panic!("only a PostgreSQL store is shared by several nodes"),
        }
    }

    /// Closes the store and removes what it made.
    pub async fn finish(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { url, name } => {
                let admin = admin(&url).await;
                drop_database(&admin, &name).await;
                admin.close().await;
            }
        }
    }
}

/// Drops the scratch database `name`. FORCE ends our own stray
/// connections, but a non-superuser may not end an autovacuum worker that
/// has just started on the database; that worker soon leaves, so the drop
/// is tried again.
pub async fn drop_database(admin: &sqlx::PgPool, name: &str) {
    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    let mut attempts = 0;
    while let Err(e) = sqlx::raw_sql(&drop).execute(admin).await {
        attempts += 1;
        if attempts == 20 {
            panic!("drop the scratch database {name}: {e}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}

/// The router over `db`, with every request sent as a fresh administrator
/// (a real token made the way `qanat token create` makes one).
pub async fn admin_router(db: Db) -> axum::Router {
    use qanat_host::cli::{StoreArgs, TokenCreateArgs};
    let args = TokenCreateArgs {
        roles: vec!["administrator".into()],
        user: None,
        label: "tests".into(),
        dataset: "*".into(),
        store: StoreArgs {
            data_dir: PathBuf::from("unused"),
            database_url: None,
        },
    };
    let token = qanat_host::auth::commands::create_token(&db, &args)
        .await
        .expect("an administrator token");
    let bearer =
        axum::http::HeaderValue::from_str(&format!("Bearer {token}")).expect("a header value");
    let app = qanat_host::routes::router(std::sync::Arc::new(qanat_host::serve::AppState::new(db)));
    app.layer(axum::middleware::map_request(
        move |mut request: axum::http::Request<axum::body::Body>| {
            let bearer = bearer.clone();
            async move {
                request
                    .headers_mut()
                    .insert(axum::http::header::AUTHORIZATION, bearer);
                request
            }
        },
    ))
}

/// One request through `app`: the status and the body as JSON (`null` when
/// the body is not JSON).
pub async fn call(
    app: &axum::Router,
    method: &str,
    uri: &str,
    body: Option<serde_json::Value>,
) -> (axum::http::StatusCode, serde_json::Value) {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(body.map_or_else(axum::body::Body::empty, |b| {
            axum::body::Body::from(b.to_string())
        }))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

/// `text` percent-encoded for a query string (every byte but the unreserved
/// ones).
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
