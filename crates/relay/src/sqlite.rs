//! The default store: one SQLite file in WAL mode.
//!
//! Durability: `synchronous=FULL` makes every commit fsync the WAL before it
//! returns, so a 200 survives a power cut, not only a crash of the process
//! (`NORMAL` in WAL mode may lose the last commits on power loss). The cost
//! is one fsync per commit, which the batching writer spreads over many
//! webhooks. Checkpoints stay automatic: they copy already-durable WAL
//! frames into the main file, so they never decide what was acknowledged.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use crate::store::{Appended, Install, InstallLag, NewEvent, NewInstall, Store, StoredEvent};
use crate::RelayError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS events (
    -- AUTOINCREMENT: cursors are never reused, even once retention has
    -- deleted the newest rows.
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id     TEXT NOT NULL UNIQUE,
    location_id    TEXT NOT NULL,
    type           TEXT NOT NULL,
    received_at    INTEGER NOT NULL,
    ghl_signature  TEXT,
    wh_signature   TEXT,
    body           BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_location ON events(location_id, seq);
CREATE INDEX IF NOT EXISTS events_by_received ON events(received_at);
CREATE TABLE IF NOT EXISTS installs (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    salt          BLOB NOT NULL,
    token_hash    BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    acked_cursor  INTEGER NOT NULL DEFAULT 0,
    acked_at      INTEGER
);
CREATE TABLE IF NOT EXISTS install_locations (
    install_id   TEXT NOT NULL REFERENCES installs(id),
    location_id  TEXT NOT NULL,
    PRIMARY KEY (install_id, location_id)
);
CREATE TABLE IF NOT EXISTS meta (
    key    TEXT PRIMARY KEY,
    value  INTEGER NOT NULL
);
";

/// Rows deleted per purge transaction, so the writer is never blocked long.
const PURGE_CHUNK: i64 = 5_000;

pub struct SqliteStore {
    path: PathBuf,
    /// The batching writer's connection (also used for purges).
    writer: Mutex<Connection>,
    /// Idle connections for reads and small writes (tokens, acks).
    pool: Mutex<Vec<Connection>>,
}

impl SqliteStore {
    /// Opens (creating when needed) `relay.sqlite3` in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<Self, RelayError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            RelayError::Storage(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let path = data_dir.join("relay.sqlite3");
        let writer = open_conn(&path)?;
        writer.execute_batch(SCHEMA)?;
        Ok(SqliteStore {
            path,
            writer: Mutex::new(writer),
            pool: Mutex::new(Vec::new()),
        })
    }

    fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, RelayError>,
    ) -> Result<T, RelayError> {
        let pooled = self.pool.lock().map_err(|_| poisoned())?.pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => open_conn(&self.path)?,
        };
        let out = f(&mut conn);
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < 8 {
                pool.push(conn);
            }
        }
        out
    }

    fn with_writer<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, RelayError>,
    ) -> Result<T, RelayError> {
        let mut conn = self.writer.lock().map_err(|_| poisoned())?;
        f(&mut conn)
    }
}

fn poisoned() -> RelayError {
    RelayError::Storage("connection lock poisoned".into())
}

fn open_conn(path: &Path) -> Result<Connection, RelayError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "PRAGMA journal_mode=WAL;
         PRAGMA synchronous=FULL;
         PRAGMA foreign_keys=ON;",
    )?;
    Ok(conn)
}

fn read_install(conn: &Connection, id: &str) -> Result<Option<Install>, RelayError> {
    let install = conn
        .query_row(
            "SELECT id, name, salt, token_hash, created_at, revoked_at, acked_cursor, acked_at
             FROM installs WHERE id = ?1",
            params![id],
            |r| {
                Ok(Install {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    salt: r.get(2)?,
                    token_hash: r.get(3)?,
                    created_at_ms: r.get(4)?,
                    revoked_at_ms: r.get(5)?,
                    acked_cursor: r.get(6)?,
                    acked_at_ms: r.get(7)?,
                    locations: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut install) = install else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT location_id FROM install_locations WHERE install_id = ?1 ORDER BY location_id",
    )?;
    install.locations = stmt
        .query_map(params![id], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(Some(install))
}

/// An event row as `events_after` and `events_between` select it.
fn stored_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        cursor: r.get(0)?,
        webhook_id: r.get(1)?,
        location_id: r.get(2)?,
        event_type: r.get(3)?,
        received_at_ms: r.get(4)?,
        ghl_signature: r.get(5)?,
        wh_signature: r.get(6)?,
        body: r.get(7)?,
    })
}

