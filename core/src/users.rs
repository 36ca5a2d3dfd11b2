//! What the identity endpoints answer, on every host: `users/me`,
//! `users/{ids}` and `auth/providers`. Hosts read the rows.

use serde_json::{json, Value as Json};

use crate::grants::Roles;

/// Role names from most to least powerful, for the single `role` Sanity
/// still reports beside `roles` (older clients read only that one).
const PRECEDENCE: [&str; 5] = [
    "administrator",
    "developer",
    "editor",
    "contributor",
    "viewer",
];

/// How many ids one `users/{ids}` request may name.
pub const MAX_IDS: usize = 100;

/// A person or robot as the `users` table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// `users/me` for `user`, who holds `roles` on every dataset; `stored` is
/// the `roles` table's `(name, title)` rows (custom roles' titles).
pub fn me(user: &User, roles: &[String], stored: &[(String, String)]) -> Json {
    let role = PRECEDENCE
        .iter()
        .find(|r| roles.iter().any(|held| held == *r))
        .map(|r| (*r).to_owned())
        .or_else(|| roles.first().cloned())
        .unwrap_or_default();
    // No `profileImage`: Sanity sends it only when there is one, and Studio
    // falls back to initials without it.
    json!({
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "provider": "sanity",
        "role": role,
        "roles": named_roles(stored, roles),
    })
}

/// One entry of `users/{ids}`.
pub fn public_user(user: &User) -> Json {
    json!({
        "id": user.id,
        "displayName": user.name,
        "imageUrl": null,
        "email": user.email,
    })
}

/// `[{name, title}]` for role names: built-in titles from core, custom
/// ones from `stored` (the store's `(name, title)` list).
pub fn named_roles(stored: &[(String, String)], names: &[String]) -> Vec<Json> {
    let builtin = Roles::new();
    names
        .iter()
        .map(|name| {
            let title = builtin
                .get(name)
                .map(|r| r.title().to_owned())
                .or_else(|| {
                    stored
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, t)| t.clone())
                })
                .unwrap_or_else(|| name.clone());
            json!({"name": name, "title": title})
        })
        .collect()
}

/// `auth/providers` for a host at `base` (`https://host`) serving API
/// version `version`: signing in with an API token, and with a password
/// where the host offers it. Studio opens a provider's `url` in the
/// browser, so it is absolute.
pub fn providers(base: &str, version: &str, with_password: bool) -> Json {
    let mut list = vec![json!({
        "name": "qanat-token",
        "title": "API token",
        "url": format!("{base}/{version}/auth/login/token"),
    })];
    if with_password {
        list.push(json!({
            "name": "qanat-password",
            "title": "Email and password",
            "url": format!("{base}/{version}/auth/login/password"),
        }));
    }
    json!({"providers": list})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn me_names_the_strongest_role() {
        let user = User {
            id: "u".into(),
            name: "U".into(),
            email: None,
        };
        let stored = [("translator".to_owned(), "Translator".to_owned())];
        let body = me(&user, &["translator".into(), "editor".into()], &stored);
        assert_eq!(body["role"], "editor");
        assert_eq!(
            body["roles"],
            json!([{"name": "translator", "title": "Translator"},
                   {"name": "editor", "title": "Editor"}])
        );
        assert_eq!(me(&user, &[], &stored)["role"], "");
    }

    #[test]
    fn providers_are_absolute() {
        let body = providers("https://q.example", "v1", false);
        assert_eq!(
            body["providers"][0]["url"],
            "https://q.example/v1/auth/login/token"
        );
        assert_eq!(body["providers"].as_array().map(Vec::len), Some(1));
    }
}
