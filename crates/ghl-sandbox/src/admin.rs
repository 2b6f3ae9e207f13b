//! The sandbox's own admin API under `/_sandbox/`: outside GHL's surface, no
//! GHL auth, answered to loopback peers only. Documented in README.md.

use std::collections::HashMap;
use std::net::SocketAddr;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::config::{OAuthClient, RateLimits};
use crate::errors::GhlError;
use crate::faults::{FaultKind, FaultRule};
use crate::model::CreatedBy;
use crate::ops::{self, AppointmentInput, BodyCheck, Change};
use crate::routes::Shared;
use crate::seed::Seed;
use crate::webhooks::{WebhookFault, WebhookFaultKind};
use crate::wire;

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
        .route("/_sandbox/requests/counts", get(request_counts))
        .route("/_sandbox/appointments", post(ui_create_appointment))
        .route(
            "/_sandbox/appointments/{id}",
            patch(ui_update_appointment).delete(ui_delete_appointment),
        )
        .route(
            "/_sandbox/appointments/{id}/cancel",
            post(ui_cancel_appointment),
        )
        .route("/_sandbox/contacts", post(ui_create_contact))
        .route(
            "/_sandbox/contacts/{id}",
            patch(ui_update_contact).delete(ui_delete_contact),
        )
        .route(
            "/_sandbox/locations/{id}/settings",
            patch(location_settings),
        )
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/_sandbox/rate-limits",
            get(get_rate_limits).put(set_rate_limits),
        )
        .route("/_sandbox/webhooks", get(webhook_report))
        .route("/_sandbox/webhooks/urls", put(set_webhook_urls))
        .route("/_sandbox/webhooks/faults", post(add_webhook_fault))
        .route("/_sandbox/tokens/revoke", post(revoke_token))
        .route("/_sandbox/tokens/expire", post(expire_token))
        .route("/_sandbox/oauth/clients", post(add_oauth_client))
        .route("/_sandbox/messages", get(list_messages))
        .route("/_sandbox/conversations/inbound", post(patient_answers))
        .merge(crate::admin_practice::routes())
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

pub(crate) fn admin_error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// GHL's error as an admin answer: its status and body.
pub(crate) fn from_ghl(err: GhlError) -> Response {
    err.into_response()
}

fn parse_body(body: &Bytes) -> Result<Map<String, Value>, GhlError> {
    BodyCheck::parse(body)
}

/// A UI-style body: parsed as GHL would, with its `webhooks` switch (see
/// [`wants_webhooks`]) taken out.
pub(crate) fn ui_body(
    query: &HashMap<String, String>,
    body: &Bytes,
) -> Result<(Map<String, Value>, bool), GhlError> {
    let mut body = parse_body(body)?;
    let webhooks = wants_webhooks(query, &body);
    body.remove("webhooks");
    Ok((body, webhooks))
}

/// An admin body of a fixed shape; a bad one is `bad {what}: …` (a 400).
fn admin_body<T: DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, String> {
    serde_json::from_slice(body).map_err(|e| format!("bad {what}: {e}"))
}

/// Requests per endpoint: `{"counts": {"GET /calendars/events": 3, …}}`
/// keyed by method and route template (the path when no route matched).
async fn request_counts(State(sandbox): State<Shared>) -> Response {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut statuses: BTreeMap<String, u64> = BTreeMap::new();
    let requests = sandbox.requests();
    for r in &requests {
        let route = r.route.as_deref().unwrap_or(&r.path);
        *counts.entry(format!("{} {route}", r.method)).or_default() += 1;
        *statuses.entry(r.status.to_string()).or_default() += 1;
    }
    Json(json!({"total": requests.len(), "counts": counts, "statuses": statuses})).into_response()
}

/// `?webhooks=false` (or `"webhooks": false` in the body) makes a change
/// silently, as the ones GHL never announces (#77).
fn wants_webhooks(query: &HashMap<String, String>, body: &Map<String, Value>) -> bool {
    let from_query = query.get("webhooks").map(|v| v != "false" && v != "0");
    let from_body = body.get("webhooks").and_then(Value::as_bool);
    from_query.or(from_body).unwrap_or(true)
}

fn ui_created_by(world: &crate::state::World, location_id: &str) -> CreatedBy {
    CreatedBy {
        user_id: world
            .users
            .values()
            .find(|u| u.role == "admin" && u.location_ids.iter().any(|l| l == location_id))
            .map(|u| u.id.clone()),
        source: "calendar_page".into(),
    }
}

