//! API tokens: made from the OS's random bytes, shown once, stored only as
//! their SHA-256.

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Marks Qanat's tokens, so a token pasted in the wrong place (a log, a
/// chat) is recognisable and secret scanners can look for it.
pub const PREFIX: &str = "qn_";

/// 32 bytes: 256 bits, far beyond guessing, and 43 url-safe characters
/// (Studio accepts `#token=` only when it has at least 32).
const RANDOM_BYTES: usize = 32;

#[derive(Debug, thiserror::Error)]
#[error("the operating system gave no random bytes: {0}")]
pub struct RandomError(getrandom::Error);

/// A new token: `qn_` and 43 url-safe base64 characters.
pub fn generate() -> Result<String, RandomError> {
    Ok(format!("{PREFIX}{}", random_url_safe(RANDOM_BYTES)?))
}

/// `bytes` random bytes as unpadded url-safe base64; also used for ids.
pub fn random_url_safe(bytes: usize) -> Result<String, RandomError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).map_err(RandomError)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
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
pub fn matches(stored_sha256: &str, presented_sha256: &str) -> bool {
    stored_sha256
        .as_bytes()
        .ct_eq(presented_sha256.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_long_url_safe_and_distinct() {
        let a = generate().expect("random");
        let b = generate().expect("random");
        assert_ne!(a, b);
        let body = a.strip_prefix(PREFIX).expect("prefix");
        assert_eq!(body.len(), 43);
        assert!(body
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
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
    fn matches_only_equal_hashes() {
        let h = sha256_hex("qn_x");
        assert!(matches(&h, &sha256_hex("qn_x")));
        assert!(!matches(&h, &sha256_hex("qn_y")));
        assert!(!matches(&h, ""));
    }
}
