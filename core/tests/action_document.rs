//! Document and version actions: each one's happy path and its failures, as
//! a table of (documents before, actions, documents after | error).

mod action_support;

use action_support::{case, check, doc, release, Expect::*, TX};
use serde_json::{json, Value};

fn published() -> Value {
    doc("a", "r-pub", json!({"title": "Published", "body": "p"}))
}
fn draft() -> Value {
    doc("drafts.a", "r-draft", json!({"title": "Draft"}))
}
fn version() -> Value {
    doc("versions.r1.a", "r-ver", json!({"title": "Version"}))
}
fn active() -> Value {
    release("r1", "active", json!({}))
}
fn scheduled() -> Value {
    release(
        "r1",
        "scheduled",
        json!({"publishAt": "2030-01-01T00:00:00Z"}),
    )
}

#[test]
fn create() {
    let create = |id: Value, if_exists: &str| {
        json!([{"actionType": "sanity.action.document.create", "publishedId": "a",
                "attributes": {"_id": id, "_type": "post", "title": "New"}, "ifExists": if_exists}])
    };
    check(vec![
        case(
            "new draft",
            vec![],
            create(json!("drafts.a"), "fail"),
            Docs(
                json!({"drafts.a": {"title": "New", "_rev": TX, "_createdAt": action_support::NOW}, "a": null}),
            ),
        ),
        case(
            "without _id the draft is created",
            vec![],
            create(Value::Null, "fail"),
            Docs(json!({"drafts.a": {"title": "New"}})),
        ),
        case(
            "a version",
            vec![active()],
            create(json!("versions.r1.a"), "fail"),
            Docs(json!({"versions.r1.a": {"title": "New"}, "drafts.a": null})),
        ),
        case(
            "draft exists",
            vec![draft()],
            create(json!("drafts.a"), "fail"),
            Error(409, "documentAlreadyExistsError", 0),
        ),
        case(
            "published exists",
            vec![published()],
            create(json!("drafts.a"), "fail"),
            Error(409, "documentAlreadyExistsError", 0),
        ),
        case(
            "ifExists ignore leaves the draft alone",
            vec![draft()],
            create(json!("drafts.a"), "ignore"),
            Docs(json!({"drafts.a": {"title": "Draft", "_rev": "r-draft"}})),
        ),
        case(
            "ifExists ignore with a published document",
            vec![published()],
            create(json!("drafts.a"), "ignore"),
            Docs(json!({"drafts.a": null, "a": {"_rev": "r-pub"}})),
        ),
        case(
            "version in a scheduled release is locked",
            vec![scheduled()],
            create(json!("versions.r1.a"), "fail"),
            Error(409, "conflictError", 0),
        ),
        case(
            "_id of another document",
            vec![],
            create(json!("drafts.b"), "fail"),
            Error(400, "validationError", 0),
        ),
        case(
            "_id without a prefix",
            vec![],
            create(json!("a"), "fail"),
            Error(400, "validationError", 0),
        ),
        case(
            "bad ifExists",
            vec![],
            create(json!("drafts.a"), "replace"),
            Error(400, "validationError", 0),
        ),
    ]);
}

