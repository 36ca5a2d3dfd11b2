//! `DatasetWriter`: the Durable Object that orders one dataset's writes.
//!
//! Every `data/mutate` and `data/actions` of a dataset reaches
//! the one object named after it. The object takes writes one at a time:
//! core decides each over the documents as D1 holds them after the
//! previous write, and the commit is written in one D1 `batch()` (a single
//! SQL transaction: all of it or none). D1 has no `BEGIN`, so nothing but
//! this order keeps a write's reads true until its commit: writes of a
//! dataset must only ever come through here.
//!
//! After each commit the object sends it (core's `listen::commit_message`)
//! to every Worker that holds listeners of the dataset; each Worker runs
//! its own listeners' filters and grants on it (`listen.rs`).

use futures_util::lock::Mutex;
use qanat_core::commit_sql::{CommitRows, D1_UNCHANGED_SINCE_READ, SQLITE_COMMIT};
use qanat_core::listen::{commit_message, PreparedCommit};
use qanat_core::mutation::TransactionContext;
use qanat_core::request::Pairs;
use qanat_core::write::{self, actions_request, mutate_request, write_response, DecideError};
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::{
    durable_object, D1DatabaseSession, DurableObject, Env, Request, Response, Result, State,
    WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

use crate::auth;
use crate::clock;
use crate::d1;
use crate::documents::D1Documents;
use crate::error::{respond, EdgeError, EdgeResult};
use crate::route;

/// The binding of the namespace in `wrangler.toml`.
pub const BINDING: &str = "DATASET_WRITER";

#[durable_object(websocket)]
pub struct DatasetWriter {
    /// Holds the WebSockets of the Workers that serve this dataset's
    /// listeners, accepted for hibernation: an object with only idle
    /// listeners is evicted from memory and woken by the next write.
    state: State,
    env: Env,
    /// Held from a write's first read to its commit. The runtime runs one
    /// event at a time but interleaves them at every `await` on D1; this
    /// keeps a write's reads and its commit together.
    turn: Mutex<()>,
}

impl DurableObject for DatasetWriter {
    fn new(state: State, env: Env) -> Self {
        DatasetWriter {
            state,
            env,
            turn: Mutex::new(()),
        }
    }

    /// `POST /{version}/data/{mutate|actions}/{dataset}`, as the Worker forwarded it,
    /// or a Worker's WebSocket for the dataset's commits (`listen.rs`).
    async fn fetch(&self, mut request: Request) -> Result<Response> {
        if request.headers().get("upgrade")?.as_deref() == Some("websocket") {
            let pair = WebSocketPair::new()?;
            self.state.accept_web_socket(&pair.server);
            return Response::from_websocket(pair.client);
        }
        respond(self.mutate(&mut request).await)
    }

    /// Workers only listen; anything they send is ignored.
    async fn websocket_message(
        &self,
        _ws: WebSocket,
        _message: WebSocketIncomingMessage,
    ) -> Result<()> {
        Ok(())
    }

    async fn websocket_close(
        &self,
        ws: WebSocket,
        code: usize,
        reason: String,
        _was_clean: bool,
    ) -> Result<()> {
        // 1005/1006 say no code was sent; they may not be sent back.
        let code = u16::try_from(code)
            .ok()
            .filter(|c| (1000..=4999).contains(c) && !matches!(c, 1005 | 1006));
        let _ = ws.close(code.or(Some(1000)), Some(reason));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> Result<()> {
        Ok(())
    }
}

impl DatasetWriter {
    async fn mutate(&self, request: &mut Request) -> EdgeResult<Response> {
        let (dataset, is_actions) = dataset_of(request)?;
        let db = d1::for_writes(&self.env)?;
        // Who is asking before what they ask: a bad token is a 401 whatever
        // the body, as on the native host.
        let grants = auth::grants(request, &db, &dataset).await?;
        let pairs: Pairs = request.url()?.query_pairs().into_owned().collect();
        let body = route::json_body(request).await?;
        let asked = if is_actions {
            actions_request(&body, &pairs)?
        } else {
            mutate_request(&body, &pairs)?
        };
        let ctx = TransactionContext {
            transaction_id: match asked.transaction_id.clone() {
                Some(id) => id,
                None => clock::transaction_id()?,
            },
            now: clock::now_text(),
            identity: grants.identity().to_owned(),
            auto_generate_array_keys: asked.auto_generate_array_keys,
            seed: clock::seed()?,
        };
        let mut kind = asked.kind.clone();
        let _turn = self.turn.lock().await;
        let mut documents = D1Documents {
            db: &db,
            dataset: &dataset,
        };
        if let write::WriteKind::Mutations { mutations, .. } = &mut kind {
            write::resolve_queries(&documents, &grants, mutations)
                .await
                .map_err(refused)?;
        }
        let (commit, json) = write::decide(&mut documents, &kind, &ctx, &grants)
            .await
            .map_err(refused)?;
        if !asked.dry_run && !commit.changes.is_empty() {
            let prepared = PreparedCommit::new(&commit, &json);
            let seq = store(&db, &dataset, &CommitRows::new(&prepared, &json)).await?;
            // Still in the write's turn, so listeners hear commits in order.
            let message = commit_message(seq, &commit, &json);
            for socket in self.state.get_websockets() {
                // A socket that is closing cannot take it; its Worker is gone.
                let _ = socket.send_with_str(&message);
            }
        }
        let answer = Response::from_json(&write_response(&commit, &asked))?;
        Ok(d1::with_bookmark(answer, &db)?)
    }
}

/// A refusal as Sanity's answer; a store error as a 500.
fn refused(e: DecideError<worker::Error>) -> EdgeError {
    match e.into_response() {
        Ok((status, body)) => EdgeError::Sanity { status, body },
        Err(store) => EdgeError::Internal(store),
    }
}

/// The dataset of the path the Worker forwarded
/// (`/{version}/data/{mutate|actions}/{dataset}`), and whether it is actions.
fn dataset_of(request: &Request) -> EdgeResult<(String, bool)> {
    let path = request.path();
    let mut segments = path.trim_start_matches('/').split('/');
    match (
        segments.next(),
        segments.next(),
        segments.next(),
        segments.next(),
    ) {
        (Some(_version), Some("data"), Some(kind @ ("mutate" | "actions")), Some(dataset))
            if !dataset.is_empty() =>
        {
            Ok((dataset.to_owned(), kind == "actions"))
        }
        _ => Err(EdgeError::NotFound("Not found".to_owned())),
    }
}

#[derive(Deserialize)]
struct SeqRow {
    seq: i64,
}

/// Writes a commit's rows in one batch (one SQL transaction), after
/// checking that what it changed is as it was read, and returns its place
/// in the dataset's log.
async fn store(db: &D1DatabaseSession, dataset: &str, rows: &CommitRows) -> EdgeResult<i64> {
    let params: Vec<JsValue> = rows
        .params(dataset)
        .iter()
        .map(|p| p.map_or(JsValue::NULL, JsValue::from_str))
        .collect();
    let statements = std::iter::once(&D1_UNCHANGED_SINCE_READ)
        .chain(SQLITE_COMMIT.iter())
        .map(|sql| {
            // D1 wants exactly as many values as the statement numbers.
            let count = highest_param(sql).min(params.len());
            db.prepare(*sql).bind(&params[..count])
        })
        .collect::<Result<Vec<_>>>()?;
    let results = db.batch(statements).await?;
    results
        .iter()
        .find_map(|r| r.results::<SeqRow>().ok()?.into_iter().next())
        .map(|row| row.seq)
        .ok_or_else(|| EdgeError::internal("the commit's batch returned no seq"))
}

/// The highest `?N` a statement names.
fn highest_param(sql: &str) -> usize {
    sql.split('?')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::highest_param;

    #[test]
    fn statements_number_their_parameters() {
        assert_eq!(highest_param("SELECT ?1, ?12 WHERE x = ?3"), 12);
        assert_eq!(highest_param("SELECT 1"), 0);
    }
}
