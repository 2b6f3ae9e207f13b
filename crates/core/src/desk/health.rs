//! Figures for the health panel: per-operation GHL call figures, the last
//! rate-limit figures GHL reported, each location's token expiry, the
//! webhooks per event type, the health percentages (defined in the README)
//! and the open alerts.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;
use crate::model::RelayState;
use crate::monitor;
use crate::store::WebhookCounts;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OperationHealth {
    /// `GET /calendars/events`, ids shaped out.
    pub operation: String,
    #[ts(type = "number")]
    pub calls: u64,
    #[ts(type = "number")]
    pub failures: u64,
    #[ts(type = "number")]
    pub retries: u64,
    /// 0..1; 1 when nothing was called.
    pub success_rate: f64,
    pub avg_ms: f64,
    pub p95_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RateLimitHealth {
    pub max: Option<u32>,
    #[ts(type = "number | null")]
    pub interval_ms: Option<u64>,
    pub remaining: Option<u32>,
    #[ts(type = "number | null")]
    pub daily_limit: Option<u64>,
    #[ts(type = "number | null")]
    pub daily_remaining: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TokenHealth {
    pub location_id: String,
    pub name: String,
    /// `pit` or `oauth`.
    pub auth_kind: String,
    /// RFC 3339; null for a PIT (it does not expire) or when none is stored.
    pub expires_at: Option<String>,
    #[ts(type = "number | null")]
    pub expires_in_secs: Option<i64>,
    /// GHL refused the refresh token: connect the location again.
    pub reconnect_required: bool,
}

/// Rejected webhooks of one reason (`signature`, `payload`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RejectedWebhooks {
    pub reason: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// The webhooks of one event type over the last 24 hours (duplicates: since
/// this process started).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WebhookHealth {
    /// GHL's `type` (`AppointmentUpdate`, ...); `unverified` for rejected ones.
    pub event_type: String,
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number")]
    pub applied: u64,
    /// Handled, nothing to change (already there, older, kept for a pending write).
    #[ts(type = "number")]
    pub unchanged: u64,
    /// Could not be completed from GHL.
    #[ts(type = "number")]
    pub failed: u64,
    #[ts(type = "number")]
    pub duplicates: u64,
    pub rejected: Vec<RejectedWebhooks>,
    /// 0..1: (received - rejected - failed) / received; 1 when none.
    pub success_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HealthReport {
    pub generated_at: String,
    /// The location the figures below are for (the active one).
    pub location_id: Option<String>,
    pub operations: Vec<OperationHealth>,
    pub rate_limit: Option<RateLimitHealth>,
    pub tokens: Vec<TokenHealth>,
    pub webhooks: Vec<WebhookHealth>,
    /// 0..100: GHL calls that succeeded of all made since start.
    pub ghl_health: f64,
    /// 0..100: webhooks neither rejected nor failed of those received in
    /// 24 hours; null when the location has no relay and none arrived.
    pub webhook_health: Option<f64>,
    /// 0..100: the mean of the two above (GHL's alone without webhooks).
    pub overall_health: f64,
    pub alerts: Vec<crate::desk::Alert>,
}

/// The window of the webhook figures.
const WEBHOOK_FIGURES_WINDOW_MS: i64 = 24 * 3600 * 1000;

impl Desk {
    /// What the health panel shows. Figures cover this process since start.
    pub async fn health(&self) -> Result<HealthReport> {
        let location_id = self.active_location()?;
        let client = self.runtime.lock().unwrap().client.clone();
        let (operations, rate_limit) = match (&client, &location_id) {
            (Some((id, c)), Some(active)) if id == active => (
                c.metrics()
                    .into_iter()
                    .map(|f| OperationHealth {
                        success_rate: if f.calls == 0 {
                            1.0
                        } else {
                            f.successes as f64 / f.calls as f64
                        },
                        operation: f.operation,
                        calls: f.calls,
                        failures: f.failures,
                        retries: f.retries,
                        avg_ms: f.avg_ms,
                        p95_ms: f.p95_ms,
                    })
                    .collect(),
                c.rate_figures(active).map(|r| RateLimitHealth {
                    max: r.max,
                    interval_ms: r.interval_ms,
                    remaining: r.remaining,
                    daily_limit: r.daily_limit,
                    daily_remaining: r.daily_remaining,
                }),
            ),
            _ => (Vec::new(), None),
        };
        let now = Utc::now();
        let mut tokens = Vec::new();
        for c in self.connections()? {
            let status = if c.auth_kind == "oauth" {
                citadesk_ghl::auth::stored_status(&c.location_id).await
            } else {
                None
            };
            tokens.push(TokenHealth {
                expires_at: status.map(|(at, _)| at.to_rfc3339()),
                expires_in_secs: status.map(|(at, _)| (at - now).num_seconds()),
                reconnect_required: status.is_some_and(|(_, r)| r),
                location_id: c.location_id,
                name: c.name,
                auth_kind: c.auth_kind,
            });
        }
        let webhooks = match &location_id {
            Some(l) => {
                self.webhook_health(l, now.timestamp_millis() - WEBHOOK_FIGURES_WINDOW_MS)?
            }
            None => Vec::new(),
        };
        let (calls, good) = operations.iter().fold((0u64, 0u64), |(c, g), o| {
            (c + o.calls, g + o.calls.saturating_sub(o.failures))
        });
        let ghl_health = monitor::percent(good, calls);
        let (received, bad) = webhooks.iter().fold((0u64, 0u64), |(r, b), w| {
            let rejected: u64 = w.rejected.iter().map(|x| x.count).sum();
            (r + w.received, b + rejected + w.failed)
        });
        let relay_set = self.live.state() != RelayState::NotConfigured;
        let webhook_health =
            (relay_set || received > 0).then(|| monitor::percent(received - bad, received));
        Ok(HealthReport {
            generated_at: now.to_rfc3339(),
            location_id,
            operations,
            rate_limit,
            tokens,
            webhooks,
            ghl_health,
            webhook_health,
            overall_health: monitor::overall(ghl_health, webhook_health),
            alerts: self.alerts()?,
        })
    }

    /// Webhook figures by event type since `since_ms`, with this run's duplicates.
    fn webhook_health(&self, location_id: &str, since_ms: i64) -> Result<Vec<WebhookHealth>> {
        let mut counts = self.store.webhook_counts(location_id, since_ms)?;
        let duplicates = self.monitor.lock().unwrap().duplicates.clone();
        for kind in duplicates.keys() {
            if !counts.iter().any(|c| &c.event_type == kind) {
                counts.push(WebhookCounts {
                    event_type: kind.clone(),
                    ..Default::default()
                });
            }
        }
        Ok(counts
            .into_iter()
            .map(|c| {
                let dups = duplicates.get(&c.event_type).copied().unwrap_or(0);
                let received = c.received + dups;
                let rejected: u64 = c.rejected.iter().map(|(_, n)| n).sum();
                WebhookHealth {
                    success_rate: monitor::percent(received - rejected - c.failed, received)
                        / 100.0,
                    received,
                    applied: c.applied,
                    unchanged: c.unchanged,
                    failed: c.failed,
                    duplicates: dups,
                    rejected: c
                        .rejected
                        .into_iter()
                        .map(|(reason, count)| RejectedWebhooks { reason, count })
                        .collect(),
                    event_type: c.event_type,
                }
            })
            .collect())
    }

    /// A webhook skipped as already handled (health figures).
    pub(crate) fn count_duplicate(&self, event_type: &str) {
        *self
            .monitor
            .lock()
            .unwrap()
            .duplicates
            .entry(event_type.to_string())
            .or_default() += 1;
    }
}

impl Desk {
    /// The last rate-limit figures GHL sent for the active location, as text.
    pub fn rate_limit_summary(&self) -> Option<String> {
        let rt = self.runtime.lock().unwrap();
        let (location, client) = rt.client.as_ref()?;
        let f = client.rate_figures(location)?;
        let show = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
        Some(format!(
            "{} of {} left per {} ms; {} of {} left today",
            show(f.remaining.map(u64::from)),
            show(f.max.map(u64::from)),
            show(f.interval_ms),
            show(f.daily_remaining),
            show(f.daily_limit)
        ))
    }

    /// The replica's schema version (doctor).
    pub fn schema_version(&self) -> Result<i64> {
        self.store.schema_version()
    }

    /// Which keychain backend is in use ("secret-service", "mock", ...).
    pub fn keychain_backend(&self) -> Result<&'static str> {
        Ok(self.tokens.backend()?)
    }
}
