//! `qanat user add`, `qanat token create`, `qanat role add` as real
//! processes on a real data folder, then `qanat serve` on that folder
//! accepting the tokens they printed.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    thread,
    time::{Duration, Instant},
};

/// Removes the data folder (and stops the server) even when a test fails.
struct Scratch {
    data_dir: PathBuf,
    server: Option<Child>,
}

impl Scratch {
    fn new(name: &str) -> Scratch {
        let data_dir =
            std::env::temp_dir().join(format!("qanat-{name}-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        Scratch {
            data_dir,
            server: None,
        }
    }

    /// Runs `qanat <args> --data-dir <scratch>`, never reading a database
    /// URL from the environment the tests run in.
    fn qanat(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_qanat"))
            .args(args)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .env_remove("QANAT_DATABASE_URL")
            .stdin(Stdio::null())
            .output()
            .expect("run qanat")
    }

    fn serve(&mut self) -> SocketAddr {
        let port = {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind :0");
            listener.local_addr().expect("local addr").port()
        };
        let child = Command::new(env!("CARGO_BIN_EXE_qanat"))
            .args(["serve", "--port", &port.to_string(), "--data-dir"])
            .arg(&self.data_dir)
            .env_remove("QANAT_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qanat serve");
        self.server = Some(child);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while !matches!(get(addr, "/ping", None), Ok((200, _))) {
            assert!(Instant::now() < deadline, "qanat serve did not come up");
            thread::sleep(Duration::from_millis(50));
        }
        addr
    }

    fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(mut child) = self.server.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A bare HTTP/1.1 GET, optionally with a bearer token.
fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn users_tokens_and_roles_from_the_command_line() {
    let mut scratch = Scratch::new("identity-cli");

    let added = scratch.qanat(&[
        "user",
        "add",
        "ada",
        "--name",
        "Ada",
        "--email",
        "ada@example.com",
        "--role",
        "administrator",
    ]);
    assert!(added.status.success(), "{}", stderr(&added));

    // Refusals leave a clear message and a failing exit status.
    let role_file = scratch.data_dir().join("translator.json");
    let cases: [(&[&str], &str); 3] = [
        (&["user", "add", "ada", "--name", "Again"], "already exists"),
        (
            &["user", "add", "bob", "--name", "Bob", "--role", "nope"],
            "no role is named",
        ),
        (&["token", "create"], "at least one --role"),
    ];
    for (args, message) in cases {
        let output = scratch.qanat(args);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
    }

    std::fs::write(
        &role_file,
        r#"{"name": "translator", "title": "Translator",
            "grants": [{"filter": "_type == \"post\"", "permissions": ["read", "update"]}]}"#,
    )
    .expect("write role file");
    let role_path = role_file.to_string_lossy().into_owned();
    let stored = scratch.qanat(&["role", "add", &role_path]);
    assert!(stored.status.success(), "{}", stderr(&stored));
    std::fs::write(
        &role_file,
        r#"{"name": "broken", "grants": [{"filter": "_type =="}]}"#,
    )
    .expect("write role file");
    let broken = scratch.qanat(&["role", "add", &role_path]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).contains("is not a role definition"),
        "{}",
        stderr(&broken)
    );

    let tia = scratch.qanat(&[
        "user",
        "add",
        "tia",
        "--name",
        "Tia",
        "--role",
        "translator",
    ]);
    assert!(tia.status.success(), "{}", stderr(&tia));

    // Tokens: printed once, alone on stdout.
    let token_of = |args: &[&str]| {
        let output = scratch.qanat(args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let printed = stdout(&output);
        let token = printed.trim_end_matches('\n').to_owned();
        assert!(token.starts_with("qn_") && token.len() >= 35, "{printed:?}");
        assert!(!token.contains('\n'), "{printed:?}");
        token
    };
    let ada_token = token_of(&["token", "create", "--user", "ada", "--label", "laptop"]);
    let tia_token = token_of(&["token", "create", "--user", "tia"]);
    let robot_token = token_of(&["token", "create", "--role", "viewer", "--label", "ci"]);
    assert_ne!(ada_token, robot_token);

    let addr = scratch.serve();
    let (status, body) = get(addr, "/v1/users/me", Some(&ada_token)).expect("users/me");
    assert_eq!(status, 200, "{body}");
    let me = json(&body);
    assert_eq!(
        (me["id"].as_str(), me["role"].as_str()),
        (Some("ada"), Some("administrator"))
    );

    let (status, body) = get(addr, "/v1/users/me", Some(&robot_token)).expect("users/me");
    assert_eq!(status, 200, "{body}");
    let robot = json(&body);
    assert_eq!(robot["name"], "ci");
    assert_eq!(robot["role"], "viewer");

    let (status, body) = get(
        addr,
        "/v1/projects/p/datasets/production/acl",
        Some(&tia_token),
    )
    .expect("acl");
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        json(&body),
        serde_json::json!([{"filter": "_type == \"post\"", "permissions": ["read", "update"]}])
    );

    let (status, body) = get(addr, "/v1/users/me", Some("qn_not-a-real-token")).expect("bad");
    assert_eq!(status, 401, "{body}");
    assert_eq!(json(&body)["message"], "Session not found");
}
