//! The SQLite replica. One connection behind a mutex: writes are short
//! transactions, network I/O never happens while it is held.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{CoreError, Result};
use crate::model::{CalendarColumn, CitaView, LocationInfo, PatientView, SyncState};
use crate::patients;
use crate::time;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The columns `cita_view_row` reads, in its order.
pub(crate) const CITA_VIEW_SELECT: &str =
    "SELECT ci.id, ci.calendar_id, ci.contact_id, co.display_name, ci.title, ci.status,
            ci.start_ms, ci.end_ms, ci.sync_state
     FROM citas ci LEFT JOIN contacts co ON co.id = ci.contact_id";

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
        sync_state: if r.get::<_, String>(8)? == "pending_push" {
            SyncState::PendingPush
        } else {
            SyncState::Synced
        },
    })
}

/// A patient row (new or updated), with its folded search key.
pub(crate) fn write_contact(
    c: &Connection,
    id: &str,
    location_id: &str,
    display_name: Option<&str>,
    phone: Option<&str>,
    email: Option<&str>,
    raw: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO contacts (id, location_id, display_name, phone, email, raw, updated_at, search_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, phone = excluded.phone,
           email = excluded.email, raw = excluded.raw, updated_at = excluded.updated_at,
           search_key = excluded.search_key",
        params![
            id,
            location_id,
            display_name,
            phone,
            email,
            raw,
            Utc::now().timestamp_millis(),
            patients::search_key(display_name, email, phone)
        ],
    )
    .map(drop)
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

/// Colours for calendar columns, picked by position so they stay put.
const PALETTE: &[&str] = &[
    "#0f766e", "#7c3aed", "#c2410c", "#1d4ed8", "#be185d", "#4d7c0f", "#b45309", "#0e7490",
];

pub struct Store {
    conn: Mutex<Connection>,
}

/// A location's connection settings (no secrets: the token is in the keychain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub location_id: String,
    pub base_url: String,
    pub auth_kind: String,
}

#[derive(Debug, Clone)]
pub struct CalendarRow {
    pub id: String,
    pub location_id: String,
    pub name: String,
    pub is_active: bool,
    pub primary_user_id: Option<String>,
    pub slot_minutes: u32,
    pub open_hours_json: String,
    pub raw: String,
}

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

#[derive(Debug, Clone, Default)]
pub struct SyncRecord {
    pub last_success: Option<DateTime<Utc>>,
    pub last_error_code: Option<String>,
}

