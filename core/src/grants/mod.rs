//! Grants: who may read and write which documents.
//!
//! A [`Role`] is a list of [`Grant`]s, each a GROQ filter and the
//! [`Permission`]s it gives on the documents the filter matches (as
//! `*[filter]` would match them). [`Roles`] holds a project's roles (the
//! built-in administrator, editor, developer, contributor and viewer, and
//! custom ones parsed from JSON) and a dataset's [`AclMode`]; given an
//! [`Identity`] it returns that identity's [`Grants`], which judge:
//!
//! - reads: [`Grants::can_read`] per document, [`ReadableStore`] and
//!   [`Grants::readable_dataset`] for whole queries;
//! - writes: [`Grants::check_commit`] on a transaction's before- and
//!   after-states, failing with a [`PermissionError`] (403);
//! - Studio's `/acl`: [`Grants::acl_json`].
//!
//! Files: `permission.rs` (the five permissions), `filter.rs` (a grant's
//! filter, compiled), `role.rs` (grants, roles, the built-in ones),
//! `identity.rs` (the caller, the dataset's public mode), `roles.rs` (a
//! project's roles to an identity's grants), `access.rs` (the per-document
//! checks, the read filter as GROQ, `/acl`), `commit.rs` (writes),
//! `store.rs` (queries), `error.rs` (bad role definitions), `stored.rs`
//! (the store's role rows into [`Roles`]), `credential.rs` (bearer tokens,
//! their hashes, and whether a stored token admits a caller).

mod access;
mod commit;
pub mod credential;
mod error;
mod filter;
mod identity;
mod permission;
mod role;
mod roles;
mod store;
mod stored;

pub use access::{AclEntry, Grants};
pub use commit::{Denial, PermissionError};
pub use error::GrantError;
pub use filter::GrantFilter;
pub use identity::{AclMode, Identity};
pub use permission::{Permission, Permissions};
pub use role::{Grant, Role};
pub use roles::Roles;
pub use store::ReadableStore;
pub use stored::{GrantRow, RoleRow};
