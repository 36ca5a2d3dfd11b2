//! Properties of whole transactions, checked on many generated cases:
//! all-or-nothing, `ifRevisionID`, `inc`/`dec` on non-numbers, and the
//! system fields core manages.

use std::collections::HashMap;

use qanat_core::document::Document;
use qanat_core::mutation::{
    apply_transaction, parse_mutations, ErrorKind, Operation, TransactionContext,
};
use qanat_tests::{patch_gen, rng::Rng};
use serde_json::{json, Value};

fn ctx(tx: &str) -> TransactionContext {
    TransactionContext {
        transaction_id: tx.to_string(),
        now: "2026-11-22T00:00:00Z".to_string(),
        identity: "tester".to_string(),
        auto_generate_array_keys: false,
        seed: 7,
    }
}

fn store(docs: &[Value]) -> HashMap<String, Document> {
    docs.iter()
        .map(|d| {
            let doc = Document::from_stored(d.clone()).expect("a stored document");
            (doc.id().to_string(), doc)
        })
        .collect()
}

fn stored(rng: &mut Rng, id: &str, rev: &str) -> Value {
    let mut doc = patch_gen::case(rng).doc;
    doc["_id"] = json!(id);
    doc["_rev"] = json!(rev);
    doc["_createdAt"] = json!("2026-01-01T00:00:00Z");
    doc["_updatedAt"] = json!("2026-01-01T00:00:00Z");
    doc
}

/// A mutation that must fail against a store holding `a` (rev `r1`) and `b`.
fn failing(rng: &mut Rng) -> (Value, ErrorKind) {
    match rng.below(4) {
        0 => (
            json!({"create": {"_id": "a", "_type": "post"}}),
            ErrorKind::DocumentAlreadyExists,
        ),
        1 => (
            json!({"patch": {"id": "nope", "set": {"x": 1}}}),
            ErrorKind::DocumentNotFound,
        ),
        2 => (
            json!({"patch": {"id": "a", "ifRevisionID": "stale", "set": {"x": 1}}}),
            ErrorKind::RevisionMismatch,
        ),
        _ => (
            json!({"patch": {"id": "b", "set": {"_type": 5}}}),
            ErrorKind::Validation,
        ),
    }
}

/// A mutation that succeeds against the same store.
fn succeeding(rng: &mut Rng, n: usize) -> Value {
    match rng.below(5) {
        0 => json!({"create": {"_id": format!("new{n}"), "_type": "post", "n": n}}),
        1 => json!({"createOrReplace": {"_id": "b", "_type": "post", "v": n}}),
        2 => json!({"createIfNotExists": {"_id": "a", "_type": "post"}}),
        3 => json!({"patch": {"id": "a", "inc": {"counter": 1}, "setIfMissing": {"counter": 0}}}),
        _ => json!({"delete": {"id": format!("new{}", n + 1000)}}),
    }
}

