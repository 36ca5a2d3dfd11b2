//! Session JWTs: HS256 over `{sub, sid, iat, exp}`, made and checked with
//! jwt-compact. Only the signature and the times are checked here; whether
//! the session is still live is the store's answer (`auth::session`).

use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};
use jwt_compact::alg::{Hs256, Hs256Key};
use jwt_compact::{AlgorithmExt, Claims, Header, TimeOptions, UntrustedToken};
use serde::{Deserialize, Serialize};

/// What a session JWT says beside its times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user id.
    pub sub: String,
    /// The session id; the `sessions` row is keyed by its SHA-256.
    pub sid: String,
}

/// The key every node on one database signs and checks sessions with.
pub struct SessionKey(Hs256Key);

/// 32 bytes: HS256's output size, the least RFC 7518 allows for its key.
pub const KEY_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("the stored session signing key is not {KEY_BYTES} bytes of url-safe base64")]
    BadKey,
    #[error("a time is out of range")]
    Time,
    #[error("could not sign the session token: {0}")]
    Sign(String),
}

impl SessionKey {
    /// The key from its stored form, url-safe base64 without padding.
    pub fn from_stored(stored: &str) -> Result<SessionKey, JwtError> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(stored)
            .map_err(|_| JwtError::BadKey)?;
        if bytes.len() != KEY_BYTES {
            return Err(JwtError::BadKey);
        }
        Ok(SessionKey(Hs256Key::new(bytes)))
    }
}

/// Whether a bearer credential has a JWT's shape: three non-empty
/// url-safe base64 parts joined by dots. API tokens (`qn_…`) have no dot.
pub fn looks_like_jwt(credential: &str) -> bool {
    let parts: Vec<&str> = credential.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn at(seconds: i64) -> Result<DateTime<Utc>, JwtError> {
    DateTime::from_timestamp(seconds, 0).ok_or(JwtError::Time)
}

/// A JWT for `claims`, issued at `issued_at` and valid for `ttl_seconds`
/// (Unix seconds).
pub fn issue(
    key: &SessionKey,
    claims: SessionClaims,
    issued_at: i64,
    ttl_seconds: i64,
) -> Result<String, JwtError> {
    let mut claims = Claims::new(claims);
    claims.issued_at = Some(at(issued_at)?);
    claims.expiration = Some(at(issued_at.saturating_add(ttl_seconds))?);
    Hs256
        .token(&Header::empty(), &claims, &key.0)
        .map_err(|e| JwtError::Sign(e.to_string()))
}

/// The claims of `jwt` when it is an HS256 token signed with `key` (the
/// MAC compared in constant time) that has not expired at `now` (Unix
/// seconds); `None` for anything else, `alg: none` included: jwt-compact
/// accepts only the algorithm it is asked for.
pub fn verify(key: &SessionKey, jwt: &str, now: i64) -> Option<SessionClaims> {
    let claims = signed_claims(key, jwt)?;
    let now = at(now).ok()?;
    // No leeway: sessions last days, so seconds of clock skew between
    // nodes do not matter, and an expired session should end when it says.
    let options = TimeOptions::new(TimeDelta::zero(), move || now);
    claims.validate_expiration(&options).ok()?;
    Some(claims.custom)
}

/// The claims of `jwt` when `key` signed it, whatever its times say: for
/// logging out of a session that has already ended.
pub fn verify_signature(key: &SessionKey, jwt: &str) -> Option<SessionClaims> {
    signed_claims(key, jwt).map(|claims| claims.custom)
}

fn signed_claims(key: &SessionKey, jwt: &str) -> Option<Claims<SessionClaims>> {
    let untrusted = UntrustedToken::new(jwt).ok()?;
    let token = Hs256
        .validator::<SessionClaims>(&key.0)
        .validate(&untrusted)
        .ok()?;
    Some(token.into_parts().1)
}

/// A new signing key in its stored form.
pub fn generate_stored_key() -> Result<String, super::token::RandomError> {
    super::token::random_url_safe(KEY_BYTES)
}
