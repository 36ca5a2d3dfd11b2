//! The GROQ test suite (<https://github.com/sanity-io/groq-test-suite>) as
//! data: load the compiled suite, pick the tests Qanat runs, and judge an
//! engine's outcome against each test's expectation.
//!
//! The suite is one gzipped NDJSON file of datasets and tests. A test names
//! its dataset by `_ref`; every dataset ships its documents inline except the
//! ~200 MB `movies` set, which the suite only links to, so its tests are left
//! out. Tests tagged `version: 0.1` target GROQ's pre-specification dialect
//! and are left out too.
//!
//! The comparison follows groq-js's own runner (`test/generate.cjs`), the
//! reference implementation's use of this suite: documents are sorted by
//! `_id` before a query sees them, `_score`s in a result become ordinal
//! `_pos`itions, and a test marked `valid: false` passes when the query fails
//! to parse.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

/// The compiled suite, relative to `shared/reference/`.
pub const SUITE: &str = "groq-test-suite/suite-HEAD-0445fe5.ndjson.gz";

/// The suite's path on this machine.
pub fn suite_path() -> PathBuf {
    crate::reference_path(SUITE)
}

/// A dataset with inline documents.
#[derive(Debug)]
pub struct Dataset {
    pub id: String,
    /// Sorted by `_id`: Content Lake hands `*` out in `_id` order and the
    /// expected results assume it (groq-js's runner sorts the same way).
    pub documents: Vec<Json>,
    /// `documents` as a JSON array, serialized once for hosts that take text.
    pub json: String,
}

/// One selected test.
#[derive(Debug)]
pub struct Case {
    /// The suite's `_id`, unique; what the known-failures list names.
    pub id: String,
    pub name: String,
    /// The YAML file under the suite's `test/` the test comes from.
    pub filename: String,
    pub query: String,
    /// `$name` values; the suite writes `null` for none.
    pub params: Map<String, Json>,
    /// Index into [`Suite::datasets`].
    pub dataset: usize,
    /// Named extensions the test needs (`geoFunctions`, `portableText`, ...).
    pub features: Vec<String>,
    pub expected: Expected,
}

/// What a test wants.
#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// The query runs and returns this.
    Result(Json),
    /// The query does not parse (`valid: false`).
    ParseError,
}

/// What an engine did with a query: the same shape whichever host ran it, so
/// two hosts' runs can be compared.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Result(Json),
    /// `queryParseError`, with byte offsets into the query.
    ParseError {
        message: String,
        start: usize,
        end: usize,
    },
    /// Any other error, by Sanity's error type.
    Error {
        kind: String,
        description: String,
    },
    /// A panic natively, a trap under wasm.
    Crash(String),
}

/// The selected tests and the datasets they use.
#[derive(Debug)]
pub struct Suite {
    pub datasets: Vec<Dataset>,
    pub cases: Vec<Case>,
    /// Tests left out because their dataset is not inline.
    pub skipped_remote: usize,
    /// Tests left out because they target `version: 0.1`.
    pub skipped_legacy: usize,
}

impl Suite {
    pub fn dataset(&self, case: &Case) -> &Dataset {
        &self.datasets[case.dataset]
    }
}

/// Loads [`SUITE`] and selects the tests Qanat runs.
pub fn load() -> Result<Suite, String> {
    load_from(&suite_path())
}

/// Loads a compiled suite (`.ndjson` or `.ndjson.gz`) and selects its tests.
pub fn load_from(path: &Path) -> Result<Suite, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let reader: Box<dyn BufRead> = if path.extension().is_some_and(|e| e == "gz") {
        Box::new(BufReader::new(flate2::read::GzDecoder::new(file)))
    } else {
        Box::new(BufReader::new(file))
    };
    let mut entries = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let entry: Json = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: {e}", path.display(), n + 1))?;
        entries.push(entry);
    }
    select(entries).map_err(|e| format!("{}: {e}", path.display()))
}

