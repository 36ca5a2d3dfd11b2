//! `GET /ping` and `GET /v{version}/ping`: liveness, answered as the native
//! host and Sanity answer it.

use qanat_core::request;
use worker::{Request, Response, Result, RouteContext};

pub fn ping(_request: Request, _ctx: RouteContext<()>) -> Result<Response> {
    Response::ok("PONG")
}

/// Only `v…` segments are API versions; anything else is not found.
pub fn versioned_ping(_request: Request, ctx: RouteContext<()>) -> Result<Response> {
    match ctx.param("version") {
        Some(version) if request::is_api_version(version) => Response::ok("PONG"),
        _ => Response::error("Not Found", 404),
    }
}
