//! Reading mutations from Sanity's JSON. Every problem becomes an item of a
//! `mutationError` naming the mutation's index; nothing here panics on input.

use serde_json::{Map, Value};

use super::error::{ErrorKind, MutationError, MutationErrorItem};
use super::model::{InsertPosition, Mutation, Patch, PatchOp, Selection};
use super::path;
use crate::document::DocumentId;
use crate::limits::{self, MAX_DOCUMENT_DEPTH, MAX_MUTATIONS};
use crate::text::parse_dmp_patch;

type ItemResult<T> = Result<T, MutationErrorItem>;

/// Parses a request body given as text. Malformed JSON (including nesting
/// past `serde_json`'s limit of 128 levels) is a validation error, not a panic.
pub fn parse_mutations_json(text: &str) -> Result<Vec<Mutation>, MutationError> {
    let body: Value = serde_json::from_str(text).map_err(|e| {
        MutationError::from(invalid(
            0,
            format!("the request body is not valid JSON: {e}"),
        ))
    })?;
    parse_mutations(&body)
}

/// Parses the `mutations` of a request: an array, or an object holding one
/// under `mutations`. All malformed entries are reported, not just the first.
pub fn parse_mutations(body: &Value) -> Result<Vec<Mutation>, MutationError> {
    let list = match body {
        Value::Array(list) => list,
        Value::Object(map) => match map.get("mutations") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(invalid(0, "expected an array of mutations under \"mutations\"").into())
            }
        },
        _ => return Err(invalid(0, "expected an array of mutations").into()),
    };
    if list.len() > MAX_MUTATIONS {
        return Err(MutationErrorItem::new(
            0,
            ErrorKind::LimitExceeded,
            format!(
                "a transaction may hold at most {MAX_MUTATIONS} mutations, got {}",
                list.len()
            ),
        )
        .into());
    }
    let mut mutations = Vec::with_capacity(list.len());
    let mut items = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        match parse_mutation(index, entry) {
            Ok(m) => mutations.push(m),
            Err(item) => items.push(item),
        }
    }
    if items.is_empty() {
        Ok(mutations)
    } else {
        Err(MutationError { items })
    }
}

fn invalid(index: usize, description: impl Into<String>) -> MutationErrorItem {
    MutationErrorItem::new(index, ErrorKind::Validation, description)
}

fn parse_mutation(index: usize, entry: &Value) -> ItemResult<Mutation> {
    let Some(map) = entry.as_object() else {
        return Err(invalid(
            index,
            "a mutation must be an object such as {\"create\": {...}}",
        ));
    };
    let mut keys = map.keys();
    let (Some(kind), None) = (keys.next(), keys.next()) else {
        return Err(invalid(
            index,
            "a mutation must have exactly one of create, createOrReplace, createIfNotExists, delete, patch",
        ));
    };
    let body = &map[kind];
    match kind.as_str() {
        "create" => document_body(index, body, false).map(Mutation::Create),
        "createOrReplace" => document_body(index, body, true).map(Mutation::CreateOrReplace),
        "createIfNotExists" => document_body(index, body, true).map(Mutation::CreateIfNotExists),
        "delete" => {
            let map = body
                .as_object()
                .ok_or_else(|| invalid(index, "delete takes an object with \"id\" or \"query\""))?;
            for key in map.keys() {
                if !matches!(key.as_str(), "id" | "query" | "params") {
                    return Err(invalid(index, format!("unknown field {key:?} in delete")));
                }
            }
            selection(index, map).map(Mutation::Delete)
        }
        "patch" => patch(index, body).map(Mutation::Patch),
        other => Err(invalid(index, format!("unknown mutation type {other:?}"))
            .with_value(Value::String(other.to_string()))),
    }
}

