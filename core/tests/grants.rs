//! Grants as a table: role × document × permission; then whole
//! transactions (create, edit, publish, delete) judged on their commits,
//! Studio's `/acl`, and who an anonymous caller is.

use std::collections::HashMap;

use qanat_core::document::Document;
use qanat_core::grants::{
    AclMode, GrantError, Grants, Identity, Permission, PermissionError, Role, Roles,
};
use qanat_core::groq::value::Value;
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};
use serde_json::{json, Value as Json};

/// A project with the built-in roles and two custom ones:
/// - `arabic`: edits Arabic posts only (reads everything);
/// - `own-drafts`: reads and writes drafts whose author is the caller.
fn roles(mode: AclMode) -> Roles {
    let mut roles = Roles::new().with_acl_mode(mode);
    for role in [
        json!({"name": "arabic", "title": "Arabic editor", "grants": [
            {"filter": "_id in path(\"**\")", "permissions": ["read"]},
            {"filter": "_type == \"post\" && lang == \"ar\"", "permissions": ["create", "update"]},
        ]}),
        json!({"name": "own-drafts", "grants": [
            {"filter": "_id in path(\"drafts.**\") && author._ref == identity()", "permissions": ["read", "create", "update", "history"]},
        ]}),
    ] {
        roles
            .add(Role::from_json(&role).expect("valid role"))
            .expect("new name");
    }
    roles
}

fn grants(roles: &Roles, identity: &Identity) -> Grants {
    roles.grants_for(identity).expect("known roles")
}

fn user(roles: &[&str]) -> Identity {
    Identity::user("user-1", roles.iter().copied())
}

/// Permissions as letters: r(ead) c(reate) u(pdate) h(istory) e(ditHistory).
fn letters(grants: &Grants, doc: &Value) -> String {
    [
        (Permission::Read, 'r'),
        (Permission::Create, 'c'),
        (Permission::Update, 'u'),
        (Permission::History, 'h'),
        (Permission::EditHistory, 'e'),
    ]
    .iter()
    .filter(|(p, _)| grants.allows(*p, doc))
    .map(|(_, l)| *l)
    .collect()
}

#[test]
fn role_by_document_by_permission() {
    let docs = [
        json!({"_id": "post-1", "_type": "post", "lang": "en"}),
        json!({"_id": "drafts.post-1", "_type": "post", "lang": "en"}),
        json!({"_id": "versions.r1.post-1", "_type": "post", "lang": "en"}),
        json!({"_id": "_.releases.r1", "_type": "system.release"}),
        json!({"_id": "post-ar", "_type": "post", "lang": "ar"}),
        json!({"_id": "drafts.mine", "_type": "post", "author": {"_ref": "user-1"}}),
        json!({"_id": "drafts.theirs", "_type": "post", "author": {"_ref": "user-2"}}),
    ];
    let private = roles(AclMode::Private);
    let public = roles(AclMode::Public);
    let anonymous = Identity::anonymous();
    // One row per identity; one column per document above.
    let table: Vec<(&str, Grants, [&str; 7])> = vec![
        (
            "administrator",
            grants(&private, &user(&["administrator"])),
            ["rcuhe"; 7],
        ),
        ("editor", grants(&private, &user(&["editor"])), ["rcuh"; 7]),
        (
            "developer",
            grants(&private, &user(&["developer"])),
            ["rcuh"; 7],
        ),
        (
            "contributor",
            grants(&private, &user(&["contributor"])),
            ["r", "rcuh", "rcuh", "r", "r", "rcuh", "rcuh"],
        ),
        ("viewer", grants(&private, &user(&["viewer"])), ["rh"; 7]),
        (
            "arabic",
            grants(&private, &user(&["arabic"])),
            ["r", "r", "r", "r", "rcu", "r", "r"],
        ),
        (
            "own-drafts",
            grants(&private, &user(&["own-drafts"])),
            ["", "", "", "", "", "rcuh", ""],
        ),
        (
            "viewer + arabic",
            grants(&private, &user(&["viewer", "arabic"])),
            ["rh", "rh", "rh", "rh", "rcuh", "rh", "rh"],
        ),
        ("no role", grants(&private, &user(&[])), [""; 7]),
        ("anonymous, private", grants(&private, &anonymous), [""; 7]),
        (
            "anonymous, public",
            grants(&public, &anonymous),
            ["r", "", "", "", "r", "", ""],
        ),
        (
            "anonymous claiming a role, public",
            grants(
                &public,
                &Identity {
                    roles: vec!["administrator".into()],
                    ..Identity::anonymous()
                },
            ),
            ["r", "", "", "", "r", "", ""],
        ),
        (
            "own-drafts, public",
            grants(&public, &user(&["own-drafts"])),
            ["r", "", "", "", "r", "rcuh", ""],
        ),
    ];
    for (who, grants, expected) in &table {
        for (doc, want) in docs.iter().zip(expected) {
            let got = letters(grants, &Value::from_json(doc));
            assert_eq!(&got, want, "{who} on {}", doc["_id"]);
        }
    }
}