/// Splits entries into datasets and tests and keeps the runnable tests.
/// Datasets come before the tests that use them in the compiled file, but
/// nothing here relies on it.
pub fn select(entries: Vec<Json>) -> Result<Suite, String> {
    let mut datasets = Vec::new();
    // Dataset `_id` -> index into `datasets`, or None for a remote dataset.
    let mut by_id: BTreeMap<String, Option<usize>> = BTreeMap::new();
    let mut tests = Vec::new();
    for entry in entries {
        match entry.get("_type").and_then(Json::as_str) {
            Some("dataset") => {
                let id = str_field(&entry, "_id")?.to_string();
                let index = match entry.get("documents") {
                    Some(Json::Array(docs)) => {
                        datasets.push(inline_dataset(id.clone(), docs.clone()));
                        Some(datasets.len() - 1)
                    }
                    _ => None,
                };
                by_id.insert(id, index);
            }
            Some("test") => tests.push(entry),
            other => return Err(format!("entry with _type {other:?}")),
        }
    }

    let mut cases = Vec::new();
    let (mut skipped_remote, mut skipped_legacy) = (0, 0);
    let mut seen = HashSet::new();
    for test in tests {
        let id = str_field(&test, "_id")?.to_string();
        let dataset_ref = test
            .pointer("/dataset/_ref")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("test {id}: no dataset._ref"))?;
        let dataset = *by_id
            .get(dataset_ref)
            .ok_or_else(|| format!("test {id}: unknown dataset {dataset_ref}"))?;
        let Some(dataset) = dataset else {
            skipped_remote += 1;
            continue;
        };
        if test.get("version").and_then(Json::as_str) == Some("0.1") {
            skipped_legacy += 1;
            continue;
        }
        if !seen.insert(id.clone()) {
            return Err(format!("test _id {id} occurs twice"));
        }
        let expected = if test.get("valid").and_then(Json::as_bool).unwrap_or(true) {
            Expected::Result(test.get("result").cloned().unwrap_or(Json::Null))
        } else {
            Expected::ParseError
        };
        let params = match test.get("params") {
            None | Some(Json::Null) => Map::new(),
            Some(Json::Object(m)) => m.clone(),
            Some(other) => return Err(format!("test {id}: params is {other}")),
        };
        let features = test
            .get("features")
            .and_then(Json::as_array)
            .map(|fs| {
                fs.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        cases.push(Case {
            name: str_field(&test, "name")?.to_string(),
            filename: str_field(&test, "filename")?.to_string(),
            query: str_field(&test, "query")?.to_string(),
            id,
            params,
            dataset,
            features,
            expected,
        });
    }
    Ok(Suite {
        datasets,
        cases,
        skipped_remote,
        skipped_legacy,
    })
}

fn str_field<'a>(entry: &'a Json, key: &str) -> Result<&'a str, String> {
    entry
        .get(key)
        .and_then(Json::as_str)
        .ok_or_else(|| format!("entry without a string {key:?}: {}", abbreviate(entry, 200)))
}

fn inline_dataset(id: String, mut documents: Vec<Json>) -> Dataset {
    // A stable sort, so documents without a string `_id` keep their order.
    documents.sort_by(|a, b| {
        let key = |d: &Json| d.get("_id").and_then(Json::as_str).map(str::to_string);
        key(a).cmp(&key(b))
    });
    let json = Json::Array(documents.clone()).to_string();
    Dataset {
        id,
        documents,
        json,
    }
}

/// Whether `outcome` satisfies the test.
pub fn passes(case: &Case, outcome: &Outcome) -> bool {
    match (&case.expected, outcome) {
        (Expected::Result(want), Outcome::Result(got)) => match score_positions(got) {
            Some(ranked) => json_eq(want, &ranked),
            None => json_eq(want, got),
        },
        (Expected::ParseError, Outcome::ParseError { .. }) => true,
        _ => false,
    }
}

/// JSON equality as the suite means it: numbers by value (`1 == 1.0`),
/// objects whatever their key order, arrays in order.
pub fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(xs), Json::Array(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| json_eq(x, y))
        }
        (Json::Object(xs), Json::Object(ys)) => {
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, x)| ys.get(k).is_some_and(|y| json_eq(x, y)))
        }
        _ => a == b,
    }
}

