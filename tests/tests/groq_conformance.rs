//! The GROQ test suite, run on native core and on core's wasm module under
//! wasmtime, with a ratchet.
//!
//! Both runs must agree test by test (the same result to the byte, the same
//! error): the module is what Workers and the browser demo run, so a
//! difference there is a bug even where both fail. The native run is then
//! held to `tests/groq-known-failures.txt`: a failure not listed there fails
//! this test; a listed test that passes is reported so the list can shrink.
//!
//! Needs core's wasm build (`scripts/test.sh` makes it first):
//! `cargo build -p qanat-core --target wasm32-unknown-unknown --release`.
//! Run alone with
//! `cargo test -p qanat-tests --test groq_conformance -- --nocapture`.
//! `QANAT_UPDATE_GROQ_KNOWN_FAILURES=1` rewrites the list from the run.
//!
//! The last line printed is `N passed, N failed` for the native run, which
//! CI reads.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use qanat_core::groq::{evaluate_json, QueryOptions};
use qanat_tests::conformance::{self, Case, Outcome, Suite};
use qanat_tests::wasm::{CoreModule, WasmError};

/// How many failures of each kind are printed in full.
const SHOW: usize = 50;

/// How many of the slowest tests each run lists.
const SLOWEST: usize = 10;

const UPDATE_ENV: &str = "QANAT_UPDATE_GROQ_KNOWN_FAILURES";

const KNOWN_FAILURES_HEADER: &str = "\
# GROQ test suite tests Qanat's engine may still fail: suite `_id`s, one a line.
# tests/tests/groq_conformance.rs fails on a failure not listed here and prints
# listed tests that pass, so this list only shrinks. To rewrite it from a run:
#   QANAT_UPDATE_GROQ_KNOWN_FAILURES=1 cargo test -p qanat-tests --test groq_conformance
# (and read the diff: a rewrite lists new failures too).
";

/// The clock and caller a host passes with every query (the suite's
/// `now()` and `identity()` tests only need them to be there).
const NOW: &str = "2026-01-01T00:00:00Z";
const IDENTITY: &str = "someuser";

/// The native run's thread; its panics are caught and reported as outcomes.
const NATIVE_THREAD: &str = "groq-native";

fn known_failures_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("groq-known-failures.txt")
}