/// The document of a create-type mutation: an object with a `_type`, a valid
/// `_id` (optional for `create`, where a trailing `.` asks for a generated id).
fn document_body(index: usize, body: &Value, id_required: bool) -> ItemResult<Map<String, Value>> {
    let Some(map) = body.as_object() else {
        return Err(invalid(index, "the document must be an object"));
    };
    check_value_limits(index, body)?;
    match map.get("_id") {
        None if id_required => return Err(invalid(index, "the document must have an _id")),
        None => {}
        Some(Value::String(id)) if !id_required && id.ends_with('.') => {
            // A prefix such as `drafts.`: the generated id must still be valid.
            let sample = format!("{id}x");
            DocumentId::parse(&sample).map_err(|e| bad_id(index, id, e))?;
        }
        Some(Value::String(id)) => {
            DocumentId::parse(id).map_err(|e| bad_id(index, id, e))?;
        }
        Some(other) => {
            return Err(invalid(index, "_id must be a string").with_value(other.clone()));
        }
    }
    match map.get("_type") {
        Some(Value::String(t)) if !t.is_empty() => Ok(map.clone()),
        Some(Value::String(_)) | None => {
            Err(invalid(index, "the document must have a non-empty _type"))
        }
        Some(other) => Err(invalid(index, "_type must be a string").with_value(other.clone())),
    }
}

fn bad_id(index: usize, id: &str, err: crate::document::IdError) -> MutationErrorItem {
    invalid(index, format!("Malformed document ID: {err}"))
        .with_value(Value::String(id.chars().take(200).collect()))
}

fn check_value_limits(index: usize, value: &Value) -> ItemResult<()> {
    if limits::depth(value) > MAX_DOCUMENT_DEPTH {
        return Err(MutationErrorItem::new(
            index,
            ErrorKind::LimitExceeded,
            format!("value is nested deeper than {MAX_DOCUMENT_DEPTH} levels"),
        ));
    }
    if limits::serialized_len(value) > limits::MAX_DOCUMENT_BYTES {
        return Err(MutationErrorItem::new(
            index,
            ErrorKind::LimitExceeded,
            format!("value is larger than {} bytes", limits::MAX_DOCUMENT_BYTES),
        ));
    }
    Ok(())
}

fn selection(index: usize, map: &Map<String, Value>) -> ItemResult<Selection> {
    match (map.get("id"), map.get("query")) {
        (Some(Value::String(id)), None) => {
            DocumentId::parse(id).map_err(|e| bad_id(index, id, e))?;
            Ok(Selection::Id(id.clone()))
        }
        (None, Some(Value::String(query))) => {
            let params = match map.get("params") {
                None | Some(Value::Null) => Map::new(),
                Some(Value::Object(p)) => p.clone(),
                Some(_) => return Err(invalid(index, "params must be an object")),
            };
            Ok(Selection::Query {
                query: query.clone(),
                params,
            })
        }
        (Some(_), Some(_)) => Err(invalid(index, "give either \"id\" or \"query\", not both")),
        (Some(_), None) => Err(invalid(index, "id must be a string")),
        (None, Some(_)) => Err(invalid(index, "query must be a string")),
        (None, None) => Err(invalid(index, "missing \"id\" or \"query\"")),
    }
}

fn patch(index: usize, body: &Value) -> ItemResult<Patch> {
    let Some(map) = body.as_object() else {
        return Err(invalid(index, "patch takes an object"));
    };
    let selection = selection(index, map)?;
    let if_revision_id = match map.get("ifRevisionID") {
        None | Some(Value::Null) => None,
        Some(Value::String(rev)) => Some(rev.clone()),
        Some(_) => return Err(invalid(index, "ifRevisionID must be a string")),
    };
    let operations = parse_patch_operations(map).map_err(|(description, value)| {
        let item = invalid(index, description);
        match value {
            Some(v) => item.with_value(v),
            None => item,
        }
    })?;
    check_value_limits(index, body)?;
    Ok(Patch {
        selection,
        if_revision_id,
        operations,
    })
}

