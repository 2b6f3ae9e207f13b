//! One error type for the whole relay, each variant with a stable code that
//! appears in responses, logs and the `rejected` metric.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Neither `x-ghl-signature` nor `x-wh-signature` was sent.
    #[error("no signature header")]
    MissingSignature,
    /// A signature header was sent but no configured key verifies it.
    #[error("signature does not verify against any configured key")]
    BadSignature,
    #[error("body larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("malformed webhook: {0}")]
    Malformed(String),
    /// Signed by GHL, but its `timestamp` is too far from our clock.
    #[error("timestamp is {skew_secs} s away from the relay's clock")]
    Stale { skew_secs: i64 },
    /// A webhookId already stored: answered 200 so GHL does not retry it.
    #[error("webhookId already stored")]
    Duplicate,
    /// The ingest queue is full or `max_ingest_in_flight` requests are
    /// already being handled: 429 so GHL retries later.
    #[error("{0}")]
    Overloaded(&'static str),
    /// `max_streams` app streams are open: 503 so the app backs off.
    #[error("too many app streams open")]
    TooManyStreams,
    /// The webhook could not be committed (disk full, I/O error, shutting
    /// down): 429 so GHL retries later.
    #[error("could not persist the webhook: {0}")]
    NotPersisted(String),
    #[error("missing, unknown or revoked install token")]
    Unauthorized,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("no install with id {0}")]
    UnknownInstall(String),
    #[error("storage: {0}")]
    Storage(String),
    #[error("configuration: {0}")]
    Config(String),
}

impl RelayError {
    /// Stable code for logs, responses and metrics labels.
    pub fn code(&self) -> &'static str {
        match self {
            RelayError::MissingSignature => "relay.missing_signature",
            RelayError::BadSignature => "relay.bad_signature",
            RelayError::TooLarge { .. } => "relay.too_large",
            RelayError::Malformed(_) => "relay.malformed",
            RelayError::Stale { .. } => "relay.stale",
            RelayError::Duplicate => "relay.duplicate",
            RelayError::Overloaded(_) => "relay.overloaded",
            RelayError::TooManyStreams => "relay.too_many_streams",
            RelayError::NotPersisted(_) => "relay.not_persisted",
            RelayError::Unauthorized => "relay.unauthorized",
            RelayError::BadRequest(_) => "relay.bad_request",
            RelayError::UnknownInstall(_) => "relay.unknown_install",
            RelayError::Storage(_) => "relay.storage",
            RelayError::Config(_) => "relay.config",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            RelayError::MissingSignature | RelayError::BadSignature => StatusCode::UNAUTHORIZED,
            RelayError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            // Signed by GHL, so not an authentication failure: a clock or
            // replay problem, kept apart from key problems. GHL does not
            // retry 400 or 401 alike.
            RelayError::Malformed(_) | RelayError::Stale { .. } | RelayError::BadRequest(_) => {
                StatusCode::BAD_REQUEST
            }
            RelayError::Duplicate => StatusCode::OK,
            // The only status GHL retries.
            RelayError::Overloaded(_) | RelayError::NotPersisted(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            RelayError::Unauthorized => StatusCode::UNAUTHORIZED,
            RelayError::UnknownInstall(_) => StatusCode::NOT_FOUND,
            RelayError::Storage(_) | RelayError::TooManyStreams => StatusCode::SERVICE_UNAVAILABLE,
            RelayError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<rusqlite::Error> for RelayError {
    fn from(e: rusqlite::Error) -> Self {
        RelayError::Storage(e.to_string())
    }
}

impl IntoResponse for RelayError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.code(), "message": self.to_string() });
        let mut resp = (self.status(), Json(body)).into_response();
        let retry_after = match self {
            RelayError::Overloaded(_) | RelayError::NotPersisted(_) => Some("60"),
            // The app backs off on its own; this is a hint for other clients.
            RelayError::TooManyStreams => Some("5"),
            _ => None,
        };
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(secs),
            );
        }
        resp
    }
}
