//! The SQLite replica. One connection behind a mutex: writes are short
//! transactions, network I/O never happens while it is held.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection};

use crate::error::{CoreError, Result};
use crate::patients;

mod audit;
mod citas;
mod contacts;
mod live;
mod locations;
mod outbox;
mod record;
mod reports;
mod settings;

pub use crate::mapping::CalendarRow;
pub(crate) use audit::{insert_audit, AuditRecord};
pub(crate) use citas::upsert_cita_row;
pub(crate) use contacts::write_contact;
pub use locations::ConnectionRow;
pub(crate) use outbox::{insert_write, RefusedRow};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the replica at `path`, in WAL mode, and
    /// applies pending migrations.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        private_files(path)?;
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

    #[cfg(any(test, feature = "testing"))]
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

    // ---- replica writes ----

    // ---- replica reads (what the UI shows) ----
}

/// The replica is created 0600 (SQLite gives its -wal and -shm the same
/// mode); files an older version left open are tightened.
fn private_files(path: &Path) -> Result<()> {
    if !path.exists() {
        crate::paths::write_private(path, b"")?;
    }
    for p in [
        path.to_path_buf(),
        sidecar(path, "-wal"),
        sidecar(path, "-shm"),
    ] {
        if p.exists() {
            crate::paths::private_file(&p)?;
        }
    }
    Ok(())
}

/// `citadesk.db` -> `citadesk.db-wal`.
fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    name.into()
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
    use crate::cita::CitaRow;
    use crate::model::SyncState;
    use chrono::{DateTime, TimeZone, Utc};

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