/// The operations of one patch object, in the order they apply (Sanity's
/// mutator order: setIfMissing, set, merge, unset, diffMatchPatch, inc, dec,
/// insert). Selection fields are skipped; anything else unknown is an error.
pub fn parse_patch_operations(
    map: &Map<String, Value>,
) -> Result<Vec<PatchOp>, (String, Option<Value>)> {
    const ORDER: [&str; 8] = [
        "setIfMissing",
        "set",
        "merge",
        "unset",
        "diffMatchPatch",
        "inc",
        "dec",
        "insert",
    ];
    for key in map.keys() {
        if !ORDER.contains(&key.as_str())
            && !matches!(key.as_str(), "id" | "query" | "params" | "ifRevisionID")
        {
            return Err((
                format!("unknown patch operation {key:?}"),
                Some(Value::String(key.clone())),
            ));
        }
    }
    let mut ops = Vec::new();
    for op in ORDER {
        let Some(arg) = map.get(op) else { continue };
        match op {
            "set" | "setIfMissing" => {
                for (p, value) in object_arg(op, arg)? {
                    let path = parse_path(p)?;
                    let value = value.clone();
                    ops.push(if op == "set" {
                        PatchOp::Set { path, value }
                    } else {
                        PatchOp::SetIfMissing { path, value }
                    });
                }
            }
            "merge" => ops.push(PatchOp::Merge(object_arg(op, arg)?.clone())),
            "unset" => {
                let Value::Array(paths) = arg else {
                    return Err(("unset takes an array of paths".into(), Some(arg.clone())));
                };
                for p in paths {
                    let Value::String(p) = p else {
                        return Err(("unset paths must be strings".into(), Some(p.clone())));
                    };
                    ops.push(PatchOp::Unset {
                        path: parse_path(p)?,
                    });
                }
            }
            "diffMatchPatch" => {
                for (p, value) in object_arg(op, arg)? {
                    let Value::String(text) = value else {
                        return Err((
                            "diffMatchPatch values must be patch strings".into(),
                            Some(value.clone()),
                        ));
                    };
                    let patch = parse_dmp_patch(text).map_err(|e| {
                        (
                            format!("invalid diffMatchPatch for {p:?}: {e}"),
                            Some(value.clone()),
                        )
                    })?;
                    ops.push(PatchOp::DiffMatchPatch {
                        path: parse_path(p)?,
                        patch,
                    });
                }
            }
            "inc" | "dec" => {
                for (p, value) in object_arg(op, arg)? {
                    let Value::Number(n) = value else {
                        return Err((format!("{op} values must be numbers"), Some(value.clone())));
                    };
                    let by = if op == "dec" {
                        negate(n)
                    } else {
                        Some(n.clone())
                    };
                    let by = by.ok_or_else(|| {
                        (format!("{op} value is out of range"), Some(value.clone()))
                    })?;
                    ops.push(PatchOp::Inc {
                        path: parse_path(p)?,
                        by,
                    });
                }
            }
            "insert" => ops.push(insert(arg)?),
            _ => {}
        }
    }
    Ok(ops)
}

fn object_arg<'a>(
    op: &str,
    arg: &'a Value,
) -> Result<&'a Map<String, Value>, (String, Option<Value>)> {
    arg.as_object().ok_or_else(|| {
        (
            format!("{op} takes an object of path: value"),
            Some(arg.clone()),
        )
    })
}

fn parse_path(p: &str) -> Result<path::Path, (String, Option<Value>)> {
    path::parse(p).map_err(|e| {
        (
            e.to_string(),
            Some(Value::String(p.chars().take(200).collect())),
        )
    })
}

fn negate(n: &serde_json::Number) -> Option<serde_json::Number> {
    if let Some(i) = n.as_i64() {
        return i.checked_neg().map(Into::into);
    }
    n.as_f64().and_then(|f| serde_json::Number::from_f64(-f))
}

fn insert(arg: &Value) -> Result<PatchOp, (String, Option<Value>)> {
    let Some(map) = arg.as_object() else {
        return Err(("insert takes an object".into(), Some(arg.clone())));
    };
    let mut found = None;
    for (key, position) in [
        ("before", InsertPosition::Before),
        ("after", InsertPosition::After),
        ("replace", InsertPosition::Replace),
    ] {
        if let Some(p) = map.get(key) {
            if found.is_some() {
                return Err((
                    "insert takes exactly one of before, after, replace".into(),
                    None,
                ));
            }
            let Value::String(p) = p else {
                return Err((
                    format!("insert {key} must be a path string"),
                    Some(p.clone()),
                ));
            };
            found = Some((position, p));
        }
    }
    let Some((position, p)) = found else {
        return Err(("insert needs one of before, after, replace".into(), None));
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "before" | "after" | "replace" | "items") {
            return Err((format!("unknown field {key:?} in insert"), None));
        }
    }
    let Some(Value::Array(items)) = map.get("items") else {
        return Err(("insert needs an array of items".into(), None));
    };
    Ok(PatchOp::Insert {
        position,
        path: parse_path(p)?,
        items: items.clone(),
    })
}
