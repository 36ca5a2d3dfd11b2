//! D1 through its Sessions API, so that a client reads its own writes
//! while reads may go to the nearest read replica.
//!
//! A session is sequentially consistent, and its bookmark names a point
//! in the database's history. Every answer carries the bookmark of what
//! it read or wrote (`x-qanat-bookmark`); a client that sends it back
//! reads at least that new. A client that does not (`@sanity/client`,
//! Studio) reads from the primary when it sends a token, and anonymous
//! reads (a public site's traffic) may be served by any replica. Writes
//! always go to the primary, in the dataset's Durable Object.

use worker::{D1DatabaseSession, Env, Request, Response, Result};

/// The header a bookmark travels in, both ways.
pub const BOOKMARK: &str = "x-qanat-bookmark";

/// D1 for a request's reads.
pub fn for_reads(env: &Env, request: &Request) -> Result<D1DatabaseSession> {
    let db = env.d1("DB")?;
    if let Some(bookmark) = request.headers().get(BOOKMARK)? {
        // A bookmark D1 cannot read is the client's mistake, not a reason
        // to fail: the primary is at least as new as any bookmark.
        if let Ok(session) = db.with_session(Some(&bookmark)) {
            return Ok(session);
        }
    }
    let constraint = if request.headers().has("authorization")? {
        "first-primary"
    } else {
        "first-unconstrained"
    };
    db.with_session(Some(constraint))
}

/// D1 for a dataset's writes: the primary.
pub fn for_writes(env: &Env) -> Result<D1DatabaseSession> {
    env.d1("DB")?.with_session(Some("first-primary"))
}

/// `response` with the bookmark of what `db` read or wrote.
pub fn with_bookmark(mut response: Response, db: &D1DatabaseSession) -> Result<Response> {
    if let Some(bookmark) = db.get_bookmark()? {
        response.headers_mut().set(BOOKMARK, &bookmark)?;
    }
    Ok(response)
}
