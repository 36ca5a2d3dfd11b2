//! `GET /{version}/data/listen/{dataset}`: server-sent events for every
//! commit the listener's filter and grants let it see.
//!
//! The Worker holds the client's stream and a WebSocket to the dataset's
//! Durable Object, which sends every commit as it lands; core decides each
//! listener's events from it and writes them. The object accepts the
//! socket with the hibernation API, so a dataset with idle listeners costs
//! nothing until its next write. A listener that resumes (`enableResume`
//! and `Last-Event-ID`) first gets what it missed, from the log.

use futures_channel::mpsc;
use futures_util::StreamExt;
use qanat_core::grants::Grants;
use qanat_core::history::{replay, touched_ids, HistoryReads, MAX_REPLAY};
use qanat_core::listen::{
    read_commit_message, transaction_of_event_id, ListenRequest, Listener, PreparedCommit,
    ServerSentEvent, HEARTBEAT,
};
use qanat_core::request::Pairs;
use worker::{
    D1DatabaseSession, Delay, Headers, Request, RequestInit, Response, Result, RouteContext,
    WebSocket, WebsocketEvent,
};

use crate::d1;
use crate::documents::D1Documents;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::log::D1History;
use crate::{auth, clock, route, writer};

/// Proxies and browsers drop a stream that is silent for long; Sanity's
/// listeners send a comment about this often.
const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

pub async fn get(request: Request, ctx: RouteContext<()>) -> Result<Response> {
    respond(run(request, ctx).await)
}

async fn run(request: Request, ctx: RouteContext<()>) -> EdgeResult<Response> {
    let dataset = route::dataset(&ctx)?.clone();
    let version = ctx.param("version").map_or("", String::as_str);
    let db = d1::for_reads(&ctx.env, &request)?;
    let grants = auth::grants(&request, &db, &dataset).await?;
    let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
    let asked = ListenRequest::from_query_pairs(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        version,
    )?;
    let listener = Listener::new(&asked, grants.identity())?;
    let resume_from = request
        .headers()
        .get("last-event-id")?
        .filter(|_| asked.options.enable_resume);
    let socket = subscribe(&ctx, &dataset).await?;
    let (sender, receiver) = mpsc::unbounded::<Result<Vec<u8>>>();
    let stream = Stream {
        sender,
        listener,
        grants,
        seen: 0,
    };
    worker::wasm_bindgen_futures::spawn_local(stream.forward(socket, db, dataset, resume_from));
    let headers = Headers::new();
    headers.set("content-type", "text/event-stream")?;
    headers.set("cache-control", "no-cache")?;
    Ok(Response::from_stream(receiver)?.with_headers(headers))
}

/// A WebSocket on which the dataset's Durable Object sends its commits.
async fn subscribe(ctx: &RouteContext<()>, dataset: &str) -> EdgeResult<WebSocket> {
    let headers = Headers::new();
    headers.set("upgrade", "websocket")?;
    let mut init = RequestInit::new();
    init.with_headers(headers);
    let upgrade = Request::new_with_init("https://dataset.internal/listen", &init)?;
    let answer = ctx
        .env
        .durable_object(writer::BINDING)?
        .get_by_name(dataset)?
        .fetch_with_request(upgrade)
        .await?;
    let socket = answer
        .websocket()
        .ok_or_else(|| EdgeError::internal("the dataset's object gave no WebSocket"))?;
    socket.accept()?;
    Ok(socket)
}

enum Tick {
    Heard(Result<WebsocketEvent>),
    Heartbeat,
}

/// One client's event stream.
struct Stream {
    sender: mpsc::UnboundedSender<Result<Vec<u8>>>,
    listener: Listener,
    grants: Grants,
    /// The last commit written (or replayed), by `seq`.
    seen: i64,
}

