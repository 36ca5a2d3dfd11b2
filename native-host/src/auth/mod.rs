//! Who is calling: the bearer credential of a request (an API token or a
//! session JWT) resolved to a user, their roles, and the grants those give
//! on a dataset (core's `grants`).
//!
//! - `token` — making, hashing and comparing API tokens.
//! - `password` — Argon2id hashes of passwords; `login` checks one.
//! - `jwt` — session JWTs (HS256); `session` — starting, checking and
//!   ending sessions against the store.
//! - `clock` — the times stored with users, tokens and sessions.
//! - `commands` — `qanat user|token|role`.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::{header::AUTHORIZATION, request::Parts};
use qanat_core::grants::credential::{self, SESSION_NOT_FOUND};
use qanat_core::grants::{Grants, Identity, Roles};

use crate::error::AppError;
use crate::serve::AppState;
use crate::store::{datasets, identity, Db};

pub mod clock;
pub mod commands;
pub mod jwt;
pub mod login;
pub mod password;
pub mod session;
pub mod token;

#[cfg(test)]
mod tests;

/// How fresh `tokens.last_used_at` is kept.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

/// The caller of a request. Handlers take it as an extractor and ask
/// [`Caller::grants`] for what it may do on the dataset at hand.
#[derive(Debug, Clone)]
pub struct Caller {
    /// With the roles the user holds on every dataset (`*`); roles held on
    /// one dataset only are added by [`Caller::grants`].
    pub identity: Identity,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = AppError;

    /// No `Authorization` header: anonymous. A header that is not a known,
    /// unexpired API token or live session JWT: 401, never a silent downgrade to anonymous,
    /// so a client with a revoked token learns it (as with Sanity).
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller {
                identity: Identity::anonymous(),
            });
        };
        let bearer = header
            .to_str()
            .ok()
            .and_then(credential::bearer_token)
            .ok_or_else(|| AppError::Unauthorized(SESSION_NOT_FOUND.to_owned()))?;
        let identity = identify(&state.db, bearer)
            .await?
            .ok_or_else(|| AppError::Unauthorized(SESSION_NOT_FOUND.to_owned()))?;
        Ok(Caller { identity })
    }
}

/// The user a bearer credential stands for, with their roles on every
/// dataset; `None` for one that is unknown, expired or ended. A credential
/// with a JWT's shape is a session and is never looked up as a token.
pub async fn identify(db: &Db, credential: &str) -> Result<Option<Identity>, AppError> {
    if jwt::looks_like_jwt(credential) {
        session::identify(db, credential).await
    } else {
        identify_token(db, credential).await
    }
}

async fn identify_token(db: &Db, token: &str) -> Result<Option<Identity>, AppError> {
    let presented = credential::sha256_hex(token);
    let Some(row) = identity::find_token(db, &presented).await? else {
        return Ok(None);
    };
    let now = clock::now_seconds();
    if !row.admits(&presented, now) {
        return Ok(None);
    }
    // At most once a minute per token: a write on every request would queue
    // reads behind SQLite's single writer. Best effort: a busy database must
    // not fail the request it serves.
    if row.use_is_stale(LAST_USED_RESOLUTION_SECS, now) {
        if let Err(e) = identity::touch_token(db, &presented, &clock::now_rfc3339()).await {
            tracing::debug!("could not record the token's last use: {e}");
        }
    }
    let roles = identity::user_roles(db, &row.user_id, None).await?;
    Ok(Some(Identity::user(row.user_id, roles)))
}

impl Caller {
    /// The caller's grants on `dataset`: its roles there (held on every
    /// dataset or on this one), read against the built-in roles, the custom
    /// roles in the store, and the dataset's `aclMode` (private when the
    /// `datasets` table does not list it).
    pub async fn grants(&self, state: &AppState, dataset: &str) -> Result<Grants, AppError> {
        let roles = project_roles(&state.db, dataset).await?;
        let mut identity = self.identity.clone();
        if !identity.anonymous {
            identity.roles = identity::user_roles(&state.db, &identity.id, Some(dataset)).await?;
        }
        roles
            .grants_for(&identity)
            // A role name in `user_roles` with no definition: our data is
            // inconsistent, not the request.
            .map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// The built-in roles, the store's custom roles with their grants on
/// `dataset`, and the dataset's access mode.
pub async fn project_roles(db: &Db, dataset: &str) -> Result<Roles, AppError> {
    let mode = datasets::acl_mode(db, dataset).await?;
    let (roles, grants) = identity::roles_and_grants(db, dataset).await?;
    Roles::from_stored(mode.as_deref(), &roles, &grants)
        .map_err(|e| AppError::Internal(e.to_string()))
}
