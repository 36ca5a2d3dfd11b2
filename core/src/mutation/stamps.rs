//! A transaction's time and id as every host writes them, from the clock
//! and random source the host passes in.

use crate::groq::datetime::DateTime;

/// What transaction ids are made of: letters and digits, as Sanity's.
const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Length of a generated transaction id (Sanity's are 22 characters).
const TRANSACTION_ID_LEN: usize = 22;

/// `seconds` since the epoch and `millis` as RFC 3339 UTC with
/// milliseconds (`2024-01-31T12:00:00.123Z`). Sanity always prints three
/// digits, `.000Z` included, so they are added here rather than left to a
/// formatter that drops a zero fraction; stored times then have one length
/// and sort as strings.
pub fn time_text(seconds: i64, millis: u32) -> String {
    let whole = DateTime { seconds, nanos: 0 }.to_rfc3339();
    let without_zone = whole.strip_suffix('Z').unwrap_or(&whole);
    format!("{without_zone}.{millis:03}Z")
}

/// A time a request names (any RFC 3339 form) in the stored form of
/// [`time_text`], so it compares with stored times as text.
pub fn stored_form(text: &str) -> Option<String> {
    let time = DateTime::parse(text)?;
    Some(time_text(time.seconds, time.nanos / 1_000_000))
}

/// A new transaction id: 22 letters and digits, each picked by a number
/// from the host's random source (`random`, uniform over `u32`).
pub fn transaction_id(mut random: impl FnMut() -> u32) -> String {
    (0..TRANSACTION_ID_LEN)
        .map(|_| {
            // 2^32 is not a multiple of 62: the first 2^32 mod 62 letters
            // come up one time in 2^32 more often, which no one can see.
            let pick = random() as usize % ALPHABET.len();
            char::from(ALPHABET[pick])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_always_carry_milliseconds() {
        assert_eq!(time_text(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(time_text(1_706_702_400, 5), "2024-01-31T12:00:00.005Z");
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
    fn transaction_ids_are_22_alphanumerics_from_the_source() {
        let mut n = 0u32;
        let id = transaction_id(|| {
            n += 1;
            n
        });
        assert_eq!(id, "123456789abcdefghijklm");
        assert_eq!(transaction_id(|| 61), "Z".repeat(22));
    }
}
