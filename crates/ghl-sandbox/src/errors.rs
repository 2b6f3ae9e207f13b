//! GHL's error bodies (common/common-schemas.json and NOTES.md "Errors").
//!
//! Handlers return `GhlError`; its response is the body GHL would send.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub const INVALID_TOKEN: &str = "Invalid token: access token is invalid";
pub const NO_LOCATION_ACCESS: &str = "The token does not have access to this location.";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GhlError {
    /// 401 `UnauthorizedDTO`: missing, malformed or unknown bearer token.
    #[error("{INVALID_TOKEN}")]
    InvalidToken,
    /// 403: a valid token used on a location it was not issued for.
    #[error("{NO_LOCATION_ACCESS}")]
    NoLocationAccess,
    /// 400 `BadRequestDTO` `{statusCode, message}`.
    #[error("{0}")]
    BadRequest(String),
    /// 422 `UnprocessableDTO`: class-validator style list of messages.
    #[error("{0:?}")]
    Unprocessable(Vec<String>),
    /// 404 for a route GHL does not have (NestJS' default body).
    #[error("Cannot {method} {path}")]
    NoRoute { method: String, path: String },
    /// 404 for a record the spec documents a 404 for (schedules).
    #[error("{0}")]
    NotFound(String),
    /// 429 over a rate limit. GHL documents no body; this one is the sandbox's.
    #[error("Too Many Requests")]
    TooManyRequests,
    /// 400 with GHL's extra `meta` (e.g. the duplicate contact's id).
    #[error("{message}")]
    BadRequestWithMeta {
        message: String,
        meta: serde_json::Value,
    },
    /// 500 `{statusCode, message: "Internal server error"}` (#6).
    #[error("Internal server error")]
    Internal,
}

impl GhlError {
    pub fn unprocessable(message: impl Into<String>) -> Self {
        GhlError::Unprocessable(vec![message.into()])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            GhlError::InvalidToken => StatusCode::UNAUTHORIZED,
            GhlError::NoLocationAccess => StatusCode::FORBIDDEN,
            GhlError::BadRequest(_) => StatusCode::BAD_REQUEST,
            GhlError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            GhlError::NoRoute { .. } | GhlError::NotFound(_) => StatusCode::NOT_FOUND,
            GhlError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            GhlError::BadRequestWithMeta { .. } => StatusCode::BAD_REQUEST,
            GhlError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn body(&self) -> serde_json::Value {
        let code = self.status().as_u16();
        match self {
            GhlError::InvalidToken => {
                json!({"statusCode": code, "message": INVALID_TOKEN, "error": "Unauthorized"})
            }
            GhlError::NoLocationAccess => {
                json!({"statusCode": code, "message": NO_LOCATION_ACCESS})
            }
            GhlError::BadRequest(message) => json!({"statusCode": code, "message": message}),
            GhlError::Unprocessable(messages) => {
                json!({"statusCode": code, "message": messages, "error": "Unprocessable Entity"})
            }
            GhlError::NoRoute { .. } => {
                json!({"statusCode": code, "message": self.to_string(), "error": "Not Found"})
            }
            GhlError::NotFound(message) => {
                json!({"statusCode": code, "message": message, "error": "Not Found"})
            }
            GhlError::TooManyRequests => {
                json!({"statusCode": code, "message": "Too Many Requests"})
            }
            GhlError::BadRequestWithMeta { message, meta } => {
                json!({"statusCode": code, "message": message, "meta": meta})
            }
            GhlError::Internal => json!({"statusCode": code, "message": "Internal server error"}),
        }
    }
}

impl IntoResponse for GhlError {
    fn into_response(self) -> Response {
        (self.status(), Json(self.body())).into_response()
    }
}
