//! Generated pairs of documents for the Mendoza differential suite: a
//! Sanity-like document and a copy with a few random edits, the kinds a
//! Studio session makes. Portable-text arrays of keyed blocks get items
//! inserted, deleted, moved, duplicated and edited; strings (ASCII, Arabic,
//! Hebrew, emoji with joiners and flags, so UTF-8 byte offsets matter) get
//! characters inserted, deleted and replaced, sometimes deep inside a long
//! text; fields are added, deleted, renamed, and change type.
//!
//! Values stay within what JSON round-trips exactly through JavaScript:
//! integers below 2^53, floats with a fractional part (a float like `1.0`
//! comes back from JS as the integer `1`), no `-0`. Keys never include
//! `__proto__`, which JS objects treat specially.

use serde_json::{json, Map, Value};

use crate::rng::Rng;

const ASCII: &[&str] = &[
    "the",
    "quick",
    "brown",
    "fox",
    "lorem",
    "ipsum",
    "Sanity",
    "content",
    "lake",
    "qanat",
    "a",
    "I",
    "42",
    "-",
    ",",
    ".",
    "!",
    "\"quoted\"",
    "back\\slash",
    "tab\there",
    "line\nbreak",
];
const ARABIC: &[&str] = &[
    "مرحبا",
    "بكم",
    "في",
    "قناة",
    "الماء",
    "تحت",
    "الأرض",
    "كتاب",
    "سلام",
    "،",
];
const HEBREW: &[&str] = &["שלום", "עולם", "מים", "תעלה", "ספר"];
const EMOJI: &[&str] = &[
    "😀",
    "🎉",
    "👍🏽",
    "👨‍👩‍👧",
    "🇳🇴",
    "❤️",
    "🚀",
    "𝕏",
    "é",
    "ß",
    "中文",
    "ﬀ",
    "\u{FFFD}",
];
/// Field names, including ones whose UTF-8 and UTF-16 sort orders differ
/// (U+FB00 against U+1F600), which only Go's byte order indexes correctly.
const KEYS: &[&str] = &[
    "title",
    "subtitle",
    "count",
    "price",
    "flag",
    "nothing",
    "tags",
    "meta",
    "seo",
    "author",
    "body",
    "gallery",
    "extra",
    "a",
    "b",
    "z",
    "_weak",
    "ﬀ",
    "😀",
    "ключ",
    "مفتاح",
];

/// A document and an edited copy.
pub fn pair(rng: &mut Rng) -> (Value, Value) {
    let left = document(rng);
    let mut right = left.clone();
    let edits = match rng.below(10) {
        0 => 0,
        1..=5 => 1,
        6..=8 => 1 + rng.below(4),
        _ => 5 + rng.below(10),
    };
    for _ in 0..edits {
        edit(rng, &mut right);
    }
    if rng.chance(2) {
        // Now and then, something else altogether.
        right = value(rng, 0);
    }
    (left, right)
}

