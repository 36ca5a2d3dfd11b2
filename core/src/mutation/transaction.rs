//! A transaction as a pure function: the mutations, the current state of the
//! documents they touch, and the host's context go in; either a commit (every
//! document's state before and after) or an error comes out. There is no
//! partial commit: one failing mutation fails the whole transaction.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::array_keys::add_missing_keys;
use super::context::{IdSource, TransactionContext};
use super::error::{ErrorKind, MutationError, MutationErrorItem};
use super::model::{Mutation, Patch, Selection};
use super::patch::apply_operations;
use crate::document::{Document, DocumentId, SystemFields};
use crate::limits;

/// What a mutation did to one document, as `results[].operation` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    None,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "create",
            Operation::Update => "update",
            Operation::Delete => "delete",
            Operation::None => "none",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MutationResult {
    pub id: String,
    pub operation: Operation,
}

/// One document the transaction changed: its state before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentChange {
    pub id: String,
    pub before: Option<Document>,
    pub after: Option<Document>,
}

impl DocumentChange {
    pub fn previous_rev(&self) -> Option<&str> {
        self.before.as_ref().and_then(Document::rev)
    }

    pub fn result_rev(&self) -> Option<&str> {
        self.after.as_ref().and_then(Document::rev)
    }
}

/// What a host stores when a transaction succeeds. Hosts commit `changes`
/// atomically, checking that each document's stored `_rev` is still
/// `previous_rev()` (absent for new documents).
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    pub transaction_id: String,
    pub timestamp: String,
    pub identity: String,
    /// One entry per mutation target, in mutation order.
    pub results: Vec<MutationResult>,
    /// One entry per changed document, in the order they were first touched.
    pub changes: Vec<DocumentChange>,
}

/// The ids a host must read before running `mutations`: every id named
/// directly. Generated ids are new, so they need no read.
pub fn required_ids(mutations: &[Mutation]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut add = |id: &str| {
        if !ids.iter().any(|i| i == id) {
            ids.push(id.to_string());
        }
    };
    for m in mutations {
        match m {
            Mutation::Create(doc)
            | Mutation::CreateOrReplace(doc)
            | Mutation::CreateIfNotExists(doc) => {
                if let Some(Value::String(id)) = doc.get(SystemFields::ID) {
                    if !id.ends_with('.') {
                        add(id);
                    }
                }
            }
            Mutation::Delete(sel) | Mutation::Patch(Patch { selection: sel, .. }) => match sel {
                Selection::Id(id) => add(id),
                Selection::Ids(list) => list.iter().for_each(|id| add(id)),
                Selection::Query { .. } => {}
            },
        }
    }
    ids
}

/// Runs `mutations` against `current` (the stored documents, by id; an id
/// missing from the map does not exist).
pub fn apply_transaction(
    mutations: &[Mutation],
    current: &HashMap<String, Document>,
    ctx: &TransactionContext,
) -> Result<Commit, MutationError> {
    let mut tx = Working {
        current,
        ctx,
        ids: IdSource::new(ctx.seed),
        state: HashMap::new(),
        touched: Vec::new(),
        results: Vec::new(),
    };
    let mut errors = Vec::new();
    for (index, mutation) in mutations.iter().enumerate() {
        if let Err(item) = tx.apply(index, mutation) {
            errors.push(item);
        }
    }
    if !errors.is_empty() {
        return Err(MutationError { items: errors });
    }
    let Working {
        touched,
        mut state,
        results,
        ..
    } = tx;
    let changes = touched
        .into_iter()
        .filter_map(|id| {
            let after = state.remove(&id).flatten();
            let before = current.get(&id).cloned();
            (before != after).then_some(DocumentChange { id, before, after })
        })
        .collect();
    Ok(Commit {
        transaction_id: ctx.transaction_id.clone(),
        timestamp: ctx.now.clone(),
        identity: ctx.identity.clone(),
        results,
        changes,
    })
}

