//! Commits read back from the transaction log, for a listener that resumes.
//!
//! The log keeps each transaction's mendoza effects, not its documents, so
//! the documents before and after each one are rebuilt backwards from the
//! current documents with the `revert` patches, newest first.

use std::collections::HashMap;
use std::sync::Arc;

use qanat_core::document::Document;
use qanat_core::listen::PreparedCommit;
use qanat_core::mendoza;
use qanat_core::mutation::{Commit, DocumentChange};
use serde_json::Value as Json;

use super::hub::Committed;
use crate::store::{Db, StoreError};

/// A resumed listener that missed more than this many transactions is told
/// to refetch (`reset`) instead.
pub const MAX_REPLAY: i64 = 1000;
/// Reading the log and the documents is retried when a commit lands between
/// the two reads.
const ATTEMPTS: usize = 3;

/// Every commit of `dataset` after `seq`, oldest first, or `None` when they
/// cannot be rebuilt (too many, or the log and documents kept moving).
pub async fn commits_after(
    db: &Db,
    dataset: &str,
    seq: i64,
) -> Result<Option<Vec<Committed>>, StoreError> {
    for _ in 0..ATTEMPTS {
        let log = db.transactions_after(dataset, seq, MAX_REPLAY + 1).await?;
        if log.len() as i64 > MAX_REPLAY {
            return Ok(None);
        }
        let mut ids: Vec<String> = Vec::new();
        for entry in &log {
            for id in entry.effects.as_object().into_iter().flat_map(|m| m.keys()) {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
        let current = db.read_documents(dataset, &ids).await?;
        let newest = log.last().map_or(seq, |entry| entry.seq);
        if db.last_seq(dataset).await? != newest {
            continue;
        }
        let mut state: HashMap<String, Json> = ids
            .iter()
            .map(|id| {
                let doc = current.get(id).map_or(Json::Null, Document::to_value);
                (id.clone(), doc)
            })
            .collect();
        let mut commits = Vec::with_capacity(log.len());
        for entry in log.iter().rev() {
            let mut changes = Vec::new();
            for (id, effects) in entry.effects.as_object().into_iter().flatten() {
                let after = state.get(id).cloned().unwrap_or(Json::Null);
                let revert = effects.get("revert").unwrap_or(&Json::Null);
                let before = mendoza::apply(&after, revert).map_err(|e| {
                    StoreError::Corrupt(format!("transaction {} on {id}: {e}", entry.id))
                })?;
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
            commits.push(Committed {
                seq: entry.seq,
                commit: Arc::new(PreparedCommit::new(&commit, mutations)),
            });
        }
        commits.reverse();
        return Ok(Some(commits));
    }
    Ok(None)
}
