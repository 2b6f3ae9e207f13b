//! Calendar events (Version 2021-04-15): `GET /calendars/events`, the
//! appointment's GET/POST/PUT and `DELETE /calendars/events/{eventId}`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Extension, Json, Router};
use chrono::DateTime;
use serde_json::{json, Value};

use super::{visible, QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::model::CreatedBy;
use crate::ops::{self, AppointmentInput, BodyCheck, Change};
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/calendars/events", get(list_events))
        .route("/calendars/events/appointments", post(create_appointment))
        .route(
            "/calendars/events/appointments/{eventId}",
            get(get_appointment).put(update_appointment),
        )
        .route("/calendars/events/{eventId}", delete(delete_event))
}

/// `POST /calendars/events/appointments`: ISO times with offset; the slot
/// must be free unless `ignoreFreeSlotValidation`. 200 `AppointmentSchemaResponse`.
async fn create_appointment(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = AppointmentInput::from_body(&body, true)?;
    caller.ensure_location(input.location_id.as_deref().unwrap_or_default())?;
    let mut world = sandbox.write().await;
    let created_by = CreatedBy {
        user_id: None,
        source: "third_party".into(),
    };
    let appointment = ops::create_appointment(&mut world, input, created_by, true)?;
    let zone = world.zone_of(&appointment.location_id);
    let answer = wire::appointment_written(&appointment, zone);
    sandbox.announce(&world, Change::AppointmentCreate(appointment), true);
    Ok(Json(answer))
}

/// `PUT /calendars/events/appointments/{eventId}`.
async fn update_appointment(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(event_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = AppointmentInput::from_body(&body, false)?;
    let mut world = sandbox.write().await;
    visible(&caller, world.appointments.get(&event_id), "Appointment")?;
    let appointment = ops::update_appointment(&mut world, &event_id, input, true)?;
    let zone = world.zone_of(&appointment.location_id);
    let answer = wire::appointment_written(&appointment, zone);
    sandbox.announce(&world, Change::AppointmentUpdate(appointment), true);
    Ok(Json(answer))
}

/// `DELETE /calendars/events/{eventId}` → 201 `{succeeded: true}`.
async fn delete_event(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(event_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), GhlError> {
    let mut world = sandbox.write().await;
    // Block slots are events too, and go the same way.
    if let Some(block) = world.blocks.get(&event_id) {
        caller.ensure_location(&block.location_id)?;
        world.blocks.remove(&event_id);
        sandbox.mark_dirty();
        return Ok((StatusCode::CREATED, Json(json!({"succeeded": true}))));
    }
    visible(&caller, world.appointments.get(&event_id), "Event")?;
    let removed = ops::delete_appointment(&mut world, &event_id)?;
    sandbox.announce(&world, Change::AppointmentDelete(removed), true);
    Ok((StatusCode::CREATED, Json(json!({"succeeded": true}))))
}

/// Which events a listing asks for: GHL needs exactly one owner filter.
enum Owner<'a> {
    Calendar(&'a str),
    User(&'a str),
    Group(&'a str),
}

async fn list_events(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    let start_ms = check.required_millis("startTime");
    let end_ms = check.required_millis("endTime");
    let owner = match (
        check.optional("calendarId"),
        check.optional("userId"),
        check.optional("groupId"),
    ) {
        (Some(id), _, _) => Some(Owner::Calendar(id)),
        (None, Some(id), _) => Some(Owner::User(id)),
        (None, None, Some(id)) => Some(Owner::Group(id)),
        (None, None, None) => {
            check.problem("Either of calendarId, userId or groupId is required");
            None
        }
    };
    let window = match (
        DateTime::from_timestamp_millis(start_ms),
        DateTime::from_timestamp_millis(end_ms),
    ) {
        (Some(from), Some(to)) => Some((from, to)),
        _ => {
            check.problem("startTime and endTime must be valid epoch milliseconds");
            None
        }
    };
    // The spec lists only 400 for this endpoint.
    check.finish_400()?;
    let (Some(owner), Some((from, to))) = (owner, window) else {
        return Err(GhlError::BadRequest("Bad Request".into()));
    };
    if to < from {
        return Err(GhlError::BadRequest(
            "endTime must be after startTime".into(),
        ));
    }
    caller.ensure_location(location_id)?;

    let world = sandbox.read().await;
    if let Owner::Calendar(id) = owner {
        if let Some(calendar) = world.calendars.get(id) {
            caller.ensure_location(&calendar.location_id)?;
        }
    }
    let zone = world.zone_of(location_id);
    let mut events: Vec<_> = match owner {
        Owner::Calendar(id) => world
            .calendar_events(id, from, to)
            .into_iter()
            .filter(|a| a.location_id == location_id)
            .collect(),
        _ => world
            .appointments
            .values()
            .filter(|a| a.location_id == location_id)
            .filter(|a| match owner {
                Owner::Calendar(id) => a.calendar_id == id,
                Owner::User(id) => a.assigned_user_id == id || a.users.iter().any(|u| u == id),
                Owner::Group(id) => a.group_id == id,
            })
            .filter(|a| a.overlaps(from, to))
            .collect(),
    };
    events.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
    let events: Vec<Value> = events.into_iter().map(|a| wire::event(a, zone)).collect();
    Ok(Json(json!({ "events": events })))
}

async fn get_appointment(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(event_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let appointment = visible(&caller, world.appointments.get(&event_id), "Appointment")?;
    let zone = world.zone_of(&appointment.location_id);
    Ok(Json(json!({ "event": wire::event(appointment, zone) })))
}
