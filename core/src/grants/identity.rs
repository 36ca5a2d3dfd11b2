//! Who is asking, and who may read a dataset without signing in.

/// The caller of a request, as the host authenticated it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user or robot id; what `identity()` returns in queries and
    /// grant filters. Empty for an anonymous caller.
    pub id: String,
    /// Names of the roles the caller holds on the project.
    pub roles: Vec<String>,
    /// No token, or one the host did not accept as a login.
    pub anonymous: bool,
}

impl Identity {
    /// A signed-in user or a token holding `roles`.
    pub fn user<I, S>(id: impl Into<String>, roles: I) -> Identity
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Identity {
            id: id.into(),
            roles: roles.into_iter().map(Into::into).collect(),
            anonymous: false,
        }
    }

    /// An unauthenticated request: it holds no role, only what the
    /// dataset's [`AclMode`] gives everyone.
    pub fn anonymous() -> Identity {
        Identity {
            id: String::new(),
            roles: Vec::new(),
            anonymous: true,
        }
    }
}

/// A dataset's `aclMode`, as Sanity's `/projects/{p}/datasets` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AclMode {
    /// Only callers with a role see anything.
    #[default]
    Private,
    /// Everyone, signed in or not, may read the documents whose id is not
    /// in a path (see [`super::Role::public`]).
    Public,
}

impl AclMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AclMode::Private => "private",
            AclMode::Public => "public",
        }
    }

    pub fn parse(s: &str) -> Option<AclMode> {
        match s {
            "private" => Some(AclMode::Private),
            "public" => Some(AclMode::Public),
            _ => None,
        }
    }
}
