//! The in-memory GHL: every record the sandbox serves, keyed by id.
//!
//! `World` is plain data (cloneable, serialisable for the admin dump);
//! `Sandbox` wraps it with the locks, the token table and the request log.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify, RwLock};

use crate::auth::TokenStore;
use crate::faults::Faults;
use crate::ids::IdGen;
use crate::model::{
    Appointment, BlockSlot, Calendar, CalendarGroup, Contact, Location, Message, Resource,
    Schedule, User,
};
use crate::oauth::OAuthStore;
use crate::ops::Change;
use crate::ratelimit::RateLimiter;
use crate::seed::{self, Seed};
use crate::webhooks::WebhookHub;
use crate::SandboxConfig;

/// A custom field definition (`/locations/{id}/customFields`); contacts
/// reference it by id in `customFields[{id, value}]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldDef {
    pub id: String,
    pub location_id: String,
    pub name: String,
    pub field_key: String,
    pub data_type: String,
}

/// Everything GHL knows, for every location the sandbox hosts.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct World {
    pub seed: Seed,
    /// The clinic's "today" the seed was built around.
    pub today: NaiveDate,
    /// The seed's first location: the one `RunningSandbox::location_id` names.
    pub primary_location_id: String,
    pub locations: BTreeMap<String, Location>,
    pub users: BTreeMap<String, User>,
    pub calendar_groups: BTreeMap<String, CalendarGroup>,
    pub calendars: BTreeMap<String, Calendar>,
    pub custom_fields: BTreeMap<String, CustomFieldDef>,
    pub contacts: BTreeMap<String, Contact>,
    pub appointments: BTreeMap<String, Appointment>,
    /// Messages sent through `POST /conversations/messages`, by id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub messages: BTreeMap<String, Message>,
    /// Rooms and equipment (`/calendars/resources/...`), by id.
    #[serde(default)]
    pub resources: BTreeMap<String, Resource>,
    /// Practitioners' schedules, by id.
    #[serde(default)]
    pub schedules: BTreeMap<String, Schedule>,
    /// Blocked slots, by id (GHL lists them apart from citas).
    #[serde(default)]
    pub blocks: BTreeMap<String, BlockSlot>,
    /// Conversation id of each contact that was messaged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub conversations: BTreeMap<String, String>,
    /// Continues the seed's id stream, so ids minted later stay deterministic.
    #[serde(skip)]
    pub ids: IdGen,
    /// Citas by calendar and start, for `GET /calendars/events` over large
    /// seeds. Kept by `ops`; rebuilt by `reindex`.
    #[serde(skip)]
    pub calendar_index: BTreeMap<String, CalendarIndex>,
}

/// One calendar's citas ordered by start.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarIndex {
    pub starts: BTreeSet<(DateTime<Utc>, String)>,
    /// The longest cita ever indexed: how far back an overlap can start.
    pub longest: chrono::Duration,
}

impl World {
    pub fn primary_location(&self) -> &Location {
        &self.locations[&self.primary_location_id]
    }

    /// The location's IANA zone; UTC if the record holds an unknown name.
    pub fn zone_of(&self, location_id: &str) -> Tz {
        self.locations
            .get(location_id)
            .and_then(|l| l.timezone.parse().ok())
            .unwrap_or(Tz::UTC)
    }

    pub fn company_of(&self, location_id: &str) -> Option<&str> {
        self.locations
            .get(location_id)
            .map(|l| l.company_id.as_str())
    }

    /// The group of a block's calendar ("" for a practitioner's block).
    pub fn group_of_block(&self, block: &crate::model::BlockSlot) -> String {
        block
            .calendar_id
            .as_deref()
            .and_then(|c| self.calendars.get(c))
            .and_then(|c| c.group_id.clone())
            .unwrap_or_default()
    }

    /// Rebuild the calendar index from `appointments`.
    pub fn reindex(&mut self) {
        let mut index: BTreeMap<String, CalendarIndex> = BTreeMap::new();
        for a in self.appointments.values() {
            let entry = index.entry(a.calendar_id.clone()).or_default();
            entry.starts.insert((a.start_time, a.id.clone()));
            entry.longest = entry.longest.max(a.end_time - a.start_time);
        }
        self.calendar_index = index;
    }

    pub fn index_insert(&mut self, a: &Appointment) {
        let entry = self
            .calendar_index
            .entry(a.calendar_id.clone())
            .or_default();
        entry.starts.insert((a.start_time, a.id.clone()));
        entry.longest = entry.longest.max(a.end_time - a.start_time);
    }

    pub fn index_remove(&mut self, a: &Appointment) {
        if let Some(entry) = self.calendar_index.get_mut(&a.calendar_id) {
            entry.starts.remove(&(a.start_time, a.id.clone()));
        }
    }

    /// A calendar's citas overlapping [from, to), in start order. Uses the
    /// index unless it disagrees with `appointments` (records changed by
    /// hand), then scans.
    pub fn calendar_events(
        &self,
        calendar_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Vec<&Appointment> {
        let indexed: usize = self.calendar_index.values().map(|i| i.starts.len()).sum();
        if indexed != self.appointments.len() {
            let mut out: Vec<_> = self
                .appointments
                .values()
                .filter(|a| a.calendar_id == calendar_id && a.overlaps(from, to))
                .collect();
            out.sort_by(|a, b| (a.start_time, &a.id).cmp(&(b.start_time, &b.id)));
            return out;
        }
        let Some(index) = self.calendar_index.get(calendar_id) else {
            return Vec::new();
        };
        let earliest = from - index.longest;
        index
            .starts
            .range((earliest, String::new())..(to, String::new()))
            .filter_map(|(_, id)| self.appointments.get(id))
            .filter(|a| a.calendar_id == calendar_id && a.overlaps(from, to))
            .collect()
    }
}

/// How many GHL calls the request log remembers.
pub const REQUEST_LOG_CAP: usize = 100_000;

/// One GHL call as the sandbox saw it (admin API `/_sandbox/requests`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub status: u16,
    pub time: DateTime<Utc>,
    /// The route template matched (`/contacts/{contactId}`), if any.
    pub route: Option<String>,
    /// The `Version` header as sent, so contract tests can check clients.
    pub version: Option<String>,
}

