//! The release actions. A release is the document `_.releases.<releaseId>`
//! of type `system.release`, with `name`, `state`, `metadata` and, as it moves
//! on, `publishAt`, `publishedAt`, `finalDocumentStates` and `userId` (who
//! moved it last); the versions it holds are `versions.<releaseId>.<id>`.
//!
//! Allowed transitions: create → active; active → scheduled (schedule) and
//! back (unschedule); active or scheduled → published (publish); active →
//! archived (archive) and back (unarchive); archived or published → gone
//! (delete).

use serde_json::{json, Map, Value};

use super::error::{ActionError, ActionErrorItem, ActionErrorKind};
use super::ids::{release_document_id, release_versions_prefix};
use super::lowered::{
    copy_as, create, create_if_not_exists, create_or_replace, delete, marked_for_unpublish, patch,
    published_body,
};
use super::model::{PatchBody, ReleaseAction, ReleaseActionKind};
use super::reads::archived_version_ids;
use super::release_state::ReleaseState;
use super::working::Working;
use crate::document::{DocumentId, SystemFields};
use crate::groq::datetime::DateTime;
use crate::mutation::patch::apply_patch_json;

type ActionResult = Result<(), ActionError>;

pub fn release_action(w: &mut Working, index: usize, a: &ReleaseAction) -> ActionResult {
    let r = Release {
        index,
        release_id: &a.release_id,
        document_id: release_document_id(&a.release_id),
    };
    match &a.kind {
        ReleaseActionKind::Create { metadata } => r.create(w, metadata),
        ReleaseActionKind::Edit { patch } => r.edit(w, patch),
        ReleaseActionKind::Publish => r.publish(w),
        ReleaseActionKind::Archive => r.archive(w),
        ReleaseActionKind::Unarchive => r.unarchive(w),
        ReleaseActionKind::Delete => r.delete(w),
        ReleaseActionKind::Schedule { publish_at } => r.schedule(w, publish_at),
        ReleaseActionKind::Unschedule => r.unschedule(w),
    }
}

struct Release<'a> {
    index: usize,
    release_id: &'a str,
    document_id: String,
}

