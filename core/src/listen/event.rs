//! One `mutation` event as Sanity's listener sends it.

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use super::options::Visibility;

/// How the document's match against the listener's filter changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transition {
    /// It did not match (or did not exist, or could not be read) and now does.
    Appear,
    /// It matched before and after.
    Update,
    /// It matched and now does not, or was deleted.
    Disappear,
}

/// Mendoza patches between the document before and after the commit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effects {
    pub apply: Value,
    pub revert: Value,
}

impl Effects {
    /// `before`/`after` as the listener sees them; `None` is no document.
    pub fn between(before: Option<&Value>, after: Option<&Value>) -> Effects {
        let before = before.unwrap_or(&Value::Null);
        let after = after.unwrap_or(&Value::Null);
        Effects {
            apply: crate::mendoza::encode(before, after),
            revert: crate::mendoza::encode(after, before),
        }
    }
}

/// The `data` of a `mutation` server-sent event. Documents, mutations and
/// effects are shared: a commit with many listeners builds them once.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerEvent {
    /// `<transactionId>#<documentId>`; also the SSE `id:` a client resumes from.
    pub event_id: String,
    pub document_id: String,
    pub transaction_id: String,
    pub identity: String,
    /// The transaction's mutations that address this document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mutations: Option<Arc<Vec<Value>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_rev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_rev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Arc<Value>>,
    /// With `includePreviousRevision`: the document before, or null when it
    /// did not exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<Arc<Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effects: Option<Arc<Effects>>,
    pub timestamp: String,
    pub transition: Transition,
    #[serde(serialize_with = "visibility_text")]
    pub visibility: Visibility,
    /// How many events this listener receives for the transaction: Studio
    /// waits for all of them before it applies a multi-document transaction.
    pub transaction_total_events: usize,
    /// 1-based position of this event among them.
    pub transaction_current_event: usize,
}

fn visibility_text<S: serde::Serializer>(v: &Visibility, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v.as_str())
}
