//! Real GROQ queries under grants: a document the caller cannot read is
//! never returned, counted, dereferenced or found by `references()`, under
//! the raw and the drafts perspective, both through a store
//! ([`ReadableStore`]) and over an in-memory dataset
//! ([`Grants::readable_dataset`]).

use std::convert::Infallible;
use std::sync::Arc;

use qanat_core::grants::{AclMode, Grants, Identity, ReadableStore, Role, Roles};
use qanat_core::groq::plan::Predicate;
use qanat_core::groq::store::{query, Store};
use qanat_core::groq::value::Value;
use qanat_core::groq::{evaluate_in, Dataset, QueryOptions};
use serde_json::{json, Value as Json};

/// Stored documents, ordered by `_id` as a store scans them.
fn documents() -> Vec<Json> {
    let mut docs = vec![
        json!({"_id": "author-1", "_type": "author", "name": "Amal"}),
        json!({"_id": "author-2", "_type": "author", "name": "Basil", "hidden": true}),
        json!({"_id": "drafts.post-1", "_type": "post", "title": "One (draft)", "author": {"_ref": "author-1"}}),
        json!({"_id": "drafts.post-3", "_type": "post", "title": "Three (new)", "author": {"_ref": "author-2"}}),
        json!({"_id": "post-1", "_type": "post", "title": "One", "author": {"_ref": "author-1"}}),
        json!({"_id": "post-2", "_type": "post", "title": "Two", "author": {"_ref": "author-2"}}),
        json!({"_id": "secret", "_type": "memo", "title": "Secret", "about": {"_ref": "author-1"}}),
    ];
    docs.sort_by(|a, b| a["_id"].as_str().cmp(&b["_id"].as_str()));
    docs
}

