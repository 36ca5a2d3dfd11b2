//! Two `qanat serve` processes on one PostgreSQL database: a listener on one
//! gets every commit made through either, once each, in log order.

mod process;

use std::time::{Duration, Instant};

use process::{admin_token, listen, mutate, Node, Scratch};
use serde_json::{json, Value as Json};

#[test]
fn a_listener_on_one_node_gets_every_commit_made_through_either() {
    let scratch = Scratch::new("cluster");
    let token_dir = std::env::temp_dir().join(format!("qanat-cluster-{}", std::process::id()));
    let token = admin_token(&token_dir, Some(&scratch.url));
    let _ = std::fs::remove_dir_all(&token_dir);

    let a = Node::start(&token_dir, Some(&scratch.url));
    let b = Node::start(&token_dir, Some(&scratch.url));
    let events = listen(b.addr, &token, "*%5B_type%3D%3D%22counter%22%5D", None);
    assert_eq!(
        events
            .recv_timeout(Duration::from_secs(10))
            .ok()
            .map(|e| e["event"].clone()),
        Some(json!("welcome"))
    );

    const WRITES: usize = 50;
    let mut acknowledged = Vec::new();
    for i in 0..WRITES {
        // The last few go to node A alone: node B's own commits also bring
        // the log up to date, so only those show that notifications do.
        let node = if i % 2 == 0 || i + 5 >= WRITES {
            &a
        } else {
            &b
        };
        let mutation = if i == 0 {
            json!([{"create": {"_id": "counter-1", "_type": "counter", "n": 0}}])
        } else {
            // Every other write also touches a second document, in one transaction.
            json!([
                {"patch": {"id": "counter-1", "inc": {"n": 1}}},
                {"createOrReplace": {"_id": format!("counter-{}", 2 + i % 2), "_type": "counter", "i": i}}
            ])
        };
        acknowledged.push(mutate(node.addr, &token, mutation).expect("acknowledged"));
    }

    let mut received: Vec<Json> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.len() < 2 * WRITES - 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) if event["event"] == "mutation" => received.push(event["data"].clone()),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    // Anything more would be a commit announced twice.
    while let Ok(event) = events.recv_timeout(Duration::from_millis(500)) {
        if event["event"] == "mutation" {
            received.push(event["data"].clone());
        }
    }

    // One event per document a transaction changed, transactions in the
    // order they were acknowledged.
    let transactions: Vec<&str> = received
        .iter()
        .map(|e| e["transactionId"].as_str().unwrap_or(""))
        .collect();
    let mut expected: Vec<&str> = Vec::new();
    for (i, id) in acknowledged.iter().enumerate() {
        expected.push(id);
        if i > 0 {
            expected.push(id);
        }
    }
    assert_eq!(transactions, expected);

    // Each document's revisions chain, with none missing.
    for id in ["counter-1", "counter-2", "counter-3"] {
        let mut rev: Option<String> = None;
        for event in received.iter().filter(|e| e["documentId"] == id) {
            assert_eq!(
                event["previousRev"].as_str().map(str::to_owned),
                rev,
                "{id}: {event}"
            );
            rev = event["resultRev"].as_str().map(str::to_owned);
        }
    }
    drop((a, b));
}
