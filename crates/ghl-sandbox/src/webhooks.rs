//! Webhook delivery as GHL does it: every change is POSTed to each configured
//! URL, signed over the exact bytes sent (Ed25519 in `x-ghl-signature`,
//! RSA-SHA256 PKCS#1 v1.5 in `x-wh-signature`, both base64), retried only
//! when the receiver answers 429, dropped on any other failure.
//!
//! Events leave through one queue in the order the changes were made; faults
//! (duplicate, delay, reorder, drop) apply to the next N events.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePublicKey};
use ed25519_dalek::Signer as _;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::sha2::Sha256;
use rsa::signature::SignatureEncoding;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, watch};

use crate::config::WebhookConfig;
use crate::ids::SplitMix64;

/// The seed of the built-in Ed25519 key used when none is configured. It is
/// public on purpose: the sandbox is never GHL.
const BUILTIN_ED25519_SEED: [u8; 32] = *b"ghl-sandbox built-in webhook key";

/// How many emitted events and delivery attempts the admin API remembers.
pub const WEBHOOK_LOG_CAP: usize = 10_000;

/// How long a held event (reorder fault) waits for a next one to overtake it.
const REORDER_HOLD: Duration = Duration::from_secs(2);

/// SPKI PEM of the built-in key, to verify `x-ghl-signature` when no key was configured.
pub fn builtin_ed25519_public_pem() -> String {
    ed25519_dalek::SigningKey::from_bytes(&BUILTIN_ED25519_SEED)
        .verifying_key()
        .to_public_key_pem(Default::default())
        .unwrap_or_default()
}

/// One change to announce: its `type` and the body GHL documents for it
/// (without `timestamp` and `webhookId`, added when it is emitted).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookEvent {
    pub event_type: &'static str,
    pub body: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFaultKind {
    /// Send the same bytes (same webhookId) twice.
    Duplicate,
    /// Send `ms` later than its turn (later events overtake it).
    Delay,
    /// Hold it until the next event has been sent (or 2 s passed).
    Reorder,
    /// Never send it (as a lost webhook).
    Drop,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookFault {
    pub kind: WebhookFaultKind,
    pub remaining: u32,
    #[serde(default)]
    pub ms: u64,
}

/// Counters for the admin API (`GET /_sandbox/webhooks`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookStats {
    /// Events built from changes (whether or not any URL is configured).
    pub emitted: u64,
    /// HTTP POSTs made, retries included.
    pub attempts: u64,
    /// Deliveries a receiver acknowledged with 2xx.
    pub delivered: u64,
    /// Retries scheduled after a 429.
    pub retried: u64,
    /// Deliveries given up: any non-2xx but 429, a network error, or
    /// retries exhausted.
    pub failed: u64,
    /// Events not sent because of a `drop` fault.
    pub dropped_by_fault: u64,
    pub duplicated: u64,
    pub delayed: u64,
    pub reordered: u64,
    /// Deliveries still waiting for a retry.
    pub pending_retries: u64,
}

/// One emitted event, as signed and sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmittedEvent {
    pub webhook_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub body: Value,
}

/// One POST to one URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryRecord {
    pub webhook_id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub url: String,
    /// 1 for the first try.
    pub attempt: u32,
    pub status: Option<u16>,
    pub error: Option<String>,
    /// `delivered`, `retry` (429, another try is scheduled) or `failed`.
    pub outcome: String,
    pub time: DateTime<Utc>,
}

#[derive(Debug, Clone)]
struct Outgoing {
    webhook_id: String,
    event_type: &'static str,
    bytes: Arc<Vec<u8>>,
    ghl_signature: String,
    wh_signature: Option<String>,
}

#[derive(Debug, Clone)]
struct Settings {
    urls: Vec<String>,
    retry_schedule: Vec<Duration>,
}

/// The webhook side of a sandbox.
pub struct WebhookHub {
    settings: RwLock<Settings>,
    ed25519: ed25519_dalek::SigningKey,
    rsa: Option<rsa::pkcs1v15::SigningKey<Sha256>>,
    client: reqwest::Client,
    stats: Mutex<WebhookStats>,
    events: Mutex<VecDeque<EmittedEvent>>,
    deliveries: Mutex<VecDeque<DeliveryRecord>>,
    faults: Mutex<Vec<WebhookFault>>,
    tx: mpsc::UnboundedSender<Outgoing>,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Outgoing>>>,
    ids: Mutex<SplitMix64>,
    sequence: AtomicU64,
    closed: watch::Sender<bool>,
}

