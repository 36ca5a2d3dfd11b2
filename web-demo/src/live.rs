//! Keeping a loaded dataset live: each listener event's mendoza `effects`
//! applied with core's decoder to the document as the page holds it.

use qanat_core::mendoza;
use serde_json::Value as Json;

/// Applies one `mutation` event to `documents`. Returns whether a document
/// changed. An event without effects (a listener that did not ask for
/// `effectFormat=mendoza`) cannot be applied and is an error.
pub fn apply_event(documents: &mut Vec<Json>, event: &str) -> Result<bool, String> {
    let event: Json =
        serde_json::from_str(event).map_err(|e| format!("An event is not JSON: {e}"))?;
    let Some(id) = event.get("documentId").and_then(Json::as_str) else {
        return Ok(false);
    };
    let apply = event
        .get("effects")
        .and_then(|e| e.get("apply"))
        .ok_or_else(|| format!("The event for {id} has no mendoza effects"))?;
    let at = documents
        .iter()
        .position(|doc| doc.get("_id").and_then(Json::as_str) == Some(id));
    let before = at.map_or(Json::Null, |i| documents[i].clone());
    // The page listens before it loads the export, so an event may
    // describe a change the export already holds.
    let rev = |key: &str| event.get(key).and_then(Json::as_str);
    if before.get("_rev").and_then(Json::as_str).is_some()
        && before.get("_rev").and_then(Json::as_str) == rev("resultRev")
    {
        return Ok(false);
    }
    let after = mendoza::apply(&before, apply).map_err(|e| format!("The effects for {id}: {e}"))?;
    match (at, after.is_null()) {
        (Some(i), true) => {
            documents.remove(i);
        }
        (Some(i), false) => documents[i] = after,
        (None, false) => documents.push(after),
        (None, true) => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(id: &str, before: &Json, after: &Json) -> String {
        json!({"documentId": id, "effects": {"apply": mendoza::encode(before, after)}}).to_string()
    }

    #[test]
    fn events_create_change_and_delete_documents() {
        let mut docs = vec![json!({"_id": "a", "n": 1})];
        let b = json!({"_id": "b", "title": "مرحبا"});
        assert_eq!(
            apply_event(&mut docs, &event("b", &Json::Null, &b)),
            Ok(true)
        );
        let a2 = json!({"_id": "a", "n": 2});
        let change = event("a", &docs[0], &a2);
        assert_eq!(apply_event(&mut docs, &change), Ok(true));
        assert_eq!(docs, vec![a2.clone(), b.clone()]);
        assert_eq!(
            apply_event(&mut docs, &event("b", &b, &Json::Null)),
            Ok(true)
        );
        assert_eq!(docs, vec![a2]);
        assert!(apply_event(&mut docs, "{\"documentId\": \"a\"}").is_err());
        // A change the dataset already holds is not applied twice.
        let mut held = vec![json!({"_id": "c", "_rev": "r2"})];
        let again = json!({"documentId": "c", "resultRev": "r2", "effects": {"apply": [0, null]}});
        assert_eq!(apply_event(&mut held, &again.to_string()), Ok(false));
        assert_eq!(held.len(), 1);
    }
}
