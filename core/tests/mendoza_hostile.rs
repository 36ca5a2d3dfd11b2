//! The decoder on hostile patches: random garbage, truncated and corrupted
//! real patches. Every one must give a value or a `MendozaError`, never a
//! panic, an overflow or a hang.

use std::panic::{catch_unwind, AssertUnwindSafe};

use qanat_core::mendoza::{apply, encode, MendozaError};
use serde_json::{json, Value};

/// SplitMix64, seeded: the same garbage on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn documents() -> Vec<Value> {
    vec![
        json!(null),
        json!(7),
        json!("héllo 🙂 مرحبا"),
        json!([]),
        json!({}),
        json!([1, "two", [3], {"four": 4}, null]),
        json!({"a": 1, "b": {"c": [1, 2, {"d": "é"}]}, "s": "text", "ﬀ": 1, "😀": 2}),
        json!({"body": [{"_key": "a", "children": [{"text": "x🙂y"}]}, {"_key": "b"}]}),
    ]
}

/// A parameter of any kind, often almost right.
fn param(rng: &mut Rng) -> Value {
    match rng.below(12) {
        0..=4 => json!(rng.below(6)),
        5 => json!(rng.next()),
        6 => json!(-(rng.below(3) as i64) - 1),
        7 => json!(rng.below(4) as f64 + 0.5),
        8 => json!(["a", "b", "é", "", "🙂"][rng.below(5)]),
        9 => json!({"k": rng.below(3)}),
        10 => json!([rng.below(3)]),
        _ => Value::Null,
    }
}

fn garbage(rng: &mut Rng) -> Value {
    let len = rng.below(24);
    let items = (0..len)
        .map(|_| {
            if rng.below(3) == 0 {
                param(rng)
            } else {
                // Mostly real opcodes, sometimes not.
                json!(rng.below(27))
            }
        })
        .collect();
    Value::Array(items)
}

/// A real patch, corrupted: an item changed, dropped, duplicated, or the
/// patch cut short.
fn corrupted(rng: &mut Rng, patch: &Value) -> Value {
    let mut items = patch.as_array().cloned().unwrap_or_default();
    for _ in 0..1 + rng.below(3) {
        if items.is_empty() {
            break;
        }
        let i = rng.below(items.len());
        match rng.below(5) {
            0 => items[i] = param(rng),
            1 => {
                items.remove(i);
            }
            2 => {
                let item = items[i].clone();
                items.insert(i, item);
            }
            3 => items.truncate(i),
            _ => {
                if let Some(n) = items[i].as_u64() {
                    items[i] = json!(n + 1);
                }
            }
        }
    }
    Value::Array(items)
}

fn run(left: &Value, patch: &Value) -> Result<Result<Value, MendozaError>, String> {
    catch_unwind(AssertUnwindSafe(|| apply(left, patch)))
        .map_err(|_| format!("apply panicked on left {left} with patch {patch}"))
}

#[test]
fn garbage_patches_are_errors_not_panics() {
    let mut rng = Rng(0xBAD_0DE5);
    let docs = documents();
    let (mut ok, mut err) = (0, 0);
    for _ in 0..20_000 {
        let left = &docs[rng.below(docs.len())];
        match run(left, &garbage(&mut rng)) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => err += 1,
            Err(panic) => panic!("{panic}"),
        }
    }
    println!("garbage: {ok} applied, {err} rejected");
    assert!(
        err > ok,
        "most garbage must be rejected ({ok} applied, {err} rejected)"
    );
}

#[test]
fn corrupted_real_patches_are_errors_not_panics() {
    let mut rng = Rng(0x0C02_20B7);
    let docs = documents();
    let (mut ok, mut err) = (0, 0);
    for _ in 0..20_000 {
        let left = &docs[rng.below(docs.len())];
        let right = &docs[rng.below(docs.len())];
        let patch = corrupted(&mut rng, &encode(left, right));
        match run(left, &patch) {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(_)) => err += 1,
            Err(panic) => panic!("{panic}"),
        }
    }
    println!("corrupted: {ok} applied, {err} rejected");
    assert!(err > 0 && ok > 0, "{ok} applied, {err} rejected");
}

#[test]
fn not_a_patch_at_all() {
    for patch in [json!(null), json!(1), json!("[]"), json!({"0": 0})] {
        assert!(matches!(
            apply(&json!({}), &patch),
            Err(MendozaError::NotAnArray { .. })
        ));
    }
}
