//! A GROQ filter judged one document at a time: what a listener's query and a
//! grant's filter are. Parsed once, then run against each document a commit
//! touches, with the document as `@` (as `*[filter]` would see it).

mod compiled;

use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value as Json};

use super::ast::{Expr, Query};
use super::eval::Params;
use super::plan::query::reads_everything;
use super::value::Value;
use super::{parse, validate, GroqError, QueryParseError};
use compiled::Test;

/// A compiled document filter.
pub struct DocumentFilter {
    /// `None`: every document matches (a bare `*`).
    test: Option<Test>,
}

impl DocumentFilter {
    /// From a listener's query, `*[filter]`. Sanity's listener matches
    /// documents one by one, so only the filter counts: a projection or
    /// ordering after it changes nothing, and anything that is not a filter
    /// over `*` is refused.
    pub fn from_query(query: &str, params: &Map<String, Json>) -> Result<Self, GroqError> {
        let parsed = parse(query)?;
        validate::validate(&parsed)?;
        let Some(predicate) = listener_predicate(&parsed) else {
            return Err(QueryParseError {
                message: "a listener query must be a filter over every document, \
                          like *[_type == \"post\"]"
                    .into(),
                start: 0,
                end: query.len(),
            }
            .into());
        };
        Self::compile(&parsed, predicate, query, params)
    }

    /// From a bare filter expression, such as a grant's
    /// `_id in path("drafts.**")`. Error offsets point into `filter`.
    pub fn from_filter(filter: &str, params: &Map<String, Json>) -> Result<Self, GroqError> {
        // The brackets make it the same parse as `*[filter]`; a filter that
        // closes them early (`a] | *[b`) fails the shape check below.
        const PREFIX: usize = "*[".len();
        let wrapped = format!("*[{filter}]");
        let shift = |e: QueryParseError| QueryParseError {
            message: e.message,
            start: e.start.saturating_sub(PREFIX).min(filter.len()),
            end: e.end.saturating_sub(PREFIX).min(filter.len()),
        };
        let parsed = parse(&wrapped).map_err(shift)?;
        validate::validate(&parsed).map_err(shift)?;
        let predicate = match &parsed.expr {
            Expr::Filter { base, predicate } if reads_everything(base) => &**predicate,
            _ => {
                return Err(QueryParseError {
                    message: "expected one filter expression".into(),
                    start: 0,
                    end: filter.len(),
                }
                .into())
            }
        };
        Self::compile(&parsed, Some(predicate), filter, params)
    }

    /// `_id in path(glob)`, which cannot fail to parse.
    pub fn id_in_path(glob: &str) -> DocumentFilter {
        DocumentFilter {
            test: Some(Test::id_in_path(glob)),
        }
    }

    fn compile(
        query: &Query,
        predicate: Option<&Expr>,
        text: &str,
        params: &Map<String, Json>,
    ) -> Result<Self, GroqError> {
        let whole = QueryParseError {
            message: String::new(),
            start: 0,
            end: text.len(),
        };
        if !query.functions.is_empty() {
            return Err(QueryParseError {
                message: "a document filter may not declare functions".into(),
                ..whole
            }
            .into());
        }
        if let Some(reason) = predicate.and_then(reads_other_documents) {
            // Studio and Sanity's listener judge one document with nothing
            // else loaded, so such a filter would mean something else here.
            return Err(QueryParseError {
                message: format!("{reason}; a document filter may read only the document itself"),
                ..whole
            }
            .into());
        }
        let mut bound = Params::new();
        for name in validate::params_used(query) {
            let Some(v) = params.get(&name) else {
                let at = text.find(&format!("${name}")).unwrap_or(0);
                return Err(QueryParseError {
                    message: format!("param ${name} referenced, but not provided"),
                    start: at,
                    end: at + name.len() + 1,
                }
                .into());
            };
            bound.insert(name, Value::from_json(v));
        }
        let bound = Arc::new(bound);
        Ok(DocumentFilter {
            test: predicate.map(|p| Test::compile(p, &bound)),
        })
    }

    /// Whether `doc` passes the filter, with `identity` as what
    /// `identity()` returns. An error while evaluating (a limit) counts as
    /// no match: a listener or grant never sees a document it could not judge.
    pub fn matches(&self, doc: &Json, identity: Option<&str>) -> bool {
        self.matches_value(&Value::from_json(doc), identity)
    }

    /// As [`DocumentFilter::matches`], for a document already converted
    /// (one conversion serves every listener of a commit).
    pub fn matches_value(&self, doc: &Value, identity: Option<&str>) -> bool {
        match &self.test {
            None => true,
            Some(test) => test.run(doc, identity) == Some(true),
        }
    }

