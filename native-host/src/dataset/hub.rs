//! The writer and the commit channel of every dataset, started on first use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use qanat_core::listen::PreparedCommit;
use tokio::sync::{broadcast, mpsc, oneshot};

use super::error::WriteError;
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
    commits: broadcast::Sender<Committed>,
}

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
        let commits = broadcast::channel(BACKLOG).0;
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
        self.handle(dataset).commits.subscribe()
    }
}
