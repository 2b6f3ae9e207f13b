//! Shared test helpers: signing with the test keys, an in-process relay, and
//! a small SSE client that reads the relay's app stream over real HTTP.
#![allow(dead_code)]

pub mod pg;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use citadesk_relay::sqlite::SqliteStore;
use citadesk_relay::{tokens, Config, Relay};

pub fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The base64 SPKI inside a PEM public key (the form env variables take).
pub fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

pub fn sign_ed25519(key_file: &str, body: &[u8]) -> String {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_pkcs8_pem(&fixture(key_file)).expect("ed25519 key");
    STANDARD.encode(key.sign(body).to_bytes())
}

pub fn sign_rsa(key_file: &str, body: &[u8]) -> String {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::signature::{SignatureEncoding, Signer};
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&fixture(key_file)).expect("rsa key");
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    STANDARD.encode(signer.sign(body).to_bytes())
}

pub fn now_iso() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A GHL-shaped AppointmentUpdate body. CRLFs and non-ASCII on purpose: the
/// app must get these exact bytes back.
pub fn appointment_body(webhook_id: &str, location: &str, timestamp: &str) -> Vec<u8> {
    format!(
        "{{\r\n  \"type\": \"AppointmentUpdate\",\r\n  \"locationId\": \"{location}\",\r\n  \
         \"webhookId\": \"{webhook_id}\",\r\n  \"timestamp\": \"{timestamp}\",\r\n  \
         \"appointment\": {{\"id\": \"apt-{webhook_id}\", \"title\": \"Revisión – Muñoz\", \
         \"calendarId\": \"cal1\", \"appointmentStatus\": \"confirmed\", \
         \"startTime\": \"2026-11-24T10:00:00-06:00\", \"endTime\": \"2026-11-24T10:30:00-06:00\", \
         \"dateUpdated\": \"{timestamp}\"}}\r\n}}"
    )
    .into_bytes()
}

pub fn test_config(data_dir: &Path) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().expect("addr"),
        metrics_listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data_dir.to_path_buf(),
        ed25519_public_keys: vec![fixture("ed25519-test.pub.pem")],
        rsa_public_keys: vec![fixture("rsa-test.pub.pem")],
        keepalive_secs: 1,
        ..Config::default()
    }
}

