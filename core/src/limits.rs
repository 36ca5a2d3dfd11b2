//! Limits that keep hostile input from turning into a hang, a huge allocation
//! or a stack overflow. Each is checked where input enters core.

use serde_json::Value;

/// Objects and arrays nested deeper than this are rejected. `serde_json`
/// already refuses text nested past 128 levels; this keeps every value core
/// builds itself (a `set` on a long path) within the same bound.
pub const MAX_DOCUMENT_DEPTH: usize = 100;

/// The largest document core will produce, serialized. Sanity's own limit on a
/// single document is in the same range.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;

/// The most mutations one transaction may carry.
pub const MAX_MUTATIONS: usize = 10_000;

/// The nesting depth of a JSON value (a scalar is 0), computed without recursion
/// so that measuring a hostile value cannot itself overflow the stack.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => stack.extend(map.values().map(|i| (i, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// Serialized size in bytes, counted without building the string.
pub fn serialized_len(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing into a counter cannot fail; a failure would only undercount.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn depth_counts_containers() {
        assert_eq!(depth(&json!(1)), 0);
        assert_eq!(depth(&json!({"a": [1, {"b": 2}]})), 3);
        assert_eq!(serialized_len(&json!({"a": 1})), 7);
    }
}
