//! What the host supplies to a transaction: the time, the new transaction id,
//! who is writing, and a seed for the ids and keys core has to invent.

/// Everything a transaction needs from outside. Core reads no clock and no
/// random source; the same context always yields the same commit.
#[derive(Debug, Clone)]
pub struct TransactionContext {
    /// Becomes `_rev` of every document the transaction writes.
    pub transaction_id: String,
    /// RFC 3339 timestamp; becomes `_updatedAt` (and `_createdAt` of new documents).
    pub now: String,
    /// The user or token the transaction is attributed to.
    pub identity: String,
    /// Adds `_key` to objects in arrays that lack one (`autoGenerateArrayKeys`).
    pub auto_generate_array_keys: bool,
    /// Seed for generated document ids and array keys; hosts take it from
    /// their random source.
    pub seed: u64,
}

/// Generates document ids and array keys from the context's seed.
#[derive(Debug, Clone)]
pub struct IdSource {
    state: u64,
}

const ALPHABET: &[u8; 62] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl IdSource {
    pub fn new(seed: u64) -> Self {
        IdSource { state: seed }
    }

    /// SplitMix64: small, fast and well distributed; ids need uniqueness, not secrecy.
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn token(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A 22-character id, as Sanity generates for documents.
    pub fn document_id(&mut self) -> String {
        self.token(22)
    }

    /// A 12-character `_key` for an array item.
    pub fn array_key(&mut self) -> String {
        self.token(12)
    }
}
