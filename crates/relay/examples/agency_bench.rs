//! The relay at an agency's scale (issue #15, part 3): 1,000 locations,
//! 10,000 connected installs (one SSE stream each, ten per location), GHL
//! posting signed webhooks at 3,000/s spread over the locations. Figures:
//! delivery latency from the relay's 200 to each install's receipt (p50,
//! p99), the relay's memory (RSS, PSS) and CPU. SQLite
//! (target/bench/relay_agency.json) or, with `--postgres`, a PostgreSQL
//! server started for the run (relay_agency_postgres.json).
//!
//!   cargo run --profile bench-opt -p citadesk-relay --example agency_bench -- [--postgres] [--seconds 10]
//!
//! The relay runs as a child process (this binary with `--serve-relay`,
//! the production runtime: one worker per core), so its memory and CPU are
//! its own; the installs and GHL are this process, on the same 2 cores.
//! Everything stays on loopback and the run stops by itself; CI scales its
//! duration (`--seconds`), never the numbers of locations or installs.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use citadesk_relay::store::Store;
use citadesk_relay::Config;
use ed25519_dalek::pkcs8::DecodePrivateKey;
use ed25519_dalek::Signer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "../tests/common/pg.rs"]
mod pg;

const LOCATIONS: usize = 1_000;
const INSTALLS: usize = 10_000;

fn manifest(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn arg_value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    raise_nofile();
    if args.iter().any(|a| a == "--serve-relay") {
        serve_relay(&args);
        return;
    }
    let postgres = args.iter().any(|a| a == "--postgres");
    let seconds: f64 = arg_value(&args, "--seconds")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10.0);
    let rate: usize = arg_value(&args, "--rate")
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let label = arg_value(&args, "--label").unwrap_or_default();
    let server = postgres.then(|| pg::PgServer::start().expect("PostgreSQL is installed"));
    let database_url = server.as_ref().map(|s| s.database("agency"));

    let out_dir = manifest("../../target/bench");
    std::fs::create_dir_all(&out_dir).expect("target/bench");
    let out_dir = out_dir.canonicalize().expect("target/bench");
    let data = tempfile::tempdir_in(&out_dir).expect("data dir");

    // Install tokens, straight into the store (as `token create` does).
    let started = Instant::now();
    let store: Box<dyn Store> = match &database_url {
        Some(url) => Box::new(citadesk_relay::postgres::PgStore::open(url, 4).expect("pg store")),
        None => Box::new(citadesk_relay::sqlite::SqliteStore::open(data.path()).expect("store")),
    };
    let tokens: Vec<String> = (0..INSTALLS)
        .map(|i| {
            citadesk_relay::tokens::issue(
                store.as_ref(),
                &format!("Recepción {i}"),
                &[location(i % LOCATIONS)],
                0,
            )
            .expect("token")
            .token
        })
        .collect();
    drop(store);
    eprintln!("{INSTALLS} install tokens in {:?}", started.elapsed());

    let mut child = spawn_relay(data.path(), database_url.as_deref());
    let addr = read_addr(&mut child);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let result = rt.block_on(run(&addr, child.id(), tokens, seconds, rate));
    drop(child.stdin.take());
    let _ = child.wait();
    drop(server);

    let store_name = if postgres { "postgres" } else { "sqlite" };
    let mut result = result;
    result["store"] = store_name.into();
    result["label"] = label.clone().into();
    let name = format!(
        "relay_agency{}{}.json",
        if postgres { "_postgres" } else { "" },
        if label.is_empty() {
            String::new()
        } else {
            format!("_{label}")
        }
    );
    let path = out_dir.join(name);
    std::fs::write(
        &path,
        serde_json::to_string_pretty(&result).expect("json") + "\n",
    )
    .expect("write the results");
    println!("{}", serde_json::to_string_pretty(&result).expect("json"));
    eprintln!("wrote {}", path.display());
}

fn location(i: usize) -> String {
    format!("AgencyLoc{i:05}")
}

/// 10,000 sockets on each side: lift the soft limit to the hard one.
fn raise_nofile() {
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

fn relay_config(data_dir: PathBuf, database_url: Option<String>) -> Config {
    let read = |p: &str| std::fs::read_to_string(manifest(p)).expect("fixture");
    Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        metrics_listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir,
        ed25519_public_keys: vec![read("tests/fixtures/ed25519-test.pub.pem")],
        rsa_public_keys: vec![],
        log: "warn".into(),
        database_url: database_url.map(citadesk_relay::config::DatabaseUrl),
        max_streams: 2 * INSTALLS,
        ..Config::default()
    }
}

