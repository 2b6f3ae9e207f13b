//! Connections, locations, practitioners (GHL users), calendars and the
//! per-location sync record.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::Store;
use crate::booking::*;
use crate::error::Result;
use crate::mapping::CalendarRow;
use crate::model::*;
use crate::time;
use citadesk_ghl::models::OpenHours;

/// Colours for calendar columns, picked by position so they stay put.
const PALETTE: &[&str] = &[
    "#0f766e", "#7c3aed", "#c2410c", "#1d4ed8", "#be185d", "#4d7c0f", "#b45309", "#0e7490",
];

/// A location's connection settings (no secrets: the token is in the keychain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub location_id: String,
    pub base_url: String,
    pub auth_kind: String,
}

#[derive(Debug, Clone, Default)]
pub struct SyncRecord {
    pub last_success: Option<DateTime<Utc>>,
    pub last_error_code: Option<String>,
}

impl Store {
    pub fn save_connection(&self, row: &ConnectionRow) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO connections (location_id, base_url, auth_kind, added_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (location_id) DO UPDATE SET base_url = excluded.base_url, auth_kind = excluded.auth_kind",
                params![row.location_id, row.base_url, row.auth_kind, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    pub fn connections(&self) -> Result<Vec<ConnectionRow>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT location_id, base_url, auth_kind FROM connections ORDER BY added_at",
            )?;
            let rows = st.query_map([], |r| {
                Ok(ConnectionRow {
                    location_id: r.get(0)?,
                    base_url: r.get(1)?,
                    auth_kind: r.get(2)?,
                })
            })?;
            rows.collect()
        })
    }

    pub fn remove_connection(&self, location_id: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "DELETE FROM connections WHERE location_id = ?1",
                [location_id],
            )
            .map(drop)
        })
    }

    pub fn upsert_location(
        &self,
        id: &str,
        name: &str,
        company_id: Option<&str>,
        zone: &str,
        raw: &str,
    ) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO locations (id, name, company_id, time_zone, raw, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, company_id = excluded.company_id,
                   time_zone = excluded.time_zone, raw = excluded.raw, updated_at = excluded.updated_at",
                params![id, name, company_id, zone, raw, Utc::now().timestamp_millis()],
            )
            .map(drop)
        })
    }

    pub fn location(&self, id: &str) -> Result<Option<LocationInfo>> {
        self.with(|c| {
            c.query_row(
                "SELECT id, name, time_zone FROM locations WHERE id = ?1",
                [id],
                |r| {
                    Ok(LocationInfo {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        time_zone: r.get(2)?,
                    })
                },
            )
            .optional()
        })
    }

    pub fn upsert_users(
        &self,
        location_id: &str,
        users: &[(String, String, String)],
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            {
                let mut st = tx.prepare(
                    "INSERT INTO users (id, location_id, name, raw) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, name = excluded.name, raw = excluded.raw",
                )?;
                for (id, name, raw) in users {
                    st.execute(params![id, location_id, name, raw])?;
                }
            }
            tx.commit()
        })
    }

    /// Replaces the location's calendars with GHL's list.
    pub fn replace_calendars(&self, location_id: &str, calendars: &[CalendarRow]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            let now = Utc::now().timestamp_millis();
            {
                let mut st = tx.prepare(
                    "INSERT INTO calendars (id, location_id, name, is_active, primary_user_id, slot_minutes, open_hours, raw, updated_at, group_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, json_extract(?8, '$.groupId'))
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, name = excluded.name,
                       is_active = excluded.is_active, primary_user_id = excluded.primary_user_id,
                       slot_minutes = excluded.slot_minutes, open_hours = excluded.open_hours,
                       raw = excluded.raw, updated_at = excluded.updated_at, group_id = excluded.group_id",
                )?;
                for cal in calendars {
                    st.execute(params![
                        cal.id, location_id, cal.name, cal.is_active, cal.primary_user_id,
                        cal.slot_minutes, cal.open_hours_json, cal.raw, now
                    ])?;
                }
            }
            let keep: Vec<&str> = calendars.iter().map(|c| c.id.as_str()).collect();
            let existing: Vec<String> = {
                let mut st = tx.prepare("SELECT id FROM calendars WHERE location_id = ?1")?;
                let ids = st.query_map([location_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                ids
            };
            for id in existing.iter().filter(|id| !keep.contains(&id.as_str())) {
                tx.execute("DELETE FROM calendars WHERE id = ?1", [id])?;
            }
            tx.commit()
        })
    }

    pub fn calendar_columns(&self, location_id: &str) -> Result<Vec<CalendarColumn>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT ca.id, ca.name, u.name, ca.is_active FROM calendars ca
                 LEFT JOIN users u ON u.id = ca.primary_user_id
                 WHERE ca.location_id = ?1 ORDER BY ca.name COLLATE NOCASE, ca.id",
            )?;
            let rows = st.query_map([location_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, bool>(3)?,
                ))
            })?;
            rows.enumerate()
                .map(|(i, row)| {
                    row.map(|(id, name, practitioner, is_active)| CalendarColumn {
                        id,
                        name,
                        practitioner,
                        is_active,
                        color: PALETTE[i % PALETTE.len()].to_string(),
                    })
                })
                .collect()
        })
    }

    /// The rules' view of the location's calendars, with the fallback hours
    /// filled in where GHL gives none.
    pub fn calendar_rules(
        &self,
        location_id: &str,
        settings: &LocationSettings,
    ) -> Result<Vec<CalendarRules>> {
        let fallback = fallback_hours(settings);
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, name, is_active, primary_user_id, open_hours FROM calendars WHERE location_id = ?1",
            )?;
            let rows = st.query_map([location_id], |r| {
                let open: String = r.get(4)?;
                let mut hours: Vec<OpenHours> = serde_json::from_str(&open).unwrap_or_default();
                if hours.is_empty() {
                    hours = fallback.clone();
                }
                Ok(CalendarRules {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    is_active: r.get::<_, i64>(2)? != 0,
                    practitioner_id: r.get(3)?,
                    open_hours: hours,
                })
            })?;
            rows.collect()
        })
    }

    /// (calendar id, slot length in minutes) of the location's calendars.
    pub(crate) fn calendar_slot_lengths(&self, location_id: &str) -> Result<Vec<(String, i64)>> {
        self.with(|c| {
            let mut st =
                c.prepare_cached("SELECT id, slot_minutes FROM calendars WHERE location_id = ?1")?;
            let rows = st.query_map([location_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
    }

    pub(crate) fn calendar_slot_minutes(&self, id: &str) -> Result<Option<i64>> {
        self.with(|c| {
            c.query_row(
                "SELECT slot_minutes FROM calendars WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
        })
    }

    pub fn record_sync(
        &self,
        location_id: &str,
        ok: bool,
        error: Option<(&str, &str)>,
    ) -> Result<()> {
        let now = Utc::now().timestamp_millis();
        self.with(|c| {
            c.execute(
                "INSERT INTO sync_state (location_id, last_success_ms, last_attempt_ms, last_error_code, last_error_message)
                 VALUES (?1, CASE WHEN ?2 THEN ?3 END, ?3, ?4, ?5)
                 ON CONFLICT (location_id) DO UPDATE SET
                   last_success_ms = CASE WHEN ?2 THEN ?3 ELSE last_success_ms END,
                   last_attempt_ms = ?3, last_error_code = ?4, last_error_message = ?5",
                params![location_id, ok, now, error.map(|e| e.0), error.map(|e| e.1)],
            )
            .map(drop)
        })
    }

    pub fn sync_record(&self, location_id: &str) -> Result<SyncRecord> {
        self.with(|c| {
            c.query_row(
                "SELECT last_success_ms, last_error_code FROM sync_state WHERE location_id = ?1",
                [location_id],
                |r| {
                    Ok(SyncRecord {
                        last_success: r.get::<_, Option<i64>>(0)?.map(time::from_ms),
                        last_error_code: r.get(1)?,
                    })
                },
            )
            .optional()
            .map(Option::unwrap_or_default)
        })
    }
}
