//! Sizes in compact JSON text, which is what a patch costs on the wire.
//!
//! The encoder chooses between ways of writing the same change by these
//! numbers, so they must match what `serde_json` writes: strings escape `"`,
//! `\` and control characters (the five with short forms as two bytes, the
//! rest as `\u00XX`), and nothing else.

use serde_json::{Number, Value};

use super::content::MAX_DEPTH;

/// Bytes of `text` as a JSON string, quotes included.
pub(crate) fn string(text: &str) -> usize {
    // Eight bytes at a time: most words hold nothing to escape.
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut total = 2;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let special = w.wrapping_sub(0x20 * ONES) & !w & HIGH
            | has_zero(w ^ (b'"' as u64 * ONES))
            | has_zero(w ^ (b'\\' as u64 * ONES));
        total += if special == 0 {
            8
        } else {
            chunk.iter().map(|&b| escaped(b)).sum()
        };
    }
    total
        + chunks
            .remainder()
            .iter()
            .map(|&b| escaped(b))
            .sum::<usize>()
}

fn escaped(byte: u8) -> usize {
    match byte {
        b'"' | b'\\' | 0x08 | 0x09 | 0x0A | 0x0C | 0x0D => 2,
        0x00..=0x1F => 6,
        _ => 1,
    }
}

/// Bytes of `value` in compact JSON.
pub(crate) fn value(value: &Value) -> usize {
    value_within(value, usize::MAX).unwrap_or(usize::MAX)
}

/// Bytes of `value` in compact JSON if they are at most `cap`; counting stops
/// as soon as they pass it, so asking whether a large value is smaller than
/// a small patch costs little.
pub(crate) fn value_within(value: &Value, cap: usize) -> Option<usize> {
    let mut total = 0;
    add(value, cap, &mut total, 0).then_some(total)
}

fn add(value: &Value, cap: usize, total: &mut usize, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match value {
        Value::Null | Value::Bool(true) => *total += 4,
        Value::Bool(false) => *total += 5,
        Value::Number(n) => *total += number(n),
        Value::String(s) => {
            // Its length is a lower bound; skip the escapes when that is
            // already too much.
            if total.saturating_add(s.len() + 2) > cap {
                return false;
            }
            *total += string(s);
        }
        Value::Array(items) => {
            *total += 1 + items.len().max(1);
            for item in items {
                if *total > cap || !add(item, cap, total, depth + 1) {
                    return false;
                }
            }
        }
        Value::Object(map) => {
            *total += 1 + map.len().max(1);
            for (key, item) in map {
                *total += string(key) + 1;
                if *total > cap || !add(item, cap, total, depth + 1) {
                    return false;
                }
            }
        }
    }
    *total <= cap
}

/// Bytes of a non-negative integer.
pub(crate) fn uint(n: usize) -> usize {
    digits(n as u64)
}

fn digits(mut n: u64) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Bytes of a number as `serde_json` writes it.
pub(crate) fn number(n: &Number) -> usize {
    if let Some(u) = n.as_u64() {
        return digits(u);
    }
    if let Some(i) = n.as_i64() {
        return 1 + digits(i.unsigned_abs());
    }
    struct Count(usize);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len();
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::write(&mut count, format_args!("{n}"));
    count.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn value_sizes_match_serde_json_and_stop_at_the_cap() {
        let doc = json!({"a": [1, "x\n", null, true, false, {}], "b": {"c": [], "d": -2.5}, "e": "مرحبا"});
        let exact = serde_json::to_string(&doc).unwrap().len();
        assert_eq!(value(&doc), exact);
        assert_eq!(value_within(&doc, exact), Some(exact));
        assert_eq!(value_within(&doc, exact - 1), None);
        assert_eq!(value_within(&json!("x".repeat(1000)), 10), None);
    }

    #[test]
    fn sizes_match_serde_json() {
        for value in [
            json!(""),
            json!("plain"),
            json!("quote\" back\\ nl\n tab\t bell\u{7} nul\0 del\u{7f}"),
            json!("مرحبا 🙂"),
            json!("long enough for words: \"quoted\" and \u{1f} and ✓ and more"),
            json!("\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{f}\u{10}"),
            json!(0),
            json!(9),
            json!(10),
            json!(123456789),
            json!(u64::MAX),
            json!(-1),
            json!(i64::MIN),
            json!(0.5),
            json!(1.0),
            json!(-1.25e-300),
            json!(0.1188657283782959),
        ] {
            let expected = serde_json::to_string(&value).unwrap().len();
            let got = match &value {
                Value::String(s) => string(s),
                Value::Number(n) => number(n),
                _ => unreachable!(),
            };
            assert_eq!(got, expected, "{value}");
        }
    }
}
