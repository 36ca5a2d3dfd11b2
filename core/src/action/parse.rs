//! Reading an action request from Sanity's JSON. Every problem becomes an item
//! of an `actionError` naming the action's index; nothing here panics on input.

use serde_json::{Map, Value};

use super::error::{ActionError, ActionErrorItem, ActionErrorKind};
use super::ids::{check_release_id, is_variant_of};
use super::model::{
    Action, ActionRequest, CreateAction, DeleteAction, DiscardAction, EditAction, IfExists,
    PatchBody, PublishAction, ReleaseAction, ReleaseActionKind, ReplaceDraftAction,
    UnpublishAction, VersionCreateAction, VersionReplaceAction, VersionSource,
    VersionUnpublishAction,
};
use crate::document::{DocumentId, IdKind};
use crate::groq::datetime::DateTime;
use crate::limits::{self, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, MAX_MUTATIONS};
use crate::mutation::parse_patch_operations;

type ItemResult<T> = Result<T, ActionErrorItem>;

/// Parses a request body given as text. Malformed JSON is a validation error.
pub fn parse_actions_json(text: &str) -> Result<ActionRequest, ActionError> {
    let body: Value = serde_json::from_str(text).map_err(|e| {
        ActionError::from(invalid(
            0,
            format!("the request body is not valid JSON: {e}"),
        ))
    })?;
    parse_actions(&body)
}

/// Parses `{actions: [...], transactionId?, dryRun?}` (a bare array of
/// actions, or a single action object under `actions`, is accepted too). All
/// malformed actions are reported, not just the first.
pub fn parse_actions(body: &Value) -> Result<ActionRequest, ActionError> {
    let (list, transaction_id, dry_run) = match body {
        Value::Array(list) => (list.as_slice(), None, false),
        Value::Object(map) => {
            let list = match map.get("actions") {
                Some(Value::Array(list)) => list.as_slice(),
                Some(single @ Value::Object(_)) => std::slice::from_ref(single),
                _ => {
                    return Err(invalid(0, "expected an array of actions under \"actions\"").into())
                }
            };
            let transaction_id = optional_string(0, map, "transactionId")?;
            let dry_run = optional_bool(0, map, "dryRun")?;
            (list, transaction_id, dry_run)
        }
        _ => return Err(invalid(0, "expected an object with an array of actions").into()),
    };
    if list.is_empty() {
        // Sanity rejects an empty request rather than running an empty transaction.
        return Err(invalid(0, "No actions provided").into());
    }
    if list.len() > MAX_MUTATIONS {
        return Err(ActionErrorItem::new(
            0,
            ActionErrorKind::LimitExceeded,
            format!(
                "a request may hold at most {MAX_MUTATIONS} actions, got {}",
                list.len()
            ),
        )
        .into());
    }
    let mut actions = Vec::with_capacity(list.len());
    let mut items = Vec::new();
    for (index, entry) in list.iter().enumerate() {
        match parse_action(index, entry) {
            Ok(action) => actions.push(action),
            Err(item) => items.push(item),
        }
    }
    if !items.is_empty() {
        return Err(ActionError { items });
    }
    Ok(ActionRequest {
        actions,
        transaction_id,
        dry_run,
    })
}

fn invalid(index: usize, description: impl Into<String>) -> ActionErrorItem {
    ActionErrorItem::new(index, ActionErrorKind::Validation, description)
}