impl Release<'_> {
    fn error(&self, kind: ActionErrorKind, description: String) -> ActionError {
        ActionErrorItem::new(self.index, kind, description)
            .with_id(self.document_id.as_str())
            .into()
    }

    /// The release's state; fails when there is no such release.
    fn state(&self, w: &Working) -> Result<ReleaseState, ActionError> {
        match w.get(&self.document_id) {
            Some(doc) => Ok(ReleaseState::of(doc)),
            None => Err(self.error(
                ActionErrorKind::DocumentNotFound,
                format!("the release \"{}\" does not exist", self.release_id),
            )),
        }
    }

    /// Fails unless the release is in one of `allowed`.
    fn require(
        &self,
        w: &Working,
        verb: &str,
        allowed: &[ReleaseState],
        hint: &str,
    ) -> Result<ReleaseState, ActionError> {
        let state = self.state(w)?;
        if allowed.contains(&state) {
            return Ok(state);
        }
        Err(self.error(
            ActionErrorKind::Conflict,
            format!(
                "cannot {verb} the release \"{}\": it is {}{hint}",
                self.release_id,
                state.as_str()
            ),
        ))
    }

    /// The patch that moves the release to `state`, recording who moved it.
    fn transition(
        &self,
        w: &Working,
        state: &str,
        mut set: Map<String, Value>,
        unset: &[&str],
    ) -> Value {
        set.insert("state".into(), json!(state));
        let identity = &w.ctx().identity;
        if !identity.is_empty() {
            set.insert("userId".into(), json!(identity));
        }
        let mut operations = Map::new();
        operations.insert("set".into(), Value::Object(set));
        if !unset.is_empty() {
            operations.insert("unset".into(), json!(unset));
        }
        patch(&self.document_id, &operations, None)
    }

    fn versions(&self, w: &Working) -> Vec<String> {
        w.ids_with_prefix(&release_versions_prefix(self.release_id))
    }

    fn create(&self, w: &mut Working, metadata: &Map<String, Value>) -> ActionResult {
        if w.exists(&self.document_id) {
            return Err(self.error(
                ActionErrorKind::DocumentAlreadyExists,
                format!(
                    "a release with the ID \"{}\" already exists",
                    self.release_id
                ),
            ));
        }
        let body = Map::from_iter([
            (SystemFields::ID.into(), json!(self.document_id)),
            (SystemFields::TYPE.into(), json!("system.release")),
            ("name".into(), json!(self.release_id)),
            ("state".into(), json!("active")),
            ("metadata".into(), Value::Object(metadata.clone())),
        ]);
        w.run(self.index, vec![create(body)])
    }

    /// Patches the release's `metadata`; anything else a release holds
    /// belongs to the release actions.
    fn edit(&self, w: &mut Working, body: &PatchBody) -> ActionResult {
        let Some(release) = w.get(&self.document_id) else {
            return Err(self.error(
                ActionErrorKind::DocumentNotFound,
                format!("the release \"{}\" does not exist", self.release_id),
            ));
        };
        let before = release.to_value();
        let mut after = before.clone();
        apply_patch_json(&mut after, &Value::Object(body.operations.clone()))
            .map_err(|e| self.error(ActionErrorKind::Validation, e))?;
        let changed =
            |key: &String| key != "metadata" && before.get(key.as_str()) != after.get(key.as_str());
        let keys = before
            .as_object()
            .into_iter()
            .chain(after.as_object())
            .flat_map(|m| m.keys());
        if let Some(key) = keys.into_iter().find(|k| changed(k)) {
            return Err(self.error(
                ActionErrorKind::Validation,
                format!("sanity.action.release.edit may only change metadata, not \"{key}\""),
            ));
        }
        let lowered = patch(
            &self.document_id,
            &body.operations,
            body.if_revision_id.as_deref(),
        );
        w.run(self.index, vec![lowered])
    }

    /// Publishes every version the release holds (a version marked for
    /// unpublish deletes the published document instead), removes the
    /// versions, and records them in `finalDocumentStates`.
    fn publish(&self, w: &mut Working) -> ActionResult {
        self.require(
            w,
            "publish",
            &[ReleaseState::Active, ReleaseState::Scheduled],
            "",
        )?;
        let versions = self.versions(w);
        let mut lowered = Vec::with_capacity(versions.len() * 2 + 1);
        for version_id in &versions {
            let (Some(version), Ok(id)) = (w.get(version_id), DocumentId::parse(version_id)) else {
                continue;
            };
            let published_id = id.published_id();
            lowered.push(if marked_for_unpublish(version) {
                delete(published_id)
            } else {
                create_or_replace(published_body(version, published_id))
            });
            lowered.push(delete(version_id));
        }
        let set = Map::from_iter([
            ("publishedAt".into(), json!(w.ctx().now)),
            ("finalDocumentStates".into(), final_states(&versions)),
        ]);
        lowered.push(self.transition(w, "published", set, &[]));
        w.run(self.index, lowered)
    }

    /// Deletes the versions the release holds and closes it; they stay
    /// listed in `finalDocumentStates`, so `unarchive` can bring them back.
    fn archive(&self, w: &mut Working) -> ActionResult {
        self.require(
            w,
            "archive",
            &[ReleaseState::Active],
            " (a scheduled release must be unscheduled first)",
        )?;
        let versions = self.versions(w);
        let mut lowered: Vec<Value> = versions.iter().map(|id| delete(id)).collect();
        let set = Map::from_iter([("finalDocumentStates".into(), final_states(&versions))]);
        lowered.push(self.transition(w, "archived", set, &[]));
        w.run(self.index, lowered)
    }

    /// Reopens an archived release with its versions as they were when it was
    /// archived. A version whose history is gone (past retention) stays gone;
    /// one that was written again since is left as it is now.
    fn unarchive(&self, w: &mut Working) -> ActionResult {
        self.require(w, "unarchive", &[ReleaseState::Archived], "")?;
        let prefix = release_versions_prefix(self.release_id);
        let archived = w
            .get(&self.document_id)
            .map(archived_version_ids)
            .unwrap_or_default();
        let mut lowered = Vec::with_capacity(archived.len() + 1);
        for id in archived.iter().filter(|id| id.starts_with(&prefix)) {
            if w.exists(id) {
                continue;
            }
            if let Some(last) = w.last_revision(id) {
                lowered.push(create_if_not_exists(copy_as(last, id)));
            }
        }
        lowered.push(self.transition(w, "active", Map::new(), &["finalDocumentStates"]));
        w.run(self.index, lowered)
    }

    /// Removes a published or archived release (and any version still in it).
    fn delete(&self, w: &mut Working) -> ActionResult {
        self.require(
            w,
            "delete",
            &[ReleaseState::Archived, ReleaseState::Published],
            " (archive it first)",
        )?;
        let mut lowered: Vec<Value> = self.versions(w).iter().map(|id| delete(id)).collect();
        lowered.push(delete(&self.document_id));
        w.run(self.index, lowered)
    }

    /// Locks the release until `publishAt`. Publishing at that time is the
    /// host's job (it runs `sanity.action.release.publish`); a `publishAt`
    /// that has already passed publishes at once, as Sanity does.
    fn schedule(&self, w: &mut Working, publish_at: &str) -> ActionResult {
        self.require(w, "schedule", &[ReleaseState::Active], "")?;
        let set = Map::from_iter([("publishAt".into(), json!(publish_at))]);
        let lowered = self.transition(w, "scheduled", set, &[]);
        w.run(self.index, vec![lowered])?;
        let due = match (DateTime::parse(publish_at), DateTime::parse(&w.ctx().now)) {
            (Some(at), Some(now)) => at <= now,
            _ => false,
        };
        if due {
            self.publish(w)?;
        }
        Ok(())
    }

    fn unschedule(&self, w: &mut Working) -> ActionResult {
        self.require(w, "unschedule", &[ReleaseState::Scheduled], "")?;
        let lowered = self.transition(w, "active", Map::new(), &["publishAt"]);
        w.run(self.index, vec![lowered])
    }
}

/// `finalDocumentStates`: the versions a release held, as `[{id}]`.
fn final_states(versions: &[String]) -> Value {
    Value::Array(versions.iter().map(|id| json!({ "id": id })).collect())
}