/// Child: the relay as the production binary runs it, until stdin closes.
fn serve_relay(args: &[String]) {
    let data_dir = PathBuf::from(arg_value(args, "--data-dir").expect("--data-dir"));
    let cfg = relay_config(data_dir, arg_value(args, "--database-url"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let relay = citadesk_relay::start(cfg).await.expect("relay");
        println!("listening {}", relay.addr);
        std::io::stdout().flush().expect("stdout");
        let _ = tokio::task::spawn_blocking(|| {
            use std::io::Read;
            std::io::stdin().read(&mut [0u8; 1])
        })
        .await;
        relay.shutdown().await.expect("relay stops");
    });
}

fn spawn_relay(data_dir: &std::path::Path, database_url: Option<&str>) -> Child {
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.arg("--serve-relay")
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(url) = database_url {
        cmd.arg("--database-url").arg(url);
    }
    cmd.spawn().expect("relay process")
}

fn read_addr(child: &mut Child) -> String {
    let out = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(out)
        .read_line(&mut line)
        .expect("relay address");
    line.trim()
        .strip_prefix("listening ")
        .expect("listening line")
        .to_string()
}

/// The relay process's memory (kB): RSS, peak RSS, PSS.
fn memory(pid: u32) -> (u64, u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    (
        field(&status, "VmRSS:"),
        field(&status, "VmHWM:"),
        field(&rollup, "Pss:"),
    )
}

/// CPU seconds the process has used (user + system).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat; 12 and 13 after ')'.
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (ticks(11) + ticks(12)) / hz.max(1.0)
}

/// What one install's stream received: (webhook index, µs since t0).
type Receipts = Vec<(u32, u64)>;

