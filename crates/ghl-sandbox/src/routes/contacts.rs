//! Contacts (Version 2021-07-28): create, get, update, delete, upsert,
//! search, duplicate lookup and a contact's appointments.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::{trace_id, visible, QueryCheck, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::ops::{self, BodyCheck, Change};
use crate::wire;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/contacts/", post(create_contact))
        .route("/contacts", post(create_contact))
        .route("/contacts/upsert", post(upsert_contact))
        .route("/contacts/search", post(search_contacts))
        .route("/contacts/search/duplicate", get(find_duplicate))
        .route(
            "/contacts/{contactId}",
            get(get_contact).put(update_contact).delete(delete_contact),
        )
        .route(
            "/contacts/{contactId}/appointments",
            get(contact_appointments),
        )
}

async fn get_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let contact = visible(&caller, world.contacts.get(&contact_id), "Contact")?;
    Ok(Json(json!({ "contact": wire::contact(contact) })))
}

/// `POST /contacts/` → 201 `{contact}` (`CreateContactSchema`).
async fn create_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = ops::contact_input(&body, "create")?;
    caller.ensure_location(input.location_id.as_deref().unwrap_or_default())?;
    let source = input.source.clone().unwrap_or_else(|| "public api".into());
    let mut world = sandbox.write().await;
    let contact = ops::create_contact(&mut world, input, &source)?;
    let answer = wire::contact_created(&contact);
    sandbox.announce(&world, Change::ContactCreate(contact), true);
    Ok((StatusCode::CREATED, Json(json!({ "contact": answer }))))
}

/// `PUT /contacts/{id}` → `{succeded, contact}` (GHL's spelling).
async fn update_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(contact_id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = ops::contact_input(&body, "update")?;
    let mut world = sandbox.write().await;
    visible(&caller, world.contacts.get(&contact_id), "Contact")?;
    let contact = ops::update_contact(&mut world, &contact_id, input)?;
    let answer = wire::contact(&contact);
    sandbox.announce(&world, Change::ContactUpdate(contact), true);
    Ok(Json(json!({ "succeded": true, "contact": answer })))
}

/// `DELETE /contacts/{id}` → `{succeded: true}`.
async fn delete_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let mut world = sandbox.write().await;
    visible(&caller, world.contacts.get(&contact_id), "Contact")?;
    let contact = ops::delete_contact(&mut world, &contact_id)?;
    sandbox.announce(&world, Change::ContactDelete(contact), true);
    Ok(Json(json!({ "succeded": true })))
}

/// `POST /contacts/upsert` → `{new, contact, traceId}`.
async fn upsert_contact(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let input = ops::contact_input(&body, "upsert")?;
    caller.ensure_location(input.location_id.as_deref().unwrap_or_default())?;
    let mut world = sandbox.write().await;
    let (new, contact) = ops::upsert_contact(&mut world, input)?;
    let answer = wire::contact(&contact);
    let change = if new {
        Change::ContactCreate(contact)
    } else {
        Change::ContactUpdate(contact)
    };
    sandbox.announce(&world, change, true);
    Ok(Json(
        json!({ "new": new, "contact": answer, "traceId": trace_id() }),
    ))
}

/// GHL's ceiling on `page * pageLimit` (deeper pages need `searchAfter`).
const SEARCH_WINDOW: u64 = 10_000;
const MAX_PAGE_LIMIT: u64 = 500;

