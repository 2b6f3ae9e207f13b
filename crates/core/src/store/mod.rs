//! The SQLite replica. One connection behind a mutex: writes are short
//! transactions, network I/O never happens while it is held.

use std::path::Path;
use std::sync::Mutex;

use citadesk_ghl::Secret;
use rusqlite::{params, Connection};

use crate::error::{CoreError, Result};
use crate::patients;

mod audit;
pub(crate) mod blocks;
mod cita_list;
mod citas;
mod contacts;
mod dashboard;
mod groups;
mod healed;
mod inbox;
mod live;
mod locations;
mod monitor;
mod outbox;
mod record;
mod reminders;
mod reports;
mod rooms;
mod schedules;
mod settings;
mod staff;

pub use crate::mapping::{BlockRow, CalendarRow};
pub(crate) use audit::{insert_audit, AuditRecord};
pub(crate) use blocks::{remove_block, upsert_block};
pub(crate) use cita_list::ListFilter;
pub(crate) use citas::{cita_row_in, upsert_cita_row};
pub(crate) use contacts::write_contact;
pub(crate) use healed::insert_healed;
pub(crate) use inbox::{insert_answer, AnswerRecord};
pub use locations::ConnectionRow;
pub(crate) use monitor::{AlertRow, WebhookCounts};
pub(crate) use outbox::{insert_write, RefusedRow};
pub(crate) use reminders::{ReminderCandidate, ReminderRow};
pub use staff::StaffRow;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

pub struct Store {
    conn: Mutex<Connection>,
}

/// The replica's page cache, KiB (SQLite's default is 2,000).
const CACHE_KIB: u32 = 16 * 1024;

impl Store {
    /// Opens (creating if needed) the replica at `path`, encrypted with
    /// `key` (SQLCipher; 64 hex digits, see `new_key`), in WAL mode, and
    /// applies pending migrations. A plain SQLite replica of an older
    /// version is encrypted first.
    pub fn open(path: &Path, key: &Secret) -> Result<Self> {
        let failed = |reason: String| CoreError::StoreOpen {
            path: path.display().to_string(),
            reason,
        };
        let raw = raw_key(key).ok_or_else(|| {
            failed("the replica key must be 64 hexadecimal digits (256 bits)".into())
        })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        private_files(path)?;
        if is_plain_sqlite(path)? {
            encrypt_plain(path, &raw)
                .map_err(|e| failed(format!("{e}; the unencrypted replica was left as it was")))?;
        }
        let conn = Connection::open(path).map_err(|e| failed(e.to_string()))?;
        conn.pragma_update(None, "key", &raw)
            .map_err(|e| failed(e.to_string()))?;
        Self::init(conn).map_err(|e| match e {
            CoreError::Store(inner) => failed(format!(
                "{inner}; move the file aside to start a fresh replica (GHL keeps the data)"
            )),
            other => other,
        })
    }

    /// Whether `key` has a replica key's form (64 hex digits).
    pub fn is_key(key: &Secret) -> bool {
        raw_key(key).is_some()
    }

    /// A new replica key: 256 random bits as 64 hex digits.
    pub fn new_key() -> Result<Secret> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes)
            .map_err(|e| CoreError::Io(std::io::Error::other(e.to_string())))?;
        Ok(Secret::new(
            bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        ))
    }

    #[cfg(any(test, feature = "testing"))]
    pub fn open_in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every page read from disk is decrypted (SQLCipher): a page cache
        // that holds a range's indexes (the Panel reads ~4,000 pages for 90
        // days x 20 calendars) decrypts each once, not on every seek. It
        // grows only as pages are read: the week view touches a few dozen.
        conn.pragma_update(None, "cache_size", -(CACHE_KIB as i64))?;
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

/// SQLCipher's raw-key form (`x'..'`): the key is random, so no KDF runs.
fn raw_key(key: &Secret) -> Option<String> {
    let hex = key.expose();
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| format!("x'{hex}'"))
}

fn is_plain_sqlite(path: &Path) -> std::io::Result<bool> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut file = std::fs::File::open(path)?;
    Ok(file.read_exact(&mut head).is_ok() && &head == b"SQLite format 3\0")
}

