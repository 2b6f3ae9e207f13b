//! The app shell: windows, commands and events over citadesk-core. Each
//! command is one call into the core, so the CLI and the tests exercise the
//! same code path as the app.

mod bench;
mod commands;
#[cfg(feature = "demo")]
mod demo;

use std::sync::Arc;
use std::time::Instant;

use citadesk_core::model::AppStatus;
use citadesk_core::{paths, telemetry, Desk, DeskOptions, Notifier};
use tauri::{AppHandle, Emitter, Manager};

/// When the process started, for the start-to-interactive figure.
pub(crate) struct Started(pub Instant);

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
}

fn wants_demo() -> bool {
    std::env::args().any(|a| a == "--demo")
        || std::env::var("CITADESK_DEMO").is_ok_and(|v| v == "1" || v == "true")
}

pub fn run() {
    let started = Instant::now();
    let base_dir = paths::default_data_dir();
    let demo = wants_demo();
    let data_dir = if demo {
        paths::demo_data_dir(&base_dir)
    } else {
        base_dir
    };
    let _log_guard = telemetry::init(&data_dir, "app");

    tauri::Builder::default()
        .manage(Started(started))
        .setup(move |app| {
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
            let desk = Desk::open(options)?;
            desk.set_notifier(Arc::new(UiNotifier(app.handle().clone())));
            tauri::async_runtime::spawn(desk.clone().run_sync_loop());
            // Live updates through the companion relay, when one is set.
            tauri::async_runtime::spawn(desk.clone().run_relay_loop());
            app.manage(desk);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::week_view,
            commands::day_agenda,
            commands::app_status,
            commands::search_patients,
            commands::sync_now,
            commands::set_locale,
            commands::connect_pit,
            commands::connections,
            commands::disconnect,
            commands::reconcile_now,
            commands::reconciliation_reports,
            commands::set_relay,
            commands::relay_settings,
            commands::clear_relay,
            commands::ui_ready,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            tracing::error!("Citadesk could not start: {e}");
            eprintln!("Citadesk could not start: {e}");
            std::process::exit(1);
        });
}
