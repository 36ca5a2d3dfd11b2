//! API tokens: made from the OS's random bytes, shown once, stored only as
//! their SHA-256 (core's `grants::credential`).

use base64::Engine;
/// Hashing and comparing are core's, so that every host checks a token
/// the same way.
pub use qanat_core::grants::credential::sha256_hex;

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
}
