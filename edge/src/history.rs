//! `data/history/{dataset}/documents/{id}` (a document at a revision, a
//! time or its last revision) and `data/history/{dataset}/transactions/
//! {ids?}` (the log as NDJSON): core's history endpoints (`history`) over
//! D1 (`log.rs`).

use qanat_core::history::{
    document_at, transactions_ndjson, HistoryFailure, Point, TransactionsRequest,
};
use qanat_core::request::Pairs;
use worker::{Headers, Request, Response, Result, RouteContext};

use crate::d1;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::log::D1History;
use crate::{auth, route};

pub async fn document(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_document(request, ctx).await)
}

async fn run_document(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let dataset = route::dataset(&ctx)?;
    let id = route::segment(&ctx, "id")?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let point = Point::parse(&pairs)?;
    let db = d1::for_reads(&ctx.env, &request)?;
    let grants = auth::grants(&request, &db, dataset).await?;
    let history = D1History { db: &db, dataset };
    let answer = document_at(&history, &grants, &id, &point)
        .await
        .map_err(failed)?;
    Ok(Response::from_json(&answer)?)
}

pub async fn transactions(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_transactions(request, ctx).await)
}

async fn run_transactions(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let dataset = route::dataset(&ctx)?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let ids = match ctx.param("ids") {
        Some(_) => Some(route::segment(&ctx, "ids")?),
        None => None,
    };
    let asked = TransactionsRequest::new(ids.as_deref(), &pairs)?;
    let db = d1::for_reads(&ctx.env, &request)?;
    let grants = auth::grants(&request, &db, dataset).await?;
    let history = D1History { db: &db, dataset };
    let out = transactions_ndjson(&history, &grants, asked)
        .await
        .map_err(failed)?;
    let headers = Headers::new();
    headers.set("content-type", "application/x-ndjson")?;
    Ok(Response::ok(out)?.with_headers(headers))
}

fn failed(failure: HistoryFailure<EdgeError>) -> EdgeError {
    match failure {
        HistoryFailure::BadRequest(e) => e.into(),
        HistoryFailure::NotFound(message) => EdgeError::NotFound(message),
        HistoryFailure::Forbidden(message) => EdgeError::Forbidden(message),
        HistoryFailure::Corrupt(e) => EdgeError::internal(e),
        HistoryFailure::Store(e) => e,
    }
}
