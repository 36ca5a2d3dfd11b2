//! `POST /{version}/data/mutate/{dataset}`: handed, as it came, to the
//! dataset's Durable Object (`writer.rs`), which orders and commits it.

use worker::{Request, Response, Result, RouteContext};

use crate::error::respond;
use crate::{route, writer};

pub async fn post(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    let dataset = match route::dataset(&ctx) {
        Ok(dataset) => dataset,
        Err(e) => return e.into_response(),
    };
    let object = ctx.env.durable_object(writer::BINDING)?;
    respond(
        object
            .get_by_name(dataset)?
            .fetch_with_request(request)
            .await
            .map_err(Into::into),
    )
}
