//! The start-up benchmark's probe: when CITADESK_BENCH_READY_FILE names a
//! file, the wall-clock time (epoch ms) at which the UI became interactive is
//! written there, with the start-up's phases (the shell's own, recorded with
//! `phase`, and the UI's performance marks), so the benchmark can tell where
//! the time goes. The Tauri hello world yardstick writes the time alone.

use std::collections::BTreeMap;
use std::sync::Mutex;

static PHASES: Mutex<Vec<(&'static str, u128)>> = Mutex::new(Vec::new());

fn epoch_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

fn wanted() -> Option<String> {
    std::env::var("CITADESK_BENCH_READY_FILE").ok()
}

/// Records when a start-up phase of the shell was reached (benchmark runs only).
pub fn phase(name: &'static str) {
    if wanted().is_some() {
        if let Ok(mut p) = PHASES.lock() {
            p.push((name, epoch_ms()));
        }
    }
}

/// `marks`: the UI's performance marks, as epoch ms.
pub fn mark_ready(marks: &BTreeMap<String, f64>) {
    if let Some(path) = wanted() {
        let mut all: BTreeMap<String, u128> =
            marks.iter().map(|(k, v)| (k.clone(), *v as u128)).collect();
        if let Ok(p) = PHASES.lock() {
            all.extend(p.iter().map(|(k, v)| (k.to_string(), *v)));
        }
        let report = serde_json::json!({ "ready": epoch_ms(), "phases": all });
        let _ = std::fs::write(path, report.to_string());
    }
}
