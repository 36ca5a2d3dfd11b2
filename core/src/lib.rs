//! Qanat's core: every behaviour Sanity defines, as pure functions.
//!
//! Nothing here reads a clock, a random source, a file or a socket. Hosts pass
//! time, transaction ids and identities in, and store what core decides.
// Unsafe code is denied everywhere but in `ffi`, the wasm module's C ABI.
#![deny(unsafe_code)]

pub mod action;
pub mod api;
pub mod commit_group;
pub mod commit_sql;
pub mod cors;
pub mod doc_response;
pub mod document;
mod error_body;
pub mod export;
pub mod ffi;
pub mod grants;
pub mod groq;
pub mod history;
pub mod limits;
pub mod listen;
pub mod mendoza;
pub mod mutation;
pub mod project;
pub mod read_sql;
pub mod request;
pub mod text;
pub mod users;
pub mod write;