pub fn document(rng: &mut Rng) -> Value {
    let mut doc = Map::new();
    let id = rng.below(1000);
    doc.insert("_id".into(), json!(format!("doc-{id}")));
    doc.insert(
        "_type".into(),
        json!(*rng.pick(&["post", "page", "author"])),
    );
    doc.insert("_rev".into(), json!(format!("rev{}", rng.below(100))));
    let words = 1 + rng.below(6);
    doc.insert("title".into(), json!(sentence(rng, words)));
    if rng.chance(70) {
        doc.insert("views".into(), json!(rng.below(10_000)));
    }
    if rng.chance(50) {
        doc.insert("rating".into(), float(rng));
    }
    if rng.chance(50) {
        doc.insert("flag".into(), json!(rng.chance(50)));
    }
    if rng.chance(30) {
        doc.insert("nothing".into(), Value::Null);
    }
    if rng.chance(70) {
        let n = rng.below(6);
        doc.insert(
            "tags".into(),
            Value::Array((0..n).map(|_| json!(word(rng))).collect()),
        );
    }
    let blocks = match rng.below(20) {
        0 => 0,
        1..=18 => 1 + rng.below(6),
        _ => 10 + rng.below(30),
    };
    doc.insert(
        "body".into(),
        Value::Array((0..blocks).map(|_| block(rng)).collect()),
    );
    if rng.chance(60) {
        doc.insert(
            "meta".into(),
            json!({"seo": {"description": sentence(rng, 3), "score": float(rng)}, "author": {"_type": "reference", "_ref": format!("author-{}", rng.below(10))}}),
        );
    }
    if rng.chance(30) {
        let n = rng.below(5);
        doc.insert(
            "gallery".into(),
            Value::Array(
                (0..n)
                    .map(|_| json!({"_key": key(rng), "_type": "image", "asset": {"_ref": format!("image-{}", rng.below(100))}}))
                    .collect(),
            ),
        );
    }
    if rng.chance(10) {
        // A long text: a small edit in it must stay small.
        let n = 100 + rng.below(500);
        doc.insert("long".into(), json!(sentence(rng, n)));
    }
    if rng.chance(20) {
        doc.insert("extra".into(), value(rng, 1));
    }
    if rng.chance(15) {
        // Keys that sort one way by UTF-8 bytes and another by UTF-16
        // units (U+FB00.. against U+1F600..).
        let mut names = Map::new();
        for key in ["a", "ﬀ", "ﬁ", "😀", "🙂", "z"] {
            if rng.chance(80) {
                names.insert(key.into(), value(rng, 2));
            }
        }
        doc.insert("names".into(), Value::Object(names));
    }
    Value::Object(doc)
}

fn block(rng: &mut Rng) -> Value {
    let spans = 1 + rng.below(3);
    json!({
        "_type": "block",
        "_key": key(rng),
        "style": *rng.pick(&["normal", "h1", "h2", "blockquote"]),
        "markDefs": [],
        "children": (0..spans).map(|_| span(rng)).collect::<Vec<_>>(),
    })
}

fn span(rng: &mut Rng) -> Value {
    let n = 1 + rng.below(12);
    let marks: Vec<&str> = if rng.chance(30) {
        vec!["strong"]
    } else {
        vec![]
    };
    json!({"_type": "span", "_key": key(rng), "text": sentence(rng, n), "marks": marks})
}

fn key(rng: &mut Rng) -> String {
    format!("k{:x}", rng.next_u64() % 0xFFFF_FFFF)
}

fn word(rng: &mut Rng) -> &'static str {
    let pool = match rng.below(10) {
        0..=3 => ASCII,
        4..=6 => ARABIC,
        7 => HEBREW,
        _ => EMOJI,
    };
    pool[rng.below(pool.len())]
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        if i > 0 && !rng.chance(10) {
            out.push(' ');
        }
        out.push_str(word(rng));
    }
    out
}

/// A float with a fractional part, so it survives a trip through JS as a
/// float.
fn float(rng: &mut Rng) -> Value {
    let whole = rng.below(2000) as f64 - 1000.0;
    let fraction = (1 + rng.below(999)) as f64 / 1000.0;
    json!(whole + fraction)
}