/// What `--state-file` holds: the world and where its id stream stands.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub world: World,
    pub ids: IdGen,
}

/// The running sandbox's shared state.
#[derive(Debug)]
pub struct Sandbox {
    world: RwLock<World>,
    tokens: TokenStore,
    requests: Mutex<VecDeque<RequestRecord>>,
    limiter: RateLimiter,
    faults: Faults,
    webhooks: Arc<WebhookHub>,
    oauth: OAuthStore,
    shutdown: watch::Sender<bool>,
    state_file: Option<PathBuf>,
    dirty: Notify,
}

impl Sandbox {
    /// A sandbox holding `seed` built around `today`, accepting `pits`
    /// (token → location id). With no PITs, the seed's demo PIT is accepted
    /// for its first location. Everything else has GHL's defaults.
    pub fn new(seed: Seed, today: NaiveDate, pits: &[(String, String)]) -> Self {
        Self::from_config(&SandboxConfig {
            seed,
            today: Some(today),
            pits: pits.to_vec(),
            ..Default::default()
        })
        .expect("the default configuration is valid")
    }

    /// A sandbox for `config`; the world comes from its `state_file` when
    /// that exists, else from the seed.
    pub fn from_config(config: &SandboxConfig) -> Result<Self, crate::Error> {
        let today = config.effective_today();
        let world = match config.state_file.as_deref().filter(|p| p.exists()) {
            Some(path) => crate::persist::load(path)?,
            None => seed::build(config.seed, today),
        };
        let tokens = if config.pits.is_empty() {
            TokenStore::with_pits([(
                seed::DEMO_PIT.to_string(),
                world.primary_location_id.clone(),
            )])
        } else {
            TokenStore::with_pits(config.pits.iter().cloned())
        };
        let webhooks = WebhookHub::new(&config.webhooks).map_err(crate::Error::Config)?;
        Ok(Self {
            world: RwLock::new(world),
            tokens,
            requests: Mutex::new(VecDeque::new()),
            limiter: RateLimiter::new(config.rate_limits.clone()),
            faults: Faults::default(),
            webhooks: Arc::new(webhooks),
            oauth: OAuthStore::new(config.oauth_clients.clone(), config.access_token_lifetime),
            shutdown: watch::channel(false).0,
            state_file: config.state_file.clone(),
            dirty: Notify::new(),
        })
    }

    pub async fn read(&self) -> tokio::sync::RwLockReadGuard<'_, World> {
        self.world.read().await
    }

    pub async fn write(&self) -> tokio::sync::RwLockWriteGuard<'_, World> {
        self.world.write().await
    }

    pub fn tokens(&self) -> &TokenStore {
        &self.tokens
    }

    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.limiter
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    pub fn webhooks(&self) -> &Arc<WebhookHub> {
        &self.webhooks
    }

    pub fn oauth(&self) -> &OAuthStore {
        &self.oauth
    }

    pub fn state_file(&self) -> Option<&std::path::Path> {
        self.state_file.as_deref()
    }

    /// Resolves when the sandbox is shutting down (hung requests end then).
    pub async fn shutting_down(&self) {
        let mut rx = self.shutdown.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }

    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
        self.webhooks.close();
    }

    /// Tell the persister the world changed.
    pub fn mark_dirty(&self) {
        if self.state_file.is_some() {
            self.dirty.notify_one();
        }
    }

    pub(crate) async fn dirtied(&self) {
        self.dirty.notified().await
    }

    /// Announce one change: its webhook (unless `webhooks` is false) and the
    /// state file. Call with the world's write lock held, so events leave in
    /// the order the changes were made.
    pub fn announce(&self, world: &World, change: Change, webhooks: bool) {
        if webhooks {
            self.webhooks.emit(change.webhook(world));
        }
        self.mark_dirty();
    }

    /// Replace the whole world with a fresh seed and forget logged requests,
    /// rate-limit counts, pending faults and webhook logs.
    pub async fn reset(&self, seed: Seed, today: NaiveDate) {
        let fresh = seed::build(seed, today);
        *self.world.write().await = fresh;
        self.requests_lock().clear();
        self.limiter.clear();
        self.faults.clear();
        self.webhooks.clear();
        self.mark_dirty();
    }

    /// Keep the newest `REQUEST_LOG_CAP` records: long benchmarks must not
    /// grow the sandbox without bound.
    pub fn log_request(&self, record: RequestRecord) {
        let mut log = self.requests_lock();
        if log.len() == REQUEST_LOG_CAP {
            log.pop_front();
        }
        log.push_back(record);
    }

    /// Logged GHL calls, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.requests_lock().iter().cloned().collect()
    }

    pub fn clear_requests(&self) {
        self.requests_lock().clear();
    }

    fn requests_lock(&self) -> std::sync::MutexGuard<'_, VecDeque<RequestRecord>> {
        // A panic while pushing a record leaves a valid Vec: keep going.
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}
