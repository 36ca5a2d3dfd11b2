//! Roles: named lists of grants, each a GROQ filter and the permissions it
//! gives on the documents it matches. Sanity's built-in roles are defined
//! here; custom roles are data, parsed from JSON.

use serde_json::Value as Json;

use super::error::GrantError;
use super::filter::GrantFilter;
use super::permission::{Permission, Permissions};

/// `{filter, permissions}`: what Sanity calls a grant on a content resource.
#[derive(Debug)]
pub struct Grant {
    filter: GrantFilter,
    permissions: Permissions,
}

impl Grant {
    pub fn new(filter: GrantFilter, permissions: impl Into<Permissions>) -> Grant {
        Grant {
            filter,
            permissions: permissions.into(),
        }
    }

    /// `{"filter": "<GROQ>", "permissions": ["read", ...]}`, or the legacy
    /// `{"path": "drafts.**", ...}` that Sanity's old access groups used,
    /// which means `_id in path("drafts.**")`. Other keys (`_key`, ...) are
    /// ignored.
    pub fn from_json(json: &Json) -> Result<Grant, GrantError> {
        let Json::Object(grant) = json else {
            return Err(GrantError::malformed(
                "a grant must be an object with `filter` and `permissions`",
            ));
        };
        let filter = match (grant.get("filter"), grant.get("path")) {
            (Some(Json::String(filter)), None) => GrantFilter::parse(filter)?,
            (None, Some(Json::String(glob))) => GrantFilter::id_path(glob),
            (Some(_), Some(_)) => {
                return Err(GrantError::malformed(
                    "a grant has either `filter` or `path`, not both",
                ))
            }
            (None, None) => return Err(GrantError::malformed("a grant needs a `filter`")),
            _ => {
                return Err(GrantError::malformed(
                    "a grant's `filter` (or `path`) must be a string",
                ))
            }
        };
        let Some(Json::Array(names)) = grant.get("permissions") else {
            return Err(GrantError::malformed(
                "a grant's `permissions` must be an array of permission names",
            ));
        };
        let mut permissions = Permissions::NONE;
        for name in names {
            let Json::String(name) = name else {
                return Err(GrantError::UnknownPermission {
                    permission: name.to_string(),
                });
            };
            match Permission::parse(name) {
                Some(p) => permissions.insert(p),
                None => {
                    return Err(GrantError::UnknownPermission {
                        permission: name.clone(),
                    })
                }
            }
        }
        Ok(Grant {
            filter,
            permissions,
        })
    }

    pub fn filter(&self) -> &GrantFilter {
        &self.filter
    }

    pub fn permissions(&self) -> Permissions {
        self.permissions
    }
}

/// A named set of grants, as assigned to users and tokens.
#[derive(Debug)]
pub struct Role {
    name: String,
    title: String,
    grants: Vec<Grant>,
}

impl Role {
    pub fn new(name: impl Into<String>, title: impl Into<String>, grants: Vec<Grant>) -> Role {
        Role {
            name: name.into(),
            title: title.into(),
            grants,
        }
    }

