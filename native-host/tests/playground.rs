//! The GROQ playground (`web-demo/`, built by `scripts/playground.sh`) in
//! headless Chromium against `qanat serve`, which serves it at
//! `/playground/` (`tests/js/playground.mjs`). Leaves a screenshot in
//! `tests/artifacts/playground.png`.

mod process;

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_playground_runs_queries_in_the_browser_and_follows_a_server() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let built = root.join("web-demo/dist/playground");
    assert!(
        built.join("qanat_web_demo_bg.wasm").exists(),
        "{} is not built: run `bash scripts/playground.sh` (scripts/test.sh does)",
        built.display()
    );
    let tests_dir = root.join("tests");
    assert!(
        tests_dir.join("node_modules/playwright-core").is_dir(),
        "tests/node_modules is missing: run `npm ci` in tests/ (scripts/test.sh does)"
    );
    let data_dir = std::env::temp_dir().join(format!("qanat-playground-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let token = process::admin_token(&data_dir, None);
    let playground = built.to_string_lossy().into_owned();
    let node = process::Node::start_with(&data_dir, None, &["--playground-dir", &playground]);
    let output = Command::new("node")
        .arg(tests_dir.join("js/playground.mjs"))
        .current_dir(&tests_dir)
        .env("QANAT_URL", format!("http://{}", node.addr))
        .env("ADMIN_TOKEN", &token)
        .env("ARTIFACTS_DIR", tests_dir.join("artifacts"))
        .output()
        .expect("run node");
    drop(node);
    let _ = std::fs::remove_dir_all(&data_dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "the playground failed in Chromium:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