impl Store {
    /// Opens (creating if needed) the replica at `path`, in WAL mode, and
    /// applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path).map_err(|e| CoreError::StoreOpen {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        Self::init(conn).map_err(|e| match e {
            CoreError::Store(inner) => CoreError::StoreOpen {
                path: path.display().to_string(),
                reason: format!(
                    "{inner}; move the file aside to start a fresh replica (GHL keeps the data)"
                ),
            },
            other => other,
        })
    }

    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        backfill_search_keys(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        Ok(f(&mut conn)?)
    }

    pub fn schema_version(&self) -> Result<i64> {
        self.with(|c| c.query_row("PRAGMA user_version", [], |r| r.get(0)))
    }

    // ---- settings and connections ----

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT value FROM app_settings WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()
        })
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
            .map(drop)
        })
    }

    pub fn remove_setting(&self, key: &str) -> Result<()> {
        self.with(|c| {
            c.execute("DELETE FROM app_settings WHERE key = ?1", [key])
                .map(drop)
        })
    }

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

    // ---- replica writes ----

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

    pub fn location_company(&self, id: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT company_id FROM locations WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()
            .map(Option::flatten)
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
                    "INSERT INTO calendars (id, location_id, name, is_active, primary_user_id, slot_minutes, open_hours, raw, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET location_id = excluded.location_id, name = excluded.name,
                       is_active = excluded.is_active, primary_user_id = excluded.primary_user_id,
                       slot_minutes = excluded.slot_minutes, open_hours = excluded.open_hours,
                       raw = excluded.raw, updated_at = excluded.updated_at",
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

    pub fn upsert_contact(
        &self,
        id: &str,
        location_id: &str,
        display_name: Option<&str>,
        phone: Option<&str>,
        email: Option<&str>,
        raw: &str,
    ) -> Result<()> {
        self.with(|c| write_contact(c, id, location_id, display_name, phone, email, raw))
    }

    /// Patients of the location whose name, email or phone holds every word
    /// of `query`, accents and case ignored. Local only: instant while typing.
    pub fn search_contacts(
        &self,
        location_id: &str,
        query: &str,
        limit: u32,
    ) -> Result<Vec<PatientView>> {
        let words: Vec<String> = patients::fold(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| {
                format!(
                    "%{}%",
                    w.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                )
            })
            .collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = String::from(
            "SELECT id, display_name, phone, email FROM contacts WHERE location_id = ?1",
        );
        for i in 0..words.len() {
            sql.push_str(&format!(" AND search_key LIKE ?{} ESCAPE '\\'", i + 2));
        }
        sql.push_str(&format!(
            " ORDER BY display_name COLLATE NOCASE LIMIT {limit}"
        ));
        self.with(|c| {
            let mut st = c.prepare(&sql)?;
            let mut args: Vec<&dyn rusqlite::ToSql> = vec![&location_id];
            args.extend(words.iter().map(|w| w as &dyn rusqlite::ToSql));
            let rows = st.query_map(args.as_slice(), |r| {
                Ok(PatientView {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Contacts referenced by citas of the location that the replica lacks.
    /// A contact as GHL sent it, kept with its raw JSON.
    pub fn save_ghl_contact(
        &self,
        location_id: &str,
        c: &citadesk_ghl::models::Contact,
    ) -> Result<()> {
        let raw = serde_json::to_string(c).unwrap_or_default();
        self.upsert_contact(
            &c.id,
            location_id,
            c.display_name().as_deref(),
            c.phone.as_deref(),
            c.email.as_deref(),
            &raw,
        )
    }

    pub fn search_contacts_by_id(&self, id: &str) -> Result<Option<PatientView>> {
        self.with(|c| {
            c.query_row(
                "SELECT id, display_name, phone, email FROM contacts WHERE id = ?1",
                [id],
                |r| {
                    Ok(PatientView {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        phone: r.get(2)?,
                        email: r.get(3)?,
                    })
                },
            )
            .optional()
        })
    }

    pub fn missing_contact_ids(&self, location_id: &str) -> Result<Vec<String>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT DISTINCT ci.contact_id FROM citas ci
                 LEFT JOIN contacts co ON co.id = ci.contact_id
                 WHERE ci.location_id = ?1 AND ci.contact_id IS NOT NULL AND ci.contact_id <> '' AND co.id IS NULL",
            )?;
            let ids = st.query_map([location_id], |r| r.get(0))?.collect();
            ids
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

    // ---- replica reads (what the UI shows) ----

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
            let rows = st.query_map(
                params![
                    location_id,
                    start.timestamp_millis(),
                    end.timestamp_millis()
                ],
                |r| cita_view_row(r, zone),
            )?;
            rows.collect()
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
            let mut st = c.prepare(
                "SELECT id, location_id, calendar_id, contact_id, assigned_user_id, title, status, start_ms, end_ms,
                        date_updated, raw
                 FROM citas WHERE location_id = ?1 AND start_ms >= ?2 AND start_ms < ?3",
            )?;
            let rows = st.query_map(params![location_id, start.timestamp_millis(), end.timestamp_millis()], |r| {
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
            })?;
            rows.collect()
        })
    }

    /// Ids of citas written here and not yet accepted by GHL.
    pub fn pending_cita_ids(&self, location_id: &str) -> Result<std::collections::HashSet<String>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id FROM citas WHERE location_id = ?1 AND sync_state = 'pending_push'
                 UNION SELECT COALESCE(m.ghl_id, o.subject_id) FROM outbox o LEFT JOIN id_map m ON m.local_id = o.subject_id
                 WHERE o.location_id = ?1 AND o.state = 'pending'",
            )?;
            let ids = st.query_map([location_id], |r| r.get(0))?.collect();
            ids
        })
    }

    pub fn save_report(&self, report: &crate::reconcile::ReconciliationReport) -> Result<i64> {
        let json = serde_json::to_string(report).unwrap_or_default();
        self.with(|c| {
            c.execute(
                "INSERT INTO reconciliation_reports (location_id, fecha, created_at, total, report) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![report.location_id, report.fecha, Utc::now().timestamp_millis(), report.counts.total, json],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Stored reports of a location, newest first.
    pub fn reports(
        &self,
        location_id: &str,
        limit: u32,
    ) -> Result<Vec<crate::reconcile::ReconciliationReport>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT id, report FROM reconciliation_reports WHERE location_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
            )?;
            let rows = st.query_map(params![location_id, limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            rows.map(|r| {
                r.and_then(|(id, json)| {
                    serde_json::from_str::<crate::reconcile::ReconciliationReport>(&json)
                        .map(|mut report| {
                            report.id = Some(id);
                            report
                        })
                        .map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
                        })
                })
            })
            .collect()
        })
    }

    pub fn count_citas(&self, location_id: &str) -> Result<i64> {
        self.with(|c| {
            c.query_row(
                "SELECT COUNT(*) FROM citas WHERE location_id = ?1",
                [location_id],
                |r| r.get(0),
            )
        })
    }
}

