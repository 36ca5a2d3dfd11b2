//! Core as one JSON-in, JSON-out function, for callers that cannot link Rust
//! types: the wasm module run under wasmtime and in Workers, and test hosts.
//!
//! Request: `{"op": "...", ...}`. Response: `{"result": ...}` or
//! `{"error": {...}}` in Sanity's error shape. Ops: `patch`, `transaction`,
//! `setDataset`, `query`, `mendoza.encode` (`left`, `right`: the patch) and
//! `mendoza.apply` (`left`, `patch`: the right value).

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::document::Document;
use crate::mutation::{
    apply_transaction, parse_mutations, patch::apply_patch_json, Commit, TransactionContext,
};

/// Handles one request. Never panics on input.
pub fn call(request: &str) -> String {
    let req = match serde_json::from_str::<Value>(request) {
        Ok(req) => req,
        Err(e) => return bad_request(&format!("request is not valid JSON: {e}")).to_string(),
    };
    // Query results can be large: they are written straight to JSON text.
    if req.get("op").and_then(Value::as_str) == Some("query") {
        return query(&req);
    }
    dispatch(&req).to_string()
}

fn bad_request(description: &str) -> Value {
    json!({"error": {"type": "badRequest", "description": description}})
}

fn dispatch(req: &Value) -> Value {
    match req.get("op").and_then(Value::as_str) {
        Some("patch") => {
            let mut doc = req.get("doc").cloned().unwrap_or(Value::Null);
            match apply_patch_json(&mut doc, req.get("patch").unwrap_or(&Value::Null)) {
                Ok(()) => json!({"result": doc}),
                Err(e) => bad_request(&e),
            }
        }
        Some("transaction") => transaction(req),
        Some("mendoza.encode") => {
            let field = |k: &str| req.get(k).unwrap_or(&Value::Null);
            json!({"result": crate::mendoza::encode(field("left"), field("right"))})
        }
        Some("mendoza.apply") => {
            let field = |k: &str| req.get(k).unwrap_or(&Value::Null);
            match crate::mendoza::apply(field("left"), field("patch")) {
                Ok(result) => json!({"result": result}),
                Err(e) => e.to_json(),
            }
        }
        Some("setDataset") => set_dataset(req),
        Some(other) => bad_request(&format!("unknown op {other:?}")),
        None => bad_request("missing \"op\""),
    }
}

thread_local! {
    /// Documents kept loaded between `query` calls (`setDataset`), so a
    /// caller across the wasm boundary sends them once, not per query.
    static DATASET: std::cell::RefCell<std::sync::Arc<crate::groq::Dataset>> =
        std::cell::RefCell::new(std::sync::Arc::default());
}

/// `{"op": "setDataset", "dataset": [...]}`: loads the documents later
/// `query` calls without a `dataset` run over.
fn set_dataset(req: &Value) -> Value {
    let Some(docs) = req.get("dataset").and_then(Value::as_array) else {
        return bad_request("missing \"dataset\" array");
    };
    let count = docs.len();
    let dataset = crate::groq::Dataset::from_json(docs);
    DATASET.with(|d| *d.borrow_mut() = std::sync::Arc::new(dataset));
    json!({"result": {"documents": count}})
}

/// `{"op": "query", "query": "...", "dataset"?: [...], "params": {...},
/// "perspective"?, "now"?, "identity"?}`; without `dataset`, the documents of
/// the last `setDataset`.
fn query(req: &Value) -> String {
    let Some(text) = req.get("query").and_then(Value::as_str) else {
        return bad_request("missing \"query\"").to_string();
    };
    let string = |k: &str| req.get(k).and_then(Value::as_str).map(str::to_string);
    let options = crate::groq::QueryOptions {
        params: req
            .get("params")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        perspective: string("perspective"),
        now: string("now"),
        identity: string("identity"),
    };
    let docs = match req.get("dataset").and_then(Value::as_array) {
        Some(dataset) => std::sync::Arc::new(crate::groq::Dataset::from_json(dataset)),
        None => DATASET.with(|d| d.borrow().clone()),
    };
    match crate::groq::evaluate_in_json(text, &docs, &options) {
        Ok(result) => format!("{{\"result\":{result}}}"),
        Err(e) => e.to_json(text).to_string(),
    }
}

