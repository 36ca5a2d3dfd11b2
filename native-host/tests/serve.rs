//! End to end: start the real `qanat serve` on a loopback port, talk HTTP to
//! it, check the database it made, stop it with SIGTERM.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

/// Kills the server if the test fails before stopping it.
struct Server {
    child: Child,
    addr: SocketAddr,
    data_dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind :0");
    listener.local_addr().expect("local addr").port()
}

fn start(data_dir: &Path) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_qanat"))
        .args([
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--data-dir",
        ])
        .arg(data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn qanat");
    Server {
        child,
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        data_dir: data_dir.to_owned(),
    }
}

/// A bare HTTP/1.1 GET, so the test needs no HTTP client crate.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
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

fn wait_until_up(server: &mut Server) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok((200, _)) = get(server.addr, "/ping") {
            return;
        }
        if let Some(status) = server.child.try_wait().expect("try_wait") {
            panic!("qanat exited before answering: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "qanat did not answer /ping within 30 s"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
fn stop_gracefully(server: &mut Server) {
    let status = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM failed");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().expect("try_wait") {
            assert!(status.success(), "qanat exited with {status} on SIGTERM");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "qanat did not stop within 10 s of SIGTERM"
        );
        thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test]
async fn serve_answers_ping_and_creates_the_schema() {
    let data_dir = std::env::temp_dir().join(format!("qanat-serve-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut server = start(&data_dir);
    wait_until_up(&mut server);

    assert_eq!(
        get(server.addr, "/ping").expect("GET /ping"),
        (200, "PONG".to_owned())
    );
    assert_eq!(
        get(server.addr, "/v2021-06-07/ping").expect("GET /v…/ping"),
        (200, "PONG".to_owned())
    );
    let (status, page) = get(server.addr, "/").expect("GET /");
    assert_eq!(status, 200);
    assert!(page.contains("Qanat"), "{page}");

    let (status, body) = get(server.addr, "/no/such/route").expect("GET 404");
    assert_eq!(status, 404);
    assert!(body.contains(r#""type":"notFoundError""#), "{body}");

    // The schema is D1's, recorded the way wrangler records it.
    let db_file = data_dir.join("qanat.sqlite");
    assert!(db_file.is_file(), "{} was not created", db_file.display());
    let url = format!("sqlite://{}?mode=ro", db_file.display());
    let pool = sqlx::SqlitePool::connect(&url)
        .await
        .expect("open the file");
    let documents: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'documents'",
    )
    .fetch_optional(&pool)
    .await
    .expect("query sqlite_master");
    assert_eq!(documents.as_deref(), Some("documents"));
    let migrations: Vec<String> = sqlx::query_scalar("SELECT name FROM d1_migrations ORDER BY id")
        .fetch_all(&pool)
        .await
        .expect("read d1_migrations");
    assert_eq!(
        migrations.first().map(String::as_str),
        Some("0001_init.sql")
    );
    pool.close().await;

    #[cfg(unix)]
    stop_gracefully(&mut server);
}
