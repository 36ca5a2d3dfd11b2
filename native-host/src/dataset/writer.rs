//! A dataset's writer: one task that takes writes in order and, for each,
//! reads the documents, runs core, checks grants, commits and announces.
//!
//! One writer per dataset means core always runs on the state the previous
//! commit left; a commit lands only if what it read still holds
//! ([`DatasetWrite`]: the dataset's write lock, taken before the reads or
//! at the commit), so that holds against other processes too, and
//! `ifRevisionID` and `create` conflicts are decided by core alone. A write
//! whose reads went stale is decided again on fresh ones.

use std::sync::Arc;

use qanat_core::action::{self, Action};
use qanat_core::grants::{Grants, ReadableStore};
use qanat_core::groq::{store::query, store::QueryError, QueryOptions};
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{apply_transaction, required_ids, Commit, Mutation, TransactionContext};
use serde_json::Value as Json;
use tokio::sync::{mpsc, oneshot};

use super::clock;
use super::error::WriteError;
use super::hub::{Announcer, Committed};
use crate::store::{DatasetWrite, Db, Locking, StoreError};

/// One request to change a dataset.
pub struct Write {
    pub kind: WriteKind,
    /// The caller's grants; their identity is the transaction's author.
    pub grants: Grants,
    /// The client's transaction id, if it chose one.
    pub transaction_id: Option<String>,
    pub auto_generate_array_keys: bool,
    /// Run and report, but store and announce nothing.
    pub dry_run: bool,
}

pub enum WriteKind {
    /// Parsed mutations, and the same as the client sent them (for the log).
    Mutations {
        mutations: Vec<Mutation>,
        json: Vec<Json>,
    },
    Actions(Vec<Action>),
}

/// A write that succeeded.
#[derive(Debug)]
pub struct Outcome {
    pub commit: Commit,
    /// Its place in the log; `None` for a dry run or a write that changed nothing.
    pub seq: Option<i64>,
}

pub(super) struct Job {
    pub write: Write,
    pub reply: oneshot::Sender<Result<Outcome, WriteError>>,
}

pub(super) async fn run(
    db: Db,
    dataset: String,
    mut jobs: mpsc::Receiver<Job>,
    commits: Announcer,
) {
    while let Some(Job { write, reply }) = jobs.recv().await {
        let outcome = perform(&db, &dataset, &commits, write).await;
        // The caller may have gone (a closed connection); the commit stands.
        let _ = reply.send(outcome);
    }
}

async fn perform(
    db: &Db,
    dataset: &str,
    commits: &Announcer,
    mut write: Write,
) -> Result<Outcome, WriteError> {
    let ctx = TransactionContext {
        transaction_id: write
            .transaction_id
            .clone()
            .unwrap_or_else(clock::transaction_id),
        now: clock::now_rfc3339(),
        identity: write.grants.identity().to_owned(),
        auto_generate_array_keys: write.auto_generate_array_keys,
        seed: clock::seed(),
    };
    if let WriteKind::Mutations { mutations, .. } = &mut write.kind {
        resolve_queries(db, dataset, &write.grants, mutations).await?;
    }
    // Optimistic first (PostgreSQL reads without the lock); a write that
    // keeps finding its reads stale takes the lock before them.
    for attempt in 1..=OPTIMISTIC_ATTEMPTS {
        match attempt_write(db, dataset, commits, &write, &ctx, Locking::AtCommit).await {
            Err(WriteError::Store(StoreError::Stale)) => {
                tracing::debug!(dataset, attempt, "stale reads; deciding again");
            }
            done => return done,
        }
    }
    attempt_write(db, dataset, commits, &write, &ctx, Locking::BeforeReads).await
}

/// Optimistic attempts before a write locks ahead of its reads, which
/// cannot go stale: on a dataset other nodes write without pause, every
/// write still ends.
const OPTIMISTIC_ATTEMPTS: u32 = 3;

