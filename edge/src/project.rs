//! `GET /{version}/projects/{p}`, `GET /{version}/features`, and the
//! project's datasets: `GET …/projects/{p}/datasets`, `PUT` and `DELETE
//! …/projects/{p}/datasets/{name}` (administrators only). Core's `project`
//! checks and answers, as on the native host; this reads and writes D1.

use qanat_core::project::{self, Member};
use qanat_core::users::User;
use serde::Deserialize;
use wasm_bindgen::JsValue;
use worker::{D1Result, Request, Response, Result, RouteContext};

use crate::error::{respond, EdgeError, EdgeResult};
use crate::{auth, clock, d1, route, users};

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_get(&request, &ctx).await)
}

async fn run_get(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let id = route::segment(ctx, "project")?;
    let db = d1::for_reads(&ctx.env, request)?;
    // The member list names people: members only.
    let caller = users::signed_in_user(request, &db).await?;
    let results = db
        .batch(vec![
            db.prepare("SELECT id, name, email, is_robot, created_at FROM users ORDER BY id"),
            db.prepare(
                "SELECT user_id, role FROM user_roles WHERE dataset = '*' ORDER BY user_id, role",
            ),
            db.prepare("SELECT name, title FROM roles ORDER BY name"),
        ])
        .await?;
    let [members, held, titles] = <[_; 3]>::try_from(results)
        .map_err(|_| EdgeError::internal("D1 answered a batch of 3 with another count"))?;
    let members: Vec<Member> = members
        .results::<MemberRow>()?
        .into_iter()
        .map(|row| Member {
            user: User {
                id: row.id,
                name: row.name,
                email: row.email,
            },
            is_robot: row.is_robot != 0,
            created_at: row.created_at,
        })
        .collect();
    let held: Vec<(String, String)> = held
        .results::<HeldRow>()?
        .into_iter()
        .map(|row| (row.user_id, row.role))
        .collect();
    let titles: Vec<(String, String)> = titles
        .results::<TitleRow>()?
        .into_iter()
        .map(|row| (row.name, row.title))
        .collect();
    let body = project::project(&id, &caller.id, &members, &held, &titles);
    Ok(Response::from_json(&body)?)
}

pub async fn features(_request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(route::version(&ctx).and_then(|_| Ok(Response::from_json(&project::features())?)))
}

pub async fn datasets(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_datasets(&request, &ctx).await)
}

async fn run_datasets(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let db = d1::for_reads(&ctx.env, request)?;
    project::signed_in(&auth::identity(request, &db).await?)?;
    let rows: Vec<(String, String)> = db
        .prepare("SELECT name, acl_mode FROM datasets ORDER BY name")
        .all()
        .await?
        .results::<DatasetRow>()?
        .into_iter()
        .map(|row| (row.name, row.acl_mode))
        .collect();
    Ok(Response::from_json(&project::dataset_list(&rows))?)
}

/// Creates a dataset or changes its `aclMode`.
pub async fn put(mut request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_put(&mut request, &ctx).await)
}

async fn run_put(request: &mut Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let name = route::segment(ctx, "dataset")?;
    let db = d1::for_reads(&ctx.env, request)?;
    project::require_administrator(&auth::project_identity(request, &db).await?)?;
    project::check_dataset_name(&name)?;
    let mode = project::acl_mode_of(&route::body(request).await?)?;
    db.prepare(
        "INSERT INTO datasets (name, acl_mode, created_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT (name) DO UPDATE SET acl_mode = ?2",
    )
    .bind(&[
        name.as_str().into(),
        mode.as_str().into(),
        clock::now_text().into(),
    ])?
    .run()
    .await?;
    let answer = Response::from_json(&project::dataset_put(&name, mode))?;
    Ok(d1::with_bookmark(answer, &db)?)
}

/// Deletes the dataset and its rows in one `batch()`, which D1 runs as one
/// transaction (D1 has no `BEGIN`).
pub async fn delete(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run_delete(&request, &ctx).await)
}

async fn run_delete(request: &Request, ctx: &RouteContext<()>) -> EdgeResult<Response> {
    route::version(ctx)?;
    let name = route::segment(ctx, "dataset")?;
    let db = d1::for_reads(&ctx.env, request)?;
    project::require_administrator(&auth::project_identity(request, &db).await?)?;
    let statements = project::delete_dataset_statements("?1")
        .into_iter()
        .map(|sql| db.prepare(sql).bind(&[JsValue::from_str(&name)]))
        .collect::<Result<Vec<_>>>()?;
    let results = db.batch(statements).await?;
    // The last statement deletes the `datasets` row.
    let deleted = results
        .last()
        .map(D1Result::meta)
        .transpose()?
        .flatten()
        .and_then(|meta| meta.changes)
        .ok_or_else(|| EdgeError::internal("D1 did not count what a delete removed"))?;
    let listed = deleted > 0;
    let answer = Response::from_json(&project::dataset_deleted(&name, listed)?)?;
    Ok(d1::with_bookmark(answer, &db)?)
}

#[derive(Deserialize)]
struct MemberRow {
    id: String,
    name: String,
    email: Option<String>,
    is_robot: i64,
    created_at: String,
}

#[derive(Deserialize)]
struct HeldRow {
    user_id: String,
    role: String,
}

#[derive(Deserialize)]
struct TitleRow {
    name: String,
    title: String,
}

#[derive(Deserialize)]
struct DatasetRow {
    name: String,
    acl_mode: String,
}
