//! The connection to the relay: one SSE session at a time, reconnected with
//! backoff and jitter, acknowledging what was applied.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use citadesk_ghl::Secret;
use serde::Deserialize;
use tokio::sync::watch;

use super::sse::SseParser;
use super::RelayError;

/// Where to connect, for one location.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub location_id: String,
    /// Without a trailing slash.
    pub url: String,
    pub token: Secret,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Signatures {
    #[serde(rename = "x-ghl-signature")]
    pub ghl: Option<String>,
    #[serde(rename = "x-wh-signature")]
    pub wh: Option<String>,
}

/// A `webhook` frame's data (README: "Wire protocol for app installs").
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WebhookFrame {
    pub cursor: i64,
    #[serde(default)]
    pub signatures: Signatures,
    /// Base64 of the exact bytes GHL signed.
    pub body: String,
}

impl WebhookFrame {
    pub fn parse(data: &str) -> Result<(Self, Vec<u8>), RelayError> {
        let frame: WebhookFrame =
            serde_json::from_str(data).map_err(|e| RelayError::Protocol(e.to_string()))?;
        let body = STANDARD
            .decode(frame.body.as_bytes())
            .map_err(|e| RelayError::Protocol(format!("body is not base64: {e}")))?;
        Ok((frame, body))
    }
}

/// A frame of the stream, as the desk handles it.
pub(crate) enum Event {
    Webhook(String),
    /// Replay done: later frames are live.
    Live,
    /// Events before the start cursor were purged by the relay's retention.
    Gap,
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .tcp_keepalive(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

fn unreachable(e: reqwest::Error) -> RelayError {
    RelayError::Unreachable(e.to_string())
}

/// One open SSE stream, with its acknowledging task.
pub(crate) struct Session {
    resp: reqwest::Response,
    parser: SseParser,
    queue: VecDeque<Event>,
    idle: Duration,
    ack_tx: watch::Sender<i64>,
    _acker: AbortOnDrop,
}

impl Session {
    /// Opens the stream after `cursor` (the relay replays, then goes live).
    pub async fn open(
        http: &reqwest::Client,
        target: &Target,
        cursor: i64,
        idle: Duration,
    ) -> Result<Session, RelayError> {
        let mut req = http
            .get(format!("{}/v1/events", target.url))
            .bearer_auth(target.token.expose())
            .header("accept", "text/event-stream");
        if cursor > 0 {
            // Omitted on a fresh replica, so the relay starts from this
            // install's acknowledged cursor rather than replaying everything.
            req = req.header("last-event-id", cursor.to_string());
        }
        let resp = tokio::time::timeout(idle, req.send())
            .await
            .map_err(|_| RelayError::Idle(idle))?
            .map_err(unreachable)?;
        match resp.status().as_u16() {
            200 => {}
            401 | 403 => return Err(RelayError::Unauthorized),
            s => return Err(RelayError::Status(s)),
        }
        let (ack_tx, ack_rx) = watch::channel(cursor);
        let acker = tokio::spawn(ack_loop(http.clone(), target.clone(), ack_rx));
        Ok(Session {
            resp,
            parser: SseParser::default(),
            queue: VecDeque::new(),
            idle,
            ack_tx,
            _acker: AbortOnDrop(acker),
        })
    }

    /// The next frame; None when the relay ended the stream. Fails when
    /// nothing, not even a keep-alive, arrived for the idle time.
    pub async fn next(&mut self) -> Result<Option<Event>, RelayError> {
        loop {
            if let Some(e) = self.queue.pop_front() {
                return Ok(Some(e));
            }
            let chunk = match tokio::time::timeout(self.idle, self.resp.chunk()).await {
                Err(_) => return Err(RelayError::Idle(self.idle)),
                Ok(Err(e)) => return Err(unreachable(e)),
                Ok(Ok(None)) => return Ok(None),
                Ok(Ok(Some(chunk))) => chunk,
            };
            for frame in self.parser.push(&chunk) {
                match frame.event.as_str() {
                    "webhook" => self.queue.push_back(Event::Webhook(frame.data)),
                    "live" => self.queue.push_back(Event::Live),
                    "gap" => self.queue.push_back(Event::Gap),
                    _ => {}
                }
            }
        }
    }

    /// True when frames already received wait to be handled.
    pub fn has_buffered(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Acknowledges `cursor` soon (never backwards).
    pub fn ack(&self, cursor: i64) {
        self.ack_tx.send_if_modified(|c| {
            let newer = cursor > *c;
            if newer {
                *c = cursor;
            }
            newer
        });
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Acknowledges the newest applied cursor, at most five times a second: the
/// local cursor is authoritative, the ack feeds the relay's lag metric and
/// its start point for an install without a cursor.
async fn ack_loop(http: reqwest::Client, target: Target, mut rx: watch::Receiver<i64>) {
    let mut last_sent = Instant::now() - Duration::from_secs(1);
    while rx.changed().await.is_ok() {
        let wait = Duration::from_millis(200).saturating_sub(last_sent.elapsed());
        tokio::time::sleep(wait).await;
        let cursor = *rx.borrow_and_update();
        last_sent = Instant::now();
        let sent = http
            .post(format!("{}/v1/ack", target.url))
            .bearer_auth(target.token.expose())
            .json(&serde_json::json!({ "cursor": cursor }))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {}
            Ok(r) => tracing::debug!(status = r.status().as_u16(), cursor, "relay refused an ack"),
            Err(e) => tracing::debug!(cursor, "ack not sent: {e}"),
        }
    }
}

/// `d` scaled by a factor in [0.5, 1): reconnecting installs spread out
/// instead of arriving at a restarted relay together.
pub(crate) fn jitter(d: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|t| t.subsec_nanos())
        .unwrap_or(0);
    // A cheap mix of the clock's low bits; no need for a real RNG here.
    let mixed = (nanos as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
    let frac = (mixed % 1000) as f64 / 2000.0;
    d.mul_f64(0.5 + frac)
}
