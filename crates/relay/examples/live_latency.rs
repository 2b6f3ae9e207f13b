//! p50/p99 time from a change in GHL (the sandbox's admin call, which sends
//! the signed webhook) to the app's replica holding it, through
//! citadesk-relay and citadesk-core's relay client, on loopback, at a steady
//! rate. Writes target/bench/relay_latency.json.
//!
//!   cargo run --profile bench-opt -p citadesk-relay --example live_latency -- [count] [per_sec]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use citadesk_core::ghl::webhook::WebhookKeys;
use citadesk_core::ghl::Secret;
use citadesk_core::{DemoConnection, Desk, DeskOptions, TokenKeeping};
use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::{tokens, Config};
use ghl_sandbox::{SandboxConfig, WebhookConfig};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: usize = args.get(1).and_then(|v| v.parse().ok()).unwrap_or(500);
    let per_sec: u64 = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(50);
    let out_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    std::fs::create_dir_all(&out_dir).expect("out dir");

    let sb = ghl_sandbox::start(SandboxConfig {
        webhooks: WebhookConfig::default(),
        rate_limits: ghl_sandbox::RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let key = ghl_sandbox::webhooks::builtin_ed25519_public_pem();
    let relay_dir = tempfile::tempdir().expect("tempdir");
    let relay = citadesk_relay::start(Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        metrics_listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: relay_dir.path().to_path_buf(),
        ed25519_public_keys: vec![key.clone()],
        rsa_public_keys: Vec::new(),
        ..Config::default()
    })
    .await
    .expect("relay");
    let base = format!("http://{}", relay.addr);
    sb.sandbox()
        .webhooks()
        .set_urls(vec![format!("{base}/webhooks/ghl")]);
    let loc = sb.location_id().to_string();
    let token = {
        let store = SqliteStore::open(relay_dir.path()).expect("store");
        tokens::issue(&store, "bench", std::slice::from_ref(&loc), 0)
            .expect("token")
            .token
    };

    let app_dir = tempfile::tempdir().expect("tempdir");
    let mut options = DeskOptions::new(app_dir.path());
    options.demo = Some(DemoConnection {
        base_url: sb.base_url(),
        location_id: loc.clone(),
        token: Secret::new(sb.pit()),
    });
    let desk: Arc<Desk> = Desk::open(options).expect("desk");
    desk.sync_now().await.expect("sync");
    desk.set_webhook_keys(WebhookKeys::from_config(&[key], &[]).expect("keys"));
    desk.set_relay(
        None,
        &base,
        Some(Secret::new(token)),
        TokenKeeping::Environment,
    )
    .await
    .expect("relay settings");
    tokio::spawn(desk.clone().run_relay_loop());
    while desk.relay_state() != citadesk_core::RelayState::Connected {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let now = Utc::now();
    let ids: Vec<String> = desk
        .store()
        .cita_rows_starting_in(
            &loc,
            now - chrono::Duration::days(30),
            now + chrono::Duration::days(60),
        )
        .expect("citas")
        .into_iter()
        .map(|c| c.id)
        .collect();

    let http = reqwest::Client::new();
    let interval = Duration::from_micros(1_000_000 / per_sec.max(1));
    let mut latencies = Vec::with_capacity(count);
    let mut missed = 0;
    for n in 0..count {
        let tick = Instant::now();
        let id = &ids[n % ids.len()];
        let title = format!("Latencia {n}");
        let sent = Instant::now();
        let _ = http
            .patch(format!("{}/_sandbox/appointments/{id}", sb.base_url()))
            .header("content-type", "application/json")
            .body(format!("{{\"title\":\"{title}\"}}"))
            .send()
            .await;
        // Poll the replica as the UI would read it, until the change is there.
        loop {
            let row = desk
                .store()
                .cita_rows_starting_in(
                    &loc,
                    now - chrono::Duration::days(30),
                    now + chrono::Duration::days(60),
                )
                .expect("citas")
                .into_iter()
                .find(|c| &c.id == id);
            if row.is_some_and(|c| c.title == title) {
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                break;
            }
            if sent.elapsed() > Duration::from_secs(5) {
                missed += 1;
                break;
            }
            tokio::time::sleep(Duration::from_micros(500)).await;
        }
        if let Some(rest) = interval.checked_sub(tick.elapsed()) {
            tokio::time::sleep(rest).await;
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    let result = serde_json::json!({
        "benchmark": "relay_latency",
        "what": "sandbox admin change (webhook POST, Ed25519 signed) → citadesk-relay (verified, fsync'd) → SSE → core relay client (re-verified, deduped, applied) → replica row readable; loopback; replica polled every 0.5 ms",
        "changes": count,
        "measured": latencies.len(),
        "missed_over_5s": missed,
        "rate_per_sec": per_sec,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "p50_ms": (pct(0.50) * 100.0).round() / 100.0,
        "p99_ms": (pct(0.99) * 100.0).round() / 100.0,
        "max_ms": (latencies.last().copied().unwrap_or(0.0) * 100.0).round() / 100.0,
        "at": Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    let path = out_dir.join("relay_latency.json");
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&result).expect("json") + "\n",
    )
    .expect("write");
    println!("{}", serde_json::to_string_pretty(&result).expect("json"));
    relay.shutdown().await.expect("shutdown");
    sb.shutdown().await;
}
