//! `GET /`: a page saying what answers on this port.

use std::sync::Arc;

use axum::{extract::State, response::Html};

use crate::{error::AppError, serve::AppState};

pub async fn index(State(state): State<Arc<AppState>>) -> Result<Html<String>, AppError> {
    let version = env!("CARGO_PKG_VERSION");
    // Shows the schema the store is on, and proves the store answers.
    let schema = state
        .db
        .schema_version()
        .await?
        .unwrap_or_else(|| "none".to_owned());
    Ok(Html(format!(
        "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Qanat</title>\n\
         <h1>Qanat {version}</h1>\n\
         <p>A Sanity-compatible Content Lake. The API answers under <code>/v&lt;version&gt;/</code>; \
         try <a href=\"/v1/ping\"><code>/v1/ping</code></a>.</p>\n\
         <p>Store: {}, schema <code>{}</code>.</p>\n",
        state.db.kind(),
        escape_html(&schema)
    )))
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
