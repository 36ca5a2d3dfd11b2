//! The Cloudflare Worker host: Qanat's HTTP API on D1, R2 and Durable
//! Objects, from the same `core` as the native host.
//!
//! So far it answers liveness (`ping.rs`) and anonymous GROQ queries
//! (`query.rs`) over D1 (`documents.rs`); the rest of the data API follows
//! (see the README's status).

mod documents;
mod ping;
mod query;

use worker::{event, Context, Env, Request, Response, Result, Router};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/ping", ping::ping)
        .get("/:version/ping", ping::versioned_ping)
        .get_async("/:version/data/query/:dataset", query::get)
        .post_async("/:version/data/query/:dataset", query::post)
        .run(request, env)
        .await
}
