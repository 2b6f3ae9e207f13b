//! `POST /conversations/messages` and `DELETE
//! /conversations/messages/{messageId}/schedule` (Version 2021-04-15).
//! Messages are recorded, never delivered anywhere; the admin API lists
//! them (`GET /_sandbox/messages`) and plays the patient's answers
//! (`POST /_sandbox/conversations/inbound`).
//!
//! As GHL keeps them: one conversation per contact and channel; a
//! scheduled message stays `scheduled` until its time (then `delivered`)
//! and can be withdrawn before; a contact's do-not-disturb for the
//! channel refuses the send.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{delete, post};
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{visible, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::model::Message;
use crate::ops::BodyCheck;
use crate::state::World;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/conversations/messages", post(send_message))
        .route(
            "/conversations/messages/{message_id}/schedule",
            delete(cancel_scheduled),
        )
}

const MESSAGE_TYPES: &[&str] = &[
    "SMS",
    "RCS",
    "Email",
    "WhatsApp",
    "IG",
    "FB",
    "Custom",
    "Live_Chat",
    "TIKTOK",
];

/// The conversation of a contact on a channel, made on first use.
pub fn conversation_for(world: &mut World, contact_id: &str, channel: &str) -> String {
    let key = format!("{contact_id}/{channel}");
    if let Some(id) = world.conversations.get(&key) {
        return id.clone();
    }
    let id = world.ids.next_id();
    world.conversations.insert(key, id.clone());
    id
}

/// Scheduled messages whose time came are sent.
pub fn settle_messages(world: &mut World) {
    let now = Utc::now();
    for m in world.messages.values_mut() {
        m.settle(now);
    }
}

/// The status `SendMessageResponseDto` allows for an internal one.
fn answer_status(status: &str) -> &'static str {
    match status {
        "scheduled" => "pending",
        "failed" => "failed",
        "read" => "read",
        _ => "delivered",
    }
}

/// Requires `type` and `contactId` only: the HEAD spec also marks
/// `subType` and `status` required, which NOTES.md reads as an artifact.
async fn send_message(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Json<Value>, GhlError> {
    let body = BodyCheck::parse(&body)?;
    let mut check = BodyCheck::new(&body);
    let message_type = if check.has("type") {
        check.one_of("type", MESSAGE_TYPES)
    } else {
        check.problems.push("type should not be empty".into());
        None
    };
    let contact_id = check.required_string("contactId");
    let message = check.string("message");
    let subject = check.string("subject");
    let html = check.string("html");
    let appointment_id = check.string("appointmentId");
    let template_id = check.string("templateId");
    let attachments = check.strings("attachments").unwrap_or_default();
    let scheduled = check.number("scheduledTimestamp");
    check.finish_400()?;
    let (Some(message_type), Some(contact_id)) = (message_type, contact_id) else {
        return Err(GhlError::BadRequest("Bad Request".into()));
    };
    let mut world = sandbox.write().await;
    settle_messages(&mut world);
    let contact = visible(&caller, world.contacts.get(&contact_id), "Contact")?.clone();
    if contact.dnd_blocks(&message_type) {
        return Err(GhlError::BadRequest(format!(
            "Cannot send message as DND is active for {message_type}."
        )));
    }
    let needs_phone = matches!(message_type.as_str(), "SMS" | "WhatsApp" | "RCS");
    if needs_phone && contact.phone.as_deref().is_none_or(str::is_empty) {
        return Err(GhlError::BadRequest(
            "Contact does not have a phone number".into(),
        ));
    }
    let conversation_id = conversation_for(&mut world, &contact_id, &message_type);
    let scheduled_at = scheduled.and_then(|s| DateTime::from_timestamp(s as i64, 0));
    let status = if scheduled_at.is_some_and(|t| t > Utc::now()) {
        "scheduled"
    } else {
        "delivered"
    };
    let record = Message {
        id: world.ids.next_id(),
        location_id: contact.location_id.clone(),
        conversation_id: conversation_id.clone(),
        contact_id,
        message_type: message_type.clone(),
        message,
        subject,
        html,
        appointment_id,
        attachments,
        status: status.into(),
        template_id,
        direction: "outbound".into(),
        scheduled_at,
        date_added: Utc::now(),
    };
    let message_id = record.id.clone();
    world.messages.insert(record.id.clone(), record);
    sandbox.mark_dirty();
    let mut answer = json!({
        "conversationId": conversation_id,
        "messageId": message_id,
        "status": answer_status(status),
    });
    if message_type == "Email" {
        answer["emailMessageId"] = json!(message_id);
    }
    Ok(Json(answer))
}

/// Withdraws a message still waiting for its time. One already sent, or
/// withdrawn before, cannot be: 400 as the spec lists.
async fn cancel_scheduled(
    State(sandbox): State<Shared>,
    Extension(caller): Extension<Caller>,
    Path(message_id): Path<String>,
) -> Result<Json<Value>, GhlError> {
    let mut world = sandbox.write().await;
    settle_messages(&mut world);
    let Some(message) = world.messages.get(&message_id) else {
        return Err(GhlError::BadRequest("Message not found".into()));
    };
    caller.ensure_location(&message.location_id)?;
    if message.status != "scheduled" {
        return Err(GhlError::BadRequest(
            "Failed cancel the scheduled message: it is not scheduled".into(),
        ));
    }
    if let Some(m) = world.messages.get_mut(&message_id) {
        m.status = "cancelled".into();
    }
    sandbox.mark_dirty();
    Ok(Json(
        json!({"status": 200, "message": "Scheduled message cancelled"}),
    ))
}
