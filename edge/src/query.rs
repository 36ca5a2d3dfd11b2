//! `GET`/`POST /{version}/data/query/{dataset}`: a GROQ query over what the
//! caller may read, the filter pushed down to D1 by core, the answer kept
//! in the data center's cache until the dataset's next write (`cache.rs`).

use qanat_core::grants::ReadableStore;
use qanat_core::groq::store::{query, QueryError};
use qanat_core::groq::QueryOptions;
use qanat_core::request::{self, Pairs};
use serde_json::{json, Value};
use worker::{D1DatabaseSession, Date, Request, Response, Result, RouteContext};

use crate::d1;
use crate::documents::D1Documents;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::route;
use crate::{auth, cache};

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run(request, ctx, None).await)
}

/// `{query, params}` in the body, the other options still in the URL.
pub async fn post(mut request: Request, ctx: RouteContext<()>) -> Result<Response> {
    let body = match route::json_body(&mut request).await {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    respond(run(request, ctx, Some(body)).await)
}

async fn run(request: Request, ctx: RouteContext<()>, body: Option<Value>) -> EdgeResult<Response> {
    let start = Date::now().as_millis();
    let dataset = route::dataset(&ctx)?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let (text, params) = request::query_request(&pairs, body.as_ref())?;
    let return_query = request::flag(&pairs, "returnQuery", true)?;
    let db = d1::for_reads(&ctx.env, &request)?;
    // A cached answer is keyed by the dataset's last transaction, read with
    // the token and the grants: a hit is then one round trip to D1.
    let (grants, last) = match cache::cacheable(&text) {
        true => {
            let last = cache::last_transaction(&db, dataset)?;
            let (grants, last) = auth::grants_and(&request, &db, dataset, last).await?;
            (grants, Some(last))
        }
        false => (auth::grants(&request, &db, dataset).await?, None),
    };
    let perspective = request::value(&pairs, "perspective");
    let asked = cache::Asked {
        dataset,
        text: &text,
        params: &params,
        perspective,
        return_query,
    };
    let entry = match &last {
        Some(last) => Some(cache::Entry::new(&asked, &grants, last)?),
        None => None,
    };
    if let Some(entry) = &entry {
        if let Some(body) = entry.get().await? {
            return answer(body, "hit", &db);
        }
    }
    let options = QueryOptions {
        params,
        perspective: perspective.map(str::to_owned),
        now: Some(crate::clock::now_text()),
        identity: Some(grants.identity().to_owned()),
    };
    let documents = D1Documents { db: &db, dataset };
    let readable = ReadableStore::new(&documents, &grants);
    let result = match query(&readable, &text, &options).await {
        Ok(value) => value.to_json(),
        Err(QueryError::Groq(e)) => {
            return Err(EdgeError::Sanity {
                status: 400,
                body: e.to_json(&text),
            })
        }
        Err(QueryError::Store(e)) => return Err(e.into()),
    };
    let mut body = json!({"ms": Date::now().as_millis().saturating_sub(start), "result": result});
    if return_query {
        body["query"] = Value::String(text);
    }
    let text = body.to_string();
    if let Some(entry) = &entry {
        entry.put(&text).await?;
    }
    answer(text, "miss", &db)
}

/// A query's answer: its JSON `body`, whether it came from the cache, and
/// the bookmark of what was read.
fn answer(body: String, cache: &str, db: &D1DatabaseSession) -> EdgeResult<Response> {
    let mut answer = Response::ok(body)?;
    answer
        .headers_mut()
        .set("content-type", "application/json")?;
    answer.headers_mut().set("x-qanat-cache", cache)?;
    Ok(d1::with_bookmark(answer, db)?)
}
