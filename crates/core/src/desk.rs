//! The front desk: one long-lived service per process that owns the replica,
//! the GHL client for the active location and the sync loop. The Tauri
//! commands and the CLI are thin calls over it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use citadesk_ghl::rate_limit::RateLimiter;
use citadesk_ghl::{ClientConfig, GhlClient, Secret, TokenStore};
use tokio::sync::Notify;

use crate::error::{CoreError, Result};
use crate::model::*;
use crate::reconcile::{self, ReconciliationReport};
use crate::store::{ConnectionRow, Store};
use crate::sync::{self, SyncWindow};
use crate::{paths, time};

mod connect;
mod health;
pub use connect::{OAuthConnectRequest, SystemBrowser};
pub use health::{HealthReport, OperationHealth, RateLimitHealth, TokenHealth};

/// Environment variable with a Private Integration Token for headless use
/// (CLI, cron, CI), read instead of the keychain when set.
pub const TOKEN_ENV: &str = "CITADESK_GHL_TOKEN";

const ACTIVE_LOCATION: &str = "active_location";
const LOCALE: &str = "locale";

/// Receives what the UI must hear about: the app forwards these as events.
pub trait Notifier: Send + Sync {
    fn status_changed(&self, status: &AppStatus);
    fn replica_changed(&self, location_id: &str);
    /// A reconciliation run's progress (calendars done of total).
    fn reconcile_progress(&self, _progress: &crate::reconcile_fix::ReconcileProgress) {}
    /// A scheduled reconciliation found differences (a desktop notification).
    fn reconciliation_found(&self, _report: &ReconciliationReport) {}
}

/// Where a connected location's token is kept between runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKeeping {
    /// The OS keychain (the app, and IT at a desk).
    Keychain,
    /// Nowhere: headless use passes it in `CITADESK_GHL_TOKEN` on every run.
    Environment,
}

/// The built-in demo clinic's connection (served by ghl-sandbox).
#[derive(Debug, Clone)]
pub struct DemoConnection {
    pub base_url: String,
    pub location_id: String,
    pub token: Secret,
}

#[derive(Debug, Clone)]
pub struct DeskOptions {
    pub data_dir: PathBuf,
    pub demo: Option<DemoConnection>,
    /// Pause between syncs while GHL answers.
    pub sync_interval: Duration,
    /// Pause between attempts while GHL is out of reach.
    pub retry_interval: Duration,
    pub window: SyncWindow,
}

impl DeskOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            demo: None,
            sync_interval: Duration::from_secs(300),
            retry_interval: Duration::from_secs(15),
            window: SyncWindow::default(),
        }
    }

    /// Interval overrides from the environment (`CITADESK_SYNC_INTERVAL_SECS`,
    /// `CITADESK_RETRY_SECS`), for tests and IT.
    pub fn with_env_overrides(mut self) -> Self {
        let secs = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        if let Some(s) = secs("CITADESK_SYNC_INTERVAL_SECS") {
            self.sync_interval = Duration::from_secs(s.max(1));
        }
        if let Some(s) = secs("CITADESK_RETRY_SECS") {
            self.retry_interval = Duration::from_secs(s.max(1));
        }
        self
    }
}

pub(crate) struct Runtime {
    connection: ConnectionState,
    last_error: Option<(ErrorPayload, ErrorPayload)>,
    client: Option<(String, Arc<GhlClient>)>,
}

pub struct Desk {
    pub(crate) options: DeskOptions,
    pub(crate) store: Store,
    pub(crate) tokens: TokenStore,
    pub(crate) limiter: Arc<RateLimiter>,
    pub(crate) runtime: Mutex<Runtime>,
    notice: Option<(ErrorPayload, ErrorPayload)>,
    reconcile_lock: tokio::sync::Mutex<()>,
    sync_lock: tokio::sync::Mutex<()>,
    pub(crate) wake: Notify,
    pub(crate) push_lock: tokio::sync::Mutex<()>,
    pub(crate) slot_cache: Mutex<crate::frontdesk::SlotCache>,
    pub(crate) notifier: Mutex<Option<Arc<dyn Notifier>>>,
    /// The companion relay's connection (live/).
    pub(crate) live: crate::live::LiveState,
}

