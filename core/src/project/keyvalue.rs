//! Studio's per-user settings (`users/me/keyvalue`): which keys a request
//! names, what it stores, and the answers.

use serde_json::{json, Value as Json};

use crate::request::{self, BadRequest};

/// Keys longer than this are refused: Studio's are short dotted names.
pub const MAX_KEY_CHARS: usize = 256;
/// How many keys one settings request may name or set.
pub const MAX_KEYS: usize = 100;

/// The keys of `GET`/`DELETE users/me/keyvalue/{keys}` (comma-separated).
pub fn setting_keys(list: &str) -> Result<Vec<String>, BadRequest> {
    let keys = request::comma_list(list);
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(BadRequest(format!("Name between 1 and {MAX_KEYS} keys")));
    }
    match keys.iter().find(|key| !valid_key(key)) {
        Some(bad) => Err(BadRequest(format!("Invalid key: {bad:?}"))),
        None => Ok(keys),
    }
}

/// The `(key, value)` pairs of a `PUT users/me/keyvalue` body
/// (`[{key, value}]`); a missing `value` is null.
pub fn settings_to_store(body: &Json) -> Result<Vec<(String, Json)>, BadRequest> {
    let Json::Array(items) = body else {
        return Err(BadRequest("Expected an array of {key, value}".to_owned()));
    };
    if items.len() > MAX_KEYS {
        return Err(BadRequest(format!("At most {MAX_KEYS} keys at once")));
    }
    items
        .iter()
        .map(|item| {
            let key = item
                .get("key")
                .and_then(Json::as_str)
                .filter(|key| valid_key(key))
                .ok_or_else(|| BadRequest(format!("Invalid key in {item}")))?;
            let value = item.get("value").cloned().unwrap_or(Json::Null);
            Ok((key.to_owned(), value))
        })
        .collect()
}

/// What `GET users/me/keyvalue/{keys}` answers: `[{key, value}]` in the
/// order asked, `value` null where nothing is stored.
pub fn settings(keys: &[String], values: Vec<Option<Json>>) -> Json {
    keys.iter()
        .zip(values)
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect()
}

/// What `PUT users/me/keyvalue` answers for the pairs it stored.
pub fn stored_settings(pairs: Vec<(String, Json)>) -> Json {
    let stored: Vec<Json> = pairs
        .into_iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    // Studio sets one key per request and reads `.value` off the answer to
    // refresh its cache, so a single pair comes back as that pair.
    match <[Json; 1]>::try_from(stored) {
        Ok([one]) => one,
        Err(many) => Json::Array(many),
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= MAX_KEY_CHARS && !key.contains(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_keys_are_checked() {
        assert_eq!(
            setting_keys("a, b.c"),
            Ok(vec!["a".to_owned(), "b.c".to_owned()])
        );
        assert!(setting_keys(",").is_err());
        assert!(setting_keys(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
        assert!(setting_keys(&vec!["k"; MAX_KEYS + 1].join(",")).is_err());
    }

    #[test]
    fn settings_bodies_and_answers() {
        let pairs = settings_to_store(&json!([{"key": "a", "value": {"x": 1}}, {"key": "b"}]));
        assert_eq!(
            pairs,
            Ok(vec![
                ("a".to_owned(), json!({"x": 1})),
                ("b".to_owned(), Json::Null)
            ])
        );
        for bad in [
            json!({"key": "x"}),
            json!([{"value": 1}]),
            json!([{"key": ""}]),
        ] {
            assert!(settings_to_store(&bad).is_err(), "{bad}");
        }
        let one = vec![("a".to_owned(), json!(1))];
        assert_eq!(stored_settings(one), json!({"key": "a", "value": 1}));
        assert_eq!(stored_settings(Vec::new()), json!([]));
        assert_eq!(
            settings(
                &["a".to_owned(), "b".to_owned()],
                vec![Some(json!(1)), None]
            ),
            json!([{"key": "a", "value": 1}, {"key": "b", "value": null}])
        );
    }
}
