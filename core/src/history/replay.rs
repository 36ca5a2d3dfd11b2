//! Commits read back from the log, for a listener that resumes: the
//! documents before and after each transaction rebuilt backwards from the
//! current documents with the `revert` patches, newest first.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{HistoryError, LogEntry};
use crate::document::Document;
use crate::listen::PreparedCommit;
use crate::mutation::{Commit, DocumentChange};

/// A resumed listener that missed more than this many transactions is told
/// to refetch (`reset`) instead.
pub const MAX_REPLAY: usize = 1000;

/// Every id `log`'s transactions touched, each once: what a host reads
/// before [`replay`].
pub fn touched_ids(log: &[LogEntry]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for entry in log {
        for id in entry.effects.as_object().into_iter().flat_map(|m| m.keys()) {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    ids
}

/// `log` (oldest first, and nothing committed after its last entry) as
/// commits with their `seq`, oldest first; `current` holds the stored
/// documents among [`touched_ids`] (a missing one is deleted).
pub fn replay(
    log: &[LogEntry],
    current: &HashMap<String, Document>,
) -> Result<Vec<(i64, PreparedCommit)>, HistoryError> {
    let mut state: HashMap<String, Json> = touched_ids(log)
        .into_iter()
        .map(|id| {
            let doc = current.get(&id).map_or(Json::Null, Document::to_value);
            (id, doc)
        })
        .collect();
    let mut commits = Vec::with_capacity(log.len());
    for entry in log.iter().rev() {
        let mut changes = Vec::new();
        for id in entry.effects.as_object().into_iter().flat_map(|m| m.keys()) {
            let after = state.get(id).cloned().unwrap_or(Json::Null);
            let before = entry.undo(id, &after)?;
            state.insert(id.clone(), before.clone());
            changes.push(DocumentChange {
                id: id.clone(),
                before: Document::from_stored(before),
                after: Document::from_stored(after),
            });
        }
        let commit = Commit {
            transaction_id: entry.id.clone(),
            timestamp: entry.timestamp.clone(),
            identity: entry.author.clone().unwrap_or_default(),
            results: Vec::new(),
            changes,
        };
        let mutations = entry.mutations.as_array().map_or(&[][..], Vec::as_slice);
        commits.push((entry.seq, PreparedCommit::new(&commit, mutations)));
    }
    commits.reverse();
    Ok(commits)
}
