//! The sandbox's own records of GHL objects: what GHL stores, not how it
//! answers. `wire.rs` turns these into response bodies.
//!
//! Instants are UTC; each location carries its IANA zone (GHL keeps the zone
//! on the location, calendars have none).

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Location {
    pub id: String,
    pub company_id: String,
    pub name: String,
    /// IANA zone, e.g. `America/Lima`.
    pub timezone: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub country: String,
    pub postal_code: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub settings: LocationSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct LocationSettings {
    pub allow_duplicate_contact: bool,
    pub allow_duplicate_opportunity: bool,
    pub allow_facebook_name_merge: bool,
    pub disable_contact_timezone: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub company_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// GHL role type: `account` (sub-account user) or `agency`.
    pub role_type: String,
    /// GHL role: `admin` or `user`.
    pub role: String,
    pub location_ids: Vec<String>,
    pub deleted: bool,
}

impl User {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CalendarGroup {
    pub id: String,
    pub location_id: String,
    pub name: String,
    /// `GroupDTO` requires one; older state files have none.
    #[serde(default)]
    pub description: String,
    pub slug: String,
    pub is_active: bool,
}

/// A calendar resource (`/calendars/resources/{rooms|equipments}`): a room
/// or a piece of equipment, with the calendars it serves. GHL counts a room
/// by `capacity` (how many citas at once) and equipment by `quantity` less
/// `outOfService`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Resource {
    pub id: String,
    pub location_id: String,
    /// `rooms` or `equipments`, as the path names them.
    pub resource_type: String,
    pub name: String,
    pub description: String,
    pub quantity: u32,
    pub out_of_service: u32,
    pub capacity: u32,
    pub calendar_ids: Vec<String>,
    pub is_active: bool,
}

/// One `ScheduleIntervalDTO`: `HH:MM` to `HH:MM`, local to the schedule's zone.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Interval {
    pub from: String,
    pub to: String,
}

/// One `ScheduleRuleDTO`: every `day` (weekday rule) or one `date`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ScheduleRule {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub intervals: Vec<Interval>,
}

/// A practitioner's availability (`/calendars/schedules`): whose, in which
/// zone, for which calendars.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub id: String,
    pub location_id: String,
    pub user_id: String,
    pub name: String,
    pub timezone: String,
    pub rules: Vec<ScheduleRule>,
    pub calendar_ids: Vec<String>,
    pub date_added: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
}

impl Schedule {
    /// The open intervals of one local day: a date rule replaces the
    /// weekday's rules (an empty date rule closes the day).
    pub fn intervals_on(&self, day: NaiveDate) -> Vec<(NaiveTime, NaiveTime)> {
        let date = day.format("%Y-%m-%d").to_string();
        let weekday = weekday_name(day.weekday());
        let dated: Vec<_> = self
            .rules
            .iter()
            .filter(|r| r.kind == "date" && r.date.as_deref() == Some(date.as_str()))
            .collect();
        let rules: Vec<_> = if dated.is_empty() {
            self.rules
                .iter()
                .filter(|r| r.kind == "wday" && r.day.as_deref() == Some(weekday))
                .collect()
        } else {
            dated
        };
        let hhmm = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        rules
            .iter()
            .flat_map(|r| r.intervals.iter())
            .filter_map(|i| Some((hhmm(&i.from)?, hhmm(&i.to)?)))
            .collect()
    }
}

/// GHL's weekday names in schedule rules.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Sun => "sunday",
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
    }
}

/// A blocked slot: time a calendar (or one practitioner, `assignedUserId`)
/// takes no citas. GHL keeps it as a calendar event without a contact.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct BlockSlot {
    pub id: String,
    pub location_id: String,
    pub calendar_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub title: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub date_added: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
}

impl BlockSlot {
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.start_time < to && from < self.end_time
    }

    /// Whether the block keeps `calendar` (booking for `users`) from taking citas.
    pub fn holds(&self, calendar_id: &str, users: &[&str]) -> bool {
        self.calendar_id.as_deref() == Some(calendar_id)
            || self
                .assigned_user_id
                .as_deref()
                .is_some_and(|u| users.contains(&u))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Calendar {
    pub id: String,
    pub location_id: String,
    pub group_id: Option<String>,
    pub name: String,
    pub description: String,
    pub slug: String,
    /// `round_robin|event|class_booking|collective|service_booking|personal`.
    pub calendar_type: String,
    /// False means draft in GHL.
    pub is_active: bool,
    pub team_members: Vec<TeamMember>,
    pub slot_duration_mins: u32,
    pub slot_interval_mins: u32,
    pub open_hours: Vec<OpenHours>,
    pub auto_confirm: bool,
    pub event_color: String,
    /// Where the cita happens (`locationConfigurations[kind=physical]`).
    pub meeting_address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub user_id: String,
    /// GHL allows only 0, 0.5 and 1.
    pub priority: f64,
    pub is_primary: bool,
}

/// One `openHours` entry: the same hours on several days.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct OpenHours {
    /// 0 = Sunday … 6 = Saturday, as GHL (and JavaScript's getDay) count.
    pub days_of_the_week: Vec<u8>,
    pub hours: Vec<HourRange>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HourRange {
    pub open_hour: u8,
    pub open_minute: u8,
    pub close_hour: u8,
    pub close_minute: u8,
}

impl HourRange {
    pub const fn new(open_hour: u8, open_minute: u8, close_hour: u8, close_minute: u8) -> Self {
        Self {
            open_hour,
            open_minute,
            close_hour,
            close_minute,
        }
    }

    pub fn opens(&self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.open_hour.into(), self.open_minute.into(), 0)
            .unwrap_or(NaiveTime::MIN)
    }

    pub fn closes(&self) -> NaiveTime {
        NaiveTime::from_hms_opt(self.close_hour.into(), self.close_minute.into(), 0)
            .unwrap_or(NaiveTime::MIN)
    }
}

