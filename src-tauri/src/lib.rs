//! The app shell: windows, commands and events over citadesk-core. Each
//! command is one call into the core, so the CLI and the tests exercise the
//! same code path as the app; commands are declared once, in `commands.rs`.

mod bench;
mod commands;
#[cfg(test)]
mod contract;
#[cfg(feature = "demo")]
mod demo;
mod shell;
mod updates;
mod webview;

use std::sync::Arc;
use std::time::Instant;

use citadesk_core::{
    paths, telemetry, Alert, AppStatus, Desk, DeskOptions, Locale, Notifier, ReconcileProgress,
    ReconciliationReport, SyncProgress,
};
use tauri::{AppHandle, Emitter, Manager};

/// When the process started, for the start-to-interactive figure.
pub(crate) struct Started(pub Instant);

/// Set once the UI has painted its first week (`ui_ready`). The sync loop,
/// the reconciliation catch-up and the relay wait for it, so that on 2 cores
/// their start (TLS roots, GHL attempts, SQLite writes) does not compete with
/// the first paint from cache.
#[derive(Clone)]
pub(crate) struct FirstPaint(Arc<tokio::sync::watch::Sender<bool>>);

/// Longest the background work waits for the first paint (a window that
/// never reports must not keep the replica from syncing).
const FIRST_PAINT_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

impl FirstPaint {
    fn new() -> Self {
        FirstPaint(Arc::new(tokio::sync::watch::channel(false).0))
    }

    pub(crate) fn mark(&self) {
        self.0.send_replace(true);
    }

    async fn wait(&self) {
        let mut painted = self.0.subscribe();
        let _ = tokio::time::timeout(FIRST_PAINT_WAIT, painted.wait_for(|p| *p)).await;
    }
}

/// Forwards the core's news to the web view as events.
struct UiNotifier(AppHandle);

impl Notifier for UiNotifier {
    fn status_changed(&self, status: &AppStatus) {
        let _ = self.0.emit("status-changed", status);
    }

    fn replica_changed(&self, location_id: &str) {
        let _ = self.0.emit(
            "replica-changed",
            serde_json::json!({ "locationId": location_id }),
        );
    }

    fn reconcile_progress(&self, progress: &ReconcileProgress) {
        let _ = self.0.emit("reconcile-progress", progress);
    }

    fn sync_progress(&self, progress: &SyncProgress) {
        let _ = self.0.emit("sync-progress", progress);
    }

    fn alerts_changed(&self, open: &[Alert]) {
        let _ = self.0.emit("alerts-changed", open);
    }

    fn alert_raised(&self, alert: &Alert) {
        let title = match self.0.try_state::<Arc<Desk>>().map(|d| d.locale()) {
            Some(Locale::En) => "Citadesk: alert",
            _ => "Citadesk: alerta",
        };
        desktop_notification(self.0.clone(), title.to_string(), alert.message.clone());
    }

    fn reconciliation_found(&self, report: &ReconciliationReport) {
        let _ = self.0.emit("reconciliation-found", report);
        let en = self
            .0
            .try_state::<Arc<Desk>>()
            .is_some_and(|d| d.locale() == Locale::En);
        let (title, body) = if en {
            (
                "Reconciliation: differences found".to_string(),
                format!(
                    "{} differences between GHL and the agenda ({}). Open Reconciliation to fix them.",
                    report.counts.total, report.fecha
                ),
            )
        } else {
            (
                "Reconciliación: hay diferencias".to_string(),
                format!(
                    "{} diferencias entre GHL y la agenda ({}). Abra Reconciliación para corregirlas.",
                    report.counts.total, report.fecha
                ),
            )
        };
        desktop_notification(self.0.clone(), title, body);
    }
}

/// Shows a desktop notification on a thread of its own: on Linux it is a
/// blocking D-Bus call, which without a notification daemon waits for D-Bus's
/// timeout, and must never hold the async runtime the IPC commands run on.
fn desktop_notification(app: AppHandle, title: String, body: String) {
    std::thread::spawn(move || {
        use tauri_plugin_notification::NotificationExt;
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!("desktop notification failed: {e}");
        }
    });
}

fn wants_demo() -> bool {
    std::env::args().any(|a| a == "--demo")
        || std::env::var("CITADESK_DEMO").is_ok_and(|v| v == "1" || v == "true")
}

/// WebKit gives the page the process's locale as `navigator.language`; under
/// no locale at all (`LANG` unset, `C`, `POSIX`: services, CI, some kiosks)
/// that is "C", which `Intl` refuses, and the chart library throws on it.
/// The desk's default language is named instead. Runs first, before any
/// thread starts.
fn valid_web_language() {
    let unusable = |v: Option<std::ffi::OsString>| {
        v.map(|v| v.to_string_lossy().to_ascii_uppercase())
            .map(|v| v.is_empty() || v == "C" || v.starts_with("C.") || v == "POSIX")
            .unwrap_or(true)
    };
    if ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .all(|k| unusable(std::env::var_os(k)))
    {
        std::env::set_var("LANG", "es_PE.UTF-8");
    }
}

pub fn run() {
    let started = Instant::now();
    bench::phase("shell:main");
    valid_web_language();
    let base_dir = paths::default_data_dir();
    let demo = wants_demo();
    let data_dir = if demo {
        paths::demo_data_dir(&base_dir)
    } else {
        base_dir
    };
    let _log_guard = telemetry::init(&data_dir, "app");
    let first_paint = FirstPaint::new();
    webview::before_start();
    bench::phase("shell:builder");

    tauri::Builder::default()
        // First: a second launch (same data folder) hands over to the
        // running app and exits before opening a replica or a window.
        .plugin(shell::single_instance(&data_dir))
        .plugin(shell::window_state())
        .plugin(shell::autostart())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .on_window_event(shell::on_window_event)
        .plugin(tauri_plugin_notification::init())
        .manage(Started(started))
        .manage(first_paint.clone())
        .setup(move |app| {
            bench::phase("shell:setup");
            let mut options = DeskOptions::new(&data_dir).with_env_overrides();
            if demo {
                #[cfg(feature = "demo")]
                {
                    let (connection, sandbox) = tauri::async_runtime::block_on(demo::start())?;
                    options.demo = Some(connection);
                    app.manage(sandbox);
                }
                #[cfg(not(feature = "demo"))]
                return Err(
                    "this build has no demo clinic (built without the `demo` feature)".into(),
                );
            }
            webview::tune(app);
            let desk = Desk::open(options)?;
            bench::phase("shell:desk-open");
            desk.set_notifier(Arc::new(UiNotifier(app.handle().clone())));
            // After the first paint (or FIRST_PAINT_WAIT): sync, the
            // scheduled reconciliation with its start-up catch-up, and live
            // updates through the companion relay, when one is set.
            let background = desk.clone();
            let updates = updates::Updates::create(app.handle()).clone();
            tauri::async_runtime::spawn(async move {
                first_paint.wait().await;
                // Nothing of the update check runs before the first paint.
                tauri::async_runtime::spawn(updates.run_schedule());
                tauri::async_runtime::spawn(background.clone().run_sync_loop());
                tauri::async_runtime::spawn(background.clone().run_reconcile_schedule());
                tauri::async_runtime::spawn(background.clone().run_reminder_loop());
                tauri::async_runtime::spawn(background.clone().run_alert_loop());
                tauri::async_runtime::spawn(background.run_relay_loop());
            });
            app.manage(desk);
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("Citadesk could not start: {e}");
            eprintln!("Citadesk could not start: {e}");
            std::process::exit(1);
        });
}