pub struct TestRelay {
    pub relay: Option<Relay>,
    pub base: String,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

impl TestRelay {
    pub async fn start() -> TestRelay {
        let dir = tempfile::tempdir().expect("tempdir");
        let relay = citadesk_relay::start(test_config(dir.path()))
            .await
            .expect("relay starts");
        let base = format!("http://{}", relay.addr);
        TestRelay {
            relay: Some(relay),
            base,
            dir,
            http: reqwest::Client::new(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// Issues an install token straight into the store (another connection, as the CLI does).
    pub fn token(&self, name: &str, locations: &[&str]) -> String {
        let store = SqliteStore::open(self.dir.path()).expect("store");
        let locations: Vec<String> = locations.iter().map(|s| s.to_string()).collect();
        tokens::issue(&store, name, &locations, 0)
            .expect("issue")
            .token
    }

    pub fn revoke(&self, token: &str) {
        use citadesk_relay::store::Store;
        let store = SqliteStore::open(self.dir.path()).expect("store");
        let id = &token[4..20];
        assert!(store.revoke_install(id, 1).expect("revoke"));
    }

    /// Posts a body signed with the Ed25519 test key.
    pub async fn post_signed(&self, body: Vec<u8>) -> (u16, serde_json::Value) {
        let sig = sign_ed25519("ed25519-test.pem", &body);
        self.post(body, &[("x-ghl-signature", sig)]).await
    }

    pub async fn post(
        &self,
        body: Vec<u8>,
        headers: &[(&str, String)],
    ) -> (u16, serde_json::Value) {
        post(&self.http, &self.base, body, headers).await
    }

    pub async fn send_appointment(&self, webhook_id: &str, location: &str) -> i64 {
        let (status, json) = self
            .post_signed(appointment_body(webhook_id, location, &now_iso()))
            .await;
        assert_eq!(status, 200, "{json}");
        json["cursor"].as_i64().expect("cursor")
    }

    pub async fn metrics(&self) -> String {
        let at = self.relay.as_ref().expect("running").metrics_addr;
        self.http
            .get(format!("http://{at}/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("text")
    }

    pub async fn shutdown(mut self) {
        if let Some(r) = self.relay.take() {
            r.shutdown().await.expect("clean shutdown");
        }
    }
}

pub async fn post(
    http: &reqwest::Client,
    base: &str,
    body: Vec<u8>,
    headers: &[(&str, String)],
) -> (u16, serde_json::Value) {
    let mut req = http
        .post(format!("{base}/webhooks/ghl"))
        .header("content-type", "application/json")
        .body(body);
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    let resp = req.send().await.expect("post");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("body");
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// One SSE frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

/// A webhook frame's data, decoded.
#[derive(Debug, Clone)]
pub struct Delivered {
    pub cursor: i64,
    pub webhook_id: String,
    pub location_id: String,
    pub ghl_signature: Option<String>,
    pub wh_signature: Option<String>,
    pub body: Vec<u8>,
}

impl Frame {
    pub fn webhook(&self) -> Delivered {
        let v: serde_json::Value = serde_json::from_str(&self.data).expect("frame json");
        Delivered {
            cursor: v["cursor"].as_i64().expect("cursor"),
            webhook_id: v["webhookId"].as_str().expect("webhookId").to_string(),
            location_id: v["locationId"].as_str().expect("locationId").to_string(),
            ghl_signature: v["signatures"]["x-ghl-signature"]
                .as_str()
                .map(String::from),
            wh_signature: v["signatures"]["x-wh-signature"].as_str().map(String::from),
            body: STANDARD
                .decode(v["body"].as_str().expect("body"))
                .expect("base64"),
        }
    }
}

pub struct SseClient {
    resp: reqwest::Response,
    buf: Vec<u8>,
}

impl SseClient {
    /// Opens `/v1/events`; returns the status when the relay refuses.
    pub async fn connect(
        http: &reqwest::Client,
        base: &str,
        token: &str,
        after: Option<i64>,
        last_event_id: Option<i64>,
    ) -> Result<SseClient, u16> {
        let mut url = format!("{base}/v1/events");
        if let Some(a) = after {
            url.push_str(&format!("?after={a}"));
        }
        let mut req = http
            .get(url)
            .header("authorization", format!("Bearer {token}"));
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let resp = req.send().await.map_err(|_| 0u16)?;
        if resp.status() != 200 {
            return Err(resp.status().as_u16());
        }
        Ok(SseClient {
            resp,
            buf: Vec::new(),
        })
    }

    /// The next frame (comments skipped), or None on end of stream / timeout.
    pub async fn next(&mut self, timeout: Duration) -> Option<Frame> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(pos) = find_blank_line(&self.buf) {
                let raw: Vec<u8> = self.buf.drain(..pos.0).collect();
                self.buf.drain(..pos.1);
                if let Some(f) = parse_frame(&String::from_utf8_lossy(&raw)) {
                    return Some(f);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.resp.chunk())
                .await
                .ok()?;
            match chunk {
                Ok(Some(bytes)) => self.buf.extend_from_slice(&bytes),
                _ => return None,
            }
        }
    }

    /// Webhook frames until `n` are read or `timeout` passes.
    pub async fn webhooks(&mut self, n: usize, timeout: Duration) -> Vec<Delivered> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut out = Vec::new();
        while out.len() < n {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Some(f) if f.event == "webhook" => out.push(f.webhook()),
                Some(_) => {}
                None => break,
            }
        }
        out
    }
}

fn find_blank_line(buf: &[u8]) -> Option<(usize, usize)> {
    (0..buf.len()).find_map(|i| {
        if buf[i..].starts_with(b"\n\n") {
            Some((i, 2))
        } else if buf[i..].starts_with(b"\r\n\r\n") {
            Some((i, 4))
        } else {
            None
        }
    })
}

fn parse_frame(text: &str) -> Option<Frame> {
    let mut event = String::from("message");
    let mut id = None;
    let mut data: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.starts_with(':') {
            continue;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => event = value.to_string(),
            "id" => id = Some(value.to_string()),
            "data" => data.push(value),
            _ => {}
        }
    }
    if data.is_empty() && id.is_none() {
        return None;
    }
    Some(Frame {
        event,
        id,
        data: data.join("\n"),
    })
}

// ---- the relay as a real process ----

pub const BIN: &str = env!("CARGO_BIN_EXE_citadesk-relay");

pub fn relay_command(data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env(
            "CITADESK_RELAY_ED25519_KEYS",
            pem_body(&fixture("ed25519-test.pub.pem")),
        )
        .env(
            "CITADESK_RELAY_RSA_KEYS",
            pem_body(&fixture("rsa-test.pub.pem")),
        )
        .env("CITADESK_RELAY_KEEPALIVE_SECS", "1")
        .env("CITADESK_RELAY_METRICS_LISTEN", "127.0.0.1:0")
        .env_remove("CITADESK_RELAY_CONFIG")
        .env_remove("CITADESK_RELAY_DATABASE_URL");
    cmd
}

/// Starts `citadesk-relay serve` on `listen` and returns it with its base URL, read from
/// its JSON "listening" log line. Its stderr keeps being drained.
pub fn spawn_relay(data_dir: &Path, listen: &str) -> (Child, String) {
    spawn_serving(relay_command(data_dir), listen)
}

/// `citadesk-relay serve` from a prepared command (e.g. with a database URL).
pub fn spawn_serving(mut cmd: Command, listen: &str) -> (Child, String) {
    let mut child = cmd
        .args(["serve", "--listen", listen])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn relay");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) {
                if v["fields"]["message"] == "listening" {
                    if let (Some(tx), Some(addr)) = (tx.take(), v["fields"]["addr"].as_str()) {
                        let _ = tx.send(addr.to_string());
                    }
                }
            }
        }
    });
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("relay logs its address");
    (child, format!("http://{addr}"))
}

