//! GHL's Conversations endpoints used for reminders (Version 2021-04-15):
//! send or schedule a message, withdraw a scheduled one (NOTES.md,
//! "Conversations").

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::{seg, ApiGroup, GhlClient};
use crate::error::GhlError;

/// `POST /conversations/messages` body (`SendMessageBodyDto`): what a
/// reminder needs of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NewMessage {
    /// `WhatsApp` or `SMS` for reminders.
    #[serde(rename = "type")]
    pub message_type: String,
    pub contact_id: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_id: Option<String>,
    /// An approved WhatsApp template: Meta requires one for a
    /// business-initiated message outside the 24-hour window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// UTC seconds; GHL sends the message then, and it can be withdrawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_timestamp: Option<i64>,
}

/// `SendMessageResponseDto`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SentMessage {
    pub conversation_id: String,
    pub message_id: String,
    /// `delivered|failed|pending|read`; `pending` for a scheduled message.
    pub status: String,
}

impl GhlClient {
    /// Sends (or schedules, with `scheduled_timestamp`) one message. A POST:
    /// never repeated blindly by the client; the outbox decides.
    pub async fn send_message(
        &self,
        location_id: &str,
        body: &NewMessage,
    ) -> Result<SentMessage, GhlError> {
        let json = serde_json::to_value(body)
            .map_err(|e| GhlError::Config(format!("request body: {e}")))?;
        self.send_with(
            Method::POST,
            "/conversations/messages",
            &[],
            Some(&json),
            ApiGroup::Conversations,
            Some(location_id),
        )
        .await
    }

    /// `DELETE /conversations/messages/{messageId}/schedule`: withdraws a
    /// scheduled message that has not gone out yet.
    pub async fn cancel_scheduled_message(&self, message_id: &str) -> Result<(), GhlError> {
        let path = format!("/conversations/messages/{}/schedule", seg(message_id));
        let _: Value = self
            .send_with(
                Method::DELETE,
                &path,
                &[],
                None,
                ApiGroup::Conversations,
                None,
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_uses_ghl_names_and_skips_absent_fields() {
        let body = NewMessage {
            message_type: "WhatsApp".into(),
            contact_id: "k".into(),
            message: "hola".into(),
            appointment_id: Some("a".into()),
            template_id: None,
            scheduled_timestamp: Some(1_800_000_000),
        };
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["type"], "WhatsApp");
        assert_eq!(v["appointmentId"], "a");
        assert_eq!(v["scheduledTimestamp"], 1_800_000_000);
        assert!(v.get("templateId").is_none());
    }
}
