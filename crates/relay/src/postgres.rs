//! The PostgreSQL store, for several relay instances behind a load balancer:
//! the same contract as the SQLite store, on one database they all share.
//!
//! - Cursors: every commit takes the `head` row of `relay_meta` FOR UPDATE
//!   and numbers its events after it. The row lock is held to the commit, so
//!   commits happen in cursor order across instances, and a reader that sees
//!   cursor N has already been able to see every cursor below N.
//! - Durability: each pooled connection runs with `synchronous_commit = on`
//!   whatever the server's default, so a commit that returned is on disk.
//! - Live streams: a commit NOTIFYs the new head inside its transaction;
//!   every instance LISTENs and wakes its open app streams, whichever
//!   instance GHL's webhook happened to reach.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls, Row};
use r2d2_postgres::{r2d2, PostgresConnectionManager};
use tokio::sync::watch;

use crate::store::{Appended, Install, InstallLag, NewEvent, NewInstall, Store, StoredEvent};
use crate::RelayError;

/// Schema migrations, applied in order, once, under an advisory lock (two
/// instances starting together must not both create the tables).
const MIGRATIONS: &[(i32, &str)] = &[(1, include_str!("../migrations/postgres/0001_events.sql"))];
/// Any constant shared by every instance; spells "citadesk".
const SCHEMA_LOCK: i64 = 0x6369_7461_6465_736b;
/// NOTIFY channel carrying the new head after each commit.
const CHANNEL: &str = "citadesk_relay_head";
/// Rows deleted per purge transaction, so writers are never blocked long.
const PURGE_CHUNK: i64 = 5_000;
/// The listener re-reads the head this often even without a notification:
/// it also notices a connection that died silently.
const LISTEN_POLL: Duration = Duration::from_secs(5);

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

pub struct PgStore {
    config: postgres::Config,
    /// Always `Some` until dropped (see `Drop`).
    pool: Option<Pool>,
}

impl Drop for PgStore {
    /// The blocking client closes a connection by driving a small runtime of
    /// its own, which panics on a thread that already drives async tasks, and
    /// the last holder of the store is often one (an axum server dropping its
    /// state on shutdown). So there the pool is closed on a thread of its own.
    fn drop(&mut self) {
        let Some(pool) = self.pool.take() else {
            return;
        };
        if tokio::runtime::Handle::try_current().is_err() {
            return drop(pool);
        }
        std::thread::scope(|s| {
            s.spawn(move || drop(pool));
        });
    }
}

/// Every pooled connection commits durably and names itself in pg_stat_activity.
#[derive(Debug)]
struct Durable;

impl r2d2::CustomizeConnection<Client, postgres::Error> for Durable {
    fn on_acquire(&self, conn: &mut Client) -> Result<(), postgres::Error> {
        conn.batch_execute("SET synchronous_commit = on")
    }
}

impl From<postgres::Error> for RelayError {
    fn from(e: postgres::Error) -> Self {
        RelayError::Storage(format!("PostgreSQL: {e}"))
    }
}

fn unreachable_db(e: impl std::fmt::Display) -> RelayError {
    RelayError::Storage(format!(
        "cannot reach PostgreSQL ({e}); check database_url and that the server is up"
    ))
}

impl PgStore {
    /// Connects to `url` (`postgresql://user:password@host:port/db` or
    /// `host=… dbname=…`), brings the schema up to date and keeps a pool of
    /// up to `pool_size` connections.
    pub fn open(url: &str, pool_size: u32) -> Result<Self, RelayError> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|e| RelayError::Config(format!("database_url: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(5));
        }
        if config.get_application_name().is_none() {
            config.application_name("citadesk-relay");
        }
        let mut client = config.connect(NoTls).map_err(unreachable_db)?;
        migrate(&mut client)?;
        drop(client);
        let pool = r2d2::Pool::builder()
            .max_size(pool_size.max(2))
            .min_idle(Some(2))
            .connection_timeout(Duration::from_secs(5))
            .connection_customizer(Box::new(Durable))
            .build(PostgresConnectionManager::new(config.clone(), NoTls))
            .map_err(unreachable_db)?;
        Ok(PgStore {
            config,
            pool: Some(pool),
        })
    }