impl Stream {
    /// Opens the stream (`welcome`, or for a resumed listener the commits it
    /// missed and `welcomeback`, or `reset` when they cannot be replayed),
    /// then writes the events of each commit the object sends, and a
    /// heartbeat now and then, until the client or the object goes.
    /// Clients reconnect after either.
    async fn forward(
        mut self,
        socket: WebSocket,
        db: D1DatabaseSession,
        dataset: String,
        resume_from: Option<String>,
    ) {
        // Listening before the log is read, so that no commit falls
        // between the two; one in both is written once (`seen`).
        let Ok(heard) = socket.events() else {
            return;
        };
        let name = clock::transaction_id().unwrap_or_default();
        let opening = match resume_from {
            None => ServerSentEvent::Welcome {
                listener_name: &name,
            }
            .to_text(),
            Some(event_id) => match self.missed(&db, &dataset, &event_id).await {
                Ok(Some(mut text)) => {
                    text.push_str(
                        &ServerSentEvent::Welcomeback {
                            listener_name: &name,
                        }
                        .to_text(),
                    );
                    text
                }
                Ok(None) => ServerSentEvent::Reset.to_text(),
                Err(e) => {
                    worker::console_error!("replaying for a listener failed: {e:?}");
                    ServerSentEvent::Reset.to_text()
                }
            },
        };
        if self.send(opening).is_err() {
            return;
        }
        let beats = futures_util::stream::unfold((), |()| async {
            Delay::from(HEARTBEAT_EVERY).await;
            Some((Tick::Heartbeat, ()))
        })
        .boxed_local();
        let mut ticks = futures_util::stream::select(heard.map(Tick::Heard), beats);
        while let Some(tick) = ticks.next().await {
            let text = match tick {
                Tick::Heartbeat => HEARTBEAT.to_owned(),
                Tick::Heard(Ok(WebsocketEvent::Message(message))) => {
                    match message.text().as_deref().and_then(read_commit_message) {
                        Some((seq, commit)) => self.events(seq, &commit),
                        None => continue,
                    }
                }
                Tick::Heard(Ok(WebsocketEvent::Close(_)) | Err(_)) => break,
            };
            if self.send(text).is_err() {
                break;
            }
        }
        drop(ticks);
        let _ = socket.close(Some(1000), Some("the listener is gone"));
    }

    /// The events of the commits after the one `event_id` names, from the
    /// log; `None` when the log no longer has it or it is too far back.
    async fn missed(
        &mut self,
        db: &D1DatabaseSession,
        dataset: &str,
        event_id: &str,
    ) -> EdgeResult<Option<String>> {
        let Some(tx) = transaction_of_event_id(event_id) else {
            return Ok(None);
        };
        let history = D1History { db, dataset };
        let Some(seq) = history.seq_of(tx).await? else {
            return Ok(None);
        };
        let log = history.after(seq, MAX_REPLAY + 1).await?;
        if log.len() > MAX_REPLAY {
            return Ok(None);
        }
        // Documents read after the log: a commit that lands between the two
        // would be undone from a state it already changed. It is heard on
        // the socket too, so it is skipped here and written from there.
        let current = D1Documents { db, dataset }
            .documents(&touched_ids(&log))
            .await?;
        let newest = log.last().map_or(seq, |entry| entry.seq);
        if !history.after(newest, 1).await?.is_empty() {
            return Ok(None);
        }
        self.seen = seq;
        let mut text = String::new();
        for (seq, commit) in replay(&log, &current).map_err(EdgeError::internal)? {
            text.push_str(&self.events(seq, &commit));
        }
        Ok(Some(text))
    }

    /// The events of `commit` (at `seq`) this listener hears, as text; none
    /// for one already written.
    fn events(&mut self, seq: i64, commit: &PreparedCommit) -> String {
        if seq <= self.seen {
            return String::new();
        }
        self.seen = seq;
        self.listener
            .events(commit, &self.grants)
            .iter()
            .map(|event| ServerSentEvent::Mutation(event).to_text())
            .collect()
    }

    fn send(&self, text: String) -> std::result::Result<(), ()> {
        if text.is_empty() {
            return Ok(());
        }
        self.sender
            .unbounded_send(Ok(text.into_bytes()))
            .map_err(|_| ())
    }
}
