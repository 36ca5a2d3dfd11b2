//! `qanat user add|password`, `qanat token create`, `qanat role add`: write
//! users, passwords, tokens and custom roles straight into the store a
//! server runs on.

use std::io::BufRead;
use std::path::PathBuf;

use qanat_core::grants::{Role, Roles};
use serde_json::Value as Json;

use super::{clock, password, token};
use crate::cli::{RoleAddArgs, StoreArgs, TokenCreateArgs, UserAddArgs, UserPasswordArgs};
use crate::store::{
    identity::{self, RoleDefinition, User},
    sessions,
    sqlite::StoreError,
    Db,
};

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("could not start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("no role is named {0:?} (built-in: administrator, editor, developer, contributor, viewer; add others with `qanat role add`)")]
    UnknownRole(String),
    #[error("no user has the id {0:?}")]
    UnknownUser(String),
    #[error("a user with the id {0:?} already exists")]
    UserExists(String),
    #[error("a token for a new robot needs at least one --role")]
    RobotWithoutRole,
    #[error("could not read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a role definition: {message}")]
    BadRole { path: PathBuf, message: String },
    #[error(transparent)]
    Random(#[from] token::RandomError),
    #[error("could not read the password from standard input: {0}")]
    ReadPassword(#[source] std::io::Error),
    #[error("the password on standard input is empty")]
    EmptyPassword,
    #[error(transparent)]
    Password(#[from] password::PasswordError),
}

pub fn user_add(args: UserAddArgs) -> Result<(), CommandError> {
    // Read and hash before the store is touched: a bad password leaves no
    // user behind.
    let password_hash = if args.password_stdin {
        Some(password::hash(&read_password(std::io::stdin().lock())?)?)
    } else {
        None
    };
    block_on(async {
        let db = open(&args.store).await?;
        let mut result = add_user(&db, &args).await;
        if let (Ok(()), Some(hash)) = (&result, &password_hash) {
            result = identity::set_password_hash(&db, &args.id, Some(hash))
                .await
                .map(|_| ())
                .map_err(CommandError::from);
        }
        db.close().await;
        result
    })
}

pub fn user_password(args: UserPasswordArgs) -> Result<(), CommandError> {
    let hash = password::hash(&read_password(std::io::stdin().lock())?)?;
    block_on(async {
        let db = open(&args.store).await?;
        let result = set_password(&db, &args.id, &hash).await;
        db.close().await;
        let ended = result?;
        eprintln!("password of {:?} set; {ended} session(s) ended", args.id);
        Ok(())
    })
}

/// Stores `hash` as the user's password and ends their sessions, so a
/// password changed because it leaked locks out whoever used it. Returns
/// how many sessions ended.
pub(crate) async fn set_password(db: &Db, user_id: &str, hash: &str) -> Result<u64, CommandError> {
    if !identity::set_password_hash(db, user_id, Some(hash)).await? {
        return Err(CommandError::UnknownUser(user_id.to_owned()));
    }
    Ok(sessions::delete_user_sessions(db, user_id).await?)
}

/// The first line of `input` without its line ending; refused when empty.
/// Only `\n` and `\r\n` are stripped: spaces may be part of a password.
pub(crate) fn read_password(mut input: impl BufRead) -> Result<String, CommandError> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(CommandError::ReadPassword)?;
    if let Some(rest) = line.strip_suffix('\n') {
        line.truncate(rest.strip_suffix('\r').unwrap_or(rest).len());
    }
    if line.is_empty() {
        return Err(CommandError::EmptyPassword);
    }
    Ok(line)
}

pub fn token_create(args: TokenCreateArgs) -> Result<(), CommandError> {
    block_on(async {
        let db = open(&args.store).await?;
        let result = create_token(&db, &args).await;
        db.close().await;
        // Only the token goes to stdout, so `$(qanat token create …)` is it.
        println!("{}", result?);
        Ok(())
    })
}

pub fn role_add(args: RoleAddArgs) -> Result<(), CommandError> {
    let text = std::fs::read_to_string(&args.file).map_err(|source| CommandError::Read {
        path: args.file.clone(),
        source,
    })?;
    let role = parse_role(&text).map_err(|message| CommandError::BadRole {
        path: args.file.clone(),
        message,
    })?;
    block_on(async {
        let db = open(&args.store).await?;
        let result = identity::put_role(&db, &role).await;
        db.close().await;
        result?;
        eprintln!(
            "role {:?} stored with {} grant(s)",
            role.name,
            role.grants.len()
        );
        Ok(())
    })
}

fn block_on<F: std::future::Future<Output = Result<(), CommandError>>>(
    future: F,
) -> Result<(), CommandError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CommandError::Runtime)?
        .block_on(future)
}

async fn open(store: &StoreArgs) -> Result<Db, CommandError> {
    Ok(Db::open(&store.data_dir, store.database_url().as_deref()).await?)
}

pub(crate) async fn add_user(db: &Db, args: &UserAddArgs) -> Result<(), CommandError> {
    if identity::user(db, &args.id).await?.is_some() {
        return Err(CommandError::UserExists(args.id.clone()));
    }
    // Roles are checked before the user is written, so a typo leaves nothing behind.
    for role in &args.roles {
        known_role(db, role).await?;
    }
    let user = User {
        id: args.id.clone(),
        name: args.name.clone(),
        email: args.email.clone(),
    };
    identity::create_user(db, &user, false, &clock::now_rfc3339()).await?;
    for role in &args.roles {
        identity::assign_role(db, &args.id, role, &args.dataset).await?;
    }
    eprintln!("user {:?} added", args.id);
    Ok(())
}

