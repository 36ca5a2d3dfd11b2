//! Queries that never see what the caller may not read.
//!
//! The documents are filtered where they enter the evaluator, as stored
//! (`drafts.x`, not the `x` a drafts perspective later shows), so nothing
//! downstream can leak them: `*` does not list them, `count()` does not
//! count them, `->` and `documents::get()` find nothing, `references()`
//! never returns them.

use std::sync::Arc;

use super::access::Grants;
use crate::groq::plan::Predicate;
use crate::groq::store::{OrderedScan, Store};
use crate::groq::value::Value;
use crate::groq::Dataset;

/// A [`Store`] that answers as if the documents `grants` cannot read did
/// not exist. Run queries through it with [`crate::groq::store::query`].
pub struct ReadableStore<'a, S> {
    store: &'a S,
    grants: &'a Grants,
}

impl<'a, S: Store> ReadableStore<'a, S> {
    pub fn new(store: &'a S, grants: &'a Grants) -> ReadableStore<'a, S> {
        ReadableStore { store, grants }
    }
}

impl<S: Store> Store for ReadableStore<'_, S> {
    type Error = S::Error;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, S::Error> {
        let mut rows = self.store.scan(filter).await?;
        rows.retain(|d| self.grants.can_read(d));
        Ok(rows)
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, S::Error> {
        let mut rows = self.store.get(ids).await?;
        rows.retain(|d| self.grants.can_read(d));
        Ok(rows)
    }

    /// Only for an identity that reads every document: a row hidden after
    /// the store cut the list would leave a slot of the slice empty that a
    /// readable document further down should have taken.
    async fn scan_ordered(&self, scan: &OrderedScan<'_>) -> Result<Option<Vec<Value>>, S::Error> {
        if !self.grants.reads_everything() {
            return Ok(None);
        }
        self.store.scan_ordered(scan).await
    }
}

impl Grants {
    /// The part of an in-memory dataset this identity may read, for
    /// [`crate::groq::evaluate_in`]. When every document is readable the
    /// dataset itself is returned, index and all, without a copy.
    pub fn readable_dataset(&self, dataset: &Arc<Dataset>) -> Arc<Dataset> {
        let docs = dataset.documents();
        let Some(hidden) = docs.iter().position(|d| !self.can_read(d)) else {
            return dataset.clone();
        };
        let readable: Vec<Value> = docs
            .iter()
            .take(hidden)
            .chain(docs.iter().skip(hidden + 1).filter(|d| self.can_read(d)))
            .cloned()
            .collect();
        Arc::new(Dataset::new(readable))
    }
}
