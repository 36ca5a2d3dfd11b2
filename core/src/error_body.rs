//! The body Sanity answers a failed transaction with, whatever failed it:
//! `{"error": {"type", "description", "items": [{"error": {...}, "index"}]}}`.
//! Mutations, actions and permission checks all report through it.

use serde_json::{json, Map, Value};

/// One failed item: its error's `type` and `description`, the document it
/// addressed and the offending value when known, and its position in the
/// request.
pub(crate) struct Item<'a> {
    pub kind: &'a str,
    pub description: &'a str,
    pub id: Option<&'a str>,
    pub value: Option<&'a Value>,
    pub index: Option<usize>,
}

impl Item<'_> {
    pub(crate) fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".into(), json!(self.kind));
        error.insert("description".into(), json!(self.description));
        if let Some(id) = self.id {
            error.insert("id".into(), json!(id));
        }
        if let Some(value) = self.value {
            error.insert("value".into(), value.clone());
        }
        let mut item = Map::new();
        item.insert("error".into(), Value::Object(error));
        if let Some(index) = self.index {
            item.insert("index".into(), json!(index));
        }
        Value::Object(item)
    }
}

/// The whole body, `kind` being `mutationError` or `actionError`.
pub(crate) fn with_items(kind: &str, description: String, items: Vec<Value>) -> Value {
    json!({"error": {"type": kind, "description": description, "items": items}})
}
