//! The Worker's clock and random source, in the forms core asks for
//! (`mutation::stamps`).

use qanat_core::mutation::stamps;

/// Now, as core's stored time text (`2024-01-31T12:00:00.123Z`).
pub fn now_text() -> String {
    let millis = worker::Date::now().as_millis();
    stamps::time_text(
        i64::try_from(millis / 1000).unwrap_or(i64::MAX),
        u32::try_from(millis % 1000).unwrap_or(0),
    )
}

/// Seconds since the Unix epoch.
pub fn now_seconds() -> i64 {
    i64::try_from(worker::Date::now().as_millis() / 1000).unwrap_or(i64::MAX)
}

/// A new transaction id (22 letters and digits) from the runtime's
/// cryptographic random source.
pub fn transaction_id() -> worker::Result<String> {
    let mut bytes = [0u8; 4 * 22];
    fill(&mut bytes)?;
    let mut words = bytes
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    Ok(stamps::transaction_id(|| words.next().unwrap_or(0)))
}

/// The seed core derives generated document ids and array keys from.
pub fn seed() -> worker::Result<u64> {
    let mut bytes = [0u8; 8];
    fill(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

fn fill(bytes: &mut [u8]) -> worker::Result<()> {
    getrandom::getrandom(bytes)
        .map_err(|e| worker::Error::RustError(format!("no random bytes: {e}")))
}
