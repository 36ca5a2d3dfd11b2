//! Listener events: which a listener receives for real commits (made by
//! core's own transaction engine), with every option, and the ordering
//! guarantees Studio relies on.

use std::collections::HashMap;

use qanat_core::document::Document;
use qanat_core::grants::{Grants, Identity, Role, Roles};
use qanat_core::listen::{
    transaction_of_event_id, ListenRequest, Listener, ListenerEvent, PreparedCommit,
    ServerSentEvent, Transition,
};
use qanat_core::mutation::{apply_transaction, parse_mutations, TransactionContext};
use serde_json::{json, Value};

/// A dataset that commits transactions through core and remembers them.
#[derive(Default)]
struct Lake {
    docs: HashMap<String, Document>,
    count: u64,
}

impl Lake {
    fn commit(&mut self, mutations: Value) -> PreparedCommit {
        self.try_commit(mutations).expect("transaction commits")
    }

    /// `None` when the transaction fails (nothing is written).
    fn try_commit(&mut self, mutations: Value) -> Option<PreparedCommit> {
        self.count += 1;
        let ctx = TransactionContext {
            transaction_id: format!("tx{}", self.count),
            now: format!("2026-11-22T10:00:{:02}Z", self.count % 60),
            identity: "p-editor".into(),
            auto_generate_array_keys: false,
            seed: self.count,
        };
        let parsed = parse_mutations(&mutations).expect("mutations parse");
        let commit = apply_transaction(&parsed, &self.docs, &ctx).ok()?;
        for change in &commit.changes {
            match &change.after {
                Some(doc) => self.docs.insert(change.id.clone(), doc.clone()),
                None => self.docs.remove(&change.id),
            };
        }
        let list = mutations.as_array().cloned().unwrap_or_default();
        Some(PreparedCommit::new(&commit, &list))
    }
}

fn listener(pairs: &[(&str, &str)]) -> Listener {
    let request = ListenRequest::from_query_pairs(pairs.iter().copied(), "v2025-02-19")
        .expect("request parses");
    Listener::new(&request, "p-viewer").expect("listener compiles")
}

/// Grants of a user with one role (a built-in one, or `role` added first).
fn grants(role_name: &str, role: Option<Value>) -> Grants {
    let mut roles = Roles::new();
    if let Some(role) = role {
        roles
            .add(Role::from_json(&role).expect("role parses"))
            .expect("role added");
    }
    roles
        .grants_for(&Identity::user("p-viewer", [role_name]))
        .expect("grants")
}

fn events(l: &Listener, c: &PreparedCommit) -> Vec<ListenerEvent> {
    l.events(c, &grants("administrator", None))
}

#[test]
fn a_document_appears_updates_and_disappears() {
    let mut lake = Lake::default();
    let l = listener(&[
        ("query", "*[_type == $t && n > 1]"),
        ("$t", "\"post\""),
        ("includePreviousRevision", "true"),
    ]);
    let steps = [
        // (mutations, transition expected, or None for no event)
        (
            json!([{"create": {"_id": "p", "_type": "post", "n": 1}}]),
            None,
        ),
        (
            json!([{"patch": {"id": "p", "set": {"n": 2}}}]),
            Some(Transition::Appear),
        ),
        (
            json!([{"patch": {"id": "p", "inc": {"n": 1}}}]),
            Some(Transition::Update),
        ),
        (
            json!([{"patch": {"id": "p", "set": {"n": 0}}}]),
            Some(Transition::Disappear),
        ),
        (json!([{"patch": {"id": "p", "set": {"n": -1}}}]), None),
        (
            json!([{"patch": {"id": "p", "set": {"n": 5}}}]),
            Some(Transition::Appear),
        ),
        (
            json!([{"delete": {"id": "p"}}]),
            Some(Transition::Disappear),
        ),
    ];
    for (i, (mutations, want)) in steps.into_iter().enumerate() {
        let before = lake.docs.get("p").map(Document::to_value);
        let commit = lake.commit(mutations.clone());
        let after = lake.docs.get("p").map(Document::to_value);
        let got = events(&l, &commit);
        assert_eq!(got.first().map(|e| e.transition), want, "step {i}");
        let Some(e) = got.first() else { continue };
        assert_eq!(got.len(), 1);
        assert_eq!(e.event_id, format!("{}#p", commit.transaction_id));
        assert_eq!(e.document_id, "p");
        assert_eq!(e.identity, "p-editor");
        assert_eq!(e.timestamp, commit.timestamp);
        assert_eq!(e.mutations.as_deref(), Some(&vec![mutations[0].clone()]));
        assert_eq!(e.result.as_deref(), after.as_ref());
        assert_eq!(
            e.previous.as_deref(),
            Some(&before.clone().unwrap_or(Value::Null))
        );
        let rev = |d: &Option<Value>| {
            d.as_ref()
                .and_then(|d| d["_rev"].as_str().map(String::from))
        };
        assert_eq!(e.previous_rev, rev(&before));
        assert_eq!(e.result_rev, rev(&after));
        assert_eq!(
            (e.transaction_current_event, e.transaction_total_events),
            (1, 1)
        );
        // Not asked for.
        assert!(e.effects.is_none());
    }
}

