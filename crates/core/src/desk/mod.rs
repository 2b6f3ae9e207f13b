//! The front desk: one long-lived service per process that owns the replica,
//! the GHL client for the active location and the sync loop. The Tauri
//! commands and the CLI are thin calls over it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use citadesk_ghl::rate_limit::RateLimiter;
use citadesk_ghl::{GhlClient, Secret, TokenStore};
use tokio::sync::Notify;

use crate::error::{CoreError, Result};
use crate::model::*;
use crate::pulls::PullIntervals;
use crate::reconcile::ReconciliationReport;
use crate::store::{ConnectionRow, Store};
use crate::{paths, time};

mod about;
mod agenda;
mod alerts;
mod blocks;
mod booking;
mod citas;
mod connect;
mod dashboard;
mod health;
mod list;
mod live;
mod month;
mod outbox;
mod patients;
mod practice;
mod reconcile;
mod reminders;
mod settings;
mod staff;
mod sync;

pub use about::{AboutInfo, ShellFacts};
pub use alerts::Alert;
pub use blocks::{BlockMove, BlockOutcome, BlockRequest, BlockView};
pub use booking::{BookingCheck, BookingOutcome, BookingRequest, FreeSlot, PatientChoice};
pub use citas::CitaAction;
pub use connect::{OAuthConnectRequest, SystemBrowser};
pub use dashboard::{
    ConfirmationRates, Dashboard, DashboardChart, DayCitas, DayConfirmation, DayDifferences,
    DayPatients, DayRates, Occupancy,
};
pub use health::{
    HealthReport, OperationHealth, RateLimitHealth, RejectedWebhooks, TokenHealth, WebhookHealth,
};
pub use list::{PrintGroup, PrintedDay};
pub use live::relay_account;
pub use month::{MonthCell, MonthDay, MonthView};
pub use outbox::RefusedWrite;
pub use patients::PatientEdit;
pub use practice::{
    CalendarPractice, CalendarSpan, GroupView, PracticeDays, PracticeView, RoomView,
};
pub use reconcile::{
    ExportFormat, FixAction, FixFailure, FixOutcome, FixRequest, ReconcileProgress, RunTrigger,
};
pub use reminders::{ConfirmationRate, InboxItem, ReminderLine, ReminderState};
pub use staff::{DeskSession, GhlUser, NewStaff, StaffMember};
pub use sync::SyncWindow;

/// Environment variable with a Private Integration Token for headless use
/// (CLI, cron, CI), read instead of the keychain when set.
pub const TOKEN_ENV: &str = "CITADESK_GHL_TOKEN";

pub(crate) const ACTIVE_LOCATION: &str = "active_location";
pub(crate) const LOCALE: &str = "locale";

/// Receives what the UI must hear about: the app forwards these as events.
pub trait Notifier: Send + Sync {
    fn status_changed(&self, status: &AppStatus);
    fn replica_changed(&self, location_id: &str);
    /// A reconciliation run's progress (calendars done of total).
    fn reconcile_progress(&self, _progress: &ReconcileProgress) {}
    /// A scheduled reconciliation found differences (a desktop notification).
    fn reconciliation_found(&self, _report: &ReconciliationReport) {}
    /// A pull sync's progress (calendars, citas, patients).
    fn sync_progress(&self, _progress: &SyncProgress) {}
    /// An alert was raised (a desktop notification).
    fn alert_raised(&self, _alert: &Alert) {}
    /// The open alerts changed (the alerts list).
    fn alerts_changed(&self, _open: &[Alert]) {}
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
    /// When the sync loop pulls what: the whole window every `pulls.poll`
    /// while the relay is not live, mostly the days around today while it
    /// is (pulls.rs).
    pub pulls: PullIntervals,
    /// Pause between attempts while GHL is out of reach.
    pub retry_interval: Duration,
    pub window: SyncWindow,
    /// This process's language over the saved one (the CLI's `--lang`).
    pub locale: Option<Locale>,
}

