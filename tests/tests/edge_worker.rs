//! The edge Worker under `wrangler dev` (workerd, with local D1): started
//! on a loopback port with its migrations applied to a scratch state
//! folder and rows written there, asked over HTTP, and stopped with its
//! whole process group.
//!
//! Needs `bash scripts/edge.sh tools` and `bash scripts/edge.sh build`
//! first (`scripts/test.sh` runs both).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value as Json};

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
    /// Starts the Worker on a local D1 that `seed` (SQL) has written to.
    fn start(label: &str, seed: &str) -> Worker {
        Worker::start_with_tokens(label, seed, &[]).0
    }

    /// [`Worker::start`], with an API token for each of `roles` made first
    /// by `scripts/edge.sh token` (the command operators run), in order.
    fn start_with_tokens(label: &str, seed: &str, roles: &[&str]) -> (Worker, Vec<String>) {
        let shim = root().join("edge/build/worker/shim.mjs");
        assert!(
            shim.exists(),
            "{} is missing: run `bash scripts/edge.sh tools` and `bash scripts/edge.sh build` \
             (scripts/test.sh does)",
            shim.display()
        );
        // Both free at once (held together, so they differ): the Worker's
        // port and its devtools port, which is 9229 for every wrangler
        // unless told otherwise.
        let (port, inspector) = {
            let free = || TcpListener::bind("127.0.0.1:0").expect("a free port");
            let (a, b) = (free(), free());
            let port = |l: &TcpListener| l.local_addr().expect("an address").port();
            (port(&a), port(&b))
        };
        let state = std::env::temp_dir().join(format!("qanat-edge-{label}-{}", std::process::id()));
        let seeded = Command::new("bash")
            .arg(root().join("scripts/edge.sh"))
            .args(["sql", seed])
            .env("QANAT_EDGE_STATE", &state)
            .status()
            .expect("run scripts/edge.sh sql");
        assert!(seeded.success(), "seeding the local D1 failed");
        let tokens = roles
            .iter()
            .map(|role| {
                let made = Command::new("bash")
                    .arg(root().join("scripts/edge.sh"))
                    .args(["token", role])
                    .env("QANAT_EDGE_STATE", &state)
                    .stderr(Stdio::inherit())
                    .output()
                    .expect("run scripts/edge.sh token");
                assert!(made.status.success(), "making a {role} token failed");
                let token = String::from_utf8_lossy(&made.stdout).trim().to_owned();
                assert!(token.starts_with("qn_"), "not a token: {token:?}");
                token
            })
            .collect();
        let child = Command::new("bash")
            .arg(root().join("scripts/edge.sh"))
            .arg("dev")
            .env("QANAT_EDGE_PORT", port.to_string())
            .env("QANAT_EDGE_INSPECTOR_PORT", inspector.to_string())
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
        (worker, tokens)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.get_with(path, "")
    }

    /// `GET path` with `headers` (each line ending in CRLF).
    fn get_with(&self, path: &str, headers: &str) -> (u16, String) {
        request(self.port, path, headers).unwrap_or_else(|| panic!("no answer to GET {path}"))
    }

    /// The JSON `POST path` with the JSON `body` answers, with its status.
    fn post(&self, path: &str, body: &Json) -> (u16, Json) {
        self.post_with(path, "", body)
    }

    /// [`Worker::post`] with more `headers` (each line ending in CRLF).
    fn post_with(&self, path: &str, headers: &str, body: &Json) -> (u16, Json) {
        let headers = format!("Content-Type: application/json\r\n{headers}");
        let (status, text) = send(self.port, "POST", path, &headers, &body.to_string())
            .unwrap_or_else(|| panic!("no answer to POST {path}"));
        let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        (status, json)
    }

    /// The JSON a query answers, with its status.
    fn query(&self, dataset: &str, groq: &str, more: &str) -> (u16, Json) {
        let (status, body) = self.get(&format!(
            "/v2025-02-19/data/query/{dataset}?query={}{more}",
            encode(groq)
        ));
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, json)
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
    request(port, path, "")
}

/// [`get`] with `headers`, each line ending in CRLF.
fn request(port: u16, path: &str, headers: &str) -> Option<(u16, String)> {
    send(port, "GET", path, headers, "")
}

/// Status and body of `method path` with `headers` and `body`.
fn send(port: u16, method: &str, path: &str, headers: &str, body: &str) -> Option<(u16, String)> {
    exchange(port, method, path, headers, body).map(|(status, _, body)| (status, body))
}

