//! Mendoza against the reference differ's own patches.
//!
//! `golden-go-patches.ndjson` holds `{name, left, right, apply, revert}`
//! vectors made by Sanity's Go differ (`sanity-io/mendoza`): `apply` turns
//! `left` into `right`, `revert` turns `right` back into `left`. The decoder
//! must run every one of them, and the encoder's own patches for the same
//! pairs must round-trip and stay about as small. (That the npm decoder
//! reads the encoder's patches the same way is checked in
//! `tests/tests/mendoza_differential.rs`.)

use std::path::PathBuf;

use qanat_core::mendoza::{apply, encode};
use serde_json::Value;

struct Vector {
    name: String,
    left: Value,
    right: Value,
    apply: Value,
    revert: Value,
}

fn vectors() -> Vec<Vector> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/reference/mendoza/golden-go-patches.ndjson");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is missing: {e}", path.display()));
    let vectors: Vec<Vector> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).expect("each line is JSON");
            let mut take = |k: &str| v.get_mut(k).map(Value::take).unwrap_or(Value::Null);
            Vector {
                name: take("name").as_str().unwrap_or("?").to_string(),
                left: take("left"),
                right: take("right"),
                apply: take("apply"),
                revert: take("revert"),
            }
        })
        .collect();
    assert_eq!(vectors.len(), 226, "the golden file has 226 vectors");
    vectors
}

/// Compact JSON bytes, as a patch travels.
fn bytes(patch: &Value) -> usize {
    serde_json::to_string(patch).expect("serializable").len()
}

/// Characters of compact JSON with non-ASCII escaped (`\uXXXX` per UTF-16
/// unit), the measure the reference total (25,379) is given in.
fn ascii_chars(patch: &Value) -> usize {
    let text = serde_json::to_string(patch).expect("serializable");
    text.chars()
        .map(|c| if c.is_ascii() { 1 } else { 6 * c.len_utf16() })
        .sum()
}

#[test]
fn decoder_runs_every_reference_patch() {
    let mut failures = Vec::new();
    for v in vectors() {
        for (dir, from, patch, to) in [
            ("apply", &v.left, &v.apply, &v.right),
            ("revert", &v.right, &v.revert, &v.left),
        ] {
            match apply(from, patch) {
                Ok(got) if &got == to => {}
                other => failures.push(format!("{} {dir}: {patch} gave {other:?}", v.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn encoder_round_trips_and_is_no_larger_than_the_reference() {
    let (mut ours, mut reference) = (0, 0);
    let (mut ours_ascii, mut reference_ascii) = (0, 0);
    let mut failures = Vec::new();
    let mut larger = Vec::new();
    for v in vectors() {
        for (dir, from, to, theirs) in [
            ("apply", &v.left, &v.right, &v.apply),
            ("revert", &v.right, &v.left, &v.revert),
        ] {
            let patch = encode(from, to);
            match apply(from, &patch) {
                Ok(got) if &got == to => {}
                other => failures.push(format!("{} {dir}: {patch} gave {other:?}", v.name)),
            }
            ours += bytes(&patch);
            reference += bytes(theirs);
            ours_ascii += ascii_chars(&patch);
            reference_ascii += ascii_chars(theirs);
            if bytes(&patch) > bytes(theirs) {
                larger.push(format!(
                    "{} {dir}: ours {patch}\n   reference {theirs}",
                    v.name
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let ratio = ours as f64 / reference as f64;
    println!(
        "encoder patches: {ours} bytes, reference differ: {reference} bytes, ratio {ratio:.3}; \
         {} of 452 patches larger than the reference's",
        larger.len()
    );
    println!(
        "with non-ASCII escaped: {ours_ascii} against {reference_ascii} characters, ratio {:.3}",
        ours_ascii as f64 / reference_ascii as f64
    );
    for l in larger.iter().take(20) {
        println!("{l}");
    }
    assert_eq!(
        reference_ascii, 25_379,
        "the issue's measure of the reference"
    );
    assert!(
        ratio <= 1.10,
        "patches are {ratio:.3} times the reference's"
    );
    assert!(
        ours_ascii as f64 <= 1.10 * reference_ascii as f64,
        "{ours_ascii} characters against {reference_ascii}"
    );
}
