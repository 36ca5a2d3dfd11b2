//! A request's credential, as every host checks it: the bearer token of
//! its `Authorization` header, the SHA-256 that the `tokens` table keeps
//! in its place, and whether a stored token row admits the caller.
//!
//! Hosts look the row up (by the hash, so the store never sees a token)
//! and pass the time in; the decision is made here once.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::groq::datetime::DateTime;

/// What Sanity's gateway says for a token it does not know.
pub const SESSION_NOT_FOUND: &str = "Session not found";

/// `Bearer <token>`, the scheme in any case (RFC 9110 makes it
/// case-insensitive).
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The lowercase hex SHA-256 of `token`: what the `tokens` table keeps.
pub fn sha256_hex(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a stored hash is the hash of the presented token, compared in
/// constant time so the time taken tells nothing about how much matched.
pub fn hashes_match(stored_sha256: &str, presented_sha256: &str) -> bool {
    stored_sha256
        .as_bytes()
        .ct_eq(presented_sha256.as_bytes())
        .into()
}

/// A `tokens` row, found by the SHA-256 of the presented token.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub token_sha256: String,
    pub user_id: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl TokenRow {
    /// Whether this row lets in the caller who presented a token with the
    /// hash `presented_sha256` at `now` (seconds since the epoch): the
    /// hashes match and the token has not expired. An expiry that does not
    /// parse counts as past: a token whose expiry cannot be read is refused.
    pub fn admits(&self, presented_sha256: &str, now: i64) -> bool {
        hashes_match(&self.token_sha256, presented_sha256)
            && !self
                .expires_at
                .as_deref()
                .is_some_and(|t| is_older_than(t, 0, now))
    }

    /// Whether `last_used_at` is worth writing again: unset, or more than
    /// `resolution` seconds old. Hosts keep it only this fresh, so that a
    /// request seldom writes.
    pub fn use_is_stale(&self, resolution: i64, now: i64) -> bool {
        self.last_used_at
            .as_deref()
            .is_none_or(|t| is_older_than(t, resolution, now))
    }
}

/// Whether the time `at` (RFC 3339) lies more than `seconds` before `now`
/// (seconds since the epoch); true for a value that does not parse.
pub fn is_older_than(at: &str, seconds: i64, now: i64) -> bool {
    match DateTime::parse(at) {
        Some(t) => t.seconds <= now - seconds,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_forms() {
        for (header, token) in [
            ("Bearer qn_abc", Some("qn_abc")),
            ("bearer qn_abc", Some("qn_abc")),
            ("BEARER  qn_abc ", Some("qn_abc")),
            ("Basic dXNlcjpwYXNz", None),
            ("Bearer", None),
            ("Bearer ", None),
            ("qn_abc", None),
        ] {
            assert_eq!(bearer_token(header), token, "{header:?}");
        }
    }

    #[test]
    fn sha256_is_lowercase_hex_of_the_token() {
        // The well-known digest of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hashes_match_only_when_equal() {
        let h = sha256_hex("qn_x");
        assert!(hashes_match(&h, &sha256_hex("qn_x")));
        assert!(!hashes_match(&h, &sha256_hex("qn_y")));
        assert!(!hashes_match(&h, ""));
    }

    #[test]
    fn a_row_admits_its_own_unexpired_token() {
        // 2024-01-31T12:00:00Z
        let now = 1_706_702_400;
        let row = |expires_at: Option<&str>| TokenRow {
            token_sha256: sha256_hex("qn_x"),
            user_id: "u".into(),
            expires_at: expires_at.map(str::to_owned),
            last_used_at: None,
        };
        let presented = sha256_hex("qn_x");
        assert!(row(None).admits(&presented, now));
        assert!(row(Some("2024-02-01T00:00:00.000Z")).admits(&presented, now));
        assert!(!row(Some("2024-01-31T12:00:00.000Z")).admits(&presented, now));
        assert!(!row(Some("not a time")).admits(&presented, now));
        assert!(!row(None).admits(&sha256_hex("qn_y"), now));
    }

    #[test]
    fn last_use_is_rewritten_once_a_resolution() {
        let now = 1_706_702_400;
        let row = |last_used_at: Option<&str>| TokenRow {
            token_sha256: String::new(),
            user_id: "u".into(),
            expires_at: None,
            last_used_at: last_used_at.map(str::to_owned),
        };
        assert!(row(None).use_is_stale(60, now));
        assert!(row(Some("2024-01-31T11:58:00.000Z")).use_is_stale(60, now));
        assert!(!row(Some("2024-01-31T11:59:30.000Z")).use_is_stale(60, now));
    }
}