/// Encrypts a plain replica: `sqlcipher_export` into a private copy beside
/// it, checked with the key, then renamed over the original (which is only
/// replaced once the copy is whole).
fn encrypt_plain(path: &Path, raw: &str) -> rusqlite::Result<()> {
    let copy = sidecar(path, "-encrypting");
    let _ = std::fs::remove_file(&copy);
    let io = |e: std::io::Error| rusqlite::Error::ToSqlConversionFailure(Box::new(e));
    crate::paths::write_private(&copy, b"").map_err(io)?;
    let result = (|| {
        let plain = Connection::open(path)?;
        // Folds the WAL into the file: nothing is left behind in -wal.
        plain.pragma_update(None, "journal_mode", "DELETE")?;
        let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        plain.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![copy.to_string_lossy(), raw],
        )?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.pragma_update(Some("encrypted"), "user_version", version)?;
        plain.execute("DETACH DATABASE encrypted", [])?;
        drop(plain);
        let check = Connection::open(&copy)?;
        check.pragma_update(None, "key", raw)?;
        check.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))?;
        drop(check);
        std::fs::rename(&copy, path).map_err(io)?;
        for stale in [sidecar(path, "-wal"), sidecar(path, "-shm")] {
            let _ = std::fs::remove_file(stale);
        }
        tracing::info!("replica encrypted at rest (SQLCipher)");
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&copy);
    }
    result
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

    const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    #[test]
    fn migrations_run_once_and_a_corrupt_file_says_what_to_do() {
        let key = Secret::new(KEY);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("citadesk.db");
        let s = Store::open(&path, &key).unwrap();
        let v = s.schema_version().unwrap();
        assert_eq!(v, embedded::MIGRATIONS.len() as i64);
        drop(s);
        assert_eq!(
            Store::open(&path, &key).unwrap().schema_version().unwrap(),
            v
        );

        let bad = dir.path().join("bad.db");
        std::fs::write(
            &bad,
            b"this is not a database, just text that is long enough to be read as a header",
        )
        .unwrap();
        let err = Store::open(&bad, &key)
            .err()
            .expect("a corrupt file is refused");
        assert_eq!(err.code(), "store.open_failed");
        assert!(err.to_string().contains("move the file aside"), "{err}");
        // Nothing was overwritten.
        assert!(std::fs::read(&bad)
            .unwrap()
            .starts_with(b"this is not a database"));
    }

    fn header(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap()[..16].to_vec()
    }

    #[test]
    fn the_replica_is_encrypted_and_opens_only_with_its_key() {
        let key = Secret::new(KEY);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("citadesk.db");
        let s = Store::open(&path, &key).unwrap();
        s.upsert_contact("c1", "L", Some("Zenobia Huamanchumo"), None, None, "{}")
            .unwrap();
        s.with(|c| c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"))
            .unwrap();
        drop(s);
        assert_ne!(header(&path), b"SQLite format 3\0");
        let bytes = std::fs::read(&path).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"Zenobia"), "no clear text");

        // Another key, a short one, or none at all: refused, file untouched.
        let other = Secret::new(KEY.replace('0', "1"));
        let err = Store::open(&path, &other).err().expect("wrong key");
        assert_eq!(err.code(), "store.open_failed");
        assert!(Store::open(&path, &Secret::new("abc")).is_err());
        let plain = Connection::open(&path).unwrap();
        assert!(plain
            .query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
            .is_err());
        drop(plain);
        assert_eq!(std::fs::read(&path).unwrap(), bytes);

        let s = Store::open(&path, &key).unwrap();
        assert_eq!(s.search_contacts("L", "zenobia", 5).unwrap().len(), 1);
    }

    #[test]
    fn a_plain_replica_is_encrypted_in_place_and_keeps_its_data() {
        let key = Secret::new(KEY);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("citadesk.db");
        {
            // What an older version left: plain SQLite, rows still in the
            // -wal (copied while open, as after a crash).
            let older = tempfile::tempdir().unwrap();
            let old_path = older.path().join("citadesk.db");
            let mut plain = Connection::open(&old_path).unwrap();
            plain.pragma_update(None, "journal_mode", "WAL").unwrap();
            migrate(&mut plain).unwrap();
            let s = Store {
                conn: Mutex::new(plain),
            };
            s.set_setting("desk_user", "ana").unwrap();
            s.upsert_contact("c1", "L", Some("Zenobia Quispe"), None, None, "{}")
                .unwrap();
            std::fs::copy(&old_path, &path).unwrap();
            std::fs::copy(sidecar(&old_path, "-wal"), sidecar(&path, "-wal")).unwrap();
        }
        assert_eq!(header(&path), b"SQLite format 3\0");

        let s = Store::open(&path, &key).unwrap();
        assert_eq!(
            s.schema_version().unwrap(),
            embedded::MIGRATIONS.len() as i64
        );
        assert_eq!(s.setting("desk_user").unwrap().as_deref(), Some("ana"));
        assert_eq!(s.search_contacts("L", "zenobia", 5).unwrap().len(), 1);
        drop(s);
        assert_ne!(header(&path), b"SQLite format 3\0");
        assert!(!dir.path().join("citadesk.db-encrypting").exists());
        let s = Store::open(&path, &key).unwrap();
        assert_eq!(s.search_contacts("L", "zenobia", 5).unwrap().len(), 1);
        assert!(Store::open(&path, &Secret::new(KEY.replace('0', "1"))).is_err());
    }
}
