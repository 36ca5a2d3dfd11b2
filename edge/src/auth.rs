//! Who is calling, at the edge: a request's API token checked against the
//! `tokens` table in D1 (core decides whether a row admits it), and the
//! grants the caller's roles give on a dataset.
//!
//! Session JWTs (the native host's password sign-in) are not checked here:
//! the edge offers no password sign-in (see the README), so one is an
//! unknown credential, a 401, as an unknown token is.

use qanat_core::grants::credential::{self, TokenRow, SESSION_NOT_FOUND};
use qanat_core::grants::{GrantRow, Grants, Identity, RoleRow, Roles};
use serde::Deserialize;
use worker::{D1DatabaseSession, D1PreparedStatement, D1Result, Request};

use crate::clock;
use crate::error::{EdgeError, EdgeResult};

/// How fresh `tokens.last_used_at` is kept (as on the native host).
const LAST_USED_RESOLUTION_SECS: i64 = 60;

/// The caller's grants on `dataset`: anonymous without an `Authorization`
/// header; a 401 for a credential that is not a known, unexpired token.
pub async fn grants(
    request: &Request,
    db: &D1DatabaseSession,
    dataset: &str,
) -> EdgeResult<Grants> {
    let (grants, _) = grants_on(request, db, dataset, None).await?;
    Ok(grants)
}

/// [`grants`], and what `also` reads, in the same round trip to D1.
pub async fn grants_and(
    request: &Request,
    db: &D1DatabaseSession,
    dataset: &str,
    also: D1PreparedStatement,
) -> EdgeResult<(Grants, D1Result)> {
    let (grants, also) = grants_on(request, db, dataset, Some(also)).await?;
    let also = also.ok_or_else(|| EdgeError::internal("D1 answered a batch without its last"))?;
    Ok((grants, also))
}

/// The caller as core's identity, with no roles yet; anonymous without an
/// `Authorization` header.
pub async fn identity(request: &Request, db: &D1DatabaseSession) -> EdgeResult<Identity> {
    Ok(match caller(request, db).await? {
        None => Identity::anonymous(),
        Some(user_id) => Identity::user(user_id, Vec::<String>::new()),
    })
}

/// [`identity`] with the roles held on every dataset: what managing the
/// project takes.
pub async fn project_identity(request: &Request, db: &D1DatabaseSession) -> EdgeResult<Identity> {
    let mut identity = identity(request, db).await?;
    if !identity.anonymous {
        identity.roles = project_roles(db, &identity.id).await?;
    }
    Ok(identity)
}

/// The user behind the request's token, `None` without an `Authorization`
/// header; a 401 for a credential that is not a known, unexpired token.
pub async fn caller(request: &Request, db: &D1DatabaseSession) -> EdgeResult<Option<String>> {
    let Some(header) = request.headers().get("authorization")? else {
        return Ok(None);
    };
    let token = credential::bearer_token(&header).ok_or_else(not_found)?;
    Ok(Some(user_of_token(db, token).await?.ok_or_else(not_found)?))
}

/// Whether `sid` (Studio's `#sid=`, here an API token) is a live token.
pub async fn is_live_token(db: &D1DatabaseSession, sid: &str) -> EdgeResult<bool> {
    Ok(user_of_token(db, sid).await?.is_some())
}

/// The roles `user_id` holds on every dataset.
pub async fn project_roles(db: &D1DatabaseSession, user_id: &str) -> EdgeResult<Vec<String>> {
    Ok(db
        .prepare("SELECT DISTINCT role FROM user_roles WHERE user_id = ?1 AND dataset = '*' ORDER BY role")
        .bind(&[user_id.into()])?
        .all()
        .await?
        .results::<HeldColumns>()?
        .into_iter()
        .map(|h| h.role)
        .collect())
}

fn not_found() -> EdgeError {
    EdgeError::Unauthorized(SESSION_NOT_FOUND.to_owned())
}

#[derive(Deserialize)]
struct TokenColumns {
    token_sha256: String,
    user_id: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
}

const TOKEN_ROW: &str = "SELECT token_sha256, user_id, expires_at, last_used_at FROM tokens \
     WHERE token_sha256 = ?1";

/// The user whose token `token` is, if the store has it and it admits them.
async fn user_of_token(db: &D1DatabaseSession, token: &str) -> EdgeResult<Option<String>> {
    let presented = credential::sha256_hex(token);
    let row: Option<TokenColumns> = db
        .prepare(TOKEN_ROW)
        .bind(&[presented.as_str().into()])?
        .first(None)
        .await?;
    match row {
        Some(row) => admitted(db, row, &presented).await,
        None => Ok(None),
    }
}

