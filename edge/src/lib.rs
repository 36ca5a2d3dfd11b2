//! The Cloudflare Worker host: Qanat's HTTP API on D1, R2 and Durable
//! Objects, from the same `core` as the native host.
//!
//! - `ping.rs` — liveness.
//! - `query.rs` — `data/query` over D1, core's filter pushed down
//!   (`documents.rs` runs core's statements).
//! - `cache.rs` — query answers in the Cache API, keyed by the dataset's
//!   last transaction.
//! - `doc.rs` — `data/doc`.
//! - `export.rs` — `data/export`, NDJSON a page of D1 rows at a time.
//! - `mutate.rs` — `data/mutate` and `data/actions`, handed to the dataset's Durable Object
//!   (`writer.rs`), which orders writes and commits each in one D1 batch.
//! - `listen.rs` — `data/listen`: server-sent events from the commits the
//!   dataset's object sends over a hibernatable WebSocket.
//! - `history.rs` — `data/history` (documents at a point, transactions as
//!   NDJSON; `log.rs` reads the transaction log).
//! - `auth.rs` — API tokens and the grants they give (core decides).
//! - `users.rs` — `users/me`, `users/{ids}`; `sign_in.rs` — `auth/*` (API
//!   tokens only) and a dataset's `acl`.
//! - `project.rs` — `projects/{p}` (members), `features`, and the project's
//!   datasets; `keyvalue.rs` — `users/me/keyvalue`, Studio's settings.
//! - `d1.rs` — D1 sessions: bookmarks, so a client reads its own writes.
//! - `route.rs`, `error.rs`, `clock.rs` — what every route shares.
//!
//! The rest of the data API follows (see the README's status).

mod auth;
mod cache;
mod clock;
mod d1;
mod doc;
mod documents;
mod error;
mod export;
mod history;
mod keyvalue;
mod listen;
mod log;
mod mutate;
mod ping;
mod project;
mod query;
mod route;
mod sign_in;
mod users;
mod writer;

pub use writer::DatasetWriter;

use qanat_core::cors;
use worker::{event, Context, Env, Headers, Method, Request, Response, Result, Router};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    let origin = request.headers().get("origin")?;
    let preflight = request.method() == Method::Options
        && request.headers().has("access-control-request-method")?;
    let response = if preflight {
        let headers = Headers::new();
        for (name, value) in cors::PREFLIGHT {
            headers.set(name, value)?;
        }
        Response::empty()?.with_status(204).with_headers(headers)
    } else {
        route(request, env).await?
    };
    let Some(origin) = origin else {
        return Ok(response);
    };
    // A copy: the headers of an answer from a Durable Object are immutable.
    let headers = response.headers().clone();
    for (name, value) in cors::allow(&origin) {
        headers.append(name, &value)?;
    }
    Ok(response.with_headers(headers))
}

async fn route(request: Request, env: Env) -> Result<Response> {
    Router::new()
        .get("/ping", ping::ping)
        .get("/:version/ping", ping::versioned_ping)
        .get_async("/:version/data/query/:dataset", query::get)
        .post_async("/:version/data/query/:dataset", query::post)
        .get_async("/:version/data/doc/:dataset/:ids", doc::get)
        .post_async("/:version/data/mutate/:dataset", mutate::post)
        .get_async("/:version/data/listen/:dataset", listen::get)
        .get_async("/:version/data/export/:dataset", export::get)
        .get_async(
            "/:version/data/history/:dataset/documents/:id",
            history::document,
        )
        .get_async(
            "/:version/data/history/:dataset/transactions",
            history::transactions,
        )
        .get_async(
            "/:version/data/history/:dataset/transactions/:ids",
            history::transactions,
        )
        .post_async("/:version/data/actions/:dataset", mutate::post)
        .get_async("/:version/users/me", users::me)
        .put_async("/:version/users/me/keyvalue", keyvalue::put)
        .get_async("/:version/users/me/keyvalue/:keys", keyvalue::get)
        .delete_async("/:version/users/me/keyvalue/:keys", keyvalue::delete)
        .get_async("/:version/users/:ids", users::by_ids)
        .get_async("/:version/auth/providers", sign_in::providers)
        .get_async("/:version/auth/login/token", sign_in::token_page)
        .get_async("/:version/auth/fetch", sign_in::fetch)
        .post_async("/:version/auth/logout", sign_in::logout)
        .get_async("/:version/features", project::features)
        .get_async("/:version/projects/:project", project::get)
        .get_async("/:version/projects/:project/datasets", project::datasets)
        .put_async(
            "/:version/projects/:project/datasets/:dataset",
            project::put,
        )
        .delete_async(
            "/:version/projects/:project/datasets/:dataset",
            project::delete,
        )
        .get_async(
            "/:version/projects/:project/datasets/:dataset/acl",
            sign_in::acl,
        )
        .run(request, env)
        .await
}
