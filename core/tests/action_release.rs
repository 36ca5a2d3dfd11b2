//! Release actions: creation, metadata edits, every state transition (and the
//! ones that are not allowed), publishing a release's versions.

mod action_support;

use action_support::{case, check, doc, release, run, run_with_history, Expect::*, NOW};
use serde_json::{json, Value};

fn act(kind: &str, extra: Value) -> Value {
    let mut a = json!({"actionType": format!("sanity.action.release.{kind}"), "releaseId": "r1"});
    if let (Some(m), Value::Object(e)) = (a.as_object_mut(), extra) {
        m.extend(e);
    }
    json!([a])
}

#[test]
fn create_and_edit() {
    check(vec![
        case(
            "create",
            vec![],
            act(
                "create",
                json!({"metadata": {"title": "Spring", "releaseType": "scheduled", "intendedPublishAt": "2026-04-01T00:00:00Z"}}),
            ),
            Docs(json!({"_.releases.r1": {
                "_type": "system.release", "name": "r1", "state": "active", "_rev": action_support::TX,
                "metadata": {"title": "Spring", "releaseType": "scheduled", "intendedPublishAt": "2026-04-01T00:00:00Z"},
            }})),
        ),
        case(
            "create without metadata",
            vec![],
            act("create", json!({})),
            Docs(json!({"_.releases.r1": {"state": "active", "metadata": {}}})),
        ),
        case(
            "create an existing release",
            vec![release("r1", "archived", json!({}))],
            act("create", json!({})),
            Error(409, "documentAlreadyExistsError", 0),
        ),
        case(
            "create with a dotted id",
            vec![],
            json!([{"actionType": "sanity.action.release.create", "releaseId": "a.b"}]),
            Error(400, "validationError", 0),
        ),
        case(
            "create with metadata that is not an object",
            vec![],
            act("create", json!({"metadata": "x"})),
            Error(400, "validationError", 0),
        ),
        case(
            "edit metadata",
            vec![release("r1", "active", json!({}))],
            act(
                "edit",
                json!({"patch": {"set": {"metadata.title": "Summer"}, "unset": ["metadata.releaseType"]}}),
            ),
            Docs(json!({"_.releases.r1": {"metadata": {"title": "Summer"}, "state": "active"}})),
        ),
        case(
            "edit may not change the state",
            vec![release("r1", "active", json!({}))],
            act("edit", json!({"patch": {"set": {"state": "published"}}})),
            Error(400, "validationError", 0),
        ),
        case(
            "edit a missing release",
            vec![],
            act("edit", json!({"patch": {"set": {"metadata.title": "x"}}})),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "edit with a stale ifRevisionID",
            vec![release("r1", "active", json!({}))],
            act(
                "edit",
                json!({"patch": {"ifRevisionID": "stale", "set": {"metadata.title": "x"}}}),
            ),
            Error(409, "documentRevisionMismatchError", 0),
        ),
    ]);
}

/// A release holding three versions: an update of `a`, a new document `b`,
/// and `c` marked to be unpublished; plus a version of `a` in another release.
fn release_with_versions(state: &str) -> Vec<Value> {
    vec![
        release("r1", state, json!({})),
        doc("a", "ra", json!({"title": "A"})),
        doc("c", "rc", json!({"title": "C"})),
        doc(
            "versions.r1.a",
            "v1",
            json!({"title": "A v2",
            "ref": {"_ref": "b", "_weak": true, "_strengthenOnPublish": {"type": "post"}}}),
        ),
        doc("versions.r1.b", "v2", json!({"title": "B"})),
        doc(
            "versions.r1.c",
            "v3",
            json!({"title": "C", "_system": {"delete": true}}),
        ),
        doc("versions.r2.a", "v4", json!({"title": "A in r2"})),
    ]
}

