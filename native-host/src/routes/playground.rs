//! `/playground/`: the in-browser GROQ playground's static files
//! (`web-demo/`, built by `scripts/playground.sh`), from the folder
//! `--playground-dir` names.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::serve::AppState;

pub async fn redirect() -> Redirect {
    // Relative URLs in the page resolve against the folder, not its parent.
    Redirect::permanent("/playground/")
}

pub async fn index(state: State<Arc<AppState>>) -> Response {
    file(state, Path("index.html".to_owned())).await
}

/// One of the page's files. Names are plain file names: no folders, no
/// leading dot, so nothing outside the folder can be named.
pub async fn file(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Response {
    let plain = !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if !plain {
        return (StatusCode::NOT_FOUND, "No such file").into_response();
    }
    match tokio::fs::read(state.playground.join(&name)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&name))], bytes).into_response(),
        Err(_) if !state.playground.is_dir() => (
            StatusCode::NOT_FOUND,
            format!(
                "The playground is not built in {}: run `bash scripts/playground.sh`",
                state.playground.display()
            ),
        )
            .into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "No such file").into_response(),
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("wasm") => "application/wasm",
        _ => "application/octet-stream",
    }
}
