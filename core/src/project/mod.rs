//! Sanity's project API as every host answers it: the project and its
//! members, `features`, the dataset list and what changes it, and Studio's
//! per-user settings (`users/me/keyvalue`). Hosts read and write the rows;
//! the answers, checks and refusals are decided here. This file holds the
//! project and who may manage it; `datasets.rs` the dataset list and its
//! changes; `keyvalue.rs` the settings.

use serde_json::{json, Value as Json};

use crate::grants::Identity;
use crate::request::gateway_body;
use crate::users::{named_roles, User};

mod datasets;
mod keyvalue;

pub use datasets::*;
pub use keyvalue::*;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
