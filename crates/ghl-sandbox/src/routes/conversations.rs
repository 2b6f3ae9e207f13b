//! `POST /conversations/messages` (Version 2021-04-15): recorded, never
//! sent; the admin API lists them (`GET /_sandbox/messages`).

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use axum::{Extension, Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{visible, Shared};
use crate::auth::Caller;
use crate::errors::GhlError;
use crate::model::Message;
use crate::ops::BodyCheck;

pub fn routes() -> Router<Shared> {
    Router::new().route("/conversations/messages", post(send_message))
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
    let attachments = check.strings("attachments").unwrap_or_default();
    let scheduled = check.number("scheduledTimestamp");
    check.finish_400()?;
    let (Some(message_type), Some(contact_id)) = (message_type, contact_id) else {
        return Err(GhlError::BadRequest("Bad Request".into()));
    };
    let mut world = sandbox.write().await;
    let contact = visible(&caller, world.contacts.get(&contact_id), "Contact")?.clone();
    let conversation_id = match world.conversations.get(&contact_id) {
        Some(id) => id.clone(),
        None => {
            let id = world.ids.next_id();
            world.conversations.insert(contact_id.clone(), id.clone());
            id
        }
    };
    let scheduled_at = scheduled.and_then(|s| DateTime::from_timestamp(s as i64, 0));
    let status = if scheduled_at.is_some_and(|t| t > Utc::now()) {
        "pending"
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
        scheduled_at,
        date_added: Utc::now(),
    };
    let message_id = record.id.clone();
    world.messages.insert(record.id.clone(), record);
    sandbox.mark_dirty();
    let mut answer = json!({
        "conversationId": conversation_id,
        "messageId": message_id,
        "status": status,
    });
    if message_type == "Email" {
        answer["emailMessageId"] = json!(message_id);
    }
    Ok(Json(answer))
}