    fn conn(&self) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, RelayError> {
        let pool = self
            .pool
            .as_ref()
            .expect("the pool lives as long as the store");
        pool.get().map_err(unreachable_db)
    }
}

fn migrate(client: &mut Client) -> Result<(), RelayError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS relay_schema (
             version     INTEGER PRIMARY KEY,
             applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
         )",
    )?;
    let current: i32 = tx
        .query_one("SELECT COALESCE(max(version), 0) FROM relay_schema", &[])?
        .get(0);
    let known = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if current > known {
        return Err(RelayError::Config(format!(
            "the database's relay schema is version {current}, newer than this relay knows ({known}): upgrade citadesk-relay"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        tx.batch_execute(sql)?;
        tx.execute("INSERT INTO relay_schema (version) VALUES ($1)", &[version])?;
    }
    tx.commit()?;
    Ok(())
}

fn stored_event(r: &Row) -> StoredEvent {
    StoredEvent {
        cursor: r.get(0),
        webhook_id: r.get(1),
        location_id: r.get(2),
        event_type: r.get(3),
        received_at_ms: r.get(4),
        ghl_signature: r.get(5),
        wh_signature: r.get(6),
        body: r.get(7),
    }
}

fn read_install(
    conn: &mut impl postgres::GenericClient,
    id: &str,
) -> Result<Option<Install>, RelayError> {
    let Some(r) = conn.query_opt(
        "SELECT id, name, salt, token_hash, created_at, revoked_at, acked_cursor, acked_at
         FROM relay_installs WHERE id = $1",
        &[&id],
    )?
    else {
        return Ok(None);
    };
    let locations = conn
        .query(
            "SELECT location_id FROM relay_install_locations WHERE install_id = $1 ORDER BY location_id",
            &[&id],
        )?
        .iter()
        .map(|l| l.get(0))
        .collect();
    Ok(Some(Install {
        id: r.get(0),
        name: r.get(1),
        salt: r.get(2),
        token_hash: r.get(3),
        created_at_ms: r.get(4),
        revoked_at_ms: r.get(5),
        acked_cursor: r.get(6),
        acked_at_ms: r.get(7),
        locations,
    }))
}

fn read_head(conn: &mut impl postgres::GenericClient) -> Result<i64, RelayError> {
    Ok(conn
        .query_one("SELECT value FROM relay_meta WHERE key = 'head'", &[])?
        .get(0))
}

fn raise_head(head: &watch::Sender<i64>, to: i64) {
    head.send_if_modified(|h| {
        let moved = to > *h;
        *h = (*h).max(to);
        moved
    });
}

/// Follows the other instances' commits until `stop`: LISTEN, and on each
/// notification raise `head`. Reconnects with backoff; on every (re)connect
/// it reads the head, so a commit made while it was away still wakes streams.
fn listen(config: postgres::Config, head: Arc<watch::Sender<i64>>, stop: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(200);
    while !*stop.borrow() {
        let session = config
            .connect(NoTls)
            .map_err(RelayError::from)
            .and_then(|mut c| {
                c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
                raise_head(&head, read_head(&mut c)?);
                Ok(c)
            });
        let mut client = match session {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(code = e.code(), reason = %e, "cannot follow other instances' commits; retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(200);
        let mut since_poll = Duration::ZERO;
        let tick = Duration::from_millis(500);
        let failed = loop {
            if *stop.borrow() {
                return;
            }
            let next = client.notifications().timeout_iter(tick).next();
            match next {
                Ok(Some(n)) => {
                    if let Ok(top) = n.payload().parse::<i64>() {
                        raise_head(&head, top);
                    }
                }
                Ok(None) => {
                    since_poll += tick;
                    if since_poll >= LISTEN_POLL {
                        since_poll = Duration::ZERO;
                        match read_head(&mut client) {
                            Ok(top) => raise_head(&head, top),
                            Err(e) => break e,
                        }
                    }
                }
                Err(e) => break RelayError::from(e),
            }
        };
        tracing::warn!(code = failed.code(), reason = %failed, "lost the PostgreSQL listener; reconnecting");
    }
}

impl Store for PgStore {
    fn append_batch(&self, events: &[NewEvent]) -> Result<Vec<Appended>, RelayError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        let base: i64 = tx
            .query_one(
                "SELECT value FROM relay_meta WHERE key = 'head' FOR UPDATE",
                &[],
            )?
            .get(0);
        let seqs: Vec<i64> = (1..=events.len() as i64).map(|i| base + i).collect();
        let ids: Vec<&str> = events.iter().map(|e| e.webhook_id.as_str()).collect();
        let locations: Vec<&str> = events.iter().map(|e| e.location_id.as_str()).collect();
        let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
        let received: Vec<i64> = events.iter().map(|e| e.received_at_ms).collect();
        let ghl: Vec<Option<&str>> = events.iter().map(|e| e.ghl_signature.as_deref()).collect();
        let wh: Vec<Option<&str>> = events.iter().map(|e| e.wh_signature.as_deref()).collect();
        let bodies: Vec<&[u8]> = events.iter().map(|e| e.body.as_slice()).collect();
        // One statement for the whole batch; a webhookId already stored (or
        // twice in this batch) is skipped and reported as a duplicate.
        let stored: HashSet<i64> = tx
            .query(
                "INSERT INTO relay_events
                   (seq, webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                                      $5::bigint[], $6::text[], $7::text[], $8::bytea[])
                 ON CONFLICT (webhook_id) DO NOTHING
                 RETURNING seq",
                &[&seqs, &ids, &locations, &types, &received, &ghl, &wh, &bodies],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        if let Some(top) = stored.iter().max() {
            tx.execute(
                "UPDATE relay_meta SET value = $1 WHERE key = 'head'",
                &[top],
            )?;
            // Delivered to every listening instance when (and only if) this commits.
            tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &top.to_string()])?;
        }
        tx.commit()?;
        Ok(seqs
            .iter()
            .map(|s| {
                if stored.contains(s) {
                    Appended::Stored { cursor: *s }
                } else {
                    Appended::Duplicate
                }
            })
            .collect())
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
        let locations: Vec<&str> = locations.iter().map(String::as_str).collect();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = self.conn()?.query(
            "SELECT seq, webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body
             FROM relay_events WHERE location_id = ANY($1) AND seq > $2 ORDER BY seq LIMIT $3",
            &[&locations, &after, &limit],
        )?;
        Ok(rows.iter().map(stored_event).collect())
    }

    fn events_between(&self, after: i64, upto: i64) -> Result<Vec<StoredEvent>, RelayError> {
        let rows = self.conn()?.query(
            "SELECT seq, webhook_id, location_id, type, received_at, ghl_signature, wh_signature, body
             FROM relay_events WHERE seq > $1 AND seq <= $2 ORDER BY seq",
            &[&after, &upto],
        )?;
        Ok(rows.iter().map(stored_event).collect())
    }

    fn head(&self) -> Result<i64, RelayError> {
        read_head(&mut *self.conn()?)
    }

    fn purged_through(&self) -> Result<i64, RelayError> {
        Ok(self
            .conn()?
            .query_one(
                "SELECT value FROM relay_meta WHERE key = 'purged_through'",
                &[],
            )?
            .get(0))
    }

    fn purge_received_before(&self, cutoff_ms: i64) -> Result<u64, RelayError> {
        let mut conn = self.conn()?;
        let mut total = 0u64;
        loop {
            let mut tx = conn.transaction()?;
            let row = tx.query_one(
                "WITH gone AS (
                     DELETE FROM relay_events WHERE seq IN
                       (SELECT seq FROM relay_events WHERE received_at < $1 ORDER BY seq LIMIT $2)
                     RETURNING seq)
                 SELECT count(*), max(seq) FROM gone",
                &[&cutoff_ms, &PURGE_CHUNK],
            )?;
            let (deleted, max_seq): (i64, Option<i64>) = (row.get(0), row.get(1));
            if let Some(max_seq) = max_seq {
                tx.execute(
                    "UPDATE relay_meta SET value = GREATEST(value, $1) WHERE key = 'purged_through'",
                    &[&max_seq],
                )?;
            }
            tx.commit()?;
            total += deleted as u64;
            if deleted < PURGE_CHUNK {
                return Ok(total);
            }
        }
    }

    fn ping(&self) -> Result<(), RelayError> {
        self.conn()?.batch_execute("SELECT 1")?;
        Ok(())
    }

    fn probe_write(&self, at_ms: i64) -> Result<(), RelayError> {
        self.conn()?.execute(
            "INSERT INTO relay_meta (key, value) VALUES ('write_probe', $1)
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&at_ms],
        )?;
        Ok(())
    }

    fn follow_commits(
        &self,
        head: Arc<watch::Sender<i64>>,
        stop: watch::Receiver<bool>,
    ) -> Result<(), RelayError> {
        let config = self.config.clone();
        std::thread::Builder::new()
            .name("relay-pg-listen".into())
            .spawn(move || listen(config, head, stop))
            .map_err(|e| RelayError::Storage(format!("cannot start the listener thread: {e}")))?;
        Ok(())
    }

    fn create_install(&self, install: &NewInstall) -> Result<(), RelayError> {
        let mut conn = self.conn()?;
        let mut tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO relay_installs (id, name, salt, token_hash, created_at)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &install.id,
                &install.name,
                &install.salt,
                &install.token_hash,
                &install.created_at_ms,
            ],
        )?;
        for loc in &install.locations {
            tx.execute(
                "INSERT INTO relay_install_locations (install_id, location_id) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
                &[&install.id, loc],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    fn install(&self, id: &str) -> Result<Option<Install>, RelayError> {
        read_install(&mut *self.conn()?, id)
    }

    fn installs(&self) -> Result<Vec<Install>, RelayError> {
        let mut conn = self.conn()?;
        let ids: Vec<String> = conn
            .query("SELECT id FROM relay_installs ORDER BY created_at, id", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(i) = read_install(&mut *conn, &id)? {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn revoke_install(&self, id: &str, at_ms: i64) -> Result<bool, RelayError> {
        let n = self.conn()?.execute(
            "UPDATE relay_installs SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
            &[&id, &at_ms],
        )?;
        Ok(n > 0)
    }

    fn revoked_installs(&self) -> Result<Vec<String>, RelayError> {
        Ok(self
            .conn()?
            .query(
                "SELECT id FROM relay_installs WHERE revoked_at IS NOT NULL",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn record_ack(&self, id: &str, cursor: i64, at_ms: i64) -> Result<(), RelayError> {
        self.conn()?.execute(
            "UPDATE relay_installs SET acked_cursor = GREATEST(acked_cursor, $2), acked_at = $3
             WHERE id = $1",
            &[&id, &cursor, &at_ms],
        )?;
        Ok(())
    }

    fn install_lags(&self) -> Result<Vec<InstallLag>, RelayError> {
        let rows = self.conn()?.query(
            "SELECT i.id, i.name, i.acked_cursor,
                    (SELECT count(*) FROM relay_events e
                      WHERE e.seq > i.acked_cursor
                        AND e.location_id IN
                            (SELECT location_id FROM relay_install_locations l WHERE l.install_id = i.id))
             FROM relay_installs i WHERE i.revoked_at IS NULL ORDER BY i.id",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| InstallLag {
                id: r.get(0),
                name: r.get(1),
                acked_cursor: r.get(2),
                pending_events: r.get(3),
            })
            .collect())
    }
}
