//! What an edge request can fail with, and the response each becomes:
//! Sanity's error bodies, as the native host answers them.

use qanat_core::request::{gateway_body, BadRequest};
use serde_json::{json, Value};
use worker::Response;

#[derive(Debug)]
pub enum EdgeError {
    /// A body core rendered, with its status (mutation, permission and
    /// query errors).
    Sanity { status: u16, body: Value },
    /// A value the request cannot have.
    BadRequest(BadRequest),
    /// No such route, API version or document.
    NotFound(String),
    /// A bearer credential the store does not know: the gateway's body.
    Unauthorized(String),
    /// A caller who may not see what they asked for: the gateway's body.
    Forbidden(String),
    /// D1, a Durable Object or the runtime failed: logged, and a 500 that
    /// says nothing of the store.
    Internal(worker::Error),
}

pub type EdgeResult<T> = Result<T, EdgeError>;

impl From<worker::Error> for EdgeError {
    fn from(e: worker::Error) -> EdgeError {
        EdgeError::Internal(e)
    }
}

impl From<BadRequest> for EdgeError {
    fn from(e: BadRequest) -> EdgeError {
        EdgeError::BadRequest(e)
    }
}

impl From<(u16, Value)> for EdgeError {
    fn from((status, body): (u16, Value)) -> EdgeError {
        EdgeError::Sanity { status, body }
    }
}

/// Core's errors that render themselves in Sanity's shape, each with its
/// own status.
macro_rules! rendered_by_core {
    ($($error:ty),*) => {$(
        impl From<$error> for EdgeError {
            fn from(e: $error) -> EdgeError {
                EdgeError::Sanity { status: e.http_status(), body: e.to_json() }
            }
        }
    )*};
}
rendered_by_core!(
    qanat_core::listen::ListenError,
    qanat_core::project::Refused
);

impl EdgeError {
    /// A failure of the runtime described in words (a row that does not
    /// read, a stored role that does not parse).
    pub fn internal(message: impl std::fmt::Display) -> EdgeError {
        EdgeError::Internal(worker::Error::RustError(message.to_string()))
    }

    pub fn into_response(self) -> worker::Result<Response> {
        let (status, body) = match self {
            EdgeError::Sanity { status, body } => (status, body),
            EdgeError::BadRequest(e) => (400, e.to_json()),
            EdgeError::NotFound(description) => (
                404,
                json!({"error": {"type": "notFoundError", "description": description}}),
            ),
            EdgeError::Unauthorized(message) => (401, gateway_body(401, &message)),
            EdgeError::Forbidden(message) => (403, gateway_body(403, &message)),
            EdgeError::Internal(e) => {
                worker::console_error!("request failed: {e}");
                (
                    500,
                    json!({"error": {"type": "internalError",
                        "description": "Internal server error"}}),
                )
            }
        };
        Ok(Response::from_json(&body)?.with_status(status))
    }
}

/// Runs a handler and answers its error in Sanity's shape.
pub fn respond(result: EdgeResult<Response>) -> worker::Result<Response> {
    result.or_else(EdgeError::into_response)
}
