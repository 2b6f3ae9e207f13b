use std::time::Duration;

/// Everything that can go wrong talking to GHL, with a stable code per kind.
/// Codes are part of the IPC contract: the UI and the CLI match on them.
#[derive(Debug, thiserror::Error)]
pub enum GhlError {
    #[error("GHL rejected the token (HTTP 401): {message}")]
    AuthExpired {
        message: String,
        trace_id: Option<String>,
    },
    #[error("the token has no access to location {location_id} (HTTP 403): {message}")]
    ForbiddenLocation {
        location_id: String,
        message: String,
        trace_id: Option<String>,
    },
    #[error("GHL rate limit reached; retry in {retry_after:?}")]
    RateLimited { retry_after: Duration },
    #[error("GHL daily rate limit reached")]
    RateLimitedDaily,
    #[error("GHL refused the request (HTTP {status}): {message}")]
    Validation {
        status: u16,
        message: String,
        trace_id: Option<String>,
    },
    #[error("not found in GHL (HTTP 404): {message}")]
    NotFound {
        message: String,
        trace_id: Option<String>,
    },
    #[error("GHL server error (HTTP {status}): {message}")]
    Server {
        status: u16,
        message: String,
        trace_id: Option<String>,
    },
    #[error("GHL could not be reached: {0}")]
    Unreachable(String),
    #[error("GHL did not answer in time")]
    Timeout,
    #[error("unexpected answer from GHL: {0}")]
    Decode(String),
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The OAuth grant is gone (refresh token spent, revoked or expired, app
    /// uninstalled, location inactive): only connecting again helps, so the
    /// client stops instead of retrying.
    #[error("the GHL connection of location {location_id} must be made again: {message}")]
    ReconnectRequired {
        location_id: String,
        message: String,
    },
    /// GHL refused the OAuth app's client id or secret.
    #[error("GHL refused the OAuth app's client id or secret: {0}")]
    OAuthClient(String),
    /// The browser came back with another `state`: not our request.
    #[error("the OAuth answer did not match the request (state mismatch)")]
    OAuthState,
    /// The person declined in GHL's page, or GHL answered an error there.
    #[error("GHL did not grant access: {0}")]
    OAuthDenied(String),
    /// Nobody finished the authorization in the browser in time.
    #[error("the authorization in the browser was not completed in time")]
    OAuthTimeout,
    /// Keychain or lock file trouble while keeping OAuth tokens.
    #[error("the OAuth tokens could not be kept: {0}")]
    TokenStorage(String),
}

impl GhlError {
    /// The stable code that crosses the IPC boundary.
    pub fn code(&self) -> &'static str {
        match self {
            GhlError::AuthExpired { .. } => "auth.expired",
            GhlError::ForbiddenLocation { .. } => "auth.forbidden_location",
            GhlError::RateLimited { .. } => "ghl.rate_limited",
            GhlError::RateLimitedDaily => "ghl.rate_limited_daily",
            GhlError::Validation { .. } => "ghl.validation",
            GhlError::NotFound { .. } => "ghl.not_found",
            GhlError::Server { .. } => "ghl.server",
            GhlError::Unreachable(_) => "network.unreachable",
            GhlError::Timeout => "network.timeout",
            GhlError::Decode(_) => "ghl.decode",
            GhlError::Config(_) => "ghl.config",
            GhlError::ReconnectRequired { .. } => "auth.reconnect_required",
            GhlError::OAuthClient(_) => "auth.oauth_client",
            GhlError::OAuthState => "auth.oauth_state",
            GhlError::OAuthDenied(_) => "auth.oauth_denied",
            GhlError::OAuthTimeout => "auth.oauth_timeout",
            GhlError::TokenStorage(_) => "keychain.error",
        }
    }

    /// True when GHL could not be reached at all: the app goes offline and
    /// shows the cached agenda instead of an error.
    pub fn is_offline(&self) -> bool {
        matches!(self, GhlError::Unreachable(_) | GhlError::Timeout)
    }

    /// GHL's traceId, kept for support requests.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            GhlError::AuthExpired { trace_id, .. }
            | GhlError::ForbiddenLocation { trace_id, .. }
            | GhlError::Validation { trace_id, .. }
            | GhlError::NotFound { trace_id, .. }
            | GhlError::Server { trace_id, .. } => trace_id.as_deref(),
            _ => None,
        }
    }

    /// reqwest's message names the URL, whose query can hold a patient's
    /// phone or email (duplicate search): it is dropped here, once.
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            GhlError::Timeout
        } else if e.is_decode() {
            GhlError::Decode(reqwest_text(e))
        } else {
            GhlError::Unreachable(reqwest_text(e))
        }
    }
}

/// The error and its causes (connection refused, DNS...), without the URL.
fn reqwest_text(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_network_error_keeps_no_url_or_query() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/contacts/search/duplicate?number=%2B51987654321&email=a%40b.pe");
        let e = reqwest::get(&url).await.unwrap_err();
        assert!(e.to_string().contains("number="), "reqwest names the URL");
        let text = GhlError::from_reqwest(e).to_string();
        assert!(
            !text.contains("duplicate") && !text.contains("number="),
            "{text}"
        );
        assert!(text.contains("could not be reached"), "{text}");
    }
}
