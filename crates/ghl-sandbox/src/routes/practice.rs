//! The practice around the citas (Version 2021-04-15): calendar groups,
//! rooms and equipment (`/calendars/resources/{rooms|equipments}`),
//! practitioners' schedules and blocked slots. Block slots are deleted
//! through `DELETE /calendars/events/{eventId}` (events.rs).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Extension, Json, Router};
use chrono::DateTime;
use serde_json::{json, Value};

use super::{QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::ops::{self, BodyCheck};
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/calendars/groups", get(list_groups))
        .route("/calendars/resources/{resourceType}", get(list_resources))
        .route(
            "/calendars/resources/{resourceType}/{id}",
            get(get_resource),
        )
        .route("/calendars/schedules/search", get(search_schedules))
        .route("/calendars/schedules/{id}", get(get_schedule))
        .route("/calendars/blocked-slots", get(list_blocked))
        .route("/calendars/events/block-slots", post(create_block))
        .route("/calendars/events/block-slots/{eventId}", put(update_block))
}

async fn list_groups(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    check.finish_400()?;
    caller.ensure_location(location_id)?;
    let world = sandbox.read().await;
    let groups: Vec<Value> = world
        .calendar_groups
        .values()
        .filter(|g| g.location_id == location_id)
        .map(wire::group)
        .collect();
    Ok(Json(json!({ "groups": groups })))
}

fn resource_type(raw: &str) -> Result<&str, GhlError> {
    match raw {
        "rooms" | "equipments" => Ok(raw),
        _ => Err(GhlError::BadRequest(
            "resourceType must be one of the following values: equipments, rooms".into(),
        )),
    }
}

/// `GET /calendars/resources/{type}?locationId&limit&skip` (limit and skip
/// required) → a bare array.
async fn list_resources(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let kind = resource_type(&kind)?;
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    check.required("limit");
    check.required("skip");
    let limit = check.optional_count("limit", 100);
    let skip = check.optional_count("skip", 0);
    check.finish_400()?;
    caller.ensure_location(location_id)?;
    let world = sandbox.read().await;
    let found: Vec<Value> = world
        .resources
        .values()
        .filter(|r| r.location_id == location_id && r.resource_type == kind)
        .skip(skip)
        .take(limit)
        .map(wire::resource)
        .collect();
    Ok(Json(Value::Array(found)))
}

async fn get_resource(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<Value>, GhlError> {
    let kind = resource_type(&kind)?;
    let world = sandbox.read().await;
    let found = world
        .resources
        .get(&id)
        .filter(|r| r.resource_type == kind)
        .ok_or_else(|| GhlError::BadRequest("Resource not found".into()))?;
    caller.ensure_location(&found.location_id)?;
    Ok(Json(wire::resource(found)))
}

/// `GET /calendars/schedules/search?locationId&userId[&calendarId&skip&limit]`.
async fn search_schedules(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    let user_id = check.required("userId");
    let calendar_id = check.optional("calendarId");
    let skip = check.optional_count("skip", 0);
    let limit = check.optional_count("limit", 100);
    check.finish_400()?;
    caller.ensure_location(location_id)?;
    let world = sandbox.read().await;
    let found: Vec<Value> = world
        .schedules
        .values()
        .filter(|s| s.location_id == location_id && s.user_id == user_id)
        .filter(|s| calendar_id.is_none_or(|c| s.calendar_ids.iter().any(|x| x == c)))
        .skip(skip)
        .take(limit)
        .map(wire::schedule)
        .collect();
    Ok(Json(json!({ "schedules": found })))
}

async fn get_schedule(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let Some(found) = world.schedules.get(&id) else {
        return Err(GhlError::NotFound(
            "Schedule with the specified ID was not found".into(),
        ));
    };
    caller.ensure_location(&found.location_id)?;
    Ok(Json(json!({ "schedule": wire::schedule(found) })))
}

/// `GET /calendars/blocked-slots`: the same parameters as the events list
/// (one of calendarId, userId, groupId).
async fn list_blocked(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    let start_ms = check.required_millis("startTime");
    let end_ms = check.required_millis("endTime");
    let calendar_id = check.optional("calendarId");
    let user_id = check.optional("userId");
    let group_id = check.optional("groupId");
    if calendar_id.is_none() && user_id.is_none() && group_id.is_none() {
        check.problem("Either of calendarId, userId or groupId is required");
    }
    check.finish_400()?;
    let (Some(from), Some(to)) = (
        DateTime::from_timestamp_millis(start_ms),
        DateTime::from_timestamp_millis(end_ms),
    ) else {
        return Err(GhlError::BadRequest(
            "startTime and endTime must be valid epoch milliseconds".into(),
        ));
    };
    caller.ensure_location(location_id)?;
    let world = sandbox.read().await;
    let zone = world.zone_of(location_id);
    let group_calendars: Vec<&str> = group_id
        .map(|g| {
            world
                .calendars
                .values()
                .filter(|c| c.group_id.as_deref() == Some(g))
                .map(|c| c.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let mut found: Vec<_> = world
        .blocks
        .values()
        .filter(|b| b.location_id == location_id && b.overlaps(from, to))
        .filter(|b| {
            let cal = b.calendar_id.as_deref();
            match (calendar_id, user_id) {
                (Some(c), _) => cal == Some(c),
                (None, Some(u)) => b.assigned_user_id.as_deref() == Some(u),
                (None, None) => cal.is_some_and(|c| group_calendars.contains(&c)),
            }
        })
        .collect();
    found.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
    let events: Vec<Value> = found
        .into_iter()
        .map(|b| wire::blocked_event(b, &world.group_of_block(b), zone))
        .collect();
    Ok(Json(json!({ "events": events })))
}

async fn create_block(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = ops::BlockInput::from_body(&body, true)?;
    caller.ensure_location(input.location_id.as_deref().unwrap_or_default())?;
    let mut world = sandbox.write().await;
    let block = ops::create_block(&mut world, input)?;
    let answer = wire::block_written(&block, world.zone_of(&block.location_id));
    // GHL documents no webhook for blocked slots: only the state file hears.
    sandbox.mark_dirty();
    Ok((StatusCode::CREATED, Json(answer)))
}

async fn update_block(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = ops::BlockInput::from_body(&body, false)?;
    let mut world = sandbox.write().await;
    let location = world
        .blocks
        .get(&id)
        .map(|b| b.location_id.clone())
        .ok_or_else(|| GhlError::BadRequest("Event not found".into()))?;
    caller.ensure_location(&location)?;
    let block = ops::update_block(&mut world, &id, input)?;
    let answer = wire::block_written(&block, world.zone_of(&block.location_id));
    sandbox.mark_dirty();
    Ok((StatusCode::CREATED, Json(answer)))
}
