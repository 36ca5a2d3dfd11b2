//! The `datasets` table: which datasets a project has and their `aclMode`.

use super::identity::on_pool;
use super::Db;

/// Every dataset, by name, with its `acl_mode` (`public` or `private`).
pub async fn list(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    const SQL: &str = "SELECT name, acl_mode FROM datasets ORDER BY name";
    on_pool!(db, pool => sqlx::query_as(SQL).fetch_all(pool).await)
}

/// The dataset's `acl_mode`, or `None` when the table does not list it.
pub async fn acl_mode(db: &Db, name: &str) -> Result<Option<String>, sqlx::Error> {
    const SQL: &str = "SELECT acl_mode FROM datasets WHERE name = $1";
    on_pool!(db, pool => sqlx::query_scalar(SQL).bind(name).fetch_optional(pool).await)
}

/// Creates the dataset, or changes the `acl_mode` of an existing one (as
/// Sanity's `PUT /projects/{p}/datasets/{name}` does).
pub async fn put(db: &Db, name: &str, acl_mode: &str, now: &str) -> Result<(), sqlx::Error> {
    const SQL: &str = "INSERT INTO datasets (name, acl_mode, created_at) VALUES ($1, $2, $3) \
                       ON CONFLICT (name) DO UPDATE SET acl_mode = $2";
    on_pool!(db, pool => sqlx::query(SQL)
        .bind(name)
        .bind(acl_mode)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Deletes the dataset and everything stored under its name, in one
/// transaction (core's `project::delete_dataset_statements`). Returns
/// whether the `datasets` table listed it.
pub async fn delete(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let statements = qanat_core::project::delete_dataset_statements("$1");
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        // The last statement's count is the `datasets` row's.
        let mut deleted = 0;
        for sql in &statements {
            deleted = sqlx::query(sql).bind(name).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(deleted > 0)
    })
}
