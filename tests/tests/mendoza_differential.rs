//! Differential test of `qanat_core::mendoza` against the `mendoza` npm
//! package (3.0.8), the decoder Sanity's clients run on listener events.
//!
//! Every patch the encoder makes must turn its left value into its right
//! value in both decoders: for the reference differ's golden pairs (in both
//! directions) and for thousands of generated document pairs
//! (`qanat_tests::doc_gen`). All cases go through one node process. The same
//! requests then run through core's wasm build (`mendoza.encode` and
//! `mendoza.apply`), which must answer exactly as the native build does.
//!
//! Needs `node` and `npm ci` in `tests/`; without them the test fails.

use qanat_core::mendoza::{apply, encode};
use qanat_tests::wasm::CoreModule;
use qanat_tests::{doc_gen, node, reference_path, rng::Rng};
use serde_json::{json, Value};

const SEED: u64 = 0x3E4D_0CA0_2024_0004;
const GENERATED_PAIRS: usize = 2_000;

struct Case {
    origin: String,
    left: Value,
    right: Value,
    patch: Value,
}

fn golden_cases() -> Vec<Case> {
    let path = reference_path("mendoza/golden-go-patches.ndjson");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is missing: {e}", path.display()));
    let mut cases = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("each line is JSON");
        let name = v["name"].as_str().unwrap_or("?");
        for (dir, left, right) in [
            ("apply", &v["left"], &v["right"]),
            ("revert", &v["right"], &v["left"]),
        ] {
            cases.push(Case {
                origin: format!("{name} {dir}"),
                left: left.clone(),
                right: right.clone(),
                patch: encode(left, right),
            });
        }
    }
    assert_eq!(cases.len(), 452, "226 golden pairs, both directions");
    cases
}

fn generated_cases() -> Vec<Case> {
    let mut rng = Rng::new(SEED);
    let mut cases = Vec::new();
    for i in 0..GENERATED_PAIRS {
        let (left, right) = doc_gen::pair(&mut rng);
        for (dir, l, r) in [("apply", &left, &right), ("revert", &right, &left)] {
            cases.push(Case {
                origin: format!("generated #{i} {dir}"),
                left: l.clone(),
                right: r.clone(),
                patch: encode(l, r),
            });
        }
    }
    cases
}

/// The npm decoder's result for every case, in order.
fn npm_results(cases: &[Case]) -> Vec<Value> {
    let input: String = cases
        .iter()
        .map(|c| format!("{}\n", json!({"left": c.left, "patch": c.patch})))
        .collect();
    let output = node::run_script("mendoza-apply.mjs", &input);
    let results: Vec<Value> = output
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).expect("the oracle prints JSON lines"))
        .collect();
    assert_eq!(results.len(), cases.len(), "the oracle answered every case");
    results
}

fn check(cases: &[Case]) -> Vec<String> {
    let npm = npm_results(cases);
    let mut failures = Vec::new();
    for (case, js) in cases.iter().zip(&npm) {
        let ours = apply(&case.left, &case.patch);
        let ok_ours = ours.as_ref().is_ok_and(|v| v == &case.right);
        let ok_js = js.get("result") == Some(&case.right);
        if !(ok_ours && ok_js) {
            failures.push(format!(
                "--- {}\nleft:  {}\nright: {}\npatch: {}\nours:  {:?}\nnpm:   {js}",
                case.origin, case.left, case.right, case.patch, ours
            ));
        }
    }
    failures
}

fn report(what: &str, cases: &[Case], failures: &[String]) {
    let bytes: usize = cases.iter().map(|c| c.patch.to_string().len()).sum();
    let docs: usize = cases.iter().map(|c| c.right.to_string().len()).sum();
    println!(
        "{what}: {} cases, {} failed; patches {bytes} bytes for {docs} bytes of documents",
        cases.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} {what} cases fail; the first ones:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn encoder_patches_for_golden_pairs_decode_in_npm_mendoza() {
    let cases = golden_cases();
    let failures = check(&cases);
    report("golden", &cases, &failures);
}

#[test]
fn encoder_patches_for_generated_pairs_decode_in_both_decoders() {
    let started = std::time::Instant::now();
    let cases = generated_cases();
    let encoded = started.elapsed();
    let failures = check(&cases);
    println!(
        "encoding took {encoded:?}, everything {:?}",
        started.elapsed()
    );
    report("generated", &cases, &failures);
    let unchanged = cases.iter().filter(|c| c.left == c.right).count();
    let literal = cases
        .iter()
        .filter(|c| c.patch.get(0) == Some(&json!(0)))
        .count();
    println!("{unchanged} pairs unchanged, {literal} patches replace the whole value");
    // The suite must mostly exercise structural patches, not literals.
    assert!(literal * 5 < cases.len(), "{literal} literal patches");
}

/// Core's wasm build answers `mendoza.encode` and `mendoza.apply` exactly as
/// the native build does.
#[test]
fn wasm_build_matches_native() {
    let mut module = CoreModule::load_default().unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Rng::new(SEED ^ 0xFF);
    let mut checked = 0;
    for _ in 0..300 {
        let (left, right) = doc_gen::pair(&mut rng);
        let patch = encode(&left, &right);
        let call = |module: &mut CoreModule, request: Value| -> Value {
            let response = module
                .call(&request.to_string())
                .unwrap_or_else(|e| panic!("{e}"));
            serde_json::from_str(&response).expect("the module answers JSON")
        };
        let encoded = call(
            &mut module,
            json!({"op": "mendoza.encode", "left": left, "right": right}),
        );
        assert_eq!(encoded, json!({"result": patch}), "mendoza.encode");
        let applied = call(
            &mut module,
            json!({"op": "mendoza.apply", "left": left, "patch": patch}),
        );
        assert_eq!(applied, json!({"result": right}), "mendoza.apply");
        checked += 1;
    }
    let bad = module
        .call(&json!({"op": "mendoza.apply", "left": {}, "patch": [6, 3]}).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let bad: Value = serde_json::from_str(&bad).expect("JSON");
    assert_eq!(bad["error"]["type"], "badRequest", "{bad}");
    println!("{checked} pairs through {}", module.path().display());
}