/// `score()`'s numbers are implementation-defined, so the suite writes each
/// `_score` as `_pos`: its rank among the distinct scores in the result, 1 for
/// the highest. Returns the rewritten result, or None when it has no `_score`.
pub fn score_positions(result: &Json) -> Option<Json> {
    fn collect(v: &Json, scores: &mut Vec<f64>) {
        match v {
            Json::Array(xs) => xs.iter().for_each(|x| collect(x, scores)),
            Json::Object(m) => {
                if let Some(s) = m.get("_score").and_then(Json::as_f64) {
                    scores.push(s);
                }
                m.values().for_each(|x| collect(x, scores));
            }
            _ => {}
        }
    }
    fn rewrite(v: &mut Json, ranked: &[f64]) {
        match v {
            Json::Array(xs) => xs.iter_mut().for_each(|x| rewrite(x, ranked)),
            Json::Object(m) => {
                if let Some(s) = m.get("_score").and_then(Json::as_f64) {
                    m.remove("_score");
                    let pos = ranked.iter().position(|r| *r == s).unwrap_or(0) + 1;
                    m.insert("_pos".into(), pos.into());
                }
                m.values_mut().for_each(|x| rewrite(x, ranked));
            }
            _ => {}
        }
    }
    let mut scores = Vec::new();
    collect(result, &mut scores);
    if scores.is_empty() {
        return None;
    }
    scores.sort_by(|a, b| b.total_cmp(a));
    scores.dedup();
    let mut out = result.clone();
    rewrite(&mut out, &scores);
    Some(out)
}

/// Whether two hosts did the same thing: the same result to the byte
/// (key order included), the same error, or both crashed.
pub fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        // As text: `Value`'s `==` ignores key order, which a projection
        // defines and both hosts must keep.
        (Outcome::Result(x), Outcome::Result(y)) => {
            let (x, y) = (x.to_string(), y.to_string());
            x == y
        }
        // A native panic carries a message, a wasm trap only "unreachable".
        (Outcome::Crash(_), Outcome::Crash(_)) => true,
        _ => a == b,
    }
}

impl Outcome {
    /// The outcome of `qanat_core::groq::evaluate_json`.
    pub fn from_native(result: Result<Json, qanat_core::groq::GroqError>) -> Outcome {
        use qanat_core::groq::GroqError;
        match result {
            Ok(v) => Outcome::Result(v),
            Err(GroqError::Parse(e)) => Outcome::ParseError {
                message: e.message,
                start: e.start,
                end: e.end,
            },
            Err(GroqError::Eval(e)) => Outcome::Error {
                kind: e.kind.to_string(),
                description: e.description,
            },
        }
    }

    /// The outcome in a response of core's JSON API (`{"result": ...}` or
    /// `{"error": {"type", ...}}`).
    pub fn from_api_response(response: &str) -> Outcome {
        let mut v: Json = match serde_json::from_str(response) {
            Ok(v) => v,
            Err(e) => {
                return Outcome::Error {
                    kind: "badResponse".into(),
                    description: format!("{e}: {}", abbreviate_str(response, 200)),
                }
            }
        };
        if let Some(result) = v.get_mut("result") {
            return Outcome::Result(result.take());
        }
        let err = v.get("error").cloned().unwrap_or(Json::Null);
        let text = |k: &str| err.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        let offset = |k: &str| err.get(k).and_then(Json::as_u64).unwrap_or(0) as usize;
        match err.get("type").and_then(Json::as_str) {
            Some("queryParseError") => Outcome::ParseError {
                message: text("description"),
                start: offset("start"),
                end: offset("end"),
            },
            Some(kind) => Outcome::Error {
                kind: kind.to_string(),
                description: text("description"),
            },
            None => Outcome::Error {
                kind: "badResponse".into(),
                description: abbreviate_str(response, 200),
            },
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Result(v) => f.write_str(&abbreviate(v, 600)),
            Outcome::ParseError {
                message,
                start,
                end,
            } => write!(f, "queryParseError at {start}..{end}: {message}"),
            Outcome::Error { kind, description } => write!(f, "{kind}: {description}"),
            Outcome::Crash(message) => write!(f, "crash: {message}"),
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Result(v) => f.write_str(&abbreviate(v, 600)),
            Expected::ParseError => f.write_str("a queryParseError"),
        }
    }
}

/// `v` as compact JSON, cut to about `max` bytes.
pub fn abbreviate(v: &Json, max: usize) -> String {
    abbreviate_str(&v.to_string(), max)
}

fn abbreviate_str(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &s[..cut], s.len())
}

/// The ids in a known-failures file: one per line; `#` starts a comment.
pub fn parse_known_failures(text: &str) -> HashSet<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .collect()
}

