//! The documents as the actions of one request have left them so far, and the
//! mutations they lowered to. Each action is lowered against this state and
//! its mutations applied at once (with [`crate::mutation::apply_transaction`]),
//! so the next action sees what the previous ones did.

use std::collections::HashMap;

use serde_json::Value;

use super::error::ActionError;
use super::ids::is_version_of;
use super::ActionCommit;
use crate::document::Document;
use crate::mutation::{
    apply_transaction, parse_mutations, required_ids, Commit, DocumentChange, Mutation,
    MutationResult, TransactionContext,
};

pub struct Working<'a> {
    current: &'a HashMap<String, Document>,
    history: &'a HashMap<String, Document>,
    ctx: &'a TransactionContext,
    /// `None`: deleted by an earlier action of this request.
    state: HashMap<String, Option<Document>>,
    /// Each touched document as it was before the request, in first-touch order.
    touched: Vec<(String, Option<Document>)>,
    results: Vec<MutationResult>,
    mutations: Vec<Mutation>,
    mutations_json: Vec<Value>,
    action_index: Vec<usize>,
    purge: Vec<String>,
}

impl<'a> Working<'a> {
    pub fn new(
        current: &'a HashMap<String, Document>,
        history: &'a HashMap<String, Document>,
        ctx: &'a TransactionContext,
    ) -> Self {
        Working {
            current,
            history,
            ctx,
            state: HashMap::new(),
            touched: Vec::new(),
            results: Vec::new(),
            mutations: Vec::new(),
            mutations_json: Vec::new(),
            action_index: Vec::new(),
            purge: Vec::new(),
        }
    }

    pub fn ctx(&self) -> &TransactionContext {
        self.ctx
    }

    pub fn get(&self, id: &str) -> Option<&Document> {
        match self.state.get(id) {
            Some(doc) => doc.as_ref(),
            None => self.current.get(id),
        }
    }

    pub fn exists(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Ids that exist now and satisfy `keep`, sorted so that what an action
    /// does to them does not depend on hash order.
    fn existing_ids(&self, keep: impl Fn(&str) -> bool) -> Vec<String> {
        let mut ids: Vec<String> = self
            .current
            .keys()
            .chain(self.state.keys())
            .filter(|id| keep(id) && self.exists(id))
            .cloned()
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Existing documents whose id starts with `prefix`.
    pub fn ids_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.existing_ids(|id| id.starts_with(prefix))
    }

    /// Existing `versions.<release>.<published_id>` documents.
    pub fn versions_of(&self, published_id: &str) -> Vec<String> {
        self.existing_ids(|id| is_version_of(id, published_id))
    }

    /// The last revision of a document that no longer exists: from the
    /// history the host read, or, when an earlier action of this request
    /// deleted it, as it was before the request.
    pub fn last_revision(&self, id: &str) -> Option<&Document> {
        self.history.get(id).or_else(|| self.current.get(id))
    }

    /// Asks the host to drop the history of `id` (`purge: true`).
    pub fn purge(&mut self, id: &str) {
        if !self.purge.iter().any(|p| p == id) {
            self.purge.push(id.to_string());
        }
    }

    /// Applies the mutations action `index` lowered to.
    pub fn run(&mut self, index: usize, lowered: Vec<Value>) -> Result<(), ActionError> {
        if lowered.is_empty() {
            return Ok(());
        }
        let lowered = Value::Array(lowered);
        let mutations =
            parse_mutations(&lowered).map_err(|e| ActionError::from_mutation_error(index, e))?;
        // Each action gets its own seed: with one seed for all, two actions
        // adding items to the same array would generate the same `_key`s.
        let ctx = TransactionContext {
            seed: self
                .ctx
                .seed
                .wrapping_add((index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
            ..self.ctx.clone()
        };
        let ids = required_ids(&mutations);
        // When no earlier action of the request touched these documents (the
        // usual case), the stored ones are the state: no need to copy them.
        let commit = if ids.iter().all(|id| !self.state.contains_key(id)) {
            apply_transaction(&mutations, self.current, &ctx)
        } else {
            let docs: HashMap<String, Document> = ids
                .into_iter()
                .filter_map(|id| self.get(&id).cloned().map(|doc| (id, doc)))
                .collect();
            apply_transaction(&mutations, &docs, &ctx)
        }
        .map_err(|e| ActionError::from_mutation_error(index, e))?;
        for change in commit.changes {
            // Untouched until now, its `before` is its state before the request.
            if !self.state.contains_key(&change.id) {
                self.touched.push((change.id.clone(), change.before));
            }
            self.state.insert(change.id, change.after);
        }
        self.results.extend(commit.results);
        self.action_index
            .extend(std::iter::repeat_n(index, mutations.len()));
        if let Value::Array(list) = lowered {
            self.mutations_json.extend(list);
        }
        self.mutations.extend(mutations);
        Ok(())
    }

    /// The request as one commit: every document's state before the request
    /// and after its last action.
    pub fn finish(mut self) -> ActionCommit {
        let changes = std::mem::take(&mut self.touched)
            .into_iter()
            .filter_map(|(id, before)| {
                let after = self.state.remove(&id).flatten();
                (before != after).then_some(DocumentChange { id, before, after })
            })
            .collect();
        ActionCommit {
            commit: Commit {
                transaction_id: self.ctx.transaction_id.clone(),
                timestamp: self.ctx.now.clone(),
                identity: self.ctx.identity.clone(),
                results: self.results,
                changes,
            },
            mutations: self.mutations,
            mutations_json: self.mutations_json,
            action_index: self.action_index,
            purge: self.purge,
        }
    }
}
