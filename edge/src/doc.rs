//! `GET /{version}/data/doc/{dataset}/{id1,id2,…}`: documents by id from
//! D1; what the caller sees of them is core's (`doc_response`).

use qanat_core::doc_response::{all_versions, versions_pattern, DocRequest};
use qanat_core::request::Pairs;
use serde::Deserialize;
use worker::{D1DatabaseSession, Date, Request, Response, Result, RouteContext};

use crate::auth;
use crate::d1;
use crate::documents::D1Documents;
use crate::error::{respond, EdgeResult};
use crate::route;

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run(request, ctx).await)
}

async fn run(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let start = Date::now().as_millis();
    let dataset = route::dataset(&ctx)?;
    let ids = route::segment(&ctx, "ids")?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let asked = DocRequest::new(&ids, &pairs)?;
    let db = d1::for_reads(&ctx.env, &request)?;
    let grants = auth::grants(&request, &db, dataset).await?;
    let versions = if asked.all_versions {
        version_ids(&db, dataset, &asked.requested).await?
    } else {
        Vec::new()
    };
    let ids = asked.ids_to_read(versions);
    let found = D1Documents { db: &db, dataset }.documents(&ids).await?;
    let ms = Date::now().as_millis().saturating_sub(start);
    Ok(Response::from_json(
        &asked.response(&ids, &found, &grants, ms),
    )?)
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The ids every version of `published_ids` may have (core's `all_versions`).
async fn version_ids(
    db: &D1DatabaseSession,
    dataset: &str,
    published_ids: &[String],
) -> EdgeResult<Vec<String>> {
    let mut ids = Vec::new();
    for published in published_ids {
        let matched: Vec<IdRow> = db
            .prepare("SELECT id FROM documents WHERE dataset = ?1 AND id LIKE ?2 ESCAPE '\\'")
            .bind(&[dataset.into(), versions_pattern(published).into()])?
            .all()
            .await?
            .results()?;
        ids.extend(all_versions(
            published,
            matched.into_iter().map(|row| row.id).collect(),
        ));
    }
    Ok(ids)
}
