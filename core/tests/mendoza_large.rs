//! Mendoza on large documents: a small edit makes a small patch, quickly.
//!
//! The encoder runs on every committed write to feed listeners, so a
//! one-character edit in a 100 KB document must give a patch of a few dozen
//! bytes, in well under a few milliseconds.

use std::time::{Duration, Instant};

use qanat_core::mendoza::{apply, encode};
use serde_json::{json, Value};

const WORDS: &[&str] = &[
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "مرحبا",
    "بكم",
    "قناة",
    "الماء",
    "🙂",
    "naïve",
    "Ålesund",
    "content",
    "lake",
];

/// A portable-text document of about `bytes` bytes: blocks of spans, each
/// with a `_key`, plus metadata.
fn document(bytes: usize) -> Value {
    let mut blocks = Vec::new();
    let mut size = 0;
    let mut n = 0usize;
    while size < bytes {
        let text: Vec<&str> = (0..12)
            .map(|i| WORDS[(n * 7 + i * 3) % WORDS.len()])
            .collect();
        let block = json!({
            "_type": "block",
            "_key": format!("block{n}"),
            "style": if n % 5 == 0 { "h2" } else { "normal" },
            "markDefs": [],
            "children": [
                {"_type": "span", "_key": format!("span{n}a"), "text": text.join(" "), "marks": []},
                {"_type": "span", "_key": format!("span{n}b"), "text": format!("item {n}"), "marks": ["strong"]},
            ],
        });
        size += block.to_string().len();
        blocks.push(block);
        n += 1;
    }
    json!({
        "_id": "article-1",
        "_type": "article",
        "_rev": "abc",
        "title": "A long article",
        "tags": ["one", "two", "three"],
        "body": blocks,
    })
}

fn compact_len(value: &Value) -> usize {
    serde_json::to_string(value).expect("serializable").len()
}

/// The fastest of a few runs: the machine is shared, and the minimum is
/// the least disturbed measurement.
fn time_encode(left: &Value, right: &Value) -> (Value, Duration) {
    let mut best = Duration::MAX;
    let mut patch = Value::Null;
    for _ in 0..5 {
        let started = Instant::now();
        patch = encode(left, right);
        best = best.min(started.elapsed());
    }
    (patch, best)
}

#[test]
fn one_character_edits_in_100_kb_make_small_patches_quickly() {
    let left = document(100_000);
    let size = compact_len(&left);
    assert!(size >= 100_000, "document is {size} bytes");
    let middle = left["body"].as_array().map_or(0, Vec::len) / 2;

    // (what, the edited document, patch size limits for apply and revert)
    let mut edits: Vec<(&str, Value, usize, usize)> = Vec::new();
    let mut typo = left.clone();
    if let Some(Value::String(text)) = typo.pointer_mut(&format!("/body/{middle}/children/0/text"))
    {
        text.insert(text.len() / 2, 'x');
    }
    edits.push(("insert a character in a span", typo, 100, 100));
    let mut arabic = left.clone();
    if let Some(Value::String(text)) =
        arabic.pointer_mut(&format!("/body/{middle}/children/0/text"))
    {
        *text = text.replacen("قناة", "قناه", 1);
    }
    edits.push(("replace an Arabic character", arabic, 100, 100));
    let mut title = left.clone();
    title["title"] = json!("A long articles");
    edits.push(("append to the title", title, 100, 100));
    let mut style = left.clone();
    style["body"][middle]["style"] = json!("h3");
    edits.push(("change a block's style", style, 100, 100));
    // No common prefix: every block is matched by content.
    let mut moved = left.clone();
    if let Some(Value::Array(blocks)) = moved.get_mut("body") {
        blocks.rotate_left(1);
    }
    edits.push(("move the first block to the end", moved, 100, 100));
    // Putting a block back must write its content (about 270 bytes
    // literally); its neighbours' shape and words make it smaller.
    let mut deleted = left.clone();
    if let Some(Value::Array(blocks)) = deleted.get_mut("body") {
        blocks.remove(middle);
    }
    edits.push(("delete a block", deleted, 100, 250));

    for (what, right, apply_limit, revert_limit) in &edits {
        assert_ne!(&left, right, "{what}: the edit changed nothing");
        for (from, to, dir, limit) in [
            (&left, right, "apply", apply_limit),
            (right, &left, "revert", revert_limit),
        ] {
            let (patch, took) = time_encode(from, to);
            let bytes = compact_len(&patch);
            println!("{what} ({dir}): {bytes}-byte patch in {took:?} for a {size}-byte document: {patch}");
            assert!(bytes < *limit, "{what} ({dir}): {bytes} bytes: {patch}");
            assert_eq!(&apply(from, &patch).expect("applies"), to, "{what} ({dir})");
            // Generous: a guard against quadratic behaviour, not a benchmark.
            assert!(
                took < Duration::from_millis(50),
                "{what} ({dir}) took {took:?}"
            );
        }
    }
}

#[test]
fn one_character_edit_in_a_100_kb_string() {
    let text: String = (0..20_000)
        .map(|i| WORDS[i % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.len() >= 100_000);
    let left = json!({"text": text});
    let mut edited = text.clone();
    let mut at = edited.len() / 2;
    while !edited.is_char_boundary(at) {
        at += 1;
    }
    edited.insert(at, '!');
    let right = json!({"text": edited});
    let (patch, took) = time_encode(&left, &right);
    println!("{}-byte patch in {took:?}: {patch}", compact_len(&patch));
    assert!(compact_len(&patch) < 100, "{patch}");
    assert_eq!(apply(&left, &patch).expect("applies"), right);
}

#[test]
fn scattered_edits_in_a_long_string_reuse_what_is_unchanged() {
    // ASCII: after non-ASCII text only slices from the start or to the end
    // are exact in the npm decoder (see encode_string), so unchanged runs
    // between edits are reused only in ASCII text.
    let words = [
        "lorem",
        "ipsum",
        "dolor",
        "sit",
        "amet",
        "consectetur",
        "adipiscing",
    ];
    let text: String = (0..2000)
        .map(|i| words[(i * i + 3 * i) % words.len()])
        .collect::<Vec<_>>()
        .join(" ");
    let mut edited = text.clone();
    for at in [9000, 4000, 1000] {
        edited.insert_str(at, "EDIT");
    }
    let (left, right) = (json!(text), json!(edited));
    let (patch, took) = time_encode(&left, &right);
    println!("{}-byte patch in {took:?}: {patch}", compact_len(&patch));
    assert!(compact_len(&patch) < 100, "{patch}");
    assert_eq!(apply(&left, &patch).expect("applies"), right);
}
