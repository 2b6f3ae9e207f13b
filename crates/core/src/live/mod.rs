//! Live updates: the app's side of the companion relay. The relay receives
//! GHL's webhooks on a public host and streams them (SSE) to each install;
//! this module connects out, re-verifies each webhook's GHL signature on the
//! raw bytes (the relay delivers, it does not author), drops duplicates,
//! applies the change to the replica with the cursor in one transaction,
//! acknowledges, and tells the UI at once. See crates/relay/README.md for
//! the wire protocol.

mod client;
mod sse;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use citadesk_ghl::webhook::WebhookKeys;
use citadesk_ghl::Secret;
use tokio::sync::{watch, Notify};

use crate::cita::CitaRow;
use crate::model::RelayState;

pub(crate) use client::{http, jitter, Event, Session, Target, WebhookFrame};

/// Environment overrides for headless runs and tests: the relay of the
/// active location, read instead of the saved settings when both are set.
pub const RELAY_URL_ENV: &str = "CITADESK_RELAY_URL";
pub const RELAY_TOKEN_ENV: &str = "CITADESK_RELAY_TOKEN";
/// Webhook public keys (comma-separated base64 SPKI) instead of GHL's
/// published ones: a test GHL (ghl-sandbox) signs with its own.
pub const ED25519_KEYS_ENV: &str = "CITADESK_WEBHOOK_ED25519_KEYS";
pub const RSA_KEYS_ENV: &str = "CITADESK_WEBHOOK_RSA_KEYS";

/// Errors of the relay connection.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("relay URL {0:?} is not an http(s) URL")]
    BadUrl(String),
    #[error("the relay refused the install token (HTTP 401)")]
    Unauthorized,
    #[error("the relay could not be reached: {0}")]
    Unreachable(String),
    #[error("the relay answered HTTP {0}")]
    Status(u16),
    #[error("the relay sent nothing for {0:?}")]
    Idle(Duration),
    #[error("the relay sent a frame that could not be read: {0}")]
    Protocol(String),
    #[error("webhook public keys: {0}")]
    Keys(String),
}

impl RelayError {
    pub fn code(&self) -> &'static str {
        match self {
            RelayError::BadUrl(_) => "relay.bad_url",
            RelayError::Unauthorized => "relay.unauthorized",
            RelayError::Unreachable(_) | RelayError::Idle(_) => "relay.unreachable",
            RelayError::Status(_) => "relay.status",
            RelayError::Protocol(_) => "relay.protocol",
            RelayError::Keys(_) => "relay.keys",
        }
    }
}

/// Reconnect pacing: `min` doubling to `max`, with jitter; a connection is
/// dropped when nothing (not even a keep-alive) arrived for `idle`.
#[derive(Debug, Clone, Copy)]
pub struct RelayTuning {
    pub backoff_min: Duration,
    pub backoff_max: Duration,
    pub idle: Duration,
}

impl Default for RelayTuning {
    fn default() -> Self {
        // The relay's keep-alive is 15 s; three missed ones mean a dead link.
        Self {
            backoff_min: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            idle: Duration::from_secs(45),
        }
    }
}

impl RelayTuning {
    /// `CITADESK_RELAY_BACKOFF_MS` (min, max = 30 × min) and
    /// `CITADESK_RELAY_IDLE_SECS`, for tests and IT.
    pub fn with_env_overrides(mut self) -> Self {
        let num = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        if let Some(ms) = num("CITADESK_RELAY_BACKOFF_MS") {
            self.backoff_min = Duration::from_millis(ms.max(10));
            self.backoff_max = self.backoff_min * 30;
        }
        if let Some(s) = num("CITADESK_RELAY_IDLE_SECS") {
            self.idle = Duration::from_secs(s.max(1));
        }
        self
    }
}

#[derive(Default)]
pub(crate) struct LiveInner {
    pub(crate) state: RelayState,
    pub(crate) last_event_at: Option<DateTime<Utc>>,
    /// When `state` last changed (the relay-disconnected alert).
    pub(crate) state_since: Option<DateTime<Utc>>,
    /// Tokens given for this run only (`TokenKeeping::Environment`), by location.
    pub(crate) session_tokens: std::collections::HashMap<String, Secret>,
    pub(crate) keys: Option<Arc<WebhookKeys>>,
    pub(crate) tuning: Option<RelayTuning>,
    /// When the relay last stopped being connected (None while it is, or
    /// never was): the sync loop rides out a short drop before polling.
    pub(crate) left_connected_at: Option<std::time::Instant>,
}

impl LiveInner {
    pub(crate) fn set_state(&mut self, state: RelayState) {
        if state == RelayState::Connected {
            self.left_connected_at = None;
        } else if self.state == RelayState::Connected {
            self.left_connected_at = Some(std::time::Instant::now());
        }
        self.state = state;
    }
}

