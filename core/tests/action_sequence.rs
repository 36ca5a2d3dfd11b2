//! Actions in sequence: each lowered against the state the previous ones
//! left, one commit for the request, nothing stored when any action fails.

mod action_support;

use std::collections::HashMap;

use action_support::{assert_docs, ctx, dataset, doc, release, run, TX};
use qanat_core::action::{apply_actions, parse_actions, required_reads};
use qanat_core::mutation::{Operation, TransactionContext};
use serde_json::{json, Value};

fn create() -> Value {
    json!({"actionType": "sanity.action.document.create", "publishedId": "a",
           "attributes": {"_id": "drafts.a", "_type": "post", "title": "one"}, "ifExists": "fail"})
}
fn edit(title: &str) -> Value {
    json!({"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a",
           "patch": {"set": {"title": title}}})
}
fn publish() -> Value {
    json!({"actionType": "sanity.action.document.publish", "draftId": "drafts.a", "publishedId": "a"})
}
fn unpublish() -> Value {
    json!({"actionType": "sanity.action.document.unpublish", "draftId": "drafts.a", "publishedId": "a"})
}
fn discard() -> Value {
    json!({"actionType": "sanity.action.document.discard", "draftId": "drafts.a"})
}

/// create → edit → publish → edit → unpublish → discard, one request per
/// step, each against the dataset the previous step left.
#[test]
fn document_lifecycle_step_by_step() {
    let steps = [
        (create(), json!({"drafts.a": {"title": "one"}, "a": null})),
        (
            edit("two"),
            json!({"drafts.a": {"title": "two"}, "a": null}),
        ),
        (publish(), json!({"drafts.a": null, "a": {"title": "two"}})),
        (
            edit("three"),
            json!({"drafts.a": {"title": "three"}, "a": {"title": "two"}}),
        ),
        (
            unpublish(),
            json!({"drafts.a": {"title": "three"}, "a": null}),
        ),
        (discard(), json!({"drafts.a": null, "a": null})),
    ];
    let mut docs: Vec<Value> = Vec::new();
    for (i, (action, expected)) in steps.into_iter().enumerate() {
        let out =
            run(&docs, json!([action])).unwrap_or_else(|e| panic!("step {i}: {}", e.to_json()));
        assert_docs(&format!("step {i}"), &out.after, &expected);
        docs = out.after.into_values().map(|d| d.into_value()).collect();
    }
    assert!(docs.is_empty(), "{docs:?}");
}

/// The same lifecycle as one request: every action sees what the ones
/// before it did, and the commit holds each document's first and last state.
#[test]
fn document_lifecycle_in_one_request() {
    let actions = json!([create(), edit("two"), publish(), edit("three"), unpublish()]);
    let out = run(&[], actions).expect("lifecycle");
    assert_docs(
        "one request",
        &out.after,
        &json!({"drafts.a": {"title": "three", "_rev": TX}, "a": null}),
    );
    // `a` was created and deleted within the request: no net change, so the
    // commit only carries the draft, which did not exist before.
    let changes: Vec<_> = out
        .commit
        .commit
        .changes
        .iter()
        .map(|c| (c.id.as_str(), c.before.is_some()))
        .collect();
    assert_eq!(changes, vec![("drafts.a", false)]);
    // Mutations: create; patch; createOrReplace + delete; createIfNotExists (copy) + patch;
    // delete (the draft exists, so unpublish copies nothing).
    let kinds: Vec<String> = out
        .commit
        .mutations_json
        .iter()
        .map(|m| {
            m.as_object()
                .and_then(|o| o.keys().next().cloned())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "create",
            "patch",
            "createOrReplace",
            "delete",
            "createIfNotExists",
            "patch",
            "delete"
        ]
    );
    assert_eq!(out.commit.action_index, [0, 1, 2, 2, 3, 3, 4]);
    assert_eq!(out.commit.mutations_json[2]["createOrReplace"]["_id"], "a");
    assert_eq!(
        out.commit.mutations_json[4]["createIfNotExists"]["_id"],
        "drafts.a"
    );
    let ops: Vec<Operation> = out
        .commit
        .commit
        .results
        .iter()
        .map(|r| r.operation)
        .collect();
    assert_eq!(ops.len(), 7);
    assert_eq!(ops[0], Operation::Create);
}