impl Desk {
    /// Opens the replica under `options.data_dir` (the demo's own folder in
    /// demo mode) and works out the starting state from it.
    pub fn open(options: DeskOptions) -> Result<Arc<Self>> {
        let (store, notice) = open_or_set_aside(&paths::replica_path(&options.data_dir))?;
        if let Some(demo) = &options.demo {
            store.save_connection(&ConnectionRow {
                location_id: demo.location_id.clone(),
                base_url: demo.base_url.clone(),
                auth_kind: "pit".into(),
            })?;
            store.set_setting(ACTIVE_LOCATION, &demo.location_id)?;
        }
        let desk = Arc::new(Self {
            options,
            store,
            tokens: TokenStore::new(),
            limiter: Arc::new(RateLimiter::new()),
            runtime: Mutex::new(Runtime {
                connection: ConnectionState::NotConnected,
                last_error: None,
                client: None,
            }),
            notice,
            reconcile_lock: tokio::sync::Mutex::new(()),
            sync_lock: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            push_lock: tokio::sync::Mutex::new(()),
            slot_cache: Mutex::new(Default::default()),
            notifier: Mutex::new(None),
            live: Default::default(),
        });
        let initial = match desk.active_location()? {
            None => ConnectionState::NotConnected,
            Some(loc) => {
                let rec = desk.store.sync_record(&loc)?;
                match rec.last_error_code.as_deref() {
                    Some("network.unreachable" | "network.timeout") => ConnectionState::Offline,
                    Some(_) => ConnectionState::Error,
                    None if rec.last_success.is_some() => ConnectionState::Online,
                    None => ConnectionState::Syncing,
                }
            }
        };
        desk.runtime.lock().unwrap().connection = initial;
        desk.active_location_changed();
        Ok(desk)
    }