    /// `{"name": "translator", "title"?: "Translator", "grants": [grant, ...]}`
    /// (see [`Grant::from_json`]). Errors name the role and the grant.
    pub fn from_json(json: &Json) -> Result<Role, GrantError> {
        let Json::Object(role) = json else {
            return Err(GrantError::malformed(
                "a role must be an object with `name` and `grants`",
            ));
        };
        let name = match role.get("name") {
            Some(Json::String(name)) if !name.is_empty() => name.clone(),
            _ => {
                return Err(GrantError::malformed(
                    "a role needs a non-empty string `name`",
                ))
            }
        };
        let title = match role.get("title") {
            None | Some(Json::Null) => name.clone(),
            Some(Json::String(title)) => title.clone(),
            Some(_) => {
                return Err(
                    GrantError::malformed("a role's `title` must be a string").in_role(&name, None)
                )
            }
        };
        let Some(Json::Array(list)) = role.get("grants") else {
            return Err(
                GrantError::malformed("a role's `grants` must be an array").in_role(&name, None)
            );
        };
        let grants = list
            .iter()
            .enumerate()
            .map(|(i, g)| Grant::from_json(g).map_err(|e| e.in_role(&name, Some(i))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Role {
            name,
            title,
            grants,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    /// Everything, including rewriting history.
    pub fn administrator() -> Role {
        Role::new(
            "administrator",
            "Administrator",
            vec![Grant::new(
                GrantFilter::id_path("**"),
                Permissions::from(Permission::ALL),
            )],
        )
    }

    /// Reads and writes every document (publishing included); history is
    /// readable but not editable.
    pub fn editor() -> Role {
        Role::new("editor", "Editor", Role::read_write())
    }

    /// Sanity's developer role has the editor's content grants (it differs
    /// in project settings, which Qanat does not model).
    pub fn developer() -> Role {
        Role::new("developer", "Developer", Role::read_write())
    }

    fn read_write() -> Vec<Grant> {
        vec![Grant::new(
            GrantFilter::id_path("**"),
            [
                Permission::Read,
                Permission::Create,
                Permission::Update,
                Permission::History,
            ],
        )]
    }

    /// Reads everything; writes drafts and release versions only. Publishing
    /// writes the published id (`x`), which no grant here matches, so a
    /// contributor can prepare changes but not publish them. Release
    /// documents (`_.releases.*`) stay read-only: scheduling or publishing a
    /// release is publishing.
    pub fn contributor() -> Role {
        let write = [Permission::Create, Permission::Update, Permission::History];
        Role::new(
            "contributor",
            "Contributor",
            vec![
                Grant::new(GrantFilter::id_path("**"), [Permission::Read]),
                Grant::new(GrantFilter::id_path("drafts.**"), write),
                Grant::new(GrantFilter::id_path("versions.**"), write),
            ],
        )
    }

    /// Reads every document and its history; writes nothing.
    pub fn viewer() -> Role {
        Role::new(
            "viewer",
            "Viewer",
            vec![Grant::new(
                GrantFilter::id_path("**"),
                [Permission::Read, Permission::History],
            )],
        )
    }

    /// The role every caller holds on a public dataset, signed in or not:
    /// read access to documents whose id has no `.` (Sanity keeps ids in a
    /// path, `drafts.x`, `versions.r.x`, `_.releases.r`, private even then).
    pub fn public() -> Role {
        Role::new(
            "public",
            "Public",
            vec![Grant::new(GrantFilter::id_path("*"), [Permission::Read])],
        )
    }

    /// Sanity's built-in roles: administrator, editor, developer,
    /// contributor, viewer.
    pub fn builtin() -> Vec<Role> {
        vec![
            Role::administrator(),
            Role::editor(),
            Role::developer(),
            Role::contributor(),
            Role::viewer(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn custom_roles_parse_from_json() {
        let role = Role::from_json(&json!({
            "name": "translator",
            "grants": [
                {"filter": "_id in path(\"**\")", "permissions": ["read"]},
                {"path": "drafts.**", "permissions": ["create", "update", "editHistory"], "_key": "k"},
            ]
        }))
        .expect("valid role");
        assert_eq!(role.name(), "translator");
        assert_eq!(role.title(), "translator");
        assert_eq!(role.grants().len(), 2);
        assert_eq!(
            role.grants()[1].filter().as_str(),
            r#"_id in path("drafts.**")"#
        );
        assert_eq!(
            role.grants()[1].permissions().iter().collect::<Vec<_>>(),
            vec![
                Permission::Create,
                Permission::Update,
                Permission::EditHistory
            ]
        );
    }

    #[test]
    fn bad_roles_say_which_grant_and_why() {
        let cases = [
            (
                json!({"name": "r", "grants": [{"filter": "true", "permissions": ["read"]}, {"filter": "_id in", "permissions": ["read"]}]}),
                "role \"r\", grant 1: the filter \"_id in\" is not valid",
            ),
            (
                json!({"name": "r", "grants": [{"filter": "true", "permissions": ["read", "delete"]}]}),
                "role \"r\", grant 0: unknown permission \"delete\"",
            ),
            (
                json!({"name": "r", "grants": [{"filter": "true", "permissions": [1]}]}),
                "unknown permission \"1\"",
            ),
            (
                json!({"name": "r", "grants": [{"permissions": ["read"]}]}),
                "needs a `filter`",
            ),
            (
                json!({"name": "r", "grants": [{"filter": "true", "path": "**", "permissions": []}]}),
                "not both",
            ),
            (
                json!({"name": "r", "grants": [{"filter": "true"}]}),
                "`permissions` must be an array",
            ),
            (
                json!({"name": "r", "grants": {}}),
                "role \"r\": a role's `grants`",
            ),
            (json!({"grants": []}), "non-empty string `name`"),
            (json!([]), "must be an object"),
        ];
        for (json, says) in cases {
            let err = Role::from_json(&json).expect_err("invalid");
            assert!(err.to_string().contains(says), "{json}: {err}");
            assert_eq!(err.http_status(), 400);
            assert_eq!(err.to_json()["error"]["type"], "validationError");
        }
        let err = Role::from_json(
            &json!({"name": "r", "grants": [{"filter": "true", "permissions": ["Read"]}]}),
        )
        .expect_err("case matters");
        assert!(matches!(
            err,
            GrantError::InRole { grant: Some(0), ref source, .. }
                if **source == GrantError::UnknownPermission { permission: "Read".into() }
        ));
    }
}
