//! What a commit writes to the store, as SQL parameters, and the SQLite
//! statements (D1's dialect) that write it.
//!
//! Every list travels as one JSON parameter: a statement's text is then the
//! same whatever the transaction's size (hosts cache one prepared statement),
//! and D1's limit of 100 bound parameters is never reached.
//!
//! The statements decide nothing: core has already applied the transaction,
//! and the host holds the dataset's write lock from before its reads until
//! after these run, so there is nothing left to check.

use serde_json::{json, Map, Value as Json};

use crate::listen::{PreparedChange, PreparedCommit, Snapshot};

/// A commit's rows, as the parameters `?2`…`?9` of [`SQLITE_COMMIT`]
/// (`?1` is the dataset); see [`CommitRows::params`].
#[derive(Debug)]
pub struct CommitRows {
    /// `[{id, type, rev, createdAt, updatedAt, body}]` for every document
    /// the commit leaves in place; `body` is the document as JSON text.
    pub documents: String,
    /// `[id]` of every document it deletes.
    pub deleted: String,
    /// `[{id, previousRev, resultRev}]` of every document it touched.
    pub touched: String,
    pub transaction_id: String,
    pub timestamp: String,
    /// `None` for a write no user made (an operator's import).
    pub author: Option<String>,
    /// The transaction's mutations as the client sent them (or as its
    /// actions lowered to), a JSON array.
    pub mutations: String,
    /// `{id: {apply, revert}}`: mendoza effects per document.
    pub effects: String,
}

impl CommitRows {
    pub fn new(commit: &PreparedCommit, mutations: &[Json]) -> CommitRows {
        let mut documents = Vec::new();
        let mut deleted = Vec::new();
        let mut touched = Vec::with_capacity(commit.changes.len());
        let mut effects = Map::new();
        for change in &commit.changes {
            match &change.after {
                Some(after) => documents.push(document_row(&change.id, after, &commit.timestamp)),
                None => deleted.push(Json::from(change.id.as_str())),
            }
            touched.push(touched_row(change));
            effects.insert(change.id.clone(), effects_entry(change));
        }
        CommitRows {
            documents: Json::Array(documents).to_string(),
            deleted: Json::Array(deleted).to_string(),
            touched: Json::Array(touched).to_string(),
            transaction_id: commit.transaction_id.clone(),
            timestamp: commit.timestamp.clone(),
            author: Some(commit.identity.clone()).filter(|i| !i.is_empty()),
            mutations: Json::from(mutations.to_vec()).to_string(),
            effects: Json::Object(effects).to_string(),
        }
    }

    /// The values of `?1`…`?9`, in order.
    pub fn params<'a>(&'a self, dataset: &'a str) -> [Option<&'a str>; 9] {
        [
            Some(dataset),
            Some(&self.documents),
            Some(&self.deleted),
            Some(&self.touched),
            Some(&self.transaction_id),
            Some(&self.timestamp),
            self.author.as_deref(),
            Some(&self.mutations),
            Some(&self.effects),
        ]
    }
}

/// One row of [`CommitRows::touched`].
pub(crate) fn touched_row(change: &PreparedChange) -> Json {
    json!({
        "id": change.id,
        "previousRev": change.before.as_ref().and_then(|s| s.rev.as_deref()),
        "resultRev": change.after.as_ref().and_then(|s| s.rev.as_deref()),
    })
}

/// A document's entry in [`CommitRows::effects`].
pub(crate) fn effects_entry(change: &PreparedChange) -> Json {
    let e = change.effects();
    json!({"apply": e.apply, "revert": e.revert})
}

/// One row of [`CommitRows::documents`]: document `id` as `after` holds it.
pub(crate) fn document_row(id: &str, after: &Snapshot, timestamp: &str) -> Json {
    json!({
        "id": id,
        "type": after.json.get("_type").and_then(Json::as_str).unwrap_or_default(),
        "rev": after.rev,
        "createdAt": system_time(&after.json, "_createdAt", timestamp),
        "updatedAt": system_time(&after.json, "_updatedAt", timestamp),
        "body": after.json.to_string(),
    })
}

/// `_createdAt`/`_updatedAt` for their columns; a document without one (core
/// always sets both) is dated by its transaction.
fn system_time<'a>(doc: &'a Json, key: &str, timestamp: &'a str) -> &'a str {
    doc.get(key).and_then(Json::as_str).unwrap_or(timestamp)
}

/// The statements that write [`CommitRows`], in order, to run inside the
/// dataset's write lock. The log entry takes the next `seq` of the dataset
/// and returns it (the only row the statements produce).
pub const SQLITE_COMMIT: [&str; 4] = [
    // `WHERE true` tells SQLite's parser the SELECT ends before ON CONFLICT.
    "INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) \
     SELECT ?1, value ->> 'id', value ->> 'type', value ->> 'rev', value ->> 'createdAt', \
     value ->> 'updatedAt', value ->> 'body' FROM json_each(?2) WHERE true \
     ON CONFLICT (dataset, id) DO UPDATE SET type = excluded.type, rev = excluded.rev, \
     created_at = excluded.created_at, updated_at = excluded.updated_at, body = excluded.body",
    "DELETE FROM documents WHERE dataset = ?1 AND id IN (SELECT value FROM json_each(?3))",
    "INSERT INTO transactions (dataset, seq, id, timestamp, author, mutations, effects) \
     SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?5, ?6, ?7, ?8, ?9 FROM transactions WHERE dataset = ?1 \
     RETURNING seq",
    "INSERT INTO transaction_documents (dataset, seq, doc_id, previous_rev, result_rev) \
     SELECT ?1, (SELECT MAX(seq) FROM transactions WHERE dataset = ?1), value ->> 'id', \
     value ->> 'previousRev', value ->> 'resultRev' FROM json_each(?4)",
];

