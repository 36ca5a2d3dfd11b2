//! A dataset as people paste it: a JSON array of documents, or NDJSON.

use serde_json::Value as Json;

/// The documents in `text`; an error names the line that is not JSON.
pub fn parse(text: &str) -> Result<Vec<Json>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    if trimmed.starts_with('[') {
        return match serde_json::from_str(trimmed) {
            Ok(Json::Array(docs)) => Ok(docs),
            Ok(_) => Err("The dataset must be a JSON array of documents".to_owned()),
            Err(e) => Err(format!("The dataset is not valid JSON: {e}")),
        };
    }
    trimmed
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| format!("Line {} is not JSON: {e}", i + 1))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn arrays_and_lines() {
        assert_eq!(parse("[{\"_id\": \"a\"}]").map(|d| d.len()), Ok(1));
        assert_eq!(
            parse("{\"_id\": \"a\"}\n\n{\"_id\": \"b\"}\n").map(|d| d.len()),
            Ok(2)
        );
        assert_eq!(parse("  ").map(|d| d.len()), Ok(0));
        assert!(parse("{\"_id\": \"a\"}\nnope").is_err_and(|e| e.contains("Line 2")));
        assert!(parse("[1,").is_err());
    }
}
