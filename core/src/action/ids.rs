//! The ids actions work with: releases live at `_.releases.<releaseId>`, the
//! versions a release holds at `versions.<releaseId>.<publishedId>`.

use crate::document::{DocumentId, IdKind};

/// Where Sanity stores release documents (type `system.release`).
pub const RELEASE_DOCUMENTS_PATH: &str = "_.releases.";

/// `_.releases.<releaseId>`.
pub fn release_document_id(release_id: &str) -> String {
    format!("{RELEASE_DOCUMENTS_PATH}{release_id}")
}

/// `versions.<releaseId>.`: the prefix of every version in the release.
pub fn release_versions_prefix(release_id: &str) -> String {
    format!("versions.{release_id}.")
}

/// The release a `versions.<releaseId>.<id>` id belongs to; `None` for
/// published ids and drafts.
pub fn release_of(id: &str) -> Option<String> {
    match DocumentId::parse(id).ok()?.kind() {
        IdKind::Version { release } => Some(release),
        _ => None,
    }
}

/// True when `id` is a draft or version of `published_id`.
pub fn is_variant_of(id: &str, published_id: &str) -> bool {
    DocumentId::parse(id).is_ok_and(|parsed| {
        parsed.kind() != IdKind::Published && parsed.published_id() == published_id
    })
}

/// True when `id` is `versions.<anyRelease>.<published_id>`.
pub fn is_version_of(id: &str, published_id: &str) -> bool {
    DocumentId::parse(id).is_ok_and(|parsed| {
        matches!(parsed.kind(), IdKind::Version { .. }) && parsed.published_id() == published_id
    })
}

/// A release id is one id segment: it becomes part of both
/// `_.releases.<releaseId>` and `versions.<releaseId>.<id>`, so a `.` in it
/// would make version ids ambiguous.
pub fn check_release_id(release_id: &str) -> Result<(), String> {
    if release_id.is_empty() {
        return Err("releaseId must not be empty".into());
    }
    if let Some(ch) = release_id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-')))
    {
        return Err(format!(
            "releaseId {release_id:?} contains the character {ch:?}; release ids may contain a-z, A-Z, 0-9, '_' and '-'"
        ));
    }
    if release_id.starts_with('-') {
        return Err(format!("releaseId {release_id:?} must not start with '-'"));
    }
    DocumentId::parse(&release_document_id(release_id)).map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations() {
        assert_eq!(release_of("versions.r1.a.b"), Some("r1".into()));
        assert_eq!(release_of("drafts.a"), None);
        assert!(is_variant_of("drafts.a.b", "a.b"));
        assert!(is_variant_of("versions.r.a", "a"));
        assert!(!is_variant_of("a", "a"));
        assert!(!is_variant_of("drafts.b", "a"));
        assert!(is_version_of("versions.r.a", "a"));
        assert!(!is_version_of("drafts.a", "a"));
        assert!(check_release_id("rA1_-x").is_ok());
        for bad in ["", "a.b", "-a", "a b", &"x".repeat(200)] {
            assert!(check_release_id(bad).is_err(), "{bad}");
        }
    }
}
