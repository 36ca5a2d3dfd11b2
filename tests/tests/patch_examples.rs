//! The 39 cases of Sanity's mutator fixture (`shared/reference/mutator/patchExamples.json`),
//! run as data: each `before` patched with `patch` must equal `after`.

use qanat_core::mutation::patch::apply_patch_json;
use serde_json::Value;

#[test]
fn patch_examples_fixture() {
    let path = qanat_tests::reference_path("mutator/patchExamples.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let groups: serde_json::Map<String, Value> =
        serde_json::from_str(&text).expect("fixture is JSON");
    let mut passed = 0;
    let mut failures = Vec::new();
    for (group, cases) in &groups {
        for case in cases.as_array().expect("a list of cases") {
            let name = format!("{group}: {}", case["name"].as_str().unwrap_or("?"));
            let mut doc = case["before"].clone();
            match apply_patch_json(&mut doc, &case["patch"]) {
                Ok(()) if doc == case["after"] => passed += 1,
                Ok(()) => failures.push(format!(
                    "{name}\n  expected {}\n  got      {doc}",
                    case["after"]
                )),
                Err(e) => failures.push(format!("{name}\n  error: {e}")),
            }
        }
    }
    println!("{passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
    assert_eq!(passed, 39, "the fixture has 39 cases");
}
