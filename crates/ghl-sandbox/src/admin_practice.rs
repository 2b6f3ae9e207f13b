//! Admin edits of the practice, as done in GHL's web UI: blocked slots,
//! rooms and equipment, schedules. GHL documents no webhook for any of
//! these (docs/webhook-events has none), so they reach a desk through its
//! next pull, as they would from GHL; the state file hears of each.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use axum::{Json, Router};
use serde_json::{Map, Value};

use crate::admin::{admin_error, from_ghl, ui_body};
use crate::errors::GhlError;
use crate::model::{Resource, ScheduleRule};
use crate::ops::{self, BlockInput, BodyCheck};
use crate::routes::Shared;
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/_sandbox/blocks", post(create_block))
        .route(
            "/_sandbox/blocks/{id}",
            patch(update_block).delete(delete_block),
        )
        .route("/_sandbox/resources", post(create_resource))
        .route(
            "/_sandbox/resources/{id}",
            patch(update_resource).delete(delete_resource),
        )
        .route(
            "/_sandbox/schedules/{id}",
            patch(update_schedule).delete(delete_schedule),
        )
}

/// A body with `locationId` defaulting to the primary location.
async fn located_body(
    sandbox: &Shared,
    query: &HashMap<String, String>,
    body: &Bytes,
) -> Result<Map<String, Value>, Response> {
    let (mut body, _webhooks) = ui_body(query, body).map_err(from_ghl)?;
    if !body.contains_key("locationId") {
        let primary = sandbox.read().await.primary_location_id.clone();
        body.insert("locationId".into(), Value::String(primary));
    }
    Ok(body)
}

