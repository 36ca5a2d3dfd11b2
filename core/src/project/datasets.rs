//! The dataset list, and what creating or deleting a dataset takes and
//! answers.

use serde_json::{json, Value as Json};

use super::Refused;
use crate::grants::AclMode;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grants::Identity;
    use crate::project::{require_administrator, signed_in};

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
}
