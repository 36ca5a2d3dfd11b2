//! The HTTP contract suite (`tests/js/contract.mjs`, the real
//! `@sanity/client`) against `qanat serve` as a real process: once on the
//! embedded SQLite store and once on PostgreSQL.

use std::{
    io::{Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// A data folder (and, for PostgreSQL, a scratch database) with a server
/// on it; all removed when the test ends, passing or not.
struct Server {
    data_dir: PathBuf,
    database_url: Option<String>,
    child: Option<Child>,
    addr: Option<SocketAddr>,
}

impl Server {
    fn new(name: &str, database_url: Option<String>) -> Server {
        let data_dir =
            std::env::temp_dir().join(format!("qanat-contract-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data_dir);
        Server {
            data_dir,
            database_url,
            child: None,
            addr: None,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_qanat"));
        cmd.args(args).arg("--data-dir").arg(&self.data_dir);
        cmd.env_remove("QANAT_DATABASE_URL");
        if let Some(url) = &self.database_url {
            cmd.arg("--database-url").arg(url);
        }
        cmd
    }

    /// Runs a `qanat` command and returns what it printed.
    fn qanat(&self, args: &[&str]) -> String {
        let out = self.command(args).output().expect("run qanat");
        assert!(
            out.status.success(),
            "qanat {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn token(&self, role: &str) -> String {
        self.qanat(&["token", "create", "--role", role])
    }

    fn start(&mut self) -> SocketAddr {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = self
            .command(&["serve", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn qanat serve");
        self.child = Some(child);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while !pings(addr) {
            assert!(Instant::now() < deadline, "qanat serve did not come up");
            thread::sleep(Duration::from_millis(50));
        }
        self.addr = Some(addr);
        addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

fn pings(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let request = format!("GET /ping HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut reply = String::new();
    stream.write_all(request.as_bytes()).is_ok()
        && stream.read_to_string(&mut reply).is_ok()
        && reply.starts_with("HTTP/1.1 200")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Sets up users and a custom role, starts the server and runs the suite.
fn run_contract(mut server: Server) {
    let role = server.data_dir.with_extension("role.json");
    std::fs::write(
        &role,
        r#"{"name": "no-secrets", "title": "Reads all but secrets",
            "grants": [{"filter": "secret != true", "permissions": ["read"]}]}"#,
    )
    .expect("write role file");
    let role_path = role.to_string_lossy().to_string();
    server.qanat(&["role", "add", &role_path]);
    let _ = std::fs::remove_file(&role);
    let tokens = [
        ("ADMIN_TOKEN", server.token("administrator")),
        ("VIEWER_TOKEN", server.token("viewer")),
        ("CONTRIBUTOR_TOKEN", server.token("contributor")),
        ("RESTRICTED_TOKEN", server.token("no-secrets")),
    ];
    let addr = server.start();
    let tests_dir = repo_root().join("tests");
    assert!(
        tests_dir.join("node_modules/@sanity/client").is_dir(),
        "tests/node_modules is missing: run `npm ci` in tests/ (scripts/test.sh does)"
    );
    let output = Command::new("node")
        .arg(tests_dir.join("js/contract.mjs"))
        .current_dir(&tests_dir)
        .env("QANAT_URL", format!("http://{addr}"))
        .envs(tokens.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the contract suite failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn sanity_client_contract_on_sqlite() {
    run_contract(Server::new("sqlite", None));
}

#[test]
fn sanity_client_contract_on_postgres() {
    let Ok(url) = std::env::var("QANAT_TEST_DATABASE_URL") else {
        panic!(
            "QANAT_TEST_DATABASE_URL is not set: this test needs PostgreSQL \
             (scripts/test.sh starts one and exports it)"
        );
    };
    let database = format!("qanat_contract_{}", std::process::id());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let options: PgConnectOptions = url.parse().expect("a postgres:// URL");
    runtime.block_on(async {
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            .execute(&admin)
            .await
            .expect("drop an old scratch database");
        // template0: template1 may have an autovacuum worker on it, and a
        // template in use cannot be copied.
        sqlx::raw_sql(&format!(
            "CREATE DATABASE {database} TEMPLATE template0 ENCODING 'UTF8'"
        ))
        .execute(&admin)
        .await
        .expect("CREATE DATABASE (the role needs CREATEDB)");
    });
    let scratch_url = {
        let (base, _) = url.rsplit_once('/').expect("a URL with a database name");
        format!("{base}/{database}")
    };
    let result = std::panic::catch_unwind(|| {
        run_contract(Server::new("postgres", Some(scratch_url)));
    });
    runtime.block_on(async {
        if let Ok(admin) = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
        {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
                .execute(&admin)
                .await;
        }
    });
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
