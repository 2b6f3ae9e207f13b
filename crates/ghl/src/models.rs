//! GHL's wire types, as the official OpenAPI files describe them. Fields the
//! app does not use yet are kept in `extra`, so nothing GHL sends is lost and
//! an unknown field is never a parse failure.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocationEnvelope {
    pub location: Location,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    #[serde(default)]
    pub company_id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// IANA zone. GHL keeps the zone on the location, not on calendars.
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarsEnvelope {
    #[serde(default)]
    pub calendars: Vec<Calendar>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub user_id: String,
    #[serde(default)]
    pub is_primary: Option<bool>,
    #[serde(default)]
    pub priority: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenHours {
    #[serde(default)]
    pub days_of_the_week: Vec<u8>,
    #[serde(default)]
    pub hours: Vec<HourRange>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HourRange {
    pub open_hour: u8,
    #[serde(default)]
    pub open_minute: u8,
    pub close_hour: u8,
    #[serde(default)]
    pub close_minute: u8,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    pub id: String,
    #[serde(default)]
    pub location_id: Option<String>,
    pub name: String,
    /// false means a draft calendar in GHL.
    #[serde(default = "default_true")]
    pub is_active: bool,
    #[serde(default)]
    pub team_members: Vec<TeamMember>,
    #[serde(default)]
    pub slot_duration: Option<f64>,
    #[serde(default)]
    pub slot_duration_unit: Option<String>,
    #[serde(default)]
    pub open_hours: Vec<OpenHours>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn default_true() -> bool {
    true
}

impl Calendar {
    /// The practitioner: the primary team member, else the first one.
    pub fn primary_user_id(&self) -> Option<&str> {
        self.team_members
            .iter()
            .find(|m| m.is_primary == Some(true))
            .or_else(|| self.team_members.first())
            .map(|m| m.user_id.as_str())
    }

    /// Slot duration in minutes (GHL default 30; `hours` unit converted).
    pub fn slot_minutes(&self) -> u32 {
        let n = self.slot_duration.unwrap_or(30.0);
        let mins = match self.slot_duration_unit.as_deref() {
            Some("hours") => n * 60.0,
            _ => n,
        };
        mins.round().max(1.0) as u32
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventsEnvelope {
    #[serde(default)]
    pub events: Vec<Appointment>,
}

/// `GET /calendars/events/appointments/{eventId}` answers `{event}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventEnvelope {
    pub event: Appointment,
}

/// A calendar event (a cita). Times are ISO-8601 strings; the official schema
/// types them as object, the examples and the live API send strings with an offset.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    pub calendar_id: String,
    #[serde(default)]
    pub location_id: Option<String>,
    #[serde(default)]
    pub contact_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    /// Kept as GHL sends it: new, confirmed, cancelled, showed, noshow,
    /// invalid, and values outside the documented enum (active, completed, booked).
    #[serde(default)]
    pub appointment_status: Option<String>,
    #[serde(default)]
    pub assigned_user_id: Option<String>,
    pub start_time: String,
    pub end_time: String,
    #[serde(default)]
    pub date_added: Option<String>,
    #[serde(default)]
    pub date_updated: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactEnvelope {
    pub contact: Contact,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    #[serde(default)]
    pub location_id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub date_updated: Option<String>,
    /// Do-not-disturb on every channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd: Option<bool>,
    /// Per channel (`SMS`, `WhatsApp`, …): `{status: active|inactive|permanent}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dnd_settings: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Whether a contact's do-not-disturb blocks `channel` (`SMS`, `WhatsApp`),
/// from the contact's JSON as GHL sends it: `dnd: true` blocks all;
/// `dndSettings.<channel>.status` `active` or `permanent` blocks that one.
pub fn dnd_blocks(contact: &Value, channel: &str) -> bool {
    if contact.get("dnd").and_then(Value::as_bool) == Some(true) {
        return true;
    }
    matches!(
        contact
            .pointer(&format!("/dndSettings/{channel}/status"))
            .and_then(Value::as_str),
        Some("active" | "permanent")
    )
}

impl Contact {
    /// "First Last", falling back to GHL's `name`, then email or phone.
    pub fn display_name(&self) -> Option<String> {
        let joined = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !joined.is_empty() {
            return Some(joined);
        }
        self.name
            .clone()
            .or_else(|| self.email.clone())
            .or_else(|| self.phone.clone())
            .filter(|s| !s.trim().is_empty())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersEnvelope {
    #[serde(default)]
    pub users: Vec<User>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            [self.first_name.as_deref(), self.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_status_and_fields_are_kept() {
        let json = r#"{"id":"a1","calendarId":"c1","appointmentStatus":"booked",
            "startTime":"2026-11-23T09:00:00-05:00","endTime":"2026-11-23T09:30:00-05:00",
            "someNewField":{"x":1}}"#;
        let a: Appointment = serde_json::from_str(json).unwrap();
        assert_eq!(a.appointment_status.as_deref(), Some("booked"));
        assert_eq!(a.extra["someNewField"]["x"], 1);
        let back = serde_json::to_value(&a).unwrap();
        assert_eq!(back["someNewField"]["x"], 1);
    }

    #[test]
    fn dnd_per_channel() {
        let c = serde_json::json!({"dnd": false, "dndSettings": {"WhatsApp": {"status": "active"}, "SMS": {"status": "inactive"}}});
        assert!(dnd_blocks(&c, "WhatsApp"));
        assert!(!dnd_blocks(&c, "SMS"));
        assert!(dnd_blocks(&serde_json::json!({"dnd": true}), "SMS"));
        assert!(!dnd_blocks(&serde_json::json!({}), "SMS"));
    }

    #[test]
    fn calendar_helpers() {
        let json = r#"{"id":"c","name":"Fisio","slotDuration":1,"slotDurationUnit":"hours",
            "teamMembers":[{"userId":"u1"},{"userId":"u2","isPrimary":true}]}"#;
        let c: Calendar = serde_json::from_str(json).unwrap();
        assert!(c.is_active);
        assert_eq!(c.slot_minutes(), 60);
        assert_eq!(c.primary_user_id(), Some("u2"));
    }
}
