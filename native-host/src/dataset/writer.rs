//! A dataset's writer: one task that takes writes in order and, for each,
//! reads the documents, runs core, checks grants, commits and announces.
//!
//! One writer per dataset means core always runs on the state the previous
//! commit left; a commit lands only if what it read still holds
//! ([`DatasetWrite`]: the dataset's write lock, taken before the reads or
//! at the commit), so that holds against other processes too, and
//! `ifRevisionID` and `create` conflicts are decided by core alone. A write
//! whose reads went stale is decided again on fresh ones.
//!
//! On PostgreSQL the commit checks what the write read, so the writer may
//! decide on documents it remembers from its own writes (`recent.rs`) and
//! read nothing: one round trip instead of two when what it remembers
//! holds, the same two when it does not (the stale commit returns what is
//! stored).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use qanat_core::document::Document;
use qanat_core::grants::Grants;
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{required_ids, Commit, TransactionContext};
pub use qanat_core::write::WriteKind;
use qanat_core::write::{self as core_write, decide_mutations, resolve_queries};
use serde_json::Value as Json;
use tokio::sync::{mpsc, oneshot};

use super::clock;
use super::error::WriteError;
use super::hub::{Announcer, Committed};
use super::recent::Recent;
use crate::store::{DatasetWrite, Db, Locking, StoreError, WriteConnection};

mod group;

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
    let mut writer = Writer {
        conn: WriteConnection::new(&db),
        dataset,
        commits,
        // Only PostgreSQL's commit checks what a write assumed; SQLite's
        // writes read under the lock and would only pay for the copies.
        recent: Recent::new(matches!(db, Db::Postgres(_))),
        db,
    };
    loop {
        let job = match tokio::time::timeout(KEEP_CONNECTION, jobs.recv()).await {
            Ok(job) => job,
            Err(_quiet) => {
                writer.conn.release().await;
                jobs.recv().await
            }
        };
        let Some(job) = job else {
            break;
        };
        let mut queue = VecDeque::from([job]);
        // Writes waiting behind this one may commit with it (PostgreSQL).
        if writer.recent.is_on() {
            while queue.len() < group::MOST {
                match jobs.try_recv() {
                    Ok(job) => queue.push_back(job),
                    Err(_) => break,
                }
            }
        }
        while !queue.is_empty() {
            if queue.len() > 1 && writer.commit_group(&mut queue).await {
                continue;
            }
            let Some(Job { write, reply }) = queue.pop_front() else {
                break;
            };
            let outcome = writer.perform(write).await;
            if let Err(WriteError::Store(_)) = &outcome {
                // The connection may have broken, and what was remembered
                // may not have been written; both cost little to start afresh.
                writer.conn.release().await;
                writer.recent.forget_all();
            }
            // The caller may have gone (a closed connection); the commit stands.
            let _ = reply.send(outcome);
        }
    }
}

/// The transaction id, time and seed core decides `write` with.
fn context(write: &Write) -> TransactionContext {
    TransactionContext {
        transaction_id: write
            .transaction_id
            .clone()
            .unwrap_or_else(clock::transaction_id),
        now: clock::now_rfc3339(),
        identity: write.grants.identity().to_owned(),
        auto_generate_array_keys: write.auto_generate_array_keys,
        seed: clock::seed(),
    }
}

/// How long a writer keeps its connection after its dataset's last write.
const KEEP_CONNECTION: std::time::Duration = std::time::Duration::from_secs(30);

/// Optimistic attempts before a write locks ahead of its reads, which
/// cannot go stale: on a dataset other nodes write without pause, every
/// write still ends.
const OPTIMISTIC_ATTEMPTS: u32 = 3;

struct Writer {
    db: Db,
    dataset: String,
    commits: Announcer,
    conn: WriteConnection,
    recent: Recent,
}

impl Writer {
    async fn perform(&mut self, mut write: Write) -> Result<Outcome, WriteError> {
        let ctx = context(&write);
        if let WriteKind::Mutations { mutations, .. } = &mut write.kind {
            let documents = self.db.documents(&self.dataset);
            resolve_queries(&documents, &write.grants, mutations)
                .await
                .map_err(|e| e.map_store(StoreError::from))?;
        }
        // Optimistic first (PostgreSQL reads without the lock, or assumes);
        // a write that keeps finding its reads stale takes the lock before
        // them. A stale commit answers with what it should have read.
        let mut read = None;
        for attempt in 1..=OPTIMISTIC_ATTEMPTS {
            match self
                .attempt(&write, &ctx, Locking::AtCommit, read.take())
                .await
            {
                Err(WriteError::Store(StoreError::Stale { current })) => {
                    tracing::debug!(self.dataset, attempt, "stale reads; deciding again");
                    read = Some(current);
                }
                done => return done,
            }
        }
        self.attempt(&write, &ctx, Locking::BeforeReads, None).await
    }

    /// One pass of reading (or taking `read`, documents read without the
    /// lock), deciding and committing.
    async fn attempt(
        &mut self,
        write: &Write,
        ctx: &TransactionContext,
        locking: Locking,
        read: Option<HashMap<String, Document>>,
    ) -> Result<Outcome, WriteError> {
        let mut session = self.conn.begin(&self.dataset, locking).await?;
        let decided = decide(&mut session, &mut self.recent, ctx, write, read).await;
        let (commit, json) = match decided {
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
        self.recent.committed(&commit);
        self.commits
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
}

/// Core's commit for `write` over the documents as `session` reads them,
/// and the mutations to log with it, if the caller's grants allow it.
///
/// When the commit will check what was read, mutations are first decided
/// on the documents `recent` remembers (or `read`, read without the lock):
/// a decision that commits needs no read. One that fails, changes nothing or
/// is a dry run does not go through that check, so it is taken again on
/// what is stored.
async fn decide(
    session: &mut DatasetWrite<'_>,
    recent: &mut Recent,
    ctx: &TransactionContext,
    write: &Write,
    read: Option<HashMap<String, Document>>,
) -> Result<(Commit, Vec<Json>), WriteError> {
    let grants = &write.grants;
    let WriteKind::Mutations { mutations, json } = &write.kind else {
        return Ok(core_write::decide(session, &write.kind, ctx, grants).await?);
    };
    let ids = required_ids(mutations);
    // `read` comes only with a write whose commit checks its reads.
    let current = match read {
        Some(read) => {
            session.assume(&ids, &read);
            recent.found(&ids, &read);
            read
        }
        None => {
            if session.checks_reads() && !write.dry_run {
                let assumed = recent.assume(&ids);
                if let Ok(commit) = decide_mutations::<StoreError>(mutations, &assumed, ctx, grants)
                {
                    if !commit.changes.is_empty() {
                        session.assume(&ids, &assumed);
                        return Ok((commit, json.clone()));
                    }
                }
            }
            let stored = session.read_documents(&ids).await?;
            recent.found(&ids, &stored);
            stored
        }
    };
    Ok((
        decide_mutations(mutations, &current, ctx, grants)?,
        json.clone(),
    ))
}
