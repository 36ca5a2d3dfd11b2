//! What a dataset write read, for a commit that checks it is still so.
//!
//! A PostgreSQL write may read without the dataset's lock (see
//! [`Locking::AtCommit`](super::write::Locking)); its commit then proves,
//! under the lock, that every document it read has the revision it read and
//! every id prefix it listed matches the same ids. This is the `p_reads`
//! argument of `qanat_commit` (`pg-migrations/0006_commit_function.sql`).

use std::collections::{BTreeMap, HashMap};

use qanat_core::document::Document;
use serde_json::json;

#[derive(Debug, Default)]
pub struct ReadSet {
    /// Each id read, with the revision found (`None`: not stored).
    revisions: BTreeMap<String, Option<String>>,
    /// Each prefix listed, with the ids found, in byte order.
    prefixes: BTreeMap<String, Vec<String>>,
}

impl ReadSet {
    /// Records a read of `ids` that found `found`. A later read of the same
    /// id replaces the earlier one, as it does in what core is given.
    pub fn documents(&mut self, ids: &[String], found: &HashMap<String, Document>) {
        for id in ids {
            let rev = found.get(id).and_then(|doc| doc.rev().map(str::to_owned));
            self.revisions.insert(id.clone(), rev);
        }
    }

    /// Records, for each of `ids` not recorded yet, that reading it found
    /// `found`: a group of writes decided one after another depends on the
    /// store only for what each id was before the first of them to read it
    /// (`dataset/writer/group.rs`).
    pub fn documents_first_read(&mut self, ids: &[String], found: &HashMap<String, Document>) {
        for id in ids {
            if !self.revisions.contains_key(id) {
                let rev = found.get(id).and_then(|doc| doc.rev().map(str::to_owned));
                self.revisions.insert(id.clone(), rev);
            }
        }
    }

    /// Every id recorded as read.
    pub fn ids(&self) -> Vec<String> {
        self.revisions.keys().cloned().collect()
    }

    /// Records that the ids starting with `prefix` were `ids`.
    pub fn prefix(&mut self, prefix: &str, ids: &[String]) {
        let mut ids = ids.to_vec();
        // `String`'s order is byte order, PostgreSQL's `COLLATE "C"`.
        ids.sort_unstable();
        self.prefixes.insert(prefix.to_owned(), ids);
    }

    pub fn to_json(&self) -> String {
        json!({"revisions": self.revisions, "prefixes": self.prefixes}).to_string()
    }
}