fn value(rng: &mut Rng, depth: usize) -> Value {
    let containers = if depth < 3 { 30 } else { 0 };
    match rng.below(70 + containers) {
        0..=9 => Value::Null,
        10..=19 => json!(rng.chance(50)),
        20..=29 => json!(rng.below(1000) as i64 - 100),
        30..=39 => float(rng),
        40..=69 => {
            let n = rng.below(5);
            json!(sentence(rng, n))
        }
        70..=84 => {
            let n = rng.below(5);
            Value::Array((0..n).map(|_| value(rng, depth + 1)).collect())
        }
        _ => {
            let n = rng.below(5);
            let mut map = Map::new();
            for _ in 0..n {
                map.insert((*rng.pick(KEYS)).into(), value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

/// A random value inside `value`: each container is chosen with a
/// quarter's chance, else one of its children, so edits reach every depth.
fn target<'a>(rng: &mut Rng, value: &'a mut Value) -> &'a mut Value {
    let len = match &*value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if len == 0 || rng.chance(25) {
        return value;
    }
    let i = rng.below(len);
    match value {
        Value::Object(map) => match map.values_mut().nth(i) {
            Some(child) => target(rng, child),
            None => unreachable!("i < len"),
        },
        Value::Array(items) => target(rng, &mut items[i]),
        _ => unreachable!("only containers have children"),
    }
}

/// One random edit somewhere in `doc`.
fn edit(rng: &mut Rng, doc: &mut Value) {
    let target = target(rng, doc);
    if rng.chance(5) {
        *target = value(rng, 2);
        return;
    }
    match target {
        Value::String(text) => *text = edit_text(rng, text),
        Value::Number(_) => {
            *target = if rng.chance(50) {
                json!(rng.below(100_000))
            } else {
                float(rng)
            }
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => *target = value(rng, 2),
        Value::Object(map) => edit_object(rng, map),
        Value::Array(items) => edit_array(rng, items),
    }
}

fn edit_object(rng: &mut Rng, map: &mut Map<String, Value>) {
    let keys: Vec<String> = map.keys().cloned().collect();
    match rng.below(4) {
        0 if !keys.is_empty() => {
            map.remove(rng.pick(&keys));
        }
        1 if !keys.is_empty() => {
            // Rename: the value moves to another key.
            let from = rng.pick(&keys).clone();
            let to = *rng.pick(KEYS);
            if let Some(v) = map.remove(&from) {
                map.insert(to.into(), v);
            }
        }
        _ => {
            map.insert((*rng.pick(KEYS)).into(), value(rng, 1));
        }
    }
}

fn edit_array(rng: &mut Rng, items: &mut Vec<Value>) {
    let keyed = items.first().is_some_and(|v| v.get("_key").is_some());
    let len = items.len();
    let new_item = |rng: &mut Rng| if keyed { block(rng) } else { value(rng, 2) };
    match rng.below(7) {
        0 if len > 0 => {
            items.remove(rng.below(len));
        }
        1 if len > 1 => {
            // Move one item elsewhere.
            let item = items.remove(rng.below(len));
            items.insert(rng.below(len), item);
        }
        2 if len > 0 => {
            // Duplicate an item, with a new key when items have keys.
            let mut copy = items[rng.below(len)].clone();
            if let Some(k) = copy.get_mut("_key") {
                *k = json!(key(rng));
            }
            items.insert(rng.below(len + 1), copy);
        }
        3 if len > 2 && rng.chance(30) => items.reverse(),
        4 if len > 0 && rng.chance(20) => items.clear(),
        5 if len > 0 => {
            // Several edits inside one item.
            let i = rng.below(len);
            for _ in 0..1 + rng.below(3) {
                edit(rng, &mut items[i]);
            }
        }
        _ => {
            let item = new_item(rng);
            items.insert(rng.below(len + 1), item);
        }
    }
}

/// Insert, delete or replace a few characters (or a few words).
fn edit_text(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(chars.len() + 1);
        let remove = match rng.below(4) {
            0 => 0,
            1 | 2 => 1 + rng.below(3),
            _ => rng.below(20),
        };
        let end = (at + remove).min(chars.len());
        let insert: Vec<char> = if rng.chance(60) {
            let n = 1 + rng.below(3);
            sentence(rng, n).chars().collect()
        } else {
            Vec::new()
        };
        chars.splice(at..end, insert);
    }
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_deterministic_and_mostly_different() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        let mut changed = 0;
        for _ in 0..200 {
            let (left, right) = pair(&mut a);
            assert_eq!((left.clone(), right.clone()), pair(&mut b));
            if left != right {
                changed += 1;
            }
        }
        assert!(changed > 150, "{changed} of 200 pairs differ");
    }
}