/// [`send`], with the answer's header lines (lowercased) too.
fn exchange(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
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
    Some((status, head.to_ascii_lowercase(), body))
}

/// What `GET path` (with `headers`) streams in the first `wait`: for an
/// event stream, which never ends by itself.
fn stream_for(port: u16, path: &str, headers: &str, wait: Duration) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n{headers}\r\n"
    );
    stream.write_all(request.as_bytes()).expect("send");
    let deadline = Instant::now() + wait;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buffer[..n]),
        }
    }
    String::from_utf8_lossy(&received).into_owned()
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

/// A public dataset with a published post, its draft and another post; a
/// private one with a post.
const SEED: &str = "\
    INSERT INTO datasets (name, acl_mode, created_at) VALUES \
      ('production', 'public', '2026-01-01T00:00:00Z'), ('secret', 'private', '2026-01-01T00:00:00Z'); \
    INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) VALUES \
      ('production', 'p1', 'post', 'r1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', \
       '{\"_id\":\"p1\",\"_type\":\"post\",\"_rev\":\"r1\",\"title\":\"مرحبا\",\"views\":10}'), \
      ('production', 'drafts.p1', 'post', 'r2', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', \
       '{\"_id\":\"drafts.p1\",\"_type\":\"post\",\"_rev\":\"r2\",\"title\":\"draft\",\"views\":10}'), \
      ('production', 'p2', 'post', 'r1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', \
       '{\"_id\":\"p2\",\"_type\":\"post\",\"_rev\":\"r1\",\"title\":\"Hello\",\"views\":3}'), \
      ('secret', 's1', 'post', 'r1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', \
       '{\"_id\":\"s1\",\"_type\":\"post\",\"_rev\":\"r1\",\"title\":\"hidden\"}');";

#[test]
fn the_worker_answers_under_wrangler_dev() {
    let worker = Worker::start("answers", SEED);
    assert_eq!(worker.get("/ping"), (200, "PONG".to_owned()));
    assert_eq!(worker.get("/v2025-02-19/ping"), (200, "PONG".to_owned()));
    assert_eq!(worker.get("/nope/ping").0, 404);

    // Anonymous on a public dataset: its published documents, filtered in
    // D1 and ordered by core, with parameters.
    let (status, body) = worker.query(
        "production",
        r#"*[_type == "post" && views > $min] | order(views desc){_id, title}"#,
        "&%24min=1",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["result"],
        json!([{"_id": "p1", "title": "مرحبا"}, {"_id": "p2", "title": "Hello"}])
    );
    assert!(body["ms"].is_u64(), "{body}");
    assert!(body["query"].is_string(), "{body}");
    let (_, body) = worker.query("production", "count(*)", "&returnQuery=false");
    assert_eq!(body["result"], json!(2), "{body}");
    assert!(body.get("query").is_none(), "{body}");

    // POST: the body's query and params, with the URL's options.
    let (status, body) = worker.post(
        "/v2025-02-19/data/query/production?returnQuery=false&%24min=100",
        &json!({"query": "*[views > $min && title == $t]._id", "params": {"min": 1, "t": "Hello"}}),
    );
    assert_eq!((status, &body["result"]), (200, &json!(["p2"])), "{body}");
    assert!(body.get("query").is_none(), "{body}");
    let (status, body) = worker.post("/v2025-02-19/data/query/production", &json!({"params": {}}));
    assert_eq!(
        (status, &body["error"]["type"]),
        (400, &json!("httpBadRequest")),
        "{body}"
    );

    // Perspectives: drafts over published for what the caller may read
    // (the public role reads no drafts), and an invalid one is refused.
    let (status, body) = worker.query(
        "production",
        "*[_id == \"p1\"][0].title",
        "&perspective=drafts",
    );
    assert_eq!((status, &body["result"]), (200, &json!("مرحبا")), "{body}");
    let (status, body) = worker.query("production", "*", "&perspective=drafts%2Craw");
    assert_eq!(status, 400, "{body}");

    // Anonymous on a private dataset: nothing.
    let (status, body) = worker.query("secret", "*[_type == \"post\"]", "");
    assert_eq!((status, &body["result"]), (200, &json!([])), "{body}");

    // Bad input gets Sanity's error bodies.
    let (status, body) = worker.query("production", "*[_type == ", "");
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["type"], "queryParseError", "{body}");
    assert!(body["error"]["start"].is_u64(), "{body}");
    let (status, body) = worker.query("production", "*", "&%24min=bare");
    assert_eq!(
        (status, &body["error"]["type"]),
        (400, &json!("httpBadRequest"))
    );
    let (status, _) = worker.get_with(
        "/v2025-02-19/data/query/production?query=*",
        "Authorization: Bearer qn_x\r\n",
    );
    assert_eq!(status, 401);
}