/// The relay connection's shared state, held by the Desk.
pub struct LiveState {
    inner: Mutex<LiveInner>,
    /// Settings changed: drop the connection and start over.
    pub(crate) reconfigure: Notify,
    /// The desk's active location: the relay settings are per location, so
    /// the connection follows it (a switch drops the old one's stream).
    pub(crate) active: watch::Sender<Option<String>>,
    /// The relay's state changed: the sync loop re-plans its pulls.
    pub(crate) state_changed: Notify,
}

impl Default for LiveState {
    fn default() -> Self {
        Self {
            inner: Mutex::default(),
            reconfigure: Notify::new(),
            active: watch::Sender::new(None),
            state_changed: Notify::new(),
        }
    }
}

impl LiveState {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, LiveInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn state(&self) -> RelayState {
        self.lock().state
    }

    pub fn last_event_at(&self) -> Option<DateTime<Utc>> {
        self.lock().last_event_at
    }

    /// Records the desk's active location; the relay loop reconnects when
    /// it changes. The state shown until then is no longer the old
    /// location's: a running connection reads as connecting, and the last
    /// event time is forgotten.
    pub(crate) fn set_active(&self, location_id: Option<String>) {
        let changed = self.active.send_if_modified(|current| {
            let changed = *current != location_id;
            if changed {
                *current = location_id;
            }
            changed
        });
        if changed {
            let mut inner = self.lock();
            inner.last_event_at = None;
            // Only a running relay loop leaves NotConfigured (the CLI never does).
            if inner.state != RelayState::NotConfigured {
                inner.set_state(RelayState::Connecting);
            }
            drop(inner);
            self.state_changed.notify_one();
        }
    }
}

/// Comma-separated base64 keys from an environment variable.
fn env_keys(name: &str) -> Option<Vec<String>> {
    std::env::var(name).ok().map(|v| {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    })
}

/// GHL's published keys unless the environment names others.
pub(crate) fn default_keys() -> Result<WebhookKeys, RelayError> {
    match (env_keys(ED25519_KEYS_ENV), env_keys(RSA_KEYS_ENV)) {
        (None, None) => Ok(WebhookKeys::ghl_default()),
        (ed, rsa) => WebhookKeys::from_config(&ed.unwrap_or_default(), &rsa.unwrap_or_default())
            .map_err(|e| RelayError::Keys(e.to_string())),
    }
}

/// What became of one webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The replica changed.
    Applied,
    /// The replica already held this (the app's own write echoed back, or a
    /// second event for one change).
    Echo,
    /// The replica holds a newer version (newest `dateUpdated` wins).
    Stale,
    /// A local write of this cita waits in the outbox; the outbox settles it.
    Deferred,
    /// Not something the replica keeps (another location, an unknown type).
    Ignored,
    /// A partial payload named a cita GHL no longer has: the replica keeps
    /// its copy (a delete comes as its own event; the next pull settles it).
    NotFound,
    /// A partial payload whose cita GHL would not give (a refused token,
    /// ...): the replica keeps its copy until the next pull.
    Unfetched,
    /// The signature did not verify or the body was unreadable: not applied.
    Rejected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Echo => "echo",
            Outcome::Stale => "stale",
            Outcome::Deferred => "deferred",
            Outcome::Ignored => "ignored",
            Outcome::NotFound => "not_found",
            Outcome::Unfetched => "unfetched",
            Outcome::Rejected => "rejected",
        }
    }
}

/// One line of the processed-webhook log.
#[derive(Debug, Clone)]
pub struct ProcessedWebhook {
    pub relay_cursor: i64,
    pub webhook_id: String,
    pub event_type: String,
    pub outcome: String,
    pub subject_id: Option<String>,
}

/// What to do to the replica, worked out before the transaction (a partial
/// payload may need a fetch from GHL first).
#[derive(Debug, Clone)]
pub enum Change {
    UpsertCita(CitaRow),
    DeleteCita(String),
    UpsertContact {
        id: String,
        display_name: Option<String>,
        phone: Option<String>,
        email: Option<String>,
        date_updated: Option<String>,
        raw: String,
    },
    DeleteContact(String),
    /// Nothing to change, about one record (logged with its id).
    Untouched {
        id: String,
        outcome: Outcome,
    },
    Nothing(Outcome),
}

/// Identity of a webhook in the log.
#[derive(Debug, Clone)]
pub struct Handled<'a> {
    pub location_id: &'a str,
    pub cursor: i64,
    pub webhook_id: &'a str,
    pub payload_hash: &'a str,
    pub event_type: &'a str,
}
