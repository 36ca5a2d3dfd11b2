//! `GET /{version}/data/export/{dataset}`: every document the caller may
//! read, one JSON object per line (core's `export` decides what is written).
//!
//! The body is streamed a page of documents at a time, so exporting a large
//! dataset holds one page in memory, not the dataset.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use futures_util::stream;
use qanat_core::export::{Export, PAGE};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    data::api_version(&version)?;
    let grants = caller.grants(&state, &dataset).await?;
    let pages = Pages {
        state,
        dataset,
        export: Export::new(grants, &pairs),
        after: Some(String::new()),
    };
    let body = Body::from_stream(stream::unfold(pages, Pages::next));
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body))
}

/// Where an export stream is: `after` is the last id sent, `None` once the
/// store has no more.
struct Pages {
    state: Arc<AppState>,
    dataset: String,
    export: Export,
    after: Option<String>,
}

impl Pages {
    /// The next page as NDJSON. A store error ends the body early, which
    /// the client sees as a cut-off response rather than a silent short
    /// export.
    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Pages)> {
        let after = self.after.take()?;
        let page = match self
            .state
            .db
            .documents_page(&self.dataset, &after, PAGE as i64)
            .await
        {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!("export of {} failed: {e}", self.dataset);
                return Some((Err(std::io::Error::other(e.to_string())), self));
            }
        };
        if page.len() == PAGE {
            self.after = page.last().map(|(id, _)| id.clone());
        }
        let out = self.export.ndjson(page.iter().map(|(_, doc)| doc));
        Some((Ok(Bytes::from(out)), self))
    }
}
