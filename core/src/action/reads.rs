//! What a host must read before it runs a list of actions. Core never reads:
//! the host fetches these documents, hands them to
//! [`super::apply_actions`], and core decides with exactly what it was given.
//!
//! Reading takes two passes. The first reads `ids`, `id_prefixes` and
//! `versions_of`; the second reads [`RequiredReads::follow_up_ids`] of what the
//! first found (the published documents a release publish overwrites, whose
//! ids are known only once the release's versions are).

use std::collections::HashMap;

use serde_json::Value;

use super::ids::{is_version_of, release_document_id, release_of, release_versions_prefix};
use super::model::{Action, ReleaseActionKind, VersionSource};
use crate::document::{Document, DocumentId};

/// The documents a list of actions may look at. A host reads every document
/// that exists among them; one that does not exist is simply left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequiredReads {
    /// Documents by exact id.
    pub ids: Vec<String>,
    /// Every document whose id starts with one of these: `versions.<releaseId>.`
    /// for release actions, which act on every version in the release.
    pub id_prefixes: Vec<String>,
    /// Every version of these published ids: the documents
    /// `versions.<anyReleaseId>.<publishedId>`. A `document.delete` must see
    /// them because it fails while a version it was not told to delete exists.
    pub versions_of: Vec<String>,
    /// Releases being unarchived. Their versions were deleted when they were
    /// archived; the host reads the release document (it is in `ids`), lists
    /// the versions with [`archived_version_ids`], reads each one's last
    /// revision from its history, and passes those as the `history` of
    /// [`super::apply_actions_with_history`].
    pub archived_releases: Vec<String>,
    /// Releases that may be published by these actions (`publish`, and
    /// `schedule` with a `publishAt` already past): the published document of
    /// every version they hold is read in the second pass.
    pub publishing_releases: Vec<String>,
}

impl RequiredReads {
    /// True when a document with this id is one the first pass reads. A host
    /// that scans (or a test) can filter with this.
    pub fn wants(&self, id: &str) -> bool {
        self.ids.iter().any(|i| i == id)
            || self.id_prefixes.iter().any(|p| id.starts_with(p.as_str()))
            || self.versions_of.iter().any(|p| is_version_of(id, p))
    }

    /// The ids to read in the second pass, given every document the first
    /// pass found: the published counterparts of the versions (held now, or
    /// listed as archived) of the releases in `publishing_releases` that were
    /// not read already. Empty when no release is published.
    pub fn follow_up_ids(&self, found: &HashMap<String, Document>) -> Vec<String> {
        let mut ids = Vec::new();
        for release_id in &self.publishing_releases {
            let prefix = release_versions_prefix(release_id);
            let archived = found
                .get(&release_document_id(release_id))
                .map(archived_version_ids)
                .unwrap_or_default();
            // Sorted, so hosts see the same list for the same documents.
            let mut versions: Vec<&String> =
                found.keys().filter(|id| id.starts_with(&prefix)).collect();
            versions.sort();
            for version in versions.into_iter().chain(archived.iter()) {
                let Ok(parsed) = DocumentId::parse(version) else {
                    continue;
                };
                let published = parsed.published_id();
                if !self.wants(published) && !found.contains_key(published) {
                    push_unique(&mut ids, published);
                }
            }
        }
        ids
    }

    fn id(&mut self, id: &str) {
        push_unique(&mut self.ids, id);
    }

    /// A draft or version also needs its published document (which publishing
    /// it, alone or with its release later in the request, overwrites), and a
    /// version its release document: a version of a release that is
    /// scheduled, published or archived is locked.
    fn target(&mut self, id: &str) {
        self.id(id);
        if let Ok(parsed) = DocumentId::parse(id) {
            self.id(parsed.published_id());
        }
        if let Some(release) = release_of(id) {
            self.id(&release_document_id(&release));
        }
    }
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

/// The documents a host must read before running `actions`.
pub fn required_reads(actions: &[Action]) -> RequiredReads {
    let mut reads = RequiredReads::default();
    for action in actions {
        match action {
            // The parser checked that each target is a draft or version of
            // the action's publishedId, so `target` reads that too.
            Action::Create(a) => reads.target(&a.target_id),
            Action::ReplaceDraft(a) => reads.target(&a.target_id),
            Action::Edit(a) => reads.target(&a.target_id),
            Action::Publish(a) => reads.target(&a.draft_id),
            Action::Unpublish(a) => reads.target(&a.draft_id),
            Action::Discard(a) | Action::VersionDiscard(a) => reads.target(&a.version_id),
            Action::Delete(a) => {
                reads.id(&a.published_id);
                reads.id(&format!("drafts.{}", a.published_id));
                a.include.iter().for_each(|id| reads.target(id));
                push_unique(&mut reads.versions_of, &a.published_id);
            }
            Action::VersionCreate(a) => {
                reads.target(&a.version_id);
                if let VersionSource::Base { base_id, .. } = &a.source {
                    reads.id(base_id);
                }
            }
            Action::VersionReplace(a) => reads.target(&a.version_id),
            Action::VersionUnpublish(a) => reads.target(&a.version_id),
            Action::Release(r) => {
                reads.id(&release_document_id(&r.release_id));
                // Every release action but create and edit acts on (or checks)
                // the versions the release holds.
                if !matches!(
                    r.kind,
                    ReleaseActionKind::Create { .. } | ReleaseActionKind::Edit { .. }
                ) {
                    push_unique(
                        &mut reads.id_prefixes,
                        &release_versions_prefix(&r.release_id),
                    );
                }
                match r.kind {
                    ReleaseActionKind::Unarchive => {
                        push_unique(&mut reads.archived_releases, &r.release_id)
                    }
                    ReleaseActionKind::Publish | ReleaseActionKind::Schedule { .. } => {
                        push_unique(&mut reads.publishing_releases, &r.release_id)
                    }
                    _ => {}
                }
            }
        }
    }
    reads
}

/// The versions an archived (or published) release held when it was archived
/// (or published), as its `finalDocumentStates` lists them: the ids whose last
/// revision a host reads from history to unarchive it.
pub fn archived_version_ids(release: &Document) -> Vec<String> {
    release
        .as_map()
        .get("finalDocumentStates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|state| state.get("id").and_then(Value::as_str))
        .map(str::to_string)
        .collect()
}
