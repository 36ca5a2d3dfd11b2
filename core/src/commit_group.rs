//! The rows of several transactions of one dataset committed at once, as
//! the parameters of PostgreSQL's `qanat_commit_group`
//! (`native-host/pg-migrations/0008_commit_group.sql`).
//!
//! The transactions were decided one after another, each on what the ones
//! before it leave; the documents are written once, as the last of them
//! leaves each, and every transaction keeps its own log entry.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::commit_sql::{document_row, effects_entry, touched_row};
use crate::listen::PreparedCommit;

#[derive(Debug)]
pub struct GroupRows {
    /// `[{id, type, rev, createdAt, updatedAt, body}]`: every document the
    /// group leaves in place, once, as [`CommitRows::documents`](crate::commit_sql::CommitRows::documents).
    pub documents: String,
    /// `[id]`: every document the group leaves deleted.
    pub deleted: String,
    /// `[{n, id, timestamp, author, mutations, effects, touched}]`, one per
    /// transaction in order, `n` counting from 1; `touched` as
    /// [`CommitRows::touched`](crate::commit_sql::CommitRows::touched).
    pub transactions: String,
}

impl GroupRows {
    /// `members`: each transaction's commit and its mutations, in order.
    pub fn new<'a>(
        members: impl IntoIterator<Item = (&'a PreparedCommit, &'a [Json])>,
    ) -> GroupRows {
        // Each id's row after its last change; `None`: deleted.
        let mut last: BTreeMap<&str, Option<Json>> = BTreeMap::new();
        let mut transactions = Vec::new();
        for (n, (commit, mutations)) in members.into_iter().enumerate() {
            for change in &commit.changes {
                let row = change
                    .after
                    .as_ref()
                    .map(|after| document_row(&change.id, after, &commit.timestamp));
                last.insert(&change.id, row);
            }
            let effects: Map<String, Json> = commit
                .changes
                .iter()
                .map(|change| (change.id.clone(), effects_entry(change)))
                .collect();
            let touched: Vec<Json> = commit.changes.iter().map(touched_row).collect();
            transactions.push(json!({
                "n": n + 1,
                "id": commit.transaction_id,
                "timestamp": commit.timestamp,
                "author": Some(&commit.identity).filter(|i| !i.is_empty()),
                "mutations": mutations,
                "effects": effects,
                "touched": touched,
            }));
        }
        let mut documents = Vec::new();
        let mut deleted = Vec::new();
        for (id, row) in last {
            match row {
                Some(row) => documents.push(row),
                None => deleted.push(Json::from(id)),
            }
        }
        GroupRows {
            documents: Json::Array(documents).to_string(),
            deleted: Json::Array(deleted).to_string(),
            transactions: Json::Array(transactions).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;
    use crate::document::Document;
    use crate::mutation::{apply_transaction, parse_mutations, Commit, TransactionContext};

    fn decide(before: &[Document], mutations: &Json, id: &str) -> Commit {
        let ctx = TransactionContext {
            transaction_id: id.to_owned(),
            now: "2026-02-03T04:05:06.789Z".to_owned(),
            identity: "p-editor".to_owned(),
            auto_generate_array_keys: false,
            seed: 1,
        };
        let current = before
            .iter()
            .map(|doc| (doc.id().to_owned(), doc.clone()))
            .collect();
        let parsed = parse_mutations(mutations).expect("valid mutations");
        apply_transaction(&parsed, &current, &ctx).expect("applies")
    }

    #[test]
    fn documents_are_written_as_the_last_member_leaves_them_and_each_member_is_logged() {
        let first = json!([{"create": {"_id": "a", "_type": "t", "v": 1}}, {"create": {"_id": "b", "_type": "t"}}]);
        let one = decide(&[], &first, "tx-1");
        let after_one: Vec<Document> = one.changes.iter().filter_map(|c| c.after.clone()).collect();
        let second = json!([{"patch": {"id": "a", "set": {"v": 2}}}, {"delete": {"id": "b"}}]);
        let two = decide(&after_one, &second, "tx-2");
        let (list1, list2) = (
            first.as_array().cloned().unwrap_or_default(),
            second.as_array().cloned().unwrap_or_default(),
        );
        let (p1, p2) = (
            PreparedCommit::new(&one, &list1),
            PreparedCommit::new(&two, &list2),
        );
        let rows = GroupRows::new([(&p1, list1.as_slice()), (&p2, list2.as_slice())]);

        let documents: Json = serde_json::from_str(&rows.documents).expect("JSON");
        assert_eq!(documents.as_array().map(Vec::len), Some(1), "{documents}");
        let body: Json =
            serde_json::from_str(documents[0]["body"].as_str().expect("body")).expect("JSON");
        assert_eq!(body["v"], json!(2));
        assert_eq!(
            serde_json::from_str::<Json>(&rows.deleted).expect("JSON"),
            json!(["b"])
        );

        let log: Json = serde_json::from_str(&rows.transactions).expect("JSON");
        assert_eq!(log[0]["n"], json!(1));
        assert_eq!(log[1]["n"], json!(2));
        assert_eq!(log[1]["id"], json!("tx-2"));
        assert_eq!(log[1]["author"], json!("p-editor"));
        assert_eq!(log[0]["mutations"], first);
        assert_eq!(
            log[1]["touched"][0]["previousRev"],
            log[0]["touched"][0]["resultRev"]
        );
        assert_eq!(log[1]["touched"][1]["resultRev"], Json::Null);
        // Each member's effects lead from the state the one before left.
        let made =
            crate::mendoza::apply(&Json::Null, &log[0]["effects"]["a"]["apply"]).expect("apply");
        let patched =
            crate::mendoza::apply(&made, &log[1]["effects"]["a"]["apply"]).expect("apply");
        assert_eq!(patched, body);
    }
}
