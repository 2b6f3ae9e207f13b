//! GHL's endpoints, one module per endpoint group.

use std::collections::HashMap;
use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::Router;

use crate::auth::{guard, ApiGroup, Caller, Guard};
use crate::errors::GhlError;
use crate::model::{Appointment, Calendar, Contact};
use crate::state::Sandbox;

pub mod calendars;
pub mod contacts;
pub mod conversations;
pub mod events;
pub mod locations;
pub mod practice;
pub mod users;

/// A fresh `traceId` (Overview.md: "a unique id for every request").
pub fn trace_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let t = chrono::Utc::now().timestamp_micros() as u64;
    format!("{:016x}-{:08x}", t ^ 0x7ace_5eed_0000_0000, n)
}

pub type Shared = Arc<Sandbox>;

/// A record that belongs to one location.
pub(crate) trait Located {
    fn location_id(&self) -> &str;
}

impl Located for Calendar {
    fn location_id(&self) -> &str {
        &self.location_id
    }
}

impl Located for Contact {
    fn location_id(&self) -> &str {
        &self.location_id
    }
}

impl Located for Appointment {
    fn location_id(&self) -> &str {
        &self.location_id
    }
}

/// `found` when the caller may reach its location: GHL answers 400
/// `"{what} not found"` for a missing record and 403 for another location's.
pub(crate) fn visible<'a, T: Located>(
    caller: &Caller,
    found: Option<&'a T>,
    what: &str,
) -> Result<&'a T, GhlError> {
    let found = found.ok_or_else(|| GhlError::BadRequest(format!("{what} not found")))?;
    caller.ensure_location(found.location_id())?;
    Ok(found)
}

/// Every GHL endpoint the sandbox serves, each group behind its own guard
/// (bearer token + that group's `Version`).
pub fn ghl_api(sandbox: Shared) -> Router {
    let group = |group: ApiGroup, routes: Router<Shared>| {
        let layer = from_fn_with_state(
            Guard {
                sandbox: sandbox.clone(),
                group,
            },
            guard,
        );
        routes.route_layer(layer)
    };
    Router::new()
        .merge(group(ApiGroup::Locations, locations::routes()))
        .merge(group(ApiGroup::Users, users::routes()))
        .merge(group(
            ApiGroup::Calendars,
            calendars::routes()
                .merge(events::routes())
                .merge(practice::routes()),
        ))
        .merge(group(ApiGroup::Contacts, contacts::routes()))
        .merge(group(ApiGroup::Conversations, conversations::routes()))
        .with_state(sandbox.clone())
}

/// Query-string checks that collect every problem, as GHL's validator does,
/// then answer in the shape the endpoint's spec lists (400 or 422).
pub struct QueryCheck<'a> {
    query: &'a HashMap<String, String>,
    problems: Vec<String>,
}

impl<'a> QueryCheck<'a> {
    pub fn new(query: &'a HashMap<String, String>) -> Self {
        Self {
            query,
            problems: Vec::new(),
        }
    }

    /// A present, non-empty parameter; records a problem otherwise.
    pub fn required(&mut self, name: &str) -> &'a str {
        match self.optional(name) {
            Some(v) => v,
            None => {
                self.problems.push(format!("{name} should not be empty"));
                ""
            }
        }
    }

    pub fn optional(&self, name: &str) -> Option<&'a str> {
        self.query
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Epoch milliseconds sent as a decimal string (GHL's `startTime` etc.).
    pub fn required_millis(&mut self, name: &str) -> i64 {
        let raw = self.required(name);
        if raw.is_empty() {
            return 0;
        }
        match raw.parse::<i64>() {
            Ok(v) if raw.bytes().all(|b| b.is_ascii_digit()) => v,
            _ => {
                self.problems
                    .push(format!("{name} must be a number string"));
                0
            }
        }
    }

    /// A non-negative integer sent as a string (`skip`, `limit`).
    pub fn optional_count(&mut self, name: &str, default: usize) -> usize {
        match self.optional(name) {
            None => default,
            Some(raw) => raw.parse().unwrap_or_else(|_| {
                self.problems
                    .push(format!("{name} must be a number string"));
                default
            }),
        }
    }

    pub fn problem(&mut self, message: impl Into<String>) {
        self.problems.push(message.into());
    }

    /// For endpoints whose spec lists 422 `UnprocessableDTO`.
    pub fn finish_422(&mut self) -> Result<(), GhlError> {
        crate::ops::problems_422(&mut self.problems)
    }

    /// For endpoints whose spec lists only 400 `BadRequestDTO` (string message).
    pub fn finish_400(&mut self) -> Result<(), GhlError> {
        crate::ops::problems_400(&mut self.problems)
    }
}
