//! A change in GHL to the open window, N times (200 by default): the
//! sandbox's admin API renames a cita of today (as the desk would in GHL's
//! own calendar), the signed webhook goes to citadesk-relay, the relay
//! streams it to the app, the app updates its replica and tells the window,
//! and the window draws the new title in the cita's box. Each latency is
//! from just before the change is sent to the frame after the box shows it
//! (one clock: the same machine). Writes target/bench/live_window.json.
//!
//! Needs what the e2e tests need (built binaries, tauri-driver, a display,
//! a Secret Service); scripts/bench.sh runs it:
//! `cargo run -p citadesk-e2e --example live_bench -- [CHANGES]`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use citadesk_e2e::relay::Relay;
use citadesk_e2e::week::{todays_citas, GRID_CITA};
use citadesk_e2e::*;
use serde_json::json;

/// Resolves with the epoch ms of the first frame after the cita's box in the
/// grid shows `title` (or null after 10 s). Set up before the change is sent.
const WAIT_DRAWN: &str = r#"
const [box, id, title] = arguments;
const done = arguments[arguments.length - 1];
const shown = () => {
  const el = document.querySelector(`${box}[data-cita-id="${id}"]`);
  return !!el && el.textContent.includes(title);
};
const finish = () => requestAnimationFrame(() => done(performance.timeOrigin + performance.now()));
if (shown()) { finish(); return; }
const seen = new MutationObserver(() => { if (shown()) { seen.disconnect(); clearTimeout(late); finish(); } });
seen.observe(document.body, { subtree: true, childList: true, characterData: true });
const late = setTimeout(() => { seen.disconnect(); done(null); }, 10000);
"#;

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

#[tokio::main]
async fn main() {
    let changes: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let home = TestHome::new();
    let sandbox = Sandbox::start(free_port());
    connect(&home, &sandbox);
    let relay = Relay::start(&sandbox).await;
    let token = relay.token(&sandbox.location_id);
    let today = todays_citas(&sandbox).await;
    let (cita, _) = today.iter().next().expect("the demo seed has citas today");

    // Pull sync hourly: every change measured came live.
    let mut env: Vec<(&str, String)> = relay.app_env(&token);
    env.push(("CITADESK_SYNC_INTERVAL_SECS", "3600".into()));
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let app = App::launch(&home, &env_refs).await;
    app.wait_for(
        &format!("{GRID_CITA}[data-cita-id='{cita}']"),
        Duration::from_secs(30),
    )
    .await;
    app.wait_for(
        "[data-testid='relay-state'][data-state='connected']",
        Duration::from_secs(30),
    )
    .await;

    let client = reqwest::Client::new();
    let mut ms = Vec::with_capacity(changes);
    let mut lost = 0;
    for i in 0..changes {
        let title = format!("Control en vivo {i}");
        // The waiter runs in the page while the change travels.
        let waiter = app.driver.execute_async(
            WAIT_DRAWN,
            vec![json!(GRID_CITA), json!(cita), json!(title)],
        );
        let send = async {
            // Give the waiter its turn in the page first.
            tokio::time::sleep(Duration::from_millis(20)).await;
            let sent = epoch_ms();
            let resp = client
                .patch(format!("{}/_sandbox/appointments/{cita}", sandbox.url))
                .json(&json!({ "title": title }))
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
            sent
        };
        let (drawn, sent) = tokio::join!(waiter, send);
        match drawn.unwrap().json().as_f64() {
            Some(at) => ms.push(at - sent),
            None => lost += 1,
        }
    }
    app.quit().await;
    ms.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let report = json!({
        "benchmark": "live_window",
        "when": chrono::Utc::now().to_rfc3339(),
        "binaries": bin_dir().display().to_string(),
        "path": "sandbox change (admin API) -> signed webhook -> citadesk-relay -> app replica -> window, drawn",
        "changes": changes,
        "not_shown_within_10s": lost,
        "ms_p50": percentile(&ms, 0.5),
        "ms_p95": percentile(&ms, 0.95),
        "ms_p99": percentile(&ms, 0.99),
        "ms_max": percentile(&ms, 1.0),
        "target_p99_ms": 250,
    });
    let dir = workspace_root().join("target").join("bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("live_window.json"),
        serde_json::to_string_pretty(&report).unwrap(),
    )
    .unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
    drop(relay);
    sandbox.stop();
}