/// `{"op": "transaction", "mutations": [...], "documents": [...], "context":
/// {"transactionId", "now", "identity", "seed", "autoGenerateArrayKeys"}}`.
fn transaction(req: &Value) -> Value {
    let mutations = match parse_mutations(req.get("mutations").unwrap_or(&Value::Null)) {
        Ok(m) => m,
        Err(e) => return e.to_json(),
    };
    let mut current = HashMap::new();
    for doc in req
        .get("documents")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match Document::from_stored(doc.clone()) {
            Some(d) => {
                current.insert(d.id().to_string(), d);
            }
            None => {
                return bad_request(
                    "every entry of \"documents\" must be an object with a string _id",
                )
            }
        }
    }
    let c = req.get("context").cloned().unwrap_or(Value::Null);
    let text = |k: &str| {
        c.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let ctx = TransactionContext {
        transaction_id: text("transactionId"),
        now: text("now"),
        identity: text("identity"),
        auto_generate_array_keys: c
            .get("autoGenerateArrayKeys")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        seed: c.get("seed").and_then(Value::as_u64).unwrap_or(0),
    };
    if ctx.transaction_id.is_empty() || ctx.now.is_empty() {
        return bad_request("context needs transactionId and now");
    }
    match apply_transaction(&mutations, &current, &ctx) {
        Ok(commit) => json!({"result": commit_json(&commit)}),
        Err(e) => e.to_json(),
    }
}

/// A commit as JSON: the shape `data/mutate` results and the transaction log build on.
pub fn commit_json(commit: &Commit) -> Value {
    json!({
        "transactionId": commit.transaction_id,
        "timestamp": commit.timestamp,
        "identity": commit.identity,
        "results": commit.results.iter().map(|r| json!({"id": r.id, "operation": r.operation.as_str()})).collect::<Vec<_>>(),
        "changes": commit.changes.iter().map(|c| json!({
            "id": c.id,
            "previousRev": c.previous_rev(),
            "resultRev": c.result_rev(),
            "before": c.before.as_ref().map(Document::to_value),
            "after": c.after.as_ref().map(Document::to_value),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_round_trip() {
        let req = json!({
            "op": "transaction",
            "mutations": [{"create": {"_id": "a", "_type": "t"}}, {"patch": {"id": "a", "set": {"x": 1}}}],
            "documents": [],
            "context": {"transactionId": "tx1", "now": "2026-01-01T00:00:00Z", "identity": "me", "seed": 3},
        });
        let out: Value = serde_json::from_str(&call(&req.to_string())).unwrap();
        assert_eq!(out["result"]["changes"][0]["after"]["x"], 1);
        assert_eq!(out["result"]["results"][1]["operation"], "update");
    }

    #[test]
    fn mendoza_round_trip() {
        let (left, right) = (
            json!({"a": "hello", "b": [1, 2]}),
            json!({"a": "hello!", "b": [1, 2]}),
        );
        let req = json!({"op": "mendoza.encode", "left": left, "right": right});
        let out: Value = serde_json::from_str(&call(&req.to_string())).unwrap();
        let patch = out["result"].clone();
        assert_eq!(patch, json!([10, 0, 22, "!", 15]));
        let req = json!({"op": "mendoza.apply", "left": left, "patch": patch});
        let out: Value = serde_json::from_str(&call(&req.to_string())).unwrap();
        assert_eq!(out, json!({"result": right}));
        let req = json!({"op": "mendoza.apply", "left": left, "patch": [99]});
        let out: Value = serde_json::from_str(&call(&req.to_string())).unwrap();
        assert_eq!(out["error"]["description"], "position 0: unknown opcode 99");
    }

    #[test]
    fn errors_not_panics() {
        for req in [
            "",
            "{",
            "{}",
            "{\"op\": 1}",
            "{\"op\": \"transaction\"}",
            "{\"op\":\"patch\",\"doc\":1,\"patch\":{\"set\":{\"[[\":1}}}",
        ] {
            let out: Value = serde_json::from_str(&call(req)).unwrap();
            assert!(out.get("error").is_some(), "{req}: {out}");
        }
    }
}
