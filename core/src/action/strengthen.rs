//! Reference strengthening on publish. Studio may not hold a strong reference
//! to a document that is not published yet, so it writes the reference weak
//! (`_weak: true`) with `_strengthenOnPublish: {type, weak?, template?}`; when
//! the referring document is published, Sanity drops both markers and keeps
//! `_weak: true` only if `_strengthenOnPublish.weak` asked for a weak
//! reference in the end.

use serde_json::Value;

const MARKER: &str = "_strengthenOnPublish";

/// Strengthens every marked reference in `value`, at any depth. Iterative, so
/// a deep document cannot overflow the stack.
pub fn strengthen_references(value: &mut Value) {
    let mut stack: Vec<&mut Value> = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                if let Some(marker) = map.remove(MARKER) {
                    map.remove("_weak");
                    if marker.get("weak").and_then(Value::as_bool) == Some(true) {
                        map.insert("_weak".into(), Value::Bool(true));
                    }
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strengthens_at_any_depth() {
        let mut doc = json!({
            "author": {"_type": "reference", "_ref": "a", "_weak": true, "_strengthenOnPublish": {"type": "author"}},
            "tags": [{"_ref": "t", "_weak": true, "_strengthenOnPublish": {"type": "tag", "weak": true}}],
            "plain": {"_ref": "p", "_weak": true},
        });
        strengthen_references(&mut doc);
        assert_eq!(
            doc,
            json!({
                "author": {"_type": "reference", "_ref": "a"},
                "tags": [{"_ref": "t", "_weak": true}],
                "plain": {"_ref": "p", "_weak": true},
            })
        );
    }
}
