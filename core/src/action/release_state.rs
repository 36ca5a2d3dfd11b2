//! A release's `state` and what it allows. Sanity passes through transitional
//! states (`scheduling`, `publishing`, `archiving`, `unarchiving`) while a
//! background job works; core does each transition within one transaction,
//! so it only writes the settled states, but it reads the others as locked.

use serde_json::Value;

use super::error::{ActionErrorItem, ActionErrorKind};
use super::ids::{release_document_id, release_of};
use super::working::Working;
use crate::document::Document;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleaseState {
    /// Open: versions may be added, edited and removed.
    Active,
    /// Waiting for `publishAt`; its versions are locked.
    Scheduled,
    Published,
    /// Its versions were deleted; `unarchive` brings them back.
    Archived,
    /// A state core does not write (a transitional one, or unknown).
    Other(String),
}

impl ReleaseState {
    pub fn of(release: &Document) -> ReleaseState {
        match release.as_map().get("state").and_then(Value::as_str) {
            Some("active") => ReleaseState::Active,
            Some("scheduled") => ReleaseState::Scheduled,
            Some("published") => ReleaseState::Published,
            Some("archived") => ReleaseState::Archived,
            Some(other) => ReleaseState::Other(other.to_string()),
            None => ReleaseState::Other(String::new()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            ReleaseState::Active => "active",
            ReleaseState::Scheduled => "scheduled",
            ReleaseState::Published => "published",
            ReleaseState::Archived => "archived",
            ReleaseState::Other(s) => s,
        }
    }
}

/// Fails when `id` is a version in a release that is not active: a scheduled
/// release is locked until unscheduled, and a published or archived one is
/// closed. A version of a release with no release document is left alone:
/// the mutations API can write such versions too, and Sanity's own clients
/// always create the release first.
pub fn check_release_open(w: &Working, index: usize, id: &str) -> Result<(), ActionErrorItem> {
    let Some(release_id) = release_of(id) else {
        return Ok(());
    };
    let Some(release) = w.get(&release_document_id(&release_id)) else {
        return Ok(());
    };
    match ReleaseState::of(release) {
        ReleaseState::Active => Ok(()),
        state => Err(ActionErrorItem::new(
            index,
            ActionErrorKind::Conflict,
            format!(
                "the release \"{release_id}\" is {}; its documents cannot be changed",
                state.as_str()
            ),
        )
        .with_id(id)),
    }
}
