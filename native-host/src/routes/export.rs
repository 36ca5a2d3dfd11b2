//! `GET /{version}/data/export/{dataset}`: every document the caller may
//! read, one JSON object per line (`types=a,b` keeps only those `_type`s).
//!
//! The body is streamed a page of documents at a time, so exporting a large
//! dataset holds one page in memory, not the dataset.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use futures_util::stream;
use qanat_core::grants::{Grants, Permission};
use serde_json::Value as Json;

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

/// Documents read from the store per page.
const PAGE: i64 = 1_000;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<impl IntoResponse, AppError> {
    data::api_version(&version)?;
    let grants = caller.grants(&state, &dataset).await?;
    let types = data::value(&pairs, "types").map(data::comma_list);
    let pages = Pages {
        state,
        dataset,
        grants,
        types,
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
    grants: Grants,
    types: Option<Vec<String>>,
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
            .documents_page(&self.dataset, &after, PAGE)
            .await
        {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!("export of {} failed: {e}", self.dataset);
                return Some((Err(std::io::Error::other(e.to_string())), self));
            }
        };
        if i64::try_from(page.len()).unwrap_or(i64::MAX) == PAGE {
            self.after = page.last().map(|(id, _)| id.clone());
        }
        let mut out = String::new();
        for (_, doc) in page.iter().filter(|(_, doc)| self.keeps(doc)) {
            out.push_str(&doc.to_string());
            out.push('\n');
        }
        Some((Ok(Bytes::from(out)), self))
    }

    fn keeps(&self, doc: &Json) -> bool {
        let typed = self.types.as_ref().is_none_or(|types| {
            doc.get("_type")
                .and_then(Json::as_str)
                .is_some_and(|t| types.iter().any(|wanted| wanted == t))
        });
        typed && self.grants.allows_json(Permission::Read, doc)
    }
}
