//! A write's commit over the documents it needs, if the caller's grants
//! allow it.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::error::DecideError;
use crate::action::{self, Action};
use crate::document::Document;
use crate::grants::Grants;
use crate::mutation::{apply_transaction, required_ids, Commit, Mutation, TransactionContext};

/// What a client asked a dataset to do.
#[derive(Debug, Clone)]
pub enum WriteKind {
    /// Parsed mutations, and the same as the client sent them (for the log).
    Mutations {
        mutations: Vec<Mutation>,
        json: Vec<Json>,
    },
    Actions(Vec<Action>),
}

/// How a host reads the documents a write needs, inside whatever keeps
/// the write's reads valid until its commit (a lock, a Durable Object).
#[allow(async_fn_in_trait)]
pub trait WriteReads {
    type Error;

    /// The stored documents with these ids (those that exist), by id.
    async fn read_documents(
        &mut self,
        ids: &[String],
    ) -> Result<HashMap<String, Document>, Self::Error>;

    /// Every stored id that starts with `prefix`, in byte order.
    async fn ids_with_prefix(&mut self, prefix: &str) -> Result<Vec<String>, Self::Error>;
}

/// Core's commit for `kind` over the documents `reads` finds, and the
/// mutations to log with it (for actions, the mutations they lowered to).
pub async fn decide<R: WriteReads>(
    reads: &mut R,
    kind: &WriteKind,
    ctx: &TransactionContext,
    grants: &Grants,
) -> Result<(Commit, Vec<Json>), DecideError<R::Error>> {
    match kind {
        WriteKind::Mutations { mutations, json } => {
            let current = reads
                .read_documents(&required_ids(mutations))
                .await
                .map_err(DecideError::Store)?;
            Ok((
                decide_mutations(mutations, &current, ctx, grants)?,
                json.clone(),
            ))
        }
        WriteKind::Actions(actions) => decide_actions(reads, actions, ctx, grants).await,
    }
}

/// Core's commit for `mutations` over `current`, if `grants` allow it.
pub fn decide_mutations<E>(
    mutations: &[Mutation],
    current: &HashMap<String, Document>,
    ctx: &TransactionContext,
    grants: &Grants,
) -> Result<Commit, DecideError<E>> {
    let commit = apply_transaction(mutations, current, ctx).map_err(DecideError::Mutation)?;
    grants
        .check_commit(&commit)
        .map_err(|e| DecideError::Permission(e.locate(mutations)))?;
    Ok(commit)
}

/// Actions read in up to three steps: the ids they name, the versions in
/// the releases they touch, and what those versions point at.
async fn decide_actions<R: WriteReads>(
    reads: &mut R,
    actions: &[Action],
    ctx: &TransactionContext,
    grants: &Grants,
) -> Result<(Commit, Vec<Json>), DecideError<R::Error>> {
    let needed = action::required_reads(actions);
    let mut current = reads
        .read_documents(&needed.ids)
        .await
        .map_err(DecideError::Store)?;
    if !needed.id_prefixes.is_empty() || !needed.versions_of.is_empty() {
        let versions: Vec<String> = reads
            .ids_with_prefix("versions.")
            .await
            .map_err(DecideError::Store)?
            .into_iter()
            .filter(|id| needed.wants(id) && !current.contains_key(id))
            .collect();
        current.extend(
            reads
                .read_documents(&versions)
                .await
                .map_err(DecideError::Store)?,
        );
    }
    let follow_up = needed.follow_up_ids(&current);
    if !follow_up.is_empty() {
        current.extend(
            reads
                .read_documents(&follow_up)
                .await
                .map_err(DecideError::Store)?,
        );
    }
    let done = action::apply_actions(actions, &current, ctx).map_err(DecideError::Action)?;
    grants
        .check_commit(&done.commit)
        .map_err(|e| DecideError::Permission(e.locate(&done.mutations)))?;
    Ok((done.commit, done.mutations_json))
}
