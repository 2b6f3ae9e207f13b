//! Signed updates through tauri-plugin-updater. After the first paint, and
//! every 6 hours, the feed (the update settings' URL, else the build's
//! `plugins.updater.endpoints`) is asked for a newer version; the core
//! judges it (never older, never past gerencia's hold); the package is
//! downloaded and its minisign signature verified against the public key in
//! tauri.conf.json before any banner shows. Installing waits for a person's
//! click, never while a booking form is open.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use citadesk_core::{
    judge, update_refused, CoreError, Desk, ErrorCode, Result, ShellFacts, UpdatePhase, UpdateView,
    Verdict,
};
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_updater::{Update, UpdaterExt};

/// How often the feed is asked again while the app runs.
const CHECK_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

static UPDATES: OnceLock<Arc<Updates>> = OnceLock::new();

/// The one update service of this process (created in `setup`).
pub(crate) fn get() -> &'static Arc<Updates> {
    UPDATES.get().expect("updates service created at setup")
}

pub(crate) struct Updates {
    app: AppHandle,
    view: Mutex<UpdateView>,
    /// The verified package of a Ready update, for "Instalar y reiniciar".
    ready: Mutex<Option<(Update, Arc<Vec<u8>>)>>,
    checking: AtomicBool,
}

impl Updates {
    pub(crate) fn create(app: &AppHandle) -> &'static Arc<Updates> {
        UPDATES.get_or_init(|| {
            Arc::new(Updates {
                app: app.clone(),
                view: Mutex::new(UpdateView {
                    current_version: app.package_info().version.to_string(),
                    ..Default::default()
                }),
                ready: Mutex::new(None),
                checking: AtomicBool::new(false),
            })
        })
    }

    pub(crate) fn app(&self) -> &AppHandle {
        &self.app
    }

    pub(crate) fn view(&self) -> UpdateView {
        self.view.lock().unwrap().clone()
    }

    fn set(&self, change: impl FnOnce(&mut UpdateView)) {
        let view = {
            let mut v = self.view.lock().unwrap();
            change(&mut v);
            v.clone()
        };
        let _ = self.app.emit("update-state", &view);
    }

    /// The schedule: a check right away (the caller waits for the first
    /// paint), then every 6 hours.
    pub(crate) async fn run_schedule(self: Arc<Self>) {
        loop {
            self.check().await;
            tokio::time::sleep(CHECK_EVERY).await;
        }
    }

    /// "Buscar actualizaciones": starts a check unless one is running; the
    /// outcome arrives as the `update-state` event.
    pub(crate) fn check_now(self: &Arc<Self>) -> UpdateView {
        let this = self.clone();
        tauri::async_runtime::spawn(async move { this.check().await });
        let mut view = self.view();
        view.phase = UpdatePhase::Checking;
        view
    }

    async fn check(&self) {
        if self.checking.swap(true, Ordering::SeqCst) {
            return;
        }
        // What a previous check verified is no longer what the feed offers.
        *self.ready.lock().unwrap() = None;
        self.set(|v| v.phase = UpdatePhase::Checking);
        let outcome = self.fetch().await;
        let now = chrono::Utc::now().to_rfc3339();
        let locale = self.desk().locale();
        self.set(|v| {
            v.checked_at = Some(now);
            match outcome {
                Ok((phase, version, notes)) => {
                    v.phase = phase;
                    v.version = version;
                    v.notes = notes;
                    v.error = None;
                }
                Err((version, e)) => {
                    v.phase = UpdatePhase::Refused;
                    v.version = version;
                    v.notes = None;
                    v.error = Some(e.payload(locale));
                }
            }
        });
        let view = self.view();
        match &view.error {
            Some(e) => tracing::warn!(code = %e.code, offered = ?view.version, "update refused"),
            None => tracing::info!(phase = ?view.phase, offered = ?view.version, "update check"),
        }
        self.checking.store(false, Ordering::SeqCst);
    }

    /// Asks the feed and, for a version to take, downloads and verifies it.
    #[allow(clippy::type_complexity)]
    async fn fetch(
        &self,
    ) -> std::result::Result<
        (UpdatePhase, Option<String>, Option<String>),
        (Option<String>, CoreError),
    > {
        let desk = self.desk();
        let settings = desk.update_settings().map_err(|e| (None, e))?;
        if settings.feed_url.is_none() && !self.built_with_feed() {
            // No feed anywhere (a development build): nothing to ask.
            return Ok((UpdatePhase::Idle, None, None));
        }
        let feed_error = |detail: String| (None, refused(ErrorCode::UpdateFeed, detail));
        let mut builder = self
            .app
            .updater_builder()
            // Every other version reaches the core's judgement, so an older
            // one is refused out loud instead of silently ignored.
            .version_comparator(|current, release| release.version != current);
        if let Some(url) = &settings.feed_url {
            let url = tauri::Url::parse(url).map_err(|e| feed_error(e.to_string()))?;
            builder = builder
                .endpoints(vec![url])
                .map_err(|e| feed_error(e.to_string()))?;
        }
        if let Some(key) = test_pubkey() {
            builder = builder.pubkey(key);
        }
        let updater = builder.build().map_err(|e| feed_error(e.to_string()))?;
        let update = match updater.check().await {
            Ok(Some(update)) => update,
            Ok(None) => return Ok((UpdatePhase::UpToDate, None, None)),
            Err(e) => return Err((None, refusal(&e, "?"))),
        };
        let offered = Some(update.version.clone());
        let current = self.view().current_version;
        match judge(&current, &update.version, settings.hold_version.as_deref()) {
            Err(e) => return Err((offered, e)),
            Ok(Verdict::Same) => return Ok((UpdatePhase::UpToDate, None, None)),
            Ok(Verdict::Held) => return Ok((UpdatePhase::Held, offered, update.body.clone())),
            Ok(Verdict::Take) => {}
        }
        if update.signature.trim().is_empty() {
            return Err((
                offered,
                refused(ErrorCode::UpdateUnsigned, update.version.clone()),
            ));
        }
        // `download` checks the minisign signature (and the version signed
        // in it) before answering the bytes.
        let bytes = update
            .download(|_, _| {}, || {})
            .await
            .map_err(|e| (offered.clone(), refusal(&e, &update.version)))?;
        let notes = update.body.clone();
        *self.ready.lock().unwrap() = Some((update, Arc::new(bytes)));
        Ok((UpdatePhase::Ready, offered, notes))
    }

    /// "Instalar y reiniciar": installs the verified package and restarts;
    /// refused while a booking form is open.
    pub(crate) fn install(&self, booking_open: bool) -> Result<UpdateView> {
        if booking_open {
            return Err(refused(ErrorCode::UpdateBusy, ""));
        }
        let Some((update, bytes)) = self.ready.lock().unwrap().clone() else {
            return Ok(self.view());
        };
        self.set(|v| v.phase = UpdatePhase::Installing);
        tracing::info!(version = %update.version, "installing update");
        if let Err(e) = update.install(bytes.as_slice()) {
            let err = refused(ErrorCode::UpdateInstallFailed, e.to_string());
            let locale = self.desk().locale();
            self.set(|v| {
                v.phase = UpdatePhase::Ready;
                v.error = Some(err.payload(locale));
            });
            return Err(err);
        }
        self.app.restart();
    }

    /// Whether the build names a feed (`plugins.updater.endpoints`, set by
    /// scripts/package.sh from CITADESK_UPDATE_FEED).
    fn built_with_feed(&self) -> bool {
        self.app
            .config()
            .plugins
            .0
            .get("updater")
            .and_then(|u| u.get("endpoints"))
            .and_then(|e| e.as_array())
            .is_some_and(|e| !e.is_empty())
    }

    fn desk(&self) -> Arc<Desk> {
        self.app.state::<Arc<Desk>>().inner().clone()
    }
}

