//! Why a role definition or a role lookup was refused.
//!
//! (A refused mutation is [`super::PermissionError`]: that one is the
//! caller's fault and answers 403; these are the host's configuration.)

use serde_json::{json, Value as Json};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    /// The filter is not a GROQ expression, or reads beyond the document.
    #[error("the filter {filter:?} is not valid: {message}")]
    InvalidFilter { filter: String, message: String },
    /// A name that is none of `read`, `create`, `update`, `history`,
    /// `editHistory`.
    #[error("unknown permission {permission:?}; expected one of read, create, update, history, editHistory")]
    UnknownPermission { permission: String },
    /// JSON of the wrong shape.
    #[error("{message}")]
    Malformed { message: String },
    /// One of the errors above, in a role's grant (`grant` is its position).
    #[error("role {role:?}{}: {source}", grant.map(|g| format!(", grant {g}")).unwrap_or_default())]
    InRole {
        role: String,
        grant: Option<usize>,
        source: Box<GrantError>,
    },
    /// An identity names a role that is not defined.
    #[error("no role is named {role:?}")]
    UnknownRole { role: String },
    /// A custom role reuses the name of a role already defined.
    #[error("a role named {role:?} is already defined")]
    DuplicateRole { role: String },
}

impl GrantError {
    pub(crate) fn malformed(message: impl Into<String>) -> GrantError {
        GrantError::Malformed {
            message: message.into(),
        }
    }

    pub(crate) fn in_role(self, role: &str, grant: Option<usize>) -> GrantError {
        GrantError::InRole {
            role: role.to_string(),
            grant,
            source: Box::new(self),
        }
    }

    /// 400 for a bad role definition; 500 for an identity whose role the
    /// host never defined (the host's data is inconsistent, not the request).
    pub fn http_status(&self) -> u16 {
        match self {
            GrantError::UnknownRole { .. } => 500,
            _ => 400,
        }
    }

    /// The body in Sanity's error shape: `{"error": {"type", "description"}}`.
    pub fn to_json(&self) -> Json {
        let kind = match self {
            GrantError::UnknownRole { .. } => "internalError",
            _ => "validationError",
        };
        json!({"error": {"type": kind, "description": self.to_string()}})
    }
}
