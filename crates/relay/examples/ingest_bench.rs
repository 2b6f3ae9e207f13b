//! Sustained ingest benchmark: signed webhooks from a loopback load
//! generator, each verified (Ed25519) and durably committed before its 200:
//! SQLite WAL with synchronous=FULL (target/bench/relay_ingest.json), or with
//! `--postgres` a real PostgreSQL server started for the run, synchronous
//! commit on (target/bench/relay_ingest_postgres.json).
//!
//!   cargo run --profile bench-opt -p citadesk-relay --example ingest_bench -- [count] [concurrency] [--postgres]
//!
//! Relay and generator share one 2-worker runtime, so on a 2-core machine
//! they compete for the same cores, as they would on a small host (and with
//! PostgreSQL, the server shares them too).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use citadesk_relay::Config;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::Signer;

#[path = "../tests/common/pg.rs"]
mod pg;

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let postgres = args.iter().any(|a| a == "--postgres");
    args.retain(|a| a != "--postgres");
    // Started outside the runtime: its client is a blocking one.
    let server = postgres.then(|| pg::PgServer::start().expect("PostgreSQL is installed"));
    let database_url = server.as_ref().map(|s| s.database("bench"));
    let count: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(40_000);
    let concurrency: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(64);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run(count, concurrency, database_url));
    drop(server);
}

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

async fn run(count: usize, concurrency: usize, database_url: Option<String>) {
    let out_dir = manifest("../../target/bench");
    std::fs::create_dir_all(&out_dir).expect("target/bench");
    let out_dir = out_dir.canonicalize().expect("target/bench");
    // On the real disk, so every commit's fsync is paid.
    let data = tempfile::tempdir_in(&out_dir).expect("data dir");
    let read = |p: &str| std::fs::read_to_string(manifest(p)).expect("fixture");
    let cfg = Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        metrics_listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.path().to_path_buf(),
        ed25519_public_keys: vec![read("tests/fixtures/ed25519-test.pub.pem")],
        rsa_public_keys: vec![],
        log: "warn".into(),
        database_url: database_url
            .clone()
            .map(citadesk_relay::config::DatabaseUrl),
        ..Config::default()
    };
    let relay = citadesk_relay::start(cfg).await.expect("relay");
    let url = format!("http://{}/webhooks/ghl", relay.addr);

    // Signing is GHL's cost, not the relay's: done before the clock starts.
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&read("tests/fixtures/ed25519-test.pem"))
        .expect("key");
    let warmup = 2_000.min(count / 10);
    let total = count + warmup;
    let started_signing = Instant::now();
    let bodies: Arc<Vec<(Vec<u8>, String)>> = Arc::new(
        (0..total)
            .map(|i| {
                let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                let body = format!(
                    "{{\"type\":\"AppointmentUpdate\",\"locationId\":\"L{}\",\"webhookId\":\"bench-{i}\",\
                     \"timestamp\":\"{ts}\",\"appointment\":{{\"id\":\"apt{i}\",\"title\":\"Consulta\",\
                     \"calendarId\":\"cal1\",\"contactId\":\"c{i}\",\"appointmentStatus\":\"confirmed\",\
                     \"startTime\":\"2026-11-24T10:00:00-06:00\",\"endTime\":\"2026-11-24T10:30:00-06:00\",\
                     \"dateUpdated\":\"{ts}\"}}}}",
                    i % 20
                )
                .into_bytes();
                let sig = STANDARD.encode(key.sign(&body).to_bytes());
                (body, sig)
            })
            .collect(),
    );
    eprintln!("signed {total} bodies in {:?}", started_signing.elapsed());

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client");
    let mut clock_start = None;
    let mut latencies: Vec<Duration> = Vec::with_capacity(count);
    let mut failures = 0usize;
    for (first, phase) in [(0, warmup), (warmup, total)] {
        let next = Arc::new(AtomicUsize::new(first));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (http, url, bodies, next) =
                (http.clone(), url.clone(), bodies.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::new();
                let mut failed = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= phase {
                        break;
                    }
                    let (body, sig) = &bodies[i];
                    let t = Instant::now();
                    let ok = http
                        .post(&url)
                        .header("x-ghl-signature", sig.as_str())
                        .body(body.clone())
                        .send()
                        .await
                        .map(|r| r.status() == 200)
                        .unwrap_or(false);
                    lat.push(t.elapsed());
                    if !ok {
                        failed += 1;
                    }
                }
                (lat, failed)
            }));
        }
        let mut phase_lat = Vec::new();
        let mut phase_failed = 0;
        for t in tasks {
            let (l, f) = t.await.expect("task");
            phase_lat.extend(l);
            phase_failed += f;
        }
        if phase == total {
            clock_start = Some(started);
            latencies = phase_lat;
            failures = phase_failed;
        }
    }
    let elapsed = clock_start.expect("timed phase").elapsed();
    latencies.sort();
    let pct = |p: f64| {
        let idx = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[idx].as_secs_f64() * 1000.0
    };
    let rate = latencies.len() as f64 / elapsed.as_secs_f64();

    let metrics = reqwest::get(format!("http://{}/metrics", relay.metrics_addr))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics text");
    let metric = |name: &str| {
        metrics
            .lines()
            .find_map(|l| {
                l.strip_prefix(name)
                    .and_then(|v| v.trim().parse::<f64>().ok())
            })
            .unwrap_or(0.0)
    };
    let stored = metric("citadesk_relay_webhooks_stored_total ");
    let batches = metric("citadesk_relay_commit_batches_total ");
    relay.shutdown().await.expect("shutdown");

    let result = serde_json::json!({
        "benchmark": "relay_ingest",
        "what": if database_url.is_some() {
            "POST /webhooks/ghl over loopback HTTP/1.1: Ed25519 verified, JSON envelope checked, committed to PostgreSQL (same host, synchronous_commit=on, fsync on) before the 200"
        } else {
            "POST /webhooks/ghl over loopback HTTP/1.1: Ed25519 verified, JSON envelope checked, committed to SQLite WAL synchronous=FULL before the 200"
        },
        "store": if database_url.is_some() { "postgres" } else { "sqlite" },
        "webhooks": latencies.len(),
        "failures": failures,
        "concurrency": concurrency,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "seconds": elapsed.as_secs_f64(),
        "webhooks_per_sec": rate.round(),
        "p50_ms": (pct(0.50) * 1000.0).round() / 1000.0,
        "p99_ms": (pct(0.99) * 1000.0).round() / 1000.0,
        "stored_total": stored,
        "commits": batches,
        "webhooks_per_commit": if batches > 0.0 { (stored / batches * 10.0).round() / 10.0 } else { 0.0 },
        "target_webhooks_per_sec": 3000,
        "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    let path = out_dir.join(if database_url.is_some() {
        "relay_ingest_postgres.json"
    } else {
        "relay_ingest.json"
    });
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&result).expect("json") + "\n",
    )
    .expect("write the results");
    println!("{}", serde_json::to_string_pretty(&result).expect("json"));
    eprintln!("wrote {}", path.display());
    assert_eq!(failures, 0, "every webhook must be answered 200");
}
