//! The roles a project defines, and the grants one identity holds through
//! them. Roles are compiled when they are added; looking up an identity's
//! grants shares them and parses nothing.

use std::sync::Arc;

use super::access::Grants;
use super::error::GrantError;
use super::identity::{AclMode, Identity};
use super::role::Role;

/// A project's roles (the built-in ones and any custom ones) and a
/// dataset's access mode.
#[derive(Debug, Clone)]
pub struct Roles {
    roles: Vec<Arc<Role>>,
    public: Arc<Role>,
    acl_mode: AclMode,
}

impl Default for Roles {
    fn default() -> Roles {
        Roles::new()
    }
}

impl Roles {
    /// The built-in roles, on a private dataset.
    pub fn new() -> Roles {
        Roles {
            roles: Role::builtin().into_iter().map(Arc::new).collect(),
            public: Arc::new(Role::public()),
            acl_mode: AclMode::Private,
        }
    }

    pub fn with_acl_mode(mut self, mode: AclMode) -> Roles {
        self.acl_mode = mode;
        self
    }

    pub fn acl_mode(&self) -> AclMode {
        self.acl_mode
    }

    /// Adds a custom role. Built-in roles cannot be redefined, as in
    /// Sanity, so a name already taken is an error.
    pub fn add(&mut self, role: Role) -> Result<(), GrantError> {
        if self.get(role.name()).is_some() {
            return Err(GrantError::DuplicateRole {
                role: role.name().to_string(),
            });
        }
        self.roles.push(Arc::new(role));
        Ok(())
    }

    pub fn get(&self, name: &str) -> Option<&Arc<Role>> {
        self.roles.iter().find(|r| r.name() == name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Arc<Role>> {
        self.roles.iter()
    }

    /// What `identity` may do: the union of its roles' grants, plus read
    /// access to unpathed documents for everyone on a public dataset.
    /// An anonymous identity holds no role whatever its `roles` say.
    pub fn grants_for(&self, identity: &Identity) -> Result<Grants, GrantError> {
        let mut held: Vec<Arc<Role>> = Vec::new();
        if !identity.anonymous {
            for name in &identity.roles {
                let role = self
                    .get(name)
                    .ok_or_else(|| GrantError::UnknownRole { role: name.clone() })?;
                if !held.iter().any(|r| Arc::ptr_eq(r, role)) {
                    held.push(role.clone());
                }
            }
        }
        if self.acl_mode == AclMode::Public {
            held.push(self.public.clone());
        }
        let id = if identity.anonymous { "" } else { &identity.id };
        Ok(Grants::new(held, id))
    }
}
