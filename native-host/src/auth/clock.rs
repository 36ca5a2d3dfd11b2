//! The host's clock, for the `created_at`/`last_used_at` columns.

use qanat_core::groq::datetime::DateTime;

/// Now as `2024-01-31T12:00:00.000Z`: always with milliseconds, so stored
/// times have one length and sort as strings (the migration's rule).
pub fn now_rfc3339() -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    at(since_epoch.as_secs() as i64, since_epoch.subsec_millis())
}

fn at(seconds: i64, millis: u32) -> String {
    let whole = DateTime { seconds, nanos: 0 }.to_rfc3339();
    let without_zone = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{without_zone}.{millis:03}Z")
}

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
    fn times_always_carry_milliseconds() {
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(at(1_706_702_400, 5), "2024-01-31T12:00:00.005Z");
    }

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
