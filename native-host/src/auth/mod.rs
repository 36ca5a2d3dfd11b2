//! Who is calling: the bearer token of a request resolved to a user, their
//! roles, and the grants those give on a dataset (core's `grants`).

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use qanat_core::grants::{Grants, Identity, Roles};

use crate::error::AppError;
use crate::serve::AppState;

/// The caller of a request. Handlers take it as an extractor and ask
/// [`Caller::grants`] for what it may do on the dataset at hand.
#[derive(Debug, Clone)]
pub struct Caller {
    pub identity: Identity,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = AppError;

    // Placeholder until tokens land: every caller is anonymous.
    async fn from_request_parts(
        _parts: &mut Parts,
        _state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(Caller {
            identity: Identity::anonymous(),
        })
    }
}

impl Caller {
    /// The caller's grants on `dataset`. Placeholder until roles are read
    /// from the store: the built-in administrator's.
    pub async fn grants(&self, _state: &AppState, _dataset: &str) -> Result<Grants, AppError> {
        Roles::new()
            .grants_for(&Identity::user("qanat-placeholder", ["administrator"]))
            .map_err(|e| AppError::Internal(e.to_string()))
    }
}
