//! The version actions: drafts and release versions created, replaced, and
//! marked to unpublish. (`version.discard` shares [`super::document::discard`].)

use serde_json::{json, Map, Value};

use super::error::ActionError;
use super::lowered::{
    copy_as, create, create_if_not_exists, create_or_replace, patch, SYSTEM_FIELD,
};
use super::model::{
    VersionCreateAction, VersionReplaceAction, VersionSource, VersionUnpublishAction,
};
use super::release_state::check_release_open;
use super::working::Working;

type ActionResult = Result<(), ActionError>;

/// Creates a draft or version, from a given document or as a copy of another
/// document of the same published id.
pub fn version_create(w: &mut Working, index: usize, a: &VersionCreateAction) -> ActionResult {
    check_release_open(w, index, &a.version_id)?;
    if w.exists(&a.version_id) {
        return Err(ActionError::already_exists(
            index,
            &a.version_id,
            format!("Document by ID \"{}\" already exists", a.version_id),
        ));
    }
    let body = match &a.source {
        VersionSource::Document(document) => document.clone(),
        VersionSource::Base {
            base_id,
            if_base_revision_id,
        } => {
            let Some(base) = w.get(base_id) else {
                return Err(ActionError::not_found(
                    index,
                    base_id,
                    format!(
                        "cannot create \"{}\": the base document \"{base_id}\" does not exist",
                        a.version_id
                    ),
                ));
            };
            if let Some(expected) = if_base_revision_id {
                if base.rev() != Some(expected.as_str()) {
                    return Err(ActionError::revision_mismatch(
                        index,
                        base_id,
                        base.rev(),
                        expected,
                    ));
                }
            }
            let mut body = copy_as(base, &a.version_id);
            // A draft has no release to be unpublished by: copying a version's
            // bookkeeping into it would mean nothing.
            if a.version_id.starts_with("drafts.") {
                body.remove(SYSTEM_FIELD);
            }
            body
        }
    };
    w.run(index, vec![create(body)])
}

/// Replaces an existing draft or version with the given document.
pub fn version_replace(w: &mut Working, index: usize, a: &VersionReplaceAction) -> ActionResult {
    check_release_open(w, index, &a.version_id)?;
    if !w.exists(&a.version_id) {
        return Err(ActionError::not_found(
            index,
            &a.version_id,
            format!("cannot replace \"{}\": it does not exist", a.version_id),
        ));
    }
    w.run(index, vec![create_or_replace(a.document.clone())])
}

/// Marks a release version to unpublish its document when the release is
/// published: `_system.delete: true` on the version, which is first created
/// as a copy of the published document if the release does not hold one.
pub fn version_unpublish(
    w: &mut Working,
    index: usize,
    a: &VersionUnpublishAction,
) -> ActionResult {
    check_release_open(w, index, &a.version_id)?;
    let Some(published) = w.get(&a.published_id) else {
        return Err(ActionError::not_found(
            index,
            &a.published_id,
            format!(
                "cannot unpublish \"{}\" in a release: it is not published",
                a.published_id
            ),
        ));
    };
    let lowered = if w.exists(&a.version_id) {
        let mut set = Map::new();
        set.insert(format!("{SYSTEM_FIELD}.delete"), Value::Bool(true));
        patch(
            &a.version_id,
            &Map::from_iter([("set".into(), Value::Object(set))]),
            None,
        )
    } else {
        let mut body = copy_as(published, &a.version_id);
        body.insert(SYSTEM_FIELD.into(), json!({"delete": true}));
        create_if_not_exists(body)
    };
    w.run(index, vec![lowered])
}
