//! `qanat serve` killed with SIGKILL in the middle of acknowledged writes:
//! after a restart every acknowledged transaction is there, none is half
//! there, and a listener resuming from its last event gets the ones it missed.

mod process;

use std::{path::Path, sync::mpsc, thread, time::Duration};

use process::{admin_token, listen, mutate, query, Node, Scratch};
use serde_json::{json, Value as Json};

const PAIRS: &str = "*%5B_type%3D%3D%22pair%22%5D";

fn crash_and_resume(data_dir: &Path, url: Option<&str>) {
    let token = admin_token(data_dir, url);

    let node = Node::start(data_dir, url);
    let addr = node.addr;
    let events = listen(addr, &token, PAIRS, None);
    let welcome = events.recv_timeout(Duration::from_secs(10)).ok();
    assert_eq!(welcome.map(|e| e["event"].clone()), Some(json!("welcome")));

    // Each transaction writes two documents; the writer goes on until the
    // server is gone.
    let (acks, acknowledged) = mpsc::channel();
    let writer = {
        let token = token.clone();
        thread::spawn(move || {
            for i in 0.. {
                let pair = json!([
                    {"createOrReplace": {"_id": format!("pair-{i}-a"), "_type": "pair", "i": i}},
                    {"createOrReplace": {"_id": format!("pair-{i}-b"), "_type": "pair", "i": i}}
                ]);
                match mutate(addr, &token, pair) {
                    Some(tx) => {
                        if acks.send((i, tx)).is_err() {
                            return;
                        }
                    }
                    None => return,
                }
            }
        })
    };
    let mut acked: Vec<(i64, String)> = Vec::new();
    for _ in 0..20 {
        let ack = acknowledged
            .recv_timeout(Duration::from_secs(30))
            .expect("20 acknowledged writes");
        acked.push(ack);
    }
    drop(node);
    let _ = writer.join();
    acked.extend(acknowledged.try_iter());
    thread::sleep(Duration::from_millis(200));
    let seen: Vec<Json> = events
        .try_iter()
        .filter(|e| e["event"] == "mutation")
        .collect();
    assert!(
        seen.len() >= 4,
        "the listener got too few events before the kill"
    );
    // Resume from halfway, as a listener whose connection dropped there: the
    // events after it, and any the kill cut off, must come from the log.
    let seen = &seen[..=seen.len() / 2];
    let last_id = seen
        .last()
        .and_then(|e| e["id"].as_str())
        .expect("an event id")
        .to_owned();

    let node = Node::start(data_dir, url);
    let ids = query(node.addr, &token, &format!("{PAIRS}._id"));
    let ids: Vec<&str> = ids
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    for (i, tx) in &acked {
        for side in ["a", "b"] {
            let id = format!("pair-{i}-{side}");
            assert!(ids.contains(&id.as_str()), "acknowledged {tx} lost {id}");
        }
    }
    let max = ids.len() as i64 + 1;
    for i in 0..=max {
        let (a, b) = (format!("pair-{i}-a"), format!("pair-{i}-b"));
        assert_eq!(
            ids.contains(&a.as_str()),
            ids.contains(&b.as_str()),
            "transaction {i} is half there: {ids:?}"
        );
    }

    // Resuming after the last event seen brings every later transaction,
    // and none seen already.
    let resumed = listen(node.addr, &token, PAIRS, Some(&last_id));
    let mut missed: Vec<Json> = Vec::new();
    while let Ok(event) = resumed.recv_timeout(Duration::from_secs(2)) {
        assert_ne!(event["event"], "reset", "the listener was told to refetch");
        if event["event"] == "mutation" {
            missed.push(event);
        }
    }
    let transaction = |e: &Json| e["data"]["transactionId"].as_str().unwrap_or("").to_owned();
    let before: Vec<String> = seen.iter().map(transaction).collect();
    let after: Vec<String> = missed.iter().map(transaction).collect();
    assert!(!after.is_empty(), "resuming brought nothing");
    for tx in &after {
        assert!(!before.contains(tx), "{tx} was sent again after resuming");
    }
    for (i, tx) in &acked {
        assert!(
            before.contains(tx) || after.contains(tx),
            "acknowledged transaction {i} ({tx}) never reached the listener"
        );
    }
    drop(node);
}

#[test]
fn sigkill_loses_no_acknowledged_write_on_sqlite() {
    let data_dir = std::env::temp_dir().join(format!("qanat-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    crash_and_resume(&data_dir, None);
    let _ = std::fs::remove_dir_all(&data_dir);
}

#[test]
fn sigkill_loses_no_acknowledged_write_on_postgres() {
    let scratch = Scratch::new("crash");
    let data_dir = std::env::temp_dir().join(format!("qanat-crash-pg-{}", std::process::id()));
    crash_and_resume(&data_dir, Some(&scratch.url));
    let _ = std::fs::remove_dir_all(&data_dir);
}