    pub fn data_dir(&self) -> &Path {
        &self.options.data_dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn is_demo(&self) -> bool {
        self.options.demo.is_some()
    }

    pub fn set_notifier(&self, notifier: Arc<dyn Notifier>) {
        *self.notifier.lock().unwrap() = Some(notifier);
    }

    pub fn locale(&self) -> Locale {
        match self.store.setting(LOCALE).ok().flatten().as_deref() {
            Some("en") => Locale::En,
            _ => Locale::EsPe,
        }
    }

    pub fn set_locale(&self, locale: Locale) -> Result<AppStatus> {
        let value = if locale == Locale::En { "en" } else { "es-PE" };
        self.store.set_setting(LOCALE, value)?;
        let status = self.status()?;
        self.notify_status(&status);
        Ok(status)
    }

    /// The location the desk works on: the saved choice, else the first connected.
    pub fn active_location(&self) -> Result<Option<String>> {
        if let Some(id) = self.store.setting(ACTIVE_LOCATION)? {
            if self
                .store
                .connections()?
                .iter()
                .any(|c| c.location_id == id)
            {
                return Ok(Some(id));
            }
        }
        Ok(self
            .store
            .connections()?
            .into_iter()
            .next()
            .map(|c| c.location_id))
    }

    pub(crate) fn require_location(&self) -> Result<(LocationInfo, chrono_tz::Tz)> {
        let id = self.active_location()?.ok_or(CoreError::NotConnected)?;
        let info = self.store.location(&id)?.ok_or(CoreError::NotConnected)?;
        let zone = time::parse_zone(&info.time_zone)?;
        Ok((info, zone))
    }

    pub fn status(&self) -> Result<AppStatus> {
        let locale = self.locale();
        let location_id = self.active_location()?;
        let location = match &location_id {
            Some(id) => self.store.location(id)?,
            None => None,
        };
        let last_success = match &location_id {
            Some(id) => self.store.sync_record(id)?.last_success,
            None => None,
        };
        let zone = location
            .as_ref()
            .and_then(|l| time::parse_zone(&l.time_zone).ok());
        let relay_last = self.live.last_event_at();
        let rt = self.runtime.lock().unwrap();
        Ok(AppStatus {
            location,
            connection: if location_id.is_none() {
                ConnectionState::NotConnected
            } else {
                rt.connection
            },
            last_sync_at: last_success.map(|t| t.to_rfc3339()),
            last_sync_local: last_success.zip(zone).map(|(t, z)| time::hhmm(t, z)),
            last_error: rt.last_error.as_ref().map(|(es, en)| {
                if locale == Locale::En {
                    en.clone()
                } else {
                    es.clone()
                }
            }),
            demo: self.is_demo(),
            notice: self.notice.as_ref().map(|(es, en)| {
                if locale == Locale::En {
                    en.clone()
                } else {
                    es.clone()
                }
            }),
            locale,
            pending_writes: match &location_id {
                Some(id) => self.store.pending_writes(id)?,
                None => 0,
            },
            refused_writes: match &location_id {
                Some(id) => self.store.unacknowledged_refusal_count(id)?,
                None => 0,
            },
            relay: self.live.state(),
            relay_last_event_at: relay_last.map(|t| t.to_rfc3339()),
            relay_last_event_local: relay_last.zip(zone).map(|(t, z)| time::hhmm(t, z)),
        })
    }

    /// The week holding `week_start` (any date of it; default: this week),
    /// read from the replica only.
    pub fn week_view(&self, week_start: Option<&str>) -> Result<WeekView> {
        let started = std::time::Instant::now();
        let (location, zone) = self.require_location()?;
        let today = time::today_in(zone, Utc::now());
        let anchor = match week_start {
            Some(s) => time::parse_date(s)?,
            None => today,
        };
        let monday = time::monday_of(anchor);
        let (start, end) = time::days_range(monday, 7, zone);
        let view = WeekView {
            calendars: self.store.calendar_columns(&location.id)?,
            citas: self.store.citas_between(&location.id, start, end, zone)?,
            week_start: monday.to_string(),
            today: today.to_string(),
            location,
        };
        tracing::debug!(
            citas = view.citas.len(),
            us = started.elapsed().as_micros() as u64,
            "week view read"
        );
        Ok(view)
    }

    /// One day's agenda (default: today in the location's zone).
    pub fn day_agenda(&self, date: Option<&str>) -> Result<DayAgenda> {
        let (location, zone) = self.require_location()?;
        let day = match date {
            Some(s) => time::parse_date(s)?,
            None => time::today_in(zone, Utc::now()),
        };
        let (start, end) = time::days_range(day, 1, zone);
        Ok(DayAgenda {
            calendars: self.store.calendar_columns(&location.id)?,
            citas: self.store.citas_between(&location.id, start, end, zone)?,
            date: day.to_string(),
            location,
        })
    }

    /// Patients of the active location matching what is typed (local replica).
    pub fn search_patients(&self, query: &str, limit: u32) -> Result<Vec<PatientView>> {
        let (location, _) = self.require_location()?;
        self.store
            .search_contacts(&location.id, query, limit.clamp(1, 200))
    }

    /// Verifies a Private Integration Token by fetching its location, then
    /// stores the token in the keychain (unless `keep` says the token comes
    /// from the environment on each run) and the connection in the replica.
    pub async fn connect_pit(
        &self,
        base_url: &str,
        location_id: &str,
        token: Secret,
        keep: TokenKeeping,
    ) -> Result<LocationInfo> {
        let client =
            GhlClient::new(ClientConfig::new(base_url, token.clone()).for_location(location_id))?
                .with_limiter(self.limiter.clone());
        let location = client.get_location(location_id).await?;
        let zone = location.timezone.clone().unwrap_or_else(|| "UTC".into());
        time::parse_zone(&zone)?;
        if keep == TokenKeeping::Keychain {
            let tokens = self.tokens.clone();
            let account = TokenStore::pit_account(location_id);
            tokio::task::spawn_blocking(move || tokens.save(&account, &token))
                .await
                .map_err(|e| CoreError::Io(std::io::Error::other(e)))??;
        }
        let name = location.name.clone().unwrap_or_else(|| location.id.clone());
        let raw = serde_json::to_string(&location).unwrap_or_default();
        self.store.upsert_location(
            &location.id,
            &name,
            location.company_id.as_deref(),
            &zone,
            &raw,
        )?;
        self.store.save_connection(&ConnectionRow {
            location_id: location.id.clone(),
            base_url: base_url.trim_end_matches('/').to_string(),
            auth_kind: "pit".into(),
        })?;
        self.store.set_setting(ACTIVE_LOCATION, &location.id)?;
        self.runtime.lock().unwrap().client = None;
        self.active_location_changed();
        self.wake.notify_one();
        Ok(LocationInfo {
            id: location.id,
            name,
            time_zone: zone,
        })
    }

    /// Every connected location, the active one marked.
    pub fn connections(&self) -> Result<Vec<ConnectionInfo>> {
        let active = self.active_location()?;
        self.store
            .connections()?
            .into_iter()
            .map(|c| {
                let loc = self.store.location(&c.location_id)?;
                Ok(ConnectionInfo {
                    active: active.as_deref() == Some(c.location_id.as_str()),
                    name: loc
                        .as_ref()
                        .map(|l| l.name.clone())
                        .unwrap_or_else(|| c.location_id.clone()),
                    time_zone: loc.map(|l| l.time_zone),
                    location_id: c.location_id,
                    base_url: c.base_url,
                    auth_kind: c.auth_kind,
                })
            })
            .collect()
    }

    /// Makes another connected location the one the desk works on.
    pub fn switch_location(&self, location_id: &str) -> Result<AppStatus> {
        if !self
            .store
            .connections()?
            .iter()
            .any(|c| c.location_id == location_id)
        {
            return Err(CoreError::NotConnected);
        }
        self.store.set_setting(ACTIVE_LOCATION, location_id)?;
        self.runtime.lock().unwrap().client = None;
        self.slot_cache.lock().unwrap().clear();
        // The relay connection is per location too.
        self.active_location_changed();
        self.wake.notify_one();
        let status = self.status()?;
        self.notify_status(&status);
        if let Some(n) = self.notifier() {
            n.replica_changed(location_id);
        }
        Ok(status)
    }

    /// Forgets a location: its connection, and its token leaves the keychain.
    pub async fn disconnect(&self, location_id: &str) -> Result<()> {
        let tokens = self.tokens.clone();
        let account = TokenStore::pit_account(location_id);
        tokio::task::spawn_blocking(move || tokens.delete(&account))
            .await
            .map_err(|e| CoreError::Io(std::io::Error::other(e)))??;
        self.forget_oauth(location_id).await?;
        self.store.remove_connection(location_id)?;
        self.runtime.lock().unwrap().client = None;
        self.active_location_changed();
        self.notify_status_now();
        self.wake.notify_one();
        Ok(())
    }

    pub(crate) async fn client_for(&self, location_id: &str) -> Result<Arc<GhlClient>> {
        if let Some((id, client)) = &self.runtime.lock().unwrap().client {
            if id == location_id {
                return Ok(client.clone());
            }
        }
        let conn = self
            .store
            .connections()?
            .into_iter()
            .find(|c| c.location_id == location_id)
            .ok_or(CoreError::NotConnected)?;
        let client = if conn.auth_kind == "oauth" {
            Arc::new(self.oauth_client(&conn.base_url, location_id).await?)
        } else {
            Arc::new(self.pit_client(&conn.base_url, location_id).await?)
        };
        self.runtime.lock().unwrap().client = Some((location_id.to_string(), client.clone()));
        Ok(client)
    }

    async fn pit_client(&self, base_url: &str, location_id: &str) -> Result<GhlClient> {
        let token = match &self.options.demo {
            Some(demo) if demo.location_id == location_id => demo.token.clone(),
            _ => match std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()) {
                Some(t) => Secret::new(t),
                None => {
                    let tokens = self.tokens.clone();
                    let account = TokenStore::pit_account(location_id);
                    tokio::task::spawn_blocking(move || tokens.load(&account))
                        .await
                        .map_err(|e| CoreError::Io(std::io::Error::other(e)))??
                }
            },
        };
        // One limiter for the process: a client rebuilt after a token change
        // spends the same quota.
        Ok(
            GhlClient::new(ClientConfig::new(base_url, token).for_location(location_id))?
                .with_limiter(self.limiter.clone()),
        )
    }

