//! Which documents of a commit a listener hears about, and how.

use std::sync::Arc;

use serde_json::Value as Json;

use super::commit::{PreparedChange, PreparedCommit, Snapshot};
use super::error::ListenError;
use super::event::{Effects, ListenerEvent, Transition};
use super::options::{ListenOptions, ListenRequest};
use crate::document::{DocumentId, IdKind};
use crate::grants::Grants;
use crate::groq::DocumentFilter;

/// A connected listener: its filter compiled, its options read.
#[derive(Debug)]
pub struct Listener {
    filter: DocumentFilter,
    /// Who is listening: what `identity()` means in the filter.
    identity: String,
    pub options: ListenOptions,
}

impl Listener {
    pub fn new(request: &ListenRequest, identity: &str) -> Result<Listener, ListenError> {
        let filter =
            DocumentFilter::from_query(&request.query, &request.params).map_err(|error| {
                ListenError::Query {
                    query: request.query.clone(),
                    error,
                }
            })?;
        Ok(Listener {
            filter,
            identity: identity.to_string(),
            options: request.options.clone(),
        })
    }

    /// Whether events for this id reach the listener at all: drafts and
    /// versions only when asked for (or, before API v2025-02-19, drafts).
    pub fn hears_id(&self, id: &str) -> bool {
        if self.options.include_all_versions {
            return true;
        }
        match DocumentId::parse(id).map(|id| id.kind()) {
            Ok(IdKind::Version { .. }) => false,
            Ok(IdKind::Draft) => !self.options.published_only,
            // System documents (`_.releases.x`) are not drafts or versions.
            _ => true,
        }
    }

    /// The events this listener receives for `commit`, in the commit's
    /// order. `grants` are the listener's: whether it may read a
    /// document (core's grants): a state it may not read counts as absent,
    /// so a document that becomes unreadable `disappear`s and nothing of
    /// its content is sent.
    pub fn events(&self, commit: &PreparedCommit, grants: &Grants) -> Vec<ListenerEvent> {
        let visible = |s: &Option<Snapshot>| -> bool {
            s.as_ref().is_some_and(|s| grants.can_read(s.value()))
        };
        let heard: Vec<(&PreparedChange, bool, bool, Transition)> = commit
            .changes
            .iter()
            .filter(|c| self.hears_id(&c.id))
            .filter_map(|c| {
                let before_readable = visible(&c.before);
                let after_readable = visible(&c.after);
                let matched = |s: &Option<Snapshot>, ok: bool| {
                    ok && s
                        .as_ref()
                        .is_some_and(|s| self.filter.matches_value(s.value(), Some(&self.identity)))
                };
                let transition = match (
                    matched(&c.before, before_readable),
                    matched(&c.after, after_readable),
                ) {
                    (false, false) => return None,
                    (false, true) => Transition::Appear,
                    (true, true) => Transition::Update,
                    (true, false) => Transition::Disappear,
                };
                Some((c, before_readable, after_readable, transition))
            })
            .collect();
        let total = heard.len();
        heard
            .into_iter()
            .enumerate()
            .map(
                |(i, (change, before_readable, after_readable, transition))| {
                    let before = change.before.as_ref().filter(|_| before_readable);
                    let after = change.after.as_ref().filter(|_| after_readable);
                    self.event(commit, change, before, after, transition, (i + 1, total))
                },
            )
            .collect()
    }

    fn event(
        &self,
        commit: &PreparedCommit,
        change: &PreparedChange,
        before: Option<&Snapshot>,
        after: Option<&Snapshot>,
        transition: Transition,
        (current, total): (usize, usize),
    ) -> ListenerEvent {
        let o = &self.options;
        // Part of the change may be hidden from this listener: then neither
        // its mutations nor its effects may reveal that part.
        let whole = before.is_some() == change.before.is_some()
            && after.is_some() == change.after.is_some();
        let effects = o.mendoza_effects.then(|| {
            if whole {
                change.effects()
            } else {
                Arc::new(Effects::between(
                    before.map(|s| &*s.json),
                    after.map(|s| &*s.json),
                ))
            }
        });
        ListenerEvent {
            event_id: format!("{}#{}", commit.transaction_id, change.id),
            document_id: change.id.clone(),
            transaction_id: commit.transaction_id.clone(),
            identity: commit.identity.clone(),
            mutations: (o.include_mutations && whole).then(|| change.mutations.clone()),
            previous_rev: before.and_then(|s| s.rev.clone()),
            result_rev: after.and_then(|s| s.rev.clone()),
            result: after.filter(|_| o.include_result).map(|s| s.json.clone()),
            previous: o
                .include_previous_revision
                .then(|| before.map_or_else(|| Arc::new(Json::Null), |s| s.json.clone())),
            effects,
            timestamp: commit.timestamp.clone(),
            transition,
            visibility: o.visibility,
            transaction_total_events: total,
            transaction_current_event: current,
        }
    }
}
