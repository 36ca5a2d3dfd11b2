//! Sanity's project API as every host answers it: the project and its
//! members, `features`, the dataset list and what changes it, and Studio's
//! per-user settings (`users/me/keyvalue`). Hosts read and write the rows;
//! the answers, checks and refusals are decided here.

use serde_json::{json, Value as Json};

use crate::grants::{AclMode, Identity};
use crate::request::{self, gateway_body, BadRequest};
use crate::users::{named_roles, User};

/// Why a project request is refused. Sanity's project API answers through
/// its gateway (`{"statusCode","error","message"}`), not with the data
/// API's `{"error":{…}}`, except for a missing dataset, which every host
/// answers as any missing resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A dataset name or body the request cannot have.
    BadRequest(String),
    /// No signed-in caller.
    Unauthorized(String),
    /// A caller without the role this needs.
    Forbidden(String),
    /// No such dataset.
    NotFound(String),
}

impl Refused {
    pub fn http_status(&self) -> u16 {
        match self {
            Refused::BadRequest(_) => 400,
            Refused::Unauthorized(_) => 401,
            Refused::Forbidden(_) => 403,
            Refused::NotFound(_) => 404,
        }
    }

    /// The body, in the shape Sanity answers this refusal with.
    pub fn to_json(&self) -> Json {
        match self {
            Refused::BadRequest(message)
            | Refused::Unauthorized(message)
            | Refused::Forbidden(message) => gateway_body(self.http_status(), message),
            Refused::NotFound(description) => {
                json!({"error": {"type": "notFoundError", "description": description}})
            }
        }
    }
}

/// The caller's user id: members and settings are for people who signed
/// in, and an anonymous caller has neither.
pub fn signed_in(identity: &Identity) -> Result<&str, Refused> {
    if identity.anonymous {
        return Err(Refused::Unauthorized("Not logged in".to_owned()));
    }
    Ok(&identity.id)
}

/// Managing datasets is a project-wide right: the administrator role held
/// on every dataset (`identity.roles` are those roles).
pub fn require_administrator(identity: &Identity) -> Result<(), Refused> {
    signed_in(identity)?;
    if identity.roles.iter().any(|r| r == "administrator") {
        Ok(())
    } else {
        Err(Refused::Forbidden(
            "Only administrators may create, change or delete datasets".to_owned(),
        ))
    }
}

/// A person or robot in the `users` table, as the member list shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: User,
    pub is_robot: bool,
    pub created_at: String,
}

/// `GET projects/{id}`: a Qanat server is one project, so any id answers
/// with it. `held` is every `(user_id, role)` held on every dataset, sorted
/// by user and role; `titles` the `roles` table's `(name, title)` rows.
pub fn project(
    id: &str,
    caller_id: &str,
    members: &[Member],
    held: &[(String, String)],
    titles: &[(String, String)],
) -> Json {
    let members: Vec<Json> = members
        .iter()
        .map(|member| {
            let id = &member.user.id;
            let names: Vec<String> = held
                .iter()
                .filter(|(user, _)| user == id)
                .map(|(_, role)| role.clone())
                .collect();
            json!({
                "id": id,
                "createdAt": member.created_at,
                "isCurrentUser": id == caller_id,
                "isRobot": member.is_robot,
                "role": names.first().cloned().unwrap_or_default(),
                "roles": named_roles(titles, &names),
            })
        })
        .collect();
    json!({
        "id": id,
        "displayName": id,
        "studioHost": null,
        "isBlocked": false,
        "isDisabled": false,
        "isDisabledByUser": false,
        "activityFeedEnabled": false,
        "metadata": {},
        "members": members,
    })
}

/// `GET features`: the project's paid features. Qanat has no plans, and
/// Studio reads an empty list as "nothing extra".
pub fn features() -> Json {
    json!([])
}

/// `GET projects/{p}/datasets` from the `datasets` table's `(name,
/// acl_mode)` rows.
pub fn dataset_list(rows: &[(String, String)]) -> Json {
    rows.iter()
        .map(|(name, acl_mode)| json!({"name": name, "aclMode": acl_mode}))
        .collect()
}

/// Sanity's rule for dataset names: 1 to 64 characters, lowercase letters,
/// digits, `_` and `-`, starting with a letter or digit.
pub fn check_dataset_name(name: &str) -> Result<(), Refused> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if first_ok && rest_ok && name.len() <= 64 {
        Ok(())
    } else {
        Err(Refused::BadRequest(format!(
            "Invalid dataset name {name:?}: use 1 to 64 lowercase letters, digits, `_` or `-`, starting with a letter or digit"
        )))
    }
}