/// Book a cita as the front desk would in GHL's calendar: no slot checks.
/// Body as the API's create (`calendarId`, `contactId`, `startTime` ISO, …);
/// `locationId` defaults to the calendar's. Answers the event (`CalendarEventDTO`).
async fn ui_create_appointment(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (mut body, webhooks) = match ui_body(&query, &body) {
        Ok(parsed) => parsed,
        Err(e) => return from_ghl(e),
    };
    let mut world = sandbox.write().await;
    if !body.contains_key("locationId") {
        if let Some(loc) = body
            .get("calendarId")
            .and_then(Value::as_str)
            .and_then(|c| world.calendars.get(c))
            .map(|c| c.location_id.clone())
        {
            body.insert("locationId".into(), Value::String(loc));
        }
    }
    let input = match AppointmentInput::from_body(&body, true) {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    let created_by = ui_created_by(&world, input.location_id.as_deref().unwrap_or_default());
    match ops::create_appointment(&mut world, input, created_by, false) {
        Ok(a) => {
            let zone = world.zone_of(&a.location_id);
            let answer = wire::event(&a, zone);
            sandbox.announce(&world, Change::AppointmentCreate(a), webhooks);
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

async fn ui_update_appointment(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (body, webhooks) = match ui_body(&query, &body) {
        Ok(parsed) => parsed,
        Err(e) => return from_ghl(e),
    };
    let input = match AppointmentInput::from_body(&body, false) {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    update_as_ui(&sandbox, &id, input, webhooks).await
}

async fn update_as_ui(
    sandbox: &Shared,
    id: &str,
    input: AppointmentInput,
    webhooks: bool,
) -> Response {
    let mut world = sandbox.write().await;
    if !world.appointments.contains_key(id) {
        return admin_error(StatusCode::NOT_FOUND, format!("no appointment {id}"));
    }
    match ops::update_appointment(&mut world, id, input, false) {
        Ok(a) => {
            let zone = world.zone_of(&a.location_id);
            let answer = wire::event(&a, zone);
            sandbox.announce(&world, Change::AppointmentUpdate(a), webhooks);
            Json(answer).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

async fn ui_cancel_appointment(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let webhooks = wants_webhooks(&query, &Map::new());
    let input = AppointmentInput {
        appointment_status: Some("cancelled".into()),
        ..Default::default()
    };
    update_as_ui(&sandbox, &id, input, webhooks).await
}

async fn ui_delete_appointment(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let webhooks = wants_webhooks(&query, &Map::new());
    let mut world = sandbox.write().await;
    match ops::delete_appointment(&mut world, &id) {
        Ok(a) => {
            sandbox.announce(&world, Change::AppointmentDelete(a), webhooks);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(_) => admin_error(StatusCode::NOT_FOUND, format!("no appointment {id}")),
    }
}

/// Add a patient as GHL's contacts page would (duplicates refused as the
/// location's setting says). Body as `POST /contacts/`; `locationId`
/// defaults to the primary location. Answers the contact (read shape).
async fn ui_create_contact(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (mut body, webhooks) = match ui_body(&query, &body) {
        Ok(parsed) => parsed,
        Err(e) => return from_ghl(e),
    };
    let mut world = sandbox.write().await;
    if !body.contains_key("locationId") {
        body.insert(
            "locationId".into(),
            Value::String(world.primary_location_id.clone()),
        );
    }
    let input = match ops::contact_input(&body, "create") {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    let source = input.source.clone().unwrap_or_else(|| "crm ui".into());
    match ops::create_contact(&mut world, input, &source) {
        Ok(c) => {
            let answer = wire::contact(&c);
            sandbox.announce(&world, Change::ContactCreate(c), webhooks);
            (StatusCode::CREATED, Json(answer)).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

async fn ui_update_contact(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (body, webhooks) = match ui_body(&query, &body) {
        Ok(parsed) => parsed,
        Err(e) => return from_ghl(e),
    };
    let input = match ops::contact_input(&body, "update") {
        Ok(i) => i,
        Err(e) => return from_ghl(e),
    };
    let mut world = sandbox.write().await;
    if !world.contacts.contains_key(&id) {
        return admin_error(StatusCode::NOT_FOUND, format!("no contact {id}"));
    }
    match ops::update_contact(&mut world, &id, input) {
        Ok(c) => {
            let answer = wire::contact(&c);
            sandbox.announce(&world, Change::ContactUpdate(c), webhooks);
            Json(answer).into_response()
        }
        Err(e) => from_ghl(e),
    }
}

async fn ui_delete_contact(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let webhooks = wants_webhooks(&query, &Map::new());
    let mut world = sandbox.write().await;
    match ops::delete_contact(&mut world, &id) {
        Ok(c) => {
            sandbox.announce(&world, Change::ContactDelete(c), webhooks);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(_) => admin_error(StatusCode::NOT_FOUND, format!("no contact {id}")),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SettingsBody {
    allow_duplicate_contact: Option<bool>,
    timezone: Option<String>,
}

/// Change a location's duplicate-contact setting or zone.
async fn location_settings(
    State(sandbox): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body: SettingsBody = match admin_body(&body, "settings") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    if let Some(tz) = &body.timezone {
        if tz.parse::<chrono_tz::Tz>().is_err() {
            return admin_error(StatusCode::BAD_REQUEST, format!("unknown zone {tz}"));
        }
    }
    let mut world = sandbox.write().await;
    let Some(location) = world.locations.get_mut(&id) else {
        return admin_error(StatusCode::NOT_FOUND, format!("no location {id}"));
    };
    if let Some(allow) = body.allow_duplicate_contact {
        location.settings.allow_duplicate_contact = allow;
    }
    if let Some(tz) = body.timezone {
        location.timezone = tz;
    }
    let answer = wire::location(location);
    sandbox.mark_dirty();
    Json(answer).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultBody {
    kind: String,
    #[serde(default = "one")]
    count: u32,
    ms: Option<u64>,
    path: Option<String>,
}

fn one() -> u32 {
    1
}

/// Inject `{kind: 429|500|502|timeout|latency|revoked_token, count, ms?, path?}`.
async fn add_fault(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: FaultBody = match admin_body(&body, "fault") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    let kind: FaultKind = match body.kind.parse() {
        Ok(k) => k,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    sandbox.faults().add(FaultRule {
        kind,
        remaining: body.count,
        ms: body.ms.unwrap_or(kind.default_ms()),
        path: body.path,
    });
    Json(json!({"pending": sandbox.faults().pending()})).into_response()
}

async fn list_faults(State(sandbox): State<Shared>) -> Response {
    Json(json!({"pending": sandbox.faults().pending()})).into_response()
}

async fn clear_faults(State(sandbox): State<Shared>) -> StatusCode {
    sandbox.faults().clear();
    StatusCode::NO_CONTENT
}

fn limits_json(l: &RateLimits) -> Value {
    json!({"burst": l.burst, "intervalMs": l.interval.as_millis() as u64, "daily": l.daily})
}

async fn get_rate_limits(State(sandbox): State<Shared>) -> Response {
    Json(limits_json(&sandbox.rate_limiter().limits())).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LimitsBody {
    burst: Option<u32>,
    interval_ms: Option<u64>,
    daily: Option<u32>,
    #[serde(default)]
    reset: bool,
}

/// `{burst?, intervalMs?, daily?, reset?}`; `reset` forgets the counts.
async fn set_rate_limits(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: LimitsBody = match admin_body(&body, "limits") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    let mut limits = sandbox.rate_limiter().limits();
    if let Some(b) = body.burst {
        limits.burst = b;
    }
    if let Some(ms) = body.interval_ms {
        limits.interval = Duration::from_millis(ms.max(1));
    }
    if let Some(d) = body.daily {
        limits.daily = d;
    }
    sandbox.rate_limiter().set_limits(limits.clone());
    if body.reset {
        sandbox.rate_limiter().clear();
    }
    Json(limits_json(&limits)).into_response()
}

/// Stats, URLs, public keys, pending faults, emitted events and deliveries.
async fn webhook_report(State(sandbox): State<Shared>) -> Response {
    let hub = sandbox.webhooks();
    Json(json!({
        "urls": hub.urls(),
        "stats": hub.stats(),
        "publicKeys": {"ed25519": hub.ed25519_public_pem()},
        "faults": hub.faults(),
        "events": hub.emitted(),
        "deliveries": hub.deliveries(),
    }))
    .into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UrlsBody {
    urls: Vec<String>,
    retry_schedule_ms: Option<Vec<u64>>,
}

async fn set_webhook_urls(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: UrlsBody = match admin_body(&body, "urls") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    sandbox.webhooks().set_urls(body.urls);
    if let Some(schedule) = body.retry_schedule_ms {
        sandbox
            .webhooks()
            .set_retry_schedule(schedule.into_iter().map(Duration::from_millis).collect());
    }
    Json(json!({"urls": sandbox.webhooks().urls()})).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WebhookFaultBody {
    kind: WebhookFaultKind,
    #[serde(default = "one")]
    count: u32,
    #[serde(default)]
    ms: u64,
}

/// `{kind: duplicate|delay|reorder|drop, count?, ms?}` for the next events.
async fn add_webhook_fault(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: WebhookFaultBody = match admin_body(&body, "fault") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    sandbox.webhooks().add_fault(WebhookFault {
        kind: body.kind,
        remaining: body.count,
        ms: body.ms,
    });
    Json(json!({"pending": sandbox.webhooks().faults()})).into_response()
}

#[derive(Debug, Deserialize)]
struct TokenBody {
    token: String,
}

/// Revoke an access token, a PIT or a refresh token.
async fn revoke_token(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: TokenBody = match admin_body(&body, "body") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    let access = sandbox.tokens().revoke(&body.token);
    let refresh = sandbox.oauth().revoke_refresh(&body.token);
    if access || refresh {
        Json(json!({"revoked": true})).into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, "unknown token")
    }
}

/// Make an access token expire now.
async fn expire_token(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: TokenBody = match admin_body(&body, "body") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    if sandbox.tokens().expire(&body.token) {
        Json(json!({"expired": true})).into_response()
    } else {
        admin_error(StatusCode::NOT_FOUND, "unknown token")
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClientBody {
    client_id: String,
    client_secret: String,
    #[serde(default)]
    redirect_uris: Vec<String>,
}

async fn add_oauth_client(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let body: ClientBody = match admin_body(&body, "client") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    sandbox.oauth().add_client(OAuthClient {
        client_id: body.client_id.clone(),
        client_secret: body.client_secret,
        redirect_uris: body.redirect_uris,
    });
    Json(json!({"clientId": body.client_id})).into_response()
}

/// Messages sent through `POST /conversations/messages`, oldest first;
/// `?contactId=` keeps one contact's.
async fn list_messages(
    State(sandbox): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut world = sandbox.write().await;
    crate::routes::conversations::settle_messages(&mut world);
    let mut messages: Vec<_> = world
        .messages
        .values()
        .filter(|m| query.get("contactId").is_none_or(|c| *c == m.contact_id))
        .cloned()
        .collect();
    messages.sort_by(|a, b| (a.date_added, &a.id).cmp(&(b.date_added, &b.id)));
    Json(json!({"count": messages.len(), "messages": messages})).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct InboundBody {
    contact_id: String,
    /// What the patient wrote.
    body: String,
    /// `WhatsApp` (default) or `SMS`.
    #[serde(default)]
    message_type: Option<String>,
}

/// Plays the patient: records their message in the contact's conversation
/// for the channel and emits the signed InboundMessage webhook (the shape
/// of docs/webhook-events/InboundMessage.md). Answers the recorded message.
async fn patient_answers(State(sandbox): State<Shared>, body: Bytes) -> Response {
    let input: InboundBody = match admin_body(&body, "inbound message") {
        Ok(b) => b,
        Err(e) => return admin_error(StatusCode::BAD_REQUEST, e),
    };
    let channel = input.message_type.unwrap_or_else(|| "WhatsApp".into());
    let mut world = sandbox.write().await;
    let Some(contact) = world.contacts.get(&input.contact_id).cloned() else {
        return admin_error(
            StatusCode::NOT_FOUND,
            format!("no contact {}", input.contact_id),
        );
    };
    let conversation_id =
        crate::routes::conversations::conversation_for(&mut world, &contact.id, &channel);
    let message = crate::model::Message {
        id: world.ids.next_id(),
        location_id: contact.location_id.clone(),
        conversation_id,
        contact_id: contact.id.clone(),
        message_type: channel,
        message: Some(input.body),
        subject: None,
        html: None,
        appointment_id: None,
        attachments: Vec::new(),
        status: "delivered".into(),
        template_id: None,
        direction: "inbound".into(),
        scheduled_at: None,
        date_added: chrono::Utc::now(),
    };
    world.messages.insert(message.id.clone(), message.clone());
    sandbox.announce(&world, Change::InboundMessage(message.clone()), true);
    (StatusCode::CREATED, Json(json!(message))).into_response()
}