/// The documents as the transaction has left them so far.
struct Working<'a> {
    current: &'a HashMap<String, Document>,
    ctx: &'a TransactionContext,
    ids: IdSource,
    /// `None`: deleted in this transaction.
    state: HashMap<String, Option<Document>>,
    touched: Vec<String>,
    results: Vec<MutationResult>,
}

type ItemResult<T> = Result<T, MutationErrorItem>;

impl Working<'_> {
    fn get(&self, id: &str) -> Option<&Document> {
        match self.state.get(id) {
            Some(doc) => doc.as_ref(),
            None => self.current.get(id),
        }
    }

    fn put(&mut self, id: &str, doc: Option<Document>) {
        if !self.touched.iter().any(|t| t == id) {
            self.touched.push(id.to_string());
        }
        self.state.insert(id.to_string(), doc);
    }

    fn result(&mut self, id: &str, operation: Operation) {
        self.results.push(MutationResult {
            id: id.to_string(),
            operation,
        });
    }

    fn apply(&mut self, index: usize, mutation: &Mutation) -> ItemResult<()> {
        match mutation {
            Mutation::Create(body) => {
                let id = self.resolve_id(index, body)?;
                if self.get(&id).is_some() {
                    return Err(MutationErrorItem::new(
                        index,
                        ErrorKind::DocumentAlreadyExists,
                        format!("Document by ID \"{id}\" already exists"),
                    )
                    .with_id(id));
                }
                let doc = self.stamp(index, &id, body.clone(), None)?;
                self.put(&id, Some(doc));
                self.result(&id, Operation::Create);
            }
            Mutation::CreateOrReplace(body) => {
                let id = self.resolve_id(index, body)?;
                let existing = self
                    .get(&id)
                    .and_then(|d| d.created_at().map(str::to_string));
                let operation = if self.get(&id).is_some() {
                    Operation::Update
                } else {
                    Operation::Create
                };
                let doc = self.stamp(index, &id, body.clone(), existing)?;
                self.put(&id, Some(doc));
                self.result(&id, operation);
            }
            Mutation::CreateIfNotExists(body) => {
                let id = self.resolve_id(index, body)?;
                if self.get(&id).is_some() {
                    self.result(&id, Operation::None);
                } else {
                    let doc = self.stamp(index, &id, body.clone(), None)?;
                    self.put(&id, Some(doc));
                    self.result(&id, Operation::Create);
                }
            }
            Mutation::Delete(selection) => {
                for id in self.selected(index, selection)? {
                    if self.get(&id).is_some() {
                        self.put(&id, None);
                    }
                    self.result(&id, Operation::Delete);
                }
            }
            Mutation::Patch(patch) => {
                for id in self.selected(index, &patch.selection)? {
                    self.patch(index, &id, patch)?;
                }
            }
        }
        Ok(())
    }

    fn selected(&self, index: usize, selection: &Selection) -> ItemResult<Vec<String>> {
        match selection {
            Selection::Id(id) => Ok(vec![id.clone()]),
            Selection::Ids(ids) => Ok(ids.clone()),
            Selection::Query { .. } => Err(MutationErrorItem::new(
                index,
                ErrorKind::Unresolved,
                "a query selection must be resolved to ids before the transaction runs",
            )),
        }
    }

    /// The id a create-type mutation writes: given, or generated (after a
    /// given prefix ending in `.`).
    fn resolve_id(&mut self, index: usize, body: &Map<String, Value>) -> ItemResult<String> {
        let id = match body.get(SystemFields::ID) {
            Some(Value::String(id)) if id.ends_with('.') => {
                format!("{id}{}", self.ids.document_id())
            }
            Some(Value::String(id)) => id.clone(),
            _ => self.ids.document_id(),
        };
        DocumentId::parse(&id).map_err(|e| {
            MutationErrorItem::new(
                index,
                ErrorKind::Validation,
                format!("Malformed document ID: {e}"),
            )
            .with_value(Value::String(id.clone()))
        })?;
        Ok(id)
    }

    /// Sets the system fields on a document core is about to write and checks
    /// it against the limits.
    fn stamp(
        &mut self,
        index: usize,
        id: &str,
        mut body: Map<String, Value>,
        created_at: Option<String>,
    ) -> ItemResult<Document> {
        let ctx = self.ctx;
        match body.get(SystemFields::TYPE) {
            Some(Value::String(t)) if !t.is_empty() => {}
            _ => {
                return Err(MutationErrorItem::new(
                    index,
                    ErrorKind::Validation,
                    "the document must have a non-empty string _type",
                )
                .with_id(id))
            }
        }
        let created_at = match (created_at, body.get(SystemFields::CREATED_AT)) {
            (Some(kept), _) => kept,
            (None, Some(Value::String(given))) => given.clone(),
            (None, _) => ctx.now.clone(),
        };
        body.insert(SystemFields::ID.into(), Value::String(id.to_string()));
        body.insert(
            SystemFields::REV.into(),
            Value::String(ctx.transaction_id.clone()),
        );
        body.insert(SystemFields::CREATED_AT.into(), Value::String(created_at));
        body.insert(
            SystemFields::UPDATED_AT.into(),
            Value::String(ctx.now.clone()),
        );
        let mut value = Value::Object(body);
        if ctx.auto_generate_array_keys {
            add_missing_keys(&mut value, &mut self.ids);
        }
        check_limits(index, id, &value)?;
        match value {
            Value::Object(map) => Ok(Document::from_map(map)),
            _ => Err(MutationErrorItem::new(
                index,
                ErrorKind::Validation,
                "the document must be an object",
            )),
        }
    }

    fn patch(&mut self, index: usize, id: &str, patch: &Patch) -> ItemResult<()> {
        let Some(doc) = self.get(id) else {
            return Err(MutationErrorItem::new(
                index,
                ErrorKind::DocumentNotFound,
                format!("The document with the ID \"{id}\" was not found"),
            )
            .with_id(id));
        };
        if let Some(expected) = &patch.if_revision_id {
            let actual = doc.rev().unwrap_or_default();
            if actual != expected {
                return Err(MutationErrorItem::new(
                    index,
                    ErrorKind::RevisionMismatch,
                    format!("Document \"{id}\" has unexpected revision ID (\"{actual}\"), expected \"{expected}\""),
                )
                .with_id(id));
            }
        }
        let created_at = doc.created_at().map(str::to_string);
        let mut value = doc.to_value();
        apply_operations(&mut value, &patch.operations).map_err(|e| {
            MutationErrorItem::new(index, ErrorKind::LimitExceeded, e.to_string()).with_id(id)
        })?;
        let Value::Object(body) = value else {
            return Err(MutationErrorItem::new(
                index,
                ErrorKind::Validation,
                "a patch may not replace the document with a non-object",
            )
            .with_id(id));
        };
        // A patch cannot move a document or rewrite its history fields.
        let doc = self.stamp(index, id, body, created_at)?;
        self.put(id, Some(doc));
        self.result(id, Operation::Update);
        Ok(())
    }
}

fn check_limits(index: usize, id: &str, value: &Value) -> ItemResult<()> {
    if limits::depth(value) > limits::MAX_DOCUMENT_DEPTH {
        return Err(MutationErrorItem::new(
            index,
            ErrorKind::LimitExceeded,
            format!(
                "document is nested deeper than {} levels",
                limits::MAX_DOCUMENT_DEPTH
            ),
        )
        .with_id(id));
    }
    if limits::serialized_len(value) > limits::MAX_DOCUMENT_BYTES {
        return Err(MutationErrorItem::new(
            index,
            ErrorKind::LimitExceeded,
            format!(
                "document is larger than {} bytes",
                limits::MAX_DOCUMENT_BYTES
            ),
        )
        .with_id(id));
    }
    Ok(())
}