fn refused(code: ErrorCode, detail: impl std::fmt::Display) -> CoreError {
    update_refused(code, detail)
}

/// The updater's error as the core's refusal: signature problems (another
/// key, a tampered file, a signature for another version) are one code; a
/// feed entry without a signature another; the rest is the feed's.
fn refusal(e: &tauri_plugin_updater::Error, version: &str) -> CoreError {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => refused(ErrorCode::UpdateBadSignature, version),
        E::Serialization(s) if s.to_string().contains("signature") => {
            refused(ErrorCode::UpdateUnsigned, version)
        }
        other => refused(ErrorCode::UpdateFeed, other),
    }
}

/// A public key for tests, which make their own at run time. Only debug
/// builds read it: release builds (what scripts/package.sh ships) compile
/// this away, so no environment can make a shipped app trust another key.
fn test_pubkey() -> Option<String> {
    #[cfg(debug_assertions)]
    {
        std::env::var("CITADESK_UPDATER_TEST_PUBKEY")
            .ok()
            .filter(|k| !k.trim().is_empty())
    }
    #[cfg(not(debug_assertions))]
    {
        None
    }
}

/// What the diagnostics text needs from the shell.
pub(crate) fn shell_facts() -> ShellFacts {
    let updates = UPDATES.get();
    ShellFacts {
        program: format!(
            "citadesk {}",
            updates
                .map(|u| u.view().current_version)
                .unwrap_or_else(|| env!("CARGO_PKG_VERSION").into())
        ),
        versions: vec![
            ("tauri".into(), tauri::VERSION.into()),
            ("webkitgtk".into(), webkit_version()),
        ],
        update: updates.map(|u| u.view()),
    }
}

fn webkit_version() -> String {
    tauri::webview_version().unwrap_or_else(|_| "unknown".into())
}