/// `POST /contacts/search`: body `{locationId, page, pageLimit, query?,
/// filters?, sort?}` → `{contacts, total, traceId}` (observed, #289; the
/// spec's body and response are empty).
async fn search_contacts(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let mut check = BodyCheck::new(&body);
    check.forbid_unknown(&[
        "locationId",
        "page",
        "pageLimit",
        "query",
        "filters",
        "sort",
        "searchAfter",
    ]);
    let location_id = check.required_string("locationId").unwrap_or_default();
    let page = check.number("page").unwrap_or(1.0);
    let page_limit = check.number("pageLimit").unwrap_or(20.0);
    let query = check.string("query").unwrap_or_default();
    if page < 1.0 || page.fract() != 0.0 {
        check.problems.push("page must not be less than 1".into());
    }
    if !(1.0..=MAX_PAGE_LIMIT as f64).contains(&page_limit) || page_limit.fract() != 0.0 {
        check.problems.push(format!(
            "pageLimit must not be greater than {MAX_PAGE_LIMIT}"
        ));
    }
    let filters = match check.raw("filters") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            check.problems.push("filters must be an array".into());
            Vec::new()
        }
    };
    let sort = match check.raw("sort") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            check.problems.push("sort must be an array".into());
            Vec::new()
        }
    };
    check.finish_400()?;
    let (page, page_limit) = (page as u64, page_limit as u64);
    if page * page_limit > SEARCH_WINDOW {
        return Err(GhlError::BadRequest(format!(
            "page * pageLimit cannot exceed {SEARCH_WINDOW}; use searchAfter"
        )));
    }
    caller.ensure_location(&location_id)?;
    let world = sandbox.read().await;
    let mut found = Vec::new();
    for contact in world.contacts.values() {
        if contact.location_id != location_id || !ops::contact_has_text(contact, &query) {
            continue;
        }
        let mut keep = true;
        for filter in &filters {
            if !ops::contact_matches(contact, filter).map_err(GhlError::BadRequest)? {
                keep = false;
                break;
            }
        }
        if keep {
            found.push(contact);
        }
    }
    // Default order: newest first.
    let (field, ascending) = sort
        .first()
        .map(|s| {
            (
                s.get("field")
                    .and_then(Value::as_str)
                    .unwrap_or("dateAdded")
                    .to_string(),
                s.get("direction").and_then(Value::as_str) == Some("asc"),
            )
        })
        .unwrap_or(("dateAdded".into(), false));
    found.sort_by(|a, b| {
        let ord = match field.as_str() {
            "dateUpdated" => a.date_updated.cmp(&b.date_updated),
            "firstNameLowerCase" | "firstName" => a
                .first_name
                .to_lowercase()
                .cmp(&b.first_name.to_lowercase()),
            "lastNameLowerCase" | "lastName" => {
                a.last_name.to_lowercase().cmp(&b.last_name.to_lowercase())
            }
            _ => a.date_added.cmp(&b.date_added),
        }
        .then_with(|| a.id.cmp(&b.id));
        if ascending {
            ord
        } else {
            ord.reverse()
        }
    });
    let total = found.len();
    let contacts: Vec<Value> = found
        .into_iter()
        .skip(((page - 1) * page_limit) as usize)
        .take(page_limit as usize)
        .map(wire::contact)
        .collect();
    Ok(Json(
        json!({ "contacts": contacts, "total": total, "traceId": trace_id() }),
    ))
}

/// `GET /contacts/search/duplicate?locationId&number&email` → `{contact}`
/// (`null` when none). The query is form-decoded: a raw `+` in `number`
/// becomes a space and matches nothing, as in GHL; send `%2B`.
async fn find_duplicate(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, GhlError> {
    let mut check = QueryCheck::new(&query);
    let location_id = check.required("locationId");
    check.finish_400()?;
    caller.ensure_location(location_id)?;
    let world = sandbox.read().await;
    let country = world
        .locations
        .get(location_id)
        .map(|l| l.country.clone())
        .unwrap_or_default();
    let phone = check
        .optional("number")
        .and_then(|n| ops::normalize_phone(n, &country));
    let found = ops::find_duplicate(
        &world,
        location_id,
        check.optional("email"),
        phone.as_deref(),
        None,
    );
    Ok(Json(
        json!({ "contact": found.map(|(c, _)| wire::contact(c)) }),
    ))
}

/// `GET /contacts/{id}/appointments` → `{events}` (`GetEventSchema`: times
/// in the location's wall time without an offset, as the spec's examples).
async fn contact_appointments(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(contact_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let world = sandbox.read().await;
    let contact = visible(&caller, world.contacts.get(&contact_id), "Contact")?;
    let zone = world.zone_of(&contact.location_id);
    let mut citas: Vec<_> = world
        .appointments
        .values()
        .filter(|a| a.contact_id == contact_id)
        .collect();
    citas.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
    let events: Vec<Value> = citas
        .into_iter()
        .map(|a| wire::contact_appointment(a, zone))
        .collect();
    Ok(Json(json!({ "events": events })))
}