#[test]
fn options_choose_what_an_event_carries() {
    let mut lake = Lake::default();
    let commit = lake.commit(json!([{"create": {"_id": "a", "_type": "post", "title": "سلام"}}]));
    let bare = listener(&[
        ("query", "*"),
        ("includeResult", "false"),
        ("includeMutations", "false"),
        ("visibility", "query"),
    ]);
    let e = &events(&bare, &commit)[0];
    assert!(e.result.is_none() && e.mutations.is_none() && e.previous.is_none());
    assert!(e.effects.is_none());
    let json = serde_json::to_value(e).expect("serializes");
    assert_eq!(json["visibility"], "query");
    assert_eq!(json["transition"], "appear");
    for absent in ["result", "mutations", "previous", "effects", "previousRev"] {
        assert!(json.get(absent).is_none(), "{absent} in {json}");
    }

    let full = listener(&[("query", "*"), ("effectFormat", "mendoza")]);
    let e = &events(&full, &commit)[0];
    let json = serde_json::to_value(e).expect("serializes");
    assert_eq!(json["visibility"], "transaction");
    assert_eq!(json["result"]["title"], "سلام");
    assert_eq!(json["resultRev"], commit.transaction_id);
    let effects = e.effects.as_ref().expect("effects asked for");
    // A new document: apply builds it from nothing, revert removes it.
    assert_eq!(
        qanat_core::mendoza::apply(&Value::Null, &effects.apply).expect("applies"),
        json["result"]
    );
    assert_eq!(
        qanat_core::mendoza::apply(&json["result"], &effects.revert).expect("reverts"),
        Value::Null
    );
    for key in [
        "eventId",
        "documentId",
        "transactionId",
        "identity",
        "mutations",
        "resultRev",
        "result",
        "effects",
        "timestamp",
        "transition",
        "visibility",
        "transactionTotalEvents",
        "transactionCurrentEvent",
    ] {
        assert!(json.get(key).is_some(), "{key} missing from {json}");
    }
}

#[test]
fn drafts_and_versions_reach_only_listeners_that_ask() {
    let mut lake = Lake::default();
    let commit = lake.commit(json!([
        {"create": {"_id": "a", "_type": "post"}},
        {"create": {"_id": "drafts.a", "_type": "post"}},
        {"create": {"_id": "versions.r1.a", "_type": "post"}},
        {"create": {"_id": "_.releases.r1", "_type": "system.release"}},
    ]));
    let ids = |l: &Listener| -> Vec<String> {
        events(l, &commit)
            .into_iter()
            .map(|e| e.document_id)
            .collect()
    };
    let current = listener(&[("query", "*")]);
    assert_eq!(ids(&current), ["a", "_.releases.r1"]);
    let all = listener(&[("query", "*"), ("includeAllVersions", "true")]);
    assert_eq!(
        ids(&all),
        ["a", "drafts.a", "versions.r1.a", "_.releases.r1"]
    );
    let old = Listener::new(
        &ListenRequest::from_query_pairs([("query", "*")], "v2021-06-07").expect("parses"),
        "p-viewer",
    )
    .expect("compiles");
    assert_eq!(ids(&old), ["a", "drafts.a", "_.releases.r1"]);
}

#[test]
fn counters_count_the_events_this_listener_receives() {
    let mut lake = Lake::default();
    let commit = lake.commit(json!([
        {"create": {"_id": "a", "_type": "post"}},
        {"create": {"_id": "b", "_type": "author"}},
        {"create": {"_id": "c", "_type": "post"}},
    ]));
    let posts = listener(&[("query", "*[_type == \"post\"]")]);
    let got: Vec<(String, usize, usize)> = events(&posts, &commit)
        .into_iter()
        .map(|e| {
            (
                e.document_id,
                e.transaction_current_event,
                e.transaction_total_events,
            )
        })
        .collect();
    assert_eq!(got, [("a".into(), 1, 2), ("c".into(), 2, 2)]);
    // Each event carries only its own document's mutations.
    let e = &events(&posts, &commit)[1];
    assert_eq!(e.mutations.as_ref().map(|m| m.len()), Some(1));
    assert_eq!(
        e.mutations.as_ref().map(|m| m[0]["create"]["_id"].clone()),
        Some(json!("c"))
    );
}

