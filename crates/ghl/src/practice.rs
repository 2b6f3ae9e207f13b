//! The practice around the citas: calendar groups (the clinic's
//! specialties), rooms and equipment (calendar resources), practitioners'
//! schedules and blocked slots, with the block writes. Version 2021-04-15
//! throughout (calendars.json).

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{seg, ApiGroup, GhlClient};
use crate::error::GhlError;
use crate::writes::to_value;

/// `GroupDTO`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarGroup {
    pub id: String,
    pub name: String,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct GroupsEnvelope {
    #[serde(default)]
    groups: Vec<CalendarGroup>,
}

/// `CalendarResourceByIdResponseDTO`: a room (`capacity` citas at once) or
/// equipment (`quantity` less `outOfService`), with the calendars it serves.
/// The spec names no `id`; GHL's answers need one to be addressed at all,
/// so a resource without one (`_id` is taken too) is skipped.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarResource {
    #[serde(default, alias = "_id")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub resource_type: Option<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default)]
    pub capacity: Option<f64>,
    #[serde(default)]
    pub quantity: Option<f64>,
    #[serde(default)]
    pub out_of_service: Option<f64>,
    #[serde(default)]
    pub calendar_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CalendarResource {
    /// How many citas it holds at once: a room's capacity, the equipment
    /// in service; at least one.
    pub fn places(&self) -> u32 {
        let n = if self.resource_type.as_deref() == Some("equipments") {
            self.quantity.unwrap_or(1.0) - self.out_of_service.unwrap_or(0.0)
        } else {
            self.capacity.unwrap_or(1.0)
        };
        n.round().max(1.0) as u32
    }
}

/// `ScheduleIntervalDTO`: `HH:MM` to `HH:MM` in the schedule's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleInterval {
    pub from: String,
    pub to: String,
}

/// `ScheduleRuleDTO`: a weekday (`type: wday`, `day: monday`) or one date
/// (`type: date`, `date: YYYY-MM-DD`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRule {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default)]
    pub intervals: Vec<ScheduleInterval>,
}

/// `ScheduleObjectResponseDTO`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub user_id: String,
    pub timezone: String,
    #[serde(default)]
    pub rules: Vec<ScheduleRule>,
    #[serde(default)]
    pub calendar_ids: Vec<String>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SchedulesEnvelope {
    #[serde(default)]
    schedules: Vec<Schedule>,
}

/// A blocked slot: a calendar's or a practitioner's time off. Listed in the
/// `CalendarEventDTO` shape, answered by writes in
/// `BlockedSlotSuccessfulResponseDto`; times ISO with offset.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockedSlot {
    pub id: String,
    #[serde(default)]
    pub calendar_id: Option<String>,
    #[serde(default)]
    pub assigned_user_id: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub start_time: String,
    pub end_time: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BlockedEnvelope {
    #[serde(default)]
    events: Vec<BlockedSlot>,
}

/// `BlockSlotCreateRequestDTO` / `BlockSlotEditRequestDTO`: a calendar's
/// block or a practitioner's, never both (#23).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct NewBlockSlot {
    pub location_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_user_id: Option<String>,
    pub title: String,
    /// ISO-8601 with the location's offset.
    pub start_time: String,
    pub end_time: String,
}

/// Whose blocks a listing asks for (GHL needs one of them).
#[derive(Debug, Clone, Copy)]
pub enum BlockOwner<'a> {
    Calendar(&'a str),
    User(&'a str),
    /// Every calendar of a group (one call for a specialty's calendars).
    Group(&'a str),
}

/// How many resources a page asks for (the spec requires `limit` and `skip`).
const RESOURCE_PAGE: usize = 100;

impl GhlClient {
    /// `GET /calendars/groups`: the clinic's specialties.
    pub async fn list_groups(&self, location_id: &str) -> Result<Vec<CalendarGroup>, GhlError> {
        let env: GroupsEnvelope = self
            .send_with(
                Method::GET,
                "/calendars/groups",
                &[("locationId", location_id.to_string())],
                None,
                ApiGroup::Calendars,
                Some(location_id),
            )
            .await?;
        Ok(env.groups)
    }

    /// `GET /calendars/resources/{rooms|equipments}`, every page.
    pub async fn list_resources(
        &self,
        location_id: &str,
        resource_type: &str,
    ) -> Result<Vec<CalendarResource>, GhlError> {
        let path = format!("/calendars/resources/{}", seg(resource_type));
        let mut out: Vec<CalendarResource> = Vec::new();
        loop {
            let page: Vec<CalendarResource> = self
                .send_with(
                    Method::GET,
                    &path,
                    &[
                        ("locationId", location_id.to_string()),
                        ("limit", RESOURCE_PAGE.to_string()),
                        ("skip", out.len().to_string()),
                    ],
                    None,
                    ApiGroup::Calendars,
                    Some(location_id),
                )
                .await?;
            let full = page.len() == RESOURCE_PAGE;
            out.extend(page.into_iter().map(|mut r| {
                r.resource_type.get_or_insert_with(|| resource_type.into());
                r
            }));
            if !full {
                return Ok(out);
            }
        }
    }

    /// `GET /calendars/schedules/search`: one practitioner's schedules.
    pub async fn search_schedules(
        &self,
        location_id: &str,
        user_id: &str,
    ) -> Result<Vec<Schedule>, GhlError> {
        let env: SchedulesEnvelope = self
            .send_with(
                Method::GET,
                "/calendars/schedules/search",
                &[
                    ("locationId", location_id.to_string()),
                    ("userId", user_id.to_string()),
                ],
                None,
                ApiGroup::Calendars,
                Some(location_id),
            )
            .await?;
        Ok(env.schedules.into_iter().filter(|s| !s.deleted).collect())
    }

    /// `GET /calendars/blocked-slots` over a window (epoch ms as strings).
    pub async fn list_blocked_slots(
        &self,
        location_id: &str,
        owner: BlockOwner<'_>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<BlockedSlot>, GhlError> {
        let owner = match owner {
            BlockOwner::Calendar(c) => ("calendarId", c.to_string()),
            BlockOwner::User(u) => ("userId", u.to_string()),
            BlockOwner::Group(g) => ("groupId", g.to_string()),
        };
        let env: BlockedEnvelope = self
            .send_with(
                Method::GET,
                "/calendars/blocked-slots",
                &[
                    ("locationId", location_id.to_string()),
                    owner,
                    ("startTime", start.timestamp_millis().to_string()),
                    ("endTime", end.timestamp_millis().to_string()),
                ],
                None,
                ApiGroup::Calendars,
                Some(location_id),
            )
            .await?;
        Ok(env.events)
    }

    /// `POST /calendars/events/block-slots` → 201. Never retried blindly:
    /// the outbox looks for the block before sending it again.
    pub async fn create_block_slot(&self, body: &NewBlockSlot) -> Result<BlockedSlot, GhlError> {
        let json = to_value(body)?;
        self.send_with(
            Method::POST,
            "/calendars/events/block-slots",
            &[],
            Some(&json),
            ApiGroup::Calendars,
            Some(&body.location_id),
        )
        .await
    }

    /// `PUT /calendars/events/block-slots/{eventId}` → 201.
    pub async fn update_block_slot(
        &self,
        event_id: &str,
        body: &NewBlockSlot,
    ) -> Result<BlockedSlot, GhlError> {
        let json = to_value(body)?;
        let path = format!("/calendars/events/block-slots/{}", seg(event_id));
        self.send_with(
            Method::PUT,
            &path,
            &[],
            Some(&json),
            ApiGroup::Calendars,
            Some(&body.location_id),
        )
        .await
    }
}
