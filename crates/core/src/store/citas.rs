//! The citas of the replica: GHL's windows applied, the agenda's reads,
//! snapshots for the audit log.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};

use super::reminders::reminder_states_in;
use super::Store;
use crate::booking::*;
use crate::cita::*;
use crate::error::Result;
use crate::model::*;
use crate::time;

/// The columns `cita_view_row` reads, in its order (then the location).
pub(crate) const CITA_VIEW_SELECT: &str =
    "SELECT ci.id, ci.calendar_id, ci.contact_id, co.display_name, ci.title, ci.status,
            ci.start_ms, ci.end_ms, ci.sync_state, ci.location_id
     FROM citas ci LEFT JOIN contacts co ON co.id = ci.contact_id";

/// The `sync_state` column as the UI's flag.
pub(crate) fn sync_state_of(column: &str) -> SyncState {
    if column == "pending_push" {
        SyncState::PendingPush
    } else {
        SyncState::Synced
    }
}

/// A cita as the UI shows it, times in the location's zone.
pub(crate) fn cita_view_row(r: &rusqlite::Row<'_>, zone: Tz) -> rusqlite::Result<CitaView> {
    let start = time::from_ms(r.get(6)?);
    let end = time::from_ms(r.get(7)?);
    Ok(CitaView {
        id: r.get(0)?,
        calendar_id: r.get(1)?,
        contact_id: r.get(2)?,
        patient_name: r.get(3)?,
        title: r.get(4)?,
        status: r.get(5)?,
        start_local: time::local_string(start, zone),
        end_local: time::local_string(end, zone),
        start_utc: time::utc_string(start),
        end_utc: time::utc_string(end),
        sync_state: sync_state_of(&r.get::<_, String>(8)?),
        // Filled in by `with_reminders`.
        reminder: None,
    })
}

/// Gives each cita its reminder's state for its current start, read for
/// all of them at once (one query over their span, not one per cita).
fn with_reminders(
    c: &Connection,
    location_id: &str,
    citas: Vec<(CitaView, i64)>,
) -> rusqlite::Result<Vec<CitaView>> {
    let (Some(from), Some(to)) = (
        citas.iter().map(|(_, s)| *s).min(),
        citas.iter().map(|(_, s)| *s).max(),
    ) else {
        return Ok(Vec::new());
    };
    let states = reminder_states_in(c, location_id, from, to + 1)?;
    Ok(citas
        .into_iter()
        .map(|(mut v, start)| {
            v.reminder = states.get(&(v.id.clone(), start)).copied();
            v
        })
        .collect())
}

/// A cita row as the desk or GHL says it is now, in `state` (synced or
/// pending_push), whatever was there before.
pub fn upsert_cita_row(c: &Connection, row: &CitaRow, state: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO citas (id, location_id, calendar_id, contact_id, assigned_user_id, title, status,
            start_ms, end_ms, date_updated, sync_state, raw, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (id) DO UPDATE SET calendar_id = excluded.calendar_id, contact_id = excluded.contact_id,
           assigned_user_id = excluded.assigned_user_id, title = excluded.title, status = excluded.status,
           start_ms = excluded.start_ms, end_ms = excluded.end_ms, date_updated = excluded.date_updated,
           sync_state = excluded.sync_state, raw = excluded.raw, synced_at = excluded.synced_at",
        params![
            row.id,
            row.location_id,
            row.calendar_id,
            row.contact_id,
            row.assigned_user_id,
            row.title,
            row.status,
            row.start.timestamp_millis(),
            row.end.timestamp_millis(),
            row.date_updated,
            state,
            row.raw,
            Utc::now().timestamp_millis()
        ],
    )?;
    Ok(())
}

/// The columns `cita_row_of` reads, in its order.
const CITA_ROW_SELECT: &str =
    "SELECT id, location_id, calendar_id, contact_id, assigned_user_id, title, status, start_ms, end_ms,
            date_updated, raw FROM citas";

