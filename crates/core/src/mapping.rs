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
