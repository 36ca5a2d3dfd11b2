//! Running the project's Node scripts (`tests/js/`) as oracles.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::repo_root;

/// Runs `node tests/js/<script>` with `input` on stdin and returns stdout.
/// Panics with a clear message when Node or the npm packages are missing:
/// a differential suite that cannot reach its oracle must fail, not pass.
pub fn run_script(script: &str, input: &str) -> String {
    let tests_dir = repo_root().join("tests");
    assert!(
        tests_dir.join("node_modules").is_dir(),
        "tests/node_modules is missing: run `npm ci` in tests/ (scripts/test.sh does)"
    );
    let mut child = Command::new("node")
        .arg(tests_dir.join("js").join(script))
        .current_dir(&tests_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start node for {script}: {e}"));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("node runs");
    writer
        .join()
        .expect("writer thread")
        .expect("writing to node");
    assert!(
        output.status.success(),
        "node {script} failed: {}",
        output.status
    );
    String::from_utf8(output.stdout).expect("node prints UTF-8")
}
