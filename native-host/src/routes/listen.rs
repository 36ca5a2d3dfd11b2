//! `GET /{version}/data/listen/{dataset}`: server-sent events for every
//! commit the listener's filter and grants let it see.
//!
//! Core decides the events ([`Listener::events`]) and their wire form; this
//! file subscribes to the dataset's commits, replays the log for a resumed
//! listener, and keeps the stream alive with heartbeats.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use qanat_core::grants::Grants;
use qanat_core::listen::{
    transaction_of_event_id, ListenRequest, Listener, ServerSentEvent, HEARTBEAT,
};
use tokio::sync::{broadcast, mpsc};

use super::data::{self, Pairs};
use crate::auth::Caller;
use crate::dataset::{clock, replay, Committed};
use crate::error::AppError;
use crate::serve::AppState;

/// Proxies and browsers drop a stream that is silent for long; Sanity's
/// listeners send a comment about this often.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(20);

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((version, dataset)): Path<(String, String)>,
    Query(pairs): Query<Pairs>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let version = data::api_version(&version)?;
    let request = ListenRequest::from_query_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        version,
    )?;
    let grants = caller.grants(&state, &dataset).await?;
    let listener = Listener::new(&request, grants.identity())?;
    // Subscribe before reading the log, so no commit falls between the two.
    let commits = state.hub.subscribe(&dataset);
    let name = clock::transaction_id();

    let mut opening = String::new();
    let mut seen = 0;
    let resume_from = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|_| request.options.enable_resume);
    match resume_from {
        None => opening.push_str(
            &ServerSentEvent::Welcome {
                listener_name: &name,
            }
            .to_text(),
        ),
        Some(event_id) => {
            let seq = match transaction_of_event_id(event_id) {
                Some(tx) => state.db.transaction_seq(&dataset, tx).await?,
                None => None,
            };
            let replayed = match seq {
                Some(seq) => replay::commits_after(&state.db, &dataset, seq).await?,
                None => None,
            };
            match replayed {
                Some(replayed) => {
                    for committed in &replayed {
                        write_events(&mut opening, &listener, committed, &grants);
                        seen = committed.seq;
                    }
                    seen = seen.max(seq.unwrap_or(0));
                    opening.push_str(
                        &ServerSentEvent::Welcomeback {
                            listener_name: &name,
                        }
                        .to_text(),
                    );
                }
                None => opening.push_str(&ServerSentEvent::Reset.to_text()),
            }
        }
    }

    let (sender, receiver) = mpsc::channel::<String>(64);
    // Cannot fail: the receiver is right here.
    let _ = sender.send(opening).await;
    tokio::spawn(forward(commits, sender, listener, grants, seen));
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver
            .recv()
            .await
            .map(|text| (Ok::<_, Infallible>(Bytes::from(text)), receiver))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}

fn write_events(out: &mut String, listener: &Listener, committed: &Committed, grants: &Grants) {
    for event in listener.events(&committed.commit, grants) {
        out.push_str(&ServerSentEvent::Mutation(&event).to_text());
    }
}

/// Writes each new commit's events until the client goes away. A listener
/// that falls too far behind is closed; clients reconnect (and resume, if
/// they asked for `enableResume`).
async fn forward(
    mut commits: broadcast::Receiver<Committed>,
    sender: mpsc::Sender<String>,
    listener: Listener,
    grants: Grants,
    mut seen: i64,
) {
    let mut heartbeat = tokio::time::interval_at(
        tokio::time::Instant::now() + HEARTBEAT_EVERY,
        HEARTBEAT_EVERY,
    );
    loop {
        let text = tokio::select! {
            received = commits.recv() => match received {
                Ok(committed) if committed.seq <= seen => continue,
                Ok(committed) => {
                    seen = committed.seq;
                    let mut text = String::new();
                    write_events(&mut text, &listener, &committed, &grants);
                    if text.is_empty() {
                        continue;
                    }
                    text
                }
                Err(broadcast::error::RecvError::Lagged(_) | broadcast::error::RecvError::Closed) => return,
            },
            _ = heartbeat.tick() => HEARTBEAT.to_owned(),
            () = sender.closed() => return,
        };
        if sender.send(text).await.is_err() {
            return;
        }
    }
}
