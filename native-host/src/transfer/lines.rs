//! The lines of an import file, checked whole before the first write so a
//! bad line can never leave half a dataset behind.

use qanat_core::document::DocumentId;
use serde_json::{Map, Value as Json};

/// One document of the file and the line it came from (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub number: usize,
    pub document: Map<String, Json>,
}

/// The documents of `text`, skipping blank lines; the first bad line is an
/// error `(line number, message)`.
pub fn parse(text: &str) -> Result<Vec<Line>, (usize, String)> {
    let mut lines = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let document = match serde_json::from_str::<Json>(raw) {
            Ok(Json::Object(map)) => map,
            Ok(_) => return Err((number, "not a JSON object".into())),
            Err(e) => return Err((number, format!("not valid JSON: {e}"))),
        };
        for field in ["_id", "_type"] {
            match document.get(field) {
                Some(Json::String(s)) if !s.is_empty() => {}
                Some(_) => return Err((number, format!("`{field}` is not a non-empty string"))),
                None => return Err((number, format!("the document has no `{field}`"))),
            }
        }
        // Checked here too, not only by core, so an id core would refuse
        // fails the whole file before the first batch is written.
        if let Some(Json::String(id)) = document.get("_id") {
            DocumentId::parse(id).map_err(|e| (number, format!("bad `_id`: {e}")))?;
        }
        lines.push(Line { number, document });
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_named_by_number() {
        let cases: &[(&str, Option<(usize, &str)>)] = &[
            (
                "{\"_id\":\"a\",\"_type\":\"t\"}\n\n{\"_id\":\"b\",\"_type\":\"t\"}\n",
                None,
            ),
            (
                "{\"_id\":\"a\",\"_type\":\"t\"}\n{oops\n",
                Some((2, "not valid JSON")),
            ),
            ("\n\n{\"_type\":\"t\"}\n", Some((3, "no `_id`"))),
            ("{\"_id\":\"a\"}\n", Some((1, "no `_type`"))),
            ("{\"_id\":1,\"_type\":\"t\"}\n", Some((1, "`_id` is not"))),
            ("[1]\n", Some((1, "not a JSON object"))),
            (
                "{\"_id\":\"a b\",\"_type\":\"t\"}\n",
                Some((1, "bad `_id`")),
            ),
        ];
        for (text, expected) in cases {
            match (parse(text), expected) {
                (Ok(lines), None) => assert_eq!(lines.len(), 2, "{text:?}"),
                (Err((line, message)), Some((want_line, want))) => {
                    assert_eq!(line, *want_line, "{text:?}");
                    assert!(message.contains(want), "{text:?}: {message}");
                }
                (got, _) => panic!("{text:?}: unexpected {got:?}"),
            }
        }
    }
}
