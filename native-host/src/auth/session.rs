//! Sign-in sessions: started by a password login, carried as a JWT, live
//! while their row is in the store.
//!
//! A session JWT is accepted when its signature is the store's key's, it
//! has not expired, its session row exists (and has not expired), and the
//! row's user is the JWT's `sub` and still exists. The row is the source of
//! truth, so logging out on one node ends the session on every node.

use qanat_core::grants::Identity;

use super::jwt::{self, SessionClaims, SessionKey};
use super::{clock, token};
use crate::error::AppError;
use crate::store::{identity, sessions, Db};

/// How long a session lasts: 30 days, as Sanity's own sessions.
pub const TTL_SECONDS: i64 = 30 * 24 * 60 * 60;

/// The `secrets` row holding the HS256 key.
const SIGNING_KEY: &str = "session_signing_key";

/// 32 random bytes: as unguessable as a token.
const SESSION_ID_BYTES: usize = 32;

/// The key sessions are signed with, made and stored by the first node
/// that needs one.
pub async fn signing_key(db: &Db) -> Result<SessionKey, AppError> {
    let stored = match sessions::secret(db, SIGNING_KEY).await? {
        Some(stored) => stored,
        None => {
            let candidate = jwt::generate_stored_key().map_err(internal)?;
            sessions::secret_or_insert(db, SIGNING_KEY, &candidate, &clock::now_rfc3339()).await?
        }
    };
    SessionKey::from_stored(&stored).map_err(internal)
}

/// Starts a session for `user_id`; returns its JWT.
pub async fn start(db: &Db, user_id: &str) -> Result<String, AppError> {
    let key = signing_key(db).await?;
    let sid = token::random_url_safe(SESSION_ID_BYTES).map_err(internal)?;
    let now = clock::now_seconds();
    let now_stored = clock::rfc3339_at(now);
    // Expired rows of this user go now, so the table does not grow forever.
    sessions::delete_expired_sessions(db, user_id, &now_stored).await?;
    sessions::create_session(
        db,
        &token::sha256_hex(&sid),
        user_id,
        &now_stored,
        &clock::rfc3339_at(now.saturating_add(TTL_SECONDS)),
    )
    .await?;
    let claims = SessionClaims {
        sub: user_id.to_owned(),
        sid,
    };
    jwt::issue(&key, claims, now, TTL_SECONDS).map_err(internal)
}

/// The user a session JWT stands for, with their roles on every dataset;
/// `None` for a JWT that is not (or no longer) a live session.
pub async fn identify(db: &Db, jwt: &str) -> Result<Option<Identity>, AppError> {
    let Some(claims) = live_claims(db, jwt).await? else {
        return Ok(None);
    };
    let roles = identity::user_roles(db, &claims.sub, None).await?;
    Ok(Some(Identity::user(claims.sub, roles)))
}

/// Ends the session a JWT carries; false when it was not live. Only a JWT
/// signed with the store's key can end a session, expired or not.
pub async fn end(db: &Db, jwt: &str) -> Result<bool, AppError> {
    let key = signing_key(db).await?;
    let Some(claims) = jwt::verify_signature(&key, jwt) else {
        return Ok(false);
    };
    Ok(sessions::delete_session(db, &token::sha256_hex(&claims.sid)).await?)
}

async fn live_claims(db: &Db, jwt: &str) -> Result<Option<SessionClaims>, AppError> {
    let key = signing_key(db).await?;
    let Some(claims) = jwt::verify(&key, jwt, clock::now_seconds()) else {
        return Ok(None);
    };
    let Some(row) = sessions::find_session(db, &token::sha256_hex(&claims.sid)).await? else {
        return Ok(None);
    };
    if row.user_id != claims.sub || clock::is_past(&row.expires_at) {
        return Ok(None);
    }
    Ok(Some(claims))
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}