    /// Pulls the active location from GHL into the replica. One at a time.
    pub async fn sync_now(&self) -> Result<SyncSummary> {
        let _one_at_a_time = self.sync_lock.lock().await;
        let location_id = self.active_location()?.ok_or(CoreError::NotConnected)?;
        {
            // While offline or failing, the banner stays up during retries.
            let mut rt = self.runtime.lock().unwrap();
            if matches!(
                rt.connection,
                ConnectionState::Online | ConnectionState::NotConnected
            ) {
                rt.connection = ConnectionState::Syncing;
            }
        }
        self.notify_status_now();
        let result = match self.client_for(&location_id).await {
            Ok(client) => {
                sync::pull_location(
                    &client,
                    &self.store,
                    &location_id,
                    self.options.window,
                    Utc::now(),
                )
                .await
            }
            Err(e) => Err(e),
        };
        match &result {
            Ok(summary) => {
                self.store.record_sync(&location_id, true, None)?;
                let mut rt = self.runtime.lock().unwrap();
                rt.connection = ConnectionState::Online;
                rt.last_error = None;
                drop(rt);
                tracing::info!(
                    location = %location_id,
                    citas = summary.citas_upserted,
                    removed = summary.citas_removed,
                    calls = summary.ghl_calls,
                    ms = summary.duration_ms,
                    "sync done"
                );
            }
            Err(e) => {
                let es = e.payload(Locale::EsPe);
                let en = e.payload(Locale::En);
                self.store
                    .record_sync(&location_id, false, Some((e.code(), &en.message)))?;
                let mut rt = self.runtime.lock().unwrap();
                rt.connection = if e.is_offline() {
                    ConnectionState::Offline
                } else {
                    ConnectionState::Error
                };
                if matches!(
                    e,
                    CoreError::Ghl(
                        citadesk_ghl::GhlError::AuthExpired { .. }
                            | citadesk_ghl::GhlError::ReconnectRequired { .. }
                    )
                ) {
                    // A new token may be stored by then; read it again next time.
                    rt.client = None;
                }
                rt.last_error = Some((es, en));
                drop(rt);
                tracing::warn!(location = %location_id, code = e.code(), "sync failed: {e}");
            }
        }
        self.notify_status_now();
        if result.is_ok() {
            if let Some(n) = self.notifier() {
                n.replica_changed(&location_id);
            }
        }
        result
    }

