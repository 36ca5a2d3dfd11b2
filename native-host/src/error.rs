//! Errors a request can end in, and their HTTP form.
//!
//! Handlers return `Result<_, AppError>`; the mapping to status codes and to
//! Sanity's error body `{"error":{"type":…,"description":…}}` lives only here.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No route or no such resource.
    #[error("{0}")]
    NotFound(String),
    /// The store failed; the details go to the log, not to the client.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A bug or broken invariant on our side; logged, not shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// No usable credentials: a bearer token that is unknown, expired or
    /// malformed, or none where a user is required.
    #[error("{0}")]
    Unauthorized(String),
    /// A known caller without the role this needs (e.g. dataset management
    /// for a non-administrator).
    #[error("{0}")]
    Forbidden(String),
    /// A request body or parameter this endpoint cannot accept.
    #[error("{0}")]
    BadRequest(String),
    /// An error core already rendered in Sanity's shape (a query parse
    /// error, a failed mutation or action, a permission denial).
    #[error("{body}")]
    Sanity {
        status: u16,
        body: serde_json::Value,
    },
}

/// Core's errors that render themselves in Sanity's shape, each with its
/// own status: handlers use `?` on them.
macro_rules! rendered_by_core {
    ($($error:ty),*) => {$(
        impl From<$error> for AppError {
            fn from(e: $error) -> AppError {
                AppError::Sanity { status: e.http_status(), body: e.to_json() }
            }
        }
    )*};
}
rendered_by_core!(
    qanat_core::mutation::MutationError,
    qanat_core::action::ActionError,
    qanat_core::grants::PermissionError,
    qanat_core::listen::ListenError,
    qanat_core::project::Refused
);

/// A history request's failure, in the shape each kind answers with.
impl<E: Into<AppError>> From<qanat_core::history::HistoryFailure<E>> for AppError {
    fn from(failure: qanat_core::history::HistoryFailure<E>) -> AppError {
        use qanat_core::history::HistoryFailure;
        match failure {
            HistoryFailure::BadRequest(e) => e.into(),
            HistoryFailure::NotFound(message) => AppError::NotFound(message),
            HistoryFailure::Forbidden(message) => AppError::Forbidden(message),
            HistoryFailure::Corrupt(e) => AppError::Internal(e.to_string()),
            HistoryFailure::Store(e) => e.into(),
        }
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Sanity { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST)
            }
        }
    }

    /// The `error.type` Sanity clients read.
    fn kind(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "notFoundError",
            AppError::Unauthorized(_) | AppError::Forbidden(_) | AppError::BadRequest(_) => "",
            AppError::Database(_) | AppError::Internal(_) => "internalError",
            AppError::Sanity { .. } => "",
        }
    }

    fn description(&self) -> String {
        match self {
            // Never leak SQL or file paths to a client.
            AppError::Database(_) | AppError::Internal(_) => "Internal server error".to_owned(),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            AppError::Database(e) => tracing::error!("request failed: {e}"),
            AppError::Internal(e) => tracing::error!("request failed: {e}"),
            AppError::Sanity { status, body } => {
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST);
                return (status, Json(body.clone())).into_response();
            }
            AppError::Unauthorized(message)
            | AppError::Forbidden(message)
            | AppError::BadRequest(message) => {
                return (self.status(), Json(gateway_body(self.status(), message))).into_response()
            }
            AppError::NotFound(_) => {}
        }
        let body = json!({
            "error": { "type": self.kind(), "description": self.description() }
        });
        (self.status(), Json(body)).into_response()
    }
}

fn gateway_body(status: StatusCode, message: &str) -> serde_json::Value {
    qanat_core::request::gateway_body(status.as_u16(), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    #[tokio::test]
    async fn not_found_has_sanity_shape() {
        let response = AppError::NotFound("nope".into()).into_response();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        let value: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            value,
            json!({"error": {"type": "notFoundError", "description": "nope"}})
        );
    }

    #[tokio::test]
    async fn auth_errors_have_the_gateway_shape() {
        let cases = [
            (
                AppError::Unauthorized("Session not found".into()),
                401,
                "Unauthorized",
            ),
            (AppError::Forbidden("no".into()), 403, "Forbidden"),
            (AppError::BadRequest("bad".into()), 400, "Bad Request"),
        ];
        for (error, status, name) in cases {
            let message = error.to_string();
            let response = error.into_response();
            assert_eq!(response.status().as_u16(), status);
            let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
            let value: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert_eq!(
                value,
                json!({"statusCode": status, "error": name, "message": message})
            );
        }
    }

    #[tokio::test]
    async fn database_errors_do_not_leak_details() {
        let response = AppError::Database(sqlx::Error::PoolClosed).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = to_bytes(response.into_body(), 1 << 16).await.expect("body");
        let text = String::from_utf8_lossy(&body);
        assert!(!text.contains("pool"), "{text}");
    }
}
