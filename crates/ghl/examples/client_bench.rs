//! Benchmark (figures, not pass/fail): the GHL client against an in-process
//! ghl-sandbox over loopback. Writes `<out>/ghl_client.json`.
//!
//! - `limited`: calls per second the client sustains within GHL's default
//!   limit (100 per 10 s burst), 8 callers at once, overall and after the
//!   opening burst, and how many 429s GHL had to send (the client throttles
//!   ahead, so it should be none);
//! - `unlimited`: raw throughput with the sandbox's limits lifted, 1 and 8
//!   callers;
//! - `overhead`: one caller, the same endpoint through the client and
//!   through a bare reqwest client with the same headers; the difference is
//!   the client's own cost per call (rate limiter, metrics, bearer, decode).
//!
//! Run: cargo run --profile bench-opt -p citadesk-ghl --example client_bench -- --out target/bench

use std::sync::Arc;
use std::time::{Duration, Instant};

use citadesk_ghl::{ClientConfig, GhlClient, Secret};
use ghl_sandbox::{RateLimits, RunningSandbox, SandboxConfig, Seed};
use serde_json::json;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

async fn sandbox(limits: RateLimits) -> RunningSandbox {
    ghl_sandbox::start(SandboxConfig {
        seed: Seed::Demo,
        rate_limits: limits,
        ..Default::default()
    })
    .await
    .expect("sandbox")
}

fn client(sb: &RunningSandbox) -> Arc<GhlClient> {
    Arc::new(
        GhlClient::new(
            ClientConfig::new(sb.base_url(), Secret::new(sb.pit())).for_location(sb.location_id()),
        )
        .unwrap(),
    )
}

/// `callers` tasks calling `GET /calendars/` until `duration` has passed
/// or `max_calls` are done; calls per second.
async fn run(
    c: Arc<GhlClient>,
    loc: &str,
    callers: usize,
    duration: Duration,
    max_calls: u64,
) -> (u64, f64) {
    let started = Instant::now();
    let done = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..callers {
        let (c, loc, done) = (c.clone(), loc.to_string(), done.clone());
        tasks.push(tokio::spawn(async move {
            while started.elapsed() < duration
                && done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < max_calls
            {
                c.list_calendars(&loc).await.expect("call");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let calls = c.calls();
    (calls, calls as f64 / started.elapsed().as_secs_f64())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 * p).ceil() as usize).saturating_sub(1)]
}

fn summary(mut us: Vec<f64>) -> serde_json::Value {
    us.sort_by(f64::total_cmp);
    let mean = us.iter().sum::<f64>() / us.len() as f64;
    json!({
        "n": us.len(),
        "mean_us": (mean * 10.0).round() / 10.0,
        "p50_us": percentile(&us, 0.50),
        "p95_us": percentile(&us, 0.95),
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let out = std::path::PathBuf::from(arg("--out").unwrap_or_else(|| "target/bench".into()));
    let limited_calls: u64 = arg("--limited-calls")
        .and_then(|v| v.parse().ok())
        .unwrap_or(400);
    let overhead_calls: usize = arg("--overhead-calls")
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    std::fs::create_dir_all(&out).unwrap();

    // Within GHL's default limit: the first 100 go at once, then 100 per
    // window. The steady rate counts from the first call after that burst.
    let sb = sandbox(RateLimits::default()).await;
    let started = Instant::now();
    let (calls, rate) = run(
        client(&sb),
        sb.location_id(),
        8,
        Duration::from_secs(3600),
        limited_calls,
    )
    .await;
    let seconds = started.elapsed().as_secs_f64();
    let log = sb.sandbox().requests();
    let too_many = log.iter().filter(|r| r.status == 429).count();
    // Calls after the opening burst, over the time from the burst's end
    // (one interval after the first call) to the last call's window end.
    let steady = match (log.first(), log.last()) {
        (Some(a), Some(b)) if log.len() > 100 => {
            let span = (b.time - a.time).num_milliseconds() as f64 / 1000.0;
            (log.len() - 100) as f64 / span.max(1.0)
        }
        _ => 0.0,
    };
    eprintln!(
        "limited: {calls} calls in {seconds:.1} s, {rate:.2}/s overall, {steady:.2}/s steady, {too_many} x 429"
    );
    let limited = json!({
        "limit": "100 per 10 s (GHL default)",
        "callers": 8,
        "calls": calls,
        "seconds": (seconds * 10.0).round() / 10.0,
        "calls_per_sec_overall": (rate * 100.0).round() / 100.0,
        "calls_per_sec_steady": (steady * 100.0).round() / 100.0,
        "http_429": too_many,
    });
    sb.shutdown().await;

    // Limits lifted: raw throughput.
    let sb = sandbox(RateLimits::unlimited()).await;
    let mut unlimited = Vec::new();
    for callers in [1usize, 8] {
        let (calls, rate) = run(
            client(&sb),
            sb.location_id(),
            callers,
            Duration::from_secs(10),
            5_000,
        )
        .await;
        eprintln!("unlimited, {callers} callers: {calls} calls, {rate:.0}/s");
        unlimited.push(json!({"callers": callers, "calls": calls, "calls_per_sec": rate.round()}));
    }

    // Overhead: the same call through the client and through bare reqwest,
    // alternated in blocks so drift in machine load hits both alike.
    let c = client(&sb);
    let raw = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let url = format!("{}/calendars/", sb.base_url());
    let loc = sb.location_id().to_string();
    let (mut via_client, mut via_raw) = (Vec::new(), Vec::new());
    for _ in 0..50 {
        c.list_calendars(&loc).await.unwrap();
    }
    for _ in 0..(overhead_calls / 100).max(1) {
        for _ in 0..50 {
            let t = Instant::now();
            c.list_calendars(&loc).await.unwrap();
            via_client.push(t.elapsed().as_secs_f64() * 1e6);
        }
        for _ in 0..50 {
            let t = Instant::now();
            let body: serde_json::Value = raw
                .get(&url)
                .query(&[("locationId", loc.as_str())])
                .bearer_auth(sb.pit())
                .header("Version", "2021-04-15")
                .header("Accept", "application/json")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(body["calendars"].is_array());
            via_raw.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    let (client_sum, raw_sum) = (summary(via_client), summary(via_raw));
    let overhead_mean =
        client_sum["mean_us"].as_f64().unwrap() - raw_sum["mean_us"].as_f64().unwrap();
    let overhead_p50 = client_sum["p50_us"].as_f64().unwrap() - raw_sum["p50_us"].as_f64().unwrap();
    eprintln!("overhead: client {client_sum} raw {raw_sum} -> {overhead_mean:.1} us mean, {overhead_p50:.1} us p50");
    sb.shutdown().await;

    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let report = json!({
        "benchmark": "ghl_client",
        "endpoint": "GET /calendars/ (3 calendars), ghl-sandbox in-process over loopback",
        "profile": if cfg!(debug_assertions) { "debug" } else { "optimised" },
        "limited": limited,
        "unlimited": unlimited,
        "overhead": {
            "client": client_sum,
            "raw_reqwest": raw_sum,
            "client_overhead_mean_us": (overhead_mean * 10.0).round() / 10.0,
            "client_overhead_p50_us": (overhead_p50 * 10.0).round() / 10.0,
        },
        "loadavg": load.trim(),
    });
    let path = out.join("ghl_client.json");
    std::fs::write(&path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("wrote {}", path.display());
}