#[test]
fn groq_conformance() {
    let compile_start = Instant::now();
    let mut module = CoreModule::load_default().unwrap_or_else(|e| panic!("{e}"));
    let compile_time = compile_start.elapsed();
    let load_start = Instant::now();
    let suite = conformance::load().unwrap_or_else(|e| panic!("cannot load the GROQ suite: {e}"));
    let load_time = load_start.elapsed();
    println!(
        "{}: {} tests on {} inline datasets (left out: {} on the remote movies dataset, {} for version 0.1); loaded in {}",
        conformance::SUITE,
        suite.cases.len(),
        suite.datasets.len(),
        suite.skipped_remote,
        suite.skipped_legacy,
        secs(load_time),
    );
    let stale = stale_module(module.path());
    if stale {
        println!(
            "warning: {} is older than core's sources; rebuild it with `{}`",
            module.path().display(),
            qanat_tests::wasm::BUILD_COMMAND
        );
    }

    // Two cores on CI: run both hosts at once.
    quiet_panics_on(NATIVE_THREAD);
    let ((native, native_time), (wasm, wasm_time)) = thread::scope(|s| {
        let native = thread::Builder::new()
            .name(NATIVE_THREAD.into())
            // A debug build of a recursive evaluator needs more than 2 MiB
            // on the suite's deeply nested queries.
            .stack_size(256 << 20)
            .spawn_scoped(s, || timed(|| run_native(&suite)))
            .expect("spawn the native run");
        let wasm = thread::Builder::new()
            .name("groq-wasm".into())
            .stack_size(16 << 20)
            .spawn_scoped(s, || timed(|| run_wasm(&suite, &mut module)))
            .expect("spawn the wasm run");
        (
            native.join().expect("the native run panicked"),
            wasm.join().expect("the wasm run panicked"),
        )
    });
    println!(
        "native run {}, wasm run {} (module compiled in {})",
        secs(native_time),
        secs(wasm_time),
        secs(compile_time)
    );
    print_slowest(&suite, "native", &native);
    print_slowest(&suite, "wasm", &wasm);
    let native: Vec<Outcome> = native.into_iter().map(|(o, _)| o).collect();
    let wasm: Vec<Outcome> = wasm.into_iter().map(|(o, _)| o).collect();

    let judged = |outcomes: &[Outcome]| -> Vec<bool> {
        suite
            .cases
            .iter()
            .zip(outcomes)
            .map(|(case, outcome)| conformance::passes(case, outcome))
            .collect()
    };
    let native_pass = judged(&native);
    let wasm_pass = judged(&wasm);

    let mut problems = Vec::new();

    let mismatches: Vec<usize> = (0..suite.cases.len())
        .filter(|&i| !conformance::same_outcome(&native[i], &wasm[i]))
        .collect();
    if !mismatches.is_empty() {
        println!(
            "\n{} tests where native and wasm differ{}:",
            mismatches.len(),
            shown(mismatches.len())
        );
        for &i in mismatches.iter().take(SHOW) {
            let case = &suite.cases[i];
            print_case(&suite, case);
            println!("  native:   {}", native[i]);
            println!("  wasm:     {}", wasm[i]);
        }
        problems.push(format!(
            "{} tests give different outcomes native and in wasm{}",
            mismatches.len(),
            if stale {
                " (the wasm module is stale: rebuild it)"
            } else {
                ""
            }
        ));
    }

    let known_text = std::fs::read_to_string(known_failures_path()).unwrap_or_default();
    let known = conformance::parse_known_failures(&known_text);
    if std::env::var_os(UPDATE_ENV).is_some() {
        let failing: HashSet<&str> = suite
            .cases
            .iter()
            .enumerate()
            .filter(|&(i, _)| !native_pass[i] || !wasm_pass[i])
            .map(|(_, c)| c.id.as_str())
            .collect();
        let text = conformance::render_known_failures(KNOWN_FAILURES_HEADER, &suite, &failing);
        std::fs::write(known_failures_path(), text).expect("write the known-failures list");
        println!(
            "\n{UPDATE_ENV}: wrote {} ids to {}",
            failing.len(),
            known_failures_path().display()
        );
    } else {
        let unexpected: Vec<usize> = (0..suite.cases.len())
            .filter(|&i| !native_pass[i] && !known.contains(&suite.cases[i].id))
            .collect();
        if !unexpected.is_empty() {
            println!(
                "\n{} failing tests not in {}{}:",
                unexpected.len(),
                known_failures_path().display(),
                shown(unexpected.len())
            );
            for &i in unexpected.iter().take(SHOW) {
                let case = &suite.cases[i];
                print_case(&suite, case);
                println!("  expected: {}", case.expected);
                println!("  got:      {}", native[i]);
            }
            problems.push(format!(
                "{} tests fail that are not in groq-known-failures.txt",
                unexpected.len()
            ));
        }

        let now_passing: Vec<&Case> = suite
            .cases
            .iter()
            .enumerate()
            .filter(|&(i, c)| native_pass[i] && wasm_pass[i] && known.contains(&c.id))
            .map(|(_, c)| c)
            .collect();
        if !now_passing.is_empty() {
            println!(
                "\n{} tests in groq-known-failures.txt now pass; remove them (or rerun with {UPDATE_ENV}=1){}:",
                now_passing.len(),
                shown(now_passing.len())
            );
            for case in now_passing.iter().take(SHOW) {
                println!("  {}", case.id);
            }
        }

        let ids: HashSet<&str> = suite.cases.iter().map(|c| c.id.as_str()).collect();
        let mut gone: Vec<&String> = known
            .iter()
            .filter(|id| !ids.contains(id.as_str()))
            .collect();
        if !gone.is_empty() {
            gone.sort();
            println!(
                "\n{} ids in groq-known-failures.txt are not in the suite; remove them:",
                gone.len()
            );
            for id in gone.iter().take(SHOW) {
                println!("  {id}");
            }
        }
    }

    if !problems.is_empty() {
        println!();
        for problem in &problems {
            println!("FAILED: {problem}");
        }
    }
    let count = |pass: &[bool]| {
        let passed = pass.iter().filter(|p| **p).count();
        (passed, pass.len() - passed)
    };
    let (wasm_passed, wasm_failed) = count(&wasm_pass);
    let (passed, failed) = count(&native_pass);
    println!("\nnative: {passed} passed, {failed} failed");
    println!("wasm: {wasm_passed} passed, {wasm_failed} failed");
    println!("{passed} passed, {failed} failed");

    if !problems.is_empty() {
        // The reasons are printed above; keep the count the last line of
        // output, as CI reads it, by failing without the panic message.
        panic::set_hook(Box::new(|_| {}));
        panic!("{}", problems.join("; "));
    }
}