/// releases: create → version.create → release.publish, in one request.
#[test]
fn release_lifecycle_in_one_request() {
    let docs = [doc("a", "ra", json!({"title": "old"}))];
    let actions = json!([
        {"actionType": "sanity.action.release.create", "releaseId": "spring", "metadata": {"title": "Spring", "releaseType": "asap"}},
        {"actionType": "sanity.action.document.version.create", "publishedId": "a",
         "baseId": "a", "versionId": "versions.spring.a", "ifBaseRevisionId": "ra"},
        {"actionType": "sanity.action.document.edit", "draftId": "versions.spring.a", "publishedId": "a",
         "patch": {"set": {"title": "new"}}},
        {"actionType": "sanity.action.document.version.create", "publishedId": "b",
         "document": {"_id": "versions.spring.b", "_type": "post", "title": "brand new"}},
        {"actionType": "sanity.action.release.publish", "releaseId": "spring"},
    ]);
    let out = run(&docs, actions).expect("release lifecycle");
    assert_docs(
        "release",
        &out.after,
        &json!({
            "a": {"title": "new", "_rev": TX, "_createdAt": "2025-01-01T00:00:00Z"},
            "b": {"title": "brand new"},
            "versions.spring.a": null,
            "versions.spring.b": null,
            "_.releases.spring": {"_type": "system.release", "state": "published",
                "finalDocumentStates": [{"id": "versions.spring.a"}, {"id": "versions.spring.b"}]},
        }),
    );
    let ids: Vec<&str> = out
        .commit
        .commit
        .changes
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["_.releases.spring", "a", "b"],
        "versions made and removed in the request leave no change"
    );
}

