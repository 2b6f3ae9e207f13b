//! GHL's write endpoints and the reads a booking needs (free slots, contact
//! search, duplicate check). Writes take ISO-8601 times with an offset, reads
//! take epoch milliseconds (NOTES.md, "Events / appointments").
//!
//! No create here is ever retried blindly: `send_with` repeats only
//! idempotent methods, and the outbox in core looks in GHL first after an
//! ambiguous failure.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{seg, ApiGroup, GhlClient};
use crate::error::GhlError;
use crate::models::{Appointment, Contact, ContactEnvelope};

/// `POST /calendars/events/appointments` body (`AppointmentCreateSchema`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NewAppointment {
    pub calendar_id: String,
    pub location_id: String,
    pub contact_id: String,
    /// ISO-8601 with the location's offset, e.g. `2026-11-23T09:00:00-05:00`.
    pub start_time: String,
    pub end_time: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The front desk books what it sees; GHL's slot grid is advisory here
    /// (its own overlap rules run in core before this is sent).
    pub ignore_free_slot_validation: bool,
    /// false: GHL's automations (reminders) do not run for this write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_notify: Option<bool>,
}

/// `PUT /calendars/events/appointments/{eventId}` body
/// (`AppointmentEditSchema`): only what changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub ignore_free_slot_validation: bool,
}