/// Each test's outcome and how long it took.
fn run_native(suite: &Suite) -> Vec<(Outcome, Duration)> {
    suite
        .cases
        .iter()
        .map(|case| {
            let options = QueryOptions {
                params: case.params.clone(),
                now: Some(NOW.into()),
                identity: Some(IDENTITY.into()),
                ..QueryOptions::default()
            };
            let documents = &suite.dataset(case).documents;
            timed(|| {
                match panic::catch_unwind(AssertUnwindSafe(|| {
                    evaluate_json(&case.query, documents, &options)
                })) {
                    Ok(result) => Outcome::from_native(result),
                    Err(payload) => Outcome::Crash(panic_message(payload.as_ref())),
                }
            })
        })
        .collect()
}

fn run_wasm(suite: &Suite, module: &mut CoreModule) -> Vec<(Outcome, Duration)> {
    let start = format!(
        r#"{{"op":"query","now":{},"identity":{},"query":"#,
        serde_json::Value::from(NOW),
        serde_json::Value::from(IDENTITY)
    );
    suite
        .cases
        .iter()
        .map(|case| {
            let query = serde_json::to_string(&case.query).expect("a string serializes");
            let params = serde_json::to_string(&case.params).expect("a map serializes");
            let parts: [&[u8]; 7] = [
                start.as_bytes(),
                query.as_bytes(),
                br#","params":"#,
                params.as_bytes(),
                br#","dataset":"#,
                suite.dataset(case).json.as_bytes(),
                b"}",
            ];
            timed(|| match module.call_parts(&parts) {
                Ok(response) => Outcome::from_api_response(&response),
                Err(WasmError::Trap(message)) => Outcome::Crash(message),
                Err(WasmError::BadResponse(message)) => Outcome::Error {
                    kind: "badResponse".into(),
                    description: message,
                },
                Err(e) => panic!("{}: {e}", case.id),
            })
        })
        .collect()
}

fn print_case(suite: &Suite, case: &Case) {
    println!("- {} ({}: {})", case.id, case.filename, case.name);
    println!(
        "  query:    {}",
        case.query.trim_end().replace('\n', "\n            ")
    );
    if !case.params.is_empty() {
        println!(
            "  params:   {}",
            conformance::abbreviate(&serde_json::Value::Object(case.params.clone()), 300)
        );
    }
    if !case.features.is_empty() {
        println!("  features: {}", case.features.join(", "));
    }
    let dataset = suite.dataset(case);
    println!(
        "  dataset:  {} ({} documents)",
        dataset.id,
        dataset.documents.len()
    );
}

/// The slowest tests of a run, so a slow spot in the engine shows up here
/// before the suite outgrows its time budget.
fn print_slowest(suite: &Suite, host: &str, run: &[(Outcome, Duration)]) {
    let mut by_time: Vec<usize> = (0..run.len()).collect();
    by_time.sort_by_key(|&i| std::cmp::Reverse(run[i].1));
    let slowest: Vec<String> = by_time
        .iter()
        .take(SLOWEST)
        .map(|&i| {
            format!(
                "{} {:.0} ms",
                suite.cases[i].id,
                run[i].1.as_secs_f64() * 1e3
            )
        })
        .collect();
    println!("slowest {host}: {}", slowest.join(", "));
}

fn shown(n: usize) -> String {
    if n > SHOW {
        format!(" (first {SHOW})")
    } else {
        String::new()
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Silences the default panic report on `thread_name`, whose panics
/// `catch_unwind` turns into outcomes; a broken engine would otherwise print
/// thousands of them.
fn quiet_panics_on(thread_name: &'static str) {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if thread::current().name() != Some(thread_name) {
            default(info);
        }
    }));
}

/// Whether any file of core's is newer than the wasm module built from it.
fn stale_module(module: &Path) -> bool {
    fn newest(path: &Path) -> Option<SystemTime> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_dir() {
            return meta.modified().ok();
        }
        std::fs::read_dir(path)
            .ok()?
            .filter_map(|entry| newest(&entry.ok()?.path()))
            .max()
    }
    let core = qanat_tests::repo_root().join("core");
    let sources = [core.join("src"), core.join("Cargo.toml")]
        .iter()
        .filter_map(|p| newest(p))
        .max();
    match (
        sources,
        std::fs::metadata(module).and_then(|m| m.modified()),
    ) {
        (Some(src), Ok(built)) => src > built,
        _ => false,
    }
}