/// A known-failures file listing `failing` (ids of `suite`'s cases), grouped
/// under a comment per suite file, in suite order.
pub fn render_known_failures(header: &str, suite: &Suite, failing: &HashSet<&str>) -> String {
    let mut out = String::from(header);
    let mut last_file = "";
    for case in suite
        .cases
        .iter()
        .filter(|c| failing.contains(c.id.as_str()))
    {
        if case.filename != last_file {
            out.push_str(&format!("\n# {}\n", case.filename));
            last_file = &case.filename;
        }
        out.push_str(&case.id);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn case(expected: Expected) -> Case {
        Case {
            id: "t".into(),
            name: "t".into(),
            filename: "t.yml".into(),
            query: "*".into(),
            params: Map::new(),
            dataset: 0,
            features: vec![],
            expected,
        }
    }

    #[test]
    fn numbers_compare_by_value_and_objects_by_content() {
        assert!(json_eq(
            &json!([1, {"a": 2.0, "b": null}]),
            &json!([1.0, {"b": null, "a": 2}])
        ));
        assert!(!json_eq(&json!([1, 2]), &json!([2, 1])));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": null})));
        assert!(!json_eq(&json!("1"), &json!(1)));
    }

    #[test]
    fn scores_become_positions() {
        let got = json!([{"_id": "a", "_score": 0.5}, {"_id": "b", "_score": 2.0}, {"_id": "c", "_score": 0.5}]);
        let want =
            json!([{"_id": "a", "_pos": 2}, {"_id": "b", "_pos": 1}, {"_id": "c", "_pos": 2}]);
        assert!(passes(&case(Expected::Result(want)), &Outcome::Result(got)));
        assert_eq!(score_positions(&json!([1, {"a": 2}])), None);
    }

    #[test]
    fn invalid_tests_want_a_parse_error() {
        let c = case(Expected::ParseError);
        let parse = Outcome::ParseError {
            message: "x".into(),
            start: 0,
            end: 1,
        };
        let exec = Outcome::Error {
            kind: "queryExecutionError".into(),
            description: "x".into(),
        };
        assert!(passes(&c, &parse));
        assert!(!passes(&c, &exec));
        assert!(!passes(&c, &Outcome::Result(Json::Null)));
    }

    #[test]
    fn api_responses_map_to_outcomes() {
        assert_eq!(
            Outcome::from_api_response(r#"{"result":[1]}"#),
            Outcome::Result(json!([1]))
        );
        assert_eq!(
            Outcome::from_api_response(
                r#"{"error":{"type":"queryParseError","description":"d","start":1,"end":2,"query":"q"}}"#
            ),
            Outcome::ParseError {
                message: "d".into(),
                start: 1,
                end: 2
            }
        );
        assert!(matches!(
            Outcome::from_api_response("nope"),
            Outcome::Error { .. }
        ));
    }

    #[test]
    fn selection_skips_remote_and_legacy_tests_and_sorts_documents() {
        let entries = vec![
            json!({"_type": "dataset", "_id": "d", "documents": [{"_id": "b"}, {"_id": "a"}]}),
            json!({"_type": "dataset", "_id": "movies", "url": "https://example.invalid"}),
            json!({"_type": "test", "_id": "t1", "name": "n", "filename": "f", "query": "*",
                   "dataset": {"_ref": "d"}, "result": [], "valid": true, "params": null}),
            json!({"_type": "test", "_id": "t2", "name": "n", "filename": "f", "query": "*",
                   "dataset": {"_ref": "movies"}, "result": [], "valid": true}),
            json!({"_type": "test", "_id": "t3", "name": "n", "filename": "f", "query": "*",
                   "dataset": {"_ref": "d"}, "version": "0.1", "result": [], "valid": true}),
            json!({"_type": "test", "_id": "t4", "name": "n", "filename": "f", "query": "*",
                   "dataset": {"_ref": "d"}, "version": ">= 1.0", "result": null, "valid": false,
                   "params": {"x": 1}}),
        ];
        let suite = select(entries).unwrap();
        let ids: Vec<_> = suite.cases.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["t1", "t4"]);
        assert_eq!((suite.skipped_remote, suite.skipped_legacy), (1, 1));
        assert_eq!(suite.datasets[0].json, r#"[{"_id":"a"},{"_id":"b"}]"#);
        assert_eq!(suite.cases[1].expected, Expected::ParseError);
        assert_eq!(suite.cases[1].params["x"], 1);
    }

    #[test]
    fn known_failures_file_round_trips() {
        let text = "# header\n\n# a.yml\nx\ny  # flaky\n";
        let ids = parse_known_failures(text);
        assert_eq!(ids.len(), 2);
        assert!(ids.contains("x") && ids.contains("y"));
    }
}
