//! Hostile and malformed input gets a clear error in Sanity's shape, never a
//! panic or a stack overflow.

use std::collections::HashMap;

use qanat_core::document::Document;
use qanat_core::mutation::{
    apply_transaction, parse_mutations, parse_mutations_json, ErrorKind, MutationError,
    TransactionContext,
};
use serde_json::{json, Value};

fn ctx() -> TransactionContext {
    TransactionContext {
        transaction_id: "tx".into(),
        now: "2026-11-22T00:00:00Z".into(),
        identity: "t".into(),
        auto_generate_array_keys: false,
        seed: 1,
    }
}

fn one_doc() -> HashMap<String, Document> {
    let doc =
        Document::from_stored(json!({"_id": "a", "_type": "t", "_rev": "r", "arr": [1, 2, 3]}))
            .unwrap();
    HashMap::from([("a".to_string(), doc)])
}

fn first_kind(err: &MutationError) -> ErrorKind {
    err.items[0].kind
}

fn description(err: &MutationError) -> String {
    err.to_json()["error"]["items"][0]["error"]["description"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn malformed_json_is_a_validation_error() {
    for text in ["", "{", "[{\"create\": }]", "nul", "[1,]", "\"\\ud800\""] {
        let err = parse_mutations_json(text).expect_err(text);
        assert_eq!(first_kind(&err), ErrorKind::Validation, "{text}");
        assert!(
            description(&err).contains("not valid JSON"),
            "{text}: {}",
            description(&err)
        );
        assert_eq!(err.http_status(), 400);
    }
}

#[test]
fn ten_thousand_levels_of_nesting_is_an_error() {
    let deep = format!(
        "[{{\"create\": {{\"_id\": \"a\", \"_type\": \"t\", \"x\": {}{}}}}}]",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = parse_mutations_json(&deep).expect_err("too deep");
    assert!(
        description(&err).contains("recursion limit"),
        "{}",
        description(&err)
    );

    // Values built in memory (not parsed) are measured without recursion.
    let mut v = json!(1);
    for _ in 0..1_000 {
        v = json!([v]);
    }
    let err = parse_mutations(&json!([{"create": {"_id": "a", "_type": "t", "x": v}}]))
        .expect_err("too deep");
    assert_eq!(first_kind(&err), ErrorKind::LimitExceeded);

    let err =
        parse_mutations(&json!([{"patch": {"id": "a", "set": {"x": v}}}])).expect_err("too deep");
    assert_eq!(first_kind(&err), ErrorKind::LimitExceeded);
}

#[test]
fn deep_paths_are_errors() {
    let brackets = format!("a{}", "[".repeat(10_000));
    let err = parse_mutations(&json!([{"patch": {"id": "a", "set": {brackets: 1}}}]))
        .expect_err("bad path");
    assert_eq!(first_kind(&err), ErrorKind::Validation);

    // A long but valid path cannot build a document deeper than the limit.
    let long = vec!["a"; 2_000].join(".");
    let m = parse_mutations(&json!([{"patch": {"id": "a", "set": {long: 1}}}])).expect("parses");
    let err = apply_transaction(&m, &one_doc(), &ctx()).expect_err("too deep");
    assert_eq!(first_kind(&err), ErrorKind::LimitExceeded);

    let huge = "a".repeat(100_000);
    let err =
        parse_mutations(&json!([{"patch": {"id": "a", "unset": [huge]}}])).expect_err("too long");
    assert_eq!(first_kind(&err), ErrorKind::Validation);
}

#[test]
fn unknown_operations_are_named() {
    let cases = [
        (json!([{"frobnicate": {}}]), "unknown mutation type"),
        (
            json!([{"create": {"_id": "a", "_type": "t"}, "delete": {"id": "a"}}]),
            "exactly one",
        ),
        (
            json!([{"patch": {"id": "a", "explode": {"x": 1}}}]),
            "unknown patch operation",
        ),
        (
            json!([{"patch": {"id": "a", "inc": {"x": "1"}}}]),
            "must be numbers",
        ),
        (
            json!([{"patch": {"id": "a", "insert": {"before": "arr[0]"}}}]),
            "items",
        ),
        (
            json!([{"patch": {"id": "a", "insert": {"before": "arr[0]", "after": "arr[1]", "items": []}}}]),
            "exactly one",
        ),
        (
            json!([{"patch": {"id": "a", "unset": "x"}}]),
            "array of paths",
        ),
        (json!([{"patch": {"set": {"x": 1}}}]), "missing \"id\""),
        (
            json!([{"create": {"_id": "bad id!", "_type": "t"}}]),
            "Malformed document ID",
        ),
        (json!([{"create": {"_id": "a"}}]), "_type"),
        (json!([{"createOrReplace": {"_type": "t"}}]), "_id"),
        (json!([{"delete": {"id": "-x"}}]), "Malformed document ID"),
        (json!({"not": "mutations"}), "mutations"),
        (json!(42), "array of mutations"),
    ];
    for (body, needle) in cases {
        let err = parse_mutations(&body).expect_err(&body.to_string());
        assert!(
            description(&err).contains(needle),
            "{body}: {:?}",
            description(&err)
        );
        assert_eq!(err.to_json()["error"]["type"], "mutationError");
        assert!(err.to_json()["error"]["description"]
            .as_str()
            .unwrap()
            .starts_with("The mutation(s) failed"));
    }
    // Every malformed mutation is reported, each with its index.
    let err = parse_mutations(&json!([{"x": 1}, {"create": {"_id": "a", "_type": "t"}}, {"y": 2}]))
        .unwrap_err();
    let indexes: Vec<usize> = err.items.iter().map(|i| i.index).collect();
    assert_eq!(indexes, [0, 2]);
}

#[test]
fn huge_arrays_hit_the_size_limit() {
    let big: Vec<Value> = (0..400_000).map(|i| json!(format!("{i:0>100}"))).collect();
    let err =
        parse_mutations(&json!([{"create": {"_id": "a", "_type": "t", "items": big.clone()}}]))
            .expect_err("too big");
    assert_eq!(first_kind(&err), ErrorKind::LimitExceeded);
    // A patch that grows a document past the limit fails at apply time.
    let half: Vec<Value> = big[..200_000].to_vec();
    let m = parse_mutations(&json!([
        {"patch": {"id": "a", "insert": {"after": "arr[-1]", "items": half}}},
        {"patch": {"id": "a", "insert": {"after": "arr[-1]", "items": half}}},
    ]))
    .expect("each patch is within limits");
    let err = apply_transaction(&m, &one_doc(), &ctx()).expect_err("the document grows too big");
    assert_eq!(first_kind(&err), ErrorKind::LimitExceeded);
    // Indexes far past the end and enormous slices cost nothing.
    let m = parse_mutations(&json!([{"patch": {"id": "a", "set": {"arr[999999999999]": 1}, "inc": {"arr[0:9999999999]": 1}}}])).unwrap();
    let commit = apply_transaction(&m, &one_doc(), &ctx()).unwrap();
    assert_eq!(
        commit.changes[0].after.as_ref().unwrap().as_map()["arr"],
        json!([2, 3, 4])
    );
}
