//! citadesk-bench: figures, not pass/fail. Each subcommand writes a JSON file
//! under target/bench/ that CI keeps.
//!
//! - `startup`: Citadesk opening its week from a cache of 50,000 citas (GHL
//!   out of reach) against a Tauri hello world built alike (same profile,
//!   same tauri features, frontend embedded), alternated, N runs each: time
//!   from spawn to the first interactive frame, and the process tree's PSS
//!   (WebKit's web and network processes included) after the same settle
//!   time. Needs a display (scripts/bench.sh runs it under Xvfb).
//! - `week-query`: the week view's SQLite query over 20 calendars with 2,000
//!   citas in the week among 50,000.
//! - `booking`, `reconciliation`: the desk against ghl-sandbox's large seed.
//! - `idle-pulls`: GHL calls and bytes per desk per idle hour with the relay
//!   live and without it (several desks, the large seed, simulated hours).
//! - `dashboard`: the Panel's figures, 90 days × 20 calendars, large seed.
//! - `views`: the month of 20 calendars and the list of 24,800 citas from
//!   the core, large seed.

mod desk_bench;
mod fixture;
mod idle_pulls;
mod proc_mem;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::{Parser, Subcommand};
use serde_json::json;

#[derive(Parser)]
#[command(name = "citadesk-bench")]
struct Cli {
    /// Where the JSON figures go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    Startup {
        /// Folder with the built `citadesk` and `bench-hello` binaries, both
        /// from the same profile: a shipped app is optimised, so
        /// scripts/bench.sh builds both with `bench-opt`.
        #[arg(long, default_value = "target/bench-opt")]
        bin_dir: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Citas in the cache.
        #[arg(long, default_value_t = 50_000)]
        citas: usize,
        /// Of which in the week on screen.
        #[arg(long, default_value_t = 2_000)]
        in_week: usize,
        /// Calendars (columns) of the location.
        #[arg(long, default_value_t = 20)]
        calendars: usize,
        /// Seconds to let the app settle before reading its memory.
        #[arg(long, default_value_t = 4)]
        settle: u64,
    },
    /// Fill a replica for manual runs: `CITADESK_DATA_DIR=DIR citadesk`.
    Seed {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 50_000)]
        citas: usize,
        #[arg(long, default_value_t = 20)]
        calendars: usize,
        #[arg(long, default_value_t = 2_000)]
        in_week: usize,
    },
    WeekQuery {
        #[arg(long, default_value_t = 300)]
        iterations: usize,
    },
    /// Against ghl-sandbox's large seed: week view query, GHL calls per
    /// booking (existing and new patient), "Guardar" to confirmed.
    Booking {
        #[arg(long, default_value_t = 40)]
        bookings: usize,
    },
    /// Against ghl-sandbox's large seed: a 31-day reconciliation's GHL
    /// calls, wall time and diff time.
    Reconciliation {
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// Against ghl-sandbox with GHL's default limits: reminders of many
    /// citas due at once, their GHL calls, time and 429s.
    Reminders {
        #[arg(long, default_value_t = 300)]
        citas: usize,
    },
    /// Against ghl-sandbox's large seed: what idle desks of one clinic cost
    /// GHL per hour, with the relay live and without it.
    IdlePulls {
        #[arg(long, default_value_t = 5)]
        desks: usize,
    },
    /// The Panel's figures for 90 days × 20 calendars on the large seed
    /// (filled to 90 days): request to data.
    Dashboard {
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
    /// The month view and the list (pages, sort, search, CSV) on the large
    /// seed: request to data in the core.
    Views {
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

fn main() {
    let cli = Cli::parse();
    std::fs::create_dir_all(&cli.out).expect("output folder");
    match cli.command {
        Cmd::Startup {
            bin_dir,
            runs,
            citas,
            in_week,
            calendars,
            settle,
        } => startup(&cli.out, &bin_dir, runs, citas, in_week, calendars, settle),
        Cmd::Seed {
            data_dir,
            citas,
            calendars,
            in_week,
        } => {
            let s = fixture::seed_replica(&data_dir, citas, calendars, in_week);
            eprintln!(
                "{} citas in {} ms (open it with {}={})",
                s.citas,
                s.ms,
                citadesk_core::Desk::REPLICA_KEY_ENV,
                fixture::REPLICA_KEY
            );
        }
        Cmd::WeekQuery { iterations } => week_query(&cli.out, iterations),
        Cmd::Booking { bookings } => runtime().block_on(desk_bench::booking(&cli.out, bookings)),
        Cmd::Reconciliation { runs } => {
            runtime().block_on(desk_bench::reconciliation(&cli.out, runs))
        }
        Cmd::Reminders { citas } => runtime().block_on(desk_bench::reminders(&cli.out, citas)),
        Cmd::IdlePulls { desks } => runtime().block_on(idle_pulls::idle_pulls(&cli.out, desks)),
        Cmd::Dashboard { runs } => runtime().block_on(desk_bench::dashboard(&cli.out, runs)),
        Cmd::Views { runs } => runtime().block_on(desk_bench::views(&cli.out, runs)),
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn epoch_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
}

struct Run {
    ready_ms: u64,
    /// Citadesk's start-up phases, ms after spawn (the hello world has none).
    phases: BTreeMap<String, i64>,
    pss_kb: u64,
    rss_kb: u64,
    processes: usize,
    by_name: Vec<(String, u64)>,
}

/// The ready file: the epoch ms alone (the hello world), or Citadesk's
/// `{ready, phases}` with each phase as epoch ms, made relative to the spawn.
fn ready_file_contents(s: &str, spawned_at: u128) -> Option<(u128, BTreeMap<String, i64>)> {
    if let Ok(v) = s.trim().parse::<u128>() {
        return Some((v, BTreeMap::new()));
    }
    let v: serde_json::Value = serde_json::from_str(s).ok()?;
    let ready = v["ready"].as_u64()? as u128;
    let phases = v["phases"]
        .as_object()?
        .iter()
        .filter_map(|(k, t)| Some((k.clone(), t.as_f64()? as i64 - spawned_at as i64)))
        .collect();
    Some((ready, phases))
}

/// Median of each start-up phase over the runs, in the order reached.
fn phase_medians(runs: &[Run]) -> serde_json::Value {
    let mut names: Vec<&String> = runs.iter().flat_map(|r| r.phases.keys()).collect();
    names.sort();
    names.dedup();
    let mut by: Vec<(String, i64)> = names
        .into_iter()
        .map(|n| {
            let mut v: Vec<i64> = runs
                .iter()
                .filter_map(|r| r.phases.get(n).copied())
                .collect();
            v.sort_unstable();
            (n.clone(), v[v.len() / 2])
        })
        .collect();
    by.sort_by_key(|(_, ms)| *ms);
    serde_json::Value::Object(by.into_iter().map(|(n, ms)| (n, json!(ms))).collect())
}

/// Environment for a launch: none, or the opt-out that keeps WebKit's
/// hardware acceleration (the app before issue #15).
type Env<'a> = &'a [(&'a str, &'a str)];
const WEBKIT_DEFAULTS: Env<'static> = &[("CITADESK_WEBKIT_ACCELERATION", "1")];

fn launch(binary: &Path, data_dir: &Path, home: &Path, settle: u64, env: Env) -> Run {
    let ready_file = home.join(format!("ready-{}", epoch_ms()));
    let spawned_at = epoch_ms();
    let mut child = Command::new(binary)
        .envs(env.iter().copied())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("CITADESK_DATA_DIR", data_dir)
        .env(citadesk_core::Desk::REPLICA_KEY_ENV, fixture::REPLICA_KEY)
        // GHL is out of reach in this benchmark: the week comes from the cache.
        .env("CITADESK_GHL_TOKEN", "bench-token-not-used")
        .env("CITADESK_BENCH_READY_FILE", &ready_file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
    let started = Instant::now();
    let (ready_at, phases) = loop {
        if let Some(r) = std::fs::read_to_string(&ready_file)
            .ok()
            .and_then(|s| ready_file_contents(&s, spawned_at))
        {
            break r;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{} never became interactive", binary.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    std::thread::sleep(Duration::from_secs(settle));
    let mem = proc_mem::tree(child.id());
    let _ = child.kill();
    let _ = child.wait();
    proc_mem::kill_orphans(&mem.pids);
    Run {
        ready_ms: (ready_at.saturating_sub(spawned_at)) as u64,
        phases,
        pss_kb: mem.pss_kb,
        rss_kb: mem.rss_kb,
        processes: mem.pids.len(),
        by_name: mem.by_name,
    }
}

/// The median run's PSS (MB) by process name: the app, the web view, the network process.
fn pss_by_process(runs: &[Run]) -> serde_json::Value {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| r.pss_kb);
    let mut by = serde_json::Map::new();
    if let Some(r) = sorted.get(sorted.len() / 2) {
        for (name, kb) in &r.by_name {
            by.insert(name.clone(), json!(*kb as f64 / 1024.0));
        }
    }
    serde_json::Value::Object(by)
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn startup(
    out: &Path,
    bin_dir: &Path,
    runs: usize,
    citas: usize,
    in_week: usize,
    calendars: usize,
    settle: u64,
) {
    let home = tempfile::tempdir().unwrap();
    for sub in ["share", "cache", "config"] {
        std::fs::create_dir_all(home.path().join(sub)).unwrap();
    }
    let data_dir = home.path().join("citadesk-data");
    let seeded = fixture::seed_replica(&data_dir, citas, calendars, in_week);
    eprintln!("cache: {} citas in {} ms", seeded.citas, seeded.ms);

    let app = bin_dir.join("citadesk");
    let hello = bin_dir.join("bench-hello");
    // One warm-up each: the first WebKit start pays for disk caches.
    launch(&hello, &data_dir, home.path(), 1, &[]);
    launch(&app, &data_dir, home.path(), 1, &[]);
    // Alternated: hello world, Citadesk, Citadesk with WebKit's defaults
    // (hardware acceleration on: the opt-out, and the app before #15).
    let (mut h, mut a, mut d) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        h.push(launch(&hello, &data_dir, home.path(), settle, &[]));
        a.push(launch(&app, &data_dir, home.path(), settle, &[]));
        d.push(launch(
            &app,
            &data_dir,
            home.path(),
            settle,
            WEBKIT_DEFAULTS,
        ));
        eprintln!(
            "run {}: hello {} ms {} MB PSS | citadesk {} ms {} MB PSS | with WebKit defaults {} ms {} MB PSS",
            i + 1,
            h[i].ready_ms,
            h[i].pss_kb / 1024,
            a[i].ready_ms,
            a[i].pss_kb / 1024,
            d[i].ready_ms,
            d[i].pss_kb / 1024
        );
    }
    let summary = |runs: &[Run]| {
        json!({
            "interactive_ms_median": median(runs.iter().map(|r| r.ready_ms).collect()),
            "interactive_ms_runs": runs.iter().map(|r| r.ready_ms).collect::<Vec<_>>(),
            "idle_pss_mb_median": median(runs.iter().map(|r| r.pss_kb).collect()) as f64 / 1024.0,
            "idle_rss_mb_median": median(runs.iter().map(|r| r.rss_kb).collect()) as f64 / 1024.0,
            "processes": runs.last().map(|r| r.processes),
            // The median run's PSS by process (app, web view, network).
            "idle_pss_mb_by_process": pss_by_process(runs),
            // Where the time to interactive goes: ms after spawn, medians.
            "phases_ms_after_spawn": phase_medians(runs),
        })
    };
    let (hs, as_, ds) = (summary(&h), summary(&a), summary(&d));
    let delta_ms = |s: &serde_json::Value| {
        s["interactive_ms_median"].as_u64().unwrap() as i64
            - hs["interactive_ms_median"].as_u64().unwrap() as i64
    };
    let delta_mb = |s: &serde_json::Value| {
        s["idle_pss_mb_median"].as_f64().unwrap() - hs["idle_pss_mb_median"].as_f64().unwrap()
    };
    let report = json!({
        "benchmark": "startup",
        "when": chrono::Utc::now().to_rfc3339(),
        "binaries": bin_dir.display().to_string(),
        "settle_s": settle,
        "cached_citas": seeded.citas,
        "calendars": calendars,
        "citas_in_week": in_week,
        "runs": runs,
        "hello_world": hs,
        "citadesk": as_,
        "interactive_delta_ms": delta_ms(&as_),
        "idle_pss_delta_mb": delta_mb(&as_),
        "citadesk_webkit_defaults": {
            "env": "CITADESK_WEBKIT_ACCELERATION=1",
            "summary": ds,
            "interactive_delta_ms": delta_ms(&ds),
            "idle_pss_delta_mb": delta_mb(&ds),
        },
        "targets": { "interactive_delta_ms": 300, "idle_pss_delta_mb": 60 },
    });
    write(out, "startup.json", &report);
}

fn week_query(out: &Path, iterations: usize) {
    let dir = tempfile::tempdir().unwrap();
    let seeded = fixture::seed_replica(dir.path(), 50_000, 20, 2_000);
    let store = citadesk_core::testing::Store::open(
        &citadesk_core::paths::replica_path(dir.path()),
        &fixture::replica_key(),
    )
    .unwrap();
    let zone: chrono_tz::Tz = fixture::ZONE.parse().unwrap();
    let (start, end) = citadesk_core::testing::time::days_range(seeded.week_monday, 7, zone);
    let mut times = Vec::with_capacity(iterations);
    let mut rows = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        let citas = store
            .citas_between(fixture::LOCATION, start, end, zone)
            .unwrap();
        times.push(t.elapsed().as_micros() as u64);
        rows = citas.len();
    }
    times.sort_unstable();
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize] as f64 / 1000.0;
    let report = json!({
        "benchmark": "week_query",
        "when": chrono::Utc::now().to_rfc3339(),
        "calendars": 20,
        "citas_in_db": seeded.citas,
        "citas_in_week": rows,
        "iterations": iterations,
        "ms_p50": p(0.5),
        "ms_p95": p(0.95),
        "ms_max": p(1.0),
        "target_ms": 5,
    });
    write(out, "week_query.json", &report);
}

fn write(out: &Path, name: &str, report: &serde_json::Value) {
    let path = out.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(report).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(report).unwrap());
    eprintln!("wrote {}", path.display());
}