/// `POST /contacts/` body (`CreateContactDto`): the fields a front desk asks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NewContact {
    pub location_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 (core normalises it; default country PE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `PUT /contacts/{id}` body (`UpdateContactDto`, no locationId).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContactChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// One page of `POST /contacts/search` (observed shape, #289).
#[derive(Debug, Clone, Deserialize)]
pub struct ContactPage {
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub total: u64,
}

#[derive(Debug, Deserialize)]
struct DuplicateAnswer {
    #[serde(default)]
    contact: Option<Contact>,
}

/// Free slot starts by local date (`YYYY-MM-DD`), ISO with offset.
pub type FreeSlots = BTreeMap<String, Vec<String>>;

impl GhlClient {
    pub async fn create_appointment(&self, body: &NewAppointment) -> Result<Appointment, GhlError> {
        let json = to_value(body)?;
        self.send_with(
            Method::POST,
            "/calendars/events/appointments",
            &[],
            Some(&json),
            ApiGroup::Calendars,
            Some(&body.location_id),
        )
        .await
    }

    pub async fn update_appointment(
        &self,
        event_id: &str,
        change: &AppointmentChange,
    ) -> Result<Appointment, GhlError> {
        let json = to_value(change)?;
        let path = format!("/calendars/events/appointments/{}", seg(event_id));
        self.send_with(
            Method::PUT,
            &path,
            &[],
            Some(&json),
            ApiGroup::Calendars,
            None,
        )
        .await
    }

    /// `DELETE /calendars/events/{eventId}` (body `{}`) → 201 `{succeeded}`.
    pub async fn delete_event(&self, event_id: &str) -> Result<(), GhlError> {
        let path = format!("/calendars/events/{}", seg(event_id));
        let _: Value = self
            .send_with(
                Method::DELETE,
                &path,
                &[],
                Some(&Value::Object(Map::new())),
                ApiGroup::Calendars,
                None,
            )
            .await?;
        Ok(())
    }

    /// `GET /calendars/{id}/free-slots`: epoch ms, at most 31 days. Only the
    /// date-shaped keys are slots (the answer also carries `traceId`).
    pub async fn free_slots(
        &self,
        location_id: &str,
        calendar_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        time_zone: &str,
    ) -> Result<FreeSlots, GhlError> {
        let path = format!("/calendars/{}/free-slots", seg(calendar_id));
        let answer: Map<String, Value> = self
            .send_with(
                Method::GET,
                &path,
                &[
                    ("startDate", from.timestamp_millis().to_string()),
                    ("endDate", to.timestamp_millis().to_string()),
                    ("timezone", time_zone.to_string()),
                ],
                None,
                ApiGroup::Calendars,
                Some(location_id),
            )
            .await?;
        let mut slots = FreeSlots::new();
        for (key, day) in answer {
            if !is_date_key(&key) {
                continue;
            }
            let starts = day
                .get("slots")
                .and_then(Value::as_array)
                .map(|items| {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            slots.insert(key, starts);
        }
        Ok(slots)
    }

    pub async fn create_contact(&self, body: &NewContact) -> Result<Contact, GhlError> {
        let json = to_value(body)?;
        let env: ContactEnvelope = self
            .send_with(
                Method::POST,
                "/contacts/",
                &[],
                Some(&json),
                ApiGroup::Contacts,
                Some(&body.location_id),
            )
            .await?;
        Ok(env.contact)
    }

    pub async fn update_contact(
        &self,
        contact_id: &str,
        change: &ContactChange,
    ) -> Result<Contact, GhlError> {
        let json = to_value(change)?;
        let path = format!("/contacts/{}", seg(contact_id));
        let env: ContactEnvelope = self
            .send_with(
                Method::PUT,
                &path,
                &[],
                Some(&json),
                ApiGroup::Contacts,
                None,
            )
            .await?;
        Ok(env.contact)
    }

    /// One page of the location's contacts, oldest first so that paging
    /// through a changing list does not skip anyone added meanwhile.
    pub async fn search_contacts(
        &self,
        location_id: &str,
        query: Option<&str>,
        page: u32,
        page_limit: u32,
    ) -> Result<ContactPage, GhlError> {
        let mut body = serde_json::json!({
            "locationId": location_id,
            "page": page,
            "pageLimit": page_limit,
            "sort": [{"field": "dateAdded", "direction": "asc"}],
        });
        if let Some(q) = query.filter(|q| !q.trim().is_empty()) {
            body["query"] = Value::String(q.trim().to_string());
        }
        self.send_with(
            Method::POST,
            "/contacts/search",
            &[],
            Some(&body),
            ApiGroup::Contacts,
            Some(location_id),
        )
        .await
    }

    /// GHL's duplicate check (`GET /contacts/search/duplicate`), called
    /// before any patient is created. reqwest encodes `+` as `%2B`.
    pub async fn find_duplicate_contact(
        &self,
        location_id: &str,
        phone: Option<&str>,
        email: Option<&str>,
    ) -> Result<Option<Contact>, GhlError> {
        let mut query = vec![("locationId", location_id.to_string())];
        if let Some(p) = phone.filter(|p| !p.is_empty()) {
            query.push(("number", p.to_string()));
        }
        if let Some(e) = email.filter(|e| !e.is_empty()) {
            query.push(("email", e.to_string()));
        }
        let answer: DuplicateAnswer = self
            .send_with(
                Method::GET,
                "/contacts/search/duplicate",
                &query,
                None,
                ApiGroup::Contacts,
                Some(location_id),
            )
            .await?;
        Ok(answer.contact)
    }
}

pub(crate) fn to_value<T: Serialize>(body: &T) -> Result<Value, GhlError> {
    serde_json::to_value(body).map_err(|e| GhlError::Config(format!("request body: {e}")))
}

fn is_date_key(key: &str) -> bool {
    chrono::NaiveDate::parse_from_str(key, "%Y-%m-%d").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_uses_ghl_names_and_skips_absent_fields() {
        let body = NewAppointment {
            calendar_id: "c".into(),
            location_id: "l".into(),
            contact_id: "p".into(),
            start_time: "2026-11-23T09:00:00-05:00".into(),
            end_time: "2026-11-23T09:30:00-05:00".into(),
            title: Some("Control".into()),
            appointment_status: None,
            assigned_user_id: None,
            description: None,
            ignore_free_slot_validation: true,
            to_notify: None,
        };
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["calendarId"], "c");
        assert_eq!(v["ignoreFreeSlotValidation"], true);
        assert!(v.get("appointmentStatus").is_none());
        let change = AppointmentChange {
            appointment_status: Some("showed".into()),
            ..Default::default()
        };
        let v = serde_json::to_value(&change).unwrap();
        assert_eq!(v, serde_json::json!({"appointmentStatus": "showed"}));
    }

    #[test]
    fn only_date_keys_are_slots() {
        assert!(is_date_key("2026-11-23"));
        assert!(!is_date_key("traceId"));
    }
}