/// Parses one entry of `actions`.
pub fn parse_action(index: usize, entry: &Value) -> ItemResult<Action> {
    let Some(map) = entry.as_object() else {
        return Err(invalid(
            index,
            "an action must be an object with an \"actionType\"",
        ));
    };
    check_limits(index, entry)?;
    let action_type = match map.get("actionType") {
        Some(Value::String(t)) => t.as_str(),
        Some(other) => {
            return Err(invalid(index, "actionType must be a string").with_value(other.clone()))
        }
        None => return Err(invalid(index, "missing \"actionType\"")),
    };
    let p = Fields { index, map };
    if let Some(kind) = action_type.strip_prefix("sanity.action.release.") {
        return p.release(action_type, kind).map(Action::Release);
    }
    let action = match action_type {
        "sanity.action.document.create" => {
            let published_id = p.published_id("publishedId")?;
            let (target_id, attributes) = p.variant_document("attributes", &published_id)?;
            let if_exists = match p.optional_string("ifExists")?.as_deref() {
                None | Some("fail") => IfExists::Fail,
                Some("ignore") => IfExists::Ignore,
                Some(other) => {
                    return Err(invalid(index, "ifExists must be \"fail\" or \"ignore\"")
                        .with_value(Value::String(other.to_string())))
                }
            };
            Action::Create(CreateAction {
                published_id,
                target_id,
                attributes,
                if_exists,
            })
        }
        "sanity.action.document.replaceDraft" => {
            let published_id = p.published_id("publishedId")?;
            let (target_id, attributes) = p.variant_document("attributes", &published_id)?;
            Action::ReplaceDraft(ReplaceDraftAction {
                published_id,
                target_id,
                attributes,
            })
        }
        "sanity.action.document.edit" => {
            let published_id = p.published_id("publishedId")?;
            // Studio sends `draftId` (a version id when editing in a release);
            // Sanity's HTTP reference names the same field `versionId`.
            let target_id = match (
                p.optional_string("draftId")?,
                p.optional_string("versionId")?,
            ) {
                (Some(d), Some(v)) if d != v => {
                    return Err(invalid(index, "give draftId or versionId, not both"))
                }
                (Some(id), _) | (None, Some(id)) => id,
                (None, None) => return Err(invalid(index, "missing \"draftId\" or \"versionId\"")),
            };
            p.check_variant("draftId", &target_id, &published_id)?;
            let patch = p.patch("patch")?;
            Action::Edit(EditAction {
                published_id,
                target_id,
                patch,
            })
        }
        "sanity.action.document.publish" => {
            let published_id = p.published_id("publishedId")?;
            let draft_id = p.variant_id("draftId", &published_id)?;
            Action::Publish(PublishAction {
                draft_id,
                published_id,
                if_draft_revision_id: p.optional_string("ifDraftRevisionId")?,
                if_published_revision_id: p.optional_string("ifPublishedRevisionId")?,
            })
        }
        "sanity.action.document.unpublish" => {
            let published_id = p.published_id("publishedId")?;
            let draft_id = p.variant_id("draftId", &published_id)?;
            if !draft_id.starts_with("drafts.") {
                return Err(invalid(
                    index,
                    "unpublish takes the draftId drafts.<publishedId>; use sanity.action.document.version.unpublish for versions",
                )
                .with_value(Value::String(draft_id)));
            }
            Action::Unpublish(UnpublishAction {
                draft_id,
                published_id,
            })
        }
        "sanity.action.document.discard" => Action::Discard(DiscardAction {
            version_id: p.any_variant_id("draftId")?,
            purge: p.optional_bool("purge")?,
        }),
        "sanity.action.document.delete" => {
            let published_id = p.published_id("publishedId")?;
            let mut include = p.variant_list("includeDrafts", &published_id)?;
            for id in p.variant_list("includeVersions", &published_id)? {
                if !include.contains(&id) {
                    include.push(id);
                }
            }
            Action::Delete(DeleteAction {
                published_id,
                include,
                purge: p.optional_bool("purge")?,
            })
        }
        "sanity.action.document.version.create" => {
            let published_id = p.published_id("publishedId")?;
            if map.contains_key("document") {
                let (version_id, document) = p.variant_document("document", &published_id)?;
                Action::VersionCreate(VersionCreateAction {
                    published_id,
                    version_id,
                    source: VersionSource::Document(document),
                })
            } else {
                let version_id = p.variant_id("versionId", &published_id)?;
                let base_id = p.required_string("baseId")?;
                if base_id != published_id && !is_variant_of(&base_id, &published_id) {
                    return Err(invalid(
                        index,
                        format!("baseId must be {published_id:?}, or a draft or version of it"),
                    )
                    .with_value(Value::String(base_id)));
                }
                Action::VersionCreate(VersionCreateAction {
                    published_id,
                    version_id,
                    source: VersionSource::Base {
                        base_id,
                        if_base_revision_id: p.optional_string("ifBaseRevisionId")?,
                    },
                })
            }
        }
        "sanity.action.document.version.discard" => Action::VersionDiscard(DiscardAction {
            version_id: p.any_variant_id("versionId")?,
            purge: p.optional_bool("purge")?,
        }),
        "sanity.action.document.version.replace" => {
            let document = p.document("document")?;
            let version_id = match document.get("_id") {
                Some(Value::String(id)) => id.clone(),
                _ => return Err(invalid(index, "document must have a string _id")),
            };
            p.check_any_variant("document._id", &version_id)?;
            Action::VersionReplace(VersionReplaceAction {
                version_id,
                document,
            })
        }
        "sanity.action.document.version.unpublish" => {
            let published_id = p.published_id("publishedId")?;
            let version_id = p.variant_id("versionId", &published_id)?;
            if !version_id.starts_with("versions.") {
                return Err(invalid(
                    index,
                    "versionId must be a release version, versions.<releaseId>.<publishedId>; use sanity.action.document.unpublish for drafts",
                )
                .with_value(Value::String(version_id)));
            }
            Action::VersionUnpublish(VersionUnpublishAction {
                version_id,
                published_id,
            })
        }
        other => return Err(unknown_type(index, other)),
    };
    Ok(action)
}

