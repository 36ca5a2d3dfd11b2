//! CORS as Sanity's API answers a browser, for every host: the request's
//! `Origin` reflected with credentials allowed, and preflight `OPTIONS`
//! answered before routing.
//!
//! Sanity checks the origin against the project's CORS list; Qanat has no
//! such list yet and reflects any origin, which lets any web page that a
//! signed-in person visits send requests with their cookies (Qanat sets
//! none; tokens travel in the `Authorization` header, which a foreign page
//! cannot read).

/// The headers of a `204` answer to a preflight (`OPTIONS` with
/// `Access-Control-Request-Method`).
pub const PREFLIGHT: [(&str, &str); 3] = [
    (
        "access-control-allow-methods",
        "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS",
    ),
    (
        "access-control-allow-headers",
        "authorization, content-type, x-sanity-app, x-sanity-project-id, x-qanat-bookmark",
    ),
    // Browsers cap this anyway (Chrome at 2 hours); ten minutes keeps a
    // changed policy from lingering.
    ("access-control-max-age", "600"),
];

/// The headers every answer to a request with `origin` carries.
pub fn allow(origin: &str) -> [(&'static str, String); 4] {
    [
        ("access-control-allow-origin", origin.to_owned()),
        ("access-control-allow-credentials", "true".to_owned()),
        // Read-your-writes at the edge: a browser client may carry it back.
        (
            "access-control-expose-headers",
            "x-qanat-bookmark".to_owned(),
        ),
        // The answer depends on Origin: caches must not hand it to another
        // site.
        ("vary", "Origin".to_owned()),
    ]
}
