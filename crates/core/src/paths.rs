//! Where Citadesk keeps its files. The app, the CLI and the tests agree on
//! one layout so they share one replica.

use std::path::PathBuf;

/// The app identifier (also Tauri's), used for the data folder.
pub const APP_ID: &str = "pe.citadesk.app";

/// `CITADESK_DATA_DIR` if set, else the platform's data folder
/// (`~/.local/share/pe.citadesk.app` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CITADESK_DATA_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join(APP_ID)
}

/// The demo clinic's data lives apart from a real clinic's.
pub fn demo_data_dir(base: &std::path::Path) -> PathBuf {
    base.join("demo")
}

pub fn replica_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("citadesk.db")
}

pub fn logs_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("logs")
}
