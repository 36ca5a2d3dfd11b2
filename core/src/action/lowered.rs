//! The mutations actions lower to, written as Sanity's mutation JSON. They
//! are built as JSON and parsed with [`crate::mutation::parse_mutations`], so
//! the JSON the transaction log records and the typed mutations core applies
//! cannot disagree.

use serde_json::{json, Map, Value};

use super::strengthen::strengthen_references;
use crate::document::{Document, SystemFields};

/// Where Sanity keeps a version's bookkeeping (`_system.delete` marks a
/// version that unpublishes its document when the release is published).
pub const SYSTEM_FIELD: &str = "_system";

pub fn create(body: Map<String, Value>) -> Value {
    json!({ "create": body })
}

pub fn create_if_not_exists(body: Map<String, Value>) -> Value {
    json!({ "createIfNotExists": body })
}

pub fn create_or_replace(body: Map<String, Value>) -> Value {
    json!({ "createOrReplace": body })
}

pub fn delete(id: &str) -> Value {
    json!({ "delete": { "id": id } })
}

/// A patch of `id` with the given operations (`{"set": {...}, ...}`).
pub fn patch(id: &str, operations: &Map<String, Value>, if_revision_id: Option<&str>) -> Value {
    let mut body = Map::with_capacity(operations.len() + 2);
    body.insert("id".into(), json!(id));
    if let Some(rev) = if_revision_id {
        body.insert("ifRevisionID".into(), json!(rev));
    }
    body.extend(operations.iter().map(|(k, v)| (k.clone(), v.clone())));
    json!({ "patch": body })
}

/// `doc`'s content under another id. `_rev` and `_updatedAt` belong to the
/// write that makes the copy; `_createdAt` travels with the content.
pub fn copy_as(doc: &Document, id: &str) -> Map<String, Value> {
    let mut body = doc.as_map().clone();
    body.remove(SystemFields::REV);
    body.remove(SystemFields::UPDATED_AT);
    body.insert(SystemFields::ID.into(), json!(id));
    body
}

/// True when a version is marked to unpublish its document on release.
pub fn marked_for_unpublish(doc: &Document) -> bool {
    doc.as_map()
        .get(SYSTEM_FIELD)
        .and_then(|s| s.get("delete"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// What publishing `source` (a draft or version) writes to `published_id`:
/// its content without version bookkeeping, with references Studio marked
/// `_strengthenOnPublish` made strong, as Sanity does when it publishes.
pub fn published_body(source: &Document, published_id: &str) -> Map<String, Value> {
    let mut body = copy_as(source, published_id);
    body.remove(SYSTEM_FIELD);
    let mut value = Value::Object(body);
    strengthen_references(&mut value);
    match value {
        Value::Object(body) => body,
        _ => Map::new(),
    }
}