#[test]
fn edit() {
    let edit = |target: &str, patch: Value| json!([{"actionType": "sanity.action.document.edit", "draftId": target, "publishedId": "a", "patch": patch}]);
    let set_title = json!({"set": {"title": "Edited"}});
    check(vec![
        case(
            "first edit copies the published document into the draft",
            vec![published()],
            edit("drafts.a", set_title.clone()),
            Docs(json!({
                "drafts.a": {"title": "Edited", "body": "p", "_rev": TX, "_createdAt": "2025-01-01T00:00:00Z", "_updatedAt": action_support::NOW},
                "a": {"title": "Published", "_rev": "r-pub"},
            })),
        ),
        case(
            "edits an existing draft, published untouched",
            vec![published(), draft()],
            edit("drafts.a", set_title.clone()),
            Docs(json!({"drafts.a": {"title": "Edited", "body": null}, "a": {"_rev": "r-pub"}})),
        ),
        case(
            "a version named by versionId is copied from published",
            vec![published(), active()],
            json!([{"actionType": "sanity.action.document.edit", "versionId": "versions.r1.a", "publishedId": "a", "patch": set_title}]),
            Docs(json!({"versions.r1.a": {"title": "Edited", "body": "p"}, "drafts.a": null})),
        ),
        case(
            "an existing version named by draftId",
            vec![version(), active()],
            edit(
                "versions.r1.a",
                json!({"unset": ["title"], "setIfMissing": {"n": 1}}),
            ),
            Docs(json!({"versions.r1.a": {"title": null, "n": 1}})),
        ),
        case(
            "nothing to edit",
            vec![],
            edit("drafts.a", set_title.clone()),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "ifRevisionID must match the draft",
            vec![published(), draft()],
            edit(
                "drafts.a",
                json!({"ifRevisionID": "stale", "set": {"title": "x"}}),
            ),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "ifRevisionID matching the draft",
            vec![draft()],
            edit(
                "drafts.a",
                json!({"ifRevisionID": "r-draft", "set": {"title": "x"}}),
            ),
            Docs(json!({"drafts.a": {"title": "x"}})),
        ),
        case(
            "first edit checks ifRevisionID against the published document",
            vec![published()],
            edit(
                "drafts.a",
                json!({"ifRevisionID": "r-pub", "inc": {"n": 1}, "setIfMissing": {"n": 0}}),
            ),
            Docs(json!({"drafts.a": {"n": 1}})),
        ),
        case(
            "first edit with a stale ifRevisionID",
            vec![published()],
            edit(
                "drafts.a",
                json!({"ifRevisionID": "stale", "set": {"title": "x"}}),
            ),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "version in a scheduled release is locked",
            vec![version(), scheduled()],
            edit("versions.r1.a", set_title.clone()),
            Error(409, "conflictError", 0),
        ),
        case(
            "bad patch path",
            vec![draft()],
            edit("drafts.a", json!({"set": {"a[": 1}})),
            Error(400, "validationError", 0),
        ),
        case(
            "unknown patch operation",
            vec![draft()],
            edit("drafts.a", json!({"frobnicate": {}})),
            Error(400, "validationError", 0),
        ),
        case(
            "draftId of another document",
            vec![draft()],
            edit("drafts.b", set_title.clone()),
            Error(400, "validationError", 0),
        ),
        case(
            "draftId and versionId disagree",
            vec![draft()],
            json!([{"actionType": "sanity.action.document.edit", "draftId": "drafts.a", "versionId": "versions.r1.a", "publishedId": "a", "patch": {}}]),
            Error(400, "validationError", 0),
        ),
        case(
            "a patch that drops _type",
            vec![draft()],
            edit("drafts.a", json!({"unset": ["_type"]})),
            Error(400, "validationError", 0),
        ),
    ]);
}

#[test]
fn publish() {
    let publish = |extra: Value| {
        let mut a = json!({"actionType": "sanity.action.document.publish", "draftId": "drafts.a", "publishedId": "a"});
        if let (Some(m), Value::Object(e)) = (a.as_object_mut(), extra) {
            m.extend(e);
        }
        json!([a])
    };
    check(vec![
        case(
            "the draft replaces the published document",
            vec![published(), draft()],
            publish(json!({})),
            Docs(
                json!({"a": {"title": "Draft", "body": null, "_rev": TX, "_createdAt": "2025-01-01T00:00:00Z"}, "drafts.a": null}),
            ),
        ),
        case(
            "first publish",
            vec![draft()],
            publish(json!({})),
            Docs(json!({"a": {"title": "Draft", "_id": "a"}, "drafts.a": null})),
        ),
        case(
            "no draft",
            vec![published()],
            publish(json!({})),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "ifDraftRevisionId matches",
            vec![published(), draft()],
            publish(json!({"ifDraftRevisionId": "r-draft", "ifPublishedRevisionId": "r-pub"})),
            Docs(json!({"a": {"title": "Draft"}})),
        ),
        case(
            "ifDraftRevisionId is stale",
            vec![published(), draft()],
            publish(json!({"ifDraftRevisionId": "stale"})),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "ifPublishedRevisionId is stale",
            vec![published(), draft()],
            publish(json!({"ifPublishedRevisionId": "stale"})),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "ifPublishedRevisionId with nothing published",
            vec![draft()],
            publish(json!({"ifPublishedRevisionId": "r-pub"})),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "references marked _strengthenOnPublish become strong",
            vec![doc(
                "drafts.a",
                "r",
                json!({"author": {"_type": "reference", "_ref": "x", "_weak": true,
                "_strengthenOnPublish": {"type": "author"}}}),
            )],
            publish(json!({})),
            Docs(json!({"a": {"author": {"_type": "reference", "_ref": "x"}}})),
        ),
        case(
            "a version marked for unpublish publishes as a delete",
            vec![
                published(),
                active(),
                doc("versions.r1.a", "v", json!({"_system": {"delete": true}})),
            ],
            json!([{"actionType": "sanity.action.document.publish", "draftId": "versions.r1.a", "publishedId": "a"}]),
            Docs(json!({"a": null, "versions.r1.a": null})),
        ),
        case(
            "draftId must belong to publishedId",
            vec![draft()],
            json!([{"actionType": "sanity.action.document.publish", "draftId": "drafts.b", "publishedId": "a"}]),
            Error(400, "validationError", 0),
        ),
    ]);
}

