//! `autoGenerateArrayKeys`: Studio and the real-time API address array items
//! by `_key`, so objects in arrays get one when the client left it out.

use serde_json::Value;

use super::context::IdSource;

/// Adds a `_key` to every object inside an array (at any depth) that has none.
/// Iterative, so a deep value cannot overflow the stack.
pub fn add_missing_keys(value: &mut Value, ids: &mut IdSource) {
    let mut stack: Vec<(&mut Value, bool)> = vec![(value, false)];
    while let Some((v, in_array)) = stack.pop() {
        match v {
            Value::Object(map) => {
                if in_array && !map.contains_key("_key") {
                    map.insert("_key".into(), Value::String(ids.array_key()));
                }
                stack.extend(map.values_mut().map(|child| (child, false)));
            }
            Value::Array(items) => stack.extend(items.iter_mut().map(|child| (child, true))),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_only_objects_in_arrays() {
        let mut v = json!({"a": [{"x": 1}, {"_key": "k", "y": [{"z": 1}]}, 3], "o": {"p": 1}});
        add_missing_keys(&mut v, &mut IdSource::new(1));
        assert!(v["a"][0]["_key"].is_string());
        assert_eq!(v["a"][1]["_key"], "k");
        assert!(v["a"][1]["y"][0]["_key"].is_string());
        assert!(v["o"].get("_key").is_none());
        assert_eq!(v["a"][2], 3);
    }
}