/// Contacts stored before patient search existed get their key once.
fn backfill_search_keys(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    {
        let mut read = tx
            .prepare("SELECT id, display_name, email, phone FROM contacts WHERE search_key = ''")?;
        type Row = (String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Row> = read
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut write = tx.prepare("UPDATE contacts SET search_key = ?2 WHERE id = ?1")?;
        for (id, name, email, phone) in rows {
            write.execute(params![
                id,
                patients::search_key(name.as_deref(), email.as_deref(), phone.as_deref())
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, (name, sql)) in embedded::MIGRATIONS.iter().enumerate() {
        let version = i as i64 + 1;
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(migration = name, version, "applied migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn cita(id: &str, cal: &str, start_h: u32) -> CitaRow {
        let start = Utc.with_ymd_and_hms(2026, 11, 23, start_h, 0, 0).unwrap();
        CitaRow {
            id: id.into(),
            location_id: "L".into(),
            calendar_id: cal.into(),
            contact_id: None,
            assigned_user_id: None,
            title: format!("Cita {id}"),
            status: "confirmed".into(),
            start,
            end: start + chrono::Duration::minutes(30),
            date_updated: None,
            raw: "{}".into(),
        }
    }

    fn day() -> (DateTime<Utc>, DateTime<Utc>) {
        (
            Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap(),
        )
    }

    #[test]
    fn a_window_replaces_what_ghl_no_longer_lists() {
        let s = Store::open_in_memory().unwrap();
        let w = day();
        assert_eq!(
            s.apply_calendar_window("C1", w, &[cita("a", "C1", 14), cita("b", "C1", 15)], true)
                .unwrap(),
            (2, 0)
        );
        // Another calendar's citas are not touched by C1's window.
        s.apply_calendar_window("C2", w, &[cita("x", "C2", 14)], true)
            .unwrap();
        assert_eq!(
            s.apply_calendar_window("C1", w, &[cita("a", "C1", 16)], true)
                .unwrap(),
            (1, 1)
        );
        let zone = chrono_tz::America::Lima;
        let ids: Vec<String> = s
            .citas_between("L", w.0, w.1, zone)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["x", "a"]);
        // With prune off (GHL sent something unreadable), nothing is removed.
        assert_eq!(
            s.apply_calendar_window("C1", w, &[], false).unwrap(),
            (0, 0)
        );
        assert_eq!(s.count_citas("L").unwrap(), 2);
    }

    #[test]
    fn citas_waiting_to_be_pushed_are_never_pruned() {
        let s = Store::open_in_memory().unwrap();
        let w = day();
        s.apply_calendar_window("C1", w, &[cita("a", "C1", 14)], true)
            .unwrap();
        s.with(|c| {
            c.execute(
                "UPDATE citas SET sync_state = 'pending_push' WHERE id = 'a'",
                [],
            )
        })
        .unwrap();
        s.apply_calendar_window("C1", w, &[], true).unwrap();
        let left = s.citas_between("L", w.0, w.1, chrono_tz::UTC).unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].sync_state, SyncState::PendingPush);
    }

    #[test]
    fn overlap_reads_include_citas_running_into_the_window() {
        let s = Store::open_in_memory().unwrap();
        let w = day();
        // 23:45 the day before to 00:15: overlaps the day.
        let mut late = cita("late", "C1", 0);
        late.start = w.0 - chrono::Duration::minutes(15);
        late.end = w.0 + chrono::Duration::minutes(15);
        // Back to back with the window's end: does not overlap.
        let mut next = cita("next", "C1", 0);
        next.start = w.1;
        next.end = w.1 + chrono::Duration::minutes(30);
        let far = (
            w.0 - chrono::Duration::days(1),
            w.1 + chrono::Duration::days(1),
        );
        s.apply_calendar_window("C1", far, &[late, next], true)
            .unwrap();
        let ids: Vec<String> = s
            .citas_between("L", w.0, w.1, chrono_tz::UTC)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["late"]);
    }

    #[test]
    fn patients_are_found_as_typed() {
        let s = Store::open_in_memory().unwrap();
        s.upsert_contact(
            "c1",
            "L",
            Some("José Núñez Quispe"),
            Some("+51987654321"),
            Some("jose@correo.pe"),
            "{}",
        )
        .unwrap();
        s.upsert_contact(
            "c2",
            "L",
            Some("Ana Ñahui"),
            Some("+51912345678"),
            None,
            "{}",
        )
        .unwrap();
        s.upsert_contact("c3", "M", Some("José Núñez"), None, None, "{}")
            .unwrap();
        let ids = |q: &str| {
            s.search_contacts("L", q, 20)
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("nunez"), ["c1"]);
        assert_eq!(ids("JOSE quispe"), ["c1"]);
        assert_eq!(ids("nahui"), ["c2"]);
        assert_eq!(ids("987 654"), ["c1"]);
        assert_eq!(ids("correo.pe"), ["c1"]);
        assert!(ids("quispe ana").is_empty(), "every word must match");
        assert!(ids("  ").is_empty());
        assert!(ids("100%").is_empty(), "LIKE wildcards are literal");
        assert_eq!(ids("n").len(), 2, "one letter finds both");
    }

    #[test]
    fn migrations_run_once_and_a_corrupt_file_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("citadesk.db");
        let s = Store::open(&path).unwrap();
        let v = s.schema_version().unwrap();
        assert_eq!(v, embedded::MIGRATIONS.len() as i64);
        drop(s);
        assert_eq!(Store::open(&path).unwrap().schema_version().unwrap(), v);

        let bad = dir.path().join("bad.db");
        std::fs::write(
            &bad,
            b"this is not a database, just text that is long enough to be read as a header",
        )
        .unwrap();
        let err = Store::open(&bad).err().expect("a corrupt file is refused");
        assert_eq!(err.code(), "store.open_failed");
        assert!(err.to_string().contains("move the file aside"), "{err}");
        // Nothing was overwritten.
        assert!(std::fs::read(&bad)
            .unwrap()
            .starts_with(b"this is not a database"));
    }
}
