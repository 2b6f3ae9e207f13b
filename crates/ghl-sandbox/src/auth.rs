//! Bearer tokens and the `Version` header, checked per endpoint group.
//!
//! Order, per request: the bearer token (401), then the `Version` header
//! (400 when missing, 422 when not the group's value). Handlers then check
//! that the resource's location is the token's own (403).
//!
//! Between the token and the `Version` check, the rate limits of the
//! token's app on its location (429); every answer past the token check
//! carries the five `X-RateLimit-*` headers.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::errors::GhlError;
use crate::state::Sandbox;

/// Endpoint groups and the one `Version` each accepts (NOTES.md table,
/// taken from the `Version` enum of every operation in the official specs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiGroup {
    Calendars,
    Contacts,
    Locations,
    Users,
    Conversations,
}

impl ApiGroup {
    pub const fn version(self) -> &'static str {
        match self {
            ApiGroup::Calendars | ApiGroup::Conversations => "2021-04-15",
            ApiGroup::Contacts | ApiGroup::Locations | ApiGroup::Users => "2021-07-28",
        }
    }
}

/// What a bearer token grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub location_id: String,
    pub kind: TokenKind,
    /// Whose rate limits the token spends: the OAuth client id, or the PIT
    /// itself (each Private Integration counts as its own app).
    pub app_id: String,
    /// `None`: never expires (PITs).
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Private Integration Token: static, never expires, one location.
    PrivateIntegration,
    /// A Sub-Account OAuth access token from `/oauth/token`.
    OAuthAccess,
}

/// Tokens the sandbox honours. Interior mutability so later issues can mint
/// OAuth tokens and revoke them while requests are in flight.
#[derive(Debug, Default)]
pub struct TokenStore {
    grants: RwLock<HashMap<String, Grant>>,
}

impl TokenStore {
    pub fn with_pits(pits: impl IntoIterator<Item = (String, String)>) -> Self {
        let grants = pits
            .into_iter()
            .map(|(token, location_id)| {
                let grant = Grant {
                    location_id,
                    kind: TokenKind::PrivateIntegration,
                    app_id: format!("pit:{token}"),
                    expires_at: None,
                };
                (token, grant)
            })
            .collect();
        Self {
            grants: RwLock::new(grants),
        }
    }

    pub fn resolve(&self, token: &str) -> Option<Grant> {
        self.grants
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .cloned()
    }

    /// Honour a new token (OAuth access tokens, PITs added at run time).
    pub fn insert(&self, token: String, grant: Grant) {
        self.grants
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(token, grant);
    }

    /// Stop honouring a token; false if it was unknown.
    pub fn revoke(&self, token: &str) -> bool {
        self.grants
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token)
            .is_some()
    }

    /// Make a token expired now (it then gets GHL's 401); false if unknown.
    pub fn expire(&self, token: &str) -> bool {
        match self
            .grants
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(token)
        {
            Some(grant) => {
                grant.expires_at = Some(Utc::now() - chrono::Duration::seconds(1));
                true
            }
            None => false,
        }
    }
}

/// The authenticated caller, put in the request's extensions by the guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub location_id: String,
}

impl Caller {
    /// GHL answers 403 when a token reaches for another location's data.
    pub fn ensure_location(&self, location_id: &str) -> Result<(), GhlError> {
        if self.location_id == location_id {
            Ok(())
        } else {
            Err(GhlError::NoLocationAccess)
        }
    }
}

/// State of the guard layer of one endpoint group.
#[derive(Clone)]
pub struct Guard {
    pub sandbox: Arc<Sandbox>,
    pub group: ApiGroup,
}

/// Middleware for every GHL endpoint: bearer token, rate limits, then `Version`.
pub async fn guard(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    let grant = match authenticate(&guard, &request) {
        Ok(grant) => grant,
        Err(err) => return err.into_response(),
    };
    let quota = guard
        .sandbox
        .rate_limiter()
        .take(&grant.app_id, &grant.location_id);
    let mut response = if !quota.allowed {
        GhlError::TooManyRequests.into_response()
    } else {
        match check_version(&guard, &request) {
            Ok(()) => {
                request.extensions_mut().insert(Caller {
                    location_id: grant.location_id,
                });
                next.run(request).await
            }
            Err(err) => err.into_response(),
        }
    };
    quota.write_headers(response.headers_mut());
    response
}

fn authenticate(guard: &Guard, request: &Request) -> Result<Grant, GhlError> {
    let token = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or(GhlError::InvalidToken)?;
    let grant = guard
        .sandbox
        .tokens()
        .resolve(token)
        .ok_or(GhlError::InvalidToken)?;
    if grant.expires_at.is_some_and(|at| at <= Utc::now()) {
        // GHL documents one 401 body for every bad token, expired included.
        return Err(GhlError::InvalidToken);
    }
    Ok(grant)
}

fn check_version(guard: &Guard, request: &Request) -> Result<(), GhlError> {
    let expected = guard.group.version();
    match request
        .headers()
        .get("version")
        .map(|v| v.to_str().unwrap_or(""))
    {
        None => return Err(GhlError::BadRequest("Version header was not found".into())),
        Some(v) if v.trim() != expected => {
            return Err(GhlError::unprocessable(format!(
                "version must be one of the following values: {expected}"
            )))
        }
        Some(_) => {}
    }
    Ok(())
}
