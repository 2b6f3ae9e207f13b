//! The desktop around the desk: one instance per data folder, the window's
//! size and place kept, and the optional start with the session.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use citadesk_core::{paths, CoreError, Result};
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Window, WindowEvent, Wry};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_window_state::{AppHandleExt as _, StateFlags};

/// What is kept of the window: not its visibility or decorations.
fn kept() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// A second launch on the same data folder brings the open window forward
/// and exits: never two writers of one replica. The D-Bus name carries the
/// folder, so the demo clinic (its own folder) and tests (their own homes)
/// do not stand in each other's way.
pub(crate) fn single_instance(data_dir: &Path) -> TauriPlugin<Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(format!("{}.d{:016x}", paths::APP_ID, fnv1a(data_dir)))
        .callback(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
            tracing::info!("second launch: the open window was brought forward");
        })
        .build()
}

/// FNV-1a of the folder's path: stable across builds, unlike std's hasher.
fn fnv1a(path: &Path) -> u64 {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
}

pub(crate) fn window_state() -> TauriPlugin<Wry> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(kept())
        .build()
}

pub(crate) fn autostart() -> TauriPlugin<Wry> {
    tauri_plugin_autostart::Builder::new()
        .app_name("Citadesk")
        .build()
}

/// Moves and resizes are saved a second after they stop, not only at a
/// clean exit: a front-desk PC is often switched off with the app open.
pub(crate) fn on_window_event(window: &Window, event: &WindowEvent) {
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let mine = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if GENERATION.load(Ordering::SeqCst) == mine {
            if let Err(e) = app.save_window_state(kept()) {
                tracing::warn!("window state not saved: {e}");
            }
        }
    });
}

/// "Iniciar con la sesión": whether the session's autostart entry is there.
pub(crate) fn autostart_enabled(app: &AppHandle) -> Result<bool> {
    app.autolaunch().is_enabled().map_err(io)
}

pub(crate) fn set_autostart(app: &AppHandle, enabled: bool) -> Result<bool> {
    let launcher = app.autolaunch();
    if enabled {
        launcher.enable().map_err(io)?;
    } else {
        launcher.disable().map_err(io)?;
    }
    launcher.is_enabled().map_err(io)
}

fn io(e: impl std::fmt::Display) -> CoreError {
    CoreError::Io(std::io::Error::other(e.to_string()))
}
