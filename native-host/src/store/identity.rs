//! Users, their tokens and roles, and custom role definitions: the rows
//! behind `qanat user|token|role` and a request's [`crate::auth::Caller`].
//!
//! Every statement here is written once for both backends (`$n`
//! placeholders, `ON CONFLICT … DO NOTHING`, TEXT columns) and run on
//! whichever pool [`Db`] holds.

use qanat_core::grants::credential::TokenRow;
use qanat_core::grants::{GrantRow, RoleRow};

use super::Db;

/// Runs `$body` with `$pool` bound to the SQLite or the PostgreSQL pool;
/// the statement is the same, only sqlx's backend type differs.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite { pool: $pool, .. } => $body,
            Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// A person or robot as the `users` table holds it (core's, which builds
/// the identity endpoints' answers).
pub use qanat_core::users::User;

/// A custom role's definition, as `qanat role add` reads it.
#[derive(Debug, Clone)]
pub struct RoleDefinition {
    pub name: String,
    pub title: String,
    pub description: String,
    /// `(dataset or "*", GROQ filter, permissions as a JSON array)`.
    pub grants: Vec<(String, String, String)>,
}

pub async fn create_user(
    db: &Db,
    user: &User,
    is_robot: bool,
    now: &str,
) -> Result<(), sqlx::Error> {
    // A quoted literal, not a bound integer: Postgres coerces '1' to the
    // column's type whether the twin schema made it INTEGER or BOOLEAN,
    // and SQLite's INTEGER affinity stores it as 1.
    let sql = if is_robot {
        "INSERT INTO users (id, name, email, is_robot, created_at) VALUES ($1, $2, $3, '1', $4)"
    } else {
        "INSERT INTO users (id, name, email, is_robot, created_at) VALUES ($1, $2, $3, '0', $4)"
    };
    on_pool!(db, pool => sqlx::query(sql)
        .bind(&user.id)
        .bind(&user.name)
        .bind(&user.email)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn user(db: &Db, id: &str) -> Result<Option<User>, sqlx::Error> {
    const SQL: &str = "SELECT id, name, email FROM users WHERE id = $1";
    let row: Option<(String, String, Option<String>)> =
        on_pool!(db, pool => sqlx::query_as(SQL).bind(id).fetch_optional(pool).await)?;
    Ok(row.map(|(id, name, email)| User { id, name, email }))
}

/// Sets (or with `None` clears) a user's password hash; false when no user
/// has the id.
pub async fn set_password_hash(
    db: &Db,
    user_id: &str,
    password_hash: Option<&str>,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE users SET password_hash = $1 WHERE id = $2";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(password_hash)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() > 0))
}

/// How a person names themselves when signing in with a password.
#[derive(Debug, Clone, Copy)]
pub enum LoginName<'a> {
    Email(&'a str),
    Id(&'a str),
}

/// The user a login names, with their password hash (`None` when they
/// have no password); `None` when no user matches.
pub async fn password_hash(
    db: &Db,
    name: LoginName<'_>,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    // People type their address in any case: the stored one as written,
    // else the one address equal to it ignoring case (two such addresses
    // name nobody, rather than either of them).
    const BY_EMAIL: &str = "SELECT id, password_hash FROM users WHERE email = $1 \
         UNION ALL SELECT id, password_hash FROM users WHERE lower(email) = lower($1) \
         AND NOT EXISTS (SELECT 1 FROM users WHERE email = $1) LIMIT 2";
    const BY_ID: &str = "SELECT id, password_hash FROM users WHERE id = $1";
    let (sql, value) = match name {
        LoginName::Email(email) => (BY_EMAIL, email),
        LoginName::Id(id) => (BY_ID, id),
    };
    let rows: Vec<(String, Option<String>)> =
        on_pool!(db, pool => sqlx::query_as(sql).bind(value).fetch_all(pool).await)?;
    Ok(match <[_; 1]>::try_from(rows) {
        Ok([row]) => Some(row),
        Err(_) => None,
    })
}

/// Every user, robots included, ordered by id, each with whether it is a
/// robot and when it was created.
pub async fn all_users(db: &Db) -> Result<Vec<(User, bool, String)>, sqlx::Error> {
    // Compared as text so the statement reads the flag whether the column
    // is an INTEGER (SQLite, '1') or a BOOLEAN ('true').
    const SQL: &str = "SELECT id, name, email,                        CASE WHEN CAST(is_robot AS TEXT) IN ('1', 'true') THEN 'robot' ELSE '' END,                        created_at FROM users ORDER BY id";
    let rows: Vec<(String, String, Option<String>, String, String)> =
        on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, email, robot, created_at)| {
            (User { id, name, email }, robot == "robot", created_at)
        })
        .collect())
}

/// `(user_id, role)` for every role held on every dataset (`*`).
pub async fn project_roles(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    const SQL: &str =
        "SELECT user_id, role FROM user_roles WHERE dataset = '*' ORDER BY user_id, role";
    on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)
}

