//! The cita as the replica stores it, and the snapshot the audit log and
//! the outbox keep of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// GHL's `appointmentStatus` for a cancelled cita.
pub const CANCELLED: &str = "cancelled";

/// A cita as the replica stores it and as GHL lists it (normalised by
/// `mapping::cita_row`), which is also what reconciliation compares.
/// `Ord` (id first) only so that duplicates of one id in a listing are
/// resolved the same way whatever their order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CitaRow {
    pub id: String,
    pub location_id: String,
    pub calendar_id: String,
    pub contact_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub title: String,
    pub status: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub date_updated: Option<String>,
    pub raw: String,
}

impl CitaRow {
    pub fn is_cancelled(&self) -> bool {
        self.status == CANCELLED
    }
}

/// A cita as the audit log and the outbox keep it (before/after, reverts):
/// a persisted JSON shape, so its fields do not change with `CitaRow`'s.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CitaSnapshot {
    pub id: String,
    pub calendar_id: String,
    pub contact_id: Option<String>,
    pub assigned_user_id: Option<String>,
    pub title: String,
    pub status: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub date_updated: Option<String>,
}

pub fn snapshot_json(row: &CitaRow) -> String {
    serde_json::to_string(&CitaSnapshot {
        id: row.id.clone(),
        calendar_id: row.calendar_id.clone(),
        contact_id: row.contact_id.clone(),
        assigned_user_id: row.assigned_user_id.clone(),
        title: row.title.clone(),
        status: row.status.clone(),
        start_ms: row.start.timestamp_millis(),
        end_ms: row.end.timestamp_millis(),
        date_updated: row.date_updated.clone(),
    })
    .unwrap_or_default()
}
