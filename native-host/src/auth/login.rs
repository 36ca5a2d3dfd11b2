//! Checking a password login: the named user's stored hash against the
//! password given, on the blocking pool so Argon2's work does not stall
//! the requests sharing the async workers.

use tokio::sync::Semaphore;

use super::password;
use crate::error::AppError;
use crate::store::identity::{self, LoginName};
use crate::store::Db;

/// Argon2 takes 19 MiB and tens of milliseconds per check: at most this
/// many run at once, so a burst of logins queues instead of taking the
/// memory of thousands.
static CHECKS: Semaphore = Semaphore::const_new(4);

/// The id of the user `name` and `password` sign in as; `None` when no
/// user has that name, the user has no password, or the password is
/// wrong. Every `None` costs one Argon2 verification, like a success.
pub async fn with_password(
    db: &Db,
    name: LoginName<'_>,
    password: String,
) -> Result<Option<String>, AppError> {
    let found = identity::password_hash(db, name).await?;
    let (user_id, stored) = match found {
        Some((id, hash)) => (Some(id), hash),
        None => (None, None),
    };
    let _permit = CHECKS
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let matched =
        tokio::task::spawn_blocking(move || password::verify(stored.as_deref(), &password))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(user_id.filter(|_| matched))
}
