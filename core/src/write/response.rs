//! `data/mutate`'s and `data/actions`' requests and answers, the same on
//! every host.

use serde_json::{json, Value as Json};

use super::decide::WriteKind;
use crate::action::parse_actions;
use crate::mutation::{parse_mutations, Commit};
use crate::request::{self, Pairs};

/// A `data/mutate` or `data/actions` request, read from its body and
/// query string.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    pub kind: WriteKind,
    /// The client's transaction id (`?transactionId=` or the body's).
    pub transaction_id: Option<String>,
    pub return_documents: bool,
    pub auto_generate_array_keys: bool,
    pub dry_run: bool,
}

/// Reads a `data/mutate` request: `body` is `{"mutations": [...]}` (or the
/// bare array). `visibility` (sync, async, deferred) is accepted and read
/// by nobody: a commit is visible to queries as soon as it is answered.
/// A refusal comes as its status and Sanity's body.
pub fn mutate_request(body: &Json, pairs: &Pairs) -> Result<WriteRequest, (u16, Json)> {
    let mutations = parse_mutations(body).map_err(|e| (e.http_status(), e.to_json()))?;
    let json = match body {
        Json::Array(list) => list.clone(),
        other => other
            .get("mutations")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default(),
    };
    let transaction_id = request::value(pairs, "transactionId")
        .or_else(|| body.get("transactionId").and_then(Json::as_str))
        .map(str::to_owned);
    let flag = |name| request::flag(pairs, name, false).map_err(|e| (400, e.to_json()));
    Ok(WriteRequest {
        kind: WriteKind::Mutations { mutations, json },
        transaction_id,
        return_documents: flag("returnDocuments")?,
        auto_generate_array_keys: flag("autoGenerateArrayKeys")?,
        dry_run: flag("dryRun")?,
    })
}

/// Reads a `data/actions` request: `body` is `{"actions": [...],
/// "transactionId"?, "dryRun"?}`; `?dryRun` works too.
pub fn actions_request(body: &Json, pairs: &Pairs) -> Result<WriteRequest, (u16, Json)> {
    let parsed = parse_actions(body).map_err(|e| (e.http_status(), e.to_json()))?;
    let dry_run = request::flag(pairs, "dryRun", false).map_err(|e| (400, e.to_json()))?;
    Ok(WriteRequest {
        kind: WriteKind::Actions(parsed.actions),
        transaction_id: parsed.transaction_id,
        return_documents: false,
        auto_generate_array_keys: false,
        dry_run: parsed.dry_run || dry_run,
    })
}

/// The answer to a write: for actions, the transaction's id; for
/// mutations, see [`mutate_response`].
pub fn write_response(commit: &Commit, request: &WriteRequest) -> Json {
    match request.kind {
        WriteKind::Actions(_) => json!({"transactionId": commit.transaction_id}),
        WriteKind::Mutations { .. } => mutate_response(commit, request.return_documents),
    }
}

/// The answer to a `data/mutate` whose transaction `commit` is: each
/// mutation's id and operation, and with `return_documents` the documents
/// as the transaction left them (a deleted one as it was).
pub fn mutate_response(commit: &Commit, return_documents: bool) -> Json {
    let results: Vec<Json> = commit
        .results
        .iter()
        .map(|result| {
            let mut entry = json!({"id": result.id, "operation": result.operation.as_str()});
            if return_documents {
                let document = commit
                    .changes
                    .iter()
                    .find(|c| c.id == result.id)
                    .and_then(|c| c.after.as_ref().or(c.before.as_ref()))
                    .map(|doc| doc.to_value());
                if let Some(document) = document {
                    entry["document"] = document;
                }
            }
            entry
        })
        .collect();
    let mut response = json!({"transactionId": commit.transaction_id, "results": results});
    if return_documents {
        response["documents"] = commit
            .changes
            .iter()
            .filter_map(|c| c.after.as_ref().map(|doc| doc.to_value()))
            .collect();
    }
    response
}