/// The `aclMode` of a `PUT projects/{p}/datasets/{name}` body
/// (`{"aclMode": "private"}`); public when the body leaves it out, as
/// Sanity's default is.
pub fn acl_mode_of(body: &[u8]) -> Result<AclMode, Refused> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(AclMode::Public);
    }
    let json: Json = serde_json::from_slice(body)
        .map_err(|e| Refused::BadRequest(format!("The body is not JSON: {e}")))?;
    match json.get("aclMode") {
        None | Some(Json::Null) => Ok(AclMode::Public),
        Some(Json::String(mode)) => AclMode::parse(mode).ok_or_else(|| {
            Refused::BadRequest(format!(
                "Invalid aclMode {mode:?}: expected \"public\" or \"private\""
            ))
        }),
        Some(_) => Err(Refused::BadRequest(
            "`aclMode` must be \"public\" or \"private\"".to_owned(),
        )),
    }
}

/// What `PUT projects/{p}/datasets/{name}` answers once stored.
pub fn dataset_put(name: &str, mode: AclMode) -> Json {
    json!({"datasetName": name, "aclMode": mode.as_str()})
}

/// What `DELETE projects/{p}/datasets/{name}` answers, given whether the
/// `datasets` table listed it (its content is cleared either way).
pub fn dataset_deleted(name: &str, listed: bool) -> Result<Json, Refused> {
    if listed {
        Ok(json!({"deleted": true}))
    } else {
        Err(Refused::NotFound(format!("Dataset \"{name}\" not found")))
    }
}

/// The statements that delete a dataset, to run in one transaction, with
/// `param` the host's placeholder for its name (`$1`, `?1`). The content
/// tables have no foreign key to `datasets` (see the migration), so each
/// is cleared here: a half-deleted dataset would leave documents nobody can
/// list. The `datasets` row goes last; how many rows that statement deleted
/// says whether the table listed it.
pub fn delete_dataset_statements(param: &str) -> Vec<String> {
    const CONTENT: [&str; 6] = [
        "documents",
        "transaction_documents",
        "transactions",
        "assets",
        "grants",
        "user_roles",
    ];
    CONTENT
        .iter()
        .map(|table| format!("DELETE FROM {table} WHERE dataset = {param}"))
        .chain([format!("DELETE FROM datasets WHERE name = {param}")])
        .collect()
}

/// Keys longer than this are refused: Studio's are short dotted names.
pub const MAX_KEY_CHARS: usize = 256;
/// How many keys one settings request may name or set.
pub const MAX_KEYS: usize = 100;

/// The keys of `GET`/`DELETE users/me/keyvalue/{keys}` (comma-separated).
pub fn setting_keys(list: &str) -> Result<Vec<String>, BadRequest> {
    let keys = request::comma_list(list);
    if keys.is_empty() || keys.len() > MAX_KEYS {
        return Err(BadRequest(format!("Name between 1 and {MAX_KEYS} keys")));
    }
    match keys.iter().find(|key| !valid_key(key)) {
        Some(bad) => Err(BadRequest(format!("Invalid key: {bad:?}"))),
        None => Ok(keys),
    }
}

/// The `(key, value)` pairs of a `PUT users/me/keyvalue` body
/// (`[{key, value}]`); a missing `value` is null.
pub fn settings_to_store(body: &Json) -> Result<Vec<(String, Json)>, BadRequest> {
    let Json::Array(items) = body else {
        return Err(BadRequest("Expected an array of {key, value}".to_owned()));
    };
    if items.len() > MAX_KEYS {
        return Err(BadRequest(format!("At most {MAX_KEYS} keys at once")));
    }
    items
        .iter()
        .map(|item| {
            let key = item
                .get("key")
                .and_then(Json::as_str)
                .filter(|key| valid_key(key))
                .ok_or_else(|| BadRequest(format!("Invalid key in {item}")))?;
            let value = item.get("value").cloned().unwrap_or(Json::Null);
            Ok((key.to_owned(), value))
        })
        .collect()
}

/// What `GET users/me/keyvalue/{keys}` answers: `[{key, value}]` in the
/// order asked, `value` null where nothing is stored.
pub fn settings(keys: &[String], values: Vec<Option<Json>>) -> Json {
    keys.iter()
        .zip(values)
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect()
}