impl Store for SqliteStore {
    fn append_batch(&self, events: &[NewEvent]) -> Result<Vec<Appended>, RelayError> {
        self.with_writer(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut out = Vec::with_capacity(events.len());
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT INTO events
                       (webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT(webhook_id) DO NOTHING
                     RETURNING seq",
                )?;
                for e in events {
                    let mut rows = stmt.query(params![
                        e.webhook_id,
                        e.location_id,
                        e.event_type,
                        e.received_at_ms,
                        e.ghl_signature,
                        e.wh_signature,
                        e.body,
                    ])?;
                    out.push(match rows.next()? {
                        Some(row) => Appended::Stored { cursor: row.get(0)? },
                        None => Appended::Duplicate,
                    });
                }
            }
            tx.commit()?;
            Ok(out)
        })
    }

    fn events_after(
        &self,
        locations: &[String],
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, RelayError> {
        if locations.is_empty() {
            return Ok(Vec::new());
        }
        self.with_conn(|conn| {
            let marks = vec!["?"; locations.len()].join(",");
            let sql = format!(
                "SELECT seq, webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body
                 FROM events WHERE location_id IN ({marks}) AND seq > ? ORDER BY seq LIMIT ?"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut args: Vec<rusqlite::types::Value> = locations
                .iter()
                .map(|l| rusqlite::types::Value::Text(l.clone()))
                .collect();
            args.push(rusqlite::types::Value::Integer(after));
            args.push(rusqlite::types::Value::Integer(
                i64::try_from(limit).unwrap_or(i64::MAX),
            ));
            let rows = stmt.query_map(params_from_iter(args), stored_event)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn events_between(&self, after: i64, upto: i64) -> Result<Vec<StoredEvent>, RelayError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT seq, webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body
                 FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY seq",
            )?;
            let rows = stmt.query_map(params![after, upto], stored_event)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn head(&self) -> Result<i64, RelayError> {
        self.with_conn(|conn| {
            Ok(conn.query_row(
                "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0)",
                [],
                |r| r.get(0),
            )?)
        })
    }

    fn purged_through(&self) -> Result<i64, RelayError> {
        self.with_conn(|conn| {
            Ok(conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'purged_through'",
                    [],
                    |r| r.get(0),
                )
                .optional()?
                .unwrap_or(0))
        })
    }

    fn purge_received_before(&self, cutoff_ms: i64) -> Result<u64, RelayError> {
        let mut total = 0u64;
        loop {
            let deleted = self.with_writer(|conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let max_seq: Option<i64> = tx.query_row(
                    "SELECT max(seq) FROM (SELECT seq FROM events WHERE received_at < ?1
                     ORDER BY seq LIMIT ?2)",
                    params![cutoff_ms, PURGE_CHUNK],
                    |r| r.get(0),
                )?;
                let Some(max_seq) = max_seq else {
                    return Ok(0);
                };
                let n = tx.execute(
                    "DELETE FROM events WHERE seq <= ?1 AND received_at < ?2",
                    params![max_seq, cutoff_ms],
                )?;
                tx.execute(
                    "INSERT INTO meta(key, value) VALUES ('purged_through', ?1)
                     ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
                    params![max_seq],
                )?;
                tx.commit()?;
                Ok(n)
            })?;
            total += deleted as u64;
            if (deleted as i64) < PURGE_CHUNK {
                return Ok(total);
            }
        }
    }

    fn ping(&self) -> Result<(), RelayError> {
        self.with_conn(|conn| {
            conn.query_row("SELECT count(*) FROM meta", [], |r| r.get::<_, i64>(0))?;
            Ok(())
        })
    }

    fn probe_write(&self, at_ms: i64) -> Result<(), RelayError> {
        self.with_writer(|conn| {
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('write_probe', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [at_ms],
            )?;
            Ok(())
        })
    }

    fn create_install(&self, install: &NewInstall) -> Result<(), RelayError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO installs(id, name, salt, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    install.id,
                    install.name,
                    install.salt,
                    install.token_hash,
                    install.created_at_ms
                ],
            )?;
            for loc in &install.locations {
                tx.execute(
                    "INSERT OR IGNORE INTO install_locations(install_id, location_id) VALUES (?1, ?2)",
                    params![install.id, loc],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn install(&self, id: &str) -> Result<Option<Install>, RelayError> {
        self.with_conn(|conn| read_install(conn, id))
    }

    fn installs(&self) -> Result<Vec<Install>, RelayError> {
        self.with_conn(|conn| {
            let ids = conn
                .prepare("SELECT id FROM installs ORDER BY created_at, id")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(i) = read_install(conn, &id)? {
                    out.push(i);
                }
            }
            Ok(out)
        })
    }

    fn revoke_install(&self, id: &str, at_ms: i64) -> Result<bool, RelayError> {
        self.with_conn(|conn| {
            let n = conn.execute(
                "UPDATE installs SET revoked_at = COALESCE(revoked_at, ?2) WHERE id = ?1",
                params![id, at_ms],
            )?;
            Ok(n > 0)
        })
    }

    fn revoked_installs(&self) -> Result<Vec<String>, RelayError> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare("SELECT id FROM installs WHERE revoked_at IS NOT NULL")?
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn record_ack(&self, id: &str, cursor: i64, at_ms: i64) -> Result<(), RelayError> {
        self.with_conn(|conn| {
            conn.execute(
                "UPDATE installs SET acked_cursor = max(acked_cursor, ?2), acked_at = ?3 WHERE id = ?1",
                params![id, cursor, at_ms],
            )?;
            Ok(())
        })
    }

    fn install_lags(&self) -> Result<Vec<InstallLag>, RelayError> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT i.id, i.name, i.acked_cursor,
                        (SELECT count(*) FROM events e
                          WHERE e.seq > i.acked_cursor
                            AND e.location_id IN
                                (SELECT location_id FROM install_locations l WHERE l.install_id = i.id))
                 FROM installs i WHERE i.revoked_at IS NULL ORDER BY i.id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(InstallLag {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    acked_cursor: r.get(2)?,
                    pending_events: r.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, loc: &str, at: i64) -> NewEvent {
        NewEvent {
            webhook_id: id.into(),
            location_id: loc.into(),
            event_type: "AppointmentCreate".into(),
            received_at_ms: at,
            ghl_signature: Some("sig".into()),
            wh_signature: None,
            body: format!("{{\"webhookId\":\"{id}\"}}").into_bytes(),
        }
    }

    #[test]
    fn cursors_increase_duplicates_are_not_stored_and_survive_purge() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqliteStore::open(dir.path()).expect("open");
        let out = store
            .append_batch(&[
                event("a", "L1", 1),
                event("b", "L2", 2),
                event("a", "L1", 3),
            ])
            .expect("append");
        assert_eq!(out[0], Appended::Stored { cursor: 1 });
        assert_eq!(out[1], Appended::Stored { cursor: 2 });
        assert_eq!(out[2], Appended::Duplicate);
        assert_eq!(
            store
                .events_after(&["L1".into()], 0, 10)
                .expect("read")
                .len(),
            1
        );

        // Purge everything: the next cursor must still be above the old ones.
        assert_eq!(store.purge_received_before(10).expect("purge"), 2);
        assert_eq!(store.purged_through().expect("purged"), 2);
        // (A duplicate's attempted insert may use up a number: cursors skip,
        // they never go back.)
        let out = store.append_batch(&[event("c", "L1", 20)]).expect("append");
        let Appended::Stored { cursor } = out[0] else {
            panic!("stored expected")
        };
        assert!(cursor > 2, "cursor {cursor} reused");
        assert_eq!(store.head().expect("head"), cursor);
    }
}