/// D1 runs [`SQLITE_COMMIT`] in one `batch()` (one SQL transaction) but
/// has no lock to hold across the reads before it. The dataset's Durable
/// Object orders its writes, so its reads hold; this statement, run first
/// in the batch, checks it anyway: when a touched document's stored `_rev`
/// is no longer the one the commit changed (`previousRev` in `?4`), it
/// fails (`json()` of text that is not JSON is an error, the only way a
/// plain statement can fail on a condition), and the whole batch with it.
pub const D1_UNCHANGED_SINCE_READ: &str = "SELECT CASE WHEN EXISTS (\
     SELECT 1 FROM json_each(?4) AS t WHERE (SELECT d.rev FROM documents d \
     WHERE d.dataset = ?1 AND d.id = t.value ->> 'id') IS NOT (t.value ->> 'previousRev')) \
     THEN json('a document changed since the commit read it') ELSE 1 END AS unchanged";

#[cfg(test)]
mod tests {
    use serde_json::{json, Value as Json};

    use super::*;
    use crate::mendoza;
    use crate::mutation::{apply_transaction, parse_mutations, TransactionContext};

    fn rows(before: &[Json], mutations: Json, identity: &str) -> CommitRows {
        let ctx = TransactionContext {
            transaction_id: "tx-1".to_owned(),
            now: "2026-02-03T04:05:06.789Z".to_owned(),
            identity: identity.to_owned(),
            auto_generate_array_keys: false,
            seed: 3,
        };
        let current = before
            .iter()
            .filter_map(|doc| crate::document::Document::from_stored(doc.clone()))
            .map(|doc| (doc.id().to_owned(), doc))
            .collect();
        let parsed = parse_mutations(&mutations).expect("valid mutations");
        let commit = apply_transaction(&parsed, &current, &ctx).expect("applies");
        let list = mutations.as_array().cloned().unwrap_or_default();
        CommitRows::new(&PreparedCommit::new(&commit, &list), &list)
    }

    fn parsed(text: &str) -> Json {
        serde_json::from_str(text).expect("JSON")
    }

    #[test]
    fn a_commit_becomes_rows_and_effects() {
        let old = json!({"_id": "b", "_type": "t", "_rev": "r0", "_createdAt": "2020-01-01T00:00:00Z",
                         "_updatedAt": "2020-01-01T00:00:00Z", "v": 1});
        let rows = rows(
            std::slice::from_ref(&old),
            json!([{"create": {"_id": "a", "_type": "post", "title": "سلام"}}, {"delete": {"id": "b"}}]),
            "p-editor",
        );
        let documents = parsed(&rows.documents);
        assert_eq!(documents.as_array().map(Vec::len), Some(1));
        let a = &documents[0];
        assert_eq!(
            (a["id"].as_str(), a["type"].as_str()),
            (Some("a"), Some("post"))
        );
        assert_eq!(a["createdAt"], json!("2026-02-03T04:05:06.789Z"));
        let body = parsed(a["body"].as_str().expect("body is JSON text"));
        assert_eq!(body["title"], json!("سلام"));
        assert_eq!(body["_rev"], a["rev"]);
        assert_eq!(parsed(&rows.deleted), json!(["b"]));
        assert_eq!(
            parsed(&rows.touched),
            json!([
                {"id": "a", "previousRev": null, "resultRev": a["rev"]},
                {"id": "b", "previousRev": "r0", "resultRev": null}
            ])
        );
        // The effects rebuild each document from its previous state, and back.
        let effects = parsed(&rows.effects);
        let made = mendoza::apply(&Json::Null, &effects["a"]["apply"]).expect("apply");
        assert_eq!(made, body);
        let restored = mendoza::apply(&Json::Null, &effects["b"]["revert"]).expect("revert");
        assert_eq!(restored, old);
        assert_eq!(rows.author.as_deref(), Some("p-editor"));
        let params = rows.params("production");
        assert_eq!(params[0], Some("production"));
        assert_eq!(params[4], Some("tx-1"));
        assert_eq!(params[5], Some("2026-02-03T04:05:06.789Z"));
    }

    #[test]
    fn an_operators_write_has_no_author() {
        let rows = rows(&[], json!([{"create": {"_id": "x", "_type": "t"}}]), "");
        assert_eq!(rows.author, None);
        assert_eq!(rows.params("d")[6], None);
        assert_eq!(parsed(&rows.deleted), json!([]));
    }
}