/// Makes sure `role` has a row, so `user_roles` (which references it) can
/// name it. Built-in roles live in core, not in the migrations, so their
/// rows appear the first time someone is given one.
pub async fn ensure_role(db: &Db, name: &str, title: &str) -> Result<(), sqlx::Error> {
    const SQL: &str =
        "INSERT INTO roles (name, title) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
    on_pool!(db, pool => sqlx::query(SQL).bind(name).bind(title).execute(pool).await.map(|_| ()))?;
    Ok(())
}

pub async fn role_exists(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    const SQL: &str = "SELECT name FROM roles WHERE name = $1";
    let found: Option<String> =
        on_pool!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// Gives `user_id` the role on `dataset` (`"*"` for every dataset).
pub async fn assign_role(
    db: &Db,
    user_id: &str,
    role: &str,
    dataset: &str,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO user_roles (user_id, role, dataset) VALUES ($1, $2, $3) \
                       ON CONFLICT (user_id, role, dataset) DO NOTHING";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(user_id)
        .bind(role)
        .bind(dataset)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The roles `user_id` holds on every dataset, plus those held on
/// `dataset` alone when one is given; sorted, without repeats.
pub async fn user_roles(
    db: &Db,
    user_id: &str,
    dataset: Option<&str>,
) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT DISTINCT role FROM user_roles \
                       WHERE user_id = $1 AND (dataset = '*' OR dataset = $2) ORDER BY role";
    // `*` again when no dataset is asked for: the second test then adds nothing.
    let dataset = dataset.unwrap_or("*");
    on_pool!(db, pool => sqlx::query_scalar(SQL)
        .bind(user_id)
        .bind(dataset)
        .fetch_all(pool)
        .await)
}

pub async fn create_token(
    db: &Db,
    id: &str,
    token_sha256: &str,
    user_id: &str,
    label: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO tokens (id, token_sha256, user_id, label, created_at) \
                       VALUES ($1, $2, $3, $4, $5)";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(id)
        .bind(token_sha256)
        .bind(user_id)
        .bind(label)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

pub async fn find_token(db: &Db, token_sha256: &str) -> Result<Option<TokenRow>, sqlx::Error> {
    const SQL: &str = "SELECT token_sha256, user_id, expires_at, last_used_at FROM tokens \
                       WHERE token_sha256 = $1";
    let row: Option<(String, String, Option<String>, Option<String>)> = on_pool!(db, pool =>
        sqlx::query_as(SQL).bind(token_sha256).fetch_optional(pool).await)?;
    Ok(row.map(
        |(token_sha256, user_id, expires_at, last_used_at)| TokenRow {
            token_sha256,
            user_id,
            expires_at,
            last_used_at,
        },
    ))
}

pub async fn touch_token(db: &Db, token_sha256: &str, now: &str) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE tokens SET last_used_at = $1 WHERE token_sha256 = $2";
    on_pool!(db, pool => sqlx::query(SQL).bind(now).bind(token_sha256).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Stores a custom role, replacing an earlier definition of the same name
/// (its grants are rewritten whole, so a removed grant does not linger).
pub async fn put_role(db: &Db, role: &RoleDefinition) -> Result<(), sqlx::Error> {
    const UPSERT: &str = "INSERT INTO roles (name, title, description) VALUES ($1, $2, $3) \
                          ON CONFLICT (name) DO UPDATE SET title = $2, description = $3";
    const CLEAR: &str = "DELETE FROM grants WHERE role = $1";
    const GRANT: &str =
        "INSERT INTO grants (role, dataset, filter, permissions) VALUES ($1, $2, $3, $4)";
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(UPSERT)
            .bind(&role.name)
            .bind(&role.title)
            .bind(&role.description)
            .execute(&mut *tx)
            .await?;
        sqlx::query(CLEAR).bind(&role.name).execute(&mut *tx).await?;
        for (dataset, filter, permissions) in &role.grants {
            sqlx::query(GRANT)
                .bind(&role.name)
                .bind(dataset)
                .bind(filter)
                .bind(permissions)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })
}

/// Every role in the store, and the rows of `grants` for `*` and for
/// `dataset`, in the order they were written: what core's
/// `Roles::from_stored` reads. Built-in roles come back too (with no grants).
pub async fn roles_and_grants(
    db: &Db,
    dataset: &str,
) -> Result<(Vec<RoleRow>, Vec<GrantRow>), sqlx::Error> {
    const ROLES: &str = "SELECT name, title FROM roles ORDER BY name";
    const GRANTS: &str = "SELECT role, filter, permissions FROM grants \
                          WHERE dataset = '*' OR dataset = $1 ORDER BY id";
    Ok(on_pool!(db, pool => (
        sqlx::query_as(ROLES).fetch_all(pool).await?,
        sqlx::query_as(GRANTS).bind(dataset).fetch_all(pool).await?,
    )))
}

/// Role names and titles, for `/users/me` and `/projects/{p}`.
pub async fn role_titles(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    const SQL: &str = "SELECT name, title FROM roles ORDER BY name";
    on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)
}