/// The user of the stored token `row`, if it admits the token whose hash
/// is `presented` (noting its use, now and then).
async fn admitted(
    db: &D1DatabaseSession,
    row: TokenColumns,
    presented: &str,
) -> EdgeResult<Option<String>> {
    let row = TokenRow {
        token_sha256: row.token_sha256,
        user_id: row.user_id,
        expires_at: row.expires_at,
        last_used_at: row.last_used_at,
    };
    let now = clock::now_seconds();
    if !row.admits(presented, now) {
        return Ok(None);
    }
    if row.use_is_stale(LAST_USED_RESOLUTION_SECS, now) {
        // Best effort: a failed write must not fail the request it serves.
        let touched = db
            .prepare("UPDATE tokens SET last_used_at = ?1 WHERE token_sha256 = ?2")
            .bind(&[clock::now_text().into(), presented.into()])?
            .run()
            .await;
        if let Err(e) = touched {
            worker::console_log!("could not record the token's last use: {e}");
        }
    }
    Ok(Some(row.user_id))
}

#[derive(Deserialize)]
struct AclColumns {
    acl_mode: String,
}

#[derive(Deserialize)]
struct RoleColumns {
    name: String,
    title: String,
}

#[derive(Deserialize)]
struct GrantColumns {
    role: String,
    filter: String,
    permissions: String,
}

#[derive(Deserialize)]
struct HeldColumns {
    role: String,
}

/// The caller's grants on `dataset`: the request's token, the roles it
/// holds there, the project's roles and the dataset's access mode, read in
/// one batch, with `also` if given (its result beside them). The roles are
/// read by the token's hash; they count only if core admits the token.
async fn grants_on(
    request: &Request,
    db: &D1DatabaseSession,
    dataset: &str,
    also: Option<D1PreparedStatement>,
) -> EdgeResult<(Grants, Option<D1Result>)> {
    let presented = match request.headers().get("authorization")? {
        None => None,
        Some(header) => {
            let token = credential::bearer_token(&header).ok_or_else(not_found)?;
            Some(credential::sha256_hex(token))
        }
    };
    // No token's hash is empty: an anonymous caller holds no role.
    let hash = presented.as_deref().unwrap_or_default();
    let mut statements = vec![
        db.prepare("SELECT acl_mode FROM datasets WHERE name = ?1")
            .bind(&[dataset.into()])?,
        db.prepare("SELECT name, title FROM roles ORDER BY name"),
        db.prepare(
            "SELECT role, filter, permissions FROM grants \
                 WHERE dataset = '*' OR dataset = ?1 ORDER BY id",
        )
        .bind(&[dataset.into()])?,
        db.prepare(
            "SELECT DISTINCT role FROM user_roles \
             WHERE user_id = (SELECT user_id FROM tokens WHERE token_sha256 = ?1) \
             AND (dataset = '*' OR dataset = ?2) ORDER BY role",
        )
        .bind(&[hash.into(), dataset.into()])?,
        db.prepare(TOKEN_ROW).bind(&[hash.into()])?,
    ];
    statements.extend(also);
    let asked = statements.len();
    let mut results = db.batch(statements).await?;
    let also = (asked > 5).then(|| results.pop()).flatten();
    let [acl, roles, grants, held, token] = <[_; 5]>::try_from(results)
        .map_err(|_| EdgeError::internal("D1 answered a batch with another count"))?;
    let identity = match &presented {
        None => Identity::anonymous(),
        Some(presented) => {
            let row = token.results::<TokenColumns>()?.into_iter().next();
            let row = row.ok_or_else(not_found)?;
            let user_id = admitted(db, row, presented).await?.ok_or_else(not_found)?;
            let held = held.results::<HeldColumns>()?.into_iter().map(|h| h.role);
            Identity::user(user_id, held.collect::<Vec<_>>())
        }
    };
    let mode = acl.results::<AclColumns>()?.into_iter().next();
    let roles: Vec<RoleRow> = roles
        .results::<RoleColumns>()?
        .into_iter()
        .map(|r| (r.name, r.title))
        .collect();
    let grants: Vec<GrantRow> = grants
        .results::<GrantColumns>()?
        .into_iter()
        .map(|g| (g.role, g.filter, g.permissions))
        .collect();
    // A stored role that does not parse, or a held role with no definition:
    // the store is inconsistent, not the request.
    let grants = Roles::from_stored(mode.map(|m| m.acl_mode).as_deref(), &roles, &grants)
        .and_then(|project| project.grants_for(&identity))
        .map_err(EdgeError::internal)?;
    Ok((grants, also))
}
