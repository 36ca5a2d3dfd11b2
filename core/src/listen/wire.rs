//! A commit as one part of a host hands it to another that serves its
//! listeners: the edge's Durable Object, which commits, sends it to every
//! Worker holding a listener of the dataset, and each Worker runs its own
//! listeners' filters on it. JSON text, so it crosses a WebSocket.
//!
//! `{"seq", "transactionId", "timestamp", "identity", "mutations",
//! "changes": [{"id", "before", "after"}]}`: what [`PreparedCommit::new`]
//! needs, so the receiver prepares the same commit the sender did.

use serde_json::{json, Value as Json};

use super::commit::PreparedCommit;
use crate::document::Document;
use crate::mutation::{Commit, DocumentChange};

/// `commit`, at `seq` in its dataset's log, with the transaction's
/// `mutations`, as text to send.
pub fn commit_message(seq: i64, commit: &Commit, mutations: &[Json]) -> String {
    let changes: Vec<Json> = commit
        .changes
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "before": c.before.as_ref().map(Document::to_value),
                "after": c.after.as_ref().map(Document::to_value),
            })
        })
        .collect();
    json!({
        "seq": seq,
        "transactionId": commit.transaction_id,
        "timestamp": commit.timestamp,
        "identity": commit.identity,
        "mutations": mutations,
        "changes": changes,
    })
    .to_string()
}

/// The commit a [`commit_message`] carries, with its `seq`; `None` for text
/// that is not one.
pub fn read_commit_message(text: &str) -> Option<(i64, PreparedCommit)> {
    let message: Json = serde_json::from_str(text).ok()?;
    let string = |key: &str| message.get(key)?.as_str().map(str::to_owned);
    let changes = message
        .get("changes")?
        .as_array()?
        .iter()
        .map(|c| {
            Some(DocumentChange {
                id: c.get("id")?.as_str()?.to_owned(),
                before: c.get("before").cloned().and_then(Document::from_stored),
                after: c.get("after").cloned().and_then(Document::from_stored),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let commit = Commit {
        transaction_id: string("transactionId")?,
        timestamp: string("timestamp")?,
        identity: string("identity")?,
        results: Vec::new(),
        changes,
    };
    let mutations = message.get("mutations")?.as_array()?;
    Some((
        message.get("seq")?.as_i64()?,
        PreparedCommit::new(&commit, mutations),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mutation::{apply_transaction, parse_mutations, TransactionContext};

    #[test]
    fn a_commit_crosses_as_it_was_prepared() {
        let ctx = TransactionContext {
            transaction_id: "tx".into(),
            now: "2026-01-01T00:00:00.000Z".into(),
            identity: "u".into(),
            auto_generate_array_keys: false,
            seed: 1,
        };
        let old = Document::from_stored(json!({"_id": "b", "_type": "t", "_rev": "r0"}))
            .expect("a document");
        let current = [("b".to_owned(), old)].into_iter().collect();
        let list = json!([{"create": {"_id": "a", "_type": "t", "n": 1}}, {"delete": {"id": "b"}}]);
        let mutations = parse_mutations(&list).expect("mutations");
        let commit = apply_transaction(&mutations, &current, &ctx).expect("applies");
        let list = list.as_array().cloned().unwrap_or_default();
        let text = commit_message(7, &commit, &list);
        let (seq, received) = read_commit_message(&text).expect("a commit message");
        let sent = PreparedCommit::new(&commit, &list);
        assert_eq!(seq, 7);
        assert_eq!(received.transaction_id, sent.transaction_id);
        assert_eq!(received.changes.len(), 2);
        for (r, s) in received.changes.iter().zip(&sent.changes) {
            assert_eq!(r.id, s.id);
            assert_eq!(r.mutations, s.mutations);
            assert_eq!(
                r.before.as_ref().map(|d| &d.json),
                s.before.as_ref().map(|d| &d.json)
            );
            assert_eq!(
                r.after.as_ref().map(|d| &d.json),
                s.after.as_ref().map(|d| &d.json)
            );
        }
        assert!(read_commit_message("{}").is_none());
        assert!(read_commit_message("not json").is_none());
    }
}