#[test]
fn documents_the_listener_cannot_read_are_absent() {
    let mut lake = Lake::default();
    let l = listener(&[("query", "*"), ("effectFormat", "mendoza")]);
    let secret_hidden = grants(
        "no-secrets",
        Some(json!({"name": "no-secrets", "grants": [
            {"filter": "secret != true", "permissions": ["read"]}
        ]})),
    );

    let c = lake.commit(json!([{"create": {"_id": "a", "_type": "post", "secret": true}}]));
    assert!(
        l.events(&c, &secret_hidden).is_empty(),
        "never readable: no event"
    );

    let c = lake.commit(json!([{"patch": {"id": "a", "set": {"secret": false}}}]));
    let e = &l.events(&c, &secret_hidden)[0];
    assert_eq!(e.transition, Transition::Appear);
    assert_eq!(e.previous_rev, None, "the unreadable state is not revealed");
    let effects = e.effects.as_ref().expect("effects");
    assert_eq!(effects.revert, json!([0, null]));

    let c = lake.commit(json!([{"patch": {"id": "a", "set": {"secret": true, "body": "hidden"}}}]));
    let e = &l.events(&c, &secret_hidden)[0];
    assert_eq!(e.transition, Transition::Disappear);
    assert!(e.result.is_none() && e.result_rev.is_none());
    let text = serde_json::to_string(e).expect("serializes");
    assert!(!text.contains("hidden"), "content leaked: {text}");
}

#[test]
fn events_are_written_as_server_sent_events() {
    let mut lake = Lake::default();
    let commit = lake.commit(json!([{"create": {"_id": "a", "_type": "post", "t": "a\nb"}}]));
    let e = &events(&listener(&[("query", "*")]), &commit)[0];
    let text = ServerSentEvent::Mutation(e).to_text();
    let lines: Vec<&str> = text.trim_end().split('\n').collect();
    assert_eq!(lines[0], format!("id: {}#a", commit.transaction_id));
    assert_eq!(lines[1], "event: mutation");
    let data: Value = serde_json::from_str(lines[2].trim_start_matches("data: ")).expect("json");
    assert_eq!(data["result"]["t"], "a\nb");
    assert!(text.ends_with("\n\n") && lines.len() == 3);
    assert_eq!(
        ServerSentEvent::Welcome {
            listener_name: "L1"
        }
        .to_text(),
        "event: welcome\ndata: {\"listenerName\":\"L1\"}\n\n"
    );
    assert_eq!(
        transaction_of_event_id(&e.event_id),
        Some(commit.transaction_id.as_str())
    );
    assert_eq!(transaction_of_event_id("no-hash"), None);
}

/// Deterministic pseudo-random numbers for the property test.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Random transactions over a few documents: each listener sees each
/// document's events in commit order, chained by revision.
#[test]
fn every_event_follows_the_one_before_for_its_document() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut lake = Lake::default();
    let by_id = listener(&[("query", "*[_id in [\"d0\", \"d1\", \"d2\"]]")]);
    let all = listener(&[("query", "*"), ("effectFormat", "mendoza")]);
    let content = listener(&[("query", "*[n > 2]")]);
    let mut seen: HashMap<(usize, String), Vec<ListenerEvent>> = HashMap::new();
    for _ in 0..400 {
        let mut mutations = Vec::new();
        for _ in 0..=rng.below(3) {
            let id = format!("d{}", rng.below(4));
            let n = rng.below(6);
            mutations.push(match rng.below(4) {
                0 => json!({"createOrReplace": {"_id": id, "_type": "t", "n": n}}),
                1 => json!({"createIfNotExists": {"_id": id, "_type": "t", "n": n}}),
                2 => json!({"delete": {"id": id}}),
                _ if lake.docs.contains_key(&id) => json!({"patch": {"id": id, "set": {"n": n}}}),
                _ => json!({"createOrReplace": {"_id": id, "_type": "t"}}),
            });
        }
        // A patch after a delete in the same transaction fails it whole.
        let Some(commit) = lake.try_commit(Value::Array(mutations)) else {
            continue;
        };
        for (i, l) in [&by_id, &all, &content].into_iter().enumerate() {
            for e in events(l, &commit) {
                seen.entry((i, e.document_id.clone())).or_default().push(e);
            }
        }
    }
    assert!(
        seen.len() >= 9,
        "the run exercised every listener: {}",
        seen.len()
    );
    for ((listener, id), list) in &seen {
        for pair in list.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let order = |e: &ListenerEvent| e.transaction_id[2..].parse::<u64>().unwrap_or(0);
            assert!(order(a) < order(b), "{id}: out of commit order");
            // A content filter can lose sight of a document between a
            // disappear and the next appear; otherwise the chain is unbroken.
            if listener == &2 && b.transition == Transition::Appear {
                continue;
            }
            assert_eq!(
                b.previous_rev, a.result_rev,
                "listener {listener}, {id}: {} after {}",
                b.event_id, a.event_id
            );
        }
        if *listener == 1 {
            // Applying each event's effects to the previous result yields this one.
            let mut doc = Value::Null;
            for e in list {
                doc = qanat_core::mendoza::apply(&doc, &e.effects.as_ref().expect("effects").apply)
                    .expect("effects apply");
                assert_eq!(
                    Some(&doc),
                    e.result.as_deref().or(Some(&Value::Null)),
                    "{}",
                    e.event_id
                );
            }
        }
    }
}