/// One install: a raw HTTP/1.1 SSE stream (chunked), recording the webhooks
/// it receives; `live` counts streams that reached the head.
async fn install_stream(
    addr: String,
    token: String,
    after: i64,
    t0: Instant,
    live: Arc<AtomicUsize>,
    received: Arc<AtomicUsize>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> Receipts {
    let mut receipts = Vec::new();
    let mut sock = loop {
        match tokio::net::TcpStream::connect(&addr).await {
            Ok(s) => break s,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let request = format!(
        "GET /v1/events?after={after} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    sock.write_all(request.as_bytes()).await.expect("request");
    let mut raw: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut body: Vec<u8> = Vec::new();
    let mut headers_done = false;
    let mut buf = vec![0u8; 16 * 1024];
    let mut was_live = false;
    loop {
        let n = tokio::select! {
            r = sock.read(&mut buf) => match r { Ok(0) | Err(_) => break, Ok(n) => n },
            _ = stop.wait_for(|s| *s) => break,
        };
        let now = t0.elapsed().as_micros() as u64;
        raw.extend_from_slice(&buf[..n]);
        if !headers_done {
            let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&raw[..end]).to_string();
            assert!(head.starts_with("HTTP/1.1 200"), "stream refused: {head}");
            raw.drain(..end + 4);
            headers_done = true;
        }
        // De-chunk what is complete.
        while let Some(eol) = raw.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(
                String::from_utf8_lossy(&raw[..eol])
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim(),
                16,
            )
            .unwrap_or(0);
            if raw.len() < eol + 2 + size + 2 {
                break;
            }
            body.extend_from_slice(&raw[eol + 2..eol + 2 + size]);
            raw.drain(..eol + 2 + size + 2);
        }
        // Whole SSE frames.
        while let Some(end) = body.windows(2).position(|w| w == b"\n\n") {
            let frame = &body[..end];
            if let Some(i) = find(frame, b"\"webhookId\":\"a") {
                let digits = &frame[i + 14..];
                let stop_at = digits.iter().position(|b| !b.is_ascii_digit()).unwrap_or(0);
                if let Ok(idx) = std::str::from_utf8(&digits[..stop_at])
                    .unwrap_or("")
                    .parse::<u32>()
                {
                    receipts.push((idx, now));
                    received.fetch_add(1, Ordering::Relaxed);
                }
            } else if !was_live && find(frame, b"event: live").is_some() {
                was_live = true;
                live.fetch_add(1, Ordering::Relaxed);
            }
            body.drain(..end + 2);
        }
    }
    receipts
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

async fn run(
    addr: &str,
    relay_pid: u32,
    tokens: Vec<String>,
    seconds: f64,
    rate: usize,
) -> serde_json::Value {
    let t0 = Instant::now();
    let (rss_idle, _, pss_idle) = memory(relay_pid);

    // Connect every install, a few hundred at a time.
    let live = Arc::new(AtomicUsize::new(0));
    let received = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let connecting = Instant::now();
    let mut streams = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.into_iter().enumerate() {
        streams.push(tokio::spawn(install_stream(
            addr.to_string(),
            token,
            0,
            t0,
            live.clone(),
            received.clone(),
            stop.clone(),
        )));
        if i % 250 == 249 {
            while live.load(Ordering::Relaxed) + 250 < i {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
    while live.load(Ordering::Relaxed) < INSTALLS {
        assert!(
            connecting.elapsed() < Duration::from_secs(120),
            "only {} streams live",
            live.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let connect_s = connecting.elapsed().as_secs_f64();
    let (rss_connected, _, pss_connected) = memory(relay_pid);
    eprintln!("{INSTALLS} streams live in {connect_s:.1} s");

    // GHL: pre-signed bodies (signing is GHL's cost), sent open-loop at `rate`.
    let count = (rate as f64 * seconds) as usize;
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(
        &std::fs::read_to_string(manifest("tests/fixtures/ed25519-test.pem")).expect("key"),
    )
    .expect("key");
    let bodies: Arc<Vec<(Vec<u8>, String)>> = Arc::new(
        (0..count)
            .map(|i| {
                let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                let body = format!(
                    "{{\"type\":\"AppointmentUpdate\",\"locationId\":\"{}\",\"webhookId\":\"a{i}\",\
                     \"timestamp\":\"{ts}\",\"appointment\":{{\"id\":\"apt{i}\",\"title\":\"Consulta\",\
                     \"calendarId\":\"cal1\",\"contactId\":\"c{i}\",\"appointmentStatus\":\"confirmed\",\
                     \"startTime\":\"2026-11-24T10:00:00-05:00\",\"endTime\":\"2026-11-24T10:30:00-05:00\",\
                     \"dateUpdated\":\"{ts}\"}}}}",
                    location(i % LOCATIONS)
                )
                .into_bytes();
                let sig = STANDARD.encode(key.sign(&body).to_bytes());
                (body, sig)
            })
            .collect(),
    );
    let posted: Arc<Vec<AtomicU64>> = Arc::new((0..count).map(|_| AtomicU64::new(0)).collect());
    let answered: Arc<Vec<AtomicU64>> = Arc::new((0..count).map(|_| AtomicU64::new(0)).collect());
    let failures = Arc::new(AtomicUsize::new(0));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("client");
    let url = format!("http://{addr}/webhooks/ghl");
    let in_flight = Arc::new(tokio::sync::Semaphore::new(1024));

    let cpu_before = cpu_seconds(relay_pid);
    let load_started = Instant::now();
    let mut peak = (0u64, 0u64);
    let mut next_sample = Instant::now();
    let tick = Duration::from_millis(10);
    let mut sent = 0usize;
    let mut senders = Vec::with_capacity(count);
    while sent < count {
        // Open loop: as many as the schedule says by now, whatever the answers.
        let due = ((load_started.elapsed().as_secs_f64() * rate as f64) as usize).min(count);
        while sent < due {
            let permit = in_flight.clone().acquire_owned().await.expect("permit");
            let (http, url, bodies, posted, answered, failures) = (
                http.clone(),
                url.clone(),
                bodies.clone(),
                posted.clone(),
                answered.clone(),
                failures.clone(),
            );
            let i = sent;
            senders.push(tokio::spawn(async move {
                let _permit = permit;
                let (body, sig) = &bodies[i];
                posted[i].store(t0.elapsed().as_micros() as u64, Ordering::Relaxed);
                let ok = http
                    .post(&url)
                    .header("x-ghl-signature", sig.as_str())
                    .body(body.clone())
                    .send()
                    .await
                    .map(|r| r.status() == 200)
                    .unwrap_or(false);
                if ok {
                    answered[i].store(t0.elapsed().as_micros() as u64, Ordering::Relaxed);
                } else {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }));
            sent += 1;
        }
        if Instant::now() >= next_sample {
            let (rss, _, pss) = memory(relay_pid);
            peak = (peak.0.max(rss), peak.1.max(pss));
            next_sample = Instant::now() + Duration::from_millis(500);
        }
        tokio::time::sleep(tick).await;
    }
    for s in senders {
        let _ = s.await;
    }
    let load_s = load_started.elapsed().as_secs_f64();
    let achieved_rate = count as f64 / load_s;
    let ok = count - failures.load(Ordering::Relaxed);
    let expected = ok * (INSTALLS / LOCATIONS);

    // Let the streams drain (at most 30 s), then stop them.
    let drain_started = Instant::now();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_after = cpu_seconds(relay_pid);
    let cpu_window = load_started.elapsed().as_secs_f64();
    let (rss_end, hwm_end, pss_end) = memory(relay_pid);
    peak = (peak.0.max(rss_end), peak.1.max(pss_end));
    while received.load(Ordering::Relaxed) < expected
        && drain_started.elapsed() < Duration::from_secs(30)
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_tx.send(true);
    let mut receipts: Receipts = Vec::with_capacity(expected);
    for s in streams {
        receipts.extend(s.await.unwrap_or_default());
    }

    let mut from_200 = Vec::with_capacity(receipts.len());
    let mut from_post = Vec::with_capacity(receipts.len());
    let mut before_200 = 0usize;
    for (i, at) in &receipts {
        let i = *i as usize;
        if i >= count {
            continue;
        }
        let a = answered[i].load(Ordering::Relaxed);
        let p = posted[i].load(Ordering::Relaxed);
        if a == 0 {
            continue;
        }
        // The stream may beat the 200 to the sender: that is 0 ms.
        if *at < a {
            before_200 += 1;
        }
        from_200.push(at.saturating_sub(a) as f64 / 1000.0);
        from_post.push(at.saturating_sub(p) as f64 / 1000.0);
    }
    let pct = |v: &mut Vec<f64>, q: f64| -> f64 {
        if v.is_empty() {
            return f64::NAN;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        let idx = ((v.len() as f64 * q).ceil() as usize).clamp(1, v.len()) - 1;
        (v[idx] * 10.0).round() / 10.0
    };
    let mb = |kb: u64| (kb as f64 / 1024.0 * 10.0).round() / 10.0;
    serde_json::json!({
        "benchmark": "relay_agency",
        "what": "1,000 locations, 10,000 installs streaming (SSE, ten per location), signed webhooks posted open-loop over loopback; the relay a child process on the same 2 cores as the load",
        "locations": LOCATIONS,
        "installs": INSTALLS,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "target_webhooks_per_sec": rate,
        "webhooks_per_sec": achieved_rate.round(),
        "seconds": (load_s * 10.0).round() / 10.0,
        "webhooks_sent": count,
        "webhooks_failed": count - ok,
        "deliveries_expected": expected,
        "deliveries_received": receipts.len(),
        "delivered_before_the_200_reached_ghl": before_200,
        "delivery_ms_from_200": { "p50": pct(&mut from_200, 0.50), "p99": pct(&mut from_200, 0.99), "max": pct(&mut from_200, 1.0) },
        "delivery_ms_from_post": { "p50": pct(&mut from_post, 0.50), "p99": pct(&mut from_post, 0.99) },
        "connect_all_streams_s": (connect_s * 10.0).round() / 10.0,
        "relay_memory_mb": {
            "rss_before_streams": mb(rss_idle), "pss_before_streams": mb(pss_idle),
            "rss_streams_connected": mb(rss_connected), "pss_streams_connected": mb(pss_connected),
            "rss_peak_under_load": mb(peak.0), "pss_peak_under_load": mb(peak.1),
            "rss_high_water_mark": mb(hwm_end),
        },
        "relay_cpu_cores_under_load": ((cpu_after - cpu_before) / cpu_window * 100.0).round() / 100.0,
        "targets": { "delivery_p99_ms": 250, "memory_mb": 1024, "cores": 2 },
        "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    })
}
