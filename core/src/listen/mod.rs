//! Listeners: which events a `/data/listen` client receives for a commit.
//!
//! A host parses the request once ([`ListenRequest`] → [`Listener`]), wraps
//! each commit once ([`PreparedCommit`]: documents converted, mendoza
//! effects computed on first use), and asks every listener of the dataset
//! for its [`ListenerEvent`]s, which it writes as server-sent events
//! ([`ServerSentEvent`]).
//!
//! - [`options`]: the query string of a listen request.
//! - [`commit`]: a commit prepared for many listeners.
//! - [`listener`]: which documents a listener sees and how they changed.
//! - [`event`]: the event's JSON shape.
//! - [`sse`]: the wire format, and resume ids.
//! - `wire`: a commit as text, from the host part that commits to the one
//!   that serves listeners (the edge's Durable Object to its Workers).

mod commit;
mod error;
mod event;
mod listener;
mod options;
mod sse;
mod wire;

pub use commit::{PreparedChange, PreparedCommit, Snapshot};
pub use error::ListenError;
pub use event::{Effects, ListenerEvent, Transition};
pub use listener::Listener;
pub use options::{ListenOptions, ListenRequest, Visibility};
pub use sse::{transaction_of_event_id, ServerSentEvent, HEARTBEAT};
pub use wire::{commit_message, read_commit_message};
