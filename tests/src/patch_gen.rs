//! Generated documents and patches for the differential suite against
//! `@sanity/mutator`. Paths are drawn mostly from the document's real shape so
//! that they hit something; the constructs where Sanity's JS mutator is known
//! to differ from Sanity's API (see `tests/mutator-differences.md`) are not
//! generated here but pinned as explicit cases instead.

use serde_json::{json, Map, Value};

use crate::rng::Rng;

const FIELDS: [&str; 8] = ["a", "b", "title", "n", "tags", "body", "meta", "price"];
const WORDS: [&str; 10] = [
    "hello",
    "world",
    "qanat",
    "مرحبا",
    "بالعالم",
    "שלום",
    "🙂",
    "naïve",
    "x",
    "",
];

pub struct Case {
    pub doc: Value,
    pub patch: Value,
}

pub fn case(rng: &mut Rng) -> Case {
    let doc = document(rng);
    let patch = if rng.chance(15) {
        let n = 2 + rng.below(2);
        Value::Array((0..n).map(|_| patch_object(rng, &doc)).collect())
    } else {
        patch_object(rng, &doc)
    };
    Case { doc, patch }
}

fn document(rng: &mut Rng) -> Value {
    let mut map = Map::new();
    map.insert("_id".into(), json!("doc"));
    map.insert("_type".into(), json!("post"));
    let count = 2 + rng.below(5);
    for _ in 0..count {
        let name = *rng.pick(&FIELDS);
        map.insert(name.into(), value(rng, 0));
    }
    Value::Object(map)
}

fn number(rng: &mut Rng) -> Value {
    if rng.chance(25) {
        json!(rng.below(40) as f64 / 4.0 - 3.0)
    } else {
        json!(rng.below(30) as i64 - 5)
    }
}

fn string(rng: &mut Rng) -> Value {
    let n = 1 + rng.below(3);
    let words: Vec<&str> = (0..n).map(|_| *rng.pick(&WORDS)).collect();
    json!(words.join(" "))
}

