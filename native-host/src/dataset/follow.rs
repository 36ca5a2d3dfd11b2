//! Commits other `qanat serve` processes make on a shared PostgreSQL
//! database, announced to this node's listeners.
//!
//! Each commit sends `NOTIFY qanat_commits, '<dataset>:<seq>'`; a
//! notification only says how far the log goes, and the hub reads every
//! commit it has not announced yet up to there, so a late or lost
//! notification is made up by the next one.

use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;

use super::hub::Hub;
use crate::store::postgres::COMMITS_CHANNEL;

/// Listens until the process ends, reconnecting after a lost connection.
pub async fn run(pool: PgPool, hub: Arc<Hub>) {
    loop {
        let mut listener = match PgListener::connect_with(&pool).await {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!("cannot listen for commits: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        if let Err(e) = listener.listen(COMMITS_CHANNEL).await {
            tracing::warn!("cannot listen for commits: {e}");
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        loop {
            match listener.recv().await {
                Ok(notification) => {
                    if let Some((dataset, seq)) = parse(notification.payload()) {
                        hub.committed_elsewhere(dataset, seq).await;
                    }
                }
                Err(e) => {
                    tracing::warn!("lost the commit notifications: {e}");
                    break;
                }
            }
        }
    }
}

/// `<dataset>:<seq>`; dataset names cannot hold `:`, but split at the last one.
fn parse(payload: &str) -> Option<(&str, i64)> {
    let (dataset, seq) = payload.rsplit_once(':')?;
    Some((dataset, seq.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_payloads() {
        for (payload, parsed) in [
            ("production:12", Some(("production", 12))),
            ("a:b:3", Some(("a:b", 3))),
            ("production", None),
            ("production:x", None),
        ] {
            assert_eq!(parse(payload), parsed, "{payload}");
        }
    }
}