#[test]
fn publish() {
    let published = json!({
        "a": {"title": "A v2", "_rev": action_support::TX, "_createdAt": "2025-01-01T00:00:00Z", "ref": {"_ref": "b"}, "_system": null},
        "b": {"title": "B"},
        "c": null,
        "versions.r1.a": null, "versions.r1.b": null, "versions.r1.c": null,
        "versions.r2.a": {"title": "A in r2", "_rev": "v4"},
        "_.releases.r1": {
            "state": "published", "publishedAt": NOW, "userId": "user-1",
            "finalDocumentStates": [{"id": "versions.r1.a"}, {"id": "versions.r1.b"}, {"id": "versions.r1.c"}],
        },
    });
    check(vec![
        case(
            "publish an active release",
            release_with_versions("active"),
            act("publish", json!({})),
            Docs(published.clone()),
        ),
        case(
            "publish a scheduled release",
            release_with_versions("scheduled"),
            act("publish", json!({})),
            Docs(published),
        ),
        case(
            "publish an empty release",
            vec![release("r1", "active", json!({}))],
            act("publish", json!({})),
            Docs(json!({"_.releases.r1": {"state": "published", "finalDocumentStates": []}})),
        ),
        case(
            "publish an archived release",
            release_with_versions("archived"),
            act("publish", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "publish a published release",
            vec![release("r1", "published", json!({}))],
            act("publish", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "publish a missing release",
            vec![],
            act("publish", json!({})),
            Error(409, "documentNotFoundError", 0),
        ),
    ]);
}

#[test]
fn transitions() {
    let r = |state: &str| {
        vec![
            release("r1", state, json!({"publishAt": "2030-01-01T00:00:00Z"})),
            doc("versions.r1.a", "v1", json!({"title": "V"})),
        ]
    };
    check(vec![
        case(
            "archive deletes the versions",
            r("active"),
            act("archive", json!({})),
            Docs(
                json!({"versions.r1.a": null, "_.releases.r1": {"state": "archived",
                "finalDocumentStates": [{"id": "versions.r1.a"}], "userId": "user-1"}}),
            ),
        ),
        case(
            "archive a scheduled release",
            r("scheduled"),
            act("archive", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "archive an archived release",
            r("archived"),
            act("archive", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "unarchive an active release",
            r("active"),
            act("unarchive", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "delete an archived release",
            vec![release("r1", "archived", json!({}))],
            act("delete", json!({})),
            Docs(json!({"_.releases.r1": null})),
        ),
        case(
            "delete a published release",
            vec![release("r1", "published", json!({}))],
            act("delete", json!({})),
            Docs(json!({"_.releases.r1": null})),
        ),
        case(
            "delete an active release",
            r("active"),
            act("delete", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "delete a missing release",
            vec![],
            act("delete", json!({})),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "schedule",
            vec![
                release("r1", "active", json!({})),
                doc("versions.r1.a", "v1", json!({})),
            ],
            act("schedule", json!({"publishAt": "2030-01-01T00:00:00Z"})),
            Docs(
                json!({"_.releases.r1": {"state": "scheduled", "publishAt": "2030-01-01T00:00:00Z"},
                        "versions.r1.a": {"_rev": "v1"}, "a": null}),
            ),
        ),
        case(
            "schedule in the past publishes at once",
            vec![
                release("r1", "active", json!({})),
                doc("versions.r1.a", "v1", json!({"title": "V"})),
            ],
            act(
                "schedule",
                json!({"publishAt": "2020-01-01T00:00:00+02:00"}),
            ),
            Docs(
                json!({"_.releases.r1": {"state": "published", "publishAt": "2020-01-01T00:00:00+02:00", "publishedAt": NOW},
                        "versions.r1.a": null, "a": {"title": "V"}}),
            ),
        ),
        case(
            "schedule a scheduled release",
            r("scheduled"),
            act("schedule", json!({"publishAt": "2030-01-01T00:00:00Z"})),
            Error(409, "conflictError", 0),
        ),
        case(
            "schedule without a timestamp",
            r("active"),
            act("schedule", json!({"publishAt": "next week"})),
            Error(400, "validationError", 0),
        ),
        case(
            "unschedule",
            r("scheduled"),
            act("unschedule", json!({})),
            Docs(
                json!({"_.releases.r1": {"state": "active", "publishAt": null}, "versions.r1.a": {"_rev": "v1"}}),
            ),
        ),
        case(
            "unschedule an active release",
            r("active"),
            act("unschedule", json!({})),
            Error(409, "conflictError", 0),
        ),
        case(
            "unknown release action",
            r("active"),
            act("launch", json!({})),
            Error(400, "validationError", 0),
        ),
    ]);
}

#[test]
fn unarchive_restores_versions_from_history() {
    let archived = release(
        "r1",
        "archived",
        json!({
            "finalDocumentStates": [{"id": "versions.r1.a"}, {"id": "versions.r1.gone"}, {"id": "versions.r1.b"}, {"id": "elsewhere"}],
        }),
    );
    let history = [
        doc("versions.r1.a", "h1", json!({"title": "A as archived"})),
        doc("versions.r1.b", "h2", json!({"title": "B as archived"})),
        doc("elsewhere", "h3", json!({})),
    ];
    // `versions.r1.b` was written again after the archive: it stays as it is now.
    let docs = [
        archived,
        doc("versions.r1.b", "now", json!({"title": "B now"})),
    ];
    let out = run_with_history(&docs, &history, act("unarchive", json!({}))).expect("unarchive");
    action_support::assert_docs(
        "unarchive",
        &out.after,
        &json!({
            "versions.r1.a": {"title": "A as archived", "_createdAt": "2025-01-01T00:00:00Z"},
            "versions.r1.b": {"title": "B now", "_rev": "now"},
            "versions.r1.gone": null,
            "elsewhere": null,
            "_.releases.r1": {"state": "active", "finalDocumentStates": null},
        }),
    );

    // Archive and unarchive in one request: the versions come back from the
    // state before the request, with no history needed.
    let docs = [
        release("r1", "active", json!({})),
        doc("versions.r1.a", "v", json!({"title": "V"})),
    ];
    let actions = json!([
        {"actionType": "sanity.action.release.archive", "releaseId": "r1"},
        {"actionType": "sanity.action.release.unarchive", "releaseId": "r1"},
    ]);
    let out = run(&docs, actions).expect("archive, unarchive");
    action_support::assert_docs(
        "round trip",
        &out.after,
        &json!({
            "versions.r1.a": {"title": "V"},
            "_.releases.r1": {"state": "active"},
        }),
    );
}
