//! The writer and the commit channel of every dataset, started on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qanat_core::listen::PreparedCommit;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::error::WriteError;
use super::replay;
use super::writer::{self, Job, Outcome, Write};
use crate::store::Db;

/// How many writes may wait for a dataset's writer before callers wait to queue.
const QUEUE: usize = 256;
/// How many commits a listener may fall behind before it is dropped (and
/// resumes from the log, if it asked for `enableResume`).
const BACKLOG: usize = 1024;

/// A commit as announced to listeners: its position in the dataset's log and
/// what core prepared for them.
#[derive(Debug, Clone)]
pub struct Committed {
    pub seq: i64,
    pub commit: Arc<PreparedCommit>,
}

#[derive(Clone)]
struct Handle {
    jobs: mpsc::Sender<Job>,
    commits: Announcer,
}

/// A dataset's broadcast channel and the last `seq` sent on it.
///
/// Commits reach it from this node's writer and, on PostgreSQL, from the
/// notifications of other nodes sharing the database; the lock makes both
/// send in `seq` order, each commit once.
#[derive(Clone)]
pub(super) struct Announcer {
    dataset: String,
    db: Db,
    sender: broadcast::Sender<Committed>,
    /// `None` only when the log's position could not be read at start.
    last: Arc<tokio::sync::Mutex<Option<i64>>>,
}

impl Announcer {
    /// Sends every commit up to `seq` not sent yet, in order. `own` is the
    /// commit `seq` itself when this node made it (no need to read it back).
    pub(super) async fn announce(&self, seq: i64, own: Option<Committed>) {
        let mut last = self.last.lock().await;
        // Only when the log could not be read at start: begin at this commit.
        let from = last.unwrap_or(seq - 1);
        if from >= seq {
            return;
        }
        if let Some(own) = own.filter(|own| own.seq == from + 1) {
            // No listener is not an error.
            let _ = self.sender.send(own);
            *last = Some(seq);
            return;
        }
        for _ in 0..READ_ATTEMPTS {
            match replay::commits_after(&self.db, &self.dataset, from).await {
                Ok(Some(commits)) => {
                    let mut sent = from;
                    for committed in commits {
                        sent = committed.seq;
                        let _ = self.sender.send(committed);
                    }
                    *last = Some(sent.max(seq));
                    return;
                }
                Ok(None) => {}
                Err(e) => tracing::warn!("reading the log of {}: {e}", self.dataset),
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // The log kept moving or could not be read: skip ahead rather than
        // stall; listeners see the gap in `previousRev` and can refetch.
        tracing::warn!(
            "could not announce commits {from}..{seq} of {}",
            self.dataset
        );
        *last = Some(seq);
    }
}

/// How often a commit announced by another node is read back before giving up.
const READ_ATTEMPTS: usize = 10;

/// Every dataset's writer, by name.
pub struct Hub {
    db: Db,
    datasets: Mutex<HashMap<String, Handle>>,
}

impl Hub {
    pub fn new(db: Db) -> Hub {
        Hub {
            db,
            datasets: Mutex::new(HashMap::new()),
        }
    }

    fn handle(&self, dataset: &str) -> Handle {
        // A poisoned lock only means another request panicked mid-insert;
        // the map itself is still whole.
        let mut datasets = self
            .datasets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(handle) = datasets.get(dataset) {
            if !handle.jobs.is_closed() {
                return handle.clone();
            }
        }
        let (jobs, queue) = mpsc::channel(QUEUE);
        let last: Arc<tokio::sync::Mutex<Option<i64>>> = Arc::default();
        // Where the log stands now is where announcing starts; the lock is
        // held until it is known so no commit is announced from a guess.
        if let Ok(mut guard) = last.clone().try_lock_owned() {
            let db = self.db.clone();
            let name = dataset.to_owned();
            tokio::spawn(async move {
                match db.last_seq(&name).await {
                    Ok(seq) => *guard = Some(seq),
                    Err(e) => tracing::warn!("reading the last commit of {name}: {e}"),
                }
            });
        }
        let commits = Announcer {
            dataset: dataset.to_owned(),
            db: self.db.clone(),
            sender: broadcast::channel(BACKLOG).0,
            last,
        };
        tokio::spawn(writer::run(
            self.db.clone(),
            dataset.to_owned(),
            queue,
            commits.clone(),
        ));
        let handle = Handle { jobs, commits };
        datasets.insert(dataset.to_owned(), handle.clone());
        handle
    }

    /// Runs `write` on `dataset`'s writer, after every write queued before it.
    pub async fn write(&self, dataset: &str, write: Write) -> Result<Outcome, WriteError> {
        let (reply, answer) = oneshot::channel();
        self.handle(dataset)
            .jobs
            .send(Job { write, reply })
            .await
            .map_err(|_| WriteError::WriterStopped)?;
        answer.await.map_err(|_| WriteError::WriterStopped)?
    }

    /// Every commit of `dataset` from now on.
    pub fn subscribe(&self, dataset: &str) -> broadcast::Receiver<Committed> {
        self.handle(dataset).commits.sender.subscribe()
    }

    /// Announces the commits of `dataset` up to `seq` that another node made,
    /// if anyone here listens to it.
    pub async fn committed_elsewhere(&self, dataset: &str, seq: i64) {
        let announcer = {
            let datasets = self
                .datasets
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match datasets.get(dataset) {
                Some(handle) if handle.commits.sender.receiver_count() > 0 => {
                    handle.commits.clone()
                }
                _ => return,
            }
        };
        announcer.announce(seq, None).await;
    }
}
