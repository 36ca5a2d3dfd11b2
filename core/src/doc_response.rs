//! `data/doc/{dataset}/{ids}`: the request's options and its answer, the
//! same on every host. Hosts read the documents; this decides what the
//! caller sees of them.
//!
//! `includeAllVersions=true` adds each document's draft and release
//! versions; `excludeContent=true` keeps only the system fields, for a
//! caller that wants revisions and times without the bodies.

use std::collections::HashMap;

use serde_json::{json, Map, Value as Json};

use crate::document::{Document, DocumentId};
use crate::grants::{Grants, Permission};
use crate::request::{self, BadRequest, Pairs};

/// What `excludeContent` leaves of a document.
const SYSTEM_FIELDS: [&str; 5] = ["_id", "_type", "_rev", "_createdAt", "_updatedAt"];

/// A `data/doc` request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRequest {
    /// The ids in the path, in order.
    pub requested: Vec<String>,
    pub all_versions: bool,
    pub exclude_content: bool,
}

impl DocRequest {
    /// Reads the path's id list and the query string's options.
    pub fn new(ids: &str, pairs: &Pairs) -> Result<DocRequest, BadRequest> {
        Ok(DocRequest {
            requested: request::comma_list(ids),
            all_versions: request::flag(pairs, "includeAllVersions", false)?,
            exclude_content: request::flag(pairs, "excludeContent", false)?,
        })
    }

    /// The ids to read: the requested ones, then (with `includeAllVersions`)
    /// `versions`, the stored draft and release ids of each, without repeats.
    pub fn ids_to_read(&self, versions: Vec<String>) -> Vec<String> {
        let mut ids = self.requested.clone();
        for id in versions {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// The answer, `ids` being what was read (see [`Self::ids_to_read`]) and
    /// `found` the stored ones among them: the documents the caller may read,
    /// and for each requested one it may not see, why (`existence` or
    /// `permission`). A draft or version that does not exist was never
    /// promised and is not reported.
    pub fn response(
        &self,
        ids: &[String],
        found: &HashMap<String, Document>,
        grants: &Grants,
        ms: u64,
    ) -> Json {
        let mut documents = Vec::new();
        let mut omitted = Vec::new();
        for id in ids {
            match found.get(id) {
                None if self.requested.contains(id) => {
                    omitted.push(json!({"id": id, "reason": "existence"}));
                }
                None => {}
                Some(doc) => {
                    let doc = doc.to_value();
                    if !grants.allows_json(Permission::Read, &doc) {
                        omitted.push(json!({"id": id, "reason": "permission"}));
                    } else if self.exclude_content {
                        documents.push(system_fields(&doc));
                    } else {
                        documents.push(doc);
                    }
                }
            }
        }
        json!({"ms": ms, "documents": documents, "omitted": omitted})
    }
}

/// The LIKE pattern (escape character `\\`) that finds the release copies
/// (`versions.<release>.<id>`) of `published` among stored ids; it may
/// match more (`versions.r.a.b` for `b`), which [`all_versions`] drops.
pub fn versions_pattern(published: &str) -> String {
    let mut pattern = String::from("versions.%.");
    for c in published.chars() {
        if matches!(c, '\\' | '%' | '_') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern
}

/// Every id a version of `published` may have: itself, its draft (stored
/// or not), and those of `matched` (the ids [`versions_pattern`] found)
/// that are really its release copies.
pub fn all_versions(published: &str, matched: Vec<String>) -> Vec<String> {
    let mut ids = vec![published.to_owned(), format!("drafts.{published}")];
    ids.extend(
        matched.into_iter().filter(|id| {
            DocumentId::parse(id).is_ok_and(|parsed| parsed.published_id() == published)
        }),
    );
    ids
}

fn system_fields(doc: &Json) -> Json {
    let kept: Map<String, Json> = SYSTEM_FIELDS
        .iter()
        .filter_map(|field| Some(((*field).to_owned(), doc.get(*field)?.clone())))
        .collect();
    Json::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_of_a_document() {
        assert_eq!(versions_pattern("a_b%c"), "versions.%.a\\_b\\%c");
        assert_eq!(
            all_versions("b", vec!["versions.r1.b".into(), "versions.r.a.b".into()]),
            ["b", "drafts.b", "versions.r1.b"]
        );
    }
}