/// One pass of reading, deciding and committing.
async fn attempt_write(
    db: &Db,
    dataset: &str,
    commits: &Announcer,
    write: &Write,
    ctx: &TransactionContext,
    locking: Locking,
) -> Result<Outcome, WriteError> {
    let mut session = db.begin_write(dataset, locking).await?;
    let (commit, json) = match decide(&mut session, ctx, &write.kind, &write.grants).await {
        Ok(decided) => decided,
        Err(e) => {
            session.rollback().await;
            return Err(e);
        }
    };
    if write.dry_run || commit.changes.is_empty() {
        session.rollback().await;
        return Ok(Outcome { commit, seq: None });
    }
    let prepared = Arc::new(PreparedCommit::new(&commit, &json));
    let seq = session.commit(&prepared, &json).await?;
    commits
        .announce(
            seq,
            Some(Committed {
                seq,
                commit: prepared,
            }),
        )
        .await;
    Ok(Outcome {
        commit,
        seq: Some(seq),
    })
}

/// Core's commit for `kind` over the documents as `locked` reads them, and
/// the mutations to log with it, if the caller's grants allow it.
async fn decide(
    locked: &mut DatasetWrite,
    ctx: &TransactionContext,
    kind: &WriteKind,
    grants: &Grants,
) -> Result<(Commit, Vec<Json>), WriteError> {
    match kind {
        WriteKind::Mutations { mutations, json } => {
            let current = locked.read_documents(&required_ids(mutations)).await?;
            let commit =
                apply_transaction(mutations, &current, ctx).map_err(WriteError::Mutation)?;
            grants
                .check_commit(&commit)
                .map_err(|e| WriteError::Permission(e.locate(mutations)))?;
            Ok((commit, json.clone()))
        }
        WriteKind::Actions(actions) => {
            let reads = action::required_reads(actions);
            let mut current = locked.read_documents(&reads.ids).await?;
            if !reads.id_prefixes.is_empty() || !reads.versions_of.is_empty() {
                let versions: Vec<String> = locked
                    .ids_with_prefix("versions.")
                    .await?
                    .into_iter()
                    .filter(|id| reads.wants(id) && !current.contains_key(id))
                    .collect();
                current.extend(locked.read_documents(&versions).await?);
            }
            let follow_up = reads.follow_up_ids(&current);
            if !follow_up.is_empty() {
                current.extend(locked.read_documents(&follow_up).await?);
            }
            let done = action::apply_actions(actions, &current, ctx).map_err(WriteError::Action)?;
            grants
                .check_commit(&done.commit)
                .map_err(|e| WriteError::Permission(e.locate(&done.mutations)))?;
            Ok((done.commit, done.mutations_json))
        }
    }
}

/// Replaces each `delete`/`patch` by query with the ids of the documents its
/// query returns now, among those the caller may read.
async fn resolve_queries(
    db: &Db,
    dataset: &str,
    grants: &Grants,
    mutations: &mut [Mutation],
) -> Result<(), WriteError> {
    let documents = db.documents(dataset);
    let readable = ReadableStore::new(&documents, grants);
    for mutation in mutations.iter_mut() {
        let Some((text, params)) = mutation.query() else {
            continue;
        };
        let text = text.to_owned();
        let options = QueryOptions {
            params: params.clone(),
            ..QueryOptions::default()
        };
        let result = match query(&readable, &text, &options).await {
            Ok(value) => value.to_json(),
            Err(QueryError::Groq(e)) => return Err(WriteError::Query(e.to_json(&text))),
            Err(QueryError::Store(e)) => return Err(WriteError::Store(e.into())),
        };
        let ids = match result {
            Json::Array(items) => items
                .iter()
                .filter_map(|doc| doc.get("_id").and_then(Json::as_str))
                .map(str::to_owned)
                .collect(),
            Json::Object(doc) => doc
                .get("_id")
                .and_then(Json::as_str)
                .map(|id| vec![id.to_owned()])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        mutation.resolve_query(ids);
    }
    Ok(())
}