#[test]
fn a_failed_transaction_commits_nothing() {
    let mut rng = Rng::new(11);
    for round in 0..500 {
        let current = store(&[stored(&mut rng, "a", "r1"), stored(&mut rng, "b", "r2")]);
        let before = current.clone();
        let len = 1 + rng.below(6);
        let bad_at = rng.below(len);
        let mut expected_kind = None;
        let list: Vec<Value> = (0..len)
            .map(|i| {
                if i == bad_at {
                    let (m, kind) = failing(&mut rng);
                    expected_kind = Some(kind);
                    m
                } else {
                    succeeding(&mut rng, i)
                }
            })
            .collect();
        let mutations = parse_mutations(&Value::Array(list.clone())).expect("well-formed");
        let err = apply_transaction(&mutations, &current, &ctx("tx")).expect_err("must fail");
        assert_eq!(
            current, before,
            "round {round}: the input state is untouched"
        );
        let item = err
            .items
            .iter()
            .find(|i| i.index == bad_at)
            .unwrap_or_else(|| {
                panic!("round {round}: no item for mutation {bad_at}: {err:?} in {list:?}")
            });
        assert_eq!(Some(item.kind), expected_kind, "round {round}");
        let body = err.to_json();
        assert_eq!(body["error"]["type"], "mutationError");
        assert!(body["error"]["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty()));
    }
}

#[test]
fn if_revision_id_must_match() {
    let mut rng = Rng::new(12);
    for _ in 0..300 {
        let rev = format!("rev{}", rng.below(1000));
        let current = store(&[stored(&mut rng, "a", &rev)]);
        let stale = format!("{rev}x");
        let bad = parse_mutations(
            &json!([{"patch": {"id": "a", "ifRevisionID": stale, "set": {"t": 1}}}]),
        )
        .unwrap();
        let err = apply_transaction(&bad, &current, &ctx("tx1")).expect_err("stale rev fails");
        assert_eq!(err.items[0].kind, ErrorKind::RevisionMismatch);
        assert_eq!(err.http_status(), 409);
        let good =
            parse_mutations(&json!([{"patch": {"id": "a", "ifRevisionID": rev, "set": {"t": 1}}}]))
                .unwrap();
        let commit =
            apply_transaction(&good, &current, &ctx("tx2")).expect("matching rev succeeds");
        let change = &commit.changes[0];
        assert_eq!(change.previous_rev(), Some(rev.as_str()));
        assert_eq!(change.result_rev(), Some("tx2"));
    }
}

#[test]
fn inc_and_dec_leave_non_numbers_alone() {
    let non_numbers = [
        json!("5"),
        json!(null),
        json!(true),
        json!([1]),
        json!({"n": 1}),
        json!(""),
    ];
    for (i, value) in non_numbers.iter().enumerate() {
        for op in ["inc", "dec"] {
            let current =
                store(&[json!({"_id": "a", "_type": "t", "_rev": "r", "v": value, "w": 1})]);
            let m = parse_mutations(&json!([{"patch": {"id": "a", op: {"v": 3, "missing": 1}}}]))
                .unwrap();
            let commit =
                apply_transaction(&m, &current, &ctx("tx")).expect("a no-op, not an error");
            let after = commit.changes[0].after.as_ref().expect("still there");
            assert_eq!(after.as_map()["v"], *value, "case {i} {op}");
            assert!(
                !after.as_map().contains_key("missing"),
                "inc does not create fields"
            );
            assert_eq!(after.as_map()["w"], 1);
        }
    }
    let current = store(&[json!({"_id": "a", "_type": "t", "_rev": "r", "v": 1.5, "w": 10})]);
    let m = parse_mutations(&json!([{"patch": {"id": "a", "inc": {"v": 1}, "dec": {"w": 4}}}]))
        .unwrap();
    let commit = apply_transaction(&m, &current, &ctx("tx")).unwrap();
    let after = commit.changes[0].after.as_ref().unwrap().as_map();
    assert_eq!(
        (after["v"].as_f64(), after["w"].as_i64()),
        (Some(2.5), Some(6))
    );
}

#[test]
fn system_fields_are_managed_by_core() {
    let current = store(&[
        json!({"_id": "a", "_type": "t", "_rev": "r0", "_createdAt": "2020-01-01T00:00:00Z"}),
    ]);
    let m = parse_mutations(&json!([
        {"create": {"_type": "t", "_rev": "forged", "_updatedAt": "forged"}},
        {"create": {"_id": "drafts.", "_type": "t"}},
        {"patch": {"id": "a", "set": {"_id": "moved", "_createdAt": "2000-01-01T00:00:00Z", "_rev": "x"}}},
        {"createOrReplace": {"_id": "a", "_type": "t2"}},
        {"createIfNotExists": {"_id": "a", "_type": "t3"}},
    ]))
    .unwrap();
    let commit = apply_transaction(&m, &current, &ctx("txid")).unwrap();
    let ops: Vec<Operation> = commit.results.iter().map(|r| r.operation).collect();
    assert_eq!(
        ops,
        [
            Operation::Create,
            Operation::Create,
            Operation::Update,
            Operation::Update,
            Operation::None
        ]
    );
    let generated = &commit.results[0].id;
    assert_eq!(generated.len(), 22, "a generated id: {generated}");
    assert!(commit.results[1].id.starts_with("drafts.") && commit.results[1].id.len() == 7 + 22);
    for change in &commit.changes {
        let doc = change.after.as_ref().unwrap();
        assert_eq!(doc.rev(), Some("txid"));
        assert_eq!(doc.updated_at(), Some("2026-11-22T00:00:00Z"));
        assert_eq!(doc.id(), change.id);
    }
    let a = commit
        .changes
        .iter()
        .find(|c| c.id == "a")
        .unwrap()
        .after
        .as_ref()
        .unwrap();
    assert_eq!(
        a.created_at(),
        Some("2020-01-01T00:00:00Z"),
        "history fields survive patches and replaces"
    );
    assert_eq!(a.doc_type(), "t2");
    // The same context gives the same commit: core reads no clock, no randomness.
    assert_eq!(
        apply_transaction(&m, &current, &ctx("txid")).unwrap(),
        commit
    );
}

#[test]
fn auto_generate_array_keys() {
    let m = parse_mutations(
        &json!([{"create": {"_id": "a", "_type": "t", "body": [{"x": 1}, {"_key": "k"}, 2]}}]),
    )
    .unwrap();
    let mut c = ctx("tx");
    c.auto_generate_array_keys = true;
    let commit = apply_transaction(&m, &HashMap::new(), &c).unwrap();
    let body = &commit.changes[0].after.as_ref().unwrap().as_map()["body"];
    assert_eq!(body[0]["_key"].as_str().map(str::len), Some(12));
    assert_eq!(body[1]["_key"], "k");
    assert_eq!(body[2], 2);
}
