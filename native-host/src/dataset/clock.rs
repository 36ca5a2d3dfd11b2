//! What core must be handed from outside: the time, fresh ids, a seed.
//! The forms are core's (`mutation::stamps`); the clock and the random
//! source are this host's.

use qanat_core::mutation::stamps;
use rand::Rng;

pub use qanat_core::mutation::stamps::stored_form;

/// Now, in RFC 3339 UTC with milliseconds (`2024-01-31T12:00:00.123Z`), as
/// Sanity prints `_updatedAt` and transaction timestamps.
pub fn now_rfc3339() -> String {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    stamps::time_text(
        i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX),
        since_epoch.subsec_millis(),
    )
}

/// A new transaction id: 22 random letters and digits, like Sanity's.
pub fn transaction_id() -> String {
    let mut rng = rand::thread_rng();
    stamps::transaction_id(|| rng.gen())
}

/// The seed core derives generated document ids and array keys from.
pub fn seed() -> u64 {
    rand::thread_rng().gen()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_ids_differ() {
        let (a, b) = (transaction_id(), transaction_id());
        assert_eq!(a.len(), 22);
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
