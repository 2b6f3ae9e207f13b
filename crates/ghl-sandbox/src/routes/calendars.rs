//! `GET /calendars/`, `GET /calendars/{calendarId}` and
//! `GET /calendars/{calendarId}/free-slots` (Version 2021-04-15).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration};
use chrono_tz::Tz;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::{visible, QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        // The spec's path has the trailing slash; accept both spellings.
        .route("/calendars/", get(list_calendars))
        .route("/calendars", get(list_calendars))
        .route("/calendars/{calendarId}", get(get_calendar))
        .route("/calendars/{calendarId}/free-slots", get(free_slots))
}

/// The longest `endDate - startDate` GHL accepts, in days.
const MAX_RANGE_DAYS: i64 = 31;

/// Free slots keyed by date (`YYYY-MM-DD` in the zone asked for, else the
/// location's), each `{slots: [ISO with offset]}`, plus `traceId`. Only
/// dates with a free slot appear.
async fn free_slots(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(calendar_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let start_ms = check.required_millis("startDate");
    let end_ms = check.required_millis("endDate");
    let zone_name = check.optional("timezone");
    let user = check.optional("userId");
    check.finish_400()?;
    let (Some(from), Some(to)) = (
        DateTime::from_timestamp_millis(start_ms),
        DateTime::from_timestamp_millis(end_ms),
    ) else {
        return Err(GhlError::BadRequest(
            "startDate and endDate must be valid epoch milliseconds".into(),
        ));
    };
    if to < from {
        return Err(GhlError::BadRequest(
            "endDate must be after startDate".into(),
        ));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(GhlError::BadRequest(
            "Date range cannot be more than 31 days".into(),
        ));
    }
    let world = sandbox.read().await;
    let calendar = visible(&caller, world.calendars.get(&calendar_id), "Calendar")?;
    let zone: Tz = match zone_name {
        Some(name) => name
            .parse()
            .map_err(|_| GhlError::BadRequest(format!("Invalid timezone {name}")))?,
        None => world.zone_of(&calendar.location_id),
    };
    let mut by_date: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for start in crate::ops::free_slots(&world, calendar, from, to, user) {
        let local = start.with_timezone(&zone);
        by_date
            .entry(local.format("%Y-%m-%d").to_string())
            .or_default()
            .push(wire::iso_in_zone(start, zone));
    }
    let mut body = serde_json::Map::new();
    for (date, slots) in by_date {
        body.insert(date, json!({ "slots": slots }));
    }
    body.insert("traceId".into(), json!(super::trace_id()));
    Ok(Json(Value::Object(body)))
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
    let calendar = visible(&caller, world.calendars.get(&calendar_id), "Calendar")?;
    Ok(Json(json!({ "calendar": wire::calendar(calendar) })))
}