fn cita_row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<CitaRow> {
    Ok(CitaRow {
        id: r.get(0)?,
        location_id: r.get(1)?,
        calendar_id: r.get(2)?,
        contact_id: r.get(3)?,
        assigned_user_id: r.get(4)?,
        title: r.get(5)?,
        status: r.get(6)?,
        start: time::from_ms(r.get(7)?),
        end: time::from_ms(r.get(8)?),
        date_updated: r.get(9)?,
        raw: r.get(10)?,
    })
}

/// One cita as stored, inside a transaction (what a change replaces).
pub(crate) fn cita_row_in(c: &Connection, id: &str) -> rusqlite::Result<Option<CitaRow>> {
    c.query_row(
        &format!("{CITA_ROW_SELECT} WHERE id = ?1"),
        [id],
        cita_row_of,
    )
    .optional()
}

impl Store {
    /// Upserts GHL's citas for one calendar and window, and removes the
    /// synced citas of that calendar starting in the window that GHL no longer
    /// lists (unless `prune` is false: GHL sent something unreadable).
    /// Citas waiting to be pushed are never removed here.
    /// Returns (upserted, removed).
    pub fn apply_calendar_window(
        &self,
        calendar_id: &str,
        window: (DateTime<Utc>, DateTime<Utc>),
        citas: &[CitaRow],
        prune: bool,
    ) -> Result<(u32, u32)> {
        self.with(|c| {
            let tx = c.transaction()?;
            let now = Utc::now().timestamp_millis();
            {
                let mut st = tx.prepare(
                    "INSERT INTO citas (id, location_id, calendar_id, contact_id, assigned_user_id, title, status,
                        start_ms, end_ms, date_updated, sync_state, raw, synced_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'synced', ?11, ?12)
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, calendar_id = excluded.calendar_id,
                       contact_id = excluded.contact_id, assigned_user_id = excluded.assigned_user_id,
                       title = excluded.title, status = excluded.status, start_ms = excluded.start_ms,
                       end_ms = excluded.end_ms, date_updated = excluded.date_updated, sync_state = 'synced',
                       raw = excluded.raw, synced_at = excluded.synced_at
                     WHERE citas.sync_state = 'synced'",
                )?;
                for cita in citas {
                    st.execute(params![
                        cita.id, cita.location_id, cita.calendar_id, cita.contact_id, cita.assigned_user_id,
                        cita.title, cita.status, cita.start.timestamp_millis(), cita.end.timestamp_millis(),
                        cita.date_updated, cita.raw, now
                    ])?;
                }
            }
            let listed: std::collections::HashSet<&str> = citas.iter().map(|c| c.id.as_str()).collect();
            let stale: Vec<String> = if !prune {
                Vec::new()
            } else {
                let mut st = tx.prepare(
                    "SELECT id FROM citas WHERE calendar_id = ?1 AND start_ms >= ?2 AND start_ms < ?3 AND sync_state = 'synced'",
                )?;
                let ids = st
                    .query_map(params![calendar_id, window.0.timestamp_millis(), window.1.timestamp_millis()], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                ids.into_iter().filter(|id| !listed.contains(id.as_str())).collect()
            };
            for id in &stale {
                tx.execute("DELETE FROM citas WHERE id = ?1", [id])?;
            }
            tx.commit()?;
            Ok((citas.len() as u32, stale.len() as u32))
        })
    }

    /// Removes synced citas of calendars GHL no longer lists for the location.
    pub fn remove_citas_of_unknown_calendars(&self, location_id: &str) -> Result<u32> {
        self.with(|c| {
            c.execute(
                "DELETE FROM citas WHERE location_id = ?1 AND sync_state = 'synced'
                   AND calendar_id NOT IN (SELECT id FROM calendars WHERE location_id = ?1)",
                [location_id],
            )
            .map(|n| n as u32)
        })
    }

