//! The five document permissions a grant can give, in Sanity's names.
//!
//! Sanity has no `delete` permission: deleting a document needs `update` on
//! it, so a role that may edit a document may also remove it.

use std::fmt;

/// What a grant allows on the documents its filter matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// See the document: queries, `/doc`, listener events, export.
    Read,
    /// Write a document that did not exist.
    Create,
    /// Change or delete an existing document.
    Update,
    /// Read the document's past revisions and transactions.
    History,
    /// Rewrite or remove the document's history.
    EditHistory,
}

impl Permission {
    /// Every permission, in the order Studio's `/acl` lists them.
    pub const ALL: [Permission; 5] = [
        Permission::Read,
        Permission::Create,
        Permission::Update,
        Permission::History,
        Permission::EditHistory,
    ];

    /// The name Sanity uses in grants and error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Create => "create",
            Permission::Update => "update",
            Permission::History => "history",
            Permission::EditHistory => "editHistory",
        }
    }

    /// The permission with this name; names are case-sensitive, as in
    /// Sanity's grants (`editHistory`, not `edithistory`).
    pub fn parse(name: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of permissions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Permissions(u8);

impl Permissions {
    pub const NONE: Permissions = Permissions(0);

    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn union(self, other: Permissions) -> Permissions {
        Permissions(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The permissions held, in [`Permission::ALL`]'s order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Permissions::NONE;
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl<const N: usize> From<[Permission; N]> for Permissions {
    fn from(list: [Permission; N]) -> Self {
        list.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_case_sensitive() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        assert_eq!(Permission::parse("edithistory"), None);
        assert_eq!(Permission::parse("delete"), None);
        assert_eq!(Permission::parse("Read"), None);
    }

    #[test]
    fn sets_list_in_acl_order() {
        let set = Permissions::from([Permission::History, Permission::Read, Permission::Update]);
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            vec![Permission::Read, Permission::Update, Permission::History]
        );
        assert!(!set.contains(Permission::Create));
        assert!(Permissions::NONE.is_empty());
    }
}