pub fn create_token(data_dir: &Path, location: &str) -> String {
    let out = relay_command(data_dir)
        .args([
            "token",
            "create",
            "--location",
            location,
            "--name",
            "Recepción 1",
        ])
        .output()
        .expect("token create");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("token: "))
        .expect("token line")
        .to_string()
}

// ---- the app's side: ghl-sandbox → relay → citadesk-core, in-process ----

/// What a streaming app saw after a crash test: waits until every webhook
/// answered 200 (`acked`, per sender in sending order) was delivered, then
/// checks each was delivered exactly once, in cursor order, and each
/// sender's webhooks in the order it sent them.
pub async fn assert_acked_delivered_once_in_order(
    seen: &std::sync::Mutex<Vec<Delivered>>,
    acked: &std::collections::HashMap<usize, Vec<String>>,
) -> usize {
    use std::collections::{HashMap, HashSet};
    let all_acked: HashSet<&String> = acked.values().flatten().collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let have: HashSet<String> = seen
            .lock()
            .expect("lock")
            .iter()
            .map(|d| d.webhook_id.clone())
            .collect();
        let missing = all_acked.iter().filter(|id| !have.contains(**id)).count();
        if missing == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{missing} webhooks answered 200 never delivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let seen = seen.lock().expect("lock").clone();
    assert!(
        seen.windows(2).all(|w| w[0].cursor < w[1].cursor),
        "cursor order"
    );
    let mut unique = HashSet::new();
    assert!(
        seen.iter().all(|d| unique.insert(d.webhook_id.clone())),
        "duplicates delivered"
    );
    let position: HashMap<&str, usize> = seen
        .iter()
        .enumerate()
        .map(|(i, d)| (d.webhook_id.as_str(), i))
        .collect();
    for ids in acked.values() {
        let order: Vec<usize> = ids.iter().map(|id| position[id.as_str()]).collect();
        assert!(
            order.windows(2).all(|w| w[0] < w[1]),
            "a sender's webhooks out of order"
        );
    }
    seen.len()
}