fn unknown_type(index: usize, action_type: &str) -> ActionErrorItem {
    invalid(index, format!("unknown action type {action_type:?}"))
        .with_value(Value::String(action_type.chars().take(200).collect()))
}

fn check_limits(index: usize, value: &Value) -> ItemResult<()> {
    if limits::depth(value) > MAX_DOCUMENT_DEPTH {
        return Err(ActionErrorItem::new(
            index,
            ActionErrorKind::LimitExceeded,
            format!("action is nested deeper than {MAX_DOCUMENT_DEPTH} levels"),
        ));
    }
    if limits::serialized_len(value) > MAX_DOCUMENT_BYTES {
        return Err(ActionErrorItem::new(
            index,
            ActionErrorKind::LimitExceeded,
            format!("action is larger than {MAX_DOCUMENT_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn optional_string(
    index: usize,
    map: &Map<String, Value>,
    name: &str,
) -> ItemResult<Option<String>> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => {
            Err(invalid(index, format!("{name} must be a string")).with_value(other.clone()))
        }
    }
}

fn optional_bool(index: usize, map: &Map<String, Value>, name: &str) -> ItemResult<bool> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => {
            Err(invalid(index, format!("{name} must be true or false")).with_value(other.clone()))
        }
    }
}

fn echo(id: &str) -> Value {
    Value::String(id.chars().take(200).collect())
}

/// The fields of one action, read with errors that name the action.
struct Fields<'a> {
    index: usize,
    map: &'a Map<String, Value>,
}