#[test]
fn unpublish_discard_delete_replace() {
    let unpublish = json!([{"actionType": "sanity.action.document.unpublish", "draftId": "drafts.a", "publishedId": "a"}]);
    let delete = |drafts: Value, versions: Value| {
        json!([{"actionType": "sanity.action.document.delete", "publishedId": "a",
                "includeDrafts": drafts, "includeVersions": versions, "purge": true}])
    };
    check(vec![
        case(
            "unpublish keeps the content in a new draft",
            vec![published()],
            unpublish.clone(),
            Docs(json!({"a": null, "drafts.a": {"title": "Published", "body": "p", "_rev": TX}})),
        ),
        case(
            "unpublish keeps an existing draft as it is",
            vec![published(), draft()],
            unpublish.clone(),
            Docs(json!({"a": null, "drafts.a": {"title": "Draft", "_rev": "r-draft"}})),
        ),
        case(
            "unpublish of an unpublished document",
            vec![draft()],
            unpublish,
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "unpublish with a version id",
            vec![published()],
            json!([{"actionType": "sanity.action.document.unpublish", "draftId": "versions.r1.a", "publishedId": "a"}]),
            Error(400, "validationError", 0),
        ),
        case(
            "discard deletes the draft only",
            vec![published(), draft()],
            json!([{"actionType": "sanity.action.document.discard", "draftId": "drafts.a"}]),
            Docs(json!({"drafts.a": null, "a": {"_rev": "r-pub"}})),
        ),
        case(
            "discard of nothing",
            vec![published()],
            json!([{"actionType": "sanity.action.document.discard", "draftId": "drafts.a"}]),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "version.discard",
            vec![version(), active()],
            json!([{"actionType": "sanity.action.document.version.discard", "versionId": "versions.r1.a", "purge": false}]),
            Docs(json!({"versions.r1.a": null})),
        ),
        case(
            "version.discard in a scheduled release",
            vec![version(), scheduled()],
            json!([{"actionType": "sanity.action.document.version.discard", "versionId": "versions.r1.a"}]),
            Error(409, "conflictError", 0),
        ),
        case(
            "version.discard of a published id",
            vec![published()],
            json!([{"actionType": "sanity.action.document.version.discard", "versionId": "a"}]),
            Error(400, "validationError", 0),
        ),
        case(
            "delete with its draft",
            vec![published(), draft()],
            delete(json!(["drafts.a"]), Value::Null),
            Docs(json!({"a": null, "drafts.a": null})),
        ),
        case(
            "delete with draft and version",
            vec![published(), draft(), version(), active()],
            delete(json!(["drafts.a"]), json!(["versions.r1.a"])),
            Docs(
                json!({"a": null, "drafts.a": null, "versions.r1.a": null, "_.releases.r1": {"state": "active"}}),
            ),
        ),
        case(
            "delete of a published document alone",
            vec![published()],
            delete(Value::Null, Value::Null),
            Docs(json!({"a": null})),
        ),
        case(
            "delete leaving the draft behind",
            vec![published(), draft()],
            delete(json!([]), Value::Null),
            Error(409, "conflictError", 0),
        ),
        case(
            "delete leaving a version behind",
            vec![published(), draft(), version()],
            delete(json!(["drafts.a"]), Value::Null),
            Error(409, "conflictError", 0),
        ),
        case(
            "delete of an unpublished document",
            vec![draft()],
            delete(json!(["drafts.a"]), Value::Null),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "delete listing another document's draft",
            vec![published()],
            delete(json!(["drafts.b"]), Value::Null),
            Error(400, "validationError", 0),
        ),
        case(
            "replaceDraft replaces the whole draft",
            vec![published(), draft()],
            json!([{"actionType": "sanity.action.document.replaceDraft", "publishedId": "a",
                    "attributes": {"_id": "drafts.a", "_type": "post", "other": 1}}]),
            Docs(json!({"drafts.a": {"other": 1, "title": null}})),
        ),
        case(
            "replaceDraft creates the draft of a published document",
            vec![published()],
            json!([{"actionType": "sanity.action.document.replaceDraft", "publishedId": "a",
                    "attributes": {"_type": "post", "other": 1}}]),
            Docs(json!({"drafts.a": {"other": 1}})),
        ),
        case(
            "replaceDraft of nothing",
            vec![],
            json!([{"actionType": "sanity.action.document.replaceDraft", "publishedId": "a",
                    "attributes": {"_id": "drafts.a", "_type": "post"}}]),
            Error(409, "documentNotFoundError", 0),
        ),
    ]);
}

