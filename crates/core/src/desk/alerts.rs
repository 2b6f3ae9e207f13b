//! The manager's alerts: a periodic check of the active location raises an
//! alert once while its condition holds and clears it when the condition
//! ends. Alerts live in the replica (a restart neither loses nor repeats
//! them) and reach the app through the notifier.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Desk;
use crate::error::Result;
use crate::model::Locale;
use crate::monitor::{self, AlertKind, AlertThresholds, Condition, Observation};
use crate::store::AlertRow;
use crate::time;

/// One alert as the app and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Alert {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: AlertKind,
    pub location_id: String,
    /// The figure the message quotes (calls left, refusals, minutes, ...).
    #[ts(type = "number")]
    pub figure: i64,
    /// What happened and what to do, in the desk's language.
    pub message: String,
    /// RFC 3339.
    pub raised_at: String,
    pub cleared_at: Option<String>,
}

/// The webhook window the alert and the health figures look at.
pub(crate) const WEBHOOK_WINDOW: Duration = Duration::from_secs(3600);

impl Desk {
    /// Alert thresholds (tests shorten them; the app reads the environment).
    pub fn set_alert_thresholds(&self, thresholds: AlertThresholds) {
        self.monitor.lock().unwrap().thresholds = Some(thresholds);
    }

    fn alert_thresholds(&self) -> AlertThresholds {
        self.monitor
            .lock()
            .unwrap()
            .thresholds
            .unwrap_or_else(|| AlertThresholds::default().with_env_overrides())
    }

    pub(crate) fn alert_view(&self, row: AlertRow, locale: Locale) -> Alert {
        Alert {
            message: crate::messages::alert_text(row.kind, row.figure, locale),
            id: row.id,
            kind: row.kind,
            location_id: row.location_id,
            figure: row.figure,
            raised_at: time::from_ms(row.raised_at).to_rfc3339(),
            cleared_at: row.cleared_at.map(|t| time::from_ms(t).to_rfc3339()),
        }
    }

    /// The active location's open alerts, oldest first.
    pub fn alerts(&self) -> Result<Vec<Alert>> {
        let Some(location) = self.active_location()? else {
            return Ok(Vec::new());
        };
        let locale = self.locale();
        Ok(self
            .store
            .open_alerts(&location)?
            .into_iter()
            .map(|r| self.alert_view(r, locale))
            .collect())
    }

    /// The active location's latest alerts, open and cleared, newest first.
    pub fn alert_history(&self, limit: u32) -> Result<Vec<Alert>> {
        let Some(location) = self.active_location()? else {
            return Ok(Vec::new());
        };
        let locale = self.locale();
        Ok(self
            .store
            .recent_alerts(&location, limit)?
            .into_iter()
            .map(|r| self.alert_view(r, locale))
            .collect())
    }

    /// What the conditions are made of, for the active location.
    async fn observe(&self, location: &str, t: &AlertThresholds) -> Result<Observation> {
        let now = Utc::now();
        let now_ms = now.timestamp_millis();
        let hour_ago = now_ms - WEBHOOK_WINDOW.as_millis() as i64;
        let (connection, client) = {
            let rt = self.runtime.lock().unwrap();
            (rt.connection, rt.client.clone())
        };
        let rate_remaining = client
            .filter(|(id, _)| id == location)
            .and_then(|(_, c)| c.rate_figures(location))
            .and_then(|f| f.remaining);
        let reconnect_required = citadesk_ghl::auth::stored_status(location)
            .await
            .is_some_and(|(_, r)| r);
        let (latest_webhook_bad, bad_webhooks_last_hour) =
            self.store.bad_webhooks_since(location, hour_ago)?;
        let (relay, relay_since) = {
            let inner = self.live.lock();
            (inner.state, inner.state_since)
        };
        let pending = self.store.oldest_pending_write(location)?;
        Ok(Observation {
            rate_remaining,
            last_sync_error: self.store.sync_record(location)?.last_error_code,
            reconnect_required,
            refused_last_hour: self
                .store
                .refusals_since(location, now_ms - t.refused_window.as_millis() as i64)?,
            latest_webhook_bad,
            bad_webhooks_last_hour,
            relay,
            relay_state_for: relay_since.and_then(|t| (now - t).to_std().ok()),
            connection: Some(connection),
            oldest_pending: pending.and_then(|(at, _)| (now - time::from_ms(at)).to_std().ok()),
            pending_writes: pending.map_or(0, |(_, n)| n),
            unfixed_differences: self.store.unfixed_differences(location)?,
        })
    }

    /// Checks every alert of the active location once: raises those whose
    /// condition now holds (each once), clears those whose condition ended,
    /// and tells the app. Returns the alerts raised by this check.
    pub async fn check_alerts(&self) -> Result<Vec<Alert>> {
        let Some(location) = self.active_location()? else {
            return Ok(Vec::new());
        };
        let thresholds = self.alert_thresholds();
        let seen = self.observe(&location, &thresholds).await?;
        let now_ms = Utc::now().timestamp_millis();
        let locale = self.locale();
        let mut raised = Vec::new();
        let mut changed = false;
        for (kind, condition) in monitor::evaluate(&seen, &thresholds) {
            match condition {
                Condition::Holds(figure) => {
                    if let Some(row) = self.store.raise_alert(&location, kind, figure, now_ms)? {
                        tracing::warn!(location = %location, alert = kind.as_str(), figure, "alert raised");
                        raised.push(self.alert_view(row, locale));
                        changed = true;
                    }
                }
                Condition::Ended => {
                    if self.store.clear_alert(&location, kind, now_ms)? {
                        tracing::info!(location = %location, alert = kind.as_str(), "alert cleared");
                        changed = true;
                    }
                }
                Condition::Unknown => {}
            }
        }
        if changed {
            if let Some(n) = self.notifier() {
                for alert in &raised {
                    n.alert_raised(alert);
                }
                n.alerts_changed(&self.alerts()?);
            }
        }
        Ok(raised)
    }

    /// Runs for the life of the process: checks the alerts every
    /// `CITADESK_ALERT_CHECK_SECS` (default 30 s).
    pub async fn run_alert_loop(self: Arc<Self>) {
        let every = std::env::var("CITADESK_ALERT_CHECK_SECS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(Duration::from_secs(30), |s| Duration::from_secs(s.max(1)));
        loop {
            if let Err(e) = self.check_alerts().await {
                tracing::warn!(code = e.code(), "alert check failed: {e}");
            }
            tokio::time::sleep(every).await;
        }
    }
}
