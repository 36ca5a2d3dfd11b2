//! The edge Worker under `wrangler dev` (workerd, with local D1): started
//! on a loopback port with its migrations applied to a scratch state
//! folder, asked over HTTP, and stopped with its whole process group.
//!
//! Needs `bash scripts/edge.sh tools` and `bash scripts/edge.sh build`
//! first (`scripts/test.sh` runs both).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the repository root")
        .to_owned()
}

/// `wrangler dev` and everything it started, stopped on drop.
struct Worker {
    child: Child,
    port: u16,
    state: PathBuf,
}

impl Worker {
    fn start() -> Worker {
        let shim = root().join("edge/build/worker/shim.mjs");
        assert!(
            shim.exists(),
            "{} is missing: run `bash scripts/edge.sh tools` and `bash scripts/edge.sh build` \
             (scripts/test.sh does)",
            shim.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let state = std::env::temp_dir().join(format!("qanat-edge-{}", std::process::id()));
        let child = Command::new("bash")
            .arg(root().join("scripts/edge.sh"))
            .arg("dev")
            .env("QANAT_EDGE_PORT", port.to_string())
            .env("QANAT_EDGE_STATE", &state)
            .stdin(Stdio::null())
            // Its own group, so that stopping it stops workerd too.
            .process_group(0)
            .spawn()
            .expect("start wrangler dev");
        let worker = Worker { child, port, state };
        let deadline = Instant::now() + Duration::from_secs(90);
        while get(port, "/ping").is_none() {
            assert!(
                Instant::now() < deadline,
                "wrangler dev did not answer on port {port}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
        worker
    }

    fn get(&self, path: &str) -> (u16, String) {
        get(self.port, path).unwrap_or_else(|| panic!("no answer to GET {path}"))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

/// Status and body of `GET path`, or `None` if nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        unchunk(body)
    } else {
        body.to_owned()
    };
    Some((status, body))
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

#[test]
fn the_worker_answers_under_wrangler_dev() {
    let worker = Worker::start();
    assert_eq!(worker.get("/ping"), (200, "PONG".to_owned()));
    assert_eq!(worker.get("/v2025-02-19/ping"), (200, "PONG".to_owned()));
    assert_eq!(worker.get("/nope/ping").0, 404);
}
