//! One module per endpoint; [`router`] wires them to paths.

use std::sync::Arc;

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post, put},
    Router,
};

use crate::{error::AppError, serve::AppState};

pub mod acl;
pub mod actions;
pub mod cors;
pub mod data;
pub mod datasets;
pub mod doc;
pub mod export;
pub mod features;
pub mod history_document;
pub mod history_transactions;
pub mod index;
pub mod intake;
pub mod keyvalue;
pub mod listen;
pub mod login;
pub mod mutate;
pub mod password_login;
pub mod ping;
pub mod playground;
pub mod projects;
pub mod query;
pub mod users;
pub mod version;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(index::index))
        .route("/ping", get(ping::ping))
        .route("/playground", get(playground::redirect))
        .route("/playground/", get(playground::index))
        .route("/playground/{file}", get(playground::file))
        // Sanity answers under every API version (`/v1/ping`, `/v2021-06-07/ping`, …).
        .route("/{version}/ping", get(ping::versioned_ping))
        .route("/{version}/users/me", get(users::me))
        .route("/{version}/users/me/keyvalue", put(keyvalue::put))
        .route(
            "/{version}/users/me/keyvalue/{keys}",
            get(keyvalue::get).delete(keyvalue::delete),
        )
        .route("/{version}/users/{ids}", get(users::by_ids))
        .route("/{version}/projects/{project}", get(projects::project))
        .route(
            "/{version}/projects/{project}/datasets",
            get(datasets::list),
        )
        .route(
            "/{version}/projects/{project}/datasets/{dataset}",
            put(datasets::put).delete(datasets::delete),
        )
        .route(
            "/{version}/projects/{project}/datasets/{dataset}/acl",
            get(acl::acl),
        )
        .route("/{version}/auth/providers", get(login::providers))
        .route("/{version}/auth/login/token", get(login::token_page))
        .route(
            "/{version}/auth/login/password",
            get(password_login::page).post(password_login::login),
        )
        .route("/{version}/auth/fetch", get(login::fetch))
        .route("/{version}/auth/logout", post(login::logout))
        .route("/{version}/features", get(features::features))
        .route(
            "/{version}/intake/telemetry-status",
            get(intake::telemetry_status),
        )
        .route(
            "/{version}/data/query/{dataset}",
            get(query::get).post(query::post),
        )
        .route("/{version}/data/doc/{dataset}/{ids}", get(doc::get))
        .route("/{version}/data/mutate/{dataset}", post(mutate::post))
        .route("/{version}/data/actions/{dataset}", post(actions::post))
        .route("/{version}/data/listen/{dataset}", get(listen::get))
        .route("/{version}/data/export/{dataset}", get(export::get))
        .route(
            "/{version}/data/history/{dataset}/documents/{id}",
            get(history_document::get),
        )
        .route(
            "/{version}/data/history/{dataset}/transactions",
            get(history_transactions::all),
        )
        .route(
            "/{version}/data/history/{dataset}/transactions/{ids}",
            get(history_transactions::by_documents),
        )
        .layer(DefaultBodyLimit::max(data::MAX_BODY_BYTES))
        .fallback(not_found)
        // Outermost, so preflights and errors (404s too) carry CORS headers.
        .layer(middleware::from_fn(cors::cors))
        .with_state(state)
}

async fn not_found() -> AppError {
    AppError::NotFound("Not Found".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{
        body::{to_bytes, Body},
        http::{Request, StatusCode},
    };
    use tower::ServiceExt;

    async fn get(path: &str) -> (StatusCode, String) {
        let state = Arc::new(AppState::for_tests().await);
        let response = router(state)
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        let status = response.status();
        let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        (status, String::from_utf8(body.to_vec()).expect("utf-8"))
    }

    #[tokio::test]
    async fn ping_answers_pong() {
        assert_eq!(get("/ping").await, (StatusCode::OK, "PONG".to_owned()));
    }

    #[tokio::test]
    async fn versioned_ping_answers_pong() {
        for path in ["/v1/ping", "/v2021-06-07/ping", "/vX/ping"] {
            assert_eq!(
                get(path).await,
                (StatusCode::OK, "PONG".to_owned()),
                "{path}"
            );
        }
    }

    #[tokio::test]
    async fn ping_under_a_non_version_is_not_found() {
        let (status, body) = get("/data/ping").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("notFoundError"), "{body}");
    }

    #[tokio::test]
    async fn index_names_qanat_and_its_version() {
        let (status, body) = get("/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Qanat"), "{body}");
        assert!(body.contains(env!("CARGO_PKG_VERSION")), "{body}");
    }

    #[tokio::test]
    async fn unknown_paths_get_sanity_error_json() {
        let (status, body) = get("/nope").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let value: serde_json::Value = serde_json::from_str(&body).expect("json");
        assert_eq!(value["error"]["type"], "notFoundError");
    }
}