/// `reader`: published posts and visible authors. `drafter`: the same,
/// drafts included. `administrator`: everything.
fn grants_of(role: &str) -> Grants {
    let mut roles = Roles::new().with_acl_mode(AclMode::Private);
    let visible = r#"_type in ["post", "author"] && hidden != true"#;
    for role in [
        json!({"name": "reader", "grants": [
            {"filter": format!(r#"{visible} && !(_id in path("drafts.**"))"#), "permissions": ["read"]},
        ]}),
        json!({"name": "drafter", "grants": [
            {"filter": visible, "permissions": ["read"]},
        ]}),
    ] {
        roles
            .add(Role::from_json(&role).expect("valid"))
            .expect("new");
    }
    roles
        .grants_for(&Identity::user("u", [role]))
        .expect("known role")
}

/// An in-memory store: answers scans with the pushed-down predicate (as a
/// database would) and lookups by id.
struct Memory(Vec<Value>);

impl Store for Memory {
    type Error = Infallible;

    async fn scan(&self, filter: Option<&Predicate>) -> Result<Vec<Value>, Infallible> {
        let matcher = filter.map(Predicate::matcher);
        Ok(self
            .0
            .iter()
            .filter(|d| matcher.as_ref().is_none_or(|m| m.matches(d) == Some(true)))
            .cloned()
            .collect())
    }

    async fn get(&self, ids: &[Arc<str>]) -> Result<Vec<Value>, Infallible> {
        Ok(self
            .0
            .iter()
            .filter(|d| {
                d.get_str("_id")
                    .is_some_and(|id| ids.iter().any(|i| &**i == id))
            })
            .cloned()
            .collect())
    }
}

/// Drives a future that never waits (the memory store answers at once).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Runs `q` as `role` both ways and checks they agree; returns the result.
fn run(role: &str, q: &str, perspective: &str) -> Json {
    let grants = grants_of(role);
    let options = QueryOptions {
        perspective: Some(perspective.to_string()),
        ..QueryOptions::default()
    };
    let docs = documents();
    let store = Memory(docs.iter().map(Value::from_json).collect());
    let through_store = block_on(query(&ReadableStore::new(&store, &grants), q, &options))
        .unwrap_or_else(|e| panic!("{q}: {e:?}"))
        .to_json();
    let dataset = Arc::new(Dataset::from_json(&docs));
    let in_memory = evaluate_in(q, &grants.readable_dataset(&dataset), &options)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .to_json();
    assert_eq!(through_store, in_memory, "{role} {perspective}: {q}");
    through_store
}

#[test]
fn queries_see_only_readable_documents() {
    // (role, perspective, query, expected)
    let cases = [
        (
            "administrator",
            "raw",
            "*._id",
            json!([
                "author-1",
                "author-2",
                "drafts.post-1",
                "drafts.post-3",
                "post-1",
                "post-2",
                "secret"
            ]),
        ),
        (
            "reader",
            "raw",
            "*._id",
            json!(["author-1", "post-1", "post-2"]),
        ),
        (
            "drafter",
            "raw",
            "*._id",
            json!([
                "author-1",
                "drafts.post-1",
                "drafts.post-3",
                "post-1",
                "post-2"
            ]),
        ),
        ("administrator", "raw", "count(*)", json!(7)),
        ("reader", "raw", "count(*)", json!(3)),
        ("reader", "raw", r#"count(*[_type == "post"])"#, json!(2)),
        (
            "administrator",
            "raw",
            r#"*[_id == "secret"].title"#,
            json!(["Secret"]),
        ),
        ("reader", "raw", r#"*[_id == "secret"]"#, json!([])),
        ("reader", "raw", r#"documents::get("secret")"#, json!(null)),
        (
            "reader",
            "raw",
            r#"*[_type == "post"]{_id, "author": author->name}"#,
            json!([{"_id": "post-1", "author": "Amal"}, {"_id": "post-2", "author": null}]),
        ),
        (
            "administrator",
            "raw",
            r#"*[_type == "post"]{_id, author->}"#,
            json!([
                {"_id": "drafts.post-1", "author": {"_id": "author-1", "_type": "author", "name": "Amal"}},
                {"_id": "drafts.post-3", "author": {"_id": "author-2", "_type": "author", "name": "Basil", "hidden": true}},
                {"_id": "post-1", "author": {"_id": "author-1", "_type": "author", "name": "Amal"}},
                {"_id": "post-2", "author": {"_id": "author-2", "_type": "author", "name": "Basil", "hidden": true}},
            ]),
        ),
        (
            "reader",
            "raw",
            r#"*[_type == "post"]{_id, author->}"#,
            json!([
                {"_id": "post-1", "author": {"_id": "author-1", "_type": "author", "name": "Amal"}},
                {"_id": "post-2", "author": null},
            ]),
        ),
        (
            "administrator",
            "raw",
            r#"*[references("author-1")]._id"#,
            json!(["drafts.post-1", "post-1", "secret"]),
        ),
        (
            "reader",
            "raw",
            r#"*[references("author-1")]._id"#,
            json!(["post-1"]),
        ),
        (
            "reader",
            "raw",
            r#"*[references("author-2")]._id"#,
            json!(["post-2"]),
        ),
        (
            "reader",
            "raw",
            r#"*[_type == "author" && count(*[references(^._id)]) > 0].name"#,
            json!(["Amal"]),
        ),
        // Drafts perspective: the overlay is built from readable documents
        // only, so a reader sees the published copy and no draft-only post.
        (
            "reader",
            "drafts",
            r#"*[_type == "post"]{_id, title, _originalId}"#,
            json!([
                {"_id": "post-1", "title": "One", "_originalId": null},
                {"_id": "post-2", "title": "Two", "_originalId": null},
            ]),
        ),
        (
            "drafter",
            "drafts",
            r#"*[_type == "post"]{_id, title, _originalId}"#,
            json!([
                {"_id": "post-1", "title": "One (draft)", "_originalId": "drafts.post-1"},
                {"_id": "post-3", "title": "Three (new)", "_originalId": "drafts.post-3"},
                {"_id": "post-2", "title": "Two", "_originalId": null},
            ]),
        ),
        ("reader", "drafts", r#"*[_id == "post-3"]"#, json!([])),
        ("drafter", "drafts", r#"count(*)"#, json!(4)),
        ("reader", "drafts", r#"*[_id == "secret"]"#, json!([])),
        (
            "drafter",
            "drafts",
            r#"*[_type == "post"]{_id, "author": author->name}"#,
            json!([
                {"_id": "post-1", "author": "Amal"},
                {"_id": "post-3", "author": null},
                {"_id": "post-2", "author": null},
            ]),
        ),
        (
            "drafter",
            "drafts",
            r#"*[references("author-1")]._id"#,
            json!(["post-1"]),
        ),
        (
            "reader",
            "published",
            "*._id",
            json!(["author-1", "post-1", "post-2"]),
        ),
    ];
    for (role, perspective, q, expected) in cases {
        assert_eq!(
            run(role, q, perspective),
            expected,
            "{role} {perspective}: {q}"
        );
    }
}

#[test]
fn a_fully_readable_dataset_is_shared_not_copied() {
    let dataset = Arc::new(Dataset::from_json(&documents()));
    let admin = grants_of("administrator");
    assert!(Arc::ptr_eq(&admin.readable_dataset(&dataset), &dataset));
    let reader = grants_of("reader");
    assert_eq!(reader.readable_dataset(&dataset).documents().len(), 3);
}
