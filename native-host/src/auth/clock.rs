//! The host's clock, for the `created_at`/`last_used_at` columns.

use qanat_core::groq::datetime::DateTime;

/// Now as `2024-01-31T12:00:00.000Z`: one clock for the whole host, so
/// stored times have one length and sort as strings (the migration's rule).
pub use crate::dataset::clock::now_rfc3339;

/// Whether `expires_at` (RFC 3339) is past. A value that does not parse
/// counts as expired: a token whose expiry cannot be read is refused.
pub fn is_past(expires_at: &str) -> bool {
    is_older_than(expires_at, 0)
}

/// Whether the time `at` (RFC 3339) lies more than `seconds` in the past;
/// true for a value that does not parse.
pub fn is_older_than(at: &str, seconds: i64) -> bool {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    match DateTime::parse(at) {
        Some(t) => t.seconds <= now - seconds,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry() {
        for (expires_at, past) in [
            ("2000-01-01T00:00:00Z", true),
            ("9999-01-01T00:00:00.000Z", false),
            ("not a time", true),
        ] {
            assert_eq!(is_past(expires_at), past, "{expires_at}");
        }
        let just_now = now_rfc3339();
        assert!(!is_older_than(&just_now, 60));
        assert!(is_older_than("2000-01-01T00:00:00.000Z", 60));
    }
}
