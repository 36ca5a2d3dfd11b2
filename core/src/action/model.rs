//! What a client can ask of the Actions API, as typed values. Field names
//! follow Sanity's JSON (`publishedId` is `published_id`, and so on); ids are
//! validated by the parser, so every id here is a well-formed document id.

use serde_json::{Map, Value};

/// A request to `POST /data/actions/{dataset}`.
#[derive(Debug, Clone)]
pub struct ActionRequest {
    pub actions: Vec<Action>,
    /// The id the client chose for the transaction, if any; the host uses it
    /// as the context's `transaction_id` instead of inventing one.
    pub transaction_id: Option<String>,
    /// The host runs the actions and reports success, but stores nothing.
    pub dry_run: bool,
}

/// One entry of the request's `actions`, by `actionType`.
#[derive(Debug, Clone)]
pub enum Action {
    /// `sanity.action.document.create`
    Create(CreateAction),
    /// `sanity.action.document.replaceDraft` (deprecated by Sanity in favour of
    /// `version.replace`, but Studio's history restore still sends it).
    ReplaceDraft(ReplaceDraftAction),
    /// `sanity.action.document.edit`
    Edit(EditAction),
    /// `sanity.action.document.publish`
    Publish(PublishAction),
    /// `sanity.action.document.unpublish`
    Unpublish(UnpublishAction),
    /// `sanity.action.document.discard` (deprecated in favour of `version.discard`).
    Discard(DiscardAction),
    /// `sanity.action.document.delete`
    Delete(DeleteAction),
    /// `sanity.action.document.version.create`
    VersionCreate(VersionCreateAction),
    /// `sanity.action.document.version.discard`
    VersionDiscard(DiscardAction),
    /// `sanity.action.document.version.replace`
    VersionReplace(VersionReplaceAction),
    /// `sanity.action.document.version.unpublish`
    VersionUnpublish(VersionUnpublishAction),
    /// `sanity.action.release.*`
    Release(ReleaseAction),
}

/// `ifExists` of `document.create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfExists {
    Fail,
    /// Leave the existing document alone and do nothing.
    Ignore,
}

#[derive(Debug, Clone)]
pub struct CreateAction {
    pub published_id: String,
    /// `attributes._id`: a draft or version of `published_id`
    /// (`drafts.<publishedId>` when the client left it out).
    pub target_id: String,
    /// The document to create, `_id` set to `target_id`.
    pub attributes: Map<String, Value>,
    pub if_exists: IfExists,
}

#[derive(Debug, Clone)]
pub struct ReplaceDraftAction {
    pub published_id: String,
    pub target_id: String,
    pub attributes: Map<String, Value>,
}

/// A patch as an action carries it: Sanity's patch object without a selection.
#[derive(Debug, Clone)]
pub struct PatchBody {
    /// The operations (`set`, `unset`, `insert`, ...) exactly as sent, already
    /// checked to parse; `id`, `query`, `params` and `ifRevisionID` removed.
    pub operations: Map<String, Value>,
    pub if_revision_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct EditAction {
    pub published_id: String,
    /// `draftId` (or `versionId`): the draft or version the patch applies to.
    pub target_id: String,
    pub patch: PatchBody,
}

#[derive(Debug, Clone)]
pub struct PublishAction {
    /// The draft (or version) whose content becomes the published document.
    pub draft_id: String,
    pub published_id: String,
    pub if_draft_revision_id: Option<String>,
    pub if_published_revision_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct UnpublishAction {
    pub draft_id: String,
    pub published_id: String,
}

/// `document.discard` (`draftId`) and `version.discard` (`versionId`).
#[derive(Debug, Clone)]
pub struct DiscardAction {
    pub version_id: String,
    /// Also forget the document's history; see [`super::ActionCommit::purge`].
    pub purge: bool,
}

#[derive(Debug, Clone)]
pub struct DeleteAction {
    pub published_id: String,
    /// `includeDrafts` and `includeVersions` together: every draft and
    /// version of the document must be listed, or the delete fails.
    pub include: Vec<String>,
    pub purge: bool,
}

#[derive(Debug, Clone)]
pub struct VersionCreateAction {
    pub published_id: String,
    /// The draft or version to create.
    pub version_id: String,
    pub source: VersionSource,
}

/// Where a new draft or version takes its content from.
#[derive(Debug, Clone)]
pub enum VersionSource {
    /// `document`: given in full, `_id` set to the version id.
    Document(Map<String, Value>),
    /// `baseId` (+ `ifBaseRevisionId`): a copy of another document of the same
    /// published id (the published document, its draft, or another version).
    Base {
        base_id: String,
        if_base_revision_id: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct VersionReplaceAction {
    pub version_id: String,
    pub document: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct VersionUnpublishAction {
    pub version_id: String,
    pub published_id: String,
}

/// `sanity.action.release.<kind>` on the release `release_id` (the bare id,
/// without `_.releases.`).
#[derive(Debug, Clone)]
pub struct ReleaseAction {
    pub release_id: String,
    pub kind: ReleaseActionKind,
}

#[derive(Debug, Clone)]
pub enum ReleaseActionKind {
    Create {
        metadata: Map<String, Value>,
    },
    Edit {
        patch: PatchBody,
    },
    Publish,
    Archive,
    Unarchive,
    Delete,
    /// `publishAt` as sent (validated RFC 3339).
    Schedule {
        publish_at: String,
    },
    Unschedule,
}

impl Action {
    /// The `actionType` Sanity names this action by.
    pub fn action_type(&self) -> &'static str {
        match self {
            Action::Create(_) => "sanity.action.document.create",
            Action::ReplaceDraft(_) => "sanity.action.document.replaceDraft",
            Action::Edit(_) => "sanity.action.document.edit",
            Action::Publish(_) => "sanity.action.document.publish",
            Action::Unpublish(_) => "sanity.action.document.unpublish",
            Action::Discard(_) => "sanity.action.document.discard",
            Action::Delete(_) => "sanity.action.document.delete",
            Action::VersionCreate(_) => "sanity.action.document.version.create",
            Action::VersionDiscard(_) => "sanity.action.document.version.discard",
            Action::VersionReplace(_) => "sanity.action.document.version.replace",
            Action::VersionUnpublish(_) => "sanity.action.document.version.unpublish",
            Action::Release(r) => match r.kind {
                ReleaseActionKind::Create { .. } => "sanity.action.release.create",
                ReleaseActionKind::Edit { .. } => "sanity.action.release.edit",
                ReleaseActionKind::Publish => "sanity.action.release.publish",
                ReleaseActionKind::Archive => "sanity.action.release.archive",
                ReleaseActionKind::Unarchive => "sanity.action.release.unarchive",
                ReleaseActionKind::Delete => "sanity.action.release.delete",
                ReleaseActionKind::Schedule { .. } => "sanity.action.release.schedule",
                ReleaseActionKind::Unschedule => "sanity.action.release.unschedule",
            },
        }
    }
}
