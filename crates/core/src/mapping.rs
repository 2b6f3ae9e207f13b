//! GHL's models as replica rows, normalised once for the sync, live updates,
//! the outbox and reconciliation alike.

use citadesk_ghl::models::{Appointment, Calendar};

use crate::cita::CitaRow;
use crate::error::{CoreError, Result};
use crate::time;

pub(crate) fn calendar_row(location_id: &str, c: &Calendar) -> CalendarRow {
    CalendarRow {
        id: c.id.clone(),
        location_id: location_id.to_string(),
        name: c.name.clone(),
        is_active: c.is_active,
        primary_user_id: c.primary_user_id().map(str::to_string),
        slot_minutes: c.slot_minutes(),
        open_hours_json: serde_json::to_string(&c.open_hours).unwrap_or_else(|_| "[]".into()),
        raw: serde_json::to_string(c).unwrap_or_default(),
    }
}

pub(crate) fn cita_row(location_id: &str, e: &Appointment, zone: chrono_tz::Tz) -> Result<CitaRow> {
    let start = time::parse_ghl_time(&e.start_time, zone)?;
    let end = time::parse_ghl_time(&e.end_time, zone)?;
    if end < start {
        return Err(CoreError::InvalidTime(format!(
            "{} ends before it starts",
            e.id
        )));
    }
    Ok(CitaRow {
        id: e.id.clone(),
        location_id: e
            .location_id
            .clone()
            .unwrap_or_else(|| location_id.to_string()),
        calendar_id: e.calendar_id.clone(),
        contact_id: e.contact_id.clone().filter(|s| !s.is_empty()),
        assigned_user_id: e.assigned_user_id.clone(),
        title: e.title.clone().unwrap_or_default(),
        status: e
            .appointment_status
            .clone()
            .unwrap_or_else(|| "new".to_string()),
        start,
        end,
        date_updated: e.date_updated.clone(),
        raw: serde_json::to_string(e).unwrap_or_default(),
    })
}

#[derive(Debug, Clone)]
pub struct CalendarRow {
    pub id: String,
    /// Written by the benchmarks' fixtures; the store takes the location apart.
    #[allow(dead_code)]
    pub location_id: String,
    pub name: String,
    pub is_active: bool,
    pub primary_user_id: Option<String>,
    pub slot_minutes: u32,
    pub open_hours_json: String,
    pub raw: String,
}

/// A calendar group (a specialty) as the replica keeps it.
pub(crate) fn group_row(g: &citadesk_ghl::CalendarGroup) -> GroupRow {
    GroupRow {
        id: g.id.clone(),
        name: g.name.clone(),
        is_active: g.is_active,
        raw: serde_json::to_string(g).unwrap_or_default(),
    }
}

/// A room or equipment; `None` without an id (nothing could address it).
pub(crate) fn room_row(r: &citadesk_ghl::CalendarResource) -> Option<RoomRow> {
    Some(RoomRow {
        id: r.id.clone()?,
        kind: match r.resource_type.as_deref() {
            Some("equipments") => "equipments".into(),
            _ => "rooms".into(),
        },
        name: r.name.clone(),
        places: r.places(),
        is_active: r.is_active,
        calendar_ids: r.calendar_ids.clone(),
        raw: serde_json::to_string(r).unwrap_or_default(),
    })
}

pub(crate) fn schedule_row(s: &citadesk_ghl::Schedule) -> ScheduleRow {
    ScheduleRow {
        id: s.id.clone(),
        user_id: s.user_id.clone(),
        name: s.name.clone(),
        timezone: s.timezone.clone(),
        rules_json: serde_json::to_string(&s.rules).unwrap_or_else(|_| "[]".into()),
        calendar_ids: s.calendar_ids.clone(),
        raw: serde_json::to_string(s).unwrap_or_default(),
    }
}

/// A blocked slot from GHL, its times read in the location's zone.
pub(crate) fn block_row(
    location_id: &str,
    b: &citadesk_ghl::BlockedSlot,
    zone: chrono_tz::Tz,
) -> Result<BlockRow> {
    Ok(BlockRow {
        id: b.id.clone(),
        location_id: location_id.to_string(),
        calendar_id: b.calendar_id.clone().filter(|c| !c.is_empty()),
        user_id: b
            .assigned_user_id
            .clone()
            .filter(|u| !u.is_empty() && b.calendar_id.as_deref().unwrap_or("").is_empty()),
        title: b.title.clone().unwrap_or_default(),
        start_ms: time::parse_ghl_time(&b.start_time, zone)?.timestamp_millis(),
        end_ms: time::parse_ghl_time(&b.end_time, zone)?.timestamp_millis(),
        sync_state: "synced".into(),
    })
}

/// A calendar group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub is_active: bool,
    pub raw: String,
}

/// A room or equipment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRow {
    pub id: String,
    /// `rooms` or `equipments`.
    pub kind: String,
    pub name: String,
    /// How many citas it holds at once.
    pub places: u32,
    pub is_active: bool,
    pub calendar_ids: Vec<String>,
    pub raw: String,
}

/// A schedule as stored; `rules` and `calendar_ids` are JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub id: String,
    pub user_id: String,
    pub name: Option<String>,
    pub timezone: String,
    pub rules_json: String,
    pub calendar_ids: Vec<String>,
    pub raw: String,
}

/// A block as stored; times in epoch ms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRow {
    pub id: String,
    pub location_id: String,
    pub calendar_id: Option<String>,
    pub user_id: Option<String>,
    pub title: String,
    pub start_ms: i64,
    pub end_ms: i64,
    /// `synced` or `pending_push`.
    pub sync_state: String,
}
