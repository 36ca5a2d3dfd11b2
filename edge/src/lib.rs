//! The Cloudflare Worker host: Qanat's HTTP API on D1, R2 and Durable
//! Objects, from the same `core` as the native host.
//!
//! So far it answers liveness (`ping.rs`); the data API follows (see the
//! README's status).

mod ping;

use worker::{event, Context, Env, Request, Response, Result, Router};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get("/ping", ping::ping)
        .get("/:version/ping", ping::versioned_ping)
        .run(request, env)
        .await
}
