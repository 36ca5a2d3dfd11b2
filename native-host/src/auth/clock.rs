//! The host's clock, for the `created_at`/`last_used_at` columns.

/// Now as `2024-01-31T12:00:00.000Z`: one clock for the whole host, so
/// stored times have one length and sort as strings (the migration's rule).
pub use crate::dataset::clock::now_rfc3339;

/// Seconds since the Unix epoch.
pub fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `seconds` since the epoch in the stored form (`….000Z`, as
/// [`now_rfc3339`] writes), so stored times keep sorting as strings.
pub fn rfc3339_at(seconds: i64) -> String {
    qanat_core::mutation::stamps::time_text(seconds, 0)
}

/// Whether `expires_at` (RFC 3339) is past. A value that does not parse
/// counts as expired: a token whose expiry cannot be read is refused.
pub fn is_past(expires_at: &str) -> bool {
    is_older_than(expires_at, 0)
}

/// Whether the time `at` (RFC 3339) lies more than `seconds` in the past;
/// true for a value that does not parse.
pub fn is_older_than(at: &str, seconds: i64) -> bool {
    qanat_core::grants::credential::is_older_than(at, seconds, now_seconds())
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
        assert_eq!(rfc3339_at(1_706_702_400), "2024-01-31T12:00:00.000Z");
        assert_eq!(rfc3339_at(now_seconds()).len(), just_now.len());
    }
}
