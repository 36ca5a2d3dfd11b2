//! `qanat serve` over TLS as a real process, driven by Node's own `http2`
//! and `https` clients (`tests/js/tls.mjs`): HTTP/2 by ALPN with a listener
//! streaming while a mutation goes through, HTTP/1.1 for a client that
//! offers only that; `--dev-tls` keeps its certificate across restarts;
//! `--tls-cert/--tls-key` serve a given certificate, and a missing,
//! unreadable or mismatched key stops the start with a message.

mod process;

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use process::{admin_token, qanat, Node};

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("qanat-tls-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Runs tls.mjs against `server`, trusting `ca`.
fn node_checks(server: &Node, ca: &Path, token: &str) {
    let tests_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let output = Command::new("node")
        .arg(tests_dir.join("js/tls.mjs"))
        .arg(format!("https://{}", server.addr))
        .arg(ca)
        .arg(token)
        .current_dir(&tests_dir)
        .output()
        .expect("run node");
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains("ok"),
        "tls.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn dev_tls_serves_http2_and_keeps_its_certificate() {
    let dir = data_dir("dev");
    let token = admin_token(&dir, None);
    let cert = dir.join("dev-tls/cert.pem");
    let first = {
        let server = Node::start_with(&dir, None, &["--dev-tls"]);
        node_checks(&server, &cert, &token);
        std::fs::read(&cert).expect("the dev certificate")
    };
    let server = Node::start_with(&dir, None, &["--dev-tls"]);
    assert_eq!(
        std::fs::read(&cert).expect("the dev certificate"),
        first,
        "a restart reuses the certificate"
    );
    node_checks(&server, &cert, &token);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts `qanat serve` with `args` and expects it to stop at once with a
/// message containing `needle`.
fn refuses(dir: &Path, args: &[&str], needle: &str) {
    let mut all = vec!["serve", "--port", "0"];
    all.extend_from_slice(args);
    let start = Instant::now();
    let out = qanat(dir, None, &all).output().expect("run qanat serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn given_certificates_are_served_and_bad_ones_refused() {
    // Two dev certificates, made by short --dev-tls runs, to serve and to mismatch.
    let (a, b) = (data_dir("a"), data_dir("b"));
    for dir in [&a, &b] {
        drop(Node::start_with(dir, None, &["--dev-tls"]));
    }
    let (cert, key) = (a.join("dev-tls/cert.pem"), a.join("dev-tls/key.pem"));
    let other_key = b.join("dev-tls/key.pem");
    let dir = data_dir("given");
    let token = admin_token(&dir, None);
    let text = |p: &Path| p.to_string_lossy().into_owned();
    {
        let server = Node::start_with(
            &dir,
            None,
            &["--tls-cert", &text(&cert), "--tls-key", &text(&key)],
        );
        node_checks(&server, &cert, &token);
    }
    let missing = dir.join("missing.pem");
    refuses(
        &dir,
        &["--tls-cert", &text(&cert), "--tls-key", &text(&missing)],
        "missing.pem",
    );
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a key").expect("write");
    refuses(
        &dir,
        &["--tls-cert", &text(&cert), "--tls-key", &text(&garbage)],
        "garbage.pem",
    );
    refuses(
        &dir,
        &["--tls-cert", &text(&cert), "--tls-key", &text(&other_key)],
        "key",
    );
    for d in [a, b, dir] {
        let _ = std::fs::remove_dir_all(d);
    }
}