fn value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth >= 3 {
        rng.below(4)
    } else {
        rng.below(9)
    };
    match choice {
        0 => number(rng),
        1 => string(rng),
        2 => json!(rng.chance(50)),
        3 => {
            if rng.chance(30) {
                Value::Null
            } else {
                number(rng)
            }
        }
        4 => Value::Array((0..rng.below(5)).map(|_| number(rng)).collect()),
        5 => Value::Array((0..rng.below(4)).map(|_| string(rng)).collect()),
        6 | 7 => {
            let len = rng.below(5);
            Value::Array(
                (0..len)
                    .map(|i| {
                        let mut item =
                            json!({"_key": format!("k{i}"), "_type": "block", "n": number(rng)});
                        if rng.chance(60) {
                            item["text"] = string(rng);
                        }
                        if rng.chance(30) && depth < 2 {
                            item["child"] = value(rng, depth + 2);
                        }
                        item
                    })
                    .collect(),
            )
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..1 + rng.below(3) {
                map.insert((*rng.pick(&FIELDS)).into(), value(rng, depth + 1));
            }
            Value::Object(map)
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Set,
    SetIfMissing,
    Unset,
    Inc,
    Insert,
}

fn patch_object(rng: &mut Rng, doc: &Value) -> Value {
    let mut patch = Map::new();
    let ops = 1 + rng.below(2);
    for _ in 0..ops {
        let op = *rng.pick(&[Op::Set, Op::SetIfMissing, Op::Unset, Op::Inc, Op::Insert]);
        match op {
            Op::Set | Op::SetIfMissing => {
                let key = if op == Op::Set { "set" } else { "setIfMissing" };
                let entry = patch.entry(key).or_insert_with(|| json!({}));
                let p = path(rng, doc, op);
                entry[p] = value(rng, 1);
            }
            Op::Unset => {
                let entry = patch.entry("unset").or_insert_with(|| json!([]));
                if let Value::Array(list) = entry {
                    list.push(json!(path(rng, doc, op)));
                }
            }
            Op::Inc => {
                let key = if rng.chance(50) { "inc" } else { "dec" };
                let entry = patch.entry(key).or_insert_with(|| json!({}));
                entry[path(rng, doc, op)] = number(rng);
            }
            Op::Insert => {
                if patch.contains_key("insert") {
                    continue;
                }
                let (position, p) = insert_path(rng, doc);
                let items: Vec<Value> = (0..1 + rng.below(2)).map(|_| value(rng, 2)).collect();
                patch.insert("insert".into(), json!({position: p, "items": items}));
            }
        }
    }
    Value::Object(patch)
}

/// A path into `doc`: usually along its real structure, sometimes into
/// fields that do not exist.
fn path(rng: &mut Rng, doc: &Value, op: Op) -> String {
    if rng.chance(10) {
        return rng
            .pick(&["missing", "missing.deeper", "n.inner", "tags[0].x"])
            .to_string();
    }
    if rng.chance(8) && op != Op::Inc && op != Op::SetIfMissing {
        // Recursion from the root that names a field or a key filter, never an
        // index (see mutator-differences.md for `a..b` and for inc with `..`).
        return rng
            .pick(&["..text", "..n", "..[_key==\"k1\"].n", "..[_key==\"k0\"]"])
            .to_string();
    }
    if rng.chance(6) && op != Op::SetIfMissing {
        let a = *rng.pick(&FIELDS);
        let b = *rng.pick(&FIELDS);
        if a != b {
            return format!("[{a},{b}]");
        }
    }
    let mut out = String::new();
    let mut node = doc;
    let mut depth = 0;
    loop {
        match node {
            Value::Object(map) if !map.is_empty() && depth < 4 => {
                let keys: Vec<&String> = map
                    .keys()
                    .filter(|k| !k.starts_with('_') || depth > 0)
                    .collect();
                if keys.is_empty() {
                    break;
                }
                let key = *rng.pick(&keys);
                if !out.is_empty() {
                    out.push('.');
                }
                if key.starts_with('_') || rng.chance(10) {
                    out.push_str(&format!("['{key}']"));
                } else {
                    out.push_str(key);
                }
                node = &map[key.as_str()];
            }
            Value::Array(items) if !items.is_empty() && depth < 4 => {
                let len = items.len();
                let i = rng.below(len);
                let last_step = rng.chance(35);
                let item = &items[i];
                let segment = match rng.below(6) {
                    0 => format!("[{i}]"),
                    1 => format!("[{}]", i as i64 - len as i64),
                    2 if item.get("_key").is_some() => {
                        format!("[_key==\"{}\"]", item["_key"].as_str().unwrap_or(""))
                    }
                    3 if last_step && item.is_number() => {
                        format!("[@ > {}]", rng.below(10) as i64 - 2)
                    }
                    4 if last_step => format!("[{}:]", rng.below(len)),
                    5 if last_step => format!("[:{}]", 1 + rng.below(len)),
                    _ => format!("[{i}]"),
                };
                out.push_str(&segment);
                if last_step {
                    return out;
                }
                node = item;
            }
            _ => break,
        }
        depth += 1;
        if rng.chance(30) {
            break;
        }
    }
    if out.is_empty() {
        let field: &&str = rng.pick(&FIELDS);
        out.push_str(field);
    }
    if rng.chance(10) && op != Op::Unset {
        out.push_str(".extra");
    }
    out
}

/// An insert position and a path to an array element (or, sometimes, to
/// something that is not one).
fn insert_path(rng: &mut Rng, doc: &Value) -> (&'static str, String) {
    let arrays: Vec<(&String, &Vec<Value>)> = doc
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_array().map(|a| (k, a)))
                .collect()
        })
        .unwrap_or_default();
    let position = *rng.pick(&["before", "after", "replace"]);
    let Some(&(name, items)) = (!arrays.is_empty()).then(|| rng.pick(&arrays)) else {
        return (position, "missing[0]".to_string());
    };
    let len = items.len().max(1);
    let i = rng.below(len);
    let segment = match rng.below(4) {
        // Only `[-1]` among negative indexes: a patch may shrink the array
        // first, and inserting relative to an index before the start is one
        // of the documented differences.
        0 => format!("[{i}]"),
        1 => "[-1]".to_string(),
        3 if items.get(i).and_then(|v| v.get("_key")).is_some() => format!("[_key==\"k{i}\"]"),
        _ => "[0]".to_string(),
    };
    (position, format!("{name}{segment}"))
}
