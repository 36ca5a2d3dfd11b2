//! The `user_keyvalue` rows behind `/users/me/keyvalue`. Statements are
//! written once for both backends.

use serde_json::Value as Json;

use super::{identity::on_pool, sqlite::StoreError, Db};

impl Db {
    /// The stored values of `keys` for `user_id`, in the order of `keys`;
    /// `None` where nothing is stored.
    pub async fn user_values(
        &self,
        user_id: &str,
        keys: &[String],
    ) -> Result<Vec<Option<Json>>, StoreError> {
        let mut values = Vec::with_capacity(keys.len());
        for key in keys {
            let text: Option<String> = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT value FROM user_keyvalue WHERE user_id = $1 AND key = $2")
                    .bind(user_id)
                    .bind(key)
                    .fetch_optional(pool)
                    .await?
            });
            let value = text
                .map(|text| {
                    serde_json::from_str(&text)
                        .map_err(|e| StoreError::Corrupt(format!("setting {key}: {e}")))
                })
                .transpose()?;
            values.push(value);
        }
        Ok(values)
    }

    /// Stores `pairs` for `user_id`, replacing earlier values, all or none.
    pub async fn put_user_values(
        &self,
        user_id: &str,
        pairs: &[(String, Json)],
        now: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (key, value) in pairs {
                sqlx::query(
                    "INSERT INTO user_keyvalue (user_id, key, value, updated_at) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) \
                     DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(user_id)
                .bind(key)
                .bind(value.to_string())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Forgets `keys` for `user_id`.
    pub async fn delete_user_values(
        &self,
        user_id: &str,
        keys: &[String],
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for key in keys {
                sqlx::query("DELETE FROM user_keyvalue WHERE user_id = $1 AND key = $2")
                    .bind(user_id)
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }
}
