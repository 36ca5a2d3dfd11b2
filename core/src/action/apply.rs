//! A request's actions as one pure function: the actions, the documents the
//! host read for them ([`super::required_reads`]) and the host's context go
//! in; one commit (every document's state before and after) and the mutations
//! the actions lowered to come out, or an error. Each action is lowered
//! against the state the previous ones left; one failing action fails the
//! whole request, and nothing of it may be stored.

use std::collections::HashMap;

use serde_json::Value;

use super::document::{
    create_document, delete_document, discard, edit, publish, replace_draft, unpublish,
};
use super::error::ActionError;
use super::model::Action;
use super::release::release_action;
use super::version::{version_create, version_replace, version_unpublish};
use super::working::Working;
use crate::document::Document;
use crate::mutation::{Commit, Mutation, TransactionContext};

/// What a host stores when an action request succeeds.
#[derive(Debug, Clone)]
pub struct ActionCommit {
    /// Hosts commit `commit.changes` atomically, exactly as for a mutation
    /// request. No changes (every action was a no-op, e.g. `ifExists:
    /// "ignore"` on an existing draft) means there is no transaction to store.
    pub commit: Commit,
    /// The mutations the actions lowered to, in order: what the transaction
    /// log and `includeMutations` listener events record.
    pub mutations: Vec<Mutation>,
    /// The same mutations as Sanity's mutation JSON (`{"create": {...}}`,
    /// `{"patch": {"id", "set", ...}}`, `{"delete": {"id"}}`, ...).
    pub mutations_json: Vec<Value>,
    /// For each mutation, the index of the action it came from.
    pub action_index: Vec<usize>,
    /// Ids whose history the client asked to purge (`purge: true`); a host
    /// that keeps history may drop theirs.
    pub purge: Vec<String>,
}

impl ActionCommit {
    /// True when the request changed nothing and no transaction should be stored.
    pub fn is_empty(&self) -> bool {
        self.commit.changes.is_empty()
    }
}

/// Runs `actions` against `current` (the documents the host read, by id; an
/// id missing from the map does not exist).
pub fn apply_actions(
    actions: &[Action],
    current: &HashMap<String, Document>,
    ctx: &TransactionContext,
) -> Result<ActionCommit, ActionError> {
    apply_actions_with_history(actions, current, &HashMap::new(), ctx)
}

/// [`apply_actions`], with the last revisions of deleted documents that
/// `sanity.action.release.unarchive` restores (see
/// [`super::RequiredReads::archived_releases`]).
pub fn apply_actions_with_history(
    actions: &[Action],
    current: &HashMap<String, Document>,
    history: &HashMap<String, Document>,
    ctx: &TransactionContext,
) -> Result<ActionCommit, ActionError> {
    let mut w = Working::new(current, history, ctx);
    for (index, action) in actions.iter().enumerate() {
        let w = &mut w;
        match action {
            Action::Create(a) => create_document(w, index, a)?,
            Action::ReplaceDraft(a) => replace_draft(w, index, a)?,
            Action::Edit(a) => edit(w, index, a)?,
            Action::Publish(a) => publish(w, index, a)?,
            Action::Unpublish(a) => unpublish(w, index, a)?,
            Action::Discard(a) | Action::VersionDiscard(a) => discard(w, index, a)?,
            Action::Delete(a) => delete_document(w, index, a)?,
            Action::VersionCreate(a) => version_create(w, index, a)?,
            Action::VersionReplace(a) => version_replace(w, index, a)?,
            Action::VersionUnpublish(a) => version_unpublish(w, index, a)?,
            Action::Release(a) => release_action(w, index, a)?,
        }
    }
    Ok(w.finish())
}
