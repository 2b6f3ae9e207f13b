//! The in-memory GHL: every record the sandbox serves, keyed by id.
//!
//! `World` is plain data (cloneable, serialisable for the admin dump);
//! `Sandbox` wraps it with the locks, the token table and the request log.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use tokio::sync::RwLock;

use crate::auth::TokenStore;
use crate::ids::IdGen;
use crate::model::{Appointment, Calendar, CalendarGroup, Contact, Location, User};
use crate::seed::{self, Seed};

/// A custom field definition (`/locations/{id}/customFields`); contacts
/// reference it by id in `customFields[{id, value}]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CustomFieldDef {
    pub id: String,
    pub location_id: String,
    pub name: String,
    pub field_key: String,
    pub data_type: String,
}

/// Everything GHL knows, for every location the sandbox hosts.
#[derive(Debug, Clone, Serialize, PartialEq)]
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
    /// Continues the seed's id stream, so ids minted later stay deterministic.
    #[serde(skip)]
    pub ids: IdGen,
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
}

/// The running sandbox's shared state.
#[derive(Debug)]
pub struct Sandbox {
    world: RwLock<World>,
    tokens: TokenStore,
    requests: Mutex<VecDeque<RequestRecord>>,
}

impl Sandbox {
    /// A sandbox holding `seed` built around `today`, accepting `pits`
    /// (token → location id). With no PITs, the seed's demo PIT is accepted
    /// for its first location.
    pub fn new(seed: Seed, today: NaiveDate, pits: &[(String, String)]) -> Self {
        let world = seed::build(seed, today);
        let tokens = if pits.is_empty() {
            TokenStore::with_pits([(
                seed::DEMO_PIT.to_string(),
                world.primary_location_id.clone(),
            )])
        } else {
            TokenStore::with_pits(pits.iter().cloned())
        };
        Self {
            world: RwLock::new(world),
            tokens,
            requests: Mutex::new(VecDeque::new()),
        }
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

    /// Replace the whole world with a fresh seed and forget logged requests.
    pub async fn reset(&self, seed: Seed, today: NaiveDate) {
        let fresh = seed::build(seed, today);
        *self.world.write().await = fresh;
        self.requests_lock().clear();
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