/// GHL's day number for a weekday (Sunday = 0).
pub fn ghl_day_number(day: Weekday) -> u8 {
    day.num_days_from_sunday() as u8
}

impl Calendar {
    /// The open intervals (local wall time) on a given weekday, in order.
    pub fn open_intervals(&self, day: Weekday) -> Vec<(NaiveTime, NaiveTime)> {
        let n = ghl_day_number(day);
        let mut out: Vec<_> = self
            .open_hours
            .iter()
            .filter(|oh| oh.days_of_the_week.contains(&n))
            .flat_map(|oh| oh.hours.iter().map(|h| (h.opens(), h.closes())))
            .collect();
        out.sort();
        out
    }

    /// Whether a local [start, end) on one day fits inside one open interval.
    pub fn is_open_between(&self, day: Weekday, start: NaiveTime, end: NaiveTime) -> bool {
        self.open_intervals(day)
            .iter()
            .any(|(open, close)| *open <= start && end <= *close)
    }

    pub fn primary_user_id(&self) -> Option<&str> {
        self.team_members
            .iter()
            .find(|m| m.is_primary)
            .or_else(|| self.team_members.first())
            .map(|m| m.user_id.as_str())
    }
}

/// Who booked a cita and through what (`createdBy`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreatedBy {
    pub user_id: Option<String>,
    pub source: String,
}

/// A calendar event of kind appointment: a cita.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Appointment {
    pub id: String,
    pub location_id: String,
    pub calendar_id: String,
    pub contact_id: String,
    pub group_id: String,
    pub title: String,
    /// Kept as text: GHL sends values beyond the writable enum
    /// (`active`, `completed`, `booked`), and unknown ones must survive.
    pub appointment_status: String,
    pub assigned_user_id: String,
    pub users: Vec<String>,
    pub address: String,
    pub notes: String,
    pub start_time: DateTime<Utc>,
    pub end_time: DateTime<Utc>,
    pub date_added: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
    pub created_by: CreatedBy,
    /// Set through the API's `description`; seeds leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `custom|zoom|gmeet|phone|address|ms_teams|google`, when a write set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_location_type: Option<String>,
}

impl Appointment {
    /// Overlap with a half-open window [from, to).
    pub fn overlaps(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.start_time < to && from < self.end_time
    }
}

/// Custom field value as GHL returns it on read: `{id, value}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CustomFieldValue {
    pub id: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: String,
    pub location_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// E.164, as GHL normalises it (`+51987654321`).
    pub phone: Option<String>,
    pub gender: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub address1: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
    pub timezone: Option<String>,
    pub source: String,
    pub tags: Vec<String>,
    pub dnd: bool,
    /// Per channel (`SMS`, `WhatsApp`, …): `active|inactive|permanent`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub dnd_settings: BTreeMap<String, String>,
    pub assigned_to: Option<String>,
    pub custom_fields: Vec<CustomFieldValue>,
    pub date_added: DateTime<Utc>,
    pub date_updated: DateTime<Utc>,
    /// Set through the API; seeds leave them out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
}

impl Contact {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A message sent through `POST /conversations/messages` (recorded, never
/// delivered anywhere; read it through the admin API).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub location_id: String,
    pub conversation_id: String,
    pub contact_id: String,
    /// `SMS|WhatsApp|Email|…` as sent.
    #[serde(rename = "type")]
    pub message_type: String,
    pub message: Option<String>,
    pub subject: Option<String>,
    pub html: Option<String>,
    pub appointment_id: Option<String>,
    pub attachments: Vec<String>,
    /// `scheduled` until its time, then `delivered`; `cancelled` when
    /// withdrawn first; inbound messages arrive `delivered`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_id: Option<String>,
    /// `outbound` (sent through the API) or `inbound` (the patient's).
    #[serde(default = "outbound")]
    pub direction: String,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub date_added: DateTime<Utc>,
}

fn outbound() -> String {
    "outbound".into()
}

impl Contact {
    /// GHL's do-not-disturb for one channel: all channels with `dnd`, or
    /// that channel's setting `active`/`permanent`.
    pub fn dnd_blocks(&self, channel: &str) -> bool {
        self.dnd
            || matches!(
                self.dnd_settings.get(channel).map(String::as_str),
                Some("active" | "permanent")
            )
    }
}

impl Message {
    /// A scheduled message whose time came is sent (the sandbox settles
    /// them lazily, whenever messages are read or written).
    pub fn settle(&mut self, now: DateTime<Utc>) {
        if self.status == "scheduled" && self.scheduled_at.is_none_or(|t| t <= now) {
            self.status = "delivered".into();
        }
    }
}