    /// Whether matching needs the evaluator (the slow path) for some part.
    pub fn evaluates(&self) -> bool {
        self.test.as_ref().is_some_and(Test::evaluates)
    }
}

impl fmt::Debug for DocumentFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentFilter")
            .field("everything", &self.test.is_none())
            .field("evaluates", &self.evaluates())
            .finish()
    }
}

/// The first thing in `e` that reads beyond the document, if any.
fn reads_other_documents(e: &Expr) -> Option<&'static str> {
    let mut found = None;
    e.walk(&mut |e| {
        let reason = match e {
            Expr::Everything => Some("`*` reads the whole dataset"),
            Expr::Deref { .. } => Some("`->` reads the referenced document"),
            Expr::Call {
                namespace, name, ..
            } => match (namespace.as_ref(), name.as_ref()) {
                ("documents", "get") => Some("documents::get() reads other documents"),
                ("releases", "all") => Some("releases::all() reads the release documents"),
                _ => None,
            },
            _ => None,
        };
        if found.is_none() {
            found = reason;
        }
    });
    found
}

/// The filter of `*[filter]`, also under a projection or `| order()`;
/// `Some(None)` for a bare `*`; `None` for anything else.
fn listener_predicate(query: &Query) -> Option<Option<&Expr>> {
    if !query.functions.is_empty() {
        return None;
    }
    let mut e = &query.expr;
    loop {
        match e {
            _ if reads_everything(e) => return Some(None),
            Expr::Filter { base, predicate } if reads_everything(base) => {
                return Some(Some(predicate))
            }
            Expr::Projection { base, .. } | Expr::Map { base, .. } => e = base,
            Expr::PipeCall { base, name, .. } if name.as_ref() == "order" => e = base,
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params() -> Map<String, Json> {
        json!({"t": "post", "ids": ["a", "b"]})
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn listener_queries_match_documents_one_by_one() {
        let post = json!({"_id": "a", "_type": "post", "n": 3});
        let draft = json!({"_id": "drafts.a", "_type": "post", "n": 3});
        let cases = [
            ("*", &post, true),
            ("*[_type == $t]", &post, true),
            ("*[_type == $t]{title}", &post, true),
            ("*[_type == \"author\"]", &post, false),
            ("*[_id in $ids]", &post, true),
            ("*[_id in $ids]", &draft, false),
            ("*[_id in path(\"drafts.**\")]", &draft, true),
            ("*[n > 2 && _type == $t] | order(n desc)", &post, true),
            ("*[n > 5]", &post, false),
            // null is not true
            ("*[missing == 1]", &post, false),
        ];
        for (q, doc, want) in cases {
            let f = DocumentFilter::from_query(q, &params()).expect(q);
            assert_eq!(f.matches(doc, None), want, "{q} on {doc}");
        }
    }

    #[test]
    fn listener_queries_that_are_not_filters_are_refused() {
        for q in [
            "count(*)",
            "*[0]",
            "1",
            "*[_type == $missing]",
            "*[",
            "*[_type == \"a\"][0]",
            "*[author->name == \"x\"]",
            "*[count(*) > 1]",
        ] {
            assert!(DocumentFilter::from_query(q, &params()).is_err(), "{q}");
        }
    }

    #[test]
    fn bare_filters_parse_with_offsets_into_the_filter() {
        let f = DocumentFilter::from_filter("_id in path(\"drafts.**\")", &Map::new()).expect("ok");
        assert!(f.matches(&json!({"_id": "drafts.x"}), None));
        assert!(!f.matches(&json!({"_id": "x"}), None));
        match DocumentFilter::from_filter("_type == ", &Map::new()) {
            Err(GroqError::Parse(e)) => assert!(e.start <= 9 && e.end <= 9, "{e:?}"),
            other => panic!("expected a parse error, got {other:?}"),
        }
        for bad in ["a] | *[b", "true][0"] {
            assert!(
                DocumentFilter::from_filter(bad, &Map::new()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn identity_is_the_callers() {
        let f = DocumentFilter::from_query("*[owner == identity()]", &Map::new()).expect("ok");
        let doc = json!({"_id": "a", "owner": "u1"});
        assert!(!f.evaluates(), "compiled without the evaluator");
        assert!(f.matches(&doc, Some("u1")));
        assert!(!f.matches(&doc, Some("u2")));
    }

    #[test]
    fn filters_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<DocumentFilter>();
    }
}
