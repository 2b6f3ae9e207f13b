//! Figures for the health panel: per-operation GHL call figures, the last
//! rate-limit figures GHL reported, and each location's token expiry.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;

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
}

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
        Ok(HealthReport {
            generated_at: now.to_rfc3339(),
            location_id,
            operations,
            rate_limit,
            tokens,
        })
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
