//! `qanat serve` killed with SIGKILL in the middle of acknowledged writes:
//! after a restart every acknowledged transaction is there, none is half
//! there, and a listener resuming from its last event gets the ones it missed.

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
    child: Child,
    addr: SocketAddr,
}

fn qanat(data_dir: &PathBuf, url: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qanat"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("QANAT_DATABASE_URL");
    if let Some(url) = url {
        cmd.arg("--database-url").arg(url);
    }
    cmd
}

impl Node {
    fn start(data_dir: &PathBuf, url: Option<&str>) -> Node {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = qanat(data_dir, url, &["serve", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qanat serve");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let node = Node { child, addr };
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
        // SIGKILL: nothing gets to flush or close.
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// Sends `mutations`; the transaction id once acknowledged, `None` otherwise.
fn mutate(addr: SocketAddr, token: &str, mutations: Json) -> Option<String> {
    let reply = request(
        addr,
        "POST",
        "/v2021-06-07/data/mutate/production",
        Some(token),
        Some(&json!({ "mutations": mutations })),
    );
    if !reply.starts_with("HTTP/1.1 200") {
        return None;
    }
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let body: Json = serde_json::from_str(body).ok()?;
    Some(body["transactionId"].as_str()?.to_owned())
}

/// The result of a GROQ query.
fn query(addr: SocketAddr, token: &str, groq: &str) -> Json {
    let path = format!("/v2021-06-07/data/query/production?query={groq}");
    let reply = request(addr, "GET", &path, Some(token), None);
    assert!(reply.starts_with("HTTP/1.1 200"), "query failed: {reply}");
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let body: Json = serde_json::from_str(body).expect("a JSON reply");
    body["result"].clone()
}

/// Opens a resumable listener and sends each of its events as
/// `{"event", "id", "data"}` on the returned channel.
fn listen(addr: SocketAddr, token: &str, query: &str, last: Option<&str>) -> mpsc::Receiver<Json> {
    let mut stream = TcpStream::connect(addr).expect("connect for listen");
    let last = last
        .map(|id| format!("Last-Event-ID: {id}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "GET /v2021-06-07/data/listen/production?query={query}&enableResume=true HTTP/1.1\r\n\
         Host: {addr}\r\nAuthorization: Bearer {token}\r\n{last}Accept: text/event-stream\r\n\r\n"
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
                let (mut name, mut id, mut data) = ("", "", "");
                for field in event.lines() {
                    if let Some(v) = field.strip_prefix("event: ") {
                        name = v;
                    } else if let Some(v) = field.strip_prefix("id: ") {
                        id = v;
                    } else if let Some(v) = field.strip_prefix("data: ") {
                        data = v;
                    }
                }
                let data: Json = serde_json::from_str(data).unwrap_or(Json::Null);
                if events
                    .send(json!({"event": name, "id": id, "data": data}))
                    .is_err()
                {
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

const PAIRS: &str = "*%5B_type%3D%3D%22pair%22%5D";

fn crash_and_resume(data_dir: &PathBuf, url: Option<&str>) {
    let out = qanat(
        data_dir,
        url,
        &["token", "create", "--role", "administrator"],
    )
    .output()
    .expect("run qanat token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();

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
