//! Listener fan-out: many SSE clients of `/data/listen` on one node, and the
//! time from a commit's acknowledgement to the last of them receiving its
//! event.
//!
//! The server is the real router on a loopback port; each listener is a
//! plain TCP client that asks in HTTP/1.0, so the event stream arrives as
//! it is written (no chunk framing to undo) and is searched for each
//! transaction's id.

use std::sync::Arc;
use std::time::{Duration, Instant};

use qanat_core::grants::Grants;
use qanat_host::cli::{StoreArgs, TokenCreateArgs};
use qanat_host::serve::AppState;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::data::{write, DATASET};
use crate::stats::{ms, percentile};

/// `*[_type == "fanout"]`, URL-encoded.
const LISTEN: &str = "/v2021-06-07/data/listen/bench?query=*%5B_type%20%3D%3D%20%22fanout%22%5D";
/// How long any one event may take to reach every listener.
const PATIENCE: Duration = Duration::from_secs(30);

fn transaction_id(round: usize) -> String {
    format!("fanout-{round:06}")
}

pub async fn run(state: &Arc<AppState>, grants: &Grants, listeners: usize, rounds: usize) {
    let token = admin_token(state).await;
    let server = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = server.local_addr().expect("its address");
    let app = qanat_host::routes::router(state.clone());
    tokio::spawn(async move { axum::serve(server, app).await });

    let (ready_tx, mut ready) = mpsc::channel::<()>(listeners);
    let (seen_tx, mut seen) = mpsc::unbounded_channel::<(usize, Instant)>();
    let start = Instant::now();
    for _ in 0..listeners {
        let request = format!(
            "GET {LISTEN} HTTP/1.0\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
             Accept: text/event-stream\r\n\r\n"
        );
        tokio::spawn(listen(
            address,
            request,
            rounds,
            ready_tx.clone(),
            seen_tx.clone(),
        ));
    }
    for _ in 0..listeners {
        tokio::time::timeout(PATIENCE, ready.recv())
            .await
            .ok()
            .flatten()
            .expect("every listener was welcomed");
    }
    eprintln!(
        "{listeners} listeners welcomed in {:.1}s",
        start.elapsed().as_secs_f64()
    );

    let mut last = Vec::with_capacity(rounds);
    let mut median = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mutation =
            json!({"createOrReplace": {"_id": "fanout", "_type": "fanout", "round": round}});
        write(state, grants, vec![mutation], Some(transaction_id(round))).await;
        let acknowledged = Instant::now();
        let mut arrivals = Vec::with_capacity(listeners);
        while arrivals.len() < listeners {
            let (r, at) = tokio::time::timeout(PATIENCE, seen.recv())
                .await
                .ok()
                .flatten()
                .unwrap_or_else(|| {
                    panic!(
                        "round {round}: {} of {listeners} listeners got the event",
                        arrivals.len()
                    )
                });
            assert_eq!(r, round, "a listener saw round {r} during round {round}");
            // An event may even arrive before the writer's answer does.
            arrivals.push(at.saturating_duration_since(acknowledged));
        }
        arrivals.sort();
        last.push(arrivals[arrivals.len() - 1]);
        median.push(percentile(&arrivals, 0.5));
    }
    last.sort();
    median.sort();
    println!(
        "fan-out    {:<8} {listeners} SSE listeners, commit acknowledged -> last listener p50 {} p99 {} (median listener p50 {})",
        state.db.kind(),
        ms(percentile(&last, 0.5)),
        ms(percentile(&last, 0.99)),
        ms(percentile(&median, 0.5)),
    );
}

/// One listener: connects, reports when welcomed, then reports each round's
/// event as it arrives.
async fn listen(
    address: std::net::SocketAddr,
    request: String,
    rounds: usize,
    ready: mpsc::Sender<()>,
    seen: mpsc::UnboundedSender<(usize, Instant)>,
) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send the request");
    let mut text = String::new();
    let mut buffer = vec![0u8; 16 * 1024];
    let mut welcomed = false;
    let mut round = 0;
    while round < rounds {
        let n = stream.read(&mut buffer).await.expect("read the stream");
        assert!(n > 0, "the server closed a listener's stream");
        let at = Instant::now();
        text.push_str(&String::from_utf8_lossy(&buffer[..n]));
        if !welcomed {
            assert!(
                !text.starts_with("HTTP/1.0 4") && !text.starts_with("HTTP/1.1 4"),
                "listen refused: {text}"
            );
            if let Some(end) = text.find("event: welcome") {
                welcomed = true;
                text.drain(..end);
                let _ = ready.send(()).await;
            }
        }
        while round < rounds {
            let Some(end) = text.find(&transaction_id(round)) else {
                break;
            };
            text.drain(..end);
            let _ = seen.send((round, at));
            round += 1;
        }
    }
}

/// A token for an administrator, made as `qanat token create` makes one.
async fn admin_token(state: &AppState) -> String {
    let args = TokenCreateArgs {
        roles: vec!["administrator".into()],
        user: None,
        label: "fan-out benchmark".into(),
        dataset: DATASET.into(),
        store: StoreArgs {
            data_dir: "unused".into(),
            database_url: None,
        },
    };
    qanat_host::auth::commands::create_token(&state.db, &args)
        .await
        .expect("an administrator token")
}
