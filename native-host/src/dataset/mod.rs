//! Each dataset's single writer and the channel its commits are announced on.
//!
//! - `hub` — the writers and broadcast channels by dataset name.
//! - `writer` — the task that orders a dataset's transactions: it reads, runs
//!   core, checks grants, commits, and announces; `writer/group.rs` commits
//!   the writes that queued up behind each other together (PostgreSQL).
//! - `recent` — the documents a writer remembers, to decide without reading.
//! - `replay` — commits rebuilt from the log for a resumed listener.
//! - `follow` — commits other processes on a shared PostgreSQL make.
//! - `clock` — the transaction ids, times and seeds the host gives core.
//! - `error` — what a write can fail with, in Sanity's error bodies.

pub mod clock;
pub mod error;
pub mod follow;
pub mod hub;
mod recent;
pub mod replay;
pub mod writer;

pub use error::WriteError;
pub use hub::{Committed, Hub};
pub use writer::{Outcome, Write, WriteKind};
