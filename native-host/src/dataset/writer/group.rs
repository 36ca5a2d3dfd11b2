//! Writes that queued up behind each other, committed together.
//!
//! On PostgreSQL a small write spends most of its time on its commit's
//! round trip, statement and flush, and a dataset has one writer. When
//! several writes of a dataset are waiting, the writer decides each in turn
//! on what it remembers and on what the ones before it leave, exactly as
//! it would have decided them one by one, and commits them with one call
//! (`store/commit_group.rs`). Only writes that need no read join a group;
//! any other (a dry run, a `delete`/`patch` by query, actions, one whose
//! decision on what is remembered fails or changes nothing) ends it and is
//! taken on its own. No caller is answered and no listener told before the
//! group is durable, so a group changes no one's guarantees.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use qanat_core::document::Document;
use qanat_core::listen::PreparedCommit;
use qanat_core::mutation::{required_ids, Commit};
use qanat_core::write::decide_mutations;
use serde_json::Value as Json;

use super::{context, Job, Outcome, Write, WriteKind, Writer};
use crate::dataset::error::WriteError;
use crate::dataset::hub::Committed;
use crate::store::read_set::ReadSet;
use crate::store::StoreError;

/// The most writes one group commits.
pub(super) const MOST: usize = 64;

/// A write decided ahead of its commit.
struct Member {
    job: Job,
    commit: Commit,
    mutations: Vec<Json>,
}

impl Writer {
    /// Commits the longest run of `queue`'s first jobs that can be decided
    /// without reading, as one group, and answers them. Returns whether it
    /// did: if not, every job is still queued and the first is best taken
    /// alone.
    pub(super) async fn commit_group(&mut self, queue: &mut VecDeque<Job>) -> bool {
        let (members, reads) = self.decide_ahead(queue);
        if members.len() < 2 {
            // Alone, a write commits as well without a group.
            requeue(queue, members);
            return false;
        }
        // Prepared only now: a write that ends up alone is prepared by the
        // path that takes it.
        let prepared: Vec<Arc<PreparedCommit>> = members
            .iter()
            .map(|m| Arc::new(PreparedCommit::new(&m.commit, &m.mutations)))
            .collect();
        let pairs = prepared
            .iter()
            .zip(&members)
            .map(|(p, m)| (p.as_ref(), m.mutations.as_slice()));
        let first = match self.conn.commit_group(&self.dataset, pairs, &reads).await {
            Some(Ok(first)) => first,
            Some(Err(StoreError::Sqlx(sqlx::Error::Database(e)))) => {
                // The server refused the call (a transaction id used
                // before, say): nothing is stored, and taken one by one
                // each write gets its own answer.
                tracing::debug!(self.dataset, "a group commit failed: {e}");
                self.recent.forget_all();
                requeue(queue, members);
                return false;
            }
            Some(Err(StoreError::Stale { current })) => {
                // What is remembered is out of date: the call answered with
                // what is stored now of everything the group assumed.
                self.recent.forget_all();
                self.recent.found(&reads.ids(), &current);
                requeue(queue, members);
                return false;
            }
            None => {
                requeue(queue, members);
                return false;
            }
            Some(Err(e)) => {
                // The connection failed: whether the call committed is
                // unknown, so none of them may be tried again.
                tracing::warn!(self.dataset, "a group commit's outcome is unknown: {e}");
                self.conn.release().await;
                self.recent.forget_all();
                for member in members {
                    let unknown = StoreError::OutcomeUnknown(e.to_string());
                    let _ = member.job.reply.send(Err(WriteError::Store(unknown)));
                }
                return true;
            }
        };
        for ((member, prepared), seq) in members.into_iter().zip(prepared).zip(first..) {
            self.recent.committed(&member.commit);
            self.commits
                .announce(
                    seq,
                    Some(Committed {
                        seq,
                        commit: prepared,
                    }),
                )
                .await;
            let _ = member.job.reply.send(Ok(Outcome {
                commit: member.commit,
                seq: Some(seq),
            }));
        }
        true
    }

    /// The first jobs of `queue` that decide on what is remembered, each on
    /// what the ones before it leave, taken off the queue; and what they
    /// assumed of the store.
    fn decide_ahead(&self, queue: &mut VecDeque<Job>) -> (Vec<Member>, ReadSet) {
        // What the members so far leave, by id (`None`: deleted).
        let mut left: HashMap<String, Option<Document>> = HashMap::new();
        let mut reads = ReadSet::default();
        let mut members = Vec::new();
        while members.len() < MOST {
            let Some(job) = queue.pop_front() else {
                break;
            };
            let Some((commit, mutations)) = self.decide_one(&job.write, &left, &mut reads) else {
                queue.push_front(job);
                break;
            };
            for change in &commit.changes {
                left.insert(change.id.clone(), change.after.clone());
            }
            members.push(Member {
                job,
                commit,
                mutations,
            });
        }
        (members, reads)
    }

    /// `write` decided on `left` over what is remembered, and the mutations
    /// to log with it, if it can join a group; what it assumed of ids no
    /// member before it touched goes into `reads`.
    fn decide_one(
        &self,
        write: &Write,
        left: &HashMap<String, Option<Document>>,
        reads: &mut ReadSet,
    ) -> Option<(Commit, Vec<Json>)> {
        let WriteKind::Mutations { mutations, json } = &write.kind else {
            return None;
        };
        if write.dry_run || mutations.iter().any(|m| m.query().is_some()) {
            return None;
        }
        let ids = required_ids(mutations);
        let mut assumed = self.recent.assume(&ids);
        for id in &ids {
            match left.get(id) {
                Some(Some(doc)) => {
                    assumed.insert(id.clone(), doc.clone());
                }
                Some(None) => {
                    assumed.remove(id);
                }
                None => {}
            }
        }
        let ctx = context(write);
        let commit =
            decide_mutations::<StoreError>(mutations, &assumed, &ctx, &write.grants).ok()?;
        if commit.changes.is_empty() {
            return None;
        }
        let untouched: Vec<String> = ids
            .into_iter()
            .filter(|id| !left.contains_key(id))
            .collect();
        // Of those, `assumed` holds what is remembered.
        reads.documents_first_read(&untouched, &assumed);
        Some((commit, json.clone()))
    }
}

/// Puts `members`' jobs back at the front of `queue`, in their order.
fn requeue(queue: &mut VecDeque<Job>, members: Vec<Member>) {
    for member in members.into_iter().rev() {
        queue.push_front(member.job);
    }
}