#[test]
fn versions() {
    let create_doc = json!([{"actionType": "sanity.action.document.version.create", "publishedId": "a",
        "document": {"_id": "versions.r1.a", "_type": "post", "title": "V"}}]);
    let create_from = |base: &str, target: &str, rev: Value| {
        json!([{"actionType": "sanity.action.document.version.create", "publishedId": "a",
                "baseId": base, "versionId": target, "ifBaseRevisionId": rev}])
    };
    let replace = |id: &str| json!([{"actionType": "sanity.action.document.version.replace", "document": {"_id": id, "_type": "post", "fresh": true}}]);
    let unpublish = |id: &str| json!([{"actionType": "sanity.action.document.version.unpublish", "versionId": id, "publishedId": "a"}]);
    check(vec![
        case(
            "version.create from a document",
            vec![active()],
            create_doc.clone(),
            Docs(json!({"versions.r1.a": {"title": "V", "_rev": TX}})),
        ),
        case(
            "version.create where the version exists",
            vec![active(), version()],
            create_doc.clone(),
            Error(409, "documentAlreadyExistsError", 0),
        ),
        case(
            "version.create in a scheduled release",
            vec![scheduled()],
            create_doc,
            Error(409, "conflictError", 0),
        ),
        case(
            "version.create copying the published document",
            vec![published(), active()],
            create_from("a", "versions.r1.a", json!("r-pub")),
            Docs(
                json!({"versions.r1.a": {"title": "Published", "body": "p", "_createdAt": "2025-01-01T00:00:00Z"}}),
            ),
        ),
        case(
            "version.create of a draft from published (Studio's first edit)",
            vec![published()],
            create_from("a", "drafts.a", Value::Null),
            Docs(json!({"drafts.a": {"title": "Published"}})),
        ),
        case(
            "version.create with a stale ifBaseRevisionId",
            vec![published()],
            create_from("a", "drafts.a", json!("stale")),
            Error(409, "documentRevisionMismatchError", 0),
        ),
        case(
            "version.create from a missing base",
            vec![],
            create_from("a", "drafts.a", Value::Null),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "a draft copied from a version drops the unpublish marker",
            vec![doc(
                "versions.r1.a",
                "v",
                json!({"_system": {"delete": true}, "t": 1}),
            )],
            create_from("versions.r1.a", "drafts.a", Value::Null),
            Docs(json!({"drafts.a": {"t": 1, "_system": null}})),
        ),
        case(
            "version.create with a base of another document",
            vec![published()],
            create_from("b", "drafts.a", Value::Null),
            Error(400, "validationError", 0),
        ),
        case(
            "version.create with a document of another id",
            vec![],
            json!([{"actionType": "sanity.action.document.version.create", "publishedId": "a",
                    "document": {"_id": "versions.r1.b", "_type": "post"}}]),
            Error(400, "validationError", 0),
        ),
        case(
            "version.replace",
            vec![version(), active()],
            replace("versions.r1.a"),
            Docs(
                json!({"versions.r1.a": {"fresh": true, "title": null, "_createdAt": "2025-01-01T00:00:00Z"}}),
            ),
        ),
        case(
            "version.replace of a draft",
            vec![draft()],
            replace("drafts.a"),
            Docs(json!({"drafts.a": {"fresh": true}})),
        ),
        case(
            "version.replace of nothing",
            vec![active()],
            replace("versions.r1.a"),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "version.replace of a published document",
            vec![published()],
            replace("a"),
            Error(400, "validationError", 0),
        ),
        case(
            "version.unpublish marks an existing version",
            vec![published(), version(), active()],
            unpublish("versions.r1.a"),
            Docs(
                json!({"versions.r1.a": {"_system": {"delete": true}, "title": "Version"}, "a": {"_rev": "r-pub"}}),
            ),
        ),
        case(
            "version.unpublish creates the marked version",
            vec![published(), active()],
            unpublish("versions.r1.a"),
            Docs(json!({"versions.r1.a": {"_system": {"delete": true}, "title": "Published"}})),
        ),
        case(
            "version.unpublish of an unpublished document",
            vec![active()],
            unpublish("versions.r1.a"),
            Error(409, "documentNotFoundError", 0),
        ),
        case(
            "version.unpublish of a draft",
            vec![published()],
            unpublish("drafts.a"),
            Error(400, "validationError", 0),
        ),
        case(
            "version.unpublish in a scheduled release",
            vec![published(), scheduled()],
            unpublish("versions.r1.a"),
            Error(409, "conflictError", 0),
        ),
    ]);
}