/// Body as `POST /calendars/events/block-slots`; answers the event (201).
async fn create_block(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let body = match located_body(&sandbox, &query, &body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let input = match BlockInput::from_body(&body, true) {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    let mut world = sandbox.write().await;
    match ops::create_block(&mut world, input) {
        Ok(b) => {
            let answer =
                wire::blocked_event(&b, &world.group_of_block(&b), world.zone_of(&b.location_id));
            sandbox.mark_dirty();
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

async fn update_block(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (body, _) = match ui_body(&query, &body) {
        Ok(b) => b,
        Err(e) => return from_ghl(e),
    };
    let mut body = body;
    let mut world = sandbox.write().await;
    let Some(location) = world.blocks.get(&id).map(|b| b.location_id.clone()) else {
        return admin_error(StatusCode::NOT_FOUND, format!("no block {id}"));
    };
    body.entry("locationId").or_insert(Value::String(location));
    let input = match BlockInput::from_body(&body, false) {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    match ops::update_block(&mut world, &id, input) {
        Ok(b) => {
            let answer =
                wire::blocked_event(&b, &world.group_of_block(&b), world.zone_of(&b.location_id));
            sandbox.mark_dirty();
            Json(answer).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

/// A delete's answer: 204 (the state saved), or 404 naming what was not there.
fn deleted(sandbox: &Shared, removed: bool, what: &str, id: &str) -> Response {
    if !removed {
        return admin_error(StatusCode::NOT_FOUND, format!("no {what} {id}"));
    }
    sandbox.mark_dirty();
    StatusCode::NO_CONTENT.into_response()
}

async fn delete_block(State(sandbox): State<Shared>, Path(id): Path<String>) -> Response {
    let removed = sandbox.write().await.blocks.remove(&id).is_some();
    deleted(&sandbox, removed, "block", &id)
}

/// The fields of `CreateCalendarResourceDTO` / `UpdateCalendarResourceDTO`
/// that are present, applied to `r`.
fn apply_resource(r: &mut Resource, body: &Map<String, Value>) -> Result<(), GhlError> {
    let mut check = BodyCheck::new(body);
    if let Some(v) = check.string("name") {
        r.name = v;
    }
    if let Some(v) = check.string("description") {
        r.description = v;
    }
    let count = |v: f64| v.max(0.0).round() as u32;
    if let Some(v) = check.number("capacity") {
        r.capacity = count(v);
    }
    if let Some(v) = check.number("quantity") {
        r.quantity = count(v);
    }
    if let Some(v) = check.number("outOfService") {
        r.out_of_service = count(v);
    }
    if let Some(v) = check.strings("calendarIds") {
        r.calendar_ids = v;
    }
    if let Some(v) = check.bool("isActive") {
        r.is_active = v;
    }
    check.finish_400()
}

/// Body: `resourceType` (`rooms|equipments`) and the create DTO's fields.
async fn create_resource(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let body = match located_body(&sandbox, &query, &body).await {
        Ok(b) => b,
        Err(r) => return r,
    };
    let kind = body
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("rooms")
        .to_string();
    if kind != "rooms" && kind != "equipments" {
        return admin_error(StatusCode::BAD_REQUEST, "resourceType: rooms or equipments");
    }
    let mut world = sandbox.write().await;
    let mut resource = Resource {
        id: world.ids.next_id(),
        location_id: body["locationId"].as_str().unwrap_or_default().into(),
        resource_type: kind,
        name: String::new(),
        description: String::new(),
        quantity: 1,
        out_of_service: 0,
        capacity: 1,
        calendar_ids: Vec::new(),
        is_active: true,
    };
    let mut fields = body.clone();
    fields.remove("resourceType");
    fields.remove("locationId");
    if let Err(e) = apply_resource(&mut resource, &fields) {
        return from_ghl(e);
    }
    let answer = wire::resource(&resource);
    world.resources.insert(resource.id.clone(), resource);
    sandbox.mark_dirty();
    (StatusCode::CREATED, Json(answer)).into_response()
}

async fn update_resource(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (body, _) = match ui_body(&query, &body) {
        Ok(b) => b,
        Err(e) => return from_ghl(e),
    };
    let mut world = sandbox.write().await;
    let Some(resource) = world.resources.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, format!("no resource {id}"));
    };
    if let Err(e) = apply_resource(resource, &body) {
        return from_ghl(e);
    }
    let answer = wire::resource(resource);
    sandbox.mark_dirty();
    Json(answer).into_response()
}

async fn delete_resource(State(sandbox): State<Shared>, Path(id): Path<String>) -> Response {
    let removed = sandbox.write().await.resources.remove(&id).is_some();
    deleted(&sandbox, removed, "resource", &id)
}

/// Body: any of `name`, `timezone`, `rules` (`ScheduleRuleDTO[]`),
/// `calendarIds`, as `PUT /calendars/schedules/{id}` takes them.
async fn update_schedule(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (body, _) = match ui_body(&query, &body) {
        Ok(b) => b,
        Err(e) => return from_ghl(e),
    };
    let rules = match body.get("rules").cloned() {
        None => None,
        Some(raw) => match serde_json::from_value::<Vec<ScheduleRule>>(raw) {
            Ok(r) => Some(r),
            Err(e) => return admin_error(StatusCode::BAD_REQUEST, format!("bad rules: {e}")),
        },
    };
    let mut check = BodyCheck::new(&body);
    let name = check.string("name");
    let timezone = check.string("timezone");
    let calendars = check.strings("calendarIds");
    if let Err(e) = check.finish_400() {
        return from_ghl(e);
    }
    let mut world = sandbox.write().await;
    let Some(schedule) = world.schedules.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, format!("no schedule {id}"));
    };
    if let Some(v) = name {
        schedule.name = v;
    }
    if let Some(v) = timezone {
        schedule.timezone = v;
    }
    if let Some(v) = calendars {
        schedule.calendar_ids = v;
    }
    if let Some(v) = rules {
        schedule.rules = v;
    }
    schedule.date_updated = ops::next_contact_stamp(Some(schedule.date_updated));
    let answer = wire::schedule(schedule);
    sandbox.mark_dirty();
    Json(answer).into_response()
}

async fn delete_schedule(State(sandbox): State<Shared>, Path(id): Path<String>) -> Response {
    let removed = sandbox.write().await.schedules.remove(&id).is_some();
    deleted(&sandbox, removed, "schedule", &id)
}
