//! The sandbox's own admin API under `/_sandbox/`: outside GHL's surface, no
//! GHL auth, answered to loopback peers only. Documented in README.md.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::routes::Shared;
use crate::seed::Seed;

pub const PREFIX: &str = "/_sandbox";

pub fn routes(sandbox: Shared) -> Router {
    Router::new()
        .route(
            "/_sandbox/health",
            get(|| async { Json(json!({"ok": true})) }),
        )
        .route("/_sandbox/state", get(dump_state))
        .route("/_sandbox/reset", post(reset))
        .route(
            "/_sandbox/requests",
            get(list_requests).delete(clear_requests),
        )
        .route_layer(from_fn(loopback_only))
        .with_state(sandbox)
}

/// Refuse peers that are not on this machine. Without connection info (a
/// router driven in-process by a test) there is no peer to refuse.
async fn loopback_only(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    match peer {
        Some(addr) if !addr.ip().is_loopback() => (
            StatusCode::FORBIDDEN,
            Json(json!({"error": "the sandbox admin API answers loopback clients only"})),
        )
            .into_response(),
        _ => next.run(request).await,
    }
}

async fn dump_state(State(sandbox): State<Shared>) -> Response {
    let world = sandbox.read().await;
    Json(&*world).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ResetBody {
    seed: Option<Seed>,
    today: Option<NaiveDate>,
}

/// Rebuild the world from a seed. `today` defaults to the current one.
async fn reset(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let parsed: Result<ResetBody, _> = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(ResetBody::default())
    } else {
        serde_json::from_slice(&body)
    };
    let body = match parsed {
        Ok(b) => b,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("bad reset body: {e}")})),
            )
                .into_response()
        }
    };
    let (seed, today) = {
        let world = sandbox.read().await;
        (
            body.seed.unwrap_or(world.seed),
            body.today.unwrap_or(world.today),
        )
    };
    sandbox.reset(seed, today).await;
    let world = sandbox.read().await;
    Json(json!({
        "seed": seed,
        "today": today,
        "locationId": world.primary_location_id,
        "calendars": world.calendars.len(),
        "contacts": world.contacts.len(),
        "appointments": world.appointments.len(),
    }))
    .into_response()
}

/// The log of GHL calls, oldest first; `?path=` keeps one path only.
async fn list_requests(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut requests = sandbox.requests();
    if let Some(path) = query.get("path") {
        requests.retain(|r| &r.path == path);
    }
    Json(json!({ "count": requests.len(), "requests": requests })).into_response()
}

async fn clear_requests(State(sandbox): State<Shared>) -> StatusCode {
    sandbox.clear_requests();
    StatusCode::NO_CONTENT
}