impl DeskOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            demo: None,
            pulls: PullIntervals::default(),
            retry_interval: Duration::from_secs(15),
            window: SyncWindow::default(),
            locale: None,
        }
    }

    /// Interval overrides from the environment (`CITADESK_SYNC_INTERVAL_SECS`,
    /// `CITADESK_RETRY_SECS`, and while the relay is live
    /// `CITADESK_NEAR_TODAY_SECS`, `CITADESK_FULL_RELAYED_SECS`), for tests and IT.
    pub fn with_env_overrides(mut self) -> Self {
        let secs = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
        if let Some(s) = secs("CITADESK_SYNC_INTERVAL_SECS") {
            self.pulls.poll = Duration::from_secs(s.max(1));
        }
        if let Some(s) = secs("CITADESK_NEAR_TODAY_SECS") {
            self.pulls.near_today = Duration::from_secs(s.max(1));
        }
        if let Some(s) = secs("CITADESK_FULL_RELAYED_SECS") {
            self.pulls.full_relayed = Duration::from_secs(s.max(1));
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
    pub(crate) reconcile_lock: tokio::sync::Mutex<()>,
    pub(crate) sync_lock: tokio::sync::Mutex<()>,
    pub(crate) wake: Notify,
    pub(crate) push_lock: tokio::sync::Mutex<()>,
    pub(crate) slot_cache: Mutex<booking::SlotCache>,
    pub(crate) notifier: Mutex<Option<Arc<dyn Notifier>>>,
    /// The companion relay's connection (live/).
    pub(crate) live: crate::live::LiveState,
    /// A sync finished in this process: the daily report waits for it, so
    /// it never lists what a start-up sync is about to fetch.
    pub(crate) synced_this_run: std::sync::atomic::AtomicBool,
    /// The staff id of the person signed in at this desk (desk/staff.rs).
    pub(crate) session: Mutex<Option<String>>,
    /// Duplicate webhooks counted and the alert thresholds (monitor).
    pub(crate) monitor: Mutex<crate::monitor::MonitorState>,
}

impl Desk {
    /// Opens the replica under `options.data_dir` (the demo's own folder in
    /// demo mode) and works out the starting state from it.
    pub fn open(options: DeskOptions) -> Result<Arc<Self>> {
        paths::secure_data_dir(&options.data_dir)?;
        let tokens = TokenStore::new();
        // One process at a time makes the key and encrypts an old replica.
        let lock = paths::lock_file(&options.data_dir.join("replica.lock"))?;
        let key = replica_key(&options, &tokens)?;
        let (store, notice) = open_or_set_aside(&paths::replica_path(&options.data_dir), &key)?;
        drop(lock);
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
            tokens,
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
            synced_this_run: Default::default(),
            session: Mutex::new(None),
            monitor: Default::default(),
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

    /// Headless use and tests: the replica's key (64 hex digits), read
    /// instead of the keychain when set.
    pub const REPLICA_KEY_ENV: &'static str = "CITADESK_REPLICA_KEY";

    /// The keychain account holding the key of the replica in `data_dir`.
    pub fn replica_key_account(data_dir: &Path) -> String {
        let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        // FNV-1a: stable across Rust releases, unlike std's hasher.
        let hash = dir
            .as_os_str()
            .as_encoded_bytes()
            .iter()
            .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
        TokenStore::replica_key_account(&format!("{hash:016x}"))
    }

    pub fn data_dir(&self) -> &Path {
        &self.options.data_dir
    }

    /// The replica, for tests and benchmarks only.
    #[cfg(feature = "testing")]
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
        if let Some(locale) = self.options.locale {
            return locale;
        }
        match self.store.setting(LOCALE).ok().flatten().as_deref() {
            Some("en") => Locale::En,
            _ => Locale::EsPe,
        }
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

    /// Where exports go: the user's Downloads folder, else the data folder's
    /// private exports folder.
    pub(crate) fn export_dir(&self) -> Result<PathBuf> {
        Ok(match dirs::download_dir() {
            Some(d) => {
                std::fs::create_dir_all(&d)?;
                d
            }
            None => {
                let d = paths::exports_dir(self.data_dir());
                paths::private_dir(&d)?;
                d
            }
        })
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
}

/// The demo clinic's replica key: fixed (its data is made up), so the demo
/// needs no keychain.
const DEMO_REPLICA_KEY: &str = "de3001c1ade5c0de0000000000000000000000000000000000000000000000de";

struct ReplicaKey {
    key: Secret,
    /// Made at this start: an encrypted replica already there was made with
    /// a key that is gone.
    made_now: bool,
    /// Given in `CITADESK_REPLICA_KEY`: a replica it does not open is
    /// refused, never set aside (the app may share it with its own key).
    from_env: bool,
}

/// The replica's key: `CITADESK_REPLICA_KEY`, the demo's, or the keychain's
/// (made and kept there at first start).
fn replica_key(options: &DeskOptions, tokens: &TokenStore) -> Result<ReplicaKey> {
    if let Some(hex) = std::env::var(Desk::REPLICA_KEY_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        let key = Secret::new(hex.trim());
        if !Store::is_key(&key) {
            return Err(CoreError::StoreOpen {
                path: paths::replica_path(&options.data_dir).display().to_string(),
                reason: format!("{} must be 64 hexadecimal digits", Desk::REPLICA_KEY_ENV),
            });
        }
        return Ok(ReplicaKey {
            key,
            made_now: false,
            from_env: true,
        });
    }
    if options.demo.is_some() {
        return Ok(ReplicaKey {
            key: Secret::new(DEMO_REPLICA_KEY),
            made_now: false,
            from_env: false,
        });
    }
    let account = Desk::replica_key_account(&options.data_dir);
    let tokens = tokens.clone();
    // keyring blocks on D-Bus, which panics on an async runtime's thread:
    // Desk::open may be called from one, so a thread of its own.
    let found = std::thread::scope(|s| {
        s.spawn(|| {
            tokens.load(&account).map(Some).or_else(|e| match e {
                citadesk_ghl::TokenStoreError::Missing(_) => Ok(None),
                e => Err(e),
            })
        })
        .join()
    })
    .map_err(|_| CoreError::Io(std::io::Error::other("keychain thread panicked")))?
    .map_err(crate::messages::replica_key_unavailable)?;
    if let Some(key) = found {
        return Ok(ReplicaKey {
            key,
            made_now: false,
            from_env: false,
        });
    }
    let key = Store::new_key()?;
    // Kept before the replica uses it: never a file without its key.
    std::thread::scope(|s| s.spawn(|| tokens.save(&account, &key)).join())
        .map_err(|_| CoreError::Io(std::io::Error::other("keychain thread panicked")))?
        .map_err(crate::messages::replica_key_unavailable)?;
    tracing::info!("made the replica's key and kept it in the keychain");
    Ok(ReplicaKey {
        key,
        made_now: true,
        from_env: false,
    })
}

/// Opens the replica; a file SQLite cannot read (damaged, or its key lost)
/// is renamed aside (never deleted) and a fresh replica is started, since
/// GHL holds the data. The notice says where the old file went.
fn open_or_set_aside(
    path: &Path,
    key: &ReplicaKey,
) -> Result<(Store, Option<(ErrorPayload, ErrorPayload)>)> {
    match Store::open(path, &key.key) {
        Ok(store) => Ok((store, None)),
        Err(CoreError::StoreOpen { path, reason }) if key.from_env => Err(CoreError::StoreOpen {
            path,
            reason: format!(
                "{reason}; or {} is not this replica's key",
                Desk::REPLICA_KEY_ENV
            ),
        }),
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
            tracing::error!(damaged = %aside.display(), %reason, key_made_now = key.made_now, "local database unreadable; set aside, starting a fresh replica");
            let store = Store::open(path, &key.key)?;
            let shown = aside.display();
            if key.made_now {
                return Ok((
                    store,
                    Some(crate::messages::replica_key_lost(&shown.to_string())),
                ));
            }
            let es = ErrorPayload {
                code: crate::error::ErrorCode::StoreRecovered,
                message: format!("La base de datos local estaba dañada y se guardó aparte en {shown}. Se vuelve a descargar la agenda desde GHL; si la sede no aparece, conéctela de nuevo."),
            };
            let en = ErrorPayload {
                code: crate::error::ErrorCode::StoreRecovered,
                message: format!("The local database was damaged and was set aside at {shown}. The agenda is downloaded again from GHL; if the location is missing, connect it again."),
            };
            Ok((store, Some((es, en))))
        }
        Err(e) => Err(e),
    }
}

/// The name the audit log records: the desk's configured user, else the OS account.
/// A block as the grid shows it (the block writes answer it; the grid reads it).
pub(crate) fn block_view(b: &crate::store::BlockRow, zone: chrono_tz::Tz) -> BlockView {
    BlockView {
        id: b.id.clone(),
        calendar_id: b.calendar_id.clone(),
        user_id: b.user_id.clone(),
        title: b.title.clone(),
        start: crate::time::local_string(crate::time::from_ms(b.start_ms), zone),
        end: crate::time::local_string(crate::time::from_ms(b.end_ms), zone),
        pending: b.sync_state != "synced",
    }
}

pub(crate) fn actor(store: &Store) -> String {
    store
        .setting("desk_user")
        .ok()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "recepcion".into())
}

/// A keychain call, off the async runtime.
pub(crate) async fn keychain<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, citadesk_ghl::TokenStoreError> + Send + 'static,
) -> Result<T> {
    // keyring's Secret Service backend blocks (zbus block_on): never on a runtime thread.
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| CoreError::Io(std::io::Error::other(e)))?
        .map_err(CoreError::from)
}
