//! Document ids and the three kinds Sanity distinguishes by prefix.

use std::fmt;

/// Sanity rejects ids longer than this.
pub const MAX_ID_LENGTH: usize = 128;

/// Which copy of a document an id names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdKind {
    /// `x`: what readers of the `published` perspective see.
    Published,
    /// `drafts.x`: Studio's working copy of `x`.
    Draft,
    /// `versions.<release>.x`: `x` as it will be when `release` is published.
    Version { release: String },
}

/// A validated document id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(String);

/// Why an id is not acceptable; maps to Sanity's `validationError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("document ID must not be empty")]
    Empty,
    #[error("document ID {0:?} is longer than {MAX_ID_LENGTH} characters")]
    TooLong(String),
    #[error("document ID {id:?} contains the character {ch:?}; IDs may contain a-z, A-Z, 0-9, '.', '_' and '-'")]
    BadCharacter { id: String, ch: char },
    #[error("document ID {0:?} must not start with '-'")]
    LeadingDash(String),
    #[error("document ID {0:?} has an empty path segment ('.' at the start or end, or '..')")]
    EmptySegment(String),
    #[error(
        "document ID {0:?} names a version without a release (expected versions.<release>.<id>)"
    )]
    BadVersion(String),
}

impl DocumentId {
    /// Validates an id the way Sanity does: 1 to 128 characters from `a-zA-Z0-9._-`,
    /// no leading dash, and no empty `.`-separated segment.
    pub fn parse(id: &str) -> Result<Self, IdError> {
        if id.is_empty() {
            return Err(IdError::Empty);
        }
        if id.len() > MAX_ID_LENGTH {
            return Err(IdError::TooLong(truncate(id)));
        }
        if let Some(ch) = id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        {
            return Err(IdError::BadCharacter {
                id: id.to_string(),
                ch,
            });
        }
        if id.starts_with('-') {
            return Err(IdError::LeadingDash(id.to_string()));
        }
        if id.split('.').any(str::is_empty) {
            return Err(IdError::EmptySegment(id.to_string()));
        }
        if id.starts_with("versions.") && id.split('.').count() < 3 {
            return Err(IdError::BadVersion(id.to_string()));
        }
        Ok(DocumentId(id.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn kind(&self) -> IdKind {
        if self.0.starts_with("drafts.") {
            IdKind::Draft
        } else if let Some(rest) = self.0.strip_prefix("versions.") {
            // Validation guarantees `<release>.<id>` after the prefix.
            let release = rest.split('.').next().unwrap_or_default();
            IdKind::Version {
                release: release.to_string(),
            }
        } else {
            IdKind::Published
        }
    }

    /// The id of the published document this one is a draft or version of.
    pub fn published_id(&self) -> &str {
        if let Some(rest) = self.0.strip_prefix("drafts.") {
            rest
        } else if let Some(rest) = self.0.strip_prefix("versions.") {
            rest.split_once('.').map(|(_, id)| id).unwrap_or(rest)
        } else {
            &self.0
        }
    }

    pub fn draft_id(&self) -> String {
        format!("drafts.{}", self.published_id())
    }

    pub fn version_id(&self, release: &str) -> String {
        format!("versions.{release}.{}", self.published_id())
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for DocumentId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Error messages echo the id, but a hostile id may be megabytes long.
fn truncate(id: &str) -> String {
    let mut s: String = id.chars().take(MAX_ID_LENGTH).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let p = DocumentId::parse("post-1").unwrap();
        assert_eq!(p.kind(), IdKind::Published);
        assert_eq!(p.draft_id(), "drafts.post-1");
        let d = DocumentId::parse("drafts.post-1").unwrap();
        assert_eq!(d.kind(), IdKind::Draft);
        assert_eq!(d.published_id(), "post-1");
        let v = DocumentId::parse("versions.r1.post-1").unwrap();
        assert_eq!(
            v.kind(),
            IdKind::Version {
                release: "r1".into()
            }
        );
        assert_eq!(v.published_id(), "post-1");
        assert_eq!(v.version_id("r2"), "versions.r2.post-1");
    }

    #[test]
    fn validation() {
        for ok in [
            "a",
            "A_b-c.d",
            "image-abc-10x10-png",
            "_.releases.r1",
            "x".repeat(128).as_str(),
        ] {
            assert!(DocumentId::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a..b",
            ".a",
            "a.",
            "a b",
            "ä",
            "a/b",
            "versions.x",
            "x".repeat(129).as_str(),
        ] {
            assert!(DocumentId::parse(bad).is_err(), "{bad}");
        }
    }
}
