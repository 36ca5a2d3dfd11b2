//! `GET /{version}/data/doc/{dataset}/{id1,id2,…}`: documents by id. What
//! the caller sees of them is core's (`doc_response`); this reads them.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, State};
use axum::Json;
use qanat_core::doc_response::DocRequest;
use serde_json::Value;

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::error::AppError;
use crate::serve::AppState;

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset, ids)): Path<(String, String, String)>,
    Query(pairs): Query<Pairs>,
) -> Result<Json<Value>, AppError> {
    data::api_version(&version)?;
    let start = Instant::now();
    let request = DocRequest::new(&ids, &pairs)?;
    let grants = caller.grants(&state, &dataset).await?;
    let versions = if request.all_versions {
        state
            .db
            .all_version_ids(&dataset, &request.requested)
            .await?
    } else {
        Vec::new()
    };
    let ids = request.ids_to_read(versions);
    let found = state.db.read_documents(&dataset, &ids).await?;
    Ok(Json(request.response(
        &ids,
        &found,
        &grants,
        data::elapsed_ms(start),
    )))
}
