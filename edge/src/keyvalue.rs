//! `/{version}/users/me/keyvalue`: Studio's per-user settings, in the
//! `user_keyvalue` table. `GET …/keyvalue/{keys}`, `PUT …/keyvalue` with
//! `[{key, value}]`, `DELETE …/keyvalue/{keys}`. Core's `project` checks and
//! answers, as on the native host; this reads and writes D1.

use std::collections::HashMap;

use qanat_core::project;
use serde::Deserialize;
use serde_json::Value;
use worker::{D1DatabaseSession, Request, Response, Result, RouteContext};

use crate::error::{respond, EdgeError, EdgeResult};
use crate::{auth, clock, d1, route};

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_get(&request, &ctx).await)
}

async fn run_get(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let db = d1::for_reads(&ctx.env, request)?;
    let user = signed_in(request, &db).await?;
    let keys = project::setting_keys(&route::segment(ctx, "keys")?)?;
    let mut stored: HashMap<String, String> = db
        .prepare(
            "SELECT key, value FROM user_keyvalue \
             WHERE user_id = ?1 AND key IN (SELECT value FROM json_each(?2))",
        )
        .bind(&[user.into(), Value::from(keys.clone()).to_string().into()])?
        .all()
        .await?
        .results::<SettingRow>()?
        .into_iter()
        .map(|row| (row.key, row.value))
        .collect();
    let values = keys
        .iter()
        .map(|key| {
            stored
                .remove(key)
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| EdgeError::internal(format!("setting {key}: {e}")))
        })
        .collect::<EdgeResult<Vec<_>>>()?;
    Ok(Response::from_json(&project::settings(&keys, values))?)
}

pub async fn put(mut request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_put(&mut request, &ctx).await)
}

/// Stores every pair in one `batch()`: all of them or none.
async fn run_put(request: &mut Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let db = d1::for_reads(&ctx.env, request)?;
    let user = signed_in(request, &db).await?;
    let pairs = project::settings_to_store(&route::json_body(request).await?)?;
    let now = clock::now_text();
    let statements = pairs
        .iter()
        .map(|(key, value)| {
            db.prepare(
                "INSERT INTO user_keyvalue (user_id, key, value, updated_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user_id, key) \
                 DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            )
            .bind(&[
                user.as_str().into(),
                key.as_str().into(),
                value.to_string().into(),
                now.as_str().into(),
            ])
        })
        .collect::<Result<Vec<_>>>()?;
    // D1 refuses an empty batch; an empty list stores nothing.
    if !statements.is_empty() {
        db.batch(statements).await?;
    }
    let answer = Response::from_json(&project::stored_settings(pairs))?;
    Ok(d1::with_bookmark(answer, &db)?)
}

pub async fn delete(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_delete(&request, &ctx).await)
}

async fn run_delete(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let db = d1::for_reads(&ctx.env, request)?;
    let user = signed_in(request, &db).await?;
    let keys = project::setting_keys(&route::segment(ctx, "keys")?)?;
    db.prepare(
        "DELETE FROM user_keyvalue \
         WHERE user_id = ?1 AND key IN (SELECT value FROM json_each(?2))",
    )
    .bind(&[user.into(), Value::from(keys).to_string().into()])?
    .run()
    .await?;
    Ok(d1::with_bookmark(Response::empty()?.with_status(204), &db)?)
}

/// The caller's user id (core refuses an anonymous caller).
async fn signed_in(request: &Request, db: &D1DatabaseSession) -> EdgeResult<String> {
    let identity = auth::identity(request, db).await?;
    Ok(project::signed_in(&identity)?.to_owned())
}

#[derive(Deserialize)]
struct SettingRow {
    key: String,
    value: String,
}
