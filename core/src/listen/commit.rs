//! A commit prepared once for every listener of its dataset: documents
//! converted for the filter, and mendoza effects computed on first use.

use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;

use super::event::Effects;
use crate::document::Document;
use crate::groq::value::Value;
use crate::mutation::Commit;

/// One state of a document, in the two forms listeners need.
#[derive(Debug)]
pub struct Snapshot {
    pub json: Arc<Json>,
    /// What listeners' filters run on, made on first use: a dataset nobody
    /// listens to never needs it, and it costs as much as the JSON.
    value: OnceLock<Value>,
    pub rev: Option<String>,
}

impl Snapshot {
    fn new(doc: &Document) -> Snapshot {
        Snapshot {
            value: OnceLock::new(),
            rev: doc.rev().map(str::to_string),
            json: Arc::new(doc.to_value()),
        }
    }

    /// The document as GROQ sees it.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| Value::from_json(&self.json))
    }
}

/// One document the commit changed.
#[derive(Debug)]
pub struct PreparedChange {
    pub id: String,
    pub before: Option<Snapshot>,
    pub after: Option<Snapshot>,
    /// The transaction's mutations that address this document.
    pub mutations: Arc<Vec<Json>>,
    effects: OnceLock<Arc<Effects>>,
}

impl PreparedChange {
    /// Mendoza effects from `before` to `after`, computed once however many
    /// listeners ask. Hosts also store them in the transaction log.
    pub fn effects(&self) -> Arc<Effects> {
        self.effects
            .get_or_init(|| {
                Arc::new(Effects::between(
                    self.before.as_ref().map(|s| &*s.json),
                    self.after.as_ref().map(|s| &*s.json),
                ))
            })
            .clone()
    }
}

/// A commit as listeners see it.
#[derive(Debug)]
pub struct PreparedCommit {
    pub transaction_id: String,
    pub timestamp: String,
    pub identity: String,
    /// In the commit's order.
    pub changes: Vec<PreparedChange>,
}

impl PreparedCommit {
    /// `mutations` is the transaction's `mutations` array as the client sent
    /// it (or as an action lowered to); each event carries the ones that
    /// name its document.
    pub fn new(commit: &Commit, mutations: &[Json]) -> PreparedCommit {
        let changes = commit
            .changes
            .iter()
            .map(|change| PreparedChange {
                id: change.id.clone(),
                before: change.before.as_ref().map(Snapshot::new),
                after: change.after.as_ref().map(Snapshot::new),
                mutations: Arc::new(
                    mutations
                        .iter()
                        .filter(|m| addresses(m, &change.id))
                        .cloned()
                        .collect(),
                ),
                effects: OnceLock::new(),
            })
            .collect();
        PreparedCommit {
            transaction_id: commit.transaction_id.clone(),
            timestamp: commit.timestamp.clone(),
            identity: commit.identity.clone(),
            changes,
        }
    }
}

/// Whether a mutation (`{"create": {...}}`, `{"patch": {"id": ...}}`, ...)
/// may have written `id`. One selected by a query or with an id core
/// generates cannot be told apart here, so it counts for every document.
fn addresses(mutation: &Json, id: &str) -> bool {
    let Some((kind, body)) = mutation.as_object().and_then(|m| m.iter().next()) else {
        return false;
    };
    let named = match kind.as_str() {
        "create" | "createOrReplace" | "createIfNotExists" => body.get("_id"),
        "delete" | "patch" => body.get("id"),
        _ => return false,
    };
    match named {
        Some(Json::String(named)) if !named.ends_with('.') => named == id,
        Some(Json::Array(ids)) => ids.iter().any(|i| i.as_str() == Some(id)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::addresses;
    use serde_json::json;

    #[test]
    fn mutations_are_attributed_to_the_documents_they_name() {
        let cases = [
            (json!({"create": {"_id": "a", "_type": "t"}}), true),
            (json!({"createOrReplace": {"_id": "b"}}), false),
            (json!({"patch": {"id": "a", "set": {"x": 1}}}), true),
            (json!({"patch": {"id": ["b", "a"], "set": {"x": 1}}}), true),
            (json!({"delete": {"id": "c"}}), false),
            (json!({"delete": {"query": "*[_type == 't']"}}), true),
            (json!({"create": {"_type": "t"}}), true),
            (json!({"create": {"_id": "drafts.", "_type": "t"}}), true),
            (json!({"unknown": {}}), false),
            (json!("nonsense"), false),
        ];
        for (m, want) in cases {
            assert_eq!(addresses(&m, "a"), want, "{m}");
        }
    }
}