    /// Citas of the location overlapping `[start, end)`, ordered by start.
    /// The index range looks back one day for citas that began earlier: a
    /// clinic's citas are shorter than that, and the bound keeps the scan to
    /// the window instead of the whole past.
    pub fn citas_between(
        &self,
        location_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        zone: Tz,
    ) -> Result<Vec<CitaView>> {
        self.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "{CITA_VIEW_SELECT}
                 WHERE ci.location_id = ?1 AND ci.start_ms < ?3 AND ci.end_ms > ?2
                   AND ci.start_ms >= ?2 - 86400000
                 ORDER BY ci.start_ms, ci.calendar_id"
            ))?;
            let rows = st
                .query_map(
                    params![
                        location_id,
                        start.timestamp_millis(),
                        end.timestamp_millis()
                    ],
                    |r| Ok((cita_view_row(r, zone)?, r.get(6)?)),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            with_reminders(c, location_id, rows)
        })
    }

    /// The location's citas starting in `[start, end)`, as stored.
    pub fn cita_rows_starting_in(
        &self,
        location_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<CitaRow>> {
        self.with(|c| {
            let mut st = c.prepare(&format!(
                "{CITA_ROW_SELECT} WHERE location_id = ?1 AND start_ms >= ?2 AND start_ms < ?3"
            ))?;
            let rows = st.query_map(
                params![
                    location_id,
                    start.timestamp_millis(),
                    end.timestamp_millis()
                ],
                cita_row_of,
            )?;
            rows.collect()
        })
    }

    /// Ids of citas written here and not yet accepted by GHL.
    pub fn pending_cita_ids(&self, location_id: &str) -> Result<std::collections::HashSet<String>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id FROM citas WHERE location_id = ?1 AND sync_state = 'pending_push'
                 UNION SELECT COALESCE(m.ghl_id, o.subject_id) FROM outbox o LEFT JOIN id_map m ON m.local_id = o.subject_id
                 WHERE o.location_id = ?1 AND o.state = 'pending'
                   AND o.kind NOT IN ('send_reminder', 'withdraw_reminder')",
            )?;
            let ids = st.query_map([location_id], |r| r.get(0))?.collect();
            ids
        })
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn count_citas(&self, location_id: &str) -> Result<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM citas WHERE location_id = ?1",
                [location_id],
                |r| r.get(0),
            )
        })
    }

    pub fn cita_snapshot(&self, id: &str) -> Result<Option<(String, CitaSnapshot, String)>> {
        self.with(|c| {
            c.query_row(
                "SELECT location_id, id, calendar_id, contact_id, assigned_user_id, title, status, start_ms, end_ms,
                        date_updated, sync_state
                 FROM citas WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        CitaSnapshot {
                            id: r.get(1)?,
                            calendar_id: r.get(2)?,
                            contact_id: r.get(3)?,
                            assigned_user_id: r.get(4)?,
                            title: r.get(5)?,
                            status: r.get(6)?,
                            start_ms: r.get(7)?,
                            end_ms: r.get(8)?,
                            date_updated: r.get(9)?,
                        },
                        r.get::<_, String>(10)?,
                    ))
                },
            )
            .optional()
        })
    }

    /// Citas of the location that could collide with `[start, end)`.
    pub fn booked_around(
        &self,
        location_id: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<BookedCita>> {
        self.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, calendar_id, assigned_user_id, contact_id, title, status, start_ms, end_ms
                 FROM citas WHERE location_id = ?1 AND start_ms < ?3 AND end_ms > ?2",
            )?;
            let rows = st.query_map(
                params![location_id, start.timestamp_millis(), end.timestamp_millis()],
                |r| {
                    Ok(BookedCita {
                        id: r.get(0)?,
                        calendar_id: r.get(1)?,
                        assigned_user_id: r.get(2)?,
                        contact_id: r.get(3)?,
                        title: r.get(4)?,
                        status: r.get(5)?,
                        start: time::from_ms(r.get(6)?),
                        end: time::from_ms(r.get(7)?),
                    })
                },
            )?;
            rows.collect()
        })
    }

    pub fn cita_view(&self, id: &str, zone: Tz) -> Result<Option<CitaView>> {
        self.with(|c| {
            let found = c
                .query_row(&format!("{CITA_VIEW_SELECT} WHERE ci.id = ?1"), [id], |r| {
                    Ok((cita_view_row(r, zone)?, r.get(6)?, r.get::<_, String>(9)?))
                })
                .optional()?;
            let Some((view, start, location_id)) = found else {
                return Ok(None);
            };
            Ok(with_reminders(c, &location_id, vec![(view, start)])?.pop())
        })
    }
}
