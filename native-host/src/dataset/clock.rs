//! What core must be handed from outside: the time, fresh ids, a seed.

use qanat_core::groq::datetime::DateTime;
use rand::Rng;

const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Now, in RFC 3339 UTC with milliseconds (`2024-01-31T12:00:00.123Z`), as
/// Sanity prints `_updatedAt` and transaction timestamps.
pub fn now_rfc3339() -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    at(
        i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
        since_epoch.subsec_millis(),
    )
}

/// A time as the host stores it. Sanity always prints three digits, `.000Z`
/// included, so they are added here rather than left to a formatter that
/// drops a zero fraction.
fn at(seconds: i64, millis: u32) -> String {
    let whole = DateTime { seconds, nanos: 0 }.to_rfc3339();
    let without_zone = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{without_zone}.{millis:03}Z")
}

/// `text` (any RFC 3339 time) in the form the host stores times in, so
/// that a time from a request compares with stored ones as a string; `None`
/// when it is not a time. Sub-millisecond digits are dropped.
pub fn stored_form(text: &str) -> Option<String> {
    let time = DateTime::parse(text)?;
    Some(at(time.seconds, time.nanos / 1_000_000))
}

/// A new transaction id: 22 random letters and digits, like Sanity's.
pub fn transaction_id() -> String {
    let mut rng = rand::thread_rng();
    (0..22)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// The seed core derives generated document ids and array keys from.
pub fn seed() -> u64 {
    rand::thread_rng().gen()
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
    fn request_times_take_the_stored_form() {
        for (text, stored) in [
            ("2019-05-28T17:18:39Z", Some("2019-05-28T17:18:39.000Z")),
            ("2019-05-28T17:18:39.5Z", Some("2019-05-28T17:18:39.500Z")),
            (
                "2019-05-28T19:18:39.123456+02:00",
                Some("2019-05-28T17:18:39.123Z"),
            ),
            ("yesterday", None),
        ] {
            assert_eq!(stored_form(text).as_deref(), stored, "{text}");
        }
    }

    #[test]
    fn transaction_ids_are_22_alphanumerics_and_differ() {
        let (a, b) = (transaction_id(), transaction_id());
        assert_eq!(a.len(), 22);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn now_is_rfc3339_utc() {
        let now = now_rfc3339();
        assert_eq!(now.len(), "2024-01-31T12:00:00.123Z".len(), "{now}");
        assert!(now.starts_with("20") && now.ends_with('Z'), "{now}");
        assert_eq!(now.as_bytes().get(10), Some(&b'T'), "{now}");
        assert_eq!(now.as_bytes().get(19), Some(&b'.'), "{now}");
    }
}
