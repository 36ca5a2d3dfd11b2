//! A project's roles as the store keeps them (`roles`, `grants` and the
//! dataset's `acl_mode`, the tables of `d1-migrations/`), read into
//! [`Roles`]. Every host selects the same rows; this turns them into
//! roles once.

use serde_json::{json, Value as Json};

use super::error::GrantError;
use super::identity::AclMode;
use super::role::Role;
use super::roles::Roles;

/// One row of `roles`: `(name, title)`.
pub type RoleRow = (String, String);

/// One row of `grants`: `(role, filter, permissions as a JSON array)`.
pub type GrantRow = (String, String, String);

impl Roles {
    /// The built-in roles, the stored custom ones with `grants` (the rows
    /// for the dataset at hand and for `*`, in the order they were
    /// written), and the dataset's `acl_mode` (private when the dataset is
    /// not listed or the mode is unknown).
    ///
    /// Built-in roles have rows too (so users can hold them) but are
    /// defined by core: their rows are skipped. A bad stored role is an
    /// error naming it: the store is inconsistent, not the request.
    pub fn from_stored(
        acl_mode: Option<&str>,
        roles: &[RoleRow],
        grants: &[GrantRow],
    ) -> Result<Roles, GrantError> {
        let mode = acl_mode
            .and_then(AclMode::parse)
            .unwrap_or(AclMode::Private);
        let mut project = Roles::new().with_acl_mode(mode);
        for (name, title) in roles {
            if project.get(name).is_some() {
                continue;
            }
            let list: Vec<Json> = grants
                .iter()
                .filter(|(role, _, _)| role == name)
                .map(|(_, filter, permissions)| {
                    // Written from a parsed array; anything else becomes a
                    // grant `Role::from_json` rejects, naming the role.
                    let permissions: Json = serde_json::from_str(permissions).unwrap_or(Json::Null);
                    json!({"filter": filter, "permissions": permissions})
                })
                .collect();
            project.add(Role::from_json(
                &json!({"name": name, "title": title, "grants": list}),
            )?)?;
        }
        Ok(project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::{Identity, Permission};

    #[test]
    fn stored_rows_become_roles() {
        let roles = vec![
            ("administrator".to_owned(), "Administrator".to_owned()),
            ("no-secrets".to_owned(), "Reads all but secrets".to_owned()),
        ];
        let grants = vec![(
            "no-secrets".to_owned(),
            "secret != true".to_owned(),
            r#"["read"]"#.to_owned(),
        )];
        let project = Roles::from_stored(Some("private"), &roles, &grants).expect("roles");
        let mine = project
            .grants_for(&Identity::user("u", ["no-secrets"]))
            .expect("grants");
        assert!(mine.allows_json(Permission::Read, &json!({"_id": "a", "_type": "t"})));
        assert!(!mine.allows_json(
            Permission::Read,
            &json!({"_id": "b", "_type": "t", "secret": true})
        ));
        assert!(!mine.allows_json(Permission::Update, &json!({"_id": "a", "_type": "t"})));
        // The administrator's row does not redefine the built-in role.
        assert!(project
            .get("administrator")
            .is_some_and(|r| !r.grants().is_empty()));
    }

    #[test]
    fn unlisted_datasets_are_private_and_bad_rows_are_errors() {
        let mode = |m| Roles::from_stored(m, &[], &[]).expect("roles").acl_mode();
        assert_eq!(mode(Some("public")), AclMode::Public);
        assert_eq!(mode(None), AclMode::Private);
        assert_eq!(mode(Some("secret")), AclMode::Private);
        let roles = vec![("broken".to_owned(), "Broken".to_owned())];
        let grants = vec![("broken".to_owned(), "*[".to_owned(), "not json".to_owned())];
        assert!(Roles::from_stored(None, &roles, &grants).is_err());
    }
}
