//! Sign-in sessions and the secrets nodes share: the rows behind
//! `POST /auth/login/password`, a session JWT's check, and logout.
//!
//! Written once for both backends, like `identity.rs`.

use super::identity::on_pool;
use super::Db;

/// A live session's row, found by the SHA-256 of its id, with its user
/// (the join leaves out sessions whose user is gone).
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub user_id: String,
    pub expires_at: String,
}

pub async fn create_session(
    db: &Db,
    id_sha256: &str,
    user_id: &str,
    created_at: &str,
    expires_at: &str,
) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO sessions (id_sha256, user_id, created_at, expires_at) \
                       VALUES ($1, $2, $3, $4)";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(id_sha256)
        .bind(user_id)
        .bind(created_at)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|_| ()))
}

pub async fn find_session(db: &Db, id_sha256: &str) -> Result<Option<SessionRow>, sqlx::Error> {
    const SQL: &str = "SELECT s.user_id, s.expires_at FROM sessions s \
                       JOIN users u ON u.id = s.user_id WHERE s.id_sha256 = $1";
    let row: Option<(String, String)> =
        on_pool!(db, pool => sqlx::query_as(SQL).bind(id_sha256).fetch_optional(pool).await)?;
    Ok(row.map(|(user_id, expires_at)| SessionRow {
        user_id,
        expires_at,
    }))
}

/// Ends one session; returns whether it was live.
pub async fn delete_session(db: &Db, id_sha256: &str) -> Result<bool, sqlx::Error> {
    const SQL: &str = "DELETE FROM sessions WHERE id_sha256 = $1";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(id_sha256)
        .execute(pool)
        .await
        .map(|done| done.rows_affected() > 0))
}

/// Ends every session of `user_id` (after a password change).
pub async fn delete_user_sessions(db: &Db, user_id: &str) -> Result<u64, sqlx::Error> {
    const SQL: &str = "DELETE FROM sessions WHERE user_id = $1";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
}

/// Drops `user_id`'s sessions that ended before `now`, so the table holds
/// only live ones (times sort as strings: one format everywhere).
pub async fn delete_expired_sessions(db: &Db, user_id: &str, now: &str) -> Result<(), sqlx::Error> {
    const SQL: &str = "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(user_id)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// The secret `name`, stored as `candidate` if no node has stored one yet.
/// Insert-if-absent then read back: when two nodes start together, both
/// read the one row that won.
pub async fn secret_or_insert(
    db: &Db,
    name: &str,
    candidate: &str,
    now: &str,
) -> Result<String, sqlx::Error> {
    const INSERT: &str = "INSERT INTO secrets (name, value, created_at) VALUES ($1, $2, $3) \
                          ON CONFLICT (name) DO NOTHING";
    const SELECT: &str = "SELECT value FROM secrets WHERE name = $1";
    on_pool!(db, pool => {
        sqlx::query(INSERT)
            .bind(name)
            .bind(candidate)
            .bind(now)
            .execute(pool)
            .await?;
        sqlx::query_scalar(SELECT).bind(name).fetch_one(pool).await
    })
}

/// The secret `name`, if one is stored.
pub async fn secret(db: &Db, name: &str) -> Result<Option<String>, sqlx::Error> {
    const SQL: &str = "SELECT value FROM secrets WHERE name = $1";
    on_pool!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await)
}
