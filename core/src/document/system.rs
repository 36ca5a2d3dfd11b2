//! The document value and the system fields core manages on it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The fields Sanity owns on every document; clients may not set `_rev` or
/// `_updatedAt`, and patches never change `_id`.
pub struct SystemFields;

impl SystemFields {
    pub const ID: &'static str = "_id";
    pub const TYPE: &'static str = "_type";
    pub const REV: &'static str = "_rev";
    pub const CREATED_AT: &'static str = "_createdAt";
    pub const UPDATED_AT: &'static str = "_updatedAt";
}

/// A stored document: a JSON object whose `_id` and `_type` are strings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Document(Map<String, Value>);

impl Document {
    /// Wraps an object that core has already checked has `_id` and `_type`.
    pub(crate) fn from_map(map: Map<String, Value>) -> Self {
        Document(map)
    }

    /// Accepts a stored document from a host (e.g. a row read back from SQL).
    /// Returns `None` when the value is not an object with a string `_id`.
    pub fn from_stored(value: Value) -> Option<Self> {
        match value {
            Value::Object(map) if map.get(SystemFields::ID).is_some_and(Value::is_string) => {
                Some(Document(map))
            }
            _ => None,
        }
    }

    pub fn id(&self) -> &str {
        self.str_field(SystemFields::ID).unwrap_or_default()
    }

    pub fn doc_type(&self) -> &str {
        self.str_field(SystemFields::TYPE).unwrap_or_default()
    }

    pub fn rev(&self) -> Option<&str> {
        self.str_field(SystemFields::REV)
    }

    pub fn created_at(&self) -> Option<&str> {
        self.str_field(SystemFields::CREATED_AT)
    }

    pub fn updated_at(&self) -> Option<&str> {
        self.str_field(SystemFields::UPDATED_AT)
    }

    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }

    pub fn to_value(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn str_field(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }
}
