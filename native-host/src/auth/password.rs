//! Passwords: hashed with Argon2id into a PHC string (the only form stored),
//! and checked against one.
//!
//! The parameters are argon2's defaults, which are OWASP's recommendation
//! for Argon2id (19 MiB, 2 passes, 1 lane). A stored hash carries its own
//! parameters, so raising them later still verifies older hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// A PHC string with the same parameters as [`hash`] and random bytes in
/// place of the hash, so no known password matches it. A login for an email with no password (unknown, or a
/// token-only user) is verified against it, so it costs as long as a real
/// check and the time taken does not tell which emails exist.
pub(crate) const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3Ygbfq2dT2q1Ci8zZV4nFjB5oZ7N0j7P2ZGWcJYk4Vs";

/// 16 bytes of salt, what the PHC string format recommends.
const SALT_BYTES: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password is empty")]
    Empty,
    #[error("the operating system gave no random bytes: {0}")]
    Random(getrandom::Error),
    #[error("could not hash the password: {0}")]
    Hash(argon2::password_hash::Error),
}

fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, PasswordError> {
    if password.is_empty() {
        return Err(PasswordError::Empty);
    }
    let mut salt = [0u8; SALT_BYTES];
    getrandom::getrandom(&mut salt).map_err(PasswordError::Random)?;
    let salt = SaltString::encode_b64(&salt).map_err(PasswordError::Hash)?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(PasswordError::Hash)
}

/// Whether `password` is the one `stored` was made from. `None` (no such
/// user, or one without a password) runs the same work against
/// [`DUMMY_HASH`] and answers false. A stored value that is not a PHC
/// string answers false too: it can match no password.
///
/// Argon2 compares the final hashes in constant time.
pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let (phc, known) = match stored {
        Some(phc) => (phc, true),
        None => (DUMMY_HASH, false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        tracing::warn!("a stored password hash is not a PHC string");
        return false;
    };
    let matched = argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matched && known
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_salted_argon2id_phc_strings_that_verify() {
        let a = hash("correct horse").expect("hash");
        let b = hash("correct horse").expect("hash");
        assert_ne!(a, b, "a fresh salt each time");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert!(!a.contains("correct horse"));
        assert!(verify(Some(&a), "correct horse"));
        assert!(!verify(Some(&a), "correct horsf"));
        assert!(!verify(Some(&a), ""));
        assert!(!verify(Some("not a phc string"), "correct horse"));
        assert!(matches!(hash(""), Err(PasswordError::Empty)));
    }

    #[test]
    fn the_dummy_hash_costs_what_a_real_one_does_and_matches_nothing() {
        let real = hash("x").expect("hash");
        let params = |phc: &str| phc.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(DUMMY_HASH), params(&real));
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify(None, ""));
        assert!(!verify(None, "saltsaltsaltsalt"));
    }
}
