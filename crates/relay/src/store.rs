//! Storage behind one trait: SQLite (WAL, `sqlite.rs`) by default, one file
//! for one relay; PostgreSQL (`postgres.rs`) for several relay instances
//! behind a load balancer. The server sees only this trait.
//!
//! The trait is blocking on purpose: the batching writer owns a thread and
//! the HTTP side calls reads through `spawn_blocking`.

use std::sync::Arc;

use tokio::sync::watch;

use crate::RelayError;

/// A verified webhook, ready to be committed.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub webhook_id: String,
    /// Empty for agency-level events (INSTALL without a location): stored,
    /// but no install is scoped to them.
    pub location_id: String,
    pub event_type: String,
    pub received_at_ms: i64,
    pub ghl_signature: Option<String>,
    pub wh_signature: Option<String>,
    pub body: Vec<u8>,
}

/// What happened to one event of a committed batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appended {
    Stored {
        cursor: i64,
    },
    /// Its webhookId was already stored (within retention).
    Duplicate,
}

/// A stored event as delivered to apps.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub cursor: i64,
    pub webhook_id: String,
    pub location_id: String,
    pub event_type: String,
    pub received_at_ms: i64,
    pub ghl_signature: Option<String>,
    pub wh_signature: Option<String>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewInstall {
    pub id: String,
    pub name: String,
    pub locations: Vec<String>,
    pub salt: Vec<u8>,
    pub token_hash: Vec<u8>,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone)]
pub struct Install {
    pub id: String,
    pub name: String,
    pub locations: Vec<String>,
    pub salt: Vec<u8>,
    pub token_hash: Vec<u8>,
    pub created_at_ms: i64,
    pub revoked_at_ms: Option<i64>,
    pub acked_cursor: i64,
    pub acked_at_ms: Option<i64>,
}

/// How far behind one install is, for `/metrics`.
#[derive(Debug, Clone)]
pub struct InstallLag {
    pub id: String,
    pub name: String,
    pub acked_cursor: i64,
    /// Events of its locations after its acknowledged cursor.
    pub pending_events: i64,
}

/// Contract every store keeps:
/// - cursors are unique, increase with commit order and are never reused,
///   even after a purge (a reader that saw cursor N never later finds a new
///   event below N);
/// - a batch is durable when `append_batch` returns Ok;
/// - a webhookId is stored at most once while its event is retained.
pub trait Store: Send + Sync + 'static {
    /// Commits the whole batch in one transaction (one fsync).
    fn append_batch(&self, events: &[NewEvent]) -> Result<Vec<Appended>, RelayError>;
    /// Events of `locations` with cursor > `after`, in cursor order.
    fn events_after(
        &self,
        locations: &[String],
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, RelayError>;
    /// Every event with `after < cursor <= upto`, in cursor order: what a
    /// head move brings, read once for all the streams it wakes.
    fn events_between(&self, after: i64, upto: i64) -> Result<Vec<StoredEvent>, RelayError>;
    /// Highest cursor ever assigned (0 when none).
    fn head(&self) -> Result<i64, RelayError>;
    /// Highest cursor removed by retention (0 when nothing was purged).
    fn purged_through(&self) -> Result<i64, RelayError>;
    /// Removes events received before `cutoff_ms`; returns how many.
    fn purge_received_before(&self, cutoff_ms: i64) -> Result<u64, RelayError>;
    /// Cheap round trip for `/healthz`.
    fn ping(&self) -> Result<(), RelayError>;
    /// A small durable write (a meta row), so `/healthz` learns that a
    /// failing store takes writes again without waiting for a webhook.
    fn probe_write(&self, _at_ms: i64) -> Result<(), RelayError> {
        self.ping()
    }
    /// Where other processes (other relay instances) also commit events,
    /// raises `head` when they do, until `stop`, so this instance's open
    /// streams wake for events GHL posted to another instance. A store
    /// written only by this process's writer has nothing to follow.
    fn follow_commits(
        &self,
        _head: Arc<watch::Sender<i64>>,
        _stop: watch::Receiver<bool>,
    ) -> Result<(), RelayError> {
        Ok(())
    }

    fn create_install(&self, install: &NewInstall) -> Result<(), RelayError>;
    fn install(&self, id: &str) -> Result<Option<Install>, RelayError>;
    fn installs(&self) -> Result<Vec<Install>, RelayError>;
    /// Returns false when no such install exists.
    fn revoke_install(&self, id: &str, at_ms: i64) -> Result<bool, RelayError>;
    /// Ids of every revoked install, for closing their open streams.
    fn revoked_installs(&self) -> Result<Vec<String>, RelayError>;
    /// Records the install's acknowledged cursor (never moves backwards).
    fn record_ack(&self, id: &str, cursor: i64, at_ms: i64) -> Result<(), RelayError>;
    fn install_lags(&self) -> Result<Vec<InstallLag>, RelayError>;
}