impl Fields<'_> {
    fn optional_string(&self, name: &str) -> ItemResult<Option<String>> {
        optional_string(self.index, self.map, name)
    }

    fn optional_bool(&self, name: &str) -> ItemResult<bool> {
        optional_bool(self.index, self.map, name)
    }

    fn required_string(&self, name: &str) -> ItemResult<String> {
        self.optional_string(name)?
            .ok_or_else(|| invalid(self.index, format!("missing \"{name}\"")))
    }

    fn parse_id(&self, name: &str, id: &str) -> ItemResult<DocumentId> {
        DocumentId::parse(id).map_err(|e| {
            invalid(self.index, format!("{name}: malformed document ID: {e}")).with_value(echo(id))
        })
    }

    /// An id without a `drafts.` or `versions.` prefix.
    fn published_id(&self, name: &str) -> ItemResult<String> {
        let id = self.required_string(name)?;
        if self.parse_id(name, &id)?.kind() != IdKind::Published {
            return Err(invalid(
                self.index,
                format!("{name} must be a published id, without a drafts. or versions. prefix"),
            )
            .with_value(echo(&id)));
        }
        Ok(id)
    }

    /// `drafts.<publishedId>` or `versions.<releaseId>.<publishedId>`.
    fn check_variant(&self, name: &str, id: &str, published_id: &str) -> ItemResult<()> {
        self.parse_id(name, id)?;
        if is_variant_of(id, published_id) {
            Ok(())
        } else {
            Err(invalid(
                self.index,
                format!(
                    "{name} must be drafts.{published_id} or versions.<releaseId>.{published_id}"
                ),
            )
            .with_value(echo(id)))
        }
    }

    fn variant_id(&self, name: &str, published_id: &str) -> ItemResult<String> {
        let id = self.required_string(name)?;
        self.check_variant(name, &id, published_id)?;
        Ok(id)
    }

    /// A draft or version of any document.
    fn check_any_variant(&self, name: &str, id: &str) -> ItemResult<()> {
        if self.parse_id(name, id)?.kind() == IdKind::Published {
            return Err(invalid(
                self.index,
                format!(
                    "{name} must be a draft (drafts.<id>) or a version (versions.<releaseId>.<id>)"
                ),
            )
            .with_value(echo(id)));
        }
        Ok(())
    }

    fn any_variant_id(&self, name: &str) -> ItemResult<String> {
        let id = self.required_string(name)?;
        self.check_any_variant(name, &id)?;
        Ok(id)
    }

    fn variant_list(&self, name: &str, published_id: &str) -> ItemResult<Vec<String>> {
        let list = match self.map.get(name) {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(
                    invalid(self.index, format!("{name} must be an array of ids"))
                        .with_value(other.clone()),
                )
            }
        };
        let mut ids = Vec::with_capacity(list.len());
        for entry in list {
            let Value::String(id) = entry else {
                return Err(
                    invalid(self.index, format!("{name} must be an array of ids"))
                        .with_value(entry.clone()),
                );
            };
            self.check_variant(name, id, published_id)?;
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        Ok(ids)
    }

    /// An object with a non-empty string `_type`.
    fn document(&self, name: &str) -> ItemResult<Map<String, Value>> {
        let doc = match self.map.get(name) {
            Some(Value::Object(doc)) => doc,
            Some(other) => {
                return Err(invalid(self.index, format!("{name} must be an object"))
                    .with_value(other.clone()))
            }
            None => return Err(invalid(self.index, format!("missing \"{name}\""))),
        };
        match doc.get("_type") {
            Some(Value::String(t)) if !t.is_empty() => Ok(doc.clone()),
            _ => Err(invalid(
                self.index,
                format!("{name} must have a non-empty string _type"),
            )),
        }
    }

    /// A document whose `_id` is a draft or version of `published_id`;
    /// without an `_id` it becomes the draft.
    fn variant_document(
        &self,
        name: &str,
        published_id: &str,
    ) -> ItemResult<(String, Map<String, Value>)> {
        let mut doc = self.document(name)?;
        let id = match doc.get("_id") {
            None | Some(Value::Null) => format!("drafts.{published_id}"),
            Some(Value::String(id)) => id.clone(),
            Some(other) => {
                return Err(invalid(self.index, format!("{name}._id must be a string"))
                    .with_value(other.clone()))
            }
        };
        self.check_variant(&format!("{name}._id"), &id, published_id)?;
        doc.insert("_id".into(), Value::String(id.clone()));
        Ok((id, doc))
    }

    /// A patch object: its operations must parse the way a `patch` mutation's do.
    fn patch(&self, name: &str) -> ItemResult<PatchBody> {
        let mut operations = match self.map.get(name) {
            Some(Value::Object(patch)) => patch.clone(),
            Some(other) => {
                return Err(invalid(self.index, format!("{name} must be an object"))
                    .with_value(other.clone()))
            }
            None => return Err(invalid(self.index, format!("missing \"{name}\""))),
        };
        // The action names its target; a selection inside the patch is ignored.
        for key in ["id", "query", "params"] {
            operations.remove(key);
        }
        let if_revision_id = match operations.remove("ifRevisionID") {
            None | Some(Value::Null) => None,
            Some(Value::String(rev)) => Some(rev),
            Some(other) => {
                return Err(invalid(self.index, "ifRevisionID must be a string").with_value(other))
            }
        };
        parse_patch_operations(&operations).map_err(|(description, value)| {
            let item = invalid(self.index, format!("{name}: {description}"));
            match value {
                Some(v) => item.with_value(v),
                None => item,
            }
        })?;
        Ok(PatchBody {
            operations,
            if_revision_id,
        })
    }

    /// `sanity.action.release.<kind>`.
    fn release(&self, action_type: &str, kind: &str) -> ItemResult<ReleaseAction> {
        let release_id = self.required_string("releaseId")?;
        check_release_id(&release_id).map_err(|e| {
            invalid(self.index, e).with_value(Value::String(release_id.chars().take(200).collect()))
        })?;
        let kind = match kind {
            "create" => ReleaseActionKind::Create {
                metadata: match self.map.get("metadata") {
                    None | Some(Value::Null) => Map::new(),
                    Some(Value::Object(m)) => m.clone(),
                    Some(other) => {
                        return Err(invalid(self.index, "metadata must be an object")
                            .with_value(other.clone()))
                    }
                },
            },
            "edit" => ReleaseActionKind::Edit {
                patch: self.patch("patch")?,
            },
            "publish" => ReleaseActionKind::Publish,
            "archive" => ReleaseActionKind::Archive,
            "unarchive" => ReleaseActionKind::Unarchive,
            "delete" => ReleaseActionKind::Delete,
            "schedule" => {
                let publish_at = self.required_string("publishAt")?;
                if DateTime::parse(&publish_at).is_none() {
                    return Err(invalid(
                        self.index,
                        "publishAt must be an RFC 3339 timestamp such as 2026-01-01T00:00:00Z",
                    )
                    .with_value(Value::String(publish_at)));
                }
                ReleaseActionKind::Schedule { publish_at }
            }
            "unschedule" => ReleaseActionKind::Unschedule,
            _ => return Err(unknown_type(self.index, action_type)),
        };
        Ok(ReleaseAction { release_id, kind })
    }
}
