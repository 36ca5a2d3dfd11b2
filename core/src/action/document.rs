//! The document actions: Sanity's draft/published rules, lowered to mutations.
//! Each checks its preconditions against the working state, then hands the
//! mutations to [`Working::run`].

use super::error::{ActionError, ActionErrorItem, ActionErrorKind};
use super::lowered::{
    copy_as, create, create_if_not_exists, create_or_replace, delete, marked_for_unpublish, patch,
    published_body,
};
use super::model::{
    CreateAction, DeleteAction, DiscardAction, EditAction, IfExists, PublishAction,
    ReplaceDraftAction, UnpublishAction,
};
use super::release_state::check_release_open;
use super::working::Working;

type ActionResult = Result<(), ActionError>;

/// Creates a draft (or version) of a document that has never been published.
pub fn create_document(w: &mut Working, index: usize, a: &CreateAction) -> ActionResult {
    check_release_open(w, index, &a.target_id)?;
    let ignore = a.if_exists == IfExists::Ignore;
    if w.exists(&a.published_id) {
        if ignore {
            return Ok(());
        }
        return Err(ActionError::already_exists(
            index,
            &a.published_id,
            format!(
                "there is already a published document with the ID \"{}\"",
                a.published_id
            ),
        ));
    }
    if w.exists(&a.target_id) {
        if ignore {
            return Ok(());
        }
        return Err(ActionError::already_exists(
            index,
            &a.target_id,
            format!(
                "there is already a document with the ID \"{}\"",
                a.target_id
            ),
        ));
    }
    w.run(index, vec![create(a.attributes.clone())])
}

/// Replaces a draft or version outright; the document (draft or published)
/// must exist in some form.
pub fn replace_draft(w: &mut Working, index: usize, a: &ReplaceDraftAction) -> ActionResult {
    check_release_open(w, index, &a.target_id)?;
    if !w.exists(&a.target_id) && !w.exists(&a.published_id) {
        return Err(ActionError::not_found(
            index,
            &a.target_id,
            format!(
                "cannot replace \"{}\": neither it nor \"{}\" exists",
                a.target_id, a.published_id
            ),
        ));
    }
    w.run(index, vec![create_or_replace(a.attributes.clone())])
}

/// Patches a draft or version. The first edit of a published document copies
/// it into the draft (or version) and patches the copy.
pub fn edit(w: &mut Working, index: usize, a: &EditAction) -> ActionResult {
    check_release_open(w, index, &a.target_id)?;
    let expected = a.patch.if_revision_id.as_deref();
    if w.exists(&a.target_id) {
        // The patch mutation checks `ifRevisionID` itself.
        let lowered = patch(&a.target_id, &a.patch.operations, expected);
        return w.run(index, vec![lowered]);
    }
    let Some(published) = w.get(&a.published_id) else {
        return Err(ActionError::not_found(
            index,
            &a.target_id,
            format!(
                "cannot edit \"{}\": neither it nor the published document \"{}\" exists",
                a.target_id, a.published_id
            ),
        ));
    };
    // The client read the published document it is editing: its revision is
    // the one the patch expects.
    if let Some(expected) = expected {
        if published.rev() != Some(expected) {
            return Err(ActionError::revision_mismatch(
                index,
                &a.published_id,
                published.rev(),
                expected,
            ));
        }
    }
    let copy = create_if_not_exists(copy_as(published, &a.target_id));
    let lowered = patch(&a.target_id, &a.patch.operations, None);
    w.run(index, vec![copy, lowered])
}

/// Replaces the published document with the draft and deletes the draft.
pub fn publish(w: &mut Working, index: usize, a: &PublishAction) -> ActionResult {
    check_release_open(w, index, &a.draft_id)?;
    let Some(draft) = w.get(&a.draft_id) else {
        return Err(ActionError::not_found(
            index,
            &a.draft_id,
            format!(
                "cannot publish: the draft \"{}\" does not exist",
                a.draft_id
            ),
        ));
    };
    if let Some(expected) = &a.if_draft_revision_id {
        if draft.rev() != Some(expected.as_str()) {
            return Err(ActionError::revision_mismatch(
                index,
                &a.draft_id,
                draft.rev(),
                expected,
            ));
        }
    }
    if let Some(expected) = &a.if_published_revision_id {
        let actual = w.get(&a.published_id).and_then(|p| p.rev());
        if actual != Some(expected.as_str()) {
            return Err(ActionError::revision_mismatch(
                index,
                &a.published_id,
                actual,
                expected,
            ));
        }
    }
    let write = if marked_for_unpublish(draft) {
        // A version marked by `version.unpublish` publishes as a removal.
        delete(&a.published_id)
    } else {
        create_or_replace(published_body(draft, &a.published_id))
    };
    w.run(index, vec![write, delete(&a.draft_id)])
}

/// Deletes the published document, keeping its content in the draft (which
/// is created from it unless a draft exists).
pub fn unpublish(w: &mut Working, index: usize, a: &UnpublishAction) -> ActionResult {
    let Some(published) = w.get(&a.published_id) else {
        return Err(ActionError::not_found(
            index,
            &a.published_id,
            format!("cannot unpublish: \"{}\" is not published", a.published_id),
        ));
    };
    let mut lowered = Vec::with_capacity(2);
    if !w.exists(&a.draft_id) {
        lowered.push(create_if_not_exists(copy_as(published, &a.draft_id)));
    }
    lowered.push(delete(&a.published_id));
    w.run(index, lowered)
}

/// Deletes a draft or version (`document.discard`, `version.discard`).
pub fn discard(w: &mut Working, index: usize, a: &DiscardAction) -> ActionResult {
    check_release_open(w, index, &a.version_id)?;
    if !w.exists(&a.version_id) {
        return Err(ActionError::not_found(
            index,
            &a.version_id,
            format!("cannot discard \"{}\": it does not exist", a.version_id),
        ));
    }
    w.run(index, vec![delete(&a.version_id)])?;
    if a.purge {
        w.purge(&a.version_id);
    }
    Ok(())
}

/// Deletes the published document and the drafts and versions listed with
/// it. A draft or version left out would be orphaned, so it fails the action.
pub fn delete_document(w: &mut Working, index: usize, a: &DeleteAction) -> ActionResult {
    if !w.exists(&a.published_id) {
        return Err(ActionError::not_found(
            index,
            &a.published_id,
            format!(
                "cannot delete \"{}\": it is not published (discard its drafts and versions instead)",
                a.published_id
            ),
        ));
    }
    let draft_id = format!("drafts.{}", a.published_id);
    let mut variants = w.versions_of(&a.published_id);
    if w.exists(&draft_id) {
        variants.insert(0, draft_id);
    }
    if let Some(left_out) = variants.iter().find(|id| !a.include.contains(id)) {
        return Err(ActionErrorItem::new(
            index,
            ActionErrorKind::Conflict,
            format!(
                "cannot delete \"{}\": \"{left_out}\" exists and is not listed in includeDrafts or includeVersions",
                a.published_id
            ),
        )
        .with_id(left_out.as_str())
        .into());
    }
    let mut lowered = vec![delete(&a.published_id)];
    for id in &a.include {
        check_release_open(w, index, id)?;
        if w.exists(id) {
            lowered.push(delete(id));
        }
    }
    w.run(index, lowered)?;
    if a.purge {
        w.purge(&a.published_id);
        a.include.iter().for_each(|id| w.purge(id));
    }
    Ok(())
}