    /// Compares GHL and the replica over `[today - days_back, today +
    /// days_ahead + 1)` in the location's zone, one GHL call per calendar per
    /// window of at most 31 days, and stores the report. Writes still pending
    /// in the outbox are not reported as drift.
    pub async fn reconcile(&self, days_back: i64, days_ahead: i64) -> Result<ReconciliationReport> {
        self.reconcile_with(
            days_back,
            days_ahead,
            crate::reconcile_fix::RunTrigger::Manual,
        )
        .await
    }

    pub async fn reconcile_with(
        &self,
        days_back: i64,
        days_ahead: i64,
        trigger: crate::reconcile_fix::RunTrigger,
    ) -> Result<ReconciliationReport> {
        self.reconcile_around(None, days_back, days_ahead, trigger)
            .await
    }

    /// A run whose window is placed around `anchor` (a date in the
    /// location's zone; default today), which is also the report's `fecha`.
    pub async fn reconcile_around(
        &self,
        anchor: Option<chrono::NaiveDate>,
        days_back: i64,
        days_ahead: i64,
        trigger: crate::reconcile_fix::RunTrigger,
    ) -> Result<ReconciliationReport> {
        let _one_at_a_time = self.reconcile_lock.lock().await;
        let started = std::time::Instant::now();
        let (location, zone) = self.require_location()?;
        let client = self.client_for(&location.id).await?;
        let calls_before = client.calls();
        let today = anchor.unwrap_or_else(|| time::today_in(zone, Utc::now()));
        let window = time::days_range(
            today - chrono::Duration::days(days_back),
            days_back + days_ahead + 1,
            zone,
        );
        let calendars = client.list_calendars(&location.id).await?;
        let mut ghl = Vec::new();
        let mut unreadable = std::collections::HashSet::new();
        let progress = |done: usize| {
            if let Some(n) = self.notifier() {
                n.reconcile_progress(&crate::reconcile_fix::ReconcileProgress {
                    location_id: location.id.clone(),
                    done: done as u32,
                    total: calendars.len() as u32,
                });
            }
        };
        progress(0);
        for (done, cal) in calendars.iter().enumerate() {
            if done > 0 {
                progress(done);
            }
            for w in time::windows(window.0, window.1, sync::MAX_WINDOW_DAYS) {
                let events = client
                    .list_events(&citadesk_ghl::EventsQuery {
                        location_id: &location.id,
                        calendar_id: &cal.id,
                        start: w.0,
                        end: w.1,
                    })
                    .await?;
                for e in events.iter().filter(|e| e.calendar_id == cal.id) {
                    match reconcile::CitaSnapshot::from_ghl(e, zone) {
                        // Same rule as the replica: a cita belongs to the window it starts in.
                        Ok(s) if s.start >= window.0 && s.start < window.1 => ghl.push(s),
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!(cita = %e.id, "GHL sent a cita that could not be read: {err}");
                            unreadable.insert(e.id.clone());
                        }
                    }
                }
            }
        }
        progress(calendars.len());
        let mut local: Vec<reconcile::CitaSnapshot> = self
            .store
            .cita_rows_starting_in(&location.id, window.0, window.1)?
            .into_iter()
            .filter(|r| !unreadable.contains(&r.id))
            .map(reconcile::CitaSnapshot::from)
            .collect();
        // Creates GHL refused are here and not in GHL until someone acts.
        for refused in self.store.refused_cita_creates(&location.id)? {
            let start = time::from_ms(refused.plan.start_ms);
            if start >= window.0
                && start < window.1
                && self.store.refusal_open(refused.outbox_id)?
            {
                local.push(reconcile::CitaSnapshot {
                    id: refused.local_id,
                    calendar_id: refused.plan.calendar_id,
                    contact_id: Some(refused.plan.contact_ref),
                    assigned_user_id: refused.plan.assigned_user_id,
                    title: refused.plan.title,
                    status: "confirmed".into(),
                    start,
                    end: time::from_ms(refused.plan.end_ms),
                });
            }
        }
        let pending = self.store.pending_cita_ids(&location.id)?;
        let diff_started = std::time::Instant::now();
        let diff = reconcile::diff(
            &ghl,
            &local,
            &pending,
            zone,
            reconcile::PendingNotInGhl::Skip,
        );
        let diff_us = diff_started.elapsed().as_micros() as u64;
        let report = ReconciliationReport::new(
            &location.id,
            today,
            window,
            diff,
            (client.calls() - calls_before) as u32,
            started.elapsed().as_millis() as u64,
        );
        let mut report = report;
        report.diff_us = diff_us;
        report.compared = (ghl.len() + local.len()) as u32;
        report.id = Some(self.store.save_report(&report)?);
        tracing::info!(location = %location.id, differences = report.counts.total, calls = report.ghl_calls, ?trigger, "reconciliation done");
        Ok(report)
    }

    /// Past reports of the active location, newest first.
    pub fn reconciliation_reports(&self, limit: u32) -> Result<Vec<ReconciliationReport>> {
        let (location, _) = self.require_location()?;
        self.store.reports(&location.id, limit)
    }

    /// Wakes the sync loop now (the "Sincronizar" button, a reconnect).
    pub fn request_sync(&self) {
        self.wake.notify_one();
    }

    /// Runs forever: sync, then wait (shorter while offline), or until woken.
    pub async fn run_sync_loop(self: Arc<Self>) {
        loop {
            // Writes first: what the desk booked offline goes out on reconnect,
            // and the pull then sees GHL with it.
            if let Err(e) = self.push_outbox().await {
                tracing::debug!(code = e.code(), "outbox waits: {e}");
            }
            let wait = match self.sync_now().await {
                Ok(_) => self.options.sync_interval,
                Err(CoreError::NotConnected) => Duration::from_secs(3600),
                Err(CoreError::Ghl(citadesk_ghl::GhlError::RateLimited { retry_after })) => {
                    retry_after
                }
                Err(e) if e.is_offline() => self.options.retry_interval,
                Err(_) => self.options.retry_interval * 4,
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = self.wake.notified() => {}
            }
        }
    }

    pub(crate) fn notifier(&self) -> Option<Arc<dyn Notifier>> {
        self.notifier.lock().unwrap().clone()
    }

    fn notify_status(&self, status: &AppStatus) {
        if let Some(n) = self.notifier() {
            n.status_changed(status);
        }
    }

    pub(crate) fn notify_status_now(&self) {
        if let Ok(s) = self.status() {
            self.notify_status(&s);
        }
    }

    /// The last rate-limit figures GHL sent for the active location, as text.
    pub fn rate_limit_summary(&self) -> Option<String> {
        let rt = self.runtime.lock().unwrap();
        let (location, client) = rt.client.as_ref()?;
        let f = client.rate_figures(location)?;
        let show = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
        Some(format!(
            "{} of {} left per {} ms; {} of {} left today",
            show(f.remaining.map(u64::from)),
            show(f.max.map(u64::from)),
            show(f.interval_ms),
            show(f.daily_remaining),
            show(f.daily_limit)
        ))
    }

    /// The replica's schema version (doctor).
    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// Which keychain backend is in use ("secret-service", "mock", ...).
    pub fn keychain_backend(&self) -> Result<&'static str> {
        Ok(self.tokens.backend()?)
    }
}

