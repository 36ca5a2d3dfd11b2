//! Two `qanat serve` processes on one PostgreSQL database: a listener on one
//! gets every commit made through either, once each, in log order.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use serde_json::{json, Value as Json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A `qanat serve` process, killed when dropped.
struct Node {
    data_dir: PathBuf,
    child: Child,
    addr: SocketAddr,
}

fn qanat(data_dir: &PathBuf, url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qanat"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--database-url")
        .arg(url)
        .env_remove("QANAT_DATABASE_URL");
    cmd
}

impl Node {
    fn start(name: &str, url: &str) -> Node {
        let data_dir =
            std::env::temp_dir().join(format!("qanat-cluster-{name}-{}", std::process::id()));
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = qanat(&data_dir, url, &["serve", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qanat serve");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let node = Node {
            data_dir,
            child,
            addr,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !request(addr, "GET", "/ping", None, None).starts_with("HTTP/1.1 200") {
            assert!(Instant::now() < deadline, "qanat serve did not come up");
            thread::sleep(Duration::from_millis(50));
        }
        node
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

/// One HTTP/1.1 request on its own connection; the whole reply, or "" when
/// nothing answers.
fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Json>,
) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return String::new();
    };
    let body = body.map(Json::to_string).unwrap_or_default();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut reply = String::new();
    if stream.write_all(head.as_bytes()).is_err()
        || stream.write_all(body.as_bytes()).is_err()
        || stream.read_to_string(&mut reply).is_err()
    {
        return String::new();
    }
    reply
}

/// Sends `mutations` and returns the transaction id of the acknowledged commit.
fn mutate(addr: SocketAddr, token: &str, mutations: Json) -> String {
    let reply = request(
        addr,
        "POST",
        "/v2021-06-07/data/mutate/production",
        Some(token),
        Some(&json!({ "mutations": mutations })),
    );
    assert!(reply.starts_with("HTTP/1.1 200"), "mutate failed: {reply}");
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let body: Json = serde_json::from_str(body).expect("a JSON reply");
    body["transactionId"]
        .as_str()
        .expect("a transactionId")
        .to_owned()
}

/// Opens a listener and sends the data of each of its `mutation` events, and
/// a `welcome` marker, on the returned channel.
fn listen(addr: SocketAddr, token: &str, query: &str) -> mpsc::Receiver<Json> {
    let mut stream = TcpStream::connect(addr).expect("connect for listen");
    let head = format!(
        "GET /v2021-06-07/data/listen/production?query={query} HTTP/1.1\r\nHost: {addr}\r\n\
         Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("send listen");
    let (events, received) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        // The head, up to the blank line.
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
        }
        // The body is chunked: decode it, then split it into events.
        let mut text = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                return;
            };
            let mut chunk = vec![0; size + 2];
            if size == 0 || reader.read_exact(&mut chunk).is_err() {
                return;
            }
            chunk.truncate(size);
            text.push_str(&String::from_utf8_lossy(&chunk));
            while let Some((event, rest)) = text.split_once("\n\n") {
                let (mut name, mut data) = ("", "");
                for field in event.lines() {
                    if let Some(v) = field.strip_prefix("event: ") {
                        name = v;
                    } else if let Some(v) = field.strip_prefix("data: ") {
                        data = v;
                    }
                }
                let sent = match name {
                    "welcome" => events.send(json!("welcome")),
                    "mutation" => events.send(serde_json::from_str(data).unwrap_or(Json::Null)),
                    _ => Ok(()),
                };
                if sent.is_err() {
                    return;
                }
                text = rest.to_owned();
            }
        }
    });
    received
}

/// A scratch database on `QANAT_TEST_DATABASE_URL`, dropped when this is.
struct Scratch {
    runtime: tokio::runtime::Runtime,
    options: PgConnectOptions,
    name: String,
    url: String,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let url = std::env::var("QANAT_TEST_DATABASE_URL").unwrap_or_else(|_| {
            panic!(
                "QANAT_TEST_DATABASE_URL is not set: this test needs PostgreSQL \
                 (scripts/test.sh starts one and exports it)"
            )
        });
        let name = format!("qanat_{name}_{}", std::process::id());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let options: PgConnectOptions = url.parse().expect("a postgres:// URL");
        let scratch = Scratch {
            url: format!(
                "{}/{name}",
                url.rsplit_once('/').expect("a URL with a database name").0
            ),
            runtime,
            options,
            name,
        };
        scratch.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            scratch.name
        ));
        scratch.sql(&format!("CREATE DATABASE {}", scratch.name));
        scratch
    }

    fn sql(&self, sql: &str) {
        self.runtime.block_on(async {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(self.options.clone())
                .await
                .expect("connect to PostgreSQL");
            sqlx::raw_sql(sql)
                .execute(&admin)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            admin.close().await;
        });
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

#[test]
fn a_listener_on_one_node_gets_every_commit_made_through_either() {
    let scratch = Scratch::new("cluster");
    let token_dir = std::env::temp_dir().join(format!("qanat-cluster-{}", std::process::id()));
    let out = qanat(
        &token_dir,
        &scratch.url,
        &["token", "create", "--role", "administrator"],
    )
    .output()
    .expect("run qanat token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&token_dir);
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    let a = Node::start("a", &scratch.url);
    let b = Node::start("b", &scratch.url);
    let events = listen(b.addr, &token, "*%5B_type%3D%3D%22counter%22%5D");
    assert_eq!(
        events.recv_timeout(Duration::from_secs(10)).ok(),
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
        acknowledged.push(mutate(node.addr, &token, mutation));
    }

    let mut received: Vec<Json> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while received.len() < 2 * WRITES - 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(event) => received.push(event),
            Err(_) => break,
        }
    }
    // Anything more would be a commit announced twice.
    while let Ok(event) = events.recv_timeout(Duration::from_millis(500)) {
        received.push(event);
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