/// Returns the new token.
pub async fn create_token(db: &Db, args: &TokenCreateArgs) -> Result<String, CommandError> {
    for role in &args.roles {
        known_role(db, role).await?;
    }
    let now = clock::now_rfc3339();
    let user_id = match &args.user {
        Some(id) => {
            if identity::user(db, id).await?.is_none() {
                return Err(CommandError::UnknownUser(id.clone()));
            }
            id.clone()
        }
        None => {
            if args.roles.is_empty() {
                return Err(CommandError::RobotWithoutRole);
            }
            // Sanity's robot users have generated ids starting with `p`;
            // ours say what they are.
            let id = format!("robot-{}", token::random_url_safe(9)?);
            let name = if args.label.is_empty() {
                "Robot".to_owned()
            } else {
                args.label.clone()
            };
            let robot = User {
                id: id.clone(),
                name,
                email: None,
            };
            identity::create_user(db, &robot, true, &now).await?;
            eprintln!("robot user {id:?} created for the token");
            id
        }
    };
    for role in &args.roles {
        identity::assign_role(db, &user_id, role, &args.dataset).await?;
    }
    let secret = token::generate()?;
    let id = token::random_url_safe(12)?;
    identity::create_token(
        db,
        &id,
        &token::sha256_hex(&secret),
        &user_id,
        &args.label,
        &now,
    )
    .await?;
    Ok(secret)
}

/// Fails unless `role` is built in (then makes sure it has a row) or was
/// added with `qanat role add`.
async fn known_role(db: &Db, role: &str) -> Result<(), CommandError> {
    if let Some(builtin) = Roles::new().get(role) {
        identity::ensure_role(db, builtin.name(), builtin.title()).await?;
        return Ok(());
    }
    if identity::role_exists(db, role).await? {
        Ok(())
    } else {
        Err(CommandError::UnknownRole(role.to_owned()))
    }
}

/// Reads a role file, checks it with core's parser (so a bad filter is
/// refused now, not on every request later), and splits it into rows.
fn parse_role(text: &str) -> Result<RoleDefinition, String> {
    let json: Json = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let role = Role::from_json(&json).map_err(|e| e.to_string())?;
    if Roles::new().get(role.name()).is_some() {
        return Err(format!(
            "{:?} is a built-in role and cannot be redefined",
            role.name()
        ));
    }
    let description = match json.get("description") {
        None | Some(Json::Null) => String::new(),
        Some(Json::String(d)) => d.clone(),
        Some(_) => return Err("`description` must be a string".to_owned()),
    };
    let list = json
        .get("grants")
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    let mut grants = Vec::with_capacity(list.len());
    for (i, grant) in list.iter().enumerate() {
        let dataset = match grant.get("dataset") {
            None | Some(Json::Null) => "*".to_owned(),
            Some(Json::String(d)) if !d.is_empty() => d.clone(),
            Some(_) => return Err(format!("grant {i}: `dataset` must be a dataset name")),
        };
        // `path` grants are stored as the filter core reads them as.
        let filter = match (grant.get("filter"), grant.get("path")) {
            (Some(Json::String(f)), _) => f.clone(),
            (_, Some(Json::String(glob))) => format!("_id in path({})", Json::from(glob.as_str())),
            _ => return Err(format!("grant {i}: needs a `filter`")),
        };
        let permissions = grant
            .get("permissions")
            .map(Json::to_string)
            .unwrap_or_else(|| "[]".to_owned());
        grants.push((dataset, filter, permissions));
    }
    Ok(RoleDefinition {
        name: role.name().to_owned(),
        title: role.title().to_owned(),
        description,
        grants,
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_role, read_password, CommandError};

    #[test]
    fn passwords_are_the_first_line_without_its_ending() {
        for (input, password) in [
            ("hunter2\n", "hunter2"),
            ("hunter2\r\n", "hunter2"),
            ("hunter2", "hunter2"),
            (" spaced out \nsecond line\n", " spaced out "),
        ] {
            let read = read_password(input.as_bytes()).expect(input);
            assert_eq!(read, password, "{input:?}");
        }
        for empty in ["", "\n", "\r\n"] {
            assert!(
                matches!(
                    read_password(empty.as_bytes()),
                    Err(CommandError::EmptyPassword)
                ),
                "{empty:?}"
            );
        }
    }

    #[test]
    fn role_files() {
        let role = parse_role(
            r#"{"name": "translator", "title": "Translator", "grants": [
                {"filter": "_type == 'post'", "permissions": ["read", "update"]},
                {"path": "drafts.**", "permissions": ["read"], "dataset": "staging"}
            ]}"#,
        )
        .expect("a valid role");
        assert_eq!(role.name, "translator");
        assert_eq!(
            role.grants,
            [
                (
                    "*".to_owned(),
                    "_type == 'post'".to_owned(),
                    r#"["read","update"]"#.to_owned()
                ),
                (
                    "staging".to_owned(),
                    r#"_id in path("drafts.**")"#.to_owned(),
                    r#"["read"]"#.to_owned()
                ),
            ]
        );
        for (bad, why) in [
            (r#"{"name": "editor", "grants": []}"#, "built-in"),
            (
                r#"{"name": "x", "grants": [{"filter": "_type ==", "permissions": []}]}"#,
                "filter",
            ),
            (
                r#"{"name": "x", "grants": [{"filter": "true", "permissions": ["fly"]}]}"#,
                "fly",
            ),
            ("not json", "expected"),
        ] {
            let error = parse_role(bad).expect_err(bad);
            assert!(error.contains(why), "{bad}: {error}");
        }
    }
}