/// A request is all or nothing: when a later action fails, the error names
/// it and nothing is returned to store.
#[test]
fn all_or_nothing() {
    let docs = [doc("a", "ra", json!({"title": "A"}))];
    let cases = [
        // The second publish finds no draft: the first one deleted it.
        (
            json!([edit("x"), publish(), publish()]),
            409,
            "documentNotFoundError",
            2,
        ),
        (
            json!([edit("x"), {"actionType": "sanity.action.document.publish", "draftId": "drafts.a",
            "publishedId": "a", "ifPublishedRevisionId": "stale"}]),
            409,
            "documentRevisionMismatchError",
            1,
        ),
        (json!([create()]), 409, "documentAlreadyExistsError", 0),
        (
            json!([edit("x"), edit("y"), {"actionType": "sanity.action.document.edit", "draftId": "drafts.a",
            "publishedId": "a", "patch": {"unset": ["_type"]}}]),
            400,
            "validationError",
            2,
        ),
    ];
    for (actions, status, kind, index) in cases {
        let err = match run(&docs, actions.clone()) {
            Err(e) => e,
            Ok(out) => panic!(
                "{actions}: expected an error, got {:?}",
                out.commit.mutations_json
            ),
        };
        let body = err.to_json();
        assert_eq!(err.http_status(), status, "{body}");
        assert_eq!(body["error"]["type"], "actionError");
        assert_eq!(
            body["error"]["items"].as_array().map(Vec::len),
            Some(1),
            "{body}"
        );
        assert_eq!(body["error"]["items"][0]["index"], index, "{body}");
        assert_eq!(body["error"]["items"][0]["error"]["type"], kind, "{body}");
        assert!(body["error"]["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("The action(s) failed: ")));
    }
}

/// Studio's restore of a deleted document: create the draft, then replace it,
/// in one request; and its guard against empty requests: an edit that unsets
/// a field nobody has, which still makes the first draft of a published document.
#[test]
fn studio_patterns() {
    let restore = json!([
        {"actionType": "sanity.action.document.create", "publishedId": "a",
         "attributes": {"_id": "drafts.a", "_type": "post", "title": "restored"}, "ifExists": "fail"},
        {"actionType": "sanity.action.document.replaceDraft", "publishedId": "a",
         "attributes": {"_id": "drafts.a", "_type": "post", "title": "restored", "more": 1}},
    ]);
    let out = run(&[], restore).expect("restore");
    assert_docs(
        "restore",
        &out.after,
        &json!({"drafts.a": {"title": "restored", "more": 1}}),
    );

    let guard = json!([{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a",
        "patch": {"unset": ["_empty_action_guard_pseudo_field_"]}}]);
    let out = run(&[doc("a", "ra", json!({"title": "A"}))], guard).expect("guard");
    assert_docs(
        "guard",
        &out.after,
        &json!({"drafts.a": {"title": "A", "_rev": TX}, "a": {"_rev": "ra"}}),
    );
}

#[test]
fn no_op_requests_store_nothing() {
    let actions = json!([{"actionType": "sanity.action.document.create", "publishedId": "a",
        "attributes": {"_id": "drafts.a", "_type": "post"}, "ifExists": "ignore"}]);
    let out = run(&[doc("drafts.a", "rd", json!({}))], actions).expect("ignore");
    assert!(out.commit.is_empty());
    assert!(out.commit.mutations_json.is_empty());
}

#[test]
fn purge_is_reported() {
    let docs = [doc("a", "ra", json!({})), doc("drafts.a", "rd", json!({}))];
    let actions = json!([{"actionType": "sanity.action.document.delete", "publishedId": "a",
        "includeDrafts": ["drafts.a"], "purge": true}]);
    let out = run(&docs, actions).expect("delete");
    assert_eq!(out.commit.purge, ["a", "drafts.a"]);
    let out = run(
        &[doc("drafts.a", "rd", json!({}))],
        json!([{"actionType": "sanity.action.document.discard", "draftId": "drafts.a"}]),
    )
    .expect("discard");
    assert!(out.commit.purge.is_empty());
}

/// With `autoGenerateArrayKeys`, two actions adding keyless items to the same
/// array must not give them the same `_key`.
#[test]
fn generated_keys_differ_between_actions() {
    let insert = |n: i64| {
        json!({"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a",
        "patch": {"insert": {"after": "items[-1]", "items": [{"n": n}]}}})
    };
    let request = parse_actions(&json!({"actions": [insert(1), insert(2)]})).expect("parse");
    let current = dataset(&[doc(
        "drafts.a",
        "rd",
        json!({"items": [{"_key": "k0", "n": 0}]}),
    )]);
    let ctx = TransactionContext {
        auto_generate_array_keys: true,
        ..ctx()
    };
    let out = apply_actions(&request.actions, &current, &ctx).expect("apply");
    let after = out.commit.changes[0].after.as_ref().expect("draft");
    let keys: Vec<&str> = after.as_map()["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["_key"].as_str())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys[1] != keys[2], "{keys:?}");
}

/// What the host is told to read: ids, release prefixes, every version of a
/// deleted document, releases to restore from history, and (second pass) the
/// published documents a release publish overwrites.
#[test]
fn required_reads_table() {
    let reads = |actions: Value| {
        required_reads(
            &parse_actions(&json!({"actions": actions}))
                .expect("parse")
                .actions,
        )
    };
    let r = reads(json!([edit("x")]));
    assert_eq!(r.ids, ["drafts.a", "a"]);
    assert!(r.id_prefixes.is_empty() && r.versions_of.is_empty());

    let r = reads(
        json!([{"actionType": "sanity.action.document.version.discard", "versionId": "versions.r1.b"}]),
    );
    assert_eq!(r.ids, ["versions.r1.b", "b", "_.releases.r1"]);

    let r = reads(
        json!([{"actionType": "sanity.action.document.delete", "publishedId": "a", "includeDrafts": ["drafts.a"]}]),
    );
    assert_eq!(r.versions_of, ["a"]);
    assert!(r.wants("versions.any.a") && !r.wants("versions.any.ab") && !r.wants("versions.a"));

    let r = reads(json!([
        {"actionType": "sanity.action.release.publish", "releaseId": "r1"},
        {"actionType": "sanity.action.release.unarchive", "releaseId": "r2"},
        {"actionType": "sanity.action.release.create", "releaseId": "r3"},
    ]));
    assert_eq!(r.ids, ["_.releases.r1", "_.releases.r2", "_.releases.r3"]);
    assert_eq!(r.id_prefixes, ["versions.r1.", "versions.r2."]);
    assert_eq!(r.archived_releases, ["r2"]);
    assert_eq!(r.publishing_releases, ["r1"]);
    assert!(r.wants("versions.r1.x") && !r.wants("versions.r3.x"));

    let found: HashMap<_, _> = dataset(&[
        release(
            "r1",
            "active",
            json!({"finalDocumentStates": [{"id": "versions.r1.old"}]}),
        ),
        doc("versions.r1.x", "v", json!({})),
        doc("versions.r1.y.z", "v", json!({})),
    ]);
    assert_eq!(r.follow_up_ids(&found), ["x", "y.z", "old"]);
}