/// A steady stream of GHL webhooks through relay processes that a test
/// kills and restarts. Four senders post numbered webhooks; one that is not
/// answered 200 is posted again (on the next base when there are several:
/// GHL retries, and a balancer moves on from a dead backend). An app follows
/// the stream from the bases in turn, reconnecting from its last cursor.
pub struct SteadyStream {
    bases: std::sync::Arc<std::sync::RwLock<Vec<String>>>,
    seen: std::sync::Arc<std::sync::Mutex<Vec<Delivered>>>,
    acked: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<usize, Vec<String>>>>,
    sending: std::sync::Arc<std::sync::atomic::AtomicBool>,
    following: std::sync::Arc<std::sync::atomic::AtomicBool>,
    senders: Vec<tokio::task::JoinHandle<()>>,
    app: tokio::task::JoinHandle<()>,
}

impl SteadyStream {
    pub fn start(bases: Vec<String>, token: &str) -> SteadyStream {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        let bases = Arc::new(std::sync::RwLock::new(bases));
        let base = |bases: &std::sync::RwLock<Vec<String>>, turn: usize| {
            let bases = bases.read().expect("lock");
            bases[turn % bases.len()].clone()
        };
        let seen: Arc<std::sync::Mutex<Vec<Delivered>>> = Arc::default();
        let following = Arc::new(AtomicBool::new(true));
        let app = {
            let (bases, seen, following) = (bases.clone(), seen.clone(), following.clone());
            let token = token.to_string();
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut last: Option<i64> = None;
                let mut turn = 0;
                while following.load(Ordering::Relaxed) {
                    turn += 1;
                    let url = base(&bases, turn);
                    let Ok(mut sse) = SseClient::connect(&http, &url, &token, Some(0), last).await
                    else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    };
                    while let Some(f) = sse.next(Duration::from_secs(3)).await {
                        if f.event == "webhook" {
                            let d = f.webhook();
                            last = Some(d.cursor);
                            seen.lock().expect("lock").push(d);
                        }
                    }
                }
            })
        };
        let acked: Arc<std::sync::Mutex<std::collections::HashMap<usize, Vec<String>>>> =
            Arc::default();
        let sending = Arc::new(AtomicBool::new(true));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        let senders = (0..4)
            .map(|s| {
                let (bases, acked, sending, http) =
                    (bases.clone(), acked.clone(), sending.clone(), http.clone());
                tokio::spawn(async move {
                    let mut turn = s;
                    let mut i = 0usize;
                    while sending.load(Ordering::Relaxed) {
                        let id = format!("s{s}-{i:05}");
                        i += 1;
                        loop {
                            turn += 1;
                            let url = base(&bases, turn);
                            if post_appointment(&http, &url, &id).await == 200 {
                                let mut acked = acked.lock().expect("lock");
                                acked.entry(s).or_default().push(id);
                                break;
                            }
                            if !sending.load(Ordering::Relaxed) {
                                break;
                            }
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                })
            })
            .collect();
        SteadyStream {
            bases,
            seen,
            acked,
            sending,
            following,
            senders,
            app,
        }
    }

    /// Points the stream at a restarted relay.
    pub fn set_base(&self, index: usize, base: String) {
        self.bases.write().expect("lock")[index] = base;
    }

    /// Webhooks answered 200 so far.
    pub fn answered(&self) -> usize {
        self.acked
            .lock()
            .expect("lock")
            .values()
            .map(Vec::len)
            .sum()
    }

    pub async fn until_answered(&self, n: usize) {
        while self.answered() < n {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the senders, checks that every webhook answered 200 reached the
    /// app exactly once and in order, stops the app; (answered, delivered).
    pub async fn finish(self) -> (usize, usize) {
        use std::sync::atomic::Ordering;
        self.sending.store(false, Ordering::Relaxed);
        for s in self.senders {
            s.await.expect("sender");
        }
        let acked = self.acked.lock().expect("lock").clone();
        let answered = acked.values().map(Vec::len).sum();
        let delivered = assert_acked_delivered_once_in_order(&self.seen, &acked).await;
        self.following.store(false, Ordering::Relaxed);
        self.app.abort();
        (answered, delivered)
    }
}

/// Posts one signed appointment webhook for L1: the status GHL would see, 0
/// when the relay could not be reached.
pub async fn post_appointment(http: &reqwest::Client, base: &str, id: &str) -> u16 {
    let body = appointment_body(id, "L1", &now_iso());
    let sig = sign_ed25519("ed25519-test.pem", &body);
    let sent = http
        .post(format!("{base}/webhooks/ghl"))
        .header("x-ghl-signature", sig)
        .body(body)
        .send()
        .await;
    sent.map(|r| r.status().as_u16()).unwrap_or(0)
}

pub mod app {
    use std::collections::HashMap;
    use std::path::Path;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use chrono::Utc;
    use citadesk_core::ghl::webhook::WebhookKeys;
    use citadesk_core::ghl::Secret;
    use citadesk_core::testing::CitaRow;
    use citadesk_core::RelayTuning;
    use citadesk_core::{DemoConnection, Desk, DeskOptions, TokenKeeping};
    use citadesk_relay::sqlite::SqliteStore;
    use citadesk_relay::{tokens, Relay};
    use ghl_sandbox::{RunningSandbox, SandboxConfig, WebhookConfig};

    use super::{fixture, sign_ed25519, test_config};

    /// A sandbox signing its webhooks with the test key the relay and the app know.
    pub async fn sandbox() -> RunningSandbox {
        ghl_sandbox::start(SandboxConfig {
            webhooks: WebhookConfig {
                ed25519_private_key_pem: Some(fixture("ed25519-test.pem")),
                retry_schedule: vec![Duration::from_millis(50); 3],
                ..Default::default()
            },
            rate_limits: ghl_sandbox::RateLimits::unlimited(),
            ..Default::default()
        })
        .await
        .expect("sandbox")
    }

    pub async fn relay(dir: &Path) -> (Relay, String) {
        let mut cfg = test_config(dir);
        cfg.rsa_public_keys = Vec::new();
        let relay = citadesk_relay::start(cfg).await.expect("relay");
        let base = format!("http://{}", relay.addr);
        (relay, base)
    }

    /// A relay in a folder of its own, registered as the sandbox's webhook
    /// URL (as a clinic registers it in its GHL app).
    pub async fn relay_for(sb: &RunningSandbox) -> (tempfile::TempDir, Relay, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let (relay, base) = relay(dir.path()).await;
        sb.sandbox()
            .webhooks()
            .set_urls(vec![format!("{base}/webhooks/ghl")]);
        (dir, relay, base)
    }

    /// The desk follows the relay with a new install token for `location`;
    /// returns once it is connected.
    pub async fn follow_connected(
        desk: &Arc<Desk>,
        relay_dir: &Path,
        base: &str,
        location: &str,
    ) -> tokio::task::JoinHandle<()> {
        let token = install_token(relay_dir, "Recepción 1", location);
        let task = follow(desk, base, &token).await;
        wait_until("connected", Duration::from_secs(10), || {
            desk.relay_state() == citadesk_core::RelayState::Connected
        })
        .await;
        task
    }

    /// An install token for one location, issued straight into the relay's store.
    pub fn install_token(dir: &Path, name: &str, location: &str) -> String {
        let store = SqliteStore::open(dir).expect("store");
        tokens::issue(&store, name, &[location.to_string()], 0)
            .expect("token")
            .token
    }

    /// A desk on the sandbox's clinic, synced, not yet following a relay.
    pub async fn desk(sb: &RunningSandbox, dir: &Path) -> Arc<Desk> {
        desk_with(sb, dir, citadesk_core::PullIntervals::default()).await
    }

    /// `desk`, with the sync loop's pull intervals given.
    pub async fn desk_with(
        sb: &RunningSandbox,
        dir: &Path,
        pulls: citadesk_core::PullIntervals,
    ) -> Arc<Desk> {
        let mut options = DeskOptions::new(dir);
        options.pulls = pulls;
        options.demo = Some(DemoConnection {
            base_url: sb.base_url(),
            location_id: sb.location_id().to_string(),
            token: Secret::new(sb.pit()),
        });
        let desk = Desk::open(options).expect("desk");
        desk.sync_now().await.expect("first sync");
        desk.set_webhook_keys(
            WebhookKeys::from_config(&[fixture("ed25519-test.pub.pem")], &[]).expect("keys"),
        );
        desk.set_relay_tuning(RelayTuning {
            backoff_min: Duration::from_millis(50),
            backoff_max: Duration::from_millis(500),
            idle: Duration::from_secs(5),
        });
        desk
    }

    /// Points the desk at the relay (token from the environment, not the
    /// keychain) and runs its relay loop.
    pub async fn follow(
        desk: &Arc<Desk>,
        relay_url: &str,
        token: &str,
    ) -> tokio::task::JoinHandle<()> {
        desk.set_relay(
            None,
            relay_url,
            Some(Secret::new(token)),
            TokenKeeping::Environment,
        )
        .await
        .expect("relay settings");
        tokio::spawn(desk.clone().run_relay_loop())
    }

    /// A call to the sandbox's admin API ("as in GHL's UI").
    pub async fn admin(
        sb: &RunningSandbox,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let resp = reqwest::Client::new()
            .request(method, format!("{}/_sandbox/{path}", sb.base_url()))
            .header("content-type", "application/json")
            .body(serde_json::to_vec(&body).expect("json"))
            .send()
            .await
            .expect("admin call");
        assert!(resp.status().is_success(), "{path}: {}", resp.status());
        let bytes = resp.bytes().await.expect("body");
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
    }

    pub async fn retitle(sb: &RunningSandbox, cita: &str, title: &str) {
        admin(
            sb,
            reqwest::Method::PATCH,
            &format!("appointments/{cita}"),
            serde_json::json!({ "title": title }),
        )
        .await;
    }

    /// The replica's citas of a location around now, by id.
    pub fn citas(desk: &Desk, location: &str) -> HashMap<String, CitaRow> {
        let now = Utc::now();
        desk.store()
            .cita_rows_starting_in(
                location,
                now - chrono::Duration::days(60),
                now + chrono::Duration::days(90),
            )
            .expect("citas")
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect()
    }

    pub async fn wait_until(what: &str, timeout: Duration, mut ok: impl FnMut() -> bool) {
        let start = Instant::now();
        while !ok() {
            assert!(start.elapsed() < timeout, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// webhookIds the relay answered 200 for, as the sandbox recorded them.
    pub fn delivered(sb: &RunningSandbox) -> Vec<String> {
        sb.sandbox()
            .webhooks()
            .deliveries()
            .into_iter()
            .filter(|d| d.status == Some(200))
            .map(|d| d.webhook_id)
            .collect()
    }

    pub fn processed_ids(desk: &Desk, location: &str) -> Vec<String> {
        desk.store()
            .processed_webhooks(location)
            .expect("log")
            .into_iter()
            .map(|p| p.webhook_id)
            .collect()
    }

    /// Posts `body` to the relay as GHL does, signed with the test key.
    pub async fn post_as_ghl(relay_base: &str, body: serde_json::Value) {
        let bytes = serde_json::to_vec(&body).expect("json");
        let sig = sign_ed25519("ed25519-test.pem", &bytes);
        let (status, json) = super::post(
            &reqwest::Client::new(),
            relay_base,
            bytes,
            &[("x-ghl-signature", sig)],
        )
        .await;
        assert_eq!(status, 200, "{json}");
    }
}
