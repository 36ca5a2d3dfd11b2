//! Who may read a document's history. Sanity judges it on the document as
//! it is today (for a deleted document, as it was last): whoever may read
//! that version may read every earlier one, and nobody else any.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{HistoryError, LogEntry};
use crate::grants::{Grants, Permission};

/// Read and History on the document.
pub fn allows(grants: &Grants, doc: &Json) -> bool {
    grants.allows_json(Permission::Read, doc) && grants.allows_json(Permission::History, doc)
}

/// Each of `ids` as it is now (`stored`) or, when deleted, as it was just
/// before its deletion, from `log`: the transactions that touched the
/// deleted ones, newest first. Ids the log has never seen are absent.
pub fn last_states(
    ids: &[String],
    mut stored: HashMap<String, Json>,
    log: &[LogEntry],
) -> Result<HashMap<String, Json>, HistoryError> {
    let gone: Vec<&String> = ids.iter().filter(|id| !stored.contains_key(*id)).collect();
    // The newest transaction of a deleted document is its deletion; its
    // revert, applied to nothing, is the last state.
    for entry in log {
        for id in &gone {
            if stored.contains_key(*id) || entry.effects.get(id.as_str()).is_none() {
                continue;
            }
            stored.insert((*id).clone(), entry.undo(id, &Json::Null)?);
        }
        if stored.len() >= ids.len() {
            break;
        }
    }
    stored.retain(|_, doc| !doc.is_null());
    Ok(stored)
}
