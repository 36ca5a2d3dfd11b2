//! `GET /{version}/data/history/{dataset}/documents/{id}`: a document at a
//! revision, a time or its last revision, rebuilt by core (`history`) from
//! the log and the document read from D1.

use std::collections::HashMap;

use qanat_core::history::{allows, last_states, state_at, Point};
use qanat_core::request::Pairs;
use serde_json::json;
use worker::{Request, Response, Result, RouteContext};

use crate::documents::D1Documents;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::{auth, log, route};

pub async fn document(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run(request, ctx).await)
}

async fn run(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let dataset = route::dataset(&ctx)?;
    let id = ctx
        .param("id")
        .ok_or_else(|| EdgeError::NotFound("Not found".to_owned()))?
        .clone();
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let point = Point::parse(&pairs)?;
    let db = ctx.env.d1("DB")?;
    let grants = auth::grants(&request, &db, dataset).await?;
    let ids = std::slice::from_ref(&id);
    let current = D1Documents { db: &db, dataset }
        .documents(ids)
        .await?
        .remove(&id)
        .map(|doc| doc.to_value());
    // The log is read when the answer needs it: a deleted document's last
    // state, or any point but today's.
    let log = if current.is_none() || point != Point::Last {
        log::touching(&db, dataset, ids).await?
    } else {
        Vec::new()
    };
    let stored: HashMap<_, _> = current
        .clone()
        .map(|doc| (id.clone(), doc))
        .into_iter()
        .collect();
    let Some(latest) = last_states(ids, stored, &log)
        .map_err(EdgeError::internal)?
        .remove(&id)
    else {
        return Err(no_such_revision(&id));
    };
    if !allows(&grants, &latest) {
        return Err(EdgeError::Forbidden(format!(
            "You may not read the history of {id}"
        )));
    }
    match state_at(&id, &point, current, latest, &log).map_err(EdgeError::internal)? {
        Some(doc) => Ok(Response::from_json(&json!({"documents": [doc]}))?),
        None => Err(no_such_revision(&id)),
    }
}

fn no_such_revision(id: &str) -> EdgeError {
    EdgeError::NotFound(format!("The document {id} has no such revision"))
}
