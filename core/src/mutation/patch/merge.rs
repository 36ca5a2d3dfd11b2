//! `merge`: Sanity's deep merge of an object into a document.

use serde_json::{Map, Value};

/// Merges `patch` into `target`: where both sides hold objects the merge
/// recurses, anything else in `patch` replaces what `target` had.
/// Iterative, so nesting depth costs heap, not stack.
pub fn deep_merge(target: &mut Value, patch: &Map<String, Value>) {
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let mut work: Vec<(&mut Value, &Map<String, Value>)> = vec![(target, patch)];
    while let Some((node, patch)) = work.pop() {
        let Value::Object(map) = node else { continue };
        let mut nested = Vec::new();
        for (key, value) in patch {
            match (map.get(key), value) {
                (Some(Value::Object(_)), Value::Object(inner)) => nested.push((key, inner)),
                _ => {
                    map.insert(key.clone(), value.clone());
                }
            }
        }
        // `iter_mut` hands out disjoint borrows of the children to descend into.
        for (key, child) in map.iter_mut() {
            if let Some((_, inner)) = nested.iter().find(|(k, _)| *k == key) {
                work.push((child, inner));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_objects_replaces_the_rest() {
        let mut doc = json!({"a": {"b": 1, "c": [1]}, "d": 1});
        let patch = json!({"a": {"c": [2], "e": {"f": 1}}, "d": {"x": 1}});
        deep_merge(&mut doc, patch.as_object().unwrap());
        assert_eq!(
            doc,
            json!({"a": {"b": 1, "c": [2], "e": {"f": 1}}, "d": {"x": 1}})
        );
    }
}