#[test]
fn identity_is_what_identity_returns_in_filters() {
    let roles = roles(AclMode::Private);
    let mine = json!({"_id": "drafts.x", "_type": "post", "author": {"_ref": "user-2"}});
    let as_1 = grants(&roles, &Identity::user("user-1", ["own-drafts"]));
    let as_2 = grants(&roles, &Identity::user("user-2", ["own-drafts"]));
    assert!(!as_1.allows_json(Permission::Update, &mine));
    assert!(as_2.allows_json(Permission::Update, &mine));
    assert_eq!(as_2.identity(), "user-2");
}

#[test]
fn unknown_and_duplicate_roles_are_errors() {
    let mut roles = Roles::new();
    let err = roles
        .grants_for(&Identity::user("u", ["editor", "nosuch"]))
        .expect_err("nosuch is not defined");
    assert_eq!(
        err,
        GrantError::UnknownRole {
            role: "nosuch".into()
        }
    );
    assert_eq!(err.http_status(), 500);
    let again = Role::from_json(&json!({"name": "editor", "grants": []})).expect("valid");
    assert_eq!(
        roles.add(again),
        Err(GrantError::DuplicateRole {
            role: "editor".into()
        })
    );
}

// --- transactions -------------------------------------------------------

/// The stored documents before each transaction.
fn stored() -> HashMap<String, Document> {
    [
        json!({"_id": "post-1", "_type": "post", "lang": "en", "_rev": "r0"}),
        json!({"_id": "drafts.post-1", "_type": "post", "lang": "en", "title": "new", "_rev": "r0"}),
        json!({"_id": "post-ar", "_type": "post", "lang": "ar", "_rev": "r0"}),
        json!({"_id": "drafts.post-2", "_type": "post", "lang": "en", "_rev": "r0"}),
    ]
    .into_iter()
    .filter_map(Document::from_stored)
    .map(|d| (d.id().to_string(), d))
    .collect()
}

fn context() -> TransactionContext {
    TransactionContext {
        transaction_id: "tx1".into(),
        now: "2026-01-01T00:00:00Z".into(),
        identity: "user-1".into(),
        auto_generate_array_keys: false,
        seed: 7,
    }
}

