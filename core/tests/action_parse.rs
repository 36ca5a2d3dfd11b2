//! Reading action requests: every malformed request is a clear 400 naming the
//! failing action, never a panic.

use qanat_core::action::{parse_actions, parse_actions_json, Action};
use serde_json::{json, Value};

/// (case, body, index of the first failing action, words its description holds)
#[test]
fn bad_requests_are_400s() {
    let cases: Vec<(&str, Value, usize, &str)> = vec![
        ("not an object", json!("actions"), 0, "expected"),
        ("no actions", json!({}), 0, "actions"),
        (
            "empty actions",
            json!({"actions": []}),
            0,
            "No actions provided",
        ),
        ("actions not a list", json!({"actions": 3}), 0, "actions"),
        (
            "transactionId not a string",
            json!({"actions": [{"actionType": "sanity.action.release.publish", "releaseId": "r"}], "transactionId": 1}),
            0,
            "transactionId",
        ),
        (
            "dryRun not a bool",
            json!({"actions": [{"actionType": "sanity.action.release.publish", "releaseId": "r"}], "dryRun": "yes"}),
            0,
            "dryRun",
        ),
        ("action not an object", json!({"actions": [1]}), 0, "object"),
        (
            "missing actionType",
            json!({"actions": [{"publishedId": "a"}]}),
            0,
            "actionType",
        ),
        (
            "actionType not a string",
            json!({"actions": [{"actionType": 5}]}),
            0,
            "actionType",
        ),
        (
            "unknown actionType",
            json!({"actions": [{"actionType": "sanity.action.document.frob"}]}),
            0,
            "unknown action type",
        ),
        (
            "unknown release action",
            json!({"actions": [{"actionType": "sanity.action.release.frob", "releaseId": "r"}]}),
            0,
            "unknown action type",
        ),
        (
            "publishedId missing",
            json!({"actions": [{"actionType": "sanity.action.document.publish", "draftId": "drafts.a"}]}),
            0,
            "publishedId",
        ),
        (
            "publishedId is a draft",
            json!({"actions": [{"actionType": "sanity.action.document.publish", "draftId": "drafts.a", "publishedId": "drafts.a"}]}),
            0,
            "published id",
        ),
        (
            "publishedId malformed",
            json!({"actions": [{"actionType": "sanity.action.document.unpublish", "draftId": "drafts.a", "publishedId": "a b"}]}),
            0,
            "malformed",
        ),
        (
            "draftId of another document",
            json!({"actions": [{"actionType": "sanity.action.document.publish", "draftId": "drafts.b", "publishedId": "a"}]}),
            0,
            "drafts.a",
        ),
        (
            "edit without a patch",
            json!({"actions": [{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a"}]}),
            0,
            "patch",
        ),
        (
            "edit without a target",
            json!({"actions": [{"actionType": "sanity.action.document.edit", "publishedId": "a", "patch": {}}]}),
            0,
            "draftId",
        ),
        (
            "patch not an object",
            json!({"actions": [{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a", "patch": []}]}),
            0,
            "patch",
        ),
        (
            "patch with a bad inc",
            json!({"actions": [{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a", "patch": {"inc": {"n": "1"}}}]}),
            0,
            "inc",
        ),
        (
            "ifRevisionID not a string",
            json!({"actions": [{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a", "patch": {"ifRevisionID": 3}}]}),
            0,
            "ifRevisionID",
        ),
        (
            "create without attributes",
            json!({"actions": [{"actionType": "sanity.action.document.create", "publishedId": "a"}]}),
            0,
            "attributes",
        ),
        (
            "create without _type",
            json!({"actions": [{"actionType": "sanity.action.document.create", "publishedId": "a", "attributes": {"_id": "drafts.a"}}]}),
            0,
            "_type",
        ),
        (
            "create with an _id number",
            json!({"actions": [{"actionType": "sanity.action.document.create", "publishedId": "a", "attributes": {"_id": 1, "_type": "t"}}]}),
            0,
            "_id",
        ),
        (
            "delete includeDrafts not a list",
            json!({"actions": [{"actionType": "sanity.action.document.delete", "publishedId": "a", "includeDrafts": "drafts.a"}]}),
            0,
            "includeDrafts",
        ),
        (
            "delete purge not a bool",
            json!({"actions": [{"actionType": "sanity.action.document.delete", "publishedId": "a", "purge": 1}]}),
            0,
            "purge",
        ),
        (
            "version.create without document or baseId",
            json!({"actions": [{"actionType": "sanity.action.document.version.create", "publishedId": "a", "versionId": "versions.r.a"}]}),
            0,
            "baseId",
        ),
        (
            "version.replace without _id",
            json!({"actions": [{"actionType": "sanity.action.document.version.replace", "document": {"_type": "t"}}]}),
            0,
            "_id",
        ),
        (
            "releaseId missing",
            json!({"actions": [{"actionType": "sanity.action.release.archive"}]}),
            0,
            "releaseId",
        ),
        (
            "releaseId with a dot",
            json!({"actions": [{"actionType": "sanity.action.release.archive", "releaseId": "a.b"}]}),
            0,
            "releaseId",
        ),
        (
            "schedule without publishAt",
            json!({"actions": [{"actionType": "sanity.action.release.schedule", "releaseId": "r"}]}),
            0,
            "publishAt",
        ),
        (
            "schedule with a bad date",
            json!({"actions": [{"actionType": "sanity.action.release.schedule", "releaseId": "r", "publishAt": "2026-13-01T00:00:00Z"}]}),
            0,
            "publishAt",
        ),
        (
            "the failing action's index",
            json!({"actions": [
            {"actionType": "sanity.action.release.publish", "releaseId": "r"},
            {"actionType": "sanity.action.release.publish", "releaseId": "r"},
            {"actionType": "nope"}]}),
            2,
            "nope",
        ),
    ];
    for (name, body, index, words) in cases {
        let err = match parse_actions(&body) {
            Err(e) => e,
            Ok(r) => panic!("{name}: parsed {} actions", r.actions.len()),
        };
        let json = err.to_json();
        assert_eq!(err.http_status(), 400, "{name}: {json}");
        assert_eq!(json["error"]["type"], "actionError", "{name}");
        let item = &json["error"]["items"][0];
        assert_eq!(item["index"], index, "{name}: {json}");
        assert!(
            matches!(item["error"]["type"].as_str(), Some("validationError")),
            "{name}: {json}"
        );
        let description = item["error"]["description"].as_str().unwrap_or_default();
        assert!(
            description.contains(words),
            "{name}: {description:?} lacks {words:?}"
        );
    }
}

#[test]
fn every_bad_action_is_reported() {
    let err = parse_actions(&json!({"actions": [
        {"actionType": "x"},
        {"actionType": "sanity.action.release.publish", "releaseId": "ok"},
        {"actionType": "sanity.action.document.discard"},
    ]}))
    .expect_err("two bad actions");
    let indexes: Vec<usize> = err.items.iter().map(|i| i.index).collect();
    assert_eq!(indexes, [0, 2]);
}

#[test]
fn good_requests() {
    let body = json!({"transactionId": "my-tx", "dryRun": true, "actions": [
        {"actionType": "sanity.action.document.create", "publishedId": "a", "attributes": {"_type": "t"}, "ifExists": "ignore"},
        {"actionType": "sanity.action.document.replaceDraft", "publishedId": "a", "attributes": {"_id": "drafts.a", "_type": "t"}},
        {"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "publishedId": "a", "patch": {"id": "ignored", "set": {"x": 1}}},
        {"actionType": "sanity.action.document.publish", "draftId": "drafts.a", "publishedId": "a", "ifDraftRevisionId": null},
        {"actionType": "sanity.action.document.unpublish", "draftId": "drafts.a", "publishedId": "a"},
        {"actionType": "sanity.action.document.discard", "draftId": "drafts.a", "purge": true},
        {"actionType": "sanity.action.document.delete", "publishedId": "a", "includeDrafts": ["drafts.a"], "includeVersions": ["versions.r.a", "drafts.a"]},
        {"actionType": "sanity.action.document.version.create", "publishedId": "a", "document": {"_id": "versions.r.a", "_type": "t"}},
        {"actionType": "sanity.action.document.version.create", "publishedId": "a", "baseId": "a", "versionId": "drafts.a", "ifBaseRevisionId": "x"},
        {"actionType": "sanity.action.document.version.discard", "versionId": "versions.r.a"},
        {"actionType": "sanity.action.document.version.replace", "document": {"_id": "drafts.a", "_type": "t"}},
        {"actionType": "sanity.action.document.version.unpublish", "versionId": "versions.r.a", "publishedId": "a"},
        {"actionType": "sanity.action.release.create", "releaseId": "r", "metadata": {"title": "T"}},
        {"actionType": "sanity.action.release.edit", "releaseId": "r", "patch": {"set": {"metadata.title": "U"}}},
        {"actionType": "sanity.action.release.publish", "releaseId": "r"},
        {"actionType": "sanity.action.release.archive", "releaseId": "r"},
        {"actionType": "sanity.action.release.unarchive", "releaseId": "r"},
        {"actionType": "sanity.action.release.delete", "releaseId": "r"},
        {"actionType": "sanity.action.release.schedule", "releaseId": "r", "publishAt": "2026-01-01T00:00:00.000Z"},
        {"actionType": "sanity.action.release.unschedule", "releaseId": "r"},
    ]});
    let request = parse_actions(&body).expect("parses");
    assert_eq!(request.transaction_id.as_deref(), Some("my-tx"));
    assert!(request.dry_run);
    let types: Vec<&str> = request.actions.iter().map(Action::action_type).collect();
    let sent: Vec<&str> = body["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["actionType"].as_str())
        .collect();
    assert_eq!(types, sent);
    match &request.actions[0] {
        Action::Create(c) => assert_eq!(c.target_id, "drafts.a"),
        other => panic!("{other:?}"),
    }
    match &request.actions[2] {
        Action::Edit(e) => assert!(!e.patch.operations.contains_key("id")),
        other => panic!("{other:?}"),
    }
    match &request.actions[6] {
        Action::Delete(d) => assert_eq!(d.include, ["drafts.a", "versions.r.a"]),
        other => panic!("{other:?}"),
    }
    // A bare array and a single action object are accepted too.
    assert_eq!(
        parse_actions(&json!([{"actionType": "sanity.action.release.publish", "releaseId": "r"}]))
            .map(|r| r.actions.len())
            .ok(),
        Some(1)
    );
    assert_eq!(
        parse_actions(
            &json!({"actions": {"actionType": "sanity.action.release.publish", "releaseId": "r"}})
        )
        .map(|r| r.actions.len())
        .ok(),
        Some(1)
    );
}

/// Every field of every action replaced by values of the wrong shape: each
/// gives an error or a parse, never a panic.
#[test]
fn hostile_input_never_panics() {
    let odd = [
        json!(null),
        json!(1),
        json!(-1.5),
        json!(""),
        json!("drafts."),
        json!("versions.x"),
        json!("…"),
        json!([]),
        json!([1, "a"]),
        json!({}),
        json!({"_id": 1}),
        json!("x".repeat(300)),
        json!(true),
    ];
    let templates = [
        json!({"actionType": "sanity.action.document.create", "publishedId": "a", "attributes": {"_id": "drafts.a", "_type": "t"}, "ifExists": "fail"}),
        json!({"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "versionId": "drafts.a", "publishedId": "a", "patch": {"set": {"x": 1}}}),
        json!({"actionType": "sanity.action.document.publish", "draftId": "drafts.a", "publishedId": "a", "ifDraftRevisionId": "r", "ifPublishedRevisionId": "r"}),
        json!({"actionType": "sanity.action.document.delete", "publishedId": "a", "includeDrafts": [], "includeVersions": [], "purge": true}),
        json!({"actionType": "sanity.action.document.version.create", "publishedId": "a", "baseId": "a", "versionId": "drafts.a", "ifBaseRevisionId": "r", "document": {"_id": "drafts.a", "_type": "t"}}),
        json!({"actionType": "sanity.action.document.version.unpublish", "versionId": "versions.r.a", "publishedId": "a"}),
        json!({"actionType": "sanity.action.release.schedule", "releaseId": "r", "publishAt": "2026-01-01T00:00:00Z", "metadata": {}, "patch": {}}),
        json!({"actionType": "sanity.action.release.create", "releaseId": "r", "metadata": {}}),
        json!({"actionType": "sanity.action.release.edit", "releaseId": "r", "patch": {}}),
    ];
    let mut outcomes = 0;
    for template in &templates {
        let Some(fields) = template.as_object() else {
            continue;
        };
        for key in fields.keys() {
            for value in &odd {
                let mut action = template.clone();
                action[key] = value.clone();
                let _ = parse_actions(&json!({"actions": [action]}));
                outcomes += 1;
            }
        }
    }
    assert!(outcomes > 300);
    for text in ["", "{", "[", "null", "{\"actions\": [", &"[".repeat(10_000)] {
        assert!(parse_actions_json(text).is_err(), "{text:.20}");
    }
}