/// The custom role the contract suite's restricted caller holds.
const CONTRACT_SEED: &str = "\
    INSERT INTO roles (name, title) VALUES ('no-secrets', 'Reads all but secrets'); \
    INSERT INTO grants (role, dataset, filter, permissions) \
      VALUES ('no-secrets', '*', 'secret != true', '[\"read\"]');";

/// The HTTP contract suite the native host passes (`tests/js/contract.mjs`,
/// the real `@sanity/client`): writes through the dataset's Durable Object,
/// listeners with mendoza effects, conflicts, actions, grants, history and
/// export, all against the Worker.
#[test]
fn the_contract_suite_passes_against_the_worker() {
    let roles = ["administrator", "viewer", "contributor", "no-secrets"];
    let (worker, tokens) = Worker::start_with_tokens("contract", CONTRACT_SEED, &roles);
    let tests_dir = root().join("tests");
    assert!(
        tests_dir.join("node_modules/@sanity/client").is_dir(),
        "tests/node_modules is missing: run `npm ci` in tests/ (scripts/test.sh does)"
    );
    let names = [
        "ADMIN_TOKEN",
        "VIEWER_TOKEN",
        "CONTRIBUTOR_TOKEN",
        "RESTRICTED_TOKEN",
    ];
    let output = Command::new("node")
        .arg(tests_dir.join("js/contract.mjs"))
        .current_dir(&tests_dir)
        .env("QANAT_URL", format!("http://127.0.0.1:{}", worker.port))
        .envs(names.iter().zip(&tokens).map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the contract suite failed against the Worker:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The rest of what the Worker serves besides the contract suite: the
/// identity endpoints, a dataset's `acl`, history as NDJSON, and a
/// listener that resumes from the log.
#[test]
fn identity_history_and_resume_at_the_edge() {
    let (worker, tokens) =
        Worker::start_with_tokens("identity", "SELECT 1", &["administrator", "viewer"]);
    let admin = format!("Authorization: Bearer {}\r\n", tokens[0]);
    let viewer = format!("Authorization: Bearer {}\r\n", tokens[1]);
    let json = |(status, text): (u16, String)| -> (u16, Json) {
        (
            status,
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")),
        )
    };

    // The playground, from the Worker's static assets.
    let (status, page) = worker.get("/playground/");
    assert!(
        status == 200 && page.contains("GROQ playground"),
        "{status}: {page}"
    );
    assert_eq!(worker.get("/playground/worker.js").0, 200);

    // Who is signed in; a caller without a token is not.
    let (status, me) = json(worker.get_with("/v2025-02-19/users/me", &admin));
    assert_eq!(
        (status, &me["role"]),
        (200, &json!("administrator")),
        "{me}"
    );
    assert_eq!(me["roles"][0]["title"], "Administrator", "{me}");
    let (status, body) = json(worker.get("/v2025-02-19/users/me"));
    assert_eq!((status, &body["statusCode"]), (401, &json!(401)), "{body}");
    let path = format!(
        "/v2025-02-19/users/{},nobody",
        me["id"].as_str().unwrap_or_default()
    );
    let (status, users) = json(worker.get_with(&path, &viewer));
    assert_eq!(status, 200, "{users}");
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");

    // A viewer's acl; sign-in with tokens only.
    let (status, acl) = json(worker.get_with(
        "/v2025-02-19/projects/qanat/datasets/production/acl",
        &viewer,
    ));
    assert_eq!(status, 200, "{acl}");
    let granted = acl.to_string();
    assert!(
        granted.contains("read") && !granted.contains("update"),
        "{acl}"
    );
    let (status, providers) = json(worker.get("/v2025-02-19/auth/providers"));
    assert_eq!(status, 200, "{providers}");
    let url = providers["providers"][0]["url"]
        .as_str()
        .unwrap_or_default();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v2025-02-19/auth/login/token"),
        "{providers}"
    );
    let (status, page) = worker.get("/v2025-02-19/auth/login/token");
    assert!(status == 200 && page.contains("sid="), "{status}: {page}");
    let (status, fetched) = json(worker.get(&format!("/v2025-02-19/auth/fetch?sid={}", tokens[1])));
    assert_eq!(
        (status, &fetched["token"]),
        (200, &json!(tokens[1])),
        "{fetched}"
    );
    assert_eq!(worker.get("/v2025-02-19/auth/fetch?sid=qn_nope").0, 401);
    let (status, _) = send(worker.port, "POST", "/v2025-02-19/auth/logout", &viewer, "")
        .expect("an answer to logout");
    assert_eq!(status, 204);

    // Query answers are cached until the dataset's next write, and every
    // answer names what it read (a D1 bookmark).
    let count = || {
        let (status, head, body) = exchange(
            worker.port,
            "GET",
            "/v2025-02-19/data/query/production?query=count(*%5B_type%3D%3D%22note%22%5D)",
            &admin,
            "",
        )
        .expect("an answer");
        assert_eq!(status, 200, "{body}");
        assert!(head.contains("x-qanat-bookmark: "), "{head}");
        let cached = head.contains("x-qanat-cache: hit");
        let json: Json = serde_json::from_str(&body).expect("JSON");
        (json["result"].clone(), cached)
    };
    assert_eq!(count(), (json!(0), false));
    assert_eq!(count(), (json!(0), true));

    // CORS: a preflight, and the origin allowed on an answer that came
    // from the dataset's Durable Object.
    let (status, head, _) = exchange(
        worker.port,
        "OPTIONS",
        "/v2025-02-19/data/mutate/production",
        "Origin: http://studio.test\r\nAccess-Control-Request-Method: POST\r\n",
        "",
    )
    .expect("an answer to the preflight");
    assert_eq!(status, 204);
    assert!(
        head.contains("access-control-allow-headers: authorization"),
        "{head}"
    );
    let (status, head, body) = exchange(
        worker.port,
        "POST",
        "/v2025-02-19/data/mutate/production",
        &format!("{admin}Origin: http://studio.test\r\n"),
        &json!({"mutations": [{"create": {"_id": "cors", "_type": "note"}}]}).to_string(),
    )
    .expect("an answer");
    assert_eq!(status, 200, "{body}");
    assert!(
        head.contains("access-control-allow-origin: http://studio.test"),
        "{head}"
    );
    assert!(head.contains("x-qanat-bookmark: "), "{head}");
    assert_eq!(
        count(),
        (json!(1), false),
        "a write makes the cached answer stale"
    );

    // Three transactions on one document.
    let mutate = |mutations: Json| {
        let (status, body) = worker.post_with(
            "/v2025-02-19/data/mutate/production",
            &admin,
            &json!({"mutations": mutations}),
        );
        assert_eq!(status, 200, "{body}");
        body["transactionId"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let first = mutate(json!([{"create": {"_id": "h", "_type": "note", "n": 1}}]));
    let second = mutate(json!([{"patch": {"id": "h", "inc": {"n": 1}}}]));
    let third = mutate(json!([{"patch": {"id": "h", "set": {"done": true}}}]));

    // History as NDJSON: every transaction, newest first when reversed;
    // the document at the second one.
    let (status, text) = worker.get_with(
        "/v2025-02-19/data/history/production/transactions/h?reverse=true&effectFormat=mendoza",
        &admin,
    );
    assert_eq!(status, 200, "{text}");
    let lines: Vec<Json> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let ids: Vec<&str> = lines.iter().filter_map(|l| l["id"].as_str()).collect();
    assert_eq!(
        ids,
        [third.as_str(), second.as_str(), first.as_str()],
        "{text}"
    );
    assert!(lines[0]["effects"]["h"]["apply"].is_array(), "{text}");
    let (status, at) = json(worker.get_with(
        &format!("/v2025-02-19/data/history/production/documents/h?revision={second}"),
        &admin,
    ));
    assert_eq!((status, &at["documents"][0]["n"]), (200, &json!(2)), "{at}");
    let (status, _) = worker.get_with(
        "/v2025-02-19/data/history/production/transactions?limit=0",
        &admin,
    );
    assert_eq!(status, 400);

    // A listener that saw the first transaction resumes with the two after
    // it, then `welcomeback`.
    let events = stream_for(
        worker.port,
        &format!(
            "/v2025-02-19/data/listen/production?query={}&enableResume=true",
            encode("*[_id == \"h\"]")
        ),
        &format!("{admin}Last-Event-ID: {first}#h\r\n"),
        Duration::from_secs(3),
    );
    let second_at = events.find(&format!("id: {second}#h"));
    let third_at = events.find(&format!("id: {third}#h"));
    let back_at = events.find("event: welcomeback");
    assert!(
        matches!((second_at, third_at, back_at), (Some(a), Some(b), Some(c)) if a < b && b < c),
        "{events}"
    );
    assert!(!events.contains(&format!("id: {first}#h")), "{events}");
    // One it cannot place is told to start again.
    let events = stream_for(
        worker.port,
        "/v2025-02-19/data/listen/production?query=*&enableResume=true",
        &format!("{admin}Last-Event-ID: unknown#h\r\n"),
        Duration::from_secs(2),
    );
    assert!(events.contains("event: reset"), "{events}");
}

/// Studio's project endpoints, answered at the edge as the native host
/// answers them: the project and its members, `features`, the datasets an
/// administrator manages, and a person's settings.
#[test]
fn project_datasets_and_settings_at_the_edge() {
    let seed = "\
        INSERT INTO datasets (name, acl_mode, created_at) \
          VALUES ('production', 'public', '2026-01-01T00:00:00Z'); \
        INSERT INTO documents (dataset, id, type, rev, created_at, updated_at, body) VALUES \
          ('production', 'p1', 'post', 'r1', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', \
           '{\"_id\":\"p1\",\"_type\":\"post\",\"_rev\":\"r1\"}');";
    let (worker, tokens) = Worker::start_with_tokens("project", seed, &["administrator", "viewer"]);
    let admin = format!("Authorization: Bearer {}\r\n", tokens[0]);
    let viewer = format!("Authorization: Bearer {}\r\n", tokens[1]);
    let call = |method: &str, path: &str, headers: &str, body: &str| -> (u16, Json) {
        let headers = format!("Content-Type: application/json\r\n{headers}");
        let (status, text) = send(worker.port, method, path, &headers, body)
            .unwrap_or_else(|| panic!("no answer to {method} {path}"));
        let json = if text.is_empty() {
            Json::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        };
        (status, json)
    };
    let ids = |dataset: &str| {
        let path = format!("/v2025-02-19/data/query/{dataset}?query=*._id");
        let (status, body) = call("GET", &path, &admin, "");
        assert_eq!(status, 200, "{body}");
        body["result"].clone()
    };

    // The project: both robots, with the roles they hold; members only.
    let (_, me) = call("GET", "/v2025-02-19/users/me", &admin, "");
    let (status, project) = call("GET", "/v2025-02-19/projects/qanat", &viewer, "");
    assert_eq!(
        (status, &project["id"]),
        (200, &json!("qanat")),
        "{project}"
    );
    let mut members: Vec<(Json, Json, Json, Json)> = project["members"]
        .as_array()
        .unwrap_or_else(|| panic!("no members: {project}"))
        .iter()
        .map(|m| {
            let title = m["roles"][0]["title"].clone();
            (
                m["role"].clone(),
                title,
                m["isCurrentUser"].clone(),
                m["isRobot"].clone(),
            )
        })
        .collect();
    members.sort_by_key(|m| m.0.to_string());
    assert_eq!(
        members,
        [
            (
                json!("administrator"),
                json!("Administrator"),
                json!(false),
                json!(true)
            ),
            (json!("viewer"), json!("Viewer"), json!(true), json!(true)),
        ],
        "{project}"
    );
    let admin_member = project["members"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["role"] == "administrator"));
    assert_eq!(admin_member.map(|m| &m["id"]), Some(&me["id"]), "{project}");
    let (status, body) = call("GET", "/v2025-02-19/projects/qanat", "", "");
    assert_eq!((status, &body["statusCode"]), (401, &json!(401)), "{body}");

    assert_eq!(
        call("GET", "/v2025-02-19/features", "", ""),
        (200, json!([]))
    );
    assert_eq!(call("GET", "/nope/features", "", "").0, 404);

    // Datasets: listed to members, managed by administrators.
    let datasets = "/v2025-02-19/projects/qanat/datasets";
    let staging = format!("{datasets}/staging");
    let public = r#"{"aclMode":"public"}"#;
    assert_eq!(call("GET", datasets, "", "").0, 401);
    assert_eq!(
        call("GET", datasets, &viewer, ""),
        (200, json!([{"name": "production", "aclMode": "public"}]))
    );
    let (status, body) = call("PUT", &staging, &viewer, public);
    assert_eq!((status, &body["statusCode"]), (403, &json!(403)), "{body}");
    assert_eq!(call("PUT", &staging, "", public).0, 401);
    let (status, body) = call("PUT", &format!("{datasets}/Bad%20Name"), &admin, public);
    assert_eq!((status, &body["statusCode"]), (400, &json!(400)), "{body}");
    assert!(body["message"].to_string().contains("Bad Name"), "{body}");
    assert_eq!(
        call("PUT", &staging, &admin, r#"{"aclMode":"custom"}"#).0,
        400
    );
    assert_eq!(
        call("PUT", &staging, &admin, public),
        (200, json!({"datasetName": "staging", "aclMode": "public"}))
    );
    let private = r#"{"aclMode":"private"}"#;
    assert_eq!(
        call("PUT", &staging, &admin, private).1,
        json!({"datasetName": "staging", "aclMode": "private"})
    );
    assert_eq!(
        call("GET", datasets, &admin, "").1,
        json!([{"name": "production", "aclMode": "public"},
               {"name": "staging", "aclMode": "private"}])
    );

    // A delete takes the dataset's documents and log with it, and only its.
    let create = |id: &str| {
        let body = json!({"mutations": [{"create": {"_id": id, "_type": "note"}}]});
        let (status, answer) = call(
            "POST",
            "/v2025-02-19/data/mutate/staging",
            &admin,
            &body.to_string(),
        );
        assert_eq!(status, 200, "{answer}");
    };
    create("a");
    assert_eq!(ids("staging"), json!(["a"]));
    assert_eq!(call("DELETE", &staging, &viewer, "").0, 403);
    assert_eq!(
        call("DELETE", &staging, &admin, ""),
        (200, json!({"deleted": true}))
    );
    assert_eq!(
        call("GET", datasets, &admin, "").1,
        json!([{"name": "production", "aclMode": "public"}])
    );
    assert_eq!(ids("staging"), json!([]));
    assert_eq!(ids("production"), json!(["p1"]));
    let (status, body) = call("DELETE", &staging, &admin, "");
    assert_eq!(
        (status, &body["error"]["type"]),
        (404, &json!("notFoundError")),
        "{body}"
    );
    // Made again as it was, its log counts from 1 again: no answer cached
    // for the old dataset at that point may be served.
    assert_eq!(call("PUT", &staging, &admin, private).0, 200);
    create("b");
    assert_eq!(ids("staging"), json!(["b"]));

    // Settings: each person's own, in the order asked, null when unset.
    let kv = |rest: &str| format!("/v2025-02-19/users/me/keyvalue{rest}");
    assert_eq!(call("GET", &kv("/studio.sort"), "", "").0, 401);
    assert_eq!(
        call("GET", &kv("/studio.sort,studio.recent"), &admin, ""),
        (
            200,
            json!([{"key": "studio.sort", "value": null}, {"key": "studio.recent", "value": null}])
        )
    );
    let one = json!([{"key": "studio.sort", "value": {"by": "title"}}]).to_string();
    assert_eq!(
        call("PUT", &kv(""), &admin, &one),
        (200, json!({"key": "studio.sort", "value": {"by": "title"}}))
    );
    let two = json!([{"key": "a b", "value": 1}, {"key": "c", "value": [2]}]).to_string();
    assert_eq!(
        call("PUT", &kv(""), &admin, &two),
        (
            200,
            json!([{"key": "a b", "value": 1}, {"key": "c", "value": [2]}])
        )
    );
    assert_eq!(
        call("GET", &kv("/studio.recent,studio.sort,a%20b"), &admin, "").1,
        json!([{"key": "studio.recent", "value": null},
               {"key": "studio.sort", "value": {"by": "title"}},
               {"key": "a b", "value": 1}])
    );
    assert_eq!(
        call("GET", &kv("/studio.sort"), &viewer, "").1,
        json!([{"key": "studio.sort", "value": null}])
    );
    let (status, body) = call("PUT", &kv(""), &admin, r#"{"key":"x"}"#);
    assert_eq!(
        (status, &body["error"]["type"]),
        (400, &json!("httpBadRequest")),
        "{body}"
    );
    assert_eq!(
        call("DELETE", &kv("/studio.sort,c"), &admin, ""),
        (204, Json::Null)
    );
    assert_eq!(
        call("GET", &kv("/studio.sort,c,a%20b"), &admin, "").1,
        json!([{"key": "studio.sort", "value": null},
               {"key": "c", "value": null},
               {"key": "a b", "value": 1}])
    );
}
