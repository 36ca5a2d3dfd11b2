//! Studio's Actions API (`POST /data/actions/{dataset}`), lowered to mutations.
//! Sanity's draft/published/version rules live here once.
//!
//! A host:
//! 1. parses the body with [`parse_actions`] (or [`parse_actions_json`]);
//! 2. reads what [`required_reads`] lists (and, to unarchive a release, the
//!    history [`archived_version_ids`] names);
//! 3. runs [`apply_actions`] (or [`apply_actions_with_history`]) with its
//!    clock, a transaction id and the identity;
//! 4. stores `commit.changes` atomically unless `dry_run`, records
//!    `mutations_json` in the transaction log, tells listeners, and answers
//!    `{transactionId}` — or answers `error.to_json()` with
//!    `error.http_status()`.
//!
//! - [`model`]: the actions as typed values.
//! - `parse`: from Sanity's JSON.
//! - `reads`: what to read first.
//! - `document`, `version`, `release`: each action's preconditions and lowering.
//! - `working`: the state between actions; `apply`: the entry point.

mod apply;
mod document;
mod error;
mod ids;
mod lowered;
pub mod model;
mod parse;
mod reads;
mod release;
mod release_state;
mod strengthen;
mod version;
mod working;

pub use apply::{apply_actions, apply_actions_with_history, ActionCommit};
pub use error::{ActionError, ActionErrorItem, ActionErrorKind};
pub use ids::{release_document_id, release_versions_prefix, RELEASE_DOCUMENTS_PATH};
pub use model::{Action, ActionRequest};
pub use parse::{parse_action, parse_actions, parse_actions_json};
pub use reads::{archived_version_ids, required_reads, RequiredReads};
pub use strengthen::strengthen_references;