/// What `PUT users/me/keyvalue` answers for the pairs it stored.
pub fn stored_settings(pairs: Vec<(String, Json)>) -> Json {
    let stored: Vec<Json> = pairs
        .into_iter()
        .map(|(key, value)| json!({"key": key, "value": value}))
        .collect();
    // Studio sets one key per request and reads `.value` off the answer to
    // refresh its cache, so a single pair comes back as that pair.
    match <[Json; 1]>::try_from(stored) {
        Ok([one]) => one,
        Err(many) => Json::Array(many),
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.chars().count() <= MAX_KEY_CHARS && !key.contains(',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_names() {
        for (name, ok) in [
            ("production", true),
            ("staging-2", true),
            ("a_b", true),
            ("9lives", true),
            ("", false),
            ("Production", false),
            ("-x", false),
            ("*", false),
            ("a b", false),
            (&"a".repeat(65), false),
        ] {
            assert_eq!(check_dataset_name(name).is_ok(), ok, "{name:?}");
        }
    }

    #[test]
    fn acl_modes_in_bodies() {
        for (body, mode) in [
            ("", Some(AclMode::Public)),
            ("{}", Some(AclMode::Public)),
            (r#"{"aclMode":"private"}"#, Some(AclMode::Private)),
            (r#"{"aclMode":"public"}"#, Some(AclMode::Public)),
            (r#"{"aclMode":"custom"}"#, None),
            (r#"{"aclMode":1}"#, None),
            ("nope", None),
        ] {
            assert_eq!(acl_mode_of(body.as_bytes()).ok(), mode, "{body}");
        }
    }

    #[test]
    fn only_signed_in_administrators_manage_datasets() {
        let admin = Identity::user("a", ["viewer", "administrator"]);
        let editor = Identity::user("e", ["editor"]);
        assert_eq!(require_administrator(&admin), Ok(()));
        let refused = require_administrator(&editor).expect_err("an editor");
        assert_eq!(refused.http_status(), 403);
        let refused = require_administrator(&Identity::anonymous()).expect_err("anonymous");
        assert_eq!(
            refused.to_json(),
            json!({"statusCode": 401, "error": "Unauthorized", "message": "Not logged in"})
        );
        assert_eq!(signed_in(&editor), Ok("e"));
    }

    #[test]
    fn a_missing_dataset_is_a_not_found_error() {
        assert_eq!(dataset_deleted("x", true), Ok(json!({"deleted": true})));
        let refused = dataset_deleted("x", false).expect_err("not listed");
        assert_eq!(refused.http_status(), 404);
        assert_eq!(refused.to_json()["error"]["type"], "notFoundError");
    }

    #[test]
    fn a_dataset_delete_ends_with_its_row() {
        let statements = delete_dataset_statements("?1");
        assert_eq!(statements.len(), 7);
        assert_eq!(statements[0], "DELETE FROM documents WHERE dataset = ?1");
        assert_eq!(statements[6], "DELETE FROM datasets WHERE name = ?1");
    }

    #[test]
    fn members_carry_their_roles() {
        let member = |id: &str, is_robot| Member {
            user: User {
                id: id.to_owned(),
                name: id.to_owned(),
                email: None,
            },
            is_robot,
            created_at: "2026-01-01T00:00:00Z".to_owned(),
        };
        let held = [
            ("ada".to_owned(), "administrator".to_owned()),
            ("bot".to_owned(), "translator".to_owned()),
        ];
        let titles = [("translator".to_owned(), "Translator".to_owned())];
        let body = project(
            "p",
            "ada",
            &[member("ada", false), member("bot", true)],
            &held,
            &titles,
        );
        assert_eq!(body["id"], "p");
        assert_eq!(
            body["members"][0],
            json!({"id": "ada", "createdAt": "2026-01-01T00:00:00Z", "isCurrentUser": true,
                   "isRobot": false, "role": "administrator",
                   "roles": [{"name": "administrator", "title": "Administrator"}]})
        );
        assert_eq!(body["members"][1]["isRobot"], true);
        assert_eq!(body["members"][1]["roles"][0]["title"], "Translator");
    }

    #[test]
    fn setting_keys_are_checked() {
        assert_eq!(
            setting_keys("a, b.c"),
            Ok(vec!["a".to_owned(), "b.c".to_owned()])
        );
        assert!(setting_keys(",").is_err());
        assert!(setting_keys(&"k".repeat(MAX_KEY_CHARS + 1)).is_err());
        assert!(setting_keys(&vec!["k"; MAX_KEYS + 1].join(",")).is_err());
    }

    #[test]
    fn settings_bodies_and_answers() {
        let pairs = settings_to_store(&json!([{"key": "a", "value": {"x": 1}}, {"key": "b"}]));
        assert_eq!(
            pairs,
            Ok(vec![
                ("a".to_owned(), json!({"x": 1})),
                ("b".to_owned(), Json::Null)
            ])
        );
        for bad in [
            json!({"key": "x"}),
            json!([{"value": 1}]),
            json!([{"key": ""}]),
        ] {
            assert!(settings_to_store(&bad).is_err(), "{bad}");
        }
        let one = vec![("a".to_owned(), json!(1))];
        assert_eq!(stored_settings(one), json!({"key": "a", "value": 1}));
        assert_eq!(stored_settings(Vec::new()), json!([]));
        assert_eq!(
            settings(
                &["a".to_owned(), "b".to_owned()],
                vec![Some(json!(1)), None]
            ),
            json!([{"key": "a", "value": 1}, {"key": "b", "value": null}])
        );
    }
}
