//! `GET /{version}/data/export/{dataset}`: every document the caller may
//! read, one JSON object per line (core's `export` decides what is
//! written), streamed a page of D1 rows at a time.

use qanat_core::export::{Export, PAGE};
use qanat_core::request::Pairs;
use serde::Deserialize;
use worker::{D1DatabaseSession, Headers, Request, Response, Result, RouteContext};

use crate::auth;
use crate::d1;
use crate::error::{respond, EdgeResult};
use crate::route;

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run(request, ctx).await)
}

async fn run(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let dataset = route::dataset(&ctx)?.clone();
    let db = d1::for_reads(&ctx.env, &request)?;
    let grants = auth::grants(&request, &db, &dataset).await?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let pages = Pages {
        db,
        dataset,
        export: Export::new(grants, &pairs),
        after: Some(String::new()),
    };
    let headers = Headers::new();
    headers.set("content-type", "application/x-ndjson")?;
    let body = futures_util::stream::unfold(pages, Pages::next);
    Ok(Response::from_stream(body)?.with_headers(headers))
}

/// Where an export stream is: `after` is the last id sent, `None` once D1
/// has no more. One session for every page.
struct Pages {
    db: D1DatabaseSession,
    dataset: String,
    export: Export,
    after: Option<String>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    body: String,
}

impl Pages {
    /// The next page as NDJSON. An error ends the body early, which the
    /// client sees as a cut-off response rather than a silent short export.
    async fn next(mut self) -> Option<(Result<Vec<u8>>, Pages)> {
        let after = self.after.take()?;
        let page = match self.page(&after).await {
            Ok(page) => page,
            Err(e) => return Some((Err(e), self)),
        };
        if page.len() == PAGE {
            self.after = page.last().map(|(id, _)| id.clone());
        }
        let out = self.export.ndjson(page.iter().map(|(_, doc)| doc));
        Some((Ok(out.into_bytes()), self))
    }

    async fn page(&self, after: &str) -> Result<Vec<(String, serde_json::Value)>> {
        let rows: Vec<Row> = self
            .db
            .prepare(
                "SELECT id, body FROM documents WHERE dataset = ?1 AND id > ?2 \
                 ORDER BY id LIMIT ?3",
            )
            .bind(&[
                self.dataset.as_str().into(),
                after.into(),
                (PAGE as f64).into(),
            ])?
            .all()
            .await?
            .results()?;
        rows.into_iter()
            .map(|row| {
                let doc = serde_json::from_str(&row.body)
                    .map_err(|e| worker::Error::RustError(format!("document {}: {e}", row.id)))?;
                Ok((row.id, doc))
            })
            .collect()
    }
}
