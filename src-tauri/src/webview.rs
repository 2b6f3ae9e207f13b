//! WebKit settings of the main window, set from the app (Linux, WebKitGTK).
//!
//! The week is a flat document of boxes: WebKit's accelerated compositing
//! buys it nothing visible on a front-desk PC, yet on WebKitGTK it roughly
//! doubles the web process's memory (an OpenGL context, tile backing stores
//! per layer). So by default the window draws without it, with the cache
//! model of a single-page app (one document, no navigation to keep pages
//! for). `CITADESK_WEBKIT_ACCELERATION=1` keeps WebKit's defaults, for a
//! machine where drawing on the GPU is wanted. The start-up benchmark
//! (startup.json) and the window's frame rate (webview_fps.json) measure both.

/// The opt-out: `1` or `true` keeps WebKit's own hardware acceleration.
pub const ACCELERATION_ENV: &str = "CITADESK_WEBKIT_ACCELERATION";

/// Whether the user asked for WebKit's defaults (`CITADESK_WEBKIT_ACCELERATION=1`).
pub fn acceleration_wanted() -> bool {
    std::env::var(ACCELERATION_ENV).is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

/// Before any web view exists: the network process gives its caches back
/// early (a network process reads these settings when it starts).
pub fn before_start() {
    #[cfg(target_os = "linux")]
    if !acceleration_wanted() {
        use webkit2gtk::ffi;
        // Through the C API: these are plain settings kept by WebKit for the
        // next network process, needing no GTK yet, but the Rust wrappers
        // insist on an initialised GTK, which Tauri only starts later.
        // SAFETY: the settings are created, filled, copied by WebKit
        // (`set_memory_pressure_settings` keeps its own copy) and freed here,
        // on the main thread, before any web view exists.
        unsafe {
            let pressure = ffi::webkit_memory_pressure_settings_new();
            // The desk's only network traffic is its own assets and IPC: a
            // small limit, past whose thresholds WebKit frees its caches.
            ffi::webkit_memory_pressure_settings_set_memory_limit(
                pressure,
                NETWORK_PROCESS_LIMIT_MB,
            );
            ffi::webkit_website_data_manager_set_memory_pressure_settings(pressure);
            ffi::webkit_memory_pressure_settings_free(pressure);
        }
    }
}

/// The network process's memory limit (MB) for WebKit's pressure handler.
#[cfg(target_os = "linux")]
const NETWORK_PROCESS_LIMIT_MB: u32 = 64;

/// Applies the settings to every window's web view (one today).
pub fn tune<R: tauri::Runtime>(app: &tauri::App<R>) {
    use tauri::Manager;
    if acceleration_wanted() {
        tracing::info!("web view: WebKit's hardware acceleration kept ({ACCELERATION_ENV})");
        return;
    }
    for (label, window) in app.webview_windows() {
        if let Err(e) = window.with_webview(apply) {
            tracing::warn!("web view {label}: WebKit settings not applied: {e}");
        }
    }
}

#[cfg(target_os = "linux")]
fn apply(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    let view = webview.inner();
    if let Some(settings) = WebViewExt::settings(&view) {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        // Support: the page's console on the app's standard output.
        if std::env::var_os("CITADESK_WEBKIT_CONSOLE").is_some() {
            settings.set_enable_write_console_messages_to_stdout(true);
        }
    }
    if let Some(context) = view.context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
}

#[cfg(not(target_os = "linux"))]
fn apply(_webview: tauri::webview::PlatformWebview) {}
