//! Shared harness for the action tests: a dataset, a list of actions, and
//! what should come of them.
//!
//! Every run reads only what `required_reads` lists, in its two passes (so a
//! missing read shows up as a wrong answer), and every successful run is checked against the
//! mutations it reports: applying `mutations_json` as one plain transaction
//! to the same documents must give exactly the same changes.

#![allow(dead_code)]

use std::collections::HashMap;

use serde_json::{json, Value};

use qanat_core::action::{
    apply_actions_with_history, parse_actions, required_reads, ActionCommit, ActionError,
};
use qanat_core::document::Document;
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};

pub const NOW: &str = "2026-03-01T12:00:00Z";
pub const TX: &str = "tx-new";

pub fn ctx() -> TransactionContext {
    TransactionContext {
        transaction_id: TX.into(),
        now: NOW.into(),
        identity: "user-1".into(),
        auto_generate_array_keys: false,
        seed: 7,
    }
}

pub fn dataset(docs: &[Value]) -> HashMap<String, Document> {
    docs.iter()
        .map(|d| {
            let doc = Document::from_stored(d.clone()).expect("fixture has a string _id");
            (doc.id().to_string(), doc)
        })
        .collect()
}

/// A stored document: `_type: "post"`, system fields, then `fields`.
pub fn doc(id: &str, rev: &str, fields: Value) -> Value {
    let mut d = json!({
        "_id": id,
        "_type": "post",
        "_rev": rev,
        "_createdAt": "2025-01-01T00:00:00Z",
        "_updatedAt": "2025-01-02T00:00:00Z",
    });
    if let (Some(map), Value::Object(extra)) = (d.as_object_mut(), fields) {
        map.extend(extra);
    }
    d
}

/// A release document in `state`.
pub fn release(id: &str, state: &str, extra: Value) -> Value {
    let mut d = json!({
        "_id": format!("_.releases.{id}"),
        "_type": "system.release",
        "_rev": format!("rev-{id}"),
        "_createdAt": "2025-01-01T00:00:00Z",
        "_updatedAt": "2025-01-02T00:00:00Z",
        "name": id,
        "state": state,
        "metadata": {"title": "Spring", "releaseType": "asap"},
    });
    if let (Some(map), Value::Object(extra)) = (d.as_object_mut(), extra) {
        map.extend(extra);
    }
    d
}

pub struct Outcome {
    /// The whole dataset after the commit.
    pub after: HashMap<String, Document>,
    pub commit: ActionCommit,
}

pub fn run(docs: &[Value], actions: Value) -> Result<Outcome, ActionError> {
    run_with_history(docs, &[], actions)
}

pub fn run_with_history(
    docs: &[Value],
    history: &[Value],
    actions: Value,
) -> Result<Outcome, ActionError> {
    let request = parse_actions(&json!({ "actions": actions }))?;
    let all = dataset(docs);
    let reads = required_reads(&request.actions);
    let mut read: HashMap<String, Document> = all
        .iter()
        .filter(|(id, _)| reads.wants(id))
        .map(|(id, d)| (id.clone(), d.clone()))
        .collect();
    for id in reads.follow_up_ids(&read) {
        if let Some(d) = all.get(&id) {
            read.insert(id, d.clone());
        }
    }
    let commit = apply_actions_with_history(&request.actions, &read, &dataset(history), &ctx())?;

    assert_eq!(commit.mutations.len(), commit.mutations_json.len());
    assert_eq!(commit.mutations.len(), commit.action_index.len());
    let lowered = parse_mutations(&Value::Array(commit.mutations_json.clone()))
        .expect("lowered mutations parse");
    let replayed = apply_transaction(&lowered, &read, &ctx()).expect("lowered mutations apply");
    assert_eq!(
        replayed.changes, commit.commit.changes,
        "the lowered mutations, replayed as one transaction, must give the same changes"
    );

    let mut after = all;
    for change in &commit.commit.changes {
        match &change.after {
            Some(d) => after.insert(change.id.clone(), d.clone()),
            None => after.remove(&change.id),
        };
    }
    Ok(Outcome { after, commit })
}

/// Checks the dataset against `expected`: `{id: null}` means the document
/// must not exist; `{id: {...}}` that it exists with (at least) these fields,
/// where a field given as null must be absent.
pub fn assert_docs(case: &str, after: &HashMap<String, Document>, expected: &Value) {
    let Some(expected) = expected.as_object() else {
        panic!("{case}: expected documents must be an object");
    };
    for (id, want) in expected {
        let got = after.get(id);
        match (want, got) {
            (Value::Null, None) => {}
            (Value::Null, Some(d)) => panic!("{case}: {id} should not exist, got {:?}", d.as_map()),
            (_, None) => panic!("{case}: {id} should exist"),
            (Value::Object(fields), Some(d)) => {
                for (k, v) in fields {
                    let actual = d.as_map().get(k).unwrap_or(&Value::Null);
                    assert_eq!(actual, v, "{case}: {id}.{k} in {:?}", d.as_map());
                }
            }
            (other, _) => panic!("{case}: bad expectation {other}"),
        }
    }
}

/// What a case should come to.
pub enum Expect {
    /// Succeeds, leaving these documents (see [`assert_docs`]).
    Docs(Value),
    /// Fails with this HTTP status, item error type, and failing action index.
    Error(u16, &'static str, usize),
}

pub struct Case {
    pub name: &'static str,
    pub docs: Vec<Value>,
    pub actions: Value,
    pub expect: Expect,
}

pub fn case(name: &'static str, docs: Vec<Value>, actions: Value, expect: Expect) -> Case {
    Case {
        name,
        docs,
        actions,
        expect,
    }
}

pub fn check(cases: Vec<Case>) {
    for case in cases {
        let result = run(&case.docs, case.actions.clone());
        match (&case.expect, result) {
            (Expect::Docs(want), Ok(outcome)) => assert_docs(case.name, &outcome.after, want),
            (Expect::Docs(_), Err(e)) => panic!("{}: unexpected error {}", case.name, e.to_json()),
            (Expect::Error(status, kind, index), Err(e)) => {
                let body = e.to_json();
                assert_eq!(e.http_status(), *status, "{}: status of {body}", case.name);
                assert_eq!(body["error"]["type"], "actionError", "{}", case.name);
                assert_eq!(
                    body["error"]["items"][0]["error"]["type"], *kind,
                    "{}: {body}",
                    case.name
                );
                assert_eq!(
                    body["error"]["items"][0]["index"], *index,
                    "{}: {body}",
                    case.name
                );
                let description = body["error"]["description"].as_str().unwrap_or_default();
                assert!(!description.is_empty(), "{}: empty description", case.name);
            }
            (Expect::Error(..), Ok(outcome)) => panic!(
                "{}: expected an error, got mutations {:?}",
                case.name, outcome.commit.mutations_json
            ),
        }
    }
}
