//! The cita as the replica stores it, and the snapshot the audit log and
//! the outbox keep of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone)]
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

/// A cita row as stored, for before/after snapshots and reverts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CitaSnapshotRow {
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
    serde_json::to_string(&CitaSnapshotRow {
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
