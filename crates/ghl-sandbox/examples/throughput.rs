//! How many `GET /calendars/events` per second the sandbox sustains, rate
//! limits lifted, client and server sharing one 2-worker runtime (the
//! 2 cores of our machines). Run in release:
//!
//! ```sh
//! cargo run --release -p ghl-sandbox --example throughput -- [--secs 5] [--out target/bench/sandbox.json]
//! ```
//!
//! Two scenarios: the demo clinic's week view (one calendar, 7 days, ~15
//! events per answer) and the large seed's day view (one of 20 calendars,
//! one day, 40 events per answer). Writes a JSON summary.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone};
use ghl_sandbox::{RateLimits, SandboxConfig, Seed};
use serde_json::json;

const CONCURRENCY: usize = 32;

fn lima_midnight(day: NaiveDate) -> i64 {
    chrono_tz::America::Lima
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("Lima has no DST")
        .timestamp_millis()
}

struct Outcome {
    requests: u64,
    errors: u64,
    seconds: f64,
    events_per_answer: usize,
}

async fn scenario(seed: Seed, days: i64, secs: u64) -> Outcome {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let sandbox = ghl_sandbox::start(SandboxConfig {
        seed,
        today: Some(today),
        rate_limits: RateLimits::unlimited(),
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let calendar = sandbox
        .sandbox()
        .read()
        .await
        .calendars
        .keys()
        .next()
        .cloned()
        .expect("a calendar");
    let url = format!(
        "{}/calendars/events?locationId={}&calendarId={calendar}&startTime={}&endTime={}",
        sandbox.base_url(),
        sandbox.location_id(),
        lima_midnight(today),
        lima_midnight(today + chrono::Duration::days(days)),
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .build()
        .expect("client");
    let probe: serde_json::Value = client
        .get(&url)
        .bearer_auth(sandbox.pit())
        .header("Version", "2021-04-15")
        .send()
        .await
        .expect("probe")
        .json()
        .await
        .expect("JSON");
    let events_per_answer = probe["events"].as_array().map_or(0, Vec::len);

    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let counting = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, url, pit) = (client.clone(), url.clone(), sandbox.pit().to_string());
        let (done, errors, counting, stop) =
            (done.clone(), errors.clone(), counting.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let ok = match client
                    .get(&url)
                    .bearer_auth(&pit)
                    .header("Version", "2021-04-15")
                    .send()
                    .await
                {
                    Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if counting.load(Ordering::Relaxed) {
                    if ok {
                        done.fetch_add(1, Ordering::Relaxed);
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    // Warm up, then count.
    tokio::time::sleep(Duration::from_secs(1)).await;
    counting.store(true, Ordering::Relaxed);
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(secs)).await;
    counting.store(false, Ordering::Relaxed);
    let seconds = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }
    sandbox.shutdown().await;
    Outcome {
        requests: done.load(Ordering::Relaxed),
        errors: errors.load(Ordering::Relaxed),
        seconds,
        events_per_answer,
    }
}

fn main() {
    let mut secs = 5;
    let mut out = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../target/bench/sandbox.json");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--secs" => secs = args.next().and_then(|s| s.parse().ok()).unwrap_or(secs),
            "--out" => out = args.next().map(Into::into).unwrap_or(out),
            other => panic!("unknown argument {other}"),
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let results = runtime.block_on(async {
        let mut results = Vec::new();
        for (name, seed, days) in [("demo_week", Seed::Demo, 7), ("large_day", Seed::Large, 1)] {
            let o = scenario(seed, days, secs).await;
            let rps = o.requests as f64 / o.seconds;
            println!(
                "{name}: {rps:.0} req/s ({} requests, {} errors, {:.1} s, {} events per answer)",
                o.requests, o.errors, o.seconds, o.events_per_answer
            );
            results.push(json!({
                "scenario": name,
                "endpoint": "GET /calendars/events",
                "requestsPerSecond": rps.round(),
                "requests": o.requests,
                "errors": o.errors,
                "seconds": o.seconds,
                "eventsPerAnswer": o.events_per_answer,
            }));
        }
        results
    });
    let summary = json!({
        "benchmark": "ghl-sandbox throughput",
        "workerThreads": 2,
        "concurrency": CONCURRENCY,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "profile": if cfg!(debug_assertions) { "debug" } else { "release" },
        "rateLimits": "lifted",
        // Other work on the machine while it ran (Linux), for reading the figures.
        "loadAverage": std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_string)),
        "time": chrono::Utc::now().to_rfc3339(),
        "results": results,
    });
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("output folder");
    }
    std::fs::write(&out, serde_json::to_vec_pretty(&summary).expect("JSON")).expect("write");
    println!("written to {}", out.display());
}
