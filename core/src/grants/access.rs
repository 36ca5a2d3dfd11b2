//! [`Grants`]: what one identity may do, document by document.

use std::sync::Arc;

use serde_json::{json, Value as Json};

use super::permission::{Permission, Permissions};
use super::role::{Grant, Role};
use crate::document::Document;
use crate::groq::value::Value;

/// The grants of one identity, ready to judge documents. Cheap to build
/// (the roles' filters were compiled when the roles were defined) and to
/// clone; `Send + Sync`, so a host may share one across tasks.
#[derive(Debug, Clone)]
pub struct Grants {
    roles: Vec<Arc<Role>>,
    identity: Arc<str>,
}

/// One entry of Studio's `GET /projects/{p}/datasets/{ds}/acl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub filter: String,
    pub permissions: Permissions,
}

impl AclEntry {
    pub fn to_json(&self) -> Json {
        let permissions: Vec<&str> = self.permissions.iter().map(Permission::as_str).collect();
        json!({"filter": self.filter, "permissions": permissions})
    }
}

impl Grants {
    /// The grants of `roles`, for the identity `identity` (what `identity()`
    /// returns inside a filter).
    pub fn new(roles: Vec<Arc<Role>>, identity: &str) -> Grants {
        Grants {
            roles,
            identity: identity.into(),
        }
    }

    /// No grant at all: nothing is readable or writable.
    pub fn none() -> Grants {
        Grants::new(Vec::new(), "")
    }

    pub fn identity(&self) -> &str {
        &self.identity
    }

    fn grants(&self) -> impl Iterator<Item = &Grant> {
        self.roles.iter().flat_map(|r| r.grants())
    }

    /// Whether some grant with `permission` has a filter that is true for
    /// `doc` (a stored document, before any perspective renamed it).
    pub fn allows(&self, permission: Permission, doc: &Value) -> bool {
        self.grants().any(|g| {
            g.permissions().contains(permission) && g.filter().matches(doc, &self.identity)
        })
    }

    /// As [`Grants::allows`], for a document as JSON.
    pub fn allows_json(&self, permission: Permission, doc: &Json) -> bool {
        self.allows(permission, &Value::from_json(doc))
    }

    /// As [`Grants::allows`], for a document of a commit.
    pub fn allows_document(&self, permission: Permission, doc: &Document) -> bool {
        self.allows(permission, &document_value(doc))
    }

    /// May this identity see `doc` (in a query result, through `->`, from
    /// `/doc`, in a listener event, in an export)?
    pub fn can_read(&self, doc: &Value) -> bool {
        self.allows(Permission::Read, doc)
    }

    /// Whether some grant gives `read` on every document (the filter
    /// `_id in path("**")` of the built-in roles), so nothing needs hiding.
    pub fn reads_everything(&self) -> bool {
        self.grants().any(|g| {
            g.permissions().contains(Permission::Read)
                && g.filter().as_str() == r#"_id in path("**")"#
        })
    }

    /// The documents of `docs` this identity may read, in order.
    pub fn readable<'a>(&'a self, docs: &'a [Value]) -> impl Iterator<Item = &'a Value> + 'a {
        docs.iter().filter(|d| self.can_read(d))
    }

    /// The GROQ filter that is true exactly where `permission` is granted:
    /// `(f1) || (f2)` over the distinct filters that carry it, `false` when
    /// none does. A host may push the read filter down to SQL; a filter
    /// that calls `identity()` needs this identity bound there.
    pub fn filter_for(&self, permission: Permission) -> String {
        let mut filters: Vec<&str> = Vec::new();
        for g in self.grants() {
            let f = g.filter().as_str();
            if g.permissions().contains(permission) && !filters.contains(&f) {
                filters.push(f);
            }
        }
        if filters.is_empty() {
            return "false".to_string();
        }
        filters
            .iter()
            .map(|f| format!("({f})"))
            .collect::<Vec<_>>()
            .join(" || ")
    }

    /// [`Grants::filter_for`] `read`.
    pub fn read_filter(&self) -> String {
        self.filter_for(Permission::Read)
    }

    /// What Studio's `/acl` expects: one entry per distinct filter, with the
    /// union of the permissions the identity's roles give under it.
    pub fn acl(&self) -> Vec<AclEntry> {
        let mut entries: Vec<AclEntry> = Vec::new();
        for g in self.grants() {
            if g.permissions().is_empty() {
                continue;
            }
            let filter = g.filter().as_str();
            match entries.iter_mut().find(|e| e.filter == filter) {
                Some(e) => e.permissions = e.permissions.union(g.permissions()),
                None => entries.push(AclEntry {
                    filter: filter.to_string(),
                    permissions: g.permissions(),
                }),
            }
        }
        entries
    }

    /// [`Grants::acl`] as the JSON body.
    pub fn acl_json(&self) -> Json {
        Json::Array(self.acl().iter().map(AclEntry::to_json).collect())
    }
}

/// A stored document as a GROQ value, for its filters to read.
pub(crate) fn document_value(doc: &Document) -> Value {
    Value::object(
        doc.as_map()
            .iter()
            .map(|(k, v)| (Arc::from(k.as_str()), Value::from_json(v)))
            .collect(),
    )
}
