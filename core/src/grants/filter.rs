//! A grant's GROQ filter: its text (what `/acl` returns and a host may push
//! down to SQL) and the compiled [`DocumentFilter`] that judges each
//! document as `*[filter]` would: the document is `@`, and the grant applies
//! only where the filter is `true` (null does not grant).

use std::fmt;
use std::sync::Arc;

use serde_json::Map;

use crate::groq::value::Value;
use crate::groq::{DocumentFilter, GroqError};

use super::error::GrantError;

pub struct GrantFilter {
    source: Arc<str>,
    filter: DocumentFilter,
}

impl GrantFilter {
    /// Parses `source` as the filter of `*[source]`. Filters that read other
    /// documents (`*`, `->`, `documents::get`) are refused: Studio judges
    /// grants one document at a time.
    pub fn parse(source: &str) -> Result<GrantFilter, GrantError> {
        let filter = DocumentFilter::from_filter(source, &Map::new()).map_err(|e| {
            GrantError::InvalidFilter {
                filter: source.to_string(),
                message: match e {
                    GroqError::Parse(e) => format!("{} (at {}..{})", e.message, e.start, e.end),
                    GroqError::Eval(e) => e.description,
                },
            }
        })?;
        Ok(GrantFilter {
            source: source.into(),
            filter,
        })
    }

    /// `_id in path("<glob>")`: the filter of Sanity's built-in roles and
    /// of legacy grants written as `{"path": "drafts.**"}`. (Built
    /// directly, so the built-in roles need no fallible parse; a JSON
    /// string literal is also a GROQ one.)
    pub fn id_path(glob: &str) -> GrantFilter {
        let literal = serde_json::Value::String(glob.to_string());
        GrantFilter {
            source: format!("_id in path({literal})").into(),
            filter: DocumentFilter::id_in_path(glob),
        }
    }

    /// The filter as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the filter is `true` for `doc`. `identity` is what
    /// `identity()` returns inside the filter.
    pub fn matches(&self, doc: &Value, identity: &str) -> bool {
        self.filter.matches_value(doc, Some(identity))
    }
}

impl fmt::Debug for GrantFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GrantFilter").field(&self.source).finish()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::groq::QueryOptions;

    fn doc(json: serde_json::Value) -> Value {
        Value::from_json(&json)
    }

    /// The compiled filter agrees with `*[filter]` run by the evaluator, on
    /// every document, for each shape `compile` treats differently.
    #[test]
    fn compiled_filters_agree_with_the_evaluator() {
        let docs = vec![
            json!({"_id": "a", "_type": "post", "lang": "en", "n": 3, "author": {"_ref": "me-1"}}),
            json!({"_id": "drafts.a", "_type": "post", "lang": "ar", "locked": true}),
            json!({"_id": "versions.r1.a", "_type": "post", "locked": false}),
            json!({"_id": "_.releases.r1", "_type": "system.release"}),
            json!({"_id": "b.c.d", "_type": "author", "n": "x"}),
            json!({"_id": "me-1", "_type": "person", "tags": ["x", "me-1"]}),
            json!({"_type": "no-id"}),
        ];
        let filters = [
            r#"_id in path("**")"#,
            r#"_id in path("*")"#,
            r#"_id in path("drafts.**")"#,
            r#"_id in (path("versions.*.*"))"#,
            r#"!(_id in path("drafts.**"))"#,
            r#"_type == "post" && lang == "en""#,
            r#"_type == "post" || n > 2"#,
            r#"!locked"#,
            r#"n > 2 && !locked"#,
            r#"locked || _id in path("*")"#,
            r#"references("me-1")"#,
            r#"_id == identity() || author._ref == identity()"#,
            r#"(identity()) == author._ref"#,
            r#"identity() in tags"#,
            r#"count(tags) > 1"#,
            r#"lang match "e*""#,
            r#"true"#,
            r#"null"#,
            r#"lang in ["en", "ar"]"#,
        ];
        for filter in filters {
            let compiled = GrantFilter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
            let expected = crate::groq::evaluate_json(
                &format!("*[{filter}]._id"),
                &docs,
                &QueryOptions {
                    identity: Some("me-1".into()),
                    ..QueryOptions::default()
                },
            )
            .unwrap_or_else(|e| panic!("{filter}: {e}"));
            let got: Vec<serde_json::Value> = docs
                .iter()
                .filter(|d| compiled.matches(&doc((*d).clone()), "me-1"))
                .map(|d| d.get("_id").cloned().unwrap_or(serde_json::Value::Null))
                .collect();
            assert_eq!(json!(got), expected, "{filter}");
        }
    }

    #[test]
    fn the_common_shapes_need_no_evaluator() {
        for (filter, fast) in [
            (r#"_id in path("drafts.**")"#, true),
            (r#"_id in path("**") && _type == "post""#, true),
            (r#"!(_id in path("versions.**")) || defined(x)"#, true),
            (r#"references("a")"#, false),
            (r#"_id == identity() || identity() == author._ref"#, true),
            (r#"identity() in authors[]._ref"#, false),
        ] {
            let f = GrantFilter::parse(filter).unwrap_or_else(|e| panic!("{filter}: {e}"));
            assert_eq!(!f.filter.evaluates(), fast, "{filter}");
        }
    }

    #[test]
    fn bad_filters_are_refused_with_the_reason() {
        for (filter, says) in [
            ("_id in path(", "(at "),
            ("", "expected one filter expression"),
            ("a] [b", "expected one filter expression"),
            ("a][0", "expected one filter expression"),
            ("_type == $type", "$type"),
            ("count(*) > 0", "`*` reads the whole dataset"),
            ("author->name == 'x'", "`->`"),
            ("defined(documents::get('x'))", "documents::get()"),
            ("nosuch::fn(1)", "nosuch"),
        ] {
            match GrantFilter::parse(filter) {
                Err(GrantError::InvalidFilter { filter: f, message }) => {
                    assert_eq!(f, filter);
                    assert!(message.contains(says), "{filter}: {message}");
                }
                other => panic!("{filter}: {other:?}"),
            }
        }
    }

    #[test]
    fn id_paths_quote_their_glob() {
        let f = GrantFilter::id_path("drafts.**");
        assert_eq!(f.as_str(), r#"_id in path("drafts.**")"#);
        assert!(f.matches(&doc(json!({"_id": "drafts.x"})), ""));
        assert!(!f.matches(&doc(json!({"_id": "x"})), ""));
        // The text parses back to the same test.
        for glob in ["drafts.**", r#"a"b\c"#, "x\n*"] {
            let built = GrantFilter::id_path(glob);
            let parsed = GrantFilter::parse(built.as_str()).expect("the text is GROQ");
            for id in ["drafts.x", r#"a"b\c"#, "x\ny", "x"] {
                let d = doc(json!({ "_id": id }));
                assert_eq!(
                    built.matches(&d, ""),
                    parsed.matches(&d, ""),
                    "{glob} on {id}"
                );
            }
        }
    }
}
