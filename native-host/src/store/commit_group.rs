//! Several writes of one dataset committed by one call on PostgreSQL.
//!
//! A durable commit waits for the disk, and each call of
//! `qanat_commit_or_current` pays a round trip and its statement's setup.
//! When writes queue up behind each other, a dataset's writer decides them
//! one after another, as ever, and commits them with one call of
//! `qanat_commit_group` (`pg-migrations/0008_commit_group.sql`): one
//! statement, one flush. Each keeps its own `seq`, log entry and touched
//! rows. The call is one transaction: all of the group is stored, or none.

use qanat_core::commit_group::GroupRows;
use qanat_core::listen::PreparedCommit;
use serde_json::Value as Json;
use sqlx::PgConnection;

use super::postgres::COMMITS_CHANNEL;
use super::read_set::ReadSet;
use super::write::one_seq;
use super::StoreError;

const POSTGRES_COMMIT_GROUP: &str =
    "SELECT first_seq, current FROM qanat_commit_group($1, $2, $3, $4, $5, $6)";

/// Commits `members` (each commit with its mutations, in order) if `reads`,
/// what the first was decided on, still hold: the first member's `seq`
/// (the others follow it). [`StoreError::Stale`] if they do not: nothing
/// is stored.
pub async fn commit_group<'a>(
    conn: &mut PgConnection,
    dataset: &str,
    members: impl IntoIterator<Item = (&'a PreparedCommit, &'a [Json])>,
    reads: &ReadSet,
) -> Result<i64, StoreError> {
    let rows = GroupRows::new(members);
    let returned = sqlx::query_as(POSTGRES_COMMIT_GROUP)
        .bind(dataset)
        .bind(&rows.documents)
        .bind(&rows.deleted)
        .bind(&rows.transactions)
        .bind(COMMITS_CHANNEL)
        .bind(reads.to_json())
        .fetch_all(conn)
        .await?;
    one_seq(returned)
}
