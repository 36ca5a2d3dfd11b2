//! CORS as Sanity's API answers a browser (core's `cors`): the request's
//! `Origin` reflected with credentials allowed, and preflight `OPTIONS`
//! answered here.

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode},
    middleware::Next,
};
use qanat_core::cors;

pub async fn cors(request: Request, next: Next) -> Response<Body> {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        for (name, value) in cors::PREFLIGHT {
            response
                .headers_mut()
                .insert(name, HeaderValue::from_static(value));
        }
        response
    } else {
        next.run(request).await
    };
    if let Some(origin) = origin {
        allow(response.headers_mut(), &origin);
    }
    response
}

fn allow(headers: &mut HeaderMap, origin: &str) {
    for (name, value) in cors::allow(origin) {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(HeaderName::from_static(name), value);
        }
    }
}
