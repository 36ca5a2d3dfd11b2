//! A listen request as its query string carries it.

use serde_json::{Map, Value};

use super::error::ListenError;

/// When a listener's events go out. Core treats both alike (a host sends
/// events after its commit is visible to queries either way); the value is
/// echoed in each event because clients read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    Transaction,
    Query,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Transaction => "transaction",
            Visibility::Query => "query",
        }
    }
}

/// What a listener asked to receive. Defaults are `@sanity/client`'s
/// documented ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenOptions {
    pub include_result: bool,
    pub include_previous_revision: bool,
    pub include_mutations: bool,
    /// Events for drafts and versions too.
    pub include_all_versions: bool,
    /// Without `include_all_versions`: whether drafts are left out as well
    /// as versions. Sanity changed this default in API v2025-02-19.
    pub published_only: bool,
    pub visibility: Visibility,
    /// `effectFormat=mendoza`: add `effects {apply, revert}` to each event.
    pub mendoza_effects: bool,
    /// Ask for `welcomeback`/`reset` after a reconnect with `Last-Event-ID`.
    pub enable_resume: bool,
    pub tag: Option<String>,
}

impl Default for ListenOptions {
    fn default() -> Self {
        ListenOptions {
            include_result: true,
            include_previous_revision: false,
            include_mutations: true,
            include_all_versions: false,
            published_only: true,
            visibility: Visibility::Transaction,
            mendoza_effects: false,
            enable_resume: false,
            tag: None,
        }
    }
}

/// A parsed `GET /data/listen/{ds}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ListenRequest {
    pub query: String,
    pub params: Map<String, Value>,
    pub options: ListenOptions,
}

/// The first API version whose listeners leave drafts out by default.
const PUBLISHED_ONLY_SINCE: &str = "2025-02-19";

impl ListenRequest {
    /// From the decoded query-string pairs and the API version of the path
    /// (`v2025-02-19`, `vX`, `v1`; with or without the `v`).
    pub fn from_query_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        api_version: &str,
    ) -> Result<Self, ListenError> {
        let mut query = None;
        let mut params = Map::new();
        let mut options = ListenOptions {
            published_only: published_only_by_default(api_version),
            ..ListenOptions::default()
        };
        for (key, value) in pairs {
            if let Some(name) = key.strip_prefix('$') {
                let parsed = serde_json::from_str(value).map_err(|_| ListenError::BadParam {
                    name: name.to_string(),
                    value: value.to_string(),
                })?;
                params.insert(name.to_string(), parsed);
                continue;
            }
            let flag = || parse_flag(key, value);
            match key {
                "query" => query = Some(value.to_string()),
                "includeResult" => options.include_result = flag()?,
                "includePreviousRevision" => options.include_previous_revision = flag()?,
                "includeMutations" => options.include_mutations = flag()?,
                "includeAllVersions" => options.include_all_versions = flag()?,
                "enableResume" => options.enable_resume = flag()?,
                "visibility" => {
                    options.visibility = match value {
                        "transaction" => Visibility::Transaction,
                        "query" => Visibility::Query,
                        _ => return Err(bad_option(key, value)),
                    }
                }
                "effectFormat" => {
                    options.mendoza_effects = match value {
                        "mendoza" => true,
                        "" => false,
                        _ => return Err(bad_option(key, value)),
                    }
                }
                "tag" => options.tag = Some(value.to_string()),
                // Unknown options are ignored, as Sanity does, so newer
                // clients keep working.
                _ => {}
            }
        }
        Ok(ListenRequest {
            query: query.ok_or(ListenError::MissingQuery)?,
            params,
            options,
        })
    }
}

fn bad_option(name: &str, value: &str) -> ListenError {
    ListenError::BadOption {
        name: name.to_string(),
        value: value.to_string(),
    }
}

/// `@sanity/client` sends booleans as `true`/`false`; a bare key counts as true.
fn parse_flag(name: &str, value: &str) -> Result<bool, ListenError> {
    match value {
        "true" | "1" | "" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(bad_option(name, value)),
    }
}

/// `vX` is the newest API; `v1` and dated versions before the change keep
/// drafts in listener events.
fn published_only_by_default(api_version: &str) -> bool {
    let v = api_version.trim_start_matches('/').trim_start_matches('v');
    match v {
        "X" | "x" => true,
        // ISO dates compare as strings.
        _ if v.len() == 10 && v.as_bytes().get(4) == Some(&b'-') => v >= PUBLISHED_ONLY_SINCE,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)], version: &str) -> Result<ListenRequest, ListenError> {
        ListenRequest::from_query_pairs(pairs.iter().copied(), version)
    }

    #[test]
    fn defaults_are_the_clients() {
        let r = parse(&[("query", "*")], "v2025-02-19").expect("ok");
        assert_eq!(r.options, ListenOptions::default());
        assert!(r.params.is_empty());
    }

    #[test]
    fn options_and_params_are_read() {
        let r = parse(
            &[
                ("query", "*[_type == $t]"),
                ("$t", "\"post\""),
                ("$n", "[1,2]"),
                ("includeResult", "false"),
                ("includePreviousRevision", "true"),
                ("includeMutations", "false"),
                ("includeAllVersions", "true"),
                ("visibility", "query"),
                ("effectFormat", "mendoza"),
                ("enableResume", "true"),
                ("tag", "sanity.studio"),
                ("somethingNew", "x"),
            ],
            "vX",
        )
        .expect("ok");
        assert_eq!(r.query, "*[_type == $t]");
        assert_eq!(r.params["t"], "post");
        assert_eq!(r.params["n"], serde_json::json!([1, 2]));
        let o = r.options;
        assert!(!o.include_result && o.include_previous_revision && !o.include_mutations);
        assert!(o.include_all_versions && o.mendoza_effects && o.enable_resume);
        assert_eq!(o.visibility, Visibility::Query);
        assert_eq!(o.tag.as_deref(), Some("sanity.studio"));
    }

    #[test]
    fn drafts_are_left_out_by_default_from_v2025_02_19() {
        for (version, published_only) in [
            ("v2025-02-19", true),
            ("2026-01-01", true),
            ("vX", true),
            ("v2025-02-18", false),
            ("v2021-06-07", false),
            ("v1", false),
        ] {
            let r = parse(&[("query", "*")], version).expect("ok");
            assert_eq!(r.options.published_only, published_only, "{version}");
        }
    }

    #[test]
    fn bad_requests_are_refused() {
        let cases: &[&[(&str, &str)]] = &[
            &[],
            &[("query", "*"), ("$t", "post")],
            &[("query", "*"), ("includeResult", "maybe")],
            &[("query", "*"), ("visibility", "sometimes")],
            &[("query", "*"), ("effectFormat", "jsonpatch")],
        ];
        for pairs in cases {
            let err = parse(pairs, "vX").expect_err("refused");
            assert_eq!(err.http_status(), 400);
            assert_eq!(err.to_json()["error"]["type"], "badRequest", "{pairs:?}");
        }
    }
}
