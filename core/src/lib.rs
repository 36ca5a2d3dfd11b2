//! Qanat's core: every behaviour Sanity defines, as pure functions.
//!
//! Nothing here reads a clock, a random source, a file or a socket. Hosts pass
//! time, transaction ids and identities in, and store what core decides.
#![forbid(unsafe_code)]
