//! `GET /calendars/` and `GET /calendars/{calendarId}` (Version 2021-04-15).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::{QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        // The spec's path has the trailing slash; accept both spellings.
        .route("/calendars/", get(list_calendars))
        .route("/calendars", get(list_calendars))
        .route("/calendars/{calendarId}", get(get_calendar))
}

async fn list_calendars(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    let show_drafted = match check.optional("showDrafted") {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => {
            check.problem("showDrafted must be a boolean value");
            true
        }
    };
    // The spec lists 400, not 422, for this endpoint.
    check.finish_400()?;
    caller.ensure_location(location_id)?;
    let group_id = check.optional("groupId");
    let world = sandbox.read().await;
    let mut calendars: Vec<_> = world
        .calendars
        .values()
        .filter(|c| c.location_id == location_id)
        .filter(|c| show_drafted || c.is_active)
        .filter(|c| group_id.is_none_or(|g| c.group_id.as_deref() == Some(g)))
        .collect();
    calendars.sort_by(|a, b| a.name.cmp(&b.name));
    let calendars: Vec<Value> = calendars.into_iter().map(wire::calendar).collect();
    Ok(Json(json!({ "calendars": calendars })))
}

async fn get_calendar(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(calendar_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let calendar = world
        .calendars
        .get(&calendar_id)
        .ok_or_else(|| GhlError::BadRequest("Calendar not found".into()))?;
    caller.ensure_location(&calendar.location_id)?;
    Ok(Json(json!({ "calendar": wire::calendar(calendar) })))
}