/// Opens the replica; a file SQLite cannot read is renamed aside (never
/// deleted) and a fresh replica is started, since GHL holds the data. The
/// notice says where the old file went.
fn open_or_set_aside(path: &Path) -> Result<(Store, Option<(ErrorPayload, ErrorPayload)>)> {
    match Store::open(path) {
        Ok(store) => Ok((store, None)),
        Err(CoreError::StoreOpen { reason, .. }) if path.exists() => {
            let stamp = Utc::now().format("%Y%m%d-%H%M%S");
            let aside = path.with_file_name(format!("citadesk.damaged-{stamp}.db"));
            for (from, to) in [
                (path.to_path_buf(), aside.clone()),
                (
                    path.with_extension("db-wal"),
                    aside.with_extension("db-wal"),
                ),
                (
                    path.with_extension("db-shm"),
                    aside.with_extension("db-shm"),
                ),
            ] {
                if from.exists() {
                    std::fs::rename(&from, &to)?;
                }
            }
            tracing::error!(damaged = %aside.display(), %reason, "local database unreadable; set aside, starting a fresh replica");
            let store = Store::open(path)?;
            let shown = aside.display();
            let es = ErrorPayload {
                code: "store.recovered".into(),
                message: format!("La base de datos local estaba dañada y se guardó aparte en {shown}. Se vuelve a descargar la agenda desde GHL; si la sede no aparece, conéctela de nuevo."),
            };
            let en = ErrorPayload {
                code: "store.recovered".into(),
                message: format!("The local database was damaged and was set aside at {shown}. The agenda is downloaded again from GHL; if the location is missing, connect it again."),
            };
            Ok((store, Some((es, en))))
        }
        Err(e) => Err(e),
    }
}
