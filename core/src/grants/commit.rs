//! Judging a transaction's writes, document by document, on the states
//! before and after it:
//!
//! - create (no before): the after-state must match a `create` grant;
//! - update: the before- and the after-state must each match an `update`
//!   grant, so nobody edits a document they may not touch, nor moves one
//!   out of their reach (`lang: "en"` to `"ar"` for an English editor);
//! - delete (no after): the before-state must match an `update` grant
//!   (Sanity has no separate `delete` permission).

use serde_json::{json, Value as Json};

use super::access::{document_value, Grants};
use super::permission::Permission;
use crate::document::SystemFields;
use crate::mutation::{Commit, DocumentChange, Mutation, Patch, Selection};

/// One write the identity may not make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denial {
    /// The document written.
    pub id: String,
    /// The permission it lacks.
    pub permission: Permission,
    /// The position of the mutation that wrote it, once
    /// [`PermissionError::locate`] found it.
    pub index: Option<usize>,
}

impl Denial {
    /// Sanity's wording, which `@sanity/client` shows to the user.
    pub fn description(&self) -> String {
        format!(
            "Insufficient permissions; permission \"{}\" required",
            self.permission
        )
    }
}

/// A transaction refused for lack of permissions: HTTP 403, nothing stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.summary())]
pub struct PermissionError {
    pub items: Vec<Denial>,
}

impl Grants {
    /// The permission `change` needs and this identity lacks, if any.
    pub fn check_change(&self, change: &DocumentChange) -> Result<(), Denial> {
        let denied = |permission| Denial {
            id: change.id.clone(),
            permission,
            index: None,
        };
        let allows = |p, doc| self.allows(p, &document_value(doc));
        match (&change.before, &change.after) {
            (None, Some(after)) if !allows(Permission::Create, after) => {
                Err(denied(Permission::Create))
            }
            (Some(before), after) => {
                if !allows(Permission::Update, before)
                    || after
                        .as_ref()
                        .is_some_and(|a| !allows(Permission::Update, a))
                {
                    Err(denied(Permission::Update))
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Every change of `commit` this identity may not make; `Ok` when it
    /// may make them all. Call before storing the commit.
    pub fn check_commit(&self, commit: &Commit) -> Result<(), PermissionError> {
        let items: Vec<Denial> = commit
            .changes
            .iter()
            .filter_map(|c| self.check_change(c).err())
            .collect();
        if items.is_empty() {
            Ok(())
        } else {
            Err(PermissionError { items })
        }
    }
}

impl PermissionError {
    /// Fills in each denial's `index` from the transaction's mutations: the
    /// first mutation that names the id (a create's `_id`, a delete's or
    /// patch's selected ids, query selections already resolved), else the
    /// first create whose `_id` is a prefix of it or absent (ids core
    /// generated; with several such creates this picks the first).
    pub fn locate(mut self, mutations: &[Mutation]) -> PermissionError {
        for item in &mut self.items {
            item.index = mutations
                .iter()
                .position(|m| names(m, &item.id))
                .or_else(|| mutations.iter().position(|m| generated(m, &item.id)));
        }
        self
    }

    pub fn http_status(&self) -> u16 {
        403
    }

    /// Sanity's body: a `mutationError` whose items are
    /// `insufficientPermissionsError`s naming the permission (and, beyond
    /// what Sanity sends, the document).
    pub fn to_json(&self) -> Json {
        let items = self
            .items
            .iter()
            .map(|item| {
                let description = item.description();
                let mut json = crate::error_body::Item {
                    kind: "insufficientPermissionsError",
                    description: &description,
                    id: Some(&item.id),
                    value: None,
                    index: item.index,
                }
                .to_json();
                // Sanity names the missing permission beside the description.
                if let Some(error) = json.get_mut("error").and_then(Json::as_object_mut) {
                    error.insert("permission".into(), json!(item.permission.as_str()));
                }
                json
            })
            .collect();
        crate::error_body::with_items("mutationError", self.description(), items)
    }

    /// Sanity's top-level description for failed mutations.
    pub fn description(&self) -> String {
        format!("Mutation(s) failed with {} error(s)", self.items.len())
    }

    fn summary(&self) -> String {
        match self.items.first() {
            Some(first) => format!(
                "{}: {} on document {:?}",
                self.description(),
                first.description(),
                first.id
            ),
            None => self.description(),
        }
    }
}

fn body_id(m: &Mutation) -> Option<Option<&str>> {
    match m {
        Mutation::Create(body)
        | Mutation::CreateOrReplace(body)
        | Mutation::CreateIfNotExists(body) => {
            Some(body.get(SystemFields::ID).and_then(Json::as_str))
        }
        _ => None,
    }
}

fn names(m: &Mutation, id: &str) -> bool {
    match m {
        Mutation::Delete(selection) | Mutation::Patch(Patch { selection, .. }) => match selection {
            Selection::Id(one) => one == id,
            Selection::Ids(ids) => ids.iter().any(|i| i == id),
            Selection::Query { .. } => false,
        },
        _ => body_id(m) == Some(Some(id)),
    }
}

fn generated(m: &Mutation, id: &str) -> bool {
    match body_id(m) {
        Some(None) => true,
        Some(Some(prefix)) => prefix.ends_with('.') && id.starts_with(prefix),
        None => false,
    }
}
