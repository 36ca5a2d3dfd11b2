//! Real `qanat serve` processes for the multi-process suites (`cluster.rs`,
//! `crash.rs`, `tls.rs`): starting and killing them, plain HTTP and SSE against them,
//! and a scratch PostgreSQL database.

#![allow(dead_code)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use serde_json::{json, Value as Json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A `qanat serve` process, killed when dropped.
pub struct Node {
    pub child: Child,
    pub addr: SocketAddr,
}

pub fn qanat(data_dir: &Path, url: Option<&str>, args: &[&str]) -> Command {
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

/// A fresh administrator token, made as an operator makes one.
pub fn admin_token(data_dir: &Path, url: Option<&str>) -> String {
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
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

impl Node {
    /// `qanat serve` in plain HTTP, once it answers `/ping`.
    pub fn start(data_dir: &Path, url: Option<&str>) -> Node {
        let node = Node::start_with(data_dir, url, &[]);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !request(node.addr, "GET", "/ping", None, None).starts_with("HTTP/1.1 200") {
            assert!(
                Instant::now() < deadline,
                "qanat serve did not answer /ping"
            );
            thread::sleep(Duration::from_millis(50));
        }
        node
    }

    /// `qanat serve` with `extra` arguments (`--dev-tls`, …), once its port
    /// accepts connections (it binds before opening the store).
    pub fn start_with(data_dir: &Path, url: Option<&str>, extra: &[&str]) -> Node {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port()
            .to_string();
        let mut args = vec!["serve", "--port", &port];
        args.extend_from_slice(extra);
        let child = qanat(data_dir, url, &args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qanat serve");
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port.parse().expect("a port")));
        let node = Node { child, addr };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
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
pub fn request(
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
pub fn mutate(addr: SocketAddr, token: &str, mutations: Json) -> Option<String> {
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
pub fn query(addr: SocketAddr, token: &str, groq: &str) -> Json {
    let path = format!("/v2021-06-07/data/query/production?query={groq}");
    let reply = request(addr, "GET", &path, Some(token), None);
    assert!(reply.starts_with("HTTP/1.1 200"), "query failed: {reply}");
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let body: Json = serde_json::from_str(body).expect("a JSON reply");
    body["result"].clone()
}

/// Opens a resumable listener and sends each of its events as
/// `{"event", "id", "data"}` on the returned channel.
pub fn listen(
    addr: SocketAddr,
    token: &str,
    query: &str,
    last: Option<&str>,
) -> mpsc::Receiver<Json> {
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
pub struct Scratch {
    pub runtime: tokio::runtime::Runtime,
    pub options: PgConnectOptions,
    pub name: String,
    pub url: String,
}

impl Scratch {
    pub fn new(name: &str) -> Scratch {
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
        scratch.sql(&format!(
            "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'",
            scratch.name
        ));
        scratch
    }

    /// Runs `sql` on the server, trying again for a few seconds: a
    /// non-superuser's `DROP … WITH (FORCE)` cannot end an autovacuum
    /// worker that has just started on the database, and it soon leaves.
    pub fn sql(&self, sql: &str) {
        self.runtime.block_on(async {
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(self.options.clone())
                .await
                .expect("connect to PostgreSQL");
            let mut attempts = 0;
            while let Err(e) = sqlx::raw_sql(sql).execute(&admin).await {
                attempts += 1;
                if attempts == 20 {
                    panic!("{sql}: {e}");
                }
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
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
