//! CORS as Sanity's API answers a browser: the request's `Origin` reflected
//! with credentials allowed, and preflight `OPTIONS` answered here.
//!
//! Sanity checks the origin against the project's CORS list; Qanat has no
//! such list yet and reflects any origin, which lets any web page that a
//! signed-in person visits send requests with their cookies (Qanat sets
//! none; tokens travel in the `Authorization` header, which a foreign page
//! cannot read).

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
};

const ALLOW_HEADERS: &str = "authorization, content-type, x-sanity-app, x-sanity-project-id";
const ALLOW_METHODS: &str = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

pub async fn cors(request: Request, next: Next) -> Response<Body> {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(ALLOW_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(ALLOW_HEADERS),
        );
        // Browsers cap this anyway (Chrome at 2 hours); ten minutes keeps
        // a changed policy from lingering.
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        response
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        allow(response.headers_mut(), origin);
    }
    response
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
        HeaderValue::from_static("true"),
    );
    // The answer depends on Origin: caches must not hand it to another site.
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}
