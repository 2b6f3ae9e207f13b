//! Bearer tokens and the `Version` header, checked per endpoint group.
//!
//! Order, per request: the bearer token (401), then the `Version` header
//! (400 when missing, 422 when not the group's value). Handlers then check
//! that the resource's location is the token's own (403).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Private Integration Token: static, never expires, one location.
    PrivateIntegration,
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

/// Middleware for every GHL endpoint: bearer token, then `Version`.
pub async fn guard(State(guard): State<Guard>, mut request: Request, next: Next) -> Response {
    match check(&guard, &request) {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) => err.into_response(),
    }
}

fn check(guard: &Guard, request: &Request) -> Result<Caller, GhlError> {
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
    Ok(Caller {
        location_id: grant.location_id,
    })
}