impl std::fmt::Debug for WebhookHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookHub")
            .field("urls", &self.urls())
            .field("rsa", &self.rsa.is_some())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl WebhookHub {
    pub fn new(config: &WebhookConfig) -> Result<Self, String> {
        let ed25519 = match &config.ed25519_private_key_pem {
            None => ed25519_dalek::SigningKey::from_bytes(&BUILTIN_ED25519_SEED),
            Some(pem) => ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
                .map_err(|e| format!("Ed25519 webhook key is not a PKCS#8 PEM: {e}"))?,
        };
        let rsa = match &config.rsa_private_key_pem {
            None => None,
            Some(pem) => {
                let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
                    .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
                    .map_err(|e| format!("RSA webhook key is not a PKCS#8/PKCS#1 PEM: {e}"))?;
                Some(rsa::pkcs1v15::SigningKey::<Sha256>::new(key))
            }
        };
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let seed = Utc::now().timestamp_nanos_opt().unwrap_or_default() as u64;
        Ok(Self {
            settings: RwLock::new(Settings {
                urls: config.urls.clone(),
                retry_schedule: config.retry_schedule.clone(),
            }),
            ed25519,
            rsa,
            client,
            stats: Mutex::new(WebhookStats::default()),
            events: Mutex::new(VecDeque::new()),
            deliveries: Mutex::new(VecDeque::new()),
            faults: Mutex::new(Vec::new()),
            tx,
            rx: Mutex::new(Some(rx)),
            ids: Mutex::new(SplitMix64::new(seed ^ 0x5EB0_0C5E_ED00_0000)),
            sequence: AtomicU64::new(0),
            closed: watch::channel(false).0,
        })
    }

    pub fn urls(&self) -> Vec<String> {
        self.settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .urls
            .clone()
    }

    /// Replace the receiving URLs (admin API; tests that start their receiver late).
    pub fn set_urls(&self, urls: Vec<String>) {
        self.settings
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .urls = urls;
    }

    pub fn set_retry_schedule(&self, schedule: Vec<Duration>) {
        self.settings
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retry_schedule = schedule;
    }

    /// SPKI PEM of the Ed25519 key in use.
    pub fn ed25519_public_pem(&self) -> String {
        self.ed25519
            .verifying_key()
            .to_public_key_pem(Default::default())
            .unwrap_or_default()
    }

    pub fn stats(&self) -> WebhookStats {
        lock(&self.stats).clone()
    }

    pub fn emitted(&self) -> Vec<EmittedEvent> {
        lock(&self.events).iter().cloned().collect()
    }

    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.deliveries).iter().cloned().collect()
    }

    pub fn add_fault(&self, fault: WebhookFault) {
        if fault.remaining > 0 {
            lock(&self.faults).push(fault);
        }
    }

    pub fn faults(&self) -> Vec<WebhookFault> {
        lock(&self.faults).clone()
    }

    /// Forget faults, logs and counters (admin reset).
    pub fn clear(&self) {
        lock(&self.faults).clear();
        lock(&self.events).clear();
        lock(&self.deliveries).clear();
        let pending = lock(&self.stats).pending_retries;
        *lock(&self.stats) = WebhookStats {
            pending_retries: pending,
            ..Default::default()
        };
    }

    /// Stop the delivery queue (sandbox shutdown).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    fn next_webhook_id(&self) -> String {
        let mut rng = lock(&self.ids);
        let (a, b) = (rng.next_u64(), rng.next_u64());
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        // UUID-shaped, version 4 bits set; unique within the process by `n`.
        let b = (b & !0xFFFF_FFFF) | (n & 0xFFFF_FFFF);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            (a & 0x0FFF) as u16,
            ((b >> 48) as u16 & 0x3FFF) | 0x8000,
            b & 0xFFFF_FFFF_FFFF
        )
    }

    /// Build, sign and queue one event. Call it while holding the world's
    /// write lock so events leave in the order the changes were made.
    pub fn emit(self: &Arc<Self>, event: WebhookEvent) {
        let webhook_id = self.next_webhook_id();
        let mut body = event.body;
        body.insert(
            "timestamp".into(),
            Value::String(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)),
        );
        body.insert("webhookId".into(), Value::String(webhook_id.clone()));
        let body = Value::Object(body);
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let ghl_signature = BASE64.encode(self.ed25519.sign(&bytes).to_bytes());
        let wh_signature = self
            .rsa
            .as_ref()
            .map(|key| BASE64.encode(key.sign(&bytes).to_bytes()));
        {
            let mut events = lock(&self.events);
            if events.len() == WEBHOOK_LOG_CAP {
                events.pop_front();
            }
            events.push_back(EmittedEvent {
                webhook_id: webhook_id.clone(),
                event_type: event.event_type.to_string(),
                body,
            });
        }
        lock(&self.stats).emitted += 1;
        self.ensure_dispatcher();
        let _ = self.tx.send(Outgoing {
            webhook_id,
            event_type: event.event_type,
            bytes: Arc::new(bytes),
            ghl_signature,
            wh_signature,
        });
    }

    fn ensure_dispatcher(self: &Arc<Self>) {
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if let Some(rx) = lock(&self.rx).take() {
            handle.spawn(dispatch(self.clone(), rx));
        }
    }

    fn take_fault(&self) -> Option<(WebhookFaultKind, u64)> {
        let mut faults = lock(&self.faults);
        let first = faults.first_mut()?;
        first.remaining -= 1;
        let out = (first.kind, first.ms);
        if first.remaining == 0 {
            faults.remove(0);
        }
        Some(out)
    }

    fn record(&self, record: DeliveryRecord) {
        let mut deliveries = lock(&self.deliveries);
        if deliveries.len() == WEBHOOK_LOG_CAP {
            deliveries.pop_front();
        }
        deliveries.push_back(record);
    }

    /// First attempt of one event to every URL, in order.
    async fn deliver_all(self: &Arc<Self>, out: &Outgoing) {
        for url in self.urls() {
            self.deliver_first(url, out.clone()).await;
        }
    }

    async fn deliver_first(self: &Arc<Self>, url: String, out: Outgoing) {
        if self.attempt(&url, &out, 1).await == Attempt::RetryLater {
            let schedule = self
                .settings
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .retry_schedule
                .clone();
            if schedule.is_empty() {
                lock(&self.stats).failed += 1;
                return;
            }
            lock(&self.stats).pending_retries += 1;
            let hub = self.clone();
            tokio::spawn(async move {
                let mut closed = hub.closed.subscribe();
                let mut last = Attempt::RetryLater;
                for (i, wait) in schedule.iter().enumerate() {
                    tokio::select! {
                        _ = tokio::time::sleep(*wait) => {}
                        _ = closed.wait_for(|c| *c) => break,
                    }
                    lock(&hub.stats).retried += 1;
                    last = hub.attempt(&url, &out, i as u32 + 2).await;
                    if last != Attempt::RetryLater {
                        break;
                    }
                }
                let mut stats = lock(&hub.stats);
                stats.pending_retries = stats.pending_retries.saturating_sub(1);
                if last == Attempt::RetryLater {
                    // Retries exhausted (or the sandbox stopped): lost.
                    stats.failed += 1;
                }
            });
        }
    }

    /// One POST. Counts delivered/failed except for a 429, which the caller retries.
    async fn attempt(&self, url: &str, out: &Outgoing, attempt: u32) -> Attempt {
        let mut request = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("x-ghl-signature", &out.ghl_signature)
            .body(out.bytes.as_ref().clone());
        if let Some(sig) = &out.wh_signature {
            request = request.header("x-wh-signature", sig);
        }
        lock(&self.stats).attempts += 1;
        let result = request.send().await;
        let (status, error) = match &result {
            Ok(resp) => (Some(resp.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let outcome = match status {
            Some(s) if (200..300).contains(&s) => Attempt::Delivered,
            Some(429) => Attempt::RetryLater,
            _ => Attempt::Failed,
        };
        match outcome {
            Attempt::Delivered => lock(&self.stats).delivered += 1,
            Attempt::Failed => lock(&self.stats).failed += 1,
            Attempt::RetryLater => {}
        }
        self.record(DeliveryRecord {
            webhook_id: out.webhook_id.clone(),
            event_type: out.event_type.to_string(),
            url: url.to_string(),
            attempt,
            status,
            error,
            outcome: match outcome {
                Attempt::Delivered => "delivered",
                Attempt::RetryLater => "retry",
                Attempt::Failed => "failed",
            }
            .into(),
            time: Utc::now(),
        });
        outcome
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attempt {
    Delivered,
    RetryLater,
    Failed,
}

/// The delivery queue: first attempts in order, faults applied.
async fn dispatch(hub: Arc<WebhookHub>, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
    let mut closed = hub.closed.subscribe();
    let mut held: Option<Outgoing> = None;
    loop {
        let next = tokio::select! {
            _ = closed.wait_for(|c| *c) => return,
            next = async {
                if held.is_some() {
                    tokio::time::timeout(REORDER_HOLD, rx.recv()).await.ok()
                } else {
                    Some(rx.recv().await)
                }
            } => next,
        };
        let out = match next {
            // The hold ran out with no event to overtake it: send it now.
            None => {
                if let Some(h) = held.take() {
                    hub.deliver_all(&h).await;
                }
                continue;
            }
            Some(None) => return,
            Some(Some(out)) => out,
        };
        match hub.take_fault() {
            Some((WebhookFaultKind::Drop, _)) => {
                lock(&hub.stats).dropped_by_fault += 1;
            }
            Some((WebhookFaultKind::Reorder, _)) if held.is_none() => {
                lock(&hub.stats).reordered += 1;
                held = Some(out);
                continue;
            }
            Some((WebhookFaultKind::Delay, ms)) => {
                lock(&hub.stats).delayed += 1;
                let hub = hub.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    hub.deliver_all(&out).await;
                });
            }
            Some((WebhookFaultKind::Duplicate, _)) => {
                lock(&hub.stats).duplicated += 1;
                hub.deliver_all(&out).await;
                hub.deliver_all(&out).await;
            }
            _ => hub.deliver_all(&out).await,
        }
        if let Some(h) = held.take() {
            hub.deliver_all(&h).await;
        }
    }
}