/// `Ok`, or each denial as `(id, permission, mutation index)`.
type Verdict = Result<(), Vec<(String, &'static str, Option<usize>)>>;

/// Runs `mutations` as `roles` and judges the commit: `Ok` or the denials
/// as `(id, permission, index)`.
fn judge(role_names: &[&str], mutations: Json) -> Verdict {
    let roles = roles(AclMode::Private);
    let grants = grants(&roles, &user(role_names));
    let text = mutations.to_string();
    let mutations = parse_mutations(&mutations).expect("valid mutations");
    let ctx = context();
    // Ids core generated are named by what the mutation gave.
    let named = |id: String| match id.split_once('.') {
        _ if text.contains(&format!("\"{id}\"")) => id,
        Some((prefix, _)) => format!("{prefix}.<generated>"),
        None => "<generated>".to_string(),
    };
    let commit = apply_transaction(&mutations, &stored(), &ctx).expect("the transaction applies");
    grants.check_commit(&commit).map_err(|e| {
        e.locate(&mutations)
            .items
            .into_iter()
            .map(|d| (named(d.id), d.permission.as_str(), d.index))
            .collect()
    })
}

fn denied(list: &[(&str, &'static str, usize)]) -> Verdict {
    Err(list
        .iter()
        .map(|(id, p, i)| (id.to_string(), *p, Some(*i)))
        .collect())
}

#[test]
fn transactions_are_judged_on_before_and_after() {
    let publish = json!([
        {"createOrReplace": {"_id": "post-1", "_type": "post", "lang": "en", "title": "new"}},
        {"delete": {"id": "drafts.post-1"}},
    ]);
    let cases: Vec<(&str, &[&str], Json, Result<(), _>)> = vec![
        (
            "a contributor creates a draft",
            &["contributor"],
            json!([{"create": {"_id": "drafts.post-9", "_type": "post"}}]),
            Ok(()),
        ),
        (
            "a contributor edits a draft",
            &["contributor"],
            json!([{"patch": {"id": "drafts.post-1", "set": {"title": "x"}}}]),
            Ok(()),
        ),
        (
            "a contributor discards a draft",
            &["contributor"],
            json!([{"delete": {"id": "drafts.post-2"}}]),
            Ok(()),
        ),
        (
            "a contributor adds a document to a release",
            &["contributor"],
            json!([{"create": {"_id": "versions.r1.post-1", "_type": "post"}}]),
            Ok(()),
        ),
        (
            "a contributor cannot publish",
            &["contributor"],
            publish.clone(),
            denied(&[("post-1", "update", 0)]),
        ),
        (
            "a contributor cannot publish a new document",
            &["contributor"],
            json!([{"create": {"_id": "post-9", "_type": "post"}}]),
            denied(&[("post-9", "create", 0)]),
        ),
        (
            "a contributor cannot delete a published document",
            &["contributor"],
            json!([{"create": {"_id": "drafts.post-8", "_type": "post"}}, {"delete": {"id": "post-1"}}]),
            denied(&[("post-1", "update", 1)]),
        ),
        (
            "a contributor cannot create a release",
            &["contributor"],
            json!([{"create": {"_id": "_.releases.r2", "_type": "system.release"}}]),
            denied(&[("_.releases.r2", "create", 0)]),
        ),
        ("an editor publishes", &["editor"], publish.clone(), Ok(())),
        (
            "a viewer writes nothing",
            &["viewer"],
            json!([{"create": {"_id": "drafts.", "_type": "post"}}, {"patch": {"id": "post-ar", "set": {"a": 1}}}]),
            denied(&[
                ("drafts.<generated>", "create", 0),
                ("post-ar", "update", 1),
            ]),
        ),
        (
            "an Arabic editor edits an Arabic post",
            &["arabic"],
            json!([{"patch": {"id": "post-ar", "set": {"title": "x"}}}]),
            Ok(()),
        ),
        (
            "an Arabic editor cannot move a post out of Arabic",
            &["arabic"],
            json!([{"patch": {"id": "post-ar", "set": {"lang": "en"}}}]),
            denied(&[("post-ar", "update", 0)]),
        ),
        (
            "an Arabic editor cannot take over an English post",
            &["arabic"],
            json!([{"patch": {"id": "post-1", "set": {"lang": "ar"}}}]),
            denied(&[("post-1", "update", 0)]),
        ),
        (
            "an Arabic editor deletes an Arabic post",
            &["arabic"],
            json!([{"delete": {"id": "post-ar"}}]),
            Ok(()),
        ),
        (
            "a createIfNotExists that changes nothing needs nothing",
            &["viewer"],
            json!([{"createIfNotExists": {"_id": "post-1", "_type": "post"}}]),
            Ok(()),
        ),
    ];
    for (what, role_names, mutations, expected) in cases {
        assert_eq!(judge(role_names, mutations), expected, "{what}");
    }
}

#[test]
fn a_refusal_renders_sanitys_permission_error() {
    let roles = roles(AclMode::Private);
    let grants = grants(&roles, &user(&["contributor"]));
    let mutations = parse_mutations(&json!([
        {"patch": {"id": "drafts.post-1", "set": {"title": "x"}}},
        {"patch": {"id": "post-1", "set": {"title": "x"}}},
    ]))
    .expect("valid");
    let ctx = context();
    let commit = apply_transaction(&mutations, &stored(), &ctx).expect("applies");
    let err: PermissionError = grants
        .check_commit(&commit)
        .expect_err("post-1 is published")
        .locate(&mutations);
    assert_eq!(err.http_status(), 403);
    assert_eq!(
        err.to_json(),
        json!({"error": {
            "type": "mutationError",
            "description": "Mutation(s) failed with 1 error(s)",
            "items": [{
                "error": {
                    "type": "insufficientPermissionsError",
                    "description": "Insufficient permissions; permission \"update\" required",
                    "permission": "update",
                    "id": "post-1",
                },
                "index": 1,
            }],
        }})
    );
    assert_eq!(
        err.to_string(),
        "Mutation(s) failed with 1 error(s): Insufficient permissions; permission \"update\" required on document \"post-1\""
    );
}

// --- /acl ---------------------------------------------------------------

#[test]
fn acl_lists_each_filter_once_with_the_union_of_permissions() {
    let private = roles(AclMode::Private);
    let public = roles(AclMode::Public);
    let cases = vec![
        (
            grants(&private, &user(&["contributor"])),
            json!([
                {"filter": "_id in path(\"**\")", "permissions": ["read"]},
                {"filter": "_id in path(\"drafts.**\")", "permissions": ["create", "update", "history"]},
                {"filter": "_id in path(\"versions.**\")", "permissions": ["create", "update", "history"]},
            ]),
        ),
        (
            grants(&private, &user(&["administrator"])),
            json!([{"filter": "_id in path(\"**\")", "permissions": ["read", "create", "update", "history", "editHistory"]}]),
        ),
        (
            grants(&private, &user(&["viewer", "arabic", "viewer"])),
            json!([
                {"filter": "_id in path(\"**\")", "permissions": ["read", "history"]},
                {"filter": "_type == \"post\" && lang == \"ar\"", "permissions": ["create", "update"]},
            ]),
        ),
        (grants(&private, &Identity::anonymous()), json!([])),
        (
            grants(&public, &Identity::anonymous()),
            json!([{"filter": "_id in path(\"*\")", "permissions": ["read"]}]),
        ),
    ];
    for (grants, expected) in cases {
        assert_eq!(grants.acl_json(), expected);
    }
}

#[test]
fn the_read_filter_as_groq_selects_exactly_the_readable_documents() {
    let docs = vec![
        json!({"_id": "post-1", "_type": "post", "lang": "en", "author": {"_ref": "user-1"}}),
        json!({"_id": "drafts.post-1", "_type": "post", "author": {"_ref": "user-1"}}),
        json!({"_id": "drafts.post-2", "_type": "post", "author": {"_ref": "user-2"}}),
        json!({"_id": "versions.r.post-1", "_type": "post"}),
        json!({"_id": "_.releases.r", "_type": "system.release"}),
    ];
    let public = roles(AclMode::Public);
    let private = roles(AclMode::Private);
    let cases = [
        (
            grants(&public, &user(&["own-drafts"])),
            "(_id in path(\"drafts.**\") && author._ref == identity()) || (_id in path(\"*\"))",
        ),
        (
            grants(&private, &user(&["contributor"])),
            "(_id in path(\"**\"))",
        ),
        (grants(&private, &user(&[])), "false"),
    ];
    for (grants, text) in cases {
        assert_eq!(grants.read_filter(), text);
        let options = qanat_core::groq::QueryOptions {
            identity: Some(grants.identity().to_string()),
            ..Default::default()
        };
        let by_groq = qanat_core::groq::evaluate_json(&format!("*[{text}]._id"), &docs, &options)
            .expect("the read filter is GROQ");
        let by_grants: Vec<Json> = docs
            .iter()
            .filter(|d| grants.allows_json(Permission::Read, d))
            .map(|d| d["_id"].clone())
            .collect();
        assert_eq!(by_groq, json!(by_grants), "{text}");
    }
    assert_eq!(
        grants(&private, &user(&["contributor"])).filter_for(Permission::Update),
        "(_id in path(\"drafts.**\")) || (_id in path(\"versions.**\"))"
    );
}

#[test]
fn grants_can_be_shared_across_threads() {
    fn shared<T: Send + Sync + Clone>() {}
    shared::<Grants>();
    shared::<Roles>();
}
