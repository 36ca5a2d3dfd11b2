//! What a client can ask for, as typed values.

use serde_json::{Map, Value};

use super::path::Path;
use crate::text::DmpPatch;

/// One entry of a transaction's `mutations` array.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Fails if a document with the id exists. The id may be missing or end in
    /// `.` (a prefix); core then generates one.
    Create(Map<String, Value>),
    CreateOrReplace(Map<String, Value>),
    /// Leaves an existing document alone.
    CreateIfNotExists(Map<String, Value>),
    Delete(Selection),
    Patch(Patch),
}

/// Which documents a `delete` or `patch` addresses.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    Id(String),
    /// A GROQ filter; the host resolves it to ids (through core's GROQ engine)
    /// before the transaction runs, with [`Selection::Ids`].
    Query {
        query: String,
        params: Map<String, Value>,
    },
    /// The ids a query resolved to.
    Ids(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Patch {
    pub selection: Selection,
    /// The patch fails unless the document's `_rev` is exactly this.
    pub if_revision_id: Option<String>,
    pub operations: Vec<PatchOp>,
}

/// One operation of a patch, in the order it is applied.
#[derive(Debug, Clone)]
pub enum PatchOp {
    Set {
        path: Path,
        value: Value,
    },
    SetIfMissing {
        path: Path,
        value: Value,
    },
    /// Deep-merges an object into the document: objects merge field by field,
    /// anything else replaces.
    Merge(Map<String, Value>),
    Unset {
        path: Path,
    },
    /// `inc` (and `dec`, negated): numbers only; anything else is left as is.
    Inc {
        path: Path,
        by: serde_json::Number,
    },
    Insert {
        position: InsertPosition,
        path: Path,
        items: Vec<Value>,
    },
    DiffMatchPatch {
        path: Path,
        patch: DmpPatch,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertPosition {
    Before,
    After,
    Replace,
}

impl Mutation {
    /// The name Sanity uses for this mutation in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Mutation::Create(_) => "create",
            Mutation::CreateOrReplace(_) => "createOrReplace",
            Mutation::CreateIfNotExists(_) => "createIfNotExists",
            Mutation::Delete(_) => "delete",
            Mutation::Patch(_) => "patch",
        }
    }

    /// The query a `delete` or `patch` selects by, if it has one still unresolved.
    pub fn query(&self) -> Option<(&str, &Map<String, Value>)> {
        match self {
            Mutation::Delete(Selection::Query { query, params })
            | Mutation::Patch(Patch {
                selection: Selection::Query { query, params },
                ..
            }) => Some((query.as_str(), params)),
            _ => None,
        }
    }

    /// Replaces a query selection with the ids it resolved to.
    pub fn resolve_query(&mut self, ids: Vec<String>) {
        let selection = match self {
            Mutation::Delete(s) => s,
            Mutation::Patch(p) => &mut p.selection,
            _ => return,
        };
        if matches!(selection, Selection::Query { .. }) {
            *selection = Selection::Ids(ids);
        }
    }
}
