//! The start-up benchmark's probe: when CITADESK_BENCH_READY_FILE names a
//! file, the wall-clock time (epoch ms) at which the UI became interactive is
//! written there. The Tauri hello world yardstick does the same.

pub fn mark_ready() {
    if let Ok(path) = std::env::var("CITADESK_BENCH_READY_FILE") {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let _ = std::fs::write(path, now.to_string());
    }
}
