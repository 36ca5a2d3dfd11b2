//! Commits read back from the transaction log, for a listener that
//! resumes: core rebuilds them (`history::replay`) from the log and the
//! current documents read here.

use std::sync::Arc;

use qanat_core::history::{replay, touched_ids, MAX_REPLAY};

use super::hub::Committed;
use crate::store::{Db, StoreError};

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
    let limit = MAX_REPLAY as i64;
    for _ in 0..ATTEMPTS {
        let log = db.transactions_after(dataset, seq, limit + 1).await?;
        if log.len() > MAX_REPLAY {
            return Ok(None);
        }
        let current = db.read_documents(dataset, &touched_ids(&log)).await?;
        let newest = log.last().map_or(seq, |entry| entry.seq);
        if db.last_seq(dataset).await? != newest {
            continue;
        }
        let commits = replay(&log, &current).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        return Ok(Some(
            commits
                .into_iter()
                .map(|(seq, commit)| Committed {
                    seq,
                    commit: Arc::new(commit),
                })
                .collect(),
        ));
    }
    Ok(None)
}
